"""Opening pages: drops of files and folders, multi-page files, broken files, recent files."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from guitools import WAIT_MS, write_page
from PySide6.QtCore import QMimeData, QPointF, Qt, QUrl
from PySide6.QtGui import QDragEnterEvent, QDropEvent
from PySide6.QtWidgets import QApplication

from docdenoise.gui import messages
from docdenoise.gui.mainwindow import MainWindow


def _mime(paths: list[Path]) -> QMimeData:
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(p)) for p in paths])
    return mime


def drop(qtbot: Any, window: MainWindow, paths: list[Path]) -> None:
    """A real drag-enter and drop, sent to the window; waits until the pages are in."""
    mime = _mime(paths)
    pos = QPointF(window.width() / 2, window.height() / 2)
    buttons, mods = Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier
    enter = QDragEnterEvent(pos, Qt.DropAction.CopyAction, mime, buttons, mods)
    QApplication.sendEvent(window, enter)
    assert enter.isAccepted()
    event = QDropEvent(pos, Qt.DropAction.CopyAction, mime, buttons, mods)
    with qtbot.waitSignal(window.load_finished, timeout=WAIT_MS):
        QApplication.sendEvent(window, event)
    assert event.isAccepted()


def test_drop_files_and_a_folder_opens_every_page(qtbot: Any, window: MainWindow, tmp_path: Path):
    one = write_page(tmp_path / "one.png")
    two = write_page(tmp_path / "two.jpg", seed=1)
    folder = tmp_path / "folder"
    write_page(folder / "three.png", seed=2)
    write_page(folder / "sub" / "four.tif", frames=3, seed=3)
    (folder / "notes.txt").write_text("not an image")
    write_page(folder / ".hidden.png", seed=4)

    drop(qtbot, window, [one, two, folder])

    entries = window.pages.all_entries()
    assert [(e.path.name, e.index) for e in entries] == [
        ("one.png", 0),
        ("two.jpg", 0),
        ("three.png", 0),
        ("four.tif", 0),
        ("four.tif", 1),
        ("four.tif", 2),
    ]
    assert entries[0].dpi == (300.0, 300.0)
    assert "page 2 of 3" in window.pages.item(4).text()
    assert window.pages.current_entry() is entries[0]
    assert window.commands.clean.isEnabled()
    # the first page is on screen once its picture is made
    qtbot.waitUntil(lambda: window.compare.before_view.has_picture(), timeout=WAIT_MS)


def test_dropping_the_same_file_twice_adds_it_once(qtbot: Any, window: MainWindow, tmp_path):
    page = write_page(tmp_path / "one.png")
    drop(qtbot, window, [page])
    drop(qtbot, window, [page])
    assert window.pages.count() == 1


def test_drag_without_files_is_refused(window: MainWindow):
    mime = QMimeData()
    mime.setText("just text")
    enter = QDragEnterEvent(
        QPointF(window.rect().center()),
        Qt.DropAction.CopyAction,
        mime,
        Qt.MouseButton.LeftButton,
        Qt.KeyboardModifier.NoModifier,
    )
    QApplication.sendEvent(window, enter)
    assert not enter.isAccepted()


def test_a_broken_file_is_reported_and_the_rest_open(
    qtbot: Any, window: MainWindow, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    good = write_page(tmp_path / "good.png")
    bad = tmp_path / "bad.png"
    bad.write_bytes(b"\x89PNG\r\n\x1a\nthis is not really a png")
    shown: list[list[str]] = []
    monkeypatch.setattr(messages, "show_failures", lambda _p, _t, failures: shown.append(failures))

    drop(qtbot, window, [bad, good])

    assert [e.path.name for e in window.pages.all_entries()] == ["good.png"]
    assert len(shown) == 1 and len(shown[0]) == 1
    assert "bad.png" in shown[0][0]  # the core's message, naming the file


def test_a_folder_with_a_symlink_loop_and_a_broken_link_opens_the_rest(
    qtbot: Any, window: MainWindow, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    """The GUI walks a folder with the core's walk: a loop is walked once, and both the loop and
    the broken link are reported."""
    folder = tmp_path / "folder"
    write_page(folder / "sub" / "page.png")
    (folder / "sub" / "up").symlink_to(folder, target_is_directory=True)
    (folder / "gone.png").symlink_to(tmp_path / "missing.png")
    shown: list[list[str]] = []
    monkeypatch.setattr(messages, "show_failures", lambda _p, _t, failures: shown.append(failures))

    drop(qtbot, window, [folder])

    assert [e.path.name for e in window.pages.all_entries()] == ["page.png"]
    assert len(shown) == 1 and len(shown[0]) == 2
    text = " ".join(shown[0])
    assert "symlink loop" in text and "broken link" in text and "gone.png" in text


def test_opened_paths_go_to_the_recent_menu(qtbot: Any, window: MainWindow, tmp_path: Path):
    page = write_page(tmp_path / "recent.png")
    drop(qtbot, window, [page])
    assert window.settings.recent_files() == [str(page)]
    file_menu = window.menuBar().actions()[0].menu()
    recent = next(a.menu() for a in file_menu.actions() if a.menu() is not None)
    recent.aboutToShow.emit()
    assert any("recent.png" in a.text() for a in recent.actions())
