"""Weight averaging over the tail of a run (stochastic weight averaging, Izmailov et al. 2018).

With a small batch on a CPU, single checkpoints late in a run still differ a lot from one
another: on the synthetic validation set by a few percent, on other measures (real scans, ink
kept) by more. The mean of the weights kept over the last part of the cosine schedule sits in
the middle of that spread and is usually at least as good as the best single checkpoint, without
choosing among checkpoints by any test set. The network has no batch normalisation, so the
averaged weights need no statistics recomputed.

A run keeps its checkpoints' weights from step ``[run] keep_from`` on (``kept/step-N.pt``,
see :mod:`docdenoise.training.loop`); this averages those from ``--from-step`` on, scores the
average on the run's own validation set and writes ``averaged.pt`` beside ``best.pt`` in the
same format, so ``python -m docdenoise.training.export --checkpoint averaged.pt`` exports it::

    python -m docdenoise.training.average --run runs/fast-cjk --from-step 9000
"""

from __future__ import annotations

import logging
import re
from pathlib import Path
from typing import Any

import torch

from docdenoise.errors import UsageError
from docdenoise.model import DenoiseNet, ModelConfig
from docdenoise.training.checkpoint import BEST, LAST, load_checkpoint, save_atomic
from docdenoise.training.config import config_from_dict

log = logging.getLogger(__name__)

KEPT = "kept"
AVERAGED = "averaged.pt"
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


def mean_state(states: list[dict[str, torch.Tensor]]) -> dict[str, torch.Tensor]:
    """The element-wise mean of state dicts with the same keys and shapes (float64 sums)."""
    if not states:
        raise ValueError("nothing to average")
    keys = states[0].keys()
    if any(state.keys() != keys for state in states):
        raise ValueError("the checkpoints hold different networks")
    out = {}
    for key in keys:
        total = torch.zeros_like(states[0][key], dtype=torch.float64)
        for state in states:
            total += state[key].to(torch.float64)
        out[key] = (total / len(states)).to(states[0][key].dtype)
    return out


def scored_checkpoint(
    run_dir: Path, weights: dict[str, torch.Tensor], step: int, command: str = ""
) -> dict[str, Any]:
    """``weights`` of the network ``run_dir`` trains, scored on the run's own validation set, as
    a checkpoint in ``best.pt``'s format (what :mod:`docdenoise.training.export` reads)."""
    from docdenoise.training.data import load_validation
    from docdenoise.training.evaluate import evaluate

    last = load_checkpoint(run_dir / LAST)
    config = config_from_dict(last["config"], str(run_dir / LAST))
    model = DenoiseNet(ModelConfig.from_dict(last["config"]["model"]))
    model.load_state_dict(weights, strict=True)
    val = load_validation(run_dir / "val.npz", config.validation)
    metrics = evaluate(model.eval(), val, torch.device("cpu"), None, config.validation.batch_size)
    return {
        "model": model.state_dict(),
        "step": step,
        "metrics": metrics.to_dict(),
        "elapsed_s": last["elapsed_s"],
        "commands": [*last["commands"], command] if command else list(last["commands"]),
        "config": last["config"],
        "hardware": last["hardware"],
    }


def average_run(run_dir: Path, from_step: int, command: str = "") -> dict[str, Any]:
    """Average the kept weights from ``from_step`` on, validate, write ``averaged.pt``."""
    steps = {s: p for s, p in kept_steps(run_dir).items() if s >= from_step}
    if len(steps) < 2:
        raise UsageError(run_dir, f"fewer than 2 kept checkpoints from step {from_step} on",
                         "set [run] keep_from in the config, or lower --from-step")  # fmt: skip
    states = [load_checkpoint(path)["model"] for path in steps.values()]
    averaged = scored_checkpoint(run_dir, mean_state(states), max(steps), command)
    averaged["averaged_steps"] = list(steps)
    best = load_checkpoint(run_dir / BEST)
    log.info("average of %d checkpoints (steps %d..%d): val RMSE %.5f (best single %.5f)",
             len(steps), min(steps), max(steps), averaged["metrics"]["rmse"],
             best["metrics"]["rmse"])  # fmt: skip
    save_atomic(averaged, run_dir / AVERAGED)
    return averaged


if __name__ == "__main__":
    from docdenoise.training.cli import average_entry

    average_entry()
