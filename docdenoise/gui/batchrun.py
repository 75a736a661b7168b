"""The batch folder cleanup task: the core's ``plan_batch`` + ``iter_batch`` in a worker."""

from __future__ import annotations

from collections.abc import Generator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from docdenoise.gui.settings import ModelSpec
from docdenoise.gui.worker import Task, WorkContext
from docdenoise.progress import EtaClock, relay

if TYPE_CHECKING:
    from docdenoise.report import BatchEvent


@dataclass(frozen=True)
class BatchRequest:
    """What the batch dialog asks for (GUI-side; turned into the core's BatchOptions)."""

    input_dir: Path
    output_dir: Path
    fmt: str | None  # None keeps each file's format
    skip_existing: bool
    strength: float
    threshold: int | None
    ocr: str | None = None  # a Tesseract language: searchable PDFs (fmt "pdf")


@dataclass(frozen=True)
class BatchPlanned:
    """The table's rows: job names in order, then (name, error) for files that failed up front."""

    names: tuple[str, ...]
    problems: tuple[tuple[str, str], ...]


@dataclass(frozen=True)
class BatchStep:
    """One core event, in GUI terms: file ``index`` started, progressed or finished."""

    kind: str  # "started", "page" or "finished"
    index: int  # the job's row
    fraction: float  # of the whole batch
    eta: float | None
    page: int = 0  # 0-based page within the file ("page")
    tile: int = 0
    tiles: int = 0
    status: str = ""  # "done", "skipped" or "failed" ("finished")
    details: str = ""  # the error, or the output path ("finished")


def _name_of(source: str, root: Path) -> str:
    path = Path(source)
    try:
        return str(path.relative_to(root))
    except ValueError:
        return path.name


def _page_count(path: Path) -> int:
    from docdenoise.errors import DocDenoiseError
    from docdenoise.imageio import count_pages

    try:
        return max(1, count_pages(path))
    except DocDenoiseError:
        return 1  # iter_batch reports the real problem


def _step(event: BatchEvent, pages: int, clock: EtaClock) -> BatchStep:
    """A core event (FileStarted, PageProgress, FileFinished) as a BatchStep."""
    from docdenoise.batch import FileStarted, PageProgress

    fraction = event.fraction(pages)
    eta = clock.eta(fraction)
    if isinstance(event, FileStarted):
        return BatchStep("started", event.index, fraction, eta)
    if isinstance(event, PageProgress):
        tile = event.tile
        return BatchStep("page", event.index, fraction, eta, event.page, tile.done, tile.total)
    result = event.result
    details = result.error or result.output or ""
    return BatchStep("finished", event.index, fraction, eta, status=result.status, details=details)


def _steps(gen: Generator[BatchEvent, None, Any]) -> Generator[BatchStep, None, Any]:
    """Drive ``iter_batch``; yields a BatchStep per event and returns its report. Closing it (a
    cancel) closes ``iter_batch``: the core stops within one tile."""
    from docdenoise.batch import FileStarted

    clock, pages = EtaClock(), 1

    def step(event: BatchEvent) -> BatchStep:
        nonlocal pages
        if isinstance(event, FileStarted):
            pages = _page_count(event.job.source)
        return _step(event, pages, clock)

    return (yield from relay(gen, step))


def batch_task(spec: ModelSpec, request: BatchRequest) -> Task:
    def run(ctx: WorkContext) -> Generator[BatchPlanned | BatchStep, None, Any]:
        from docdenoise.batch import BatchOptions, iter_batch, plan_batch

        options = BatchOptions(
            fmt=request.fmt,
            overwrite=not request.skip_existing,
            bilevel_threshold=request.threshold,
            strength=request.strength,
            ocr=request.ocr,
        )
        jobs, problems = plan_batch([request.input_dir], request.output_dir, options)
        yield BatchPlanned(
            tuple(job.name for job in jobs),
            tuple((_name_of(p.source, request.input_dir), p.error or "") for p in problems),
        )
        gen = iter_batch(jobs, ctx.denoiser(spec), options, problems)
        return (yield from _steps(gen))

    return run
