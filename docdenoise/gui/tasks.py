"""The work the GUI hands to :class:`~docdenoise.gui.worker.DenoiseWorker`, as generator tasks.

Each ``*_task(...)`` returns a function of a :class:`WorkContext` that yields progress payloads
(small frozen dataclasses below) and returns a result. The steps are the core's
(:mod:`docdenoise.cleaning`, :mod:`docdenoise.progress`, the folder walk of
:mod:`docdenoise.batch`), imported inside the tasks, so torch is only ever imported in a worker
thread. Payloads hold data, never translated text: the GUI words them.
"""

from __future__ import annotations

import os
from collections.abc import Generator, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
from PySide6.QtGui import QImage

from docdenoise.gui.imaging import DIFF_PALETTE, Picture, difference_codes, thumbnail
from docdenoise.gui.settings import ModelSpec
from docdenoise.gui.worker import Task, WorkContext
from docdenoise.page import bilevel
from docdenoise.progress import EtaClock

if TYPE_CHECKING:
    from docdenoise.inference import Denoiser
    from docdenoise.report import PageProgress


# -- model -------------------------------------------------------------------------------------
@dataclass(frozen=True)
class ModelInfo:
    device: str  # the core's name for it: "CPU (8 threads)" or the GPU's name
    detail: str  # why that device, and the precision
    model: str  # the model card's name
    parameters: int
    card: dict[str, Any] = field(default_factory=dict)
    threads: int = 0  # torch CPU threads in use; 0 on a GPU
    passes: int = 1  # runs of the network averaged per tile (fast 1, quality 4)


def prepare_task(spec: ModelSpec) -> Task:
    """Load the model (importing torch in the worker) and describe it."""

    def run(ctx: WorkContext) -> Generator[None, None, ModelInfo]:
        yield from ()
        import torch

        denoiser = ctx.denoiser(spec)
        parameters = sum(int(p.numel()) for p in denoiser.model.parameters())
        on_cpu = denoiser.choice.device.type == "cpu"
        return ModelInfo(
            denoiser.choice.name,
            denoiser.choice.describe(),
            denoiser.model_name,
            parameters,
            dict(denoiser.card),
            torch.get_num_threads() if on_cpu else 0,  # after the GUI's headroom
            denoiser.passes,
        )

    return run


# -- cleaning pages ----------------------------------------------------------------------------
@dataclass(frozen=True)
class PageJob:
    """One page to clean: ``key`` names it in the GUI; ``pixels`` is ``(H, W) uint8``."""

    key: int
    pixels: np.ndarray
    label: str


@dataclass(frozen=True)
class CleanProgress:
    position: int  # 0-based page of this run
    pages: int
    tile: int
    tiles: int
    fraction: float  # of the whole run
    eta: float | None  # seconds left
    label: str


@dataclass(frozen=True)
class PageCleaned:
    key: int
    cleaned: np.ndarray  # (H, W) uint8, strength 1.0


def _clean_page(
    denoiser: Denoiser, job: PageJob, position: int, pages: int, clock: EtaClock
) -> Generator[CleanProgress, None, np.ndarray]:
    """The core's ``clean_page`` at strength 1.0 (the GUI blends when it draws and exports)."""
    from docdenoise.cleaning import clean_page
    from docdenoise.page import Page
    from docdenoise.progress import relay

    def progress(event: PageProgress) -> CleanProgress:
        tile, fraction = event.tile, event.fraction()
        eta = clock.eta(fraction)
        return CleanProgress(position, pages, tile.done, tile.total, fraction, eta, job.label)

    gen = clean_page(Page(job.pixels, None), denoiser, 1.0, position, pages)
    cleaned = yield from relay(gen, progress)  # closed on cancel: the core stops at once
    return cleaned.pixels


def clean_task(spec: ModelSpec, jobs: Sequence[PageJob]) -> Task:
    """Clean ``jobs`` in order; each clean page is reported as soon as it is done."""

    def run(ctx: WorkContext) -> Generator[CleanProgress | PageCleaned, None, int]:
        denoiser = ctx.denoiser(spec)
        clock = EtaClock()
        for position, job in enumerate(jobs):
            cleaned = yield from _clean_page(denoiser, job, position, len(jobs), clock)
            yield PageCleaned(job.key, cleaned)
        return len(jobs)

    return run


# -- preview -----------------------------------------------------------------------------------
@dataclass(frozen=True)
class RenderRequest:
    """Pictures to draw for one page; ``cleaned`` None draws the original only."""

    key: int
    original: np.ndarray
    cleaned: np.ndarray | None
    strength: float  # 0..1
    threshold: int | None  # None = greyscale
    want_before: bool = True
    version: int = 0  # of the cleaned pixels, so a re-cleaned page is drawn anew


@dataclass(frozen=True)
class Rendered:
    request: RenderRequest
    before: Picture | None
    after: Picture | None
    removed: Picture | None


