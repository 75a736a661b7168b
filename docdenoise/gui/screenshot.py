"""``docdenoise-gui --screenshot PATH FILE``: open, clean the first page, save the window, quit.

Used to make ``docs/screenshot.png`` under Xvfb. The picture comes from ``QWidget.grab()`` at
the screen's device-pixel ratio, so it needs no screen-capture tool.
"""

from __future__ import annotations

import logging
from pathlib import Path

from PySide6.QtCore import QObject, QTimer
from PySide6.QtWidgets import QApplication

from docdenoise.gui.compare import CompareMode
from docdenoise.gui.mainwindow import MainWindow

log = logging.getLogger(__name__)
TIMEOUT_MS = 600_000
MODES = {"side": CompareMode.SIDE_BY_SIDE, "split": CompareMode.SPLIT}
MODES["removed"] = CompareMode.REMOVED


class ScreenshotDirector(QObject):
    def __init__(self, window: MainWindow, path: Path, view: str, zoom: float | None) -> None:
        super().__init__(window)
        self.window, self.path, self.zoom = window, path, zoom
        self.view = MODES[view]
        self._cleaning = False
        window.load_finished.connect(self._on_loaded)
        self._poll = QTimer(self)
        self._poll.setInterval(200)
        self._poll.timeout.connect(self._check)
        QTimer.singleShot(TIMEOUT_MS, self._give_up)

    def resize(self, size: str) -> None:
        width, _, height = size.partition("x")
        self.window.resize(int(width), int(height))

    def _on_loaded(self, _count: int) -> None:
        self.window.pages.setCurrentRow(0)
        self.window.compare.set_mode(self.view)
        self._cleaning = self.window.clean_selected() is not None
        self._poll.start()

    def _check(self) -> None:
        window = self.window
        entry = window.pages.current_entry()
        key, (_before, after, _removed) = window.displayed()
        ready = entry is not None and entry.cleaned is not None and key == entry.key
        if window.jobs.busy or window.preview.busy() or not ready or after is None:
            return
        self._poll.stop()
        if self.zoom is not None:
            lead = window.compare.lead_view()
            lead.zoom_to(self.zoom / 100.0 / lead.device_ratio())
            lead.centerOn(lead.sceneRect().width() * 0.32, lead.sceneRect().height() * 0.2)
        QTimer.singleShot(800, self._grab)  # let the last paint and the status bar settle

    def _grab(self) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        ok = self.window.grab().save(str(self.path))
        log.warning("screenshot %s: %s", "saved" if ok else "FAILED", self.path)
        QApplication.exit(0 if ok else 1)

    def _give_up(self) -> None:
        log.error("screenshot timed out")
        QApplication.exit(2)
