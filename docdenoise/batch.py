"""Folders in, mirrored folders out: plan jobs, clean file after file, report. For CLI and GUI.

:func:`plan_batch` turns input files and folders into :class:`Job` s (source -> target in the
mirrored output tree) and finds the problems it can see up front (missing inputs, symlink loops,
broken links). :func:`iter_batch` is a generator: it yields :class:`FileStarted`,
:class:`PageProgress` and :class:`FileFinished` events and returns a :class:`BatchReport`. A bad
file fails alone: its error is recorded and the batch goes on. Nothing is ever written into an
input folder, and every output is written to a temporary file and renamed into place.

By default (``BatchOptions.overlap``) :mod:`docdenoise.executor` runs the batch: the next page
decodes and the previous file encodes in threads while the model cleans the current page, with
the same events, outputs and report as the one-file-at-a-time loop here. Both clean a file with
:mod:`docdenoise.cleaning`. The GUI lists a folder's files with :func:`walk_folder`, as here.
"""

from __future__ import annotations

import os
import time
from collections.abc import Generator, Iterable, Sequence
from contextlib import suppress
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING

from docdenoise.cleaning import clean_file
from docdenoise.errors import DocDenoiseError, OcrError, UsageError
from docdenoise.executor import iter_overlapped
from docdenoise.formats import FORMATS, format_for_suffix
from docdenoise.imageio import (
    count_pages,
    is_supported,
    output_format_for,
    sniff_format,
    suffix_for,
)
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
    error_result,
    failed_result,
    skipped_result,
    write_report,
)

if TYPE_CHECKING:
    from docdenoise.inference import Denoiser

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
    "walk_folder",
    "write_report",
]


def walk_folder(root: Path, problems: list[FileResult]) -> Iterable[Path]:
    """Image files below ``root`` (links followed, hidden entries skipped), loops reported once."""
    seen: set[tuple[int, int]] = set()
    for dirpath, dirnames, filenames in os.walk(root, followlinks=True):
        here = Path(dirpath)
        st = here.stat()
        if (st.st_dev, st.st_ino) in seen:
            problems.append(
                failed_result(
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
                    failed_result(
                        path,
                        "broken link: the file it points to is missing",
                        "fix or remove the link",
                    )
                )
                continue
            yield path


def _inside(path: Path, folder: Path) -> bool:
    return path == folder or folder in path.parents


def _sources(inputs: Sequence[Path], problems: list[FileResult]) -> list[tuple[Path, Path]]:
    """``(file, path relative to the output root)`` for every input file, in order."""
    pairs: list[tuple[Path, Path]] = []
    for item in inputs:
        if item.is_dir():
            pairs.extend((p, p.relative_to(item)) for p in walk_folder(item, problems))
        elif item.exists():
            pairs.append((item, Path(item.name)))
        else:
            problems.append(failed_result(item, "no such file or folder", "check the path"))
    return pairs


def plan_batch(
    inputs: Sequence[str | os.PathLike[str]], outdir: str | os.PathLike[str], options: BatchOptions
) -> tuple[list[Job], list[FileResult]]:
    """Jobs for every input file, and problems found while listing them.

    Raises :class:`UsageError` when the output folder lies inside an input folder or would hold
    an input file: nothing is ever written into the input tree. With ``options.ocr`` every
    target is a PDF, and every file is a problem when OCR cannot run (see :func:`_ocr_ready`).
    """
    options = _ocr_options(options)
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
        fmt = _output_format(source, options.fmt)
        target = out / rel.with_suffix(suffix_for(fmt))
        if target in taken:
            problems.append(
                failed_result(
                    source,
                    f"has the same output name as {taken[target]}",
                    "clean the two in separate runs or rename one",
                )
            )
            continue
        taken[target] = source
        jobs.append(Job(source, target, str(rel)))
    if options.ocr is not None:
        return _ocr_ready(jobs, problems, options.ocr)
    return jobs, problems


def _ocr_options(options: BatchOptions) -> BatchOptions:
    """With ``options.ocr``: PDF output for every file; UsageError for another format or
    without OCRmyPDF."""
    if options.ocr is None:
        return options
    if options.fmt is not None and format_for_suffix(f".{options.fmt}") != "pdf":
        raise UsageError(None, "--ocr writes PDF", "drop --format or use --format pdf")
    from docdenoise.ocr import MISSING_OCRMYPDF, ocrmypdf_installed

    if not ocrmypdf_installed():
        raise UsageError(None, *MISSING_OCRMYPDF)
    return replace(options, fmt="pdf")


def _ocr_ready(
    jobs: list[Job], problems: list[FileResult], language: str
) -> tuple[list[Job], list[FileResult]]:
    """Checked once: when OCR cannot run (a Tesseract language missing...), every file fails
    with the message that says what to install, and nothing is cleaned."""
    from docdenoise.ocr import check_language

    try:
        check_language(language)
    except OcrError as exc:
        return [], [*problems, *(failed_result(job.source, exc.reason, exc.hint) for job in jobs)]
    return jobs, problems


def _output_format(path: Path, requested: str | None) -> str:
    """The output format of ``path``: ``requested``, else what ``output_format_for`` says.

    For an input format only read (GIF, a JPEG 2000 codestream) the pages are counted: an
    animated GIF's frames go to one TIFF.
    """
    fmt = _input_format(path)
    pages = 1
    if requested is None and not FORMATS[fmt].writable:
        with suppress(DocDenoiseError):  # cleaning the file says why it cannot be read
            pages = count_pages(path)
    return output_format_for(fmt, requested, pages)


def _input_format(path: Path) -> str:
    """The format by the suffix, else by the content; ``'png'`` for what neither tells."""
    by_suffix = format_for_suffix(path.suffix)
    if by_suffix is not None:
        return by_suffix
    try:
        return sniff_format(path)
    except DocDenoiseError:
        return "png"


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
