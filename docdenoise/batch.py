"""Folders in, mirrored folders out: plan jobs, clean file after file, report. For CLI and GUI.

:func:`plan_batch` turns input files and folders into :class:`Job` s (source -> target in the
mirrored output tree) and finds the problems it can see up front (missing inputs, symlink loops,
broken links). :func:`iter_batch` is a generator: it yields :class:`FileStarted`,
:class:`PageProgress` and :class:`FileFinished` events and returns a :class:`BatchReport`. A bad
file fails alone: its error is recorded and the batch goes on. Nothing is ever written into an
input folder, and every output is written to a temporary file and renamed into place.

By default (``BatchOptions.overlap``) :mod:`docdenoise.pipeline` runs the batch: the next page
decodes and the previous file encodes in threads while the model cleans the current page, with
the same events, outputs and report as the one-file-at-a-time loop here.
"""

from __future__ import annotations

import os
import time
from collections.abc import Generator, Iterable, Sequence
from pathlib import Path

import numpy as np

from docdenoise.errors import DocDenoiseError, OutputExistsError, OutputWriteError, UsageError
from docdenoise.imageio import (
    Page,
    is_supported,
    iter_pages,
    output_format_for,
    save_document,
    sniff_format,
    suffix_for,
)
from docdenoise.inference import Denoiser
from docdenoise.report import (
    BatchEvent,
    BatchOptions,
    BatchReport,
    FileFinished,
    FileResult,
    FileStarted,
    Job,
    PageProgress,
    Status,
    write_report,
)

__all__ = [
    "BatchEvent",
    "BatchOptions",
    "BatchReport",
    "FileFinished",
    "FileResult",
    "FileStarted",
    "Job",
    "PageProgress",
    "Status",
    "clean_file",
    "iter_batch",
    "plan_batch",
    "write_report",
]


def _walk_folder(root: Path, problems: list[FileResult]) -> Iterable[Path]:
    """Image files below ``root`` (links followed, hidden entries skipped), loops reported once."""
    seen: set[tuple[int, int]] = set()
    for dirpath, dirnames, filenames in os.walk(root, followlinks=True):
        here = Path(dirpath)
        st = here.stat()
        if (st.st_dev, st.st_ino) in seen:
            problems.append(
                _failed(
                    here,
                    "symlink loop: this folder links back to one above it",
                    "remove the link, or pass the real folder",
                )
            )
            dirnames[:] = []
            continue
        seen.add((st.st_dev, st.st_ino))
        dirnames[:] = sorted(d for d in dirnames if not d.startswith("."))
        for name in sorted(filenames):
            path = here / name
            if name.startswith(".") or not is_supported(path):
                continue
            if not path.exists():
                problems.append(
                    _failed(
                        path,
                        "broken link: the file it points to is missing",
                        "fix or remove the link",
                    )
                )
                continue
            yield path


def _failed(path: Path, reason: str, hint: str) -> FileResult:
    return FileResult(str(path), None, "failed", error=str(DocDenoiseError(path, reason, hint)))


def _inside(path: Path, folder: Path) -> bool:
    return path == folder or folder in path.parents


def _sources(inputs: Sequence[Path], problems: list[FileResult]) -> list[tuple[Path, Path]]:
    """``(file, path relative to the output root)`` for every input file, in order."""
    pairs: list[tuple[Path, Path]] = []
    for item in inputs:
        if item.is_dir():
            pairs.extend((p, p.relative_to(item)) for p in _walk_folder(item, problems))
        elif item.exists():
            pairs.append((item, Path(item.name)))
        else:
            problems.append(_failed(item, "no such file or folder", "check the path"))
    return pairs


def plan_batch(
    inputs: Sequence[str | os.PathLike[str]], outdir: str | os.PathLike[str], options: BatchOptions
) -> tuple[list[Job], list[FileResult]]:
    """Jobs for every input file, and problems found while listing them.

    Raises :class:`UsageError` when the output folder lies inside an input folder or would hold
    an input file: nothing is ever written into the input tree.
    """
    out = Path(outdir).absolute()
    paths = [Path(p) for p in inputs]
    for item in paths:
        real = item.resolve()
        if (item.is_dir() and _inside(out.resolve(), real)) or real.parent == out.resolve():
            raise UsageError(
                out,
                f"the output folder is inside the input {item}",
                "choose an output folder outside the inputs",
            )
    problems: list[FileResult] = []
    jobs: list[Job] = []
    taken: dict[Path, Path] = {}
    for source, rel in _sources(paths, problems):
        fmt = output_format_for(_input_format(source), options.fmt)
        target = out / rel.with_suffix(suffix_for(fmt))
        if target in taken:
            problems.append(
                _failed(
                    source,
                    f"has the same output name as {taken[target]}",
                    "clean the two in separate runs or rename one",
                )
            )
            continue
        taken[target] = source
        jobs.append(Job(source, target, str(rel)))
    return jobs, problems


