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

    python -m docdenoise.training.average --run runs/fast --from-step 4000

It also blends a fine-tuned run with the weights it was tuned from (WiSE-FT, Wortsman et al.
2022): ``(1 - share) * base + share * tuned``, element-wise. A run fine-tuned for one thing (a
loss that keeps thin strokes dark) moves along a path on which the measures it traded away
(precision on real pages) come back smoothly as ``share`` falls, so a point between the two
models can keep most of the gain at a fraction of the cost. The run's network and the base must
be the same; the result is scored on the run's validation set and written as ``blended.pt``::

    python -m docdenoise.training.average --run runs/fast-thin --checkpoint last.pt \\
        --blend-with assets/docdenoise-fast.safetensors --share 0.7

A run's directory may be gone (a run trained on another machine, or sessions ago) while its
exported file and card remain; ``--tuned`` blends that file instead and writes the result and
its card at ``--out``::

    python -m docdenoise.training.average --tuned runs/fast/averaged.safetensors \\
        --blend-with assets/docdenoise-quality.safetensors --share 0.5 --out blend.safetensors
"""

from __future__ import annotations

import argparse
import logging
import shlex
import sys
import tempfile
from pathlib import Path
from typing import Any

import torch

from docdenoise.errors import EXIT_OK, UsageError
from docdenoise.model import DenoiseNet, ModelConfig
from docdenoise.training.card import build_card
from docdenoise.training.checkpoint import BEST, LAST, kept_steps, load_checkpoint, save_atomic
from docdenoise.training.config import config_from_dict
from docdenoise.training.console import run_command, setup_logging
from docdenoise.training.data import load_validation
from docdenoise.training.evaluate import evaluate
from docdenoise.weights import load_weights, resolve_model, save_weights, sha256_of

log = logging.getLogger(__name__)

AVERAGED = "averaged.pt"
BLENDED = "blended.pt"


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


def blend_state(
    base: dict[str, torch.Tensor], tuned: dict[str, torch.Tensor], share: float
) -> dict[str, torch.Tensor]:
    """``(1 - share) * base + share * tuned`` for state dicts of the same network (float64)."""
    if not 0.0 <= share <= 1.0:
        raise ValueError(f"share {share} is not between 0 and 1")
    if base.keys() != tuned.keys() or any(base[k].shape != tuned[k].shape for k in base):
        raise ValueError("the two weights hold different networks")
    return {
        key: (
            (1.0 - share) * base[key].to(torch.float64) + share * tuned[key].to(torch.float64)
        ).to(tuned[key].dtype)
        for key in tuned
    }


def scored_checkpoint(
    run_dir: Path,
    weights: dict[str, torch.Tensor],
    step: int,
    command: str = "",
    source: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """``weights`` of the network ``run_dir`` trains, scored on the run's own validation set, as
    a checkpoint in ``best.pt``'s format (what :mod:`docdenoise.training.export` reads).

    The config, training time, commands and hardware come from ``source``, the checkpoint the
    weights were made from (default: the run's ``last.pt``), so that a blend of ``averaged.pt``
    records the averaging among its commands."""
    origin = source if source is not None else load_checkpoint(run_dir / LAST)
    config = config_from_dict(origin["config"], str(run_dir))
    model = DenoiseNet(ModelConfig.from_dict(origin["config"]["model"]))
    model.load_state_dict(weights, strict=True)
    val = load_validation(run_dir / "val.npz", config.validation)
    metrics = evaluate(model.eval(), val, torch.device("cpu"), None, config.validation.batch_size)
    return {
        "model": model.state_dict(),
        "step": step,
        "metrics": metrics.to_dict(),
        "elapsed_s": origin["elapsed_s"],
        "commands": [*origin["commands"], command] if command else list(origin["commands"]),
        "config": origin["config"],
        "hardware": origin["hardware"],
        "sources": dict(origin.get("sources", {})),
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


def _check_share(share: float) -> None:
    if not 0.0 <= share <= 1.0:
        raise UsageError(
            None, f"the blend share {share} is not between 0 and 1", "pass --share 0.7"
        )


def _blended_with(base: Path, base_card: dict[str, Any], share: float) -> dict[str, Any]:
    """What a blend's card says of its base: the file, its sha256 and how it was made."""
    record: dict[str, Any] = {
        "weights": str(base),
        "sha256": sha256_of(resolve_model(base)),
        "command": base_card.get("command", ""),
        "commands": list(base_card.get("commands", [])),  # how the base was made, in full
        "share_of_tuned": share,
    }
    if "sources" in base_card:
        record["sources"] = base_card["sources"]
    if "blended_with" in base_card:  # a blend of a blend: how its own base was made, too
        record["blended_with"] = base_card["blended_with"]
    return record


def blend_run(
    run_dir: Path, base: Path, share: float, command: str = "", checkpoint: str = BEST
) -> dict[str, Any]:
    """Blend the run's ``checkpoint`` with the weights file ``base``, validate, write
    ``blended.pt``; the checkpoint records the base (file name, sha256 and the command that
    trained it) so the card says what was blended."""
    _check_share(share)
    tuned = load_checkpoint(run_dir / checkpoint)
    base_model, base_card = load_weights(base)
    if base_model.config != ModelConfig.from_dict(tuned["config"]["model"]):
        raise UsageError(base, "holds a different network from the run's",
                         f"blend with the weights {run_dir} was tuned from")  # fmt: skip
    state = blend_state(base_model.state_dict(), tuned["model"], share)
    blended = scored_checkpoint(run_dir, state, int(tuned["step"]), command, source=tuned)
    blended["blended_with"] = _blended_with(base, base_card, share)
    log.info("%.2f x %s + %.2f x %s: val RMSE %.5f (tuned alone %.5f)", 1 - share, base, share,
             run_dir / checkpoint, blended["metrics"]["rmse"],
             tuned.get("metrics", {}).get("rmse", float("nan")))  # fmt: skip
    save_atomic(blended, run_dir / BLENDED)
    return blended


def blend_files(
    tuned: Path, base: Path, share: float, out: Path, command: str = ""
) -> dict[str, Any]:
    """Blend two weights files of one network, ``(1 - share) * base + share * tuned``, into
    ``out`` (.safetensors and card); returns the card written.

    For a run whose directory is gone, where the exported files are all that is left: the card
    is ``tuned``'s own (its config, training time, hardware, sources and commands, this blend's
    ``command`` last), with ``base`` under ``blended_with`` as :func:`blend_run` records it and
    the blend's metrics scored on the validation set ``tuned``'s config describes, made afresh
    from its seeds."""
    _check_share(share)
    tuned_model, tuned_card = load_weights(tuned)
    base_model, base_card = load_weights(base)
    if base_model.config != tuned_model.config:
        raise UsageError(base, f"holds a different network from {tuned}",
                         f"blend {tuned} with the weights it was tuned from")  # fmt: skip
    if "training_config" not in tuned_card:
        raise UsageError(
            tuned,
            "has no model card with its training config beside it",
            "blend weights exported by python -m docdenoise.training.export",
        )
    config = config_from_dict(tuned_card["training_config"], str(tuned))
    tuned_model.load_state_dict(blend_state(base_model.state_dict(),
                                            tuned_model.state_dict(), share))  # fmt: skip
    with tempfile.TemporaryDirectory(prefix="docdenoise-val-") as tmp:
        val = load_validation(Path(tmp) / "val.npz", config.validation)
    metrics = evaluate(tuned_model.eval(), val, torch.device("cpu"), None,
                       config.validation.batch_size)  # fmt: skip
    source: dict[str, Any] = {
        "config": tuned_card["training_config"],
        "metrics": metrics.to_dict(),
        "commands": [*tuned_card.get("commands", []), *([command] if command else [])],
        "elapsed_s": tuned_card.get("training_time_s", 0.0),
        "step": tuned_card.get("steps", 0),
        "hardware": tuned_card.get("hardware", ""),
        "blended_with": {
            **_blended_with(base, base_card, share),
            "tuned_sha256": sha256_of(resolve_model(tuned)),
        },
        **{k: tuned_card[k] for k in ("averaged_steps", "sources") if k in tuned_card},
    }
    card = build_card(source, tuned_model, run_steps=tuned_card.get("run_steps"),
                      trained_at=tuned_card.get("trained_at", ""),
                      name=tuned_card.get("name"))  # fmt: skip
    written = save_weights(tuned_model, Path(out), card)
    alone = tuned_card.get("metrics", {}).get("val_rmse", float("nan"))
    log.info("%.2f x %s + %.2f x %s: val RMSE %.5f (tuned alone %.5f)", 1 - share, base, share,
             tuned, metrics.rmse, alone)  # fmt: skip
    return written


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="python -m docdenoise.training.average")
    what = p.add_mutually_exclusive_group(required=True)
    what.add_argument("--run", type=Path, help="run directory")
    what.add_argument("--tuned", type=Path, metavar="WEIGHTS",
                      help="exported weights to blend, instead of a run's checkpoint")  # fmt: skip
    p.add_argument("--out", type=Path, help="where --tuned's blend is written (.safetensors)")
    how = p.add_mutually_exclusive_group(required=True)
    how.add_argument("--from-step", type=int, help="average the kept weights from this step on")
    how.add_argument("--blend-with", metavar="WEIGHTS",
                     help="blend the run's best.pt with the weights it was tuned from")  # fmt: skip
    p.add_argument("--share", type=float, default=None,
                   help="the tuned run's share of a blend, 0..1 (with --blend-with)")  # fmt: skip
    p.add_argument("--checkpoint", default="best.pt",
                   help="the run's weights to blend (best.pt, last.pt, ...)")  # fmt: skip
    return p


