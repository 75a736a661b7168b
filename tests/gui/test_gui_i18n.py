"""Translations: the window speaks Korean when asked to, and the Korean catalogue is complete."""

from __future__ import annotations

import importlib.util
import subprocess
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QCoreApplication, QLocale, QSettings, QTranslator
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QApplication, QDialogButtonBox

from docdenoise.gui.mainwindow import MainWindow
from docdenoise.gui.settings import AppSettings
from docdenoise.gui.settings_dialog import SettingsDialog
from docdenoise.gui.translation import (
    I18N_DIR,
    install_translators,
    remove_translators,
    resolve_language,
)

KO_TS = I18N_DIR / "docdenoise_ko.ts"
KO_QM = I18N_DIR / "docdenoise_ko.qm"


def _has_hangul(text: str) -> bool:
    return any("\uac00" <= ch <= "\ud7a3" for ch in text)


def _messages(ts: Path) -> list[tuple[str, str, ET.Element | None]]:
    """(context, source, translation element) of every message of a .ts file."""
    out = []
    for context in ET.parse(ts).getroot().iter("context"):
        name = context.findtext("name", "")
        for message in context.iter("message"):
            out.append((name, message.findtext("source", ""), message.find("translation")))
    return out


@pytest.fixture
def korean(qapp: QApplication) -> Iterator[list[QTranslator]]:
    """Korean installed for one test; English and the old default locale restored after."""
    previous = QLocale()
    installed = install_translators(qapp, "ko")
    yield installed
    remove_translators(qapp, installed)
    QLocale.setDefault(previous)


def test_main_window_menus_and_actions_are_korean(
    qtbot: Any, settings: AppSettings, korean: list[QTranslator]
) -> None:
    window = MainWindow(settings)
    qtbot.addWidget(window)
    titles = [action.text() for action in window.menuBar().actions()]
    assert titles == ["파일(&F)", "보기(&V)", "정리(&C)", "도움말(&H)"]
    assert window.commands.open.text() == "열기(&O)…"
    assert window.commands.open.toolTip().startswith("스캔한 페이지 열기")
    assert window.pages_dock.windowTitle() == "페이지"
    texts = [a.text() for a in window.commands.findChildren(QAction) if a.text()]
    assert texts and all(_has_hangul(t) for t in texts if t != "&100%"), texts
    # Qt's own strings come from qtbase_ko.qm where PySide6 ships it
    buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
    if len(korean) == 2:
        assert buttons.button(QDialogButtonBox.StandardButton.Cancel).text() == "취소"


def test_english_is_the_default_and_needs_no_catalogue(qapp: QApplication) -> None:
    previous = QLocale()
    assert install_translators(qapp, "en") == []
    assert QCoreApplication.translate("MainWindow", "&File") == "&File"
    QLocale.setDefault(previous)


@pytest.mark.parametrize(
    ("preferred", "expected"),
    [(["ko-KR", "en-US"], "ko"), (["en-GB", "ko"], "en"), (["fr-FR", "ko_KR"], "ko"), ([], "en")],
)
def test_system_language_is_the_first_preferred_one_we_speak(
    preferred: list[str], expected: str
) -> None:
    assert resolve_language("system", preferred) == expected
    assert resolve_language("ko", ["en-US"]) == "ko"


def test_language_setting_is_saved_by_the_settings_dialog(qtbot: Any) -> None:
    settings = AppSettings(QSettings())
    assert settings.language == "system"
    dialog = SettingsDialog(settings)
    qtbot.addWidget(dialog)
    names = [dialog.language.itemText(i) for i in range(dialog.language.count())]
    assert names[1:] == ["English", "한국어"]
    dialog.language.setCurrentIndex(dialog.language.findData("ko"))
    dialog.accept()
    assert AppSettings(QSettings()).language == "ko"


def test_every_korean_string_is_translated() -> None:
    messages = _messages(KO_TS)
    assert len(messages) > 150
    for context, source, translation in messages:
        assert translation is not None, (context, source)
        assert translation.get("type") is None, f"{translation.get('type')}: {context} {source!r}"
        assert (translation.text or "").strip(), f"empty: {context} {source!r}"


def test_compiled_catalogue_matches_the_source() -> None:
    """The committed .qm gives every translation of the .ts (run i18n/update.py --release)."""
    translator = QTranslator()
    assert translator.load(str(KO_QM))
    for context, source, translation in _messages(KO_TS):
        assert translation is not None
        assert translator.translate(context, source) == translation.text, (context, source)


def test_catalogue_holds_every_string_of_the_code(tmp_path: Path) -> None:
    """lupdate finds no string in docdenoise/gui that the .ts lacks (run i18n/update.py)."""
    spec = importlib.util.spec_from_file_location("i18n_update", I18N_DIR / "update.py")
    assert spec is not None and spec.loader is not None
    update = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(update)
    try:
        lupdate = update.qt_tool("lupdate")
    except SystemExit:
        pytest.skip("pyside6-lupdate is not installed")
    fresh = tmp_path / "fresh.ts"
    sources = sorted(str(p) for p in update.GUI_DIR.glob("*.py"))
    subprocess.run([*lupdate, *sources, "-ts", str(fresh)], check=True, capture_output=True)
    in_code = {(c, s) for c, s, _ in _messages(fresh)}
    in_ts = {(c, s) for c, s, _ in _messages(KO_TS)}
    assert in_code <= in_ts, sorted(in_code - in_ts)