def render_task(request: RenderRequest) -> Task:
    """The pictures of a page at the current strength and output mode (as export writes it)."""

    def run(ctx: WorkContext) -> Generator[None, None, Rendered]:
        yield from ()
        before = Picture.from_array(request.original) if request.want_before else None
        if request.cleaned is None:
            return Rendered(request, before, None, None)
        from docdenoise.cleaning import blend  # the core's blend, so the preview is the export

        mixed = blend(request.original, request.cleaned, request.strength)
        after = mixed if request.threshold is None else bilevel(mixed, request.threshold)
        removed = Picture.from_array(difference_codes(request.original, mixed), DIFF_PALETTE)
        return Rendered(request, before, Picture.from_array(after), removed)

    return run


# -- loading -----------------------------------------------------------------------------------
@dataclass(frozen=True)
class LoadedPage:
    path: Path
    index: int  # 0-based page in the file
    count: int  # pages in the file
    pixels: np.ndarray
    dpi: tuple[float, float] | None
    thumbnail: QImage


@dataclass(frozen=True)
class LoadFailed:
    path: Path
    message: str


def expand_inputs(
    paths: Iterable[str | os.PathLike[str]],
) -> tuple[list[Path], list[LoadFailed]]:
    """Files as given; folders replaced by the supported files below them, listed by the core's
    walk (hidden ones skipped, links followed); symlink loops and broken links are failures."""
    from docdenoise.batch import FileResult, walk_folder

    files: list[Path] = []
    problems: list[FileResult] = []
    for item in map(Path, paths):
        files.extend(walk_folder(item, problems) if item.is_dir() else [item])
    return files, [LoadFailed(Path(p.source), p.error or "") for p in problems]


def load_task(paths: Sequence[str | os.PathLike[str]], thumb_side: int) -> Task:
    """Read every page of every file (folders expanded); a bad file fails alone."""

    def run(ctx: WorkContext) -> Generator[LoadedPage | LoadFailed, None, int]:
        from docdenoise.errors import DocDenoiseError
        from docdenoise.imageio import count_pages, iter_pages

        loaded = 0
        files, problems = expand_inputs(paths)
        yield from problems
        for path in files:
            try:
                count = count_pages(path)
                for index, page in enumerate(iter_pages(path)):
                    thumb = thumbnail(page.pixels, thumb_side)
                    yield LoadedPage(path, index, count, page.pixels, page.dpi, thumb)
                    loaded += 1
            except DocDenoiseError as exc:
                yield LoadFailed(path, str(exc))
        return loaded

    return run


# -- export ------------------------------------------------------------------------------------
@dataclass(frozen=True)
class ExportPage:
    key: int
    pixels: np.ndarray
    cleaned: np.ndarray | None  # None: clean it first
    dpi: tuple[float, float] | None
    label: str


@dataclass(frozen=True)
class ExportItem:
    """One output file holding ``pages`` (several pages only for TIFF and PDF); with ``ocr``
    (a Tesseract language, ``fmt`` "pdf") a searchable PDF."""

    target: Path
    fmt: str
    pages: tuple[ExportPage, ...]
    ocr: str | None = None


@dataclass(frozen=True)
class Recognising:
    """OCR of one file begins (seconds a page; it cannot be interrupted once begun)."""

    name: str
    pages: int
    language: str


def export_task(
    spec: ModelSpec, items: Sequence[ExportItem], strength: float, threshold: int | None
) -> Task:
    """Clean what is not clean yet, then write each item with ``save_document`` (a searchable
    PDF with ``ocr.write_searchable_pdf``, announced by a :class:`Recognising`)."""

    def run(
        ctx: WorkContext,
    ) -> Generator[CleanProgress | PageCleaned | Recognising, None, list[Path]]:
        from docdenoise.cleaning import blend
        from docdenoise.imageio import save_document
        from docdenoise.ocr import write_searchable_pdf
        from docdenoise.page import Page

        todo = [p for item in items for p in item.pages if p.cleaned is None]
        done: dict[int, np.ndarray] = {}
        if todo:
            denoiser = ctx.denoiser(spec)
            clock = EtaClock()
            for position, page in enumerate(todo):
                job = PageJob(page.key, page.pixels, page.label)
                done[page.key] = yield from _clean_page(denoiser, job, position, len(todo), clock)
                yield PageCleaned(page.key, done[page.key])

        written = []
        for item in items:
            pages = []
            for page in item.pages:
                cleaned = page.cleaned if page.cleaned is not None else done[page.key]
                pages.append(Page(blend(page.pixels, cleaned, strength), page.dpi))
            if item.ocr is None:
                save_document(pages, item.target, fmt=item.fmt, bilevel_threshold=threshold)
            else:
                yield Recognising(item.target.name, len(pages), item.ocr)  # a cancel stops here
                write_searchable_pdf(pages, item.target, item.ocr, bilevel_threshold=threshold)
            written.append(item.target)
        return written

    return run
