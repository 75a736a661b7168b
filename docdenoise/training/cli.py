"""``docdenoise-train``: train, resume and export a model from a TOML config.

    docdenoise-train --config docdenoise/training/configs/fast.toml --out runs/fast
    docdenoise-train --config ... --out runs/fast --resume          # continue from last.pt
    docdenoise-train --export-only --out runs/fast --export assets/docdenoise-fast.safetensors
    python -m docdenoise.training.export --run runs/fast --out assets/docdenoise-fast.safetensors

Progress goes to stderr: a bar on a terminal, else one log line every ``run.log_every`` steps.
SIGTERM and Ctrl-C stop cleanly; ``--resume`` continues from the last checkpoint.
"""

from __future__ import annotations

import argparse
import logging
import math
import shlex
import signal
import sys
from collections.abc import Generator
from pathlib import Path
from types import FrameType
from typing import Any

from docdenoise import allocator
from docdenoise.errors import EXIT_INTERRUPTED, EXIT_OK, DocDenoiseError, UsageError

log = logging.getLogger("docdenoise.training")


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="docdenoise-train", description=__doc__.split("\n")[0])
    p.add_argument("--config", help="training config (.toml, or a bundled name like 'fast')")
    p.add_argument("--out", type=Path, help="run directory (default: runs/<config name>)")
    p.add_argument("--resume", action="store_true", help="continue from <out>/last.pt")
    p.add_argument("--steps", type=int, help="override optim.steps")
    p.add_argument("--threads", type=int, help="override run.threads (torch threads)")
    p.add_argument("--device", help="override run.device (auto, cpu, cuda, mps)")
    p.add_argument("--export", type=Path, help="where to export the best weights at the end")
    p.add_argument("--no-export", action="store_true", help="do not export at the end")
    p.add_argument(
        "--export-only", action="store_true", help="export <out>/best.pt now and exit (no training)"
    )
    return p


def _fmt_time(seconds: float) -> str:
    if not math.isfinite(seconds):
        return "--:--"
    minutes, secs = divmod(int(seconds), 60)
    hours, minutes = divmod(minutes, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes:02d}:{secs:02d}"


def _bar(done: int, total: int, width: int = 24) -> str:
    filled = int(width * done / max(total, 1))
    return "#" * filled + "." * (width - filled)


class _Reporter:
    """Draws progress on stderr: a live bar on a terminal, periodic log lines otherwise."""

    def __init__(self, log_every: int, tty: bool) -> None:
        self.log_every, self.tty = log_every, tty

    def __call__(self, p: Any) -> None:
        if p.event == "validation":
            m = p.metrics
            mark = " (best)" if p.best else ""
            per = " ".join(f"{k}={v:.4f}" for k, v in m.per_degradation.items())
            log.info(
                "validation at step %d: RMSE %.5f, PSNR %.2f dB (input RMSE %.4f)%s %s",
                p.step, m.rmse, m.psnr, m.input_rmse, mark, per,
            )  # fmt: skip
        elif p.event == "fill":
            if self.tty:
                sys.stderr.write(f"\rfilling the pair pool: {p.pool} pairs\x1b[K")
        elif self.tty:
            sys.stderr.write(
                f"\r{p.step}/{p.total} [{_bar(p.step, p.total)}] {p.steps_per_s:.2f} steps/s "
                f"loss {p.loss:.4f} lr {p.lr:.2e} ETA {_fmt_time(p.eta_s)}\x1b[K"
            )
            sys.stderr.flush()
        elif p.step % self.log_every == 0 or p.step == p.total:
            log.info(
                "step %d/%d loss %.4f lr %.2e %.2f steps/s pool %d ETA %s",
                p.step, p.total, p.loss, p.lr, p.steps_per_s, p.pool, _fmt_time(p.eta_s),
            )  # fmt: skip


class _TtyFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        return "\r\x1b[K" + super().format(record)


def _setup_logging(tty: bool) -> None:
    handler = logging.StreamHandler(sys.stderr)
    fmt = "%(asctime)s %(levelname)s %(message)s"
    handler.setFormatter(_TtyFormatter(fmt) if tty else logging.Formatter(fmt))
    root = logging.getLogger("docdenoise")
    root.handlers[:] = [handler]
    root.setLevel(logging.INFO)
    root.propagate = False


def _on_sigterm(signum: int, frame: FrameType | None) -> None:
    raise KeyboardInterrupt


def _drive(gen: Generator[Any, None, Any], report: _Reporter) -> Any:
    try:
        while True:
            report(next(gen))
    except StopIteration as stop:
        return stop.value
    finally:
        gen.close()


def _train(args: argparse.Namespace, command: str, tty: bool) -> int:
    from docdenoise.training.config import load_config
    from docdenoise.training.export import export_run
    from docdenoise.training.loop import iter_train

    if not args.config:
        raise UsageError(None, "--config is required", "pass --config FILE.toml")
    config = load_config(args.config)
    for section, key, value in (
        ("optim", "steps", args.steps),
        ("run", "threads", args.threads),
        ("run", "device", args.device),
    ):
        if value is not None:
            config = config.with_overrides(**{section: {key: value}})
    run_dir = args.out or Path("runs") / config.name
    result = _drive(iter_train(config, run_dir, resume=args.resume, command=command),
                    _Reporter(config.run.log_every, tty))  # fmt: skip
    if tty:
        sys.stderr.write("\n")
    best = result.best
    print(f"trained {result.steps} steps in {_fmt_time(result.elapsed_s)}; best step "
          f"{result.best_step}: RMSE {best.rmse:.5f}, PSNR {best.psnr:.2f} dB")  # fmt: skip
    if not args.no_export:
        target = args.export or Path(config.export.path)
        export_run(run_dir, target)
        print(f"exported the best weights to {target}")
    return EXIT_OK


