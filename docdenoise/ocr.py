"""Searchable PDFs: the cleaned pages as the image, Tesseract's text invisible over them.

``docdenoise clean ... --ocr eng+kor`` writes every document with :func:`write_searchable_pdf`.
The cleaned pages go into an image-only PDF (:func:`docdenoise.pdfio.write_pdf`: lossless 8-bit
Flate, or CCITT G4 for black and white, each page sized by its DPI) and ``ocrmypdf.ocr`` grafts
Tesseract's text layer onto it. OCRmyPDF keeps the page images byte for byte: nothing is
optimised (``optimize=0``), and PDF/A is made by its internal backend (pikepdf), never by
Ghostscript, which would re-encode the images: the output is PDF/A-2b where pikepdf's validator
approves it (``output_type='auto'``), else a plain PDF with the same pages and text.

Threads: ``ocrmypdf.ocr`` may be called off the main thread (the batch's writer thread, a Qt
worker). It installs no signal handler there (only its command line does, and its process-pool
workers, which ``use_threads=True`` never starts); several calls may run at once (its plugin
lock is a readers-writer lock). Two of its side effects are global and handled here: its page
rasterizer calls PDFium under a lock of its own, which is made :mod:`docdenoise.pdfio`'s, so
PDFium is never entered from two threads; and it resets Pillow's decompression-bomb limit, which
is lifted for the run as docdenoise's readers do (the pages passed their own pixel limit).

OCRmyPDF is optional (``pip install 'docdenoise[ocr]'``) and imported only inside the functions
here; Tesseract and its languages come from the system (``apt install tesseract-ocr-eng``).
"""

from __future__ import annotations

import importlib.util
import logging
import os
import re
import shutil
import subprocess
import tempfile
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from docdenoise.atomicfile import atomic_write
from docdenoise.errors import OcrError
from docdenoise.page import Page

__all__ = [
    "MISSING_OCRMYPDF",
    "check_language",
    "debian_package",
    "installed_languages",
    "ocrmypdf_installed",
    "split_languages",
    "write_searchable_pdf",
]

log = logging.getLogger(__name__)

MISSING_OCRMYPDF = ("OCR needs OCRmyPDF, which is not installed", "pip install 'docdenoise[ocr]'")
NOT_LANGUAGES = frozenset({"osd", "equ"})  # Tesseract's own data: orientation, equations
_NAME = re.compile(r"[A-Za-z][A-Za-z0-9_]*(/[A-Za-z][A-Za-z0-9_]*)?")  # eng, chi_sim, script/Latin


def ocrmypdf_installed() -> bool:
    """True when OCRmyPDF can be imported (without importing it)."""
    return importlib.util.find_spec("ocrmypdf") is not None


def split_languages(language: str) -> list[str]:
    """The languages of ``'eng+kor'``; ValueError for a part that is no Tesseract language."""
    parts = language.split("+")
    for part in parts:
        if not _NAME.fullmatch(part) or part in NOT_LANGUAGES:
            raise ValueError(
                f"{part!r} is not a Tesseract language name; give names such as eng, chi_sim "
                "or eng+kor"
            )
    return parts


def installed_languages() -> tuple[str, ...]:
    """Tesseract's installed languages (``osd`` left out); empty when Tesseract is missing."""
    program = shutil.which("tesseract")
    if program is None:
        return ()
    try:
        listing = subprocess.run(
            [program, "--list-langs"], capture_output=True, text=True, timeout=60, check=True
        )
    except (OSError, subprocess.SubprocessError) as exc:
        log.warning("tesseract --list-langs failed: %s", exc)
        return ()
    names = (line.strip() for line in listing.stdout.splitlines()[1:])  # [0]: where they are
    return tuple(dict.fromkeys(n for n in names if n and n not in NOT_LANGUAGES))


def debian_package(language: str) -> str:
    """The Debian/Ubuntu package of a Tesseract language: ``chi_sim`` -> tesseract-ocr-chi-sim."""
    return "tesseract-ocr-" + re.sub(r"[_/]", "-", language.lower())


def check_language(language: str, path: Path | None = None) -> None:
    """Raise :class:`OcrError` (naming ``path``, if given) unless OCRmyPDF, Tesseract and every
    language of ``'eng+kor'`` are installed; the message names the packages to install."""
    try:
        names = split_languages(language)
    except ValueError as exc:
        raise OcrError(path, str(exc), "") from None
    if not ocrmypdf_installed():
        raise OcrError(path, *MISSING_OCRMYPDF)
    packages = " ".join(debian_package(name) for name in names)
    if shutil.which("tesseract") is None:
        hint = f"on Debian or Ubuntu: sudo apt install tesseract-ocr {packages}"
        raise OcrError(path, "OCR needs Tesseract, which is not installed", hint)
    installed = set(installed_languages())
    if missing := [name for name in names if name not in installed]:
        packages = " ".join(debian_package(name) for name in missing)
        reason = f"Tesseract has no {'+'.join(missing)} language data"
        raise OcrError(path, reason, f"on Debian or Ubuntu: sudo apt install {packages}")


