"""Searchable PDF from the app: Export Page, Export Document and the batch dialog, with the
language choice; where OCR cannot run the choice says what to install, and nothing crashes.

Like ``docdenoise clean ... --ocr eng``: stained pages cleaned by the shipped fast model, then
Tesseract's text layer must hold at least 80 % of each page's words. Needs Tesseract with
English (CI has it); the tests of the unavailable case need nothing.
"""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import pytest
from guitools import arm, choose_file, open_and_wait, write_page
from PIL import Image
from PySide6.QtCore import QSettings, Qt
from searchable import assert_searchable, stained_page

from docdenoise import ocr
from docdenoise.errors import OcrError
from docdenoise.gui import messages, ocrchoice
from docdenoise.gui.mainwindow import MainWindow
from docdenoise.gui.ocrchoice import SEARCHABLE, OcrOptionsDialog
from docdenoise.gui.settings import AppSettings

needs_tesseract = pytest.mark.skipif(
    shutil.which("tesseract") is None or "eng" not in ocr.installed_languages(),
    reason="Tesseract with English is not installed (apt tesseract-ocr tesseract-ocr-eng)",
)

SEARCHABLE_FILTER = "Searchable PDF (*.pdf)"
TEXTS = [
    ["The quick brown fox jumps over", "the lazy dog near the river"],
    ["Pack my box with five dozen", "liquor jugs said the captain"],
]


def write_document(path: Path, texts: list[list[str]], dpi: int = 300) -> Path:
    """The pages of ``texts`` as one PNG (one page) or a multi-page TIFF."""
    pages = [stained_page(lines, paper=190, noise=6, seed=n) for n, lines in enumerate(texts)]
    images = [Image.fromarray(page) for page in pages]
    path.parent.mkdir(parents=True, exist_ok=True)
    extra: dict[str, Any] = {"save_all": True, "append_images": images[1:]} if images[1:] else {}
    images[0].save(path, dpi=(dpi, dpi), **extra)
    return path


def answer_language(monkeypatch: pytest.MonkeyPatch, language: str) -> list[str]:
    """The language dialog, answered as a user would: its default shown, ``language`` typed,
    OK pressed (the real dialog, without its modal loop)."""
    defaults: list[str] = []

    def fake(parent: Any, settings: AppSettings) -> str | None:
        dialog = OcrOptionsDialog(settings, parent)
        defaults.append(dialog.languages.language())
        dialog.languages.set_language(language)
        dialog.accept()
        accepted = dialog.result() == OcrOptionsDialog.DialogCode.Accepted
        dialog.deleteLater()
        return language if accepted else None

    monkeypatch.setattr(ocrchoice, "ask_ocr_language", fake)
    return defaults


def export(qtbot: Any, window: MainWindow, start: Any) -> list[Path]:
    blockers = arm(qtbot, window.jobs)
    assert start() is not None
    return list(blockers.wait("finished")[0])


@pytest.fixture
def ocr_window(qtbot: Any, shipped_fast_model: Path) -> MainWindow:
    """The main window with the shipped fast model, as the app runs."""
    win = MainWindow(AppSettings(QSettings(), model_override=str(shipped_fast_model)))
    qtbot.addWidget(win)
    win.resize(1000, 700)
    win.show()
    qtbot.waitExposed(win)
    return win


