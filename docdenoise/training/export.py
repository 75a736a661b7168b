"""Export a run's best checkpoint to ``.safetensors`` + model card (``docdenoise.weights``).

Works at any time, also while the run is still training (``best.pt`` is replaced atomically)::

    python -m docdenoise.training.export --run runs/fast --out assets/docdenoise-fast.safetensors

What the card says: :mod:`docdenoise.training.card`.
"""

from __future__ import annotations

import argparse
import logging
import shlex
import sys
from pathlib import Path
from typing import Any

from docdenoise.errors import EXIT_OK, UsageError
from docdenoise.model import DenoiseNet, ModelConfig
from docdenoise.training.average import scored_checkpoint
from docdenoise.training.card import build_card, utc_iso
from docdenoise.training.checkpoint import BEST, LAST, load_checkpoint
from docdenoise.training.console import run_command, setup_logging
from docdenoise.weights import save_weights

log = logging.getLogger(__name__)


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
    trained_at = utc_iso((run_dir / checkpoint).stat().st_mtime)
    card = build_card(best, model.eval(), run_steps=run_steps, trained_at=trained_at, name=name)
    written = save_weights(model, out, card)
    log.info("exported %s (step %d) to %s", run_dir / checkpoint, card["steps"], out)
    return written


def export_command(
    run_dir: Path | None,
    target: Path | None,
    checkpoint: str = BEST,
    command: str | None = None,
    name: str | None = None,
) -> int:
    """Export and say so on stdout: ``python -m docdenoise.training.export`` and
    ``docdenoise-train --export-only``. ``target`` defaults to the run's ``export.path``."""
    if run_dir is None:
        raise UsageError(None, "--export-only needs the run directory", "pass --out runs/NAME")
    if target is None:
        config = load_checkpoint(run_dir / checkpoint).get("config")  # kept/ weights have none
        config = config or load_checkpoint(run_dir / LAST)["config"]
        target = Path(config["export"]["path"])
    card = export_run(run_dir, target, checkpoint, command, name)
    metrics = card["metrics"]
    done = (
        f"exported {run_dir / checkpoint} (step {card['steps']}, RMSE {metrics['val_rmse']:.5f}, "
        f"PSNR {metrics['val_psnr_db']:.2f} dB) to {target}"
    )
    print(done)
    return EXIT_OK


def main(argv: list[str] | None = None) -> int:
    """``python -m docdenoise.training.export --run runs/NAME [--out FILE.safetensors]``."""
    p = argparse.ArgumentParser(prog="python -m docdenoise.training.export")
    p.add_argument("--run", type=Path, required=True, help="run directory holding best.pt")
    p.add_argument("--out", type=Path, help="weights file (default: the config's export.path)")
    p.add_argument("--checkpoint", default="best.pt",
                   help="best.pt, averaged.pt, last.pt or kept/step-N.pt")  # fmt: skip
    p.add_argument("--name", help="the model's name in its card (default: the run's export.name)")
    args = p.parse_args(argv)
    setup_logging(False)
    command = shlex.join(["python", "-m", "docdenoise.training.export", *(argv or sys.argv[1:])])
    return run_command(
        lambda: export_command(args.run, args.out, args.checkpoint, command, args.name)
    )


if __name__ == "__main__":
    raise SystemExit(main())
