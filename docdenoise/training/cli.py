"""``docdenoise-train``: train, resume and export a model from a TOML config.

    docdenoise-train --config fast --out runs/fast     # a bundled recipe, or a .toml file
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
from docdenoise.errors import EXIT_OK, UsageError
from docdenoise.training.console import run_command, setup_logging

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


def main(argv: list[str] | None = None) -> int:
    allocator.tune()  # a batch's activations reuse the heap: docdenoise.allocator
    args_list = sys.argv[1:] if argv is None else list(argv)
    args = _parser().parse_args(args_list)
    tty = sys.stderr.isatty()
    setup_logging(tty)
    if argv is None:
        signal.signal(signal.SIGTERM, _on_sigterm)
    command = shlex.join(["docdenoise-train", *args_list])
    if args.export_only:
        from docdenoise.training.export import export_command

        return run_command(lambda: export_command(args.out, args.export))
    return run_command(lambda: _train(args, command, tty))


def entry() -> None:
    raise SystemExit(main())
