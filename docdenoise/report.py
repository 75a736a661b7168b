"""The batch's vocabulary: jobs, options, progress events, per-file results and the report.

Plain data shared by the engines (:mod:`docdenoise.batch`, :mod:`docdenoise.pipeline`,
:mod:`docdenoise.cluster`) and the shells; :mod:`docdenoise.batch` re-exports every name.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Literal

from docdenoise import __version__
from docdenoise.imageio import DEFAULT_MAX_PIXELS, atomic_write
from docdenoise.inference import TileProgress

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
    overlap: bool = True  # decode ahead and write behind in threads (docdenoise.pipeline)


@dataclass(frozen=True)
class FileStarted:
    index: int  # 0-based position in the batch
    total: int
    job: Job


@dataclass(frozen=True)
class PageProgress:
    index: int
    total: int
    page: int  # 0-based page within the file
    tile: TileProgress


@dataclass(frozen=True)
class FileFinished:
    index: int
    total: int
    result: FileResult


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
