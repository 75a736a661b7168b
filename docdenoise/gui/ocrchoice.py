"""Searchable PDF: is OCR available, which Tesseract language to read, and the dialog to ask.

The OCR itself is the core's (:func:`docdenoise.ocr.write_searchable_pdf`), run in a worker.
Here are the GUI's pieces: :func:`ocr_unavailable` says what to install when OCRmyPDF or
Tesseract's languages are missing; :class:`OcrLanguageBox` is the language choice (installed
languages, last used first; editable, so ``eng+kor`` can be typed) shared by the export and
batch dialogs; :func:`ask_ocr_language` asks for one after Export chose "Searchable PDF".
Callers use ``ocrchoice.ask_ocr_language(...)`` (module attribute): tests replace it.
"""

from __future__ import annotations

import sys

from PySide6.QtCore import QCoreApplication, QLocale, Qt
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QVBoxLayout,
    QWidget,
)

from docdenoise import ocr
from docdenoise.gui.settings import AppSettings

SEARCHABLE = "ocr"  # the export choice and the batch format combo's data for a searchable PDF
APT_TESSERACT = "sudo apt install tesseract-ocr tesseract-ocr-eng"
TOOLTIP = Qt.ItemDataRole.ToolTipRole


def ocr_unavailable(languages: tuple[str, ...] | None = None) -> str | None:
    """None when searchable PDFs can be made; else one line saying what to install.

    ``languages``: Tesseract's installed ones, when the caller has listed them already.
    """
    translate = QCoreApplication.translate
    if not ocr.ocrmypdf_installed():
        if getattr(sys, "frozen", False):  # the desktop bundle leaves OCRmyPDF out
            text = translate(
                "ocrchoice",
                "This build of docdenoise has no OCR; for searchable PDFs install docdenoise "
                "with pip install 'docdenoise[ocr]' and Tesseract ({0})",
            )
        else:
            text = translate(
                "ocrchoice",
                "Searchable PDFs need OCRmyPDF, which is not installed: "
                "pip install 'docdenoise[ocr]' (and Tesseract: {0})",
            )
        return text.format(APT_TESSERACT)
    if not (ocr.installed_languages() if languages is None else languages):
        text = translate(
            "ocrchoice",
            "Searchable PDFs need Tesseract and a language of it, which are not installed; "
            "on Debian or Ubuntu: {0}",
        )
        return text.format(APT_TESSERACT)
    return None


def language_name(code: str) -> str:
    """``'English'`` for ``eng``, ``'Chinese'`` for ``chi_sim``; the code itself if unknown."""
    base = code.split("_")[0].split("/")[-1]
    language = QLocale.codeToLanguage(base, QLocale.LanguageCodeType.ISO639Part2)
    if language in (QLocale.Language.AnyLanguage, QLocale.Language.C):
        return code
    return QLocale.languageToString(language)


def language_choices(settings: AppSettings, installed: tuple[str, ...]) -> list[str]:
    """What the language box lists: the last used (all installed) first, then the rest;
    ``eng`` leads when nothing was used yet."""
    recent = [
        spec
        for spec in settings.ocr_languages
        if all(part in installed for part in spec.split("+"))
    ]
    rest = sorted(installed, key=lambda code: code != "eng")  # stable: eng first, then as listed
    return list(dict.fromkeys([*recent, *rest]))


class OcrLanguageBox(QWidget):
    """An editable combo of Tesseract languages (``eng``, ``eng+kor``) with their names beside."""

    def __init__(self, settings: AppSettings, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.installed = ocr.installed_languages()
        self.combo = QComboBox()
        self.combo.setEditable(True)
        self.combo.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        self.combo.setMinimumContentsLength(10)
        for code in language_choices(settings, self.installed):
            self.combo.addItem(code)
            self.combo.setItemData(self.combo.count() - 1, self.names(code), TOOLTIP)
        self.combo.setToolTip(
            self.tr("Tesseract's language of the text; join several with +, e.g. eng+kor")
        )
        self.names_label = QLabel()
        self.names_label.setWordWrap(True)
        self.names_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.combo.currentTextChanged.connect(self._update)
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.combo)
        row.addWidget(self.names_label, 1)
        self._update()

    def language(self) -> str:
        return self.combo.currentText().strip()

    def set_language(self, spec: str) -> None:
        self.combo.setCurrentText(spec)

    def names(self, spec: str) -> str:
        return " + ".join(language_name(code) for code in spec.split("+") if code)

    def problem(self) -> str | None:
        """None when every language of the choice is installed; else why not, and the fix."""
        spec = self.language()
        try:
            parts = ocr.split_languages(spec)
        except ValueError:
            text = self.tr("“{0}” is not a Tesseract language; choose one such as eng or eng+kor")
            return text.format(spec)
        missing = [part for part in parts if part not in self.installed]
        if missing:
            packages = " ".join(ocr.debian_package(part) for part in missing)
            text = self.tr("Tesseract has no {0} language data; on Debian or Ubuntu: {1}")
            return text.format("+".join(missing), f"sudo apt install {packages}")
        return None

    def _update(self) -> None:
        problem = self.problem() if self.language() else None
        self.names_label.setText(problem or self.names(self.language()))
        self.names_label.setStyleSheet("color: #c62828;" if problem else "")


class OcrOptionsDialog(QDialog):
    """Asked after Export chose "Searchable PDF": the language of the text to recognise."""

    def __init__(self, settings: AppSettings, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("Searchable PDF"))
        self.settings = settings
        about = QLabel(
            self.tr(
                "Tesseract reads the text of the cleaned pages and lays it, invisible, over "
                "them: the PDF can be searched and its text copied."
            )
        )
        about.setWordWrap(True)
        self.languages = OcrLanguageBox(settings)
        label = QLabel(self.tr("Text &language:"))
        label.setBuddy(self.languages.combo)
        form = QFormLayout()
        form.addRow(label, self.languages)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(about)
        layout.addLayout(form)
        layout.addWidget(self.buttons)
        self.setMinimumWidth(460)

    def accept(self) -> None:
        if self.languages.problem() is None:  # else the box already says what is wrong
            self.settings.remember_ocr_language(self.languages.language())
            super().accept()


def ask_ocr_language(parent: QWidget | None, settings: AppSettings) -> str | None:
    """The language to recognise (remembered for next time); None when the user cancels."""
    dialog = OcrOptionsDialog(settings, parent)
    try:
        return dialog.languages.language() if dialog.exec() else None
    finally:
        dialog.deleteLater()
