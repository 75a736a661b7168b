"""Opening files and folders in the background: every page of every file, thumbnails included.

Loads run in workers (decoding a 300-dpi PDF page takes a while); pages appear in the page list
as they arrive. A file that cannot be read fails alone, and one dialog at the end lists those.
"""

from __future__ import annotations

import os
from collections.abc import Sequence

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QStatusBar, QWidget

from docdenoise.gui import messages
from docdenoise.gui.pages import PageEntry, PageList
from docdenoise.gui.settings import AppSettings
from docdenoise.gui.tasks import LoadedPage, LoadFailed, load_task
from docdenoise.gui.worker import DenoiseWorker, WorkerHost


class PageOpener(QObject):
    finished = Signal(int)  # pages added, once every running load is done

    def __init__(
        self,
        host: WorkerHost,
        pages: PageList,
        settings: AppSettings,
        status: QStatusBar,
        window: QWidget,
    ) -> None:
        super().__init__(window)
        self._host, self._pages, self._settings = host, pages, settings
        self._status, self._window = status, window
        self._active = 0
        self._added = 0
        self._failures: list[str] = []

    @property
    def busy(self) -> bool:
        return self._active > 0

    def open_paths(self, paths: Sequence[str | os.PathLike[str]]) -> DenoiseWorker | None:
        """Open files and folders (every supported file below a folder)."""
        if not paths:
            return None
        for path in paths:
            self._settings.add_recent(path)
        self._settings.set_folder("open", paths[0])
        worker = self._host.create(load_task(paths, self._pages.thumb_side_px()), "load")
        worker.progress.connect(self._on_loaded)
        worker.finished.connect(self._on_done)
        worker.failed.connect(self._on_failed)
        worker.cancelled.connect(self._on_done)
        self._active += 1
        self._status.showMessage(self.tr("Opening…"))
        self._host.start(worker)
        return worker

    def _on_loaded(self, payload: object) -> None:
        if isinstance(payload, LoadFailed):
            self._failures.append(payload.message)
        elif isinstance(payload, LoadedPage):
            known = self._pages.entries.values()
            if any(e.path == payload.path and e.index == payload.index for e in known):
                return  # already open
            entry = PageEntry.create(
                payload.path,
                payload.index,
                payload.count,
                payload.pixels,
                payload.dpi,
                payload.thumbnail,
            )
            self._pages.add_entry(entry)
            self._added += 1

    def _on_failed(self, message: str) -> None:
        self._failures.append(message)
        self._on_done()

    def _on_done(self, _result: object = None) -> None:
        self._active -= 1
        if self._active:
            return
        added, failures = self._added, self._failures
        self._added, self._failures = 0, []
        self._status.showMessage(self.tr("Opened {0} page(s)").format(added), 5000)
        if failures:
            messages.show_failures(
                self._window, self.tr("Some files could not be opened"), failures
            )
        self.finished.emit(added)
