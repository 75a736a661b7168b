"""Checkpoints: plain state dicts written atomically with ``torch.save``, read with weights_only.

A run directory ``runs/<name>/`` holds::

    last.pt      everything needed to resume: model, optimizer, scaler, step, data cursor, RNG
    best.pt      the weights with the lowest validation RMSE so far, with their metrics
    kept/        step-N.pt: the weights of each checkpoint from ``[run] keep_from`` on, to average
    averaged.pt  the kept weights' mean, and blended.pt a blend (docdenoise.training.average)
    val.npz      the fixed validation set (see docdenoise.training.data)
    config.json  the TrainConfig of the latest session, for people

Only tensors, numbers, strings, lists and dicts go in, so ``torch.load(weights_only=True)``
reads them back without unpickling code.
"""

from __future__ import annotations

import json
import os
import re
from pathlib import Path
from typing import Any

import torch

from docdenoise.errors import UsageError

LAST = "last.pt"
BEST = "best.pt"
KEPT = "kept"
_STEP = re.compile(r"step-(\d+)\.pt")


def kept_name(step: int) -> str:
    return f"step-{step:07d}.pt"


def kept_steps(run_dir: Path) -> dict[int, Path]:
    """The run's kept checkpoints by step."""
    found = {}
    for path in (run_dir / KEPT).glob("step-*.pt"):
        match = _STEP.fullmatch(path.name)
        if match:
            found[int(match.group(1))] = path
    return dict(sorted(found.items()))


def save_atomic(obj: dict[str, Any], path: Path) -> None:
    """``torch.save`` to a temporary file, then rename over ``path``: never a half-written file."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.tmp")
    try:
        torch.save(obj, tmp)
        os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)


def load_checkpoint(path: Path) -> dict[str, Any]:
    """Read a checkpoint on the CPU; a missing or unreadable one is a :class:`UsageError`."""
    if not path.is_file():
        raise UsageError(path, "no checkpoint here", "train first, or check --out")
    try:
        data = torch.load(path, map_location="cpu", weights_only=True)
    except (OSError, RuntimeError, ValueError, EOFError) as exc:
        raise UsageError(path, f"checkpoint is not readable ({exc})") from exc
    if not isinstance(data, dict) or "model" not in data:
        raise UsageError(path, "not a docdenoise training checkpoint")
    return data


def write_config_json(run_dir: Path, config: dict[str, Any]) -> None:
    run_dir.mkdir(parents=True, exist_ok=True)
    text = json.dumps(config, indent=2, sort_keys=True) + "\n"
    tmp = run_dir / ".config.json.tmp"
    tmp.write_text(text, encoding="utf-8")
    os.replace(tmp, run_dir / "config.json")