def write_searchable_pdf(
    pages: Sequence[Page],
    path: str | os.PathLike[str],
    language: str,
    *,
    bilevel_threshold: int | None = None,
    overwrite: bool = True,
) -> None:
    """Write ``pages`` (each ``(H, W) uint8``) to a searchable PDF at ``path``, atomically.

    ``language`` is Tesseract's (``'eng'``, ``'eng+kor'``); ``bilevel_threshold`` stores the
    pages black and white (CCITT G4) as :func:`docdenoise.pdfio.write_pdf` does. Raises
    :class:`OcrError` when OCR cannot run or fails (no file is left), :class:`OutputWriteError`
    when the file cannot be written, :class:`OutputExistsError` when it exists and
    ``overwrite`` is False.
    """
    path = Path(path)
    check_language(language, path)
    languages = split_languages(language)

    def write(tmp: Path) -> None:
        from docdenoise import pdfio

        with tempfile.TemporaryDirectory(prefix="docdenoise-ocr-") as folder:
            image_pdf = Path(folder) / "pages.pdf"
            pdfio.write_pdf(pages, image_pdf, bilevel_threshold)
            _ocr(image_pdf, tmp, languages, path)

    atomic_write(path, write, replace=overwrite)


def _ocr(source: Path, target: Path, languages: list[str], shown: Path) -> None:
    """``ocrmypdf.ocr`` from ``source`` to ``target``; its failures as OcrError about ``shown``."""
    import ocrmypdf
    from ocrmypdf.exceptions import ExitCode, ExitCodeException, MissingDependencyError

    from docdenoise.pillowio import PILLOW_CHECK_OFF  # Pillow's 89 Mpx limit off, as we read

    try:
        with _pdfium_shared(), PILLOW_CHECK_OFF:  # the pages passed our pixel limit
            code = ocrmypdf.ocr(
                source,
                target,
                language=languages,
                output_type="auto",  # PDF/A-2b when it validates, else PDF; never Ghostscript
                pdfa_backend="internal",
                optimize=0,  # the cleaned images stay as they are
                jobs=_jobs(),
                use_threads=True,
                progress_bar=False,
            )
    except MissingDependencyError as exc:
        raise OcrError(shown, f"OCR needs a program that is missing ({_first_line(exc)})") from exc
    except ExitCodeException as exc:
        raise OcrError(shown, f"OCR failed ({_first_line(exc)})") from exc
    except OSError:
        raise  # disk full, permission...: atomic_write says so
    except Exception as exc:  # pikepdf, fpdf2, pydantic...: failures inside OCRmyPDF
        raise OcrError(shown, f"OCR failed ({type(exc).__name__}: {_first_line(exc)})") from exc
    if code != ExitCode.ok:
        raise OcrError(shown, f"OCR failed (OCRmyPDF ended with {ExitCode(code).name})")


def _jobs() -> int:
    """OCRmyPDF's page workers: half the cores, 1 to 4 (the model uses the cores meanwhile)."""
    try:
        cores = len(os.sched_getaffinity(0))
    except AttributeError:  # macOS, Windows
        cores = os.cpu_count() or 1
    return max(1, min(4, cores // 2))


def _first_line(exc: BaseException) -> str:
    lines = [line.strip() for line in str(exc).splitlines() if line.strip()]
    return (lines[0] if lines else type(exc).__name__)[:200]


@contextmanager
def _pdfium_shared() -> Iterator[None]:
    """PDFium entered from one thread at a time: OCRmyPDF's rasterizer takes pdfio's lock.

    OCRmyPDF renders pages with pypdfium2 under a module lock of its own, while docdenoise
    renders PDFs under :mod:`docdenoise.pdfio`'s (the batch's reader reads ahead in another
    thread). Its lock is replaced by ours; where a later OCRmyPDF has no such lock, ours is held
    for the whole run instead (slower, as safe).
    """
    from docdenoise import pdfio

    try:
        rasterizer: Any = importlib.import_module("ocrmypdf.builtin_plugins.pypdfium")
    except ImportError:
        rasterizer = None
    if hasattr(rasterizer, "_pdfium_lock"):
        rasterizer._pdfium_lock = pdfio.PDFIUM_LOCK
        yield
    else:
        with pdfio.PDFIUM_LOCK:
            yield
