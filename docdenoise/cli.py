"""The command line: ``docdenoise clean INPUT... -o OUTDIR``. A thin shell over :mod:`batch`
(or :mod:`cluster`, with ``--engine ray``: the same events and report, from Ray workers).

Exit codes: 0 every file was cleaned (or skipped because its output exists), 1 some failed,
2 usage error, 130 interrupted. ``docdenoise --version`` answers without importing torch: the
core is imported inside :func:`run_clean` only.
"""

from __future__ import annotations

import argparse
import logging
import sys
import time
from collections.abc import Generator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, TextIO

from docdenoise import __version__, allocator
from docdenoise.errors import EXIT_INTERRUPTED, EXIT_USAGE, DocDenoiseError

if TYPE_CHECKING:
    from docdenoise.batch import BatchEvent, BatchOptions, BatchReport, FileResult, Job

FORMATS = ("png", "tiff", "jpeg", "pdf", "bmp", "webp")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="docdenoise",
        description="Clean scanned document pages: stains, creases, yellowed paper, speckle.",
    )
    parser.add_argument("--version", action="version", version=f"docdenoise {__version__}")
    parser.add_argument("-v", "--verbose", action="store_true", help="log what happens")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    clean = sub.add_parser("clean", help="clean files and folders into a mirrored output folder")
    clean.add_argument("inputs", nargs="+", type=Path, metavar="INPUT", help="files or folders")
    clean.add_argument("-o", "--output", required=True, type=Path, metavar="OUTDIR")
    clean.add_argument("--overwrite", action="store_true", help="replace existing outputs")
    clean.add_argument("--device", default="auto", help="auto (default), cpu, cuda[:N] or mps")
    clean.add_argument(
        "--backend",
        choices=("auto", "torch", "onnx"),
        default="auto",
        help="auto (default: ONNX Runtime on the CPU when installed, else torch), torch or onnx",
    )
    clean.add_argument(
        "--tile",
        type=int,
        default=None,
        help="no tile larger than a square of this many pixels a side (default: chosen for "
        "the device); smaller uses less memory",
    )
    clean.add_argument("--format", choices=FORMATS, default=None, help="output format")
    clean.add_argument(
        "--model",
        default="fast",
        help="fast (default); quality (the same network with weights of its own, over each "
        "tile and its three mirror images, averaged: four times the work of fast, more small "
        "marks kept, lower error); or a .safetensors file",
    )
    clean.add_argument("--report", type=Path, default=None, metavar="FILE.json")
    clean.add_argument(
        "--bw",
        type=int,
        nargs="?",
        const=160,
        default=None,
        metavar="THRESHOLD",
        help="black-and-white output (threshold 0-255, default 160)",
    )
    clean.add_argument("--strength", type=float, default=1.0, help="0.0 (original) to 1.0")
    clean.add_argument("--max-pixels", type=int, default=None, help="per-page pixel limit")
    clean.add_argument("-q", "--quiet", action="store_true", help="no progress bar")
    ray = clean.add_argument_group(
        "Ray engine (pip install 'docdenoise[cluster]'; docs/cluster.md)"
    )
    ray.add_argument("--engine", choices=("local", "ray"), default="local", help="default local")
    ray.add_argument("--address", default=None, metavar="ADDR", help="Ray cluster to join")
    ray.add_argument("--workers", type=int, default=None, help="default one per CPU or GPU")
    ray.add_argument("--cpus-per-worker", type=int, default=None, metavar="N", help="default 1")
    return parser


class ProgressBar:
    """One self-rewriting line on a terminal: files, current page and tile, ETA."""

    def __init__(self, stream: TextIO, total: int) -> None:
        self.stream, self.total = stream, total
        self.started = time.monotonic()
        self.name = ""
        self.last = 0.0

    def update(self, event: BatchEvent) -> None:
        from docdenoise.batch import FileStarted, PageProgress

        if isinstance(event, FileStarted):
            self.name = event.job.name
            fraction = event.index / max(1, self.total)
            detail = ""
        elif isinstance(event, PageProgress):
            tile = event.tile
            fraction = (event.index + tile.done / tile.total) / max(1, self.total)
            detail = f" p{event.page + 1} tile {tile.done}/{tile.total}"
        else:
            fraction = (event.index + 1) / max(1, self.total)
            detail = ""
        now = time.monotonic()
        if now - self.last < 0.1 and fraction < 1:
            return
        self.last = now
        elapsed = now - self.started
        eta = elapsed * (1 - fraction) / fraction if fraction > 0 else 0.0
        width = 24
        filled = int(width * fraction)
        bar = "#" * filled + "-" * (width - filled)
        line = f"[{bar}] {fraction:4.0%} ETA {eta:4.0f}s  {self.name[-40:]}{detail}"
        self.stream.write("\r" + line[:100].ljust(100))
        self.stream.flush()

    def close(self) -> None:
        self.stream.write("\r" + " " * 100 + "\r")
        self.stream.flush()