@needs_tesseract
def test_export_document_as_a_searchable_pdf(
    qtbot: Any, ocr_window: MainWindow, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    source = write_document(tmp_path / "in" / "report.tif", TEXTS, dpi=300)
    open_and_wait(qtbot, ocr_window, [source])
    target = tmp_path / "out" / "report-clean"  # no suffix: the filter decides
    target.parent.mkdir()
    calls = choose_file(monkeypatch, target, SEARCHABLE_FILTER)
    defaults = answer_language(monkeypatch, "eng")

    written = export(qtbot, ocr_window, ocr_window.export_current_document)

    assert SEARCHABLE_FILTER in calls[0][3].split(";;")  # offered beside TIFF and PDF
    assert defaults == ["eng"]  # nothing used yet: English
    assert written == [target.with_suffix(".pdf")]
    assert_searchable(written[0], TEXTS, dpi=300)
    assert ocr_window.settings.ocr_languages == ["eng"]  # offered first next time
    assert sorted(p.name for p in target.parent.iterdir()) == ["report-clean.pdf"]


@needs_tesseract
def test_export_page_as_a_searchable_pdf(
    qtbot: Any, ocr_window: MainWindow, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    source = write_document(tmp_path / "in" / "letter.png", TEXTS[:1], dpi=200)
    open_and_wait(qtbot, ocr_window, [source])
    target = tmp_path / "letter-clean.pdf"
    choose_file(monkeypatch, target, SEARCHABLE_FILTER)
    answer_language(monkeypatch, "eng")

    written = export(qtbot, ocr_window, ocr_window.export_current_page)

    assert written == [target]
    assert_searchable(target, TEXTS[:1], dpi=200)  # one page, at the scan's DPI


@needs_tesseract
def test_batch_dialog_writes_searchable_pdfs(
    qtbot: Any, ocr_window: MainWindow, tmp_path: Path
) -> None:
    folder = tmp_path / "scans"
    write_document(folder / "letter.png", TEXTS[1:], dpi=200)
    out = tmp_path / "cleaned"
    ocr_window.settings.remember_ocr_language("eng")
    dialog = ocr_window.open_batch()
    qtbot.addWidget(dialog)
    assert not dialog.languages.combo.isEnabled()  # only for searchable PDFs
    dialog.input_edit.setText(str(folder))
    dialog.output_edit.setText(str(out))
    dialog.fmt.setCurrentIndex(dialog.fmt.findData(SEARCHABLE))
    assert dialog.languages.combo.isEnabled()
    assert dialog.languages.language() == "eng"  # the last used

    blockers = arm(qtbot, dialog)
    assert dialog.start() is not None
    report = blockers.wait("finished")[0]

    assert report.count("done") == 1, dialog.summary.text()
    assert sorted(p.name for p in out.iterdir()) == ["letter.pdf"]
    assert_searchable(out / "letter.pdf", TEXTS[1:], dpi=200)


def test_the_language_box_lists_the_last_used_first_and_checks_what_is_typed(
    qtbot: Any, settings: AppSettings, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(ocr, "installed_languages", lambda: ("deu", "eng", "kor"))
    settings.remember_ocr_language("kor")
    settings.remember_ocr_language("eng+kor")
    settings.remember_ocr_language("eng+fra")  # fra is gone since: not offered
    dialog = OcrOptionsDialog(settings)
    qtbot.addWidget(dialog)
    box = dialog.languages
    listed = [box.combo.itemText(i) for i in range(box.combo.count())]
    assert listed == ["eng+kor", "kor", "eng", "deu"]
    assert box.language() == "eng+kor"
    assert box.names_label.text() == "English + Korean"

    box.set_language("eng+xyz")
    assert box.problem() == (
        "Tesseract has no xyz language data; on Debian or Ubuntu: sudo apt install "
        "tesseract-ocr-xyz"
    )
    assert "tesseract-ocr-xyz" in box.names_label.text()
    dialog.accept()  # refused: the box says why
    assert dialog.result() != OcrOptionsDialog.DialogCode.Accepted
    box.set_language("../eng")
    assert "not a Tesseract language" in (box.problem() or "")
    box.set_language("deu")
    dialog.accept()
    assert dialog.result() == OcrOptionsDialog.DialogCode.Accepted
    assert settings.ocr_languages[:2] == ["deu", "eng+fra"]


@pytest.mark.parametrize("missing", ["ocrmypdf", "tesseract"])
def test_without_ocr_the_choice_says_what_to_install(
    missing: str,
    qtbot: Any,
    window: MainWindow,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    if missing == "ocrmypdf":
        monkeypatch.setattr(ocr, "ocrmypdf_installed", lambda: False)
        fix = "pip install 'docdenoise[ocr]'"
    else:
        monkeypatch.setattr(ocr, "installed_languages", lambda: ())
        fix = "sudo apt install tesseract-ocr tesseract-ocr-eng"
    # the batch dialog: the choice is there, disabled, and says what to install
    dialog = window.open_batch()
    qtbot.addWidget(dialog)
    index = dialog.fmt.findData(SEARCHABLE)
    item = dialog.fmt.model().item(index)  # type: ignore[attr-defined]
    assert not item.isEnabled()
    assert fix in dialog.fmt.itemData(index, Qt.ItemDataRole.ToolTipRole)
    assert fix in dialog.languages.names_label.text()
    dialog.input_edit.setText(str(tmp_path))
    dialog.output_edit.setText(str(tmp_path / "out"))
    dialog.fmt.setCurrentIndex(index)  # even if forced, nothing starts
    assert not dialog.languages.combo.isEnabled()
    assert dialog.start() is None
    assert fix in dialog.summary.text()
    dialog.reject()

    # Export: choosing "Searchable PDF" explains, asks nothing more and writes nothing
    open_and_wait(qtbot, window, [write_page(tmp_path / "in" / "scan.png")])
    choose_file(monkeypatch, tmp_path / "scan-clean.pdf", SEARCHABLE_FILTER)
    shown: list[tuple[str, str]] = []
    monkeypatch.setattr(messages, "show_error", lambda _p, title, text: shown.append((title, text)))
    asked: list[Any] = []
    monkeypatch.setattr(ocrchoice, "ask_ocr_language", lambda *a: asked.append(a))
    assert window.export_current_page() is None
    assert len(shown) == 1 and shown[0][0] == "Searchable PDF" and fix in shown[0][1]
    assert asked == []
    assert not (tmp_path / "scan-clean.pdf").exists()


def test_an_ocr_failure_is_the_usual_one_line_dialog(
    qtbot: Any, window: MainWindow, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    open_and_wait(qtbot, window, [write_page(tmp_path / "scan.png")])
    target = tmp_path / "scan-clean.pdf"
    choose_file(monkeypatch, target, SEARCHABLE_FILTER)
    monkeypatch.setattr(ocrchoice, "ocr_unavailable", lambda: None)
    monkeypatch.setattr(ocrchoice, "ask_ocr_language", lambda *a: "eng")

    def fail(pages: Any, path: Path, language: str, **kwargs: Any) -> None:
        raise OcrError(path, "OCR failed (Tesseract ended with a signal)")

    monkeypatch.setattr(ocr, "write_searchable_pdf", fail)
    shown: list[tuple[str, str]] = []
    monkeypatch.setattr(messages, "show_error", lambda _p, title, text: shown.append((title, text)))
    blockers = arm(qtbot, window.jobs, ("failed",))
    assert window.export_current_page() is not None
    (message,) = blockers.wait("failed")

    assert message.startswith(f"{target}: OCR failed (Tesseract ended with a signal)")
    assert shown == [("Export failed", message)]
    assert not target.exists()
    assert window.commands.export_page.isEnabled()  # ready for the next try


def test_a_batch_language_that_is_not_installed_stops_before_any_work(
    qtbot: Any, window: MainWindow, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(ocr, "installed_languages", lambda: ("eng",))
    monkeypatch.setattr(ocr, "ocrmypdf_installed", lambda: True)
    dialog = window.open_batch()
    qtbot.addWidget(dialog)
    dialog.input_edit.setText(str(tmp_path))
    dialog.output_edit.setText(str(tmp_path / "out"))
    dialog.fmt.setCurrentIndex(dialog.fmt.findData(SEARCHABLE))
    dialog.languages.set_language("eng+kor")
    assert dialog.start() is None
    assert "sudo apt install tesseract-ocr-kor" in dialog.summary.text()
    assert window.settings.ocr_languages == []  # only what ran is remembered
