"""The training loss: ink-weighted BCE on logits, plus a small L1 on the clean page.

Why these terms:

* **BCE with logits** (weight ``bce``). A clean page is near-binary: paper (1.0) and ink (0.0),
  with anti-aliased edges in between. Reading each target pixel as the probability of "paper"
  makes binary cross-entropy the Bernoulli log-likelihood of the page; it stays a proper loss
  for soft targets (its minimum is at the target grey, so anti-aliased edges are kept, not
  thresholded), it is computed from the logits (numerically stable, no vanishing sigmoid
  gradient when the network is confidently wrong) and it punishes confident mistakes
  logarithmically. MSE/L1 alone saturate there: a full stop predicted as white paper costs at most
  1 per pixel, and a handful of pixels vanish in the mean over a mostly white patch.
* **Ink weight** (``ink_weight``, ``ink_threshold``, ``ink_dilate``). Ink covers a few percent of a
  page, so even BCE is dominated by paper. Pixels whose target is darker than ``ink_threshold``,
  dilated by ``ink_dilate`` px (so the ring around a thin rule or an i-dot counts too), get
  ``1 + ink_weight`` times the weight of paper. Erasing a small mark (false white on ink) then
  costs several times more than leaving a little grey on paper, which is the trade a reader
  wants: a faint speck is a nuisance, a lost decimal point or tick changes the meaning.
* **L1 on the sigmoid output** (``l1``). The quality we report is RMSE/PSNR on the page in [0, 1];
  a small L1 term pulls the predicted greys to the target in that space and sharpens the paper
  level to exactly 1.0 without blurring edges the way MSE does.

Arrays: ``logits`` and ``target`` are ``(N, 1, H, W)``; ``target`` float in [0, 1], 1 = paper.
"""

from __future__ import annotations

from dataclasses import dataclass

import torch
from torch.nn import functional as F

from docdenoise.training.config import LossConfig


@dataclass(frozen=True)
class LossParts:
    """The total to back-propagate and its terms (detached floats, for logging)."""

    total: torch.Tensor
    bce: float
    l1: float
    ink_fraction: float


def ink_mask(target: torch.Tensor, threshold: float, dilate: int) -> torch.Tensor:
    """``(N, 1, H, W)`` float mask: 1 where the target is darker than ``threshold``, dilated."""
    ink = (target < threshold).to(target.dtype)
    if dilate > 0:
        ink = F.max_pool2d(ink, 2 * dilate + 1, stride=1, padding=dilate)
    return ink


def denoise_loss(logits: torch.Tensor, target: torch.Tensor, config: LossConfig) -> LossParts:
    """The loss of :mod:`this module <docdenoise.training.loss>` for one batch."""
    logits = logits.float()
    target = target.float()
    ink = ink_mask(target, config.ink_threshold, config.ink_dilate)
    weight = 1.0 + config.ink_weight * ink
    bce = (F.binary_cross_entropy_with_logits(logits, target, reduction="none") * weight).mean()
    l1 = (torch.sigmoid(logits) - target).abs().mean()
    total = config.bce * bce + config.l1 * l1
    return LossParts(total, float(bce.detach()), float(l1.detach()), float(ink.mean()))