def _input_format(path: Path) -> str:
    suffix = path.suffix.lower().lstrip(".")
    aliases = {"jpg": "jpeg", "tif": "tiff"}
    if suffix in aliases or suffix in ("png", "jpeg", "tiff", "bmp", "webp", "pdf"):
        return aliases.get(suffix, suffix)
    try:
        return sniff_format(path)
    except DocDenoiseError:
        return "png"


def mean_abs_change(before: np.ndarray, after: np.ndarray, rows: int = 512) -> float:
    """Mean absolute change in [0, 1] units between two ``(H, W)`` uint8 pages, in row chunks."""
    total = 0
    for y in range(0, before.shape[0], rows):
        a = before[y : y + rows].astype(np.int16)
        total += int(np.abs(a - after[y : y + rows]).sum())
    return total / (255.0 * max(1, before.size))


def blend(original: np.ndarray, cleaned: np.ndarray, strength: float) -> np.ndarray:
    """Mix ``cleaned`` into ``original`` (both ``(H, W)`` uint8): 1.0 gives ``cleaned``."""
    if strength >= 1.0:
        return cleaned
    mixed = original * (1.0 - strength) + cleaned * strength
    return np.clip(mixed + 0.5, 0, 255).astype(np.uint8)


def clean_file(
    job: Job, denoiser: Denoiser, options: BatchOptions, index: int = 0, total: int = 1
) -> Generator[PageProgress, None, FileResult]:
    """Clean every page of one file and write the target; errors propagate to the caller."""
    started = time.perf_counter()
    pages: list[Page] = []
    change = 0.0
    for number, page in enumerate(iter_pages(job.source, max_pixels=options.max_pixels)):
        cleaned = yield from clean_page(page, denoiser, options, index, total, number)
        change += mean_abs_change(page.pixels, cleaned.pixels) * page.pixels.size
        pages.append(cleaned)
    write_output(job, pages, options)
    return done_result(job, pages, change, time.perf_counter() - started)


def clean_page(
    page: Page, denoiser: Denoiser, options: BatchOptions, index: int, total: int, number: int
) -> Generator[PageProgress, None, Page]:
    """Clean one page (blended by ``options.strength``), yielding progress per tile."""
    gen = denoiser.iter_denoise(page.pixels)
    while True:
        try:
            tile = next(gen)
        except StopIteration as stop:
            cleaned: np.ndarray = stop.value
            break
        yield PageProgress(index, total, number, tile)
    return Page(blend(page.pixels, cleaned, options.strength), page.dpi)


def write_output(job: Job, pages: list[Page], options: BatchOptions) -> None:
    """Encode ``pages`` into ``job.target`` atomically (its folder made first); typed errors."""
    try:
        job.target.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise OutputWriteError(
            job.target.parent, f"cannot create the folder ({exc.strerror})"
        ) from exc
    save_document(
        pages,
        job.target,
        fmt=job.target.suffix.lstrip("."),
        bilevel_threshold=options.bilevel_threshold,
        overwrite=options.overwrite,
    )


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
        message = DocDenoiseError(
            job.source,
            f"unexpected error ({type(exc).__name__}: {exc})",
            "please report it with this file",
        )
        return FileResult(str(job.source), None, "failed", error=str(message))
    raise exc


def iter_batch(
    jobs: Sequence[Job],
    denoiser: Denoiser,
    options: BatchOptions = BatchOptions(),  # noqa: B008 (frozen, so a shared default is safe)
    problems: Sequence[FileResult] = (),
) -> Generator[BatchEvent, None, BatchReport]:
    """Clean ``jobs`` in order; yields events, returns the report (``problems`` included).

    Events come per file in order: :class:`FileStarted`, its :class:`PageProgress` es, then
    :class:`FileFinished` once its output is published; file after file.
    """
    report = BatchReport(device=denoiser.choice.name, model=denoiser.model_name)
    report.results.extend(problems)
    started = time.perf_counter()
    if options.overlap:
        from docdenoise.pipeline import iter_overlapped  # it imports this module

        yield from iter_overlapped(jobs, denoiser, options, report.results)
    else:
        yield from _iter_sequential(jobs, denoiser, options, report.results)
    report.seconds = time.perf_counter() - started
    return report


def _iter_sequential(
    jobs: Sequence[Job], denoiser: Denoiser, options: BatchOptions, results: list[FileResult]
) -> Generator[BatchEvent, None, None]:
    """One file after the other in this thread: read, clean, write; append each result."""
    for index, job in enumerate(jobs):
        yield FileStarted(index, len(jobs), job)
        if job.target.exists() and not options.overwrite:
            result = skipped_result(job)
        else:
            try:
                result = yield from clean_file(job, denoiser, options, index, len(jobs))
            except Exception as exc:
                result = error_result(job, exc)
        results.append(result)
        yield FileFinished(index, len(jobs), result)
