"""One page or one file through the model: clean, blend by strength, score the change, write.

The steps every engine shares: :mod:`docdenoise.batch` (one file at a time),
:mod:`docdenoise.executor` (overlapped) and the GUI's workers, so a page comes out the same
whichever cleaned it. Long steps are generators that yield progress (see
:mod:`docdenoise.progress`). Pages are :class:`~docdenoise.page.Page` s, ``(H, W) uint8``.
"""

from __future__ import annotations

import time
from collections.abc import Generator
from typing import TYPE_CHECKING

import numpy as np

from docdenoise.errors import OutputWriteError
from docdenoise.imageio import iter_pages, save_document
from docdenoise.page import Page
from docdenoise.progress import TileProgress, relay
from docdenoise.report import BatchOptions, FileResult, Job, PageProgress, done_result

if TYPE_CHECKING:
    from docdenoise.inference import Denoiser

__all__ = ["blend", "clean_file", "clean_page", "mean_abs_change", "write_output"]


def blend(original: np.ndarray, cleaned: np.ndarray, strength: float) -> np.ndarray:
    """Mix ``cleaned`` into ``original`` (both ``(H, W)`` uint8): 1.0 gives ``cleaned``."""
    if strength >= 1.0:
        return cleaned
    mixed = original * (1.0 - strength) + cleaned * strength
    return np.clip(mixed + 0.5, 0, 255).astype(np.uint8)


def mean_abs_change(before: np.ndarray, after: np.ndarray, rows: int = 512) -> float:
    """Mean absolute change in [0, 1] units between two ``(H, W)`` uint8 pages, in row chunks."""
    total = 0
    for y in range(0, before.shape[0], rows):
        a = before[y : y + rows].astype(np.int16)
        total += int(np.abs(a - after[y : y + rows]).sum())
    return total / (255.0 * max(1, before.size))


def clean_page(
    page: Page, denoiser: Denoiser, strength: float, index: int = 0, total: int = 1, number: int = 0
) -> Generator[PageProgress, None, Page]:
    """Clean page ``number`` of file ``index`` of ``total``, blended by ``strength``; yields
    progress per tile."""

    def progress(tile: TileProgress) -> PageProgress:
        return PageProgress(index, total, number, tile)

    cleaned = yield from relay(denoiser.iter_denoise(page.pixels), progress)
    return Page(blend(page.pixels, cleaned, strength), page.dpi)


def clean_file(
    job: Job, denoiser: Denoiser, options: BatchOptions, index: int = 0, total: int = 1
) -> Generator[PageProgress, None, FileResult]:
    """Clean every page of one file and write the target; errors propagate to the caller."""
    started = time.perf_counter()
    pages: list[Page] = []
    change = 0.0
    for number, page in enumerate(iter_pages(job.source, max_pixels=options.max_pixels)):
        cleaned = yield from clean_page(page, denoiser, options.strength, index, total, number)
        change += mean_abs_change(page.pixels, cleaned.pixels) * page.pixels.size
        pages.append(cleaned)
    write_output(job, pages, options)
    return done_result(job, pages, change, time.perf_counter() - started)


def write_output(job: Job, pages: list[Page], options: BatchOptions) -> None:
    """Encode ``pages`` into ``job.target`` atomically (its folder made first); typed errors.
    With ``options.ocr``, a searchable PDF (:mod:`docdenoise.ocr`)."""
    try:
        job.target.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise OutputWriteError(
            job.target.parent, f"cannot create the folder ({exc.strerror})"
        ) from exc
    if options.ocr is not None:
        from docdenoise.ocr import write_searchable_pdf  # OCRmyPDF only when asked for

        write_searchable_pdf(
            pages,
            job.target,
            options.ocr,
            bilevel_threshold=options.bilevel_threshold,
            overwrite=options.overwrite,
        )
        return
    save_document(
        pages,
        job.target,
        fmt=job.target.suffix.lstrip("."),
        bilevel_threshold=options.bilevel_threshold,
        overwrite=options.overwrite,
    )