def main(argv: list[str] | None = None) -> int:
    """``python -m docdenoise.training.average --run runs/NAME --from-step N``, or
    ``... --run runs/NAME --blend-with BASE.safetensors --share S [--checkpoint last.pt]``, or
    ``... --tuned TUNED.safetensors --blend-with BASE.safetensors --share S --out OUT.safetensors``
    (two exported files, for a run whose directory is gone)."""
    p = _parser()
    args = p.parse_args(argv)
    if (args.blend_with is None) != (args.share is None):
        p.error("--blend-with and --share go together")
    if args.tuned is not None and (args.blend_with is None or args.out is None):
        p.error("--tuned goes with --blend-with, --share and --out")
    if args.out is not None and args.tuned is None:
        p.error("--out goes with --tuned (a run's blend is written as its blended.pt)")
    setup_logging(False)
    command = shlex.join(["python", "-m", "docdenoise.training.average", *(argv or sys.argv[1:])])
    return run_command(lambda: _command(args, command))


def _command(args: argparse.Namespace, command: str) -> int:
    """Run what ``main`` parsed and say what was written on stdout (the command's output)."""
    if args.tuned is not None:
        card = blend_files(args.tuned, args.blend_with, args.share, args.out, command)
        rmse = card["metrics"]["val_rmse"]
        done = (f"wrote {args.out}: {1 - args.share:.2f} x {args.blend_with} + "
                f"{args.share:.2f} x {args.tuned}, val RMSE {rmse:.5f}")  # fmt: skip
    elif args.blend_with is not None:
        result = blend_run(args.run, args.blend_with, args.share, command, args.checkpoint)
        rmse = result["metrics"]["rmse"]
        done = (f"wrote {args.run / BLENDED}: {1 - args.share:.2f} x {args.blend_with} + "
                f"{args.share:.2f} x the run, val RMSE {rmse:.5f}")  # fmt: skip
    else:
        result = average_run(args.run, args.from_step, command)
        steps, rmse = result["averaged_steps"], result["metrics"]["rmse"]
        done = (f"wrote {args.run / AVERAGED}: {len(steps)} checkpoints, "
                f"steps {steps[0]}..{steps[-1]}, val RMSE {rmse:.5f}")  # fmt: skip
    print(done)
    return EXIT_OK


if __name__ == "__main__":
    raise SystemExit(main())
