"""Where to export: ask for a file or a folder, pick the format, never overwrite without asking.

The planner only decides targets (:class:`~docdenoise.gui.tasks.ExportItem`); the writing,
through ``imageio.save_document`` with each page's DPI, happens in a worker. "Searchable PDF"
sits beside the formats of Export Page and Export Document: after the file, it asks for the
OCR language (:mod:`docdenoise.gui.ocrchoice`), and the worker writes the pages through
``ocr.write_searchable_pdf``.
"""

from __future__ import annotations

from pathlib import Path
from typing import NamedTuple

from PySide6.QtCore import QObject
from PySide6.QtWidgets import QFileDialog, QWidget

from docdenoise.formats import FORMATS, MULTI_PAGE_FORMATS, format_for_suffix
from docdenoise.gui import messages, ocrchoice
from docdenoise.gui.ocrchoice import SEARCHABLE
from docdenoise.gui.pages import PageEntry
from docdenoise.gui.settings import EXPORT_FORMATS, AppSettings
from docdenoise.gui.tasks import ExportItem, ExportPage


class ExportChoice(NamedTuple):
    path: Path
    fmt: str  # of docdenoise.formats
    ocr: str | None  # a Tesseract language: a searchable PDF (fmt "pdf")


def export_page(entry: PageEntry) -> ExportPage:
    return ExportPage(entry.key, entry.pixels, entry.cleaned, entry.dpi, entry.path.name)


def clean_name(entry: PageEntry, fmt: str, whole_document: bool) -> str:
    """``scan-clean.png``; ``scan-p2-clean.png`` for one page of a multi-page file."""
    stem = entry.path.stem
    if entry.count > 1 and not whole_document:
        stem = f"{stem}-p{entry.index + 1}"
    return f"{stem}-clean{FORMATS[fmt].suffix}"


class ExportPlanner(QObject):
    """Asks the user where to export, and checks for files that would be replaced."""

    def __init__(self, window: QWidget, settings: AppSettings) -> None:
        super().__init__(window)
        self._window = window
        self._settings = settings

    def _filters(self, formats: tuple[str, ...]) -> dict[str, str]:
        """Each format's name filter; "Searchable PDF" beside PDF (its key: ``SEARCHABLE``)."""
        names = {
            "png": self.tr("PNG image (*.png)"),
            "tiff": self.tr("TIFF image (*.tif *.tiff)"),
            "jpeg": self.tr("JPEG image (*.jpg *.jpeg)"),
            "pdf": self.tr("PDF document (*.pdf)"),
            SEARCHABLE: self.tr("Searchable PDF (*.pdf)"),
        }
        if "pdf" in formats:
            formats = (*formats, SEARCHABLE)
        return {fmt: names[fmt] for fmt in formats}

    def _ask_file(self, title: str, name: str, formats: tuple[str, ...]) -> ExportChoice | None:
        """The file, its format and, for a searchable PDF, the OCR language; None: cancelled."""
        filters = self._filters(formats)
        fmt = self._settings.output_format
        fmt = fmt if fmt in formats else formats[0]
        start = Path(self._settings.folder("export")) / Path(name).with_suffix(FORMATS[fmt].suffix)
        chosen, selected = QFileDialog.getSaveFileName(
            self._window,
            title,
            str(start),
            ";;".join(filters.values()),
            filters[fmt],
            QFileDialog.Option.DontConfirmOverwrite,  # we ask ourselves, the same everywhere
        )
        if not chosen:
            return None
        path = Path(chosen)
        by_filter = next((f for f, text in filters.items() if text == selected), fmt)
        written = "pdf" if by_filter == SEARCHABLE else by_filter
        fmt = format_for_suffix(path.suffix) or ""
        if fmt not in formats:
            fmt = written
            path = path.with_name(path.name + FORMATS[fmt].suffix)
        language = None
        if by_filter == SEARCHABLE and fmt == "pdf":  # a name typed with another suffix wins
            language = self._ocr_language()
            if language is None:
                return None
        if path.exists() and not messages.confirm_overwrite(self._window, [str(path)]):
            return None
        self._settings.set_folder("export", path.parent)
        return ExportChoice(path, fmt, language)

    def _ocr_language(self) -> str | None:
        """Ask for the language to recognise; where OCR cannot run, say what to install."""
        problem = ocrchoice.ocr_unavailable()
        if problem is not None:
            messages.show_error(self._window, self.tr("Searchable PDF"), problem)
            return None
        return ocrchoice.ask_ocr_language(self._window, self._settings)

    def page(self, entry: PageEntry) -> list[ExportItem]:
        name = clean_name(entry, "png", whole_document=False)
        answer = self._ask_file(self.tr("Export Page"), name, EXPORT_FORMATS)
        if answer is None:
            return []
        return [ExportItem(answer.path, answer.fmt, (export_page(entry),), answer.ocr)]

    def document(self, pages: list[PageEntry]) -> list[ExportItem]:
        formats = MULTI_PAGE_FORMATS if len(pages) > 1 else EXPORT_FORMATS
        name = clean_name(pages[0], formats[0], whole_document=True)
        answer = self._ask_file(self.tr("Export Document"), name, formats)
        if answer is None:
            return []
        pages_out = tuple(export_page(p) for p in pages)
        return [ExportItem(answer.path, answer.fmt, pages_out, answer.ocr)]

    def all(self, documents: list[list[PageEntry]]) -> list[ExportItem]:
        """Every open file into a folder, in the default format (multi-page: TIFF/PDF whole)."""
        folder = QFileDialog.getExistingDirectory(
            self._window, self.tr("Export All to Folder"), self._settings.folder("export")
        )
        if not folder:
            return []
        self._settings.set_folder("export", folder)
        items = plan_folder_export(Path(folder), documents, self._settings.output_format)
        existing = [str(item.target) for item in items if item.target.exists()]
        if existing and not messages.confirm_overwrite(self._window, existing):
            return []
        return items


def plan_folder_export(
    folder: Path, documents: list[list[PageEntry]], fmt: str
) -> list[ExportItem]:
    """One file per document (one per page when ``fmt`` holds a single page); names made unique."""
    items: list[ExportItem] = []
    taken: set[Path] = set()

    def unique(name: str) -> Path:
        target = folder / name
        number = 2
        while target in taken:
            target = folder / f"{Path(name).stem}-{number}{Path(name).suffix}"
            number += 1
        taken.add(target)
        return target

    for pages in documents:
        if len(pages) > 1 and fmt in MULTI_PAGE_FORMATS:
            target = unique(clean_name(pages[0], fmt, whole_document=True))
            items.append(ExportItem(target, fmt, tuple(export_page(p) for p in pages)))
            continue
        for page in pages:
            target = unique(clean_name(page, fmt, whole_document=False))
            items.append(ExportItem(target, fmt, (export_page(page),)))
    return items