def _options(args: argparse.Namespace) -> BatchOptions:
    from docdenoise.batch import BatchOptions
    from docdenoise.errors import UsageError
    from docdenoise.imageio import DEFAULT_MAX_PIXELS

    if not 0.0 <= args.strength <= 1.0:
        raise UsageError(None, "--strength must be between 0.0 and 1.0")
    if args.bw is not None and not 0 <= args.bw <= 255:
        raise UsageError(None, "--bw threshold must be between 0 and 255")
    return BatchOptions(
        fmt=args.format,
        overwrite=args.overwrite,
        max_pixels=args.max_pixels or DEFAULT_MAX_PIXELS,
        bilevel_threshold=args.bw,
        strength=args.strength,
    )


def _check_engine(args: argparse.Namespace) -> None:
    """Ray flags only with ``--engine ray``, and Ray installed for it (imported only then)."""
    from docdenoise.errors import UsageError

    if args.engine == "ray":
        try:
            from docdenoise.cluster import import_ray
        except ImportError:  # a build without it (the desktop bundle leaves it out)
            reason = "this build has no Ray engine"
            raise UsageError(None, reason, "pip install 'docdenoise[cluster]'") from None
        import_ray()
    elif args.address or args.workers or args.cpus_per_worker:
        raise UsageError(None, "--address, --workers and --cpus-per-worker need --engine ray")


def _engine_events(
    args: argparse.Namespace, jobs: list[Job], options: BatchOptions, problems: list[FileResult]
) -> Generator[BatchEvent, None, BatchReport]:
    """The batch's events from this process (local engine) or from Ray workers (ray engine)."""
    if args.engine == "ray":
        from docdenoise.cluster import RaySpec, iter_ray_batch

        spec = RaySpec(
            args.model,
            args.device,
            args.tile,
            args.backend,
            args.address,
            args.workers,
            args.cpus_per_worker or 1,
        )
        return iter_ray_batch(jobs, options, problems, spec)
    from docdenoise.batch import iter_batch
    from docdenoise.inference import Denoiser

    denoiser = Denoiser(args.model, device=args.device, tile=args.tile, backend=args.backend)
    logging.getLogger(__name__).info("device: %s", denoiser.choice.describe())
    return iter_batch(jobs, denoiser, options, problems)


def run_clean(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    """Plan, clean, report; returns the exit code."""
    from docdenoise.batch import FileFinished, plan_batch, write_report

    _check_engine(args)
    options = _options(args)
    jobs, problems = plan_batch(args.inputs, args.output, options)
    for problem in problems:
        err.write(f"error: {problem.error}\n")
    if not jobs and not problems:
        err.write("error: no images found in the inputs; supported: PNG JPEG TIFF BMP WebP PDF\n")
        return EXIT_USAGE
    bar = ProgressBar(err, len(jobs)) if err.isatty() and not args.quiet else None
    gen = _engine_events(args, jobs, options, problems)
    while True:
        try:
            event = next(gen)
        except StopIteration as stop:
            report = stop.value
            break
        if bar is not None:
            bar.update(event)
        if isinstance(event, FileFinished) and event.result.status == "failed":
            if bar is not None:
                bar.close()
            err.write(f"error: {event.result.error}\n")
    if bar is not None:
        bar.close()
    if args.report is not None:
        write_report(report, args.report)
    out.write(f"{report.summary()} ({report.device})\n")
    if report.failures:
        err.write(f"{len(report.failures)} file(s) failed:\n")
        for failure in report.failures:
            err.write(f"  {failure.error}\n")
    return int(report.exit_code)


def main(
    argv: Sequence[str] | None = None, out: TextIO | None = None, err: TextIO | None = None
) -> int:
    allocator.tune()  # before any thread starts: see docdenoise.allocator
    out = out or sys.stdout
    err = err or sys.stderr
    parser = build_parser()
    args = parser.parse_args(argv)
    logging.basicConfig(
        level=logging.INFO if args.verbose else logging.WARNING, format="%(message)s"
    )
    logging.captureWarnings(True)  # Pillow's corrupt-data warnings: a log line, not a traceback
    if args.command is None:
        parser.print_usage(err)
        return EXIT_USAGE
    try:
        return run_clean(args, out, err)
    except DocDenoiseError as exc:
        err.write(f"error: {exc}\n")
        return exc.exit_code
    except KeyboardInterrupt:
        err.write("\ninterrupted: finished files are complete; no partial file was left\n")
        return EXIT_INTERRUPTED


def entry() -> None:
    raise SystemExit(main())
