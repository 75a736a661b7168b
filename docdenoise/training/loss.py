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
* **Thinning penalty** (``thinning``, off by default). The terms above are symmetric: their
  minimum is the expected grey, so where the network cannot tell exactly where a stroke edge
  lies (blur, a stain over the stroke) it predicts the mean and the stroke comes out a little
  thinner and its edge pixels lighter than they were (measured on the shipped model: ink pixels
  +0.04 too light, the ring beside them 0.04 too dark). For a reader a slightly bold stroke is
  harmless and a thinned one is not: a lost edge pixel at 150 dpi is a broken Hangul stroke or a
  vanished comma. This term adds ``thinning * (prediction - target)`` on the core ink pixels
  (target darker than ``ink_threshold``, not dilated) where the prediction is lighter, and
  nothing where it is darker, which moves the uncertain edge towards ink.
* **Stray-ink penalty** (``stray_ink``, off by default). The mirror of the thinning penalty, on
  the paper away from ink (outside the dilated ink mask): ``stray_ink * (target - prediction)``
  where the prediction is darker than the target. The ink weight and the thinning penalty both
  teach "when unsure, keep it dark", and the network applies that far from any stroke too: it
  keeps the other side's text, laid-paper lines and a stain's grain as ink (docs/training.md).
  The ring beside real strokes is inside the dilated mask and untouched, so this term charges
  isolated marks the clean page does not have, not the edges of strokes it does.
* **Thin-stroke penalty** (``thin_strokes``, off by default). The thinning penalty again, on
  the thin strokes alone: core ink pixels that a 3 x 3 opening of the core ink removes, i.e.
  strokes at most 2 px wide (a 150-dpi pen line, a comma, an i-dot, a hairline rule). Raising
  ``thinning`` itself keeps more of these but also makes every wide stroke bolder, which costs
  precision on real pages (docs/training.md, ``quality-context2``); the ink weight does not
  help at all, since it weighs an uncertain edge pixel's two outcomes (ink and its dilated
  ring) alike. What is lost on thin strokes is their anti-aliased edge pixels coming out a
  shade lighter than 0.5, so this term pushes only those strokes darker.

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
    thinning: float = 0.0
    stray_ink: float = 0.0
    thin_strokes: float = 0.0


def ink_mask(target: torch.Tensor, threshold: float, dilate: int) -> torch.Tensor:
    """``(N, 1, H, W)`` float mask: 1 where the target is darker than ``threshold``, dilated."""
    ink = (target < threshold).to(target.dtype)
    if dilate > 0:
        ink = F.max_pool2d(ink, 2 * dilate + 1, stride=1, padding=dilate)
    return ink


def thin_ink(core: torch.Tensor) -> torch.Tensor:
    """The pixels of a ``(N, 1, H, W)`` 0/1 ink mask in strokes at most 2 px wide: those a
    3 x 3 opening (erosion, then dilation) removes. The border counts as ink for the erosion,
    so a wide stroke cut by the crop's edge stays wide."""
    eroded = -F.max_pool2d(-F.pad(core, (1, 1, 1, 1), value=1.0), 3, stride=1)
    return core * (1.0 - F.max_pool2d(eroded, 3, stride=1, padding=1))


def denoise_loss(logits: torch.Tensor, target: torch.Tensor, config: LossConfig) -> LossParts:
    """The loss of :mod:`this module <docdenoise.training.loss>` for one batch."""
    logits = logits.float()
    target = target.float()
    ink = ink_mask(target, config.ink_threshold, config.ink_dilate)
    weight = 1.0 + config.ink_weight * ink
    bce = (F.binary_cross_entropy_with_logits(logits, target, reduction="none") * weight).mean()
    page = torch.sigmoid(logits)
    l1 = (page - target).abs().mean()
    total = config.bce * bce + config.l1 * l1
    core = (target < config.ink_threshold).to(target.dtype)  # ink itself, not dilated
    lighter = F.relu(page - target)  # how much lighter than its target each pixel came out
    thinning = torch.zeros((), device=logits.device)
    if config.thinning:
        thinning = (lighter * core).mean()
        total = total + config.thinning * thinning
    stray = torch.zeros((), device=logits.device)
    if config.stray_ink:
        stray = (F.relu(target - page) * (1.0 - ink)).mean()
        total = total + config.stray_ink * stray
    thin = torch.zeros((), device=logits.device)
    if config.thin_strokes:
        thin = (lighter * thin_ink(core)).mean()
        total = total + config.thin_strokes * thin
    return LossParts(
        total,
        float(bce.detach()),
        float(l1.detach()),
        float(ink.mean()),
        float(thinning.detach()),
        float(stray.detach()),
        float(thin.detach()),
    )