def _export_only(
    run_dir: Path | None,
    target: Path | None,
    checkpoint: str = "best.pt",
    command: str | None = None,
    name: str | None = None,
) -> int:
    from docdenoise.training.checkpoint import LAST, load_checkpoint
    from docdenoise.training.export import export_run

    if run_dir is None:
        raise UsageError(None, "--export-only needs the run directory", "pass --out runs/NAME")
    if target is None:
        config = load_checkpoint(run_dir / checkpoint).get("config")  # kept/ weights have none
        config = config or load_checkpoint(run_dir / LAST)["config"]
        target = Path(config["export"]["path"])
    card = export_run(run_dir, target, checkpoint, command, name)
    metrics = card["metrics"]
    print(f"exported {run_dir / checkpoint} (step {card['steps']}, RMSE {metrics['val_rmse']:.5f}, "
          f"PSNR {metrics['val_psnr_db']:.2f} dB) to {target}")  # fmt: skip
    return EXIT_OK


def _run(work: Any) -> int:
    try:
        return int(work())
    except DocDenoiseError as exc:
        print(f"docdenoise-train: {exc}", file=sys.stderr)
        return exc.exit_code
    except KeyboardInterrupt:
        print("\ndocdenoise-train: stopped; continue with --resume", file=sys.stderr)
        return EXIT_INTERRUPTED


def main(argv: list[str] | None = None) -> int:
    allocator.tune()  # a batch's activations reuse the heap: docdenoise.allocator
    args_list = sys.argv[1:] if argv is None else list(argv)
    args = _parser().parse_args(args_list)
    tty = sys.stderr.isatty()
    _setup_logging(tty)
    if argv is None:
        signal.signal(signal.SIGTERM, _on_sigterm)
    command = shlex.join(["docdenoise-train", *args_list])
    if args.export_only:
        return _run(lambda: _export_only(args.out, args.export))
    return _run(lambda: _train(args, command, tty))


def entry() -> None:
    raise SystemExit(main())


def export_main(argv: list[str] | None = None) -> int:
    """``python -m docdenoise.training.export --run runs/NAME [--out FILE.safetensors]``."""
    p = argparse.ArgumentParser(prog="python -m docdenoise.training.export")
    p.add_argument("--run", type=Path, required=True, help="run directory holding best.pt")
    p.add_argument("--out", type=Path, help="weights file (default: the config's export.path)")
    p.add_argument("--checkpoint", default="best.pt",
                   help="best.pt, averaged.pt, last.pt or kept/step-N.pt")  # fmt: skip
    p.add_argument("--name", help="the model's name in its card (default: the run's export.name)")
    args = p.parse_args(argv)
    _setup_logging(False)
    command = shlex.join(["python", "-m", "docdenoise.training.export", *(argv or sys.argv[1:])])
    return _run(lambda: _export_only(args.run, args.out, args.checkpoint, command, args.name))


def average_main(argv: list[str] | None = None) -> int:
    """``python -m docdenoise.training.average --run runs/NAME --from-step N``, or
    ``... --run runs/NAME --blend-with BASE.safetensors --share S [--checkpoint last.pt]``, or
    ``... --tuned TUNED.safetensors --blend-with BASE.safetensors --share S --out OUT.safetensors``
    (two exported files, for a run whose directory is gone)."""
    from docdenoise.training.average import (
        AVERAGED,
        BLENDED,
        average_run,
        blend_files,
        blend_run,
    )

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
    args = p.parse_args(argv)
    if (args.blend_with is None) != (args.share is None):
        p.error("--blend-with and --share go together")
    if args.tuned is not None and (args.blend_with is None or args.out is None):
        p.error("--tuned goes with --blend-with, --share and --out")
    if args.out is not None and args.tuned is None:
        p.error("--out goes with --tuned (a run's blend is written as its blended.pt)")
    _setup_logging(False)
    words = ["python", "-m", "docdenoise.training.average", *(argv or sys.argv[1:])]

    def work() -> int:
        if args.tuned is not None:
            card = blend_files(args.tuned, args.blend_with, args.share, args.out, shlex.join(words))
            rmse = card["metrics"]["val_rmse"]
            print(f"wrote {args.out}: {1 - args.share:.2f} x {args.blend_with} + "
                  f"{args.share:.2f} x {args.tuned}, val RMSE {rmse:.5f}")  # fmt: skip
            return EXIT_OK
        if args.blend_with is not None:
            command = shlex.join(words)
            result = blend_run(args.run, args.blend_with, args.share, command, args.checkpoint)
            rmse = result["metrics"]["rmse"]
            print(f"wrote {args.run / BLENDED}: {1 - args.share:.2f} x {args.blend_with} + "
                  f"{args.share:.2f} x the run, val RMSE {rmse:.5f}")  # fmt: skip
            return EXIT_OK
        result = average_run(args.run, args.from_step, shlex.join(words))
        steps, rmse = result["averaged_steps"], result["metrics"]["rmse"]
        print(f"wrote {args.run / AVERAGED}: {len(steps)} checkpoints, "
              f"steps {steps[0]}..{steps[-1]}, val RMSE {rmse:.5f}")  # fmt: skip
        return EXIT_OK

    return _run(work)


def average_entry() -> None:
    raise SystemExit(average_main())


def export_entry() -> None:
    raise SystemExit(export_main())
