"""The batch's vocabulary: jobs, options, progress events, per-file results and the report.

Plain data shared by the engines (:mod:`docdenoise.batch`, :mod:`docdenoise.executor`,
:mod:`docdenoise.cluster`) and the shells, with the functions that make a file's report row;
:mod:`docdenoise.batch` re-exports the names the shells use. No torch, no Pillow.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Literal

from docdenoise import __version__
from docdenoise.atomicfile import atomic_write
from docdenoise.errors import DocDenoiseError, OutputExistsError
from docdenoise.page import DEFAULT_MAX_PIXELS, Page
from docdenoise.progress import TileProgress, run_fraction

Status = Literal["done", "skipped", "failed"]


@dataclass(frozen=True)
class Job:
    """Clean ``source`` into ``target`` (format ``fmt``); ``name`` is how messages show it."""

    source: Path
    target: Path
    name: str


@dataclass
class FileResult:
    """What happened to one input file; one row of the JSON report."""

    source: str
    output: str | None
    status: Status
    seconds: float = 0.0
    pixels: int = 0
    pages: int = 0
    residual: float | None = None
    error: str | None = None


@dataclass(frozen=True)
class BatchOptions:
    fmt: str | None = None  # output format; None keeps each file's own
    overwrite: bool = False
    max_pixels: int = DEFAULT_MAX_PIXELS
    bilevel_threshold: int | None = None  # None = greyscale output
    strength: float = 1.0  # 1.0 = fully cleaned, 0.0 = original
    overlap: bool = True  # decode ahead and write behind in threads (docdenoise.executor)
    ocr: str | None = None  # Tesseract language(s), "eng+kor": searchable PDFs (docdenoise.ocr)


@dataclass(frozen=True)
class FileStarted:
    index: int  # 0-based position in the batch
    total: int
    job: Job

    def fraction(self, pages: int | None = None) -> float:
        """How much of the batch is done: the files before this one."""
        return run_fraction(self.index, self.total)


@dataclass(frozen=True)
class PageProgress:
    index: int
    total: int
    page: int  # 0-based page within the file
    tile: TileProgress

    def fraction(self, pages: int | None = None) -> float:
        """How much of the batch is done, the file's share counted by its ``pages`` when known
        (else the current page's tiles stand for the whole file)."""
        within = self.tile.fraction
        if pages is not None:
            within = min(1.0, (self.page + within) / pages)
        return run_fraction(self.index, self.total, within)


@dataclass(frozen=True)
class FileFinished:
    index: int
    total: int
    result: FileResult

    def fraction(self, pages: int | None = None) -> float:
        """How much of the batch is done: the files up to this one."""
        return run_fraction(self.index, self.total, 1.0)


BatchEvent = FileStarted | PageProgress | FileFinished


@dataclass
class BatchReport:
    results: list[FileResult] = field(default_factory=list)
    seconds: float = 0.0
    device: str = ""
    model: str = ""
    started: str = field(default_factory=lambda: datetime.now(UTC).isoformat(timespec="seconds"))

    def count(self, status: Status) -> int:
        return sum(1 for r in self.results if r.status == status)

    @property
    def failures(self) -> list[FileResult]:
        return [r for r in self.results if r.status == "failed"]

    @property
    def exit_code(self) -> int:
        return 1 if self.failures else 0

    def summary(self) -> str:
        done, skipped, failed = self.count("done"), self.count("skipped"), self.count("failed")
        text = f"{done} cleaned, {skipped} skipped, {failed} failed in {self.seconds:.1f} s"
        return text

    def to_dict(self) -> dict[str, Any]:
        return {
            "docdenoise": __version__,
            "started": self.started,
            "seconds": round(self.seconds, 3),
            "device": self.device,
            "model": self.model,
            "summary": {s: self.count(s) for s in ("done", "skipped", "failed")},
            "files": [asdict(r) for r in self.results],
        }


def write_report(report: BatchReport, path: Path) -> None:
    """Write the JSON report atomically."""
    text = json.dumps(report.to_dict(), indent=2, ensure_ascii=False) + "\n"

    def write(tmp: Path) -> None:
        tmp.write_text(text, encoding="utf-8")

    atomic_write(Path(path), write)


def done_result(job: Job, pages: list[Page], change: float, seconds: float) -> FileResult:
    """The report row of a written file; ``change`` is the summed absolute change per pixel."""
    pixels = sum(p.pixels.size for p in pages)
    residual = round(change / max(1, pixels), 5)
    return FileResult(
        str(job.source), str(job.target), "done", round(seconds, 3), pixels, len(pages), residual
    )


def skipped_result(job: Job) -> FileResult:
    message = "output exists; use --overwrite to replace it"
    return FileResult(str(job.source), str(job.target), "skipped", error=message)


def failed_result(source: Path, reason: str, hint: str) -> FileResult:
    """The report row of a file that failed for ``reason``, with ``hint`` on what to do."""
    return FileResult(str(source), None, "failed", error=str(DocDenoiseError(source, reason, hint)))


def error_result(job: Job, exc: BaseException) -> FileResult:
    """The report row of a file that failed with ``exc``; anything unexpected is re-raised.

    Typed errors fail the file alone (an output another run wrote meanwhile makes it
    skipped); so do ``OSError``, ``MemoryError`` and ``ValueError``, as "unexpected".
    """
    if isinstance(exc, OutputExistsError):  # another run wrote it meanwhile: keep theirs
        return FileResult(str(job.source), str(job.target), "skipped", error=str(exc))
    if isinstance(exc, DocDenoiseError):
        return FileResult(str(job.source), None, "failed", error=str(exc))
    if isinstance(exc, OSError | MemoryError | ValueError):
        reason = f"unexpected error ({type(exc).__name__}: {exc})"
        return failed_result(job.source, reason, "please report it with this file")
    raise exc
