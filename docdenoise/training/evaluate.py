"""Validation metrics on the fixed set: RMSE, PSNR, and RMSE per degradation type.

RMSE and PSNR are over all pixels of the set (``PSNR = 10 log10(1 / MSE)``, pages in [0, 1]).
``input_rmse`` is the RMSE of the noisy pages themselves: the bar the model must get under.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import torch

from docdenoise.model import DenoiseNet
from docdenoise.training.data import ValidationSet


@dataclass(frozen=True)
class Metrics:
    rmse: float
    psnr: float
    input_rmse: float
    per_degradation: dict[str, float] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return {
            "rmse": self.rmse,
            "psnr": self.psnr,
            "input_rmse": self.input_rmse,
            "per_degradation_rmse": dict(self.per_degradation),
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Metrics:
        per = {str(k): float(v) for k, v in data.get("per_degradation_rmse", {}).items()}
        return cls(float(data["rmse"]), float(data["psnr"]), float(data["input_rmse"]), per)


def psnr_of(mse: float) -> float:
    return 10.0 * math.log10(1.0 / max(mse, 1e-12))


def _unit(pages: np.ndarray, device: torch.device) -> torch.Tensor:
    x = torch.from_numpy(pages.astype(np.float32) * np.float32(1 / 255))[:, None]
    return x.to(device).contiguous(memory_format=torch.channels_last)


def per_page_mse(
    model: DenoiseNet,
    val: ValidationSet,
    device: torch.device,
    amp_dtype: torch.dtype | None = None,
    batch: int = 4,
) -> np.ndarray:
    """``(N,)`` float64 mean squared error of the model's output on each validation page."""
    was_training = model.training
    model.eval()
    out = []
    try:
        with torch.no_grad():
            for i in range(0, len(val.noisy), batch):
                x = _unit(val.noisy[i : i + batch], device)
                y = _unit(val.clean[i : i + batch], device)
                with torch.autocast(device.type, amp_dtype or torch.float32, amp_dtype is not None):
                    pred = model(x)
                out.append(((pred.float() - y) ** 2).mean(dim=(1, 2, 3)).double().cpu())
    finally:
        model.train(was_training)
    return torch.cat(out).numpy()


def summarize(mse: np.ndarray, val: ValidationSet) -> Metrics:
    """Set-level metrics from per-page MSEs."""
    noisy = val.noisy.astype(np.float32) / 255
    clean = val.clean.astype(np.float32) / 255
    input_rmse = float(np.sqrt(np.mean((noisy - clean) ** 2)))
    per: dict[str, float] = {}
    for name in sorted({d for degs in val.degradations for d in degs}):
        chosen = [i for i, degs in enumerate(val.degradations) if name in degs]
        per[name] = float(np.sqrt(mse[chosen].mean()))
    total = float(mse.mean())
    return Metrics(math.sqrt(total), psnr_of(total), input_rmse, per)


def evaluate(
    model: DenoiseNet,
    val: ValidationSet,
    device: torch.device,
    amp_dtype: torch.dtype | None = None,
    batch: int = 4,
) -> Metrics:
    """RMSE/PSNR of ``model`` on the fixed validation set."""
    return summarize(per_page_mse(model, val, device, amp_dtype, batch), val)
