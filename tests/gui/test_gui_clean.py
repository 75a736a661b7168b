"""Cleaning in the worker: results, progress, cancel within a tile, errors, closing while busy."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pytest
from guitools import WAIT_MS, arm, open_and_wait, write_page
from PySide6.QtCore import QSettings, Qt

from docdenoise.gui import messages
from docdenoise.gui.mainwindow import MainWindow
from docdenoise.gui.settings import AppSettings
from docdenoise.gui.tasks import CleanProgress


def test_clean_one_page(qtbot: Any, window: MainWindow, page_file: Path):
    open_and_wait(qtbot, window, [page_file])
    blockers = arm(qtbot, window.jobs, ("started", "progress", "finished"))
    assert window.clean_selected() is not None
    blockers.wait("finished")

    entry = window.pages.current_entry()
    assert entry is not None and entry.cleaned is not None
    assert entry.cleaned.shape == entry.pixels.shape and entry.cleaned.dtype == np.uint8
    assert blockers["started"].signal_triggered
    assert isinstance(blockers["progress"].args[0], CleanProgress)
    # the cleaned picture reaches the 'after' view, and the tools come back
    qtbot.waitUntil(window.compare.after_view.has_picture, timeout=WAIT_MS)
    assert window.compare.removed_view.has_picture()
    assert not window.jobs.busy and window.commands.clean.isEnabled()
    assert not window.commands.cancel.isEnabled()
    qtbot.waitUntil(lambda: window.jobs.model_info is not None, timeout=WAIT_MS)
    assert window.status.device_label.text().startswith("Device: CPU, ")
    assert "test-random" in window.status.model_label.text()


def test_cancel_mid_page_stops_within_a_tile(qtbot: Any, model_path: Path, tmp_path: Path):
    settings = AppSettings(QSettings(), model_override=str(model_path))
    settings.tile = 128  # a 640 x 512 page: 20 tiles
    window = MainWindow(settings)
    qtbot.addWidget(window)
    big = write_page(tmp_path / "big.png", size=(640, 512))
    open_and_wait(qtbot, window, [big])

    blockers = arm(qtbot, window.jobs, ("cancelled",))
    finished: list[object] = []
    tiles: list[int] = []

    def created(worker: Any) -> None:
        worker.finished.connect(finished.append)

        def cancel_at_first_tile(payload: object) -> None:  # runs in the worker thread
            if isinstance(payload, CleanProgress):
                tiles.append(payload.tile)
                worker.cancel()

        worker.progress.connect(cancel_at_first_tile, Qt.ConnectionType.DirectConnection)

    window.jobs.worker_created.connect(created)
    window.clean_selected()
    blockers.wait("cancelled")

    assert blockers["cancelled"].signal_triggered
    assert finished == []
    assert tiles == [1]  # the cancel flag was seen before the second tile
    assert window.pages.current_entry().cleaned is None
    assert not window.jobs.busy
    assert window.status.currentMessage() == "Cancelled"


def test_closing_the_window_while_cleaning_cancels_and_waits(
    qtbot: Any, model_path: Path, tmp_path: Path
):
    settings = AppSettings(QSettings(), model_override=str(model_path))
    settings.tile = 128
    window = MainWindow(settings)
    qtbot.addWidget(window)
    open_and_wait(qtbot, window, [write_page(tmp_path / "big.png", size=(640, 512))])
    blockers = arm(qtbot, window.jobs, ("progress",))
    window.clean_selected()
    blockers.wait("progress")  # it is really working now
    worker = blockers.worker
    window.close()  # cancels and joins the thread before returning
    assert worker.cancel_requested
    assert window.host.running() == []


def test_missing_model_shows_in_the_status_bar_and_in_a_dialog(
    qtbot: Any, tmp_path: Path, page_file: Path, monkeypatch: pytest.MonkeyPatch
):
    missing = tmp_path / "nowhere" / "docdenoise-fast.safetensors"
    window = MainWindow(AppSettings(QSettings(), model_override=str(missing)))
    qtbot.addWidget(window)
    errors: list[tuple[str, str]] = []
    monkeypatch.setattr(
        messages, "show_error", lambda _p, title, text, details="": errors.append((title, text))
    )
    window.jobs.prepare()
    qtbot.waitUntil(lambda: window.jobs.model_error is not None, timeout=WAIT_MS)
    assert "not available" in window.status.model_label.text()
    assert "model file not found" in window.status.currentMessage()
    assert errors == []  # no dialog just for starting up

    open_and_wait(qtbot, window, [page_file])
    blockers = arm(qtbot, window.jobs, ("failed",))
    window.clean_selected()
    blockers.wait("failed")
    assert len(errors) == 1
    title, text = errors[0]
    assert title == "Cleaning failed"
    assert str(missing) in text and "model file not found" in text
    assert window.commands.clean.isEnabled()


def test_strength_and_output_mode_change_the_preview_without_the_model(
    qtbot: Any, window: MainWindow, page_file: Path
):
    open_and_wait(qtbot, window, [page_file])
    blockers = arm(qtbot, window.jobs)
    window.clean_selected()
    blockers.wait("finished")
    qtbot.waitUntil(window.compare.after_view.has_picture, timeout=WAIT_MS)
    created: list[object] = []
    window.jobs.worker_created.connect(created.append)

    def after_image() -> Any:
        picture = window.compare.after_view.item.picture
        return None if picture is None else picture.levels[0]

    entry = window.pages.current_entry()
    with qtbot.waitSignal(window.preview.ready, timeout=WAIT_MS):
        window.controls.strength_slider.setValue(0)
    qtbot.waitUntil(lambda: after_image() is not None, timeout=WAIT_MS)
    shown = after_image().constBits().tobytes()
    row_bytes = after_image().bytesPerLine()
    original = entry.pixels
    first_row = np.frombuffer(shown[: original.shape[1]], dtype=np.uint8)
    assert row_bytes >= original.shape[1]
    np.testing.assert_array_equal(first_row, original[0])  # strength 0 is the original

    with qtbot.waitSignal(window.preview.ready, timeout=WAIT_MS):
        window.controls.mode.setCurrentIndex(1)  # black and white
    qtbot.waitUntil(lambda: window.compare.after_view.item.picture is not None, timeout=WAIT_MS)
    values = set(np.frombuffer(after_image().constBits().tobytes(), dtype=np.uint8).tolist())
    assert values <= {0, 255}
    assert created == []  # no model run for any of it
    assert window.settings.strength == 0 and window.settings.bilevel
