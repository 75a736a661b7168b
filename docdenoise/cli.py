"""The command line: ``docdenoise clean INPUT... -o OUTDIR``. A thin shell over :mod:`batch`
(or :mod:`cluster`, with ``--engine ray``: the same events and report, from Ray workers).

Exit codes: 0 every file was cleaned (or skipped because its output exists), 1 some failed,
2 usage error, 130 interrupted. Options are checked as they are parsed, against the ranges of
:mod:`docdenoise.limits`: a value out of range is one line and exit code 2. ``docdenoise
--version`` answers without importing torch: the core is imported inside :func:`run_clean` only.
"""

from __future__ import annotations

import argparse
import logging
import sys
import time
from collections.abc import Callable, Generator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, NoReturn, TextIO

from docdenoise import __version__, allocator, limits
from docdenoise.errors import EXIT_INTERRUPTED, EXIT_USAGE, DocDenoiseError
from docdenoise.formats import FORMAT_LABELS
from docdenoise.formats import OUTPUT_FORMATS as FORMATS
from docdenoise.progress import EtaClock

if TYPE_CHECKING:
    from docdenoise.batch import BatchEvent, BatchOptions, BatchReport, FileResult, Job


class _Parser(argparse.ArgumentParser):
    """argparse, with a usage error told in one line (as the CLI's other errors are), exit 2."""

    def error(self, message: str) -> NoReturn:
        self.exit(EXIT_USAGE, f"{self.prog}: error: {message}\n")


def _checked(limit: limits.Limit[Any]) -> Callable[[str], Any]:
    """An argparse ``type`` that accepts the values ``limit`` allows and says what they are."""

    def parse(text: str) -> Any:
        try:
            return limit.parse(text)
        except ValueError as exc:
            raise argparse.ArgumentTypeError(str(exc)) from None

    return parse


def _ocr_language(text: str) -> str:
    """An argparse ``type``: Tesseract language names joined by ``+`` (installed or not)."""
    from docdenoise.ocr import split_languages

    try:
        split_languages(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None
    return text


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(
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
        type=_checked(limits.TILE),
        default=None,
        help=f"no tile larger than a square of this many pixels a side, {limits.TILE.low} to "
        f"{limits.TILE.high} (default: chosen for the device); smaller uses less memory",
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
        type=_checked(limits.BW_THRESHOLD),
        nargs="?",
        const=limits.DEFAULT_BW_THRESHOLD,
        default=None,
        metavar="THRESHOLD",
        help=f"black-and-white output (threshold {limits.BW_THRESHOLD.low}-"
        f"{limits.BW_THRESHOLD.high}, default {limits.DEFAULT_BW_THRESHOLD})",
    )
    clean.add_argument(
        "--strength",
        type=_checked(limits.STRENGTH),
        default=1.0,
        help=f"{limits.STRENGTH.low} (original) to {limits.STRENGTH.high}",
    )
    clean.add_argument(
        "--max-pixels", type=_checked(limits.MAX_PIXELS), default=None, help="per-page pixel limit"
    )
    clean.add_argument(
        "--ocr",
        type=_ocr_language,
        default=None,
        metavar="LANG",
        help="searchable PDFs: Tesseract's text of each cleaned page under it, LANG such as eng "
        "or eng+kor (pip install 'docdenoise[ocr]'; apt install tesseract-ocr-LANG)",
    )
    clean.add_argument("-q", "--quiet", action="store_true", help="no progress bar")
    ray = clean.add_argument_group(
        "Ray engine (pip install 'docdenoise[cluster]'; docs/cluster.md)"
    )
    ray.add_argument("--engine", choices=("local", "ray"), default="local", help="default local")
    ray.add_argument("--address", default=None, metavar="ADDR", help="Ray cluster to join")
    ray.add_argument(
        "--workers",
        type=_checked(limits.WORKERS),
        default=None,
        help="default one per CPU or GPU",
    )
    ray.add_argument(
        "--cpus-per-worker",
        type=_checked(limits.CPUS_PER_WORKER),
        default=None,
        metavar="N",
        help="default 1",
    )
    return parser


class ProgressBar:
    """One self-rewriting line on a terminal: files, current page and tile, ETA."""

    def __init__(self, stream: TextIO, total: int) -> None:
        self.stream, self.total = stream, total
        self.clock = EtaClock(settle=0.0)  # an estimate from the first event on
        self.name = ""
        self.last = 0.0

    def update(self, event: BatchEvent) -> None:
        from docdenoise.batch import FileStarted, PageProgress

        fraction, detail = event.fraction(), ""  # a page's tiles stand for its file
        if isinstance(event, FileStarted):
            self.name = event.job.name
        elif isinstance(event, PageProgress):
            tile = event.tile
            detail = f" p{event.page + 1} tile {tile.done}/{tile.total}"
        now = time.monotonic()
        if now - self.last < 0.1 and fraction < 1:
            return
        self.last = now
        eta = self.clock.eta(fraction, now) or 0.0
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
    """The batch's options; their values were checked as they were parsed."""
    from docdenoise.batch import BatchOptions
    from docdenoise.page import DEFAULT_MAX_PIXELS

    return BatchOptions(
        fmt=args.format,
        overwrite=args.overwrite,
        max_pixels=DEFAULT_MAX_PIXELS if args.max_pixels is None else args.max_pixels,
        bilevel_threshold=args.bw,
        strength=args.strength,
        ocr=args.ocr,
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
        err.write(f"error: no images found in the inputs; supported: {FORMAT_LABELS}\n")
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
    for chatty in ("fontTools", "pdfminer"):  # under OCRmyPDF: a line per font table
        logging.getLogger(chatty).setLevel(logging.WARNING)
    if not args.verbose:  # OCRmyPDF logs its failures in many lines: ours say it in one
        logging.getLogger("ocrmypdf").setLevel(logging.CRITICAL)
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
