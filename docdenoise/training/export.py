"""Export a run's best checkpoint to ``.safetensors`` + model card (``docdenoise.weights``).

Works at any time, also while the run is still training (``best.pt`` is replaced atomically)::

    python -m docdenoise.training.export --run runs/fast --out assets/docdenoise-fast.safetensors

The card records what a reader of the weights needs to trust and reproduce them: name, model and
training config, data and validation seeds, the exact training command(s), validation RMSE/PSNR
(overall and per degradation), parameter count, FLOPs per pixel, receptive field, training time
and steps, hardware, dates and library versions.
"""

from __future__ import annotations

import datetime as dt
import logging
from pathlib import Path
from typing import Any

import torch

import docdenoise
from docdenoise.model import (
    DenoiseNet,
    ModelConfig,
    count_parameters,
    flops_per_pixel,
    receptive_field_radius,
)
from docdenoise.training.checkpoint import BEST, LAST, load_checkpoint
from docdenoise.weights import save_weights

log = logging.getLogger(__name__)


def _utc(timestamp: float | None = None) -> str:
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
        "exported_at": _utc(),
        "torch_version": torch.__version__,
        "docdenoise_version": docdenoise.__version__,
    }


def export_run(
    run_dir: Path,
    out: Path,
    checkpoint: str = BEST,
    command: str | None = None,
    name: str | None = None,
) -> dict[str, Any]:
    """Write ``out`` (.safetensors) and its card from ``run_dir/best.pt`` (or ``checkpoint``:
    ``averaged.pt`` or ``blended.pt`` (:mod:`docdenoise.training.average`), ``last.pt``, or a kept
    ``kept/step-N.pt``, which are scored on the run's validation set first); returns the card.

    ``command``, the export command line as typed, ends the card's ``commands``, so that the
    card alone says how its file was made (training's own export at the end of a run passes
    none: ``docdenoise-train`` wrote that file)."""
    from docdenoise.training.average import scored_checkpoint

    run_dir, out = Path(run_dir), Path(out)
    best = load_checkpoint(run_dir / checkpoint)
    if "metrics" not in best:  # last.pt and kept weights were saved without a validation
        best = scored_checkpoint(run_dir, best["model"], int(best["step"]))
    if command:
        best = {**best, "commands": [*best["commands"], command]}
    model = DenoiseNet(ModelConfig.from_dict(best["config"]["model"]))
    model.load_state_dict(best["model"], strict=True)
    run_steps = None
    if (run_dir / LAST).is_file():
        run_steps = int(load_checkpoint(run_dir / LAST)["step"])
    trained_at = _utc((run_dir / checkpoint).stat().st_mtime)
    card = build_card(best, model.eval(), run_steps=run_steps, trained_at=trained_at, name=name)
    written = save_weights(model, out, card)
    log.info("exported %s (step %d) to %s", run_dir / checkpoint, card["steps"], out)
    return written


if __name__ == "__main__":
    from docdenoise.training.cli import export_entry

    export_entry()
