"""The model card written beside exported weights (:mod:`docdenoise.weights` stores it).

The card records what a reader of the weights needs to trust and reproduce them: name, model and
training config, data and validation seeds, the exact training command(s), validation RMSE/PSNR
(overall and per degradation), parameter count, FLOPs per pixel, receptive field, training time
and steps, hardware, what was averaged or blended, dates and library versions.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import torch

import docdenoise
from docdenoise.model import (
    DenoiseNet,
    count_parameters,
    flops_per_pixel,
    receptive_field_radius,
)


def utc_iso(timestamp: float | None = None) -> str:
    """``timestamp`` (default: now) as an ISO 8601 UTC time to the second."""
    moment = (
        dt.datetime.now(dt.UTC)
        if timestamp is None
        else dt.datetime.fromtimestamp(timestamp, dt.UTC)
    )
    return moment.replace(microsecond=0).isoformat()


def build_card(
    best: dict[str, Any],
    model: DenoiseNet,
    *,
    run_steps: int | None,
    trained_at: str,
    name: str | None = None,
) -> dict[str, Any]:
    """The model card for the weights in ``best`` (a ``best.pt`` checkpoint); ``name`` replaces
    the config's ``export.name`` (a run trained as one bundled model, shipped as another)."""
    config = best["config"]
    metrics = best["metrics"]
    return {
        "name": name or config["export"]["name"],
        "format_note": "docdenoise model card; weights are float32 safetensors",
        "data_seed": config["data"]["seed"],
        "validation": {
            "seed": config["validation"]["seed"],
            "pairs": config["validation"]["pairs"],
            "size": config["validation"]["size"],
        },
        "training_config": config,
        "command": best["commands"][0] if best["commands"] else "",
        "commands": list(best["commands"]),
        "metrics": {
            "val_rmse": metrics["rmse"],
            "val_psnr_db": metrics["psnr"],
            "val_input_rmse": metrics["input_rmse"],
            "val_rmse_per_degradation": metrics["per_degradation_rmse"],
        },
        "parameters": count_parameters(model),
        "flops_per_pixel": flops_per_pixel(model.config),
        "receptive_field_radius": receptive_field_radius(model.config),
        "training_time_s": round(float(best["elapsed_s"]), 1),
        "steps": int(best["step"]),
        "run_steps": run_steps,
        "hardware": best["hardware"],
        **({"averaged_steps": list(best["averaged_steps"])} if "averaged_steps" in best else {}),
        **({"blended_with": dict(best["blended_with"])} if "blended_with" in best else {}),
        **({"sources": dict(best["sources"])} if best.get("sources") else {}),
        "trained_at": trained_at,
        "exported_at": utc_iso(),
        "torch_version": torch.__version__,
        "docdenoise_version": docdenoise.__version__,
    }
