"""Model work started from the main window: load the model, clean pages, export; with progress.

One such job runs at a time (``busy``). Its worker's signals drive the status bar's page and
total progress and ETA; a failure becomes an error dialog with the core's message; cancelling
keeps the pages that were already clean.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QWidget

from docdenoise.gui import messages
from docdenoise.gui.pages import PageEntry
from docdenoise.gui.settings import ModelSpec
from docdenoise.gui.statusbar import StatusPanel
from docdenoise.gui.tasks import (
    CleanProgress,
    ExportItem,
    ModelInfo,
    PageCleaned,
    PageJob,
    Recognising,
    clean_task,
    export_task,
    prepare_task,
)
from docdenoise.gui.worker import DenoiseWorker, Task, WorkerHost


class JobController(QObject):
    worker_created = Signal(object)  # a DenoiseWorker, before it starts (connect to it here)
    busy_changed = Signal(bool)
    page_cleaned = Signal(int)  # page key
    model_ready = Signal(object)  # ModelInfo
    exported = Signal(list)  # written paths

    def __init__(
        self,
        host: WorkerHost,
        status: StatusPanel,
        entries: Callable[[int], PageEntry | None],
        spec: Callable[[], ModelSpec],
        window: QWidget,
    ) -> None:
        super().__init__(window)
        self._host = host
        self._status = status
        self._entry = entries
        self._spec = spec
        self._window = window
        self.worker: DenoiseWorker | None = None  # the running clean or export
        self.model_info: ModelInfo | None = None
        self.model_error: str | None = None
        self._preparing: DenoiseWorker | None = None
        self._prepare_again = False
        self._failure_title = ""

    @property
    def busy(self) -> bool:
        return self.worker is not None

    # -- model ---------------------------------------------------------------------------------
    def prepare(self) -> None:
        """Load the model in the background so the status bar can name the device and model."""
        if self._preparing is not None:
            self._prepare_again = True  # the settings may have changed meanwhile
            return
        worker = self._host.create(prepare_task(self._spec()), "prepare")
        worker.finished.connect(self._on_prepared)
        worker.failed.connect(self._on_prepare_failed)
        self._preparing = worker
        self._host.start(worker)

    def _on_prepared(self, info: ModelInfo) -> None:
        self.model_info, self.model_error = info, None
        self._status.show_model(info)
        self.model_ready.emit(info)
        self._prepared()

    def _on_prepare_failed(self, message: str) -> None:
        self.model_info, self.model_error = None, message
        self._status.show_model_error(message)
        self._prepared()

    def _prepared(self) -> None:
        self._preparing = None
        if self._prepare_again:
            self._prepare_again = False
            self.prepare()

    # -- jobs ----------------------------------------------------------------------------------
    def clean(self, entries: Sequence[PageEntry]) -> DenoiseWorker | None:
        jobs = [PageJob(e.key, e.pixels, e.path.name) for e in entries]
        if not jobs or self.busy:
            return None
        return self._run(clean_task(self._spec(), jobs), "clean", self.tr("Cleaning failed"))

    def export(
        self, items: Sequence[ExportItem], strength: float, threshold: int | None
    ) -> DenoiseWorker | None:
        if not items or self.busy:
            return None
        task = export_task(self._spec(), items, strength, threshold)
        return self._run(task, "export", self.tr("Export failed"))

    def cancel(self) -> None:
        if self.worker is not None:
            self.worker.cancel()
            self._status.showMessage(self.tr("Cancelling…"))

    def _run(self, task: Task, name: str, failure_title: str) -> DenoiseWorker:
        worker = self._host.create(task, name)
        worker.progress.connect(self._on_progress)
        worker.finished.connect(self._on_finished)
        worker.failed.connect(self._on_failed)
        worker.cancelled.connect(self._on_cancelled)
        self.worker = worker
        self._failure_title = failure_title
        if self.model_info is None:
            self.prepare()  # names the device and model as soon as the model is loaded
        self._status.start_progress()
        self.busy_changed.emit(True)
        self.worker_created.emit(worker)
        self._host.start(worker)
        return worker

    def _on_progress(self, payload: object) -> None:
        if isinstance(payload, CleanProgress):
            self._status.set_progress(payload.tile / payload.tiles, payload.fraction, payload.eta)
            text = self.tr("Cleaning {name}: page {page} of {pages}, tile {tile} of {tiles}")
            self._status.showMessage(
                text.format(
                    name=payload.label,
                    page=payload.position + 1,
                    pages=payload.pages,
                    tile=payload.tile,
                    tiles=payload.tiles,
                )
            )
        elif isinstance(payload, Recognising):
            self._status.set_indeterminate()  # OCR gives no steps to count
            text = self.tr("Recognising the text of {name} ({pages} page(s), {language})…")
            self._status.showMessage(
                text.format(name=payload.name, pages=payload.pages, language=payload.language)
            )
        elif isinstance(payload, PageCleaned):
            entry = self._entry(payload.key)
            if entry is not None:
                entry.set_cleaned(payload.cleaned)
                self.page_cleaned.emit(payload.key)

    def _on_finished(self, result: object) -> None:
        name = self.worker.name if self.worker else ""
        self._done()
        if name == "export" and isinstance(result, list):
            paths: list[Path] = result
            text = self.tr("Exported {0} file(s): {1}")
            self._status.showMessage(text.format(len(paths), ", ".join(p.name for p in paths)))
            self.exported.emit(paths)
        else:
            self._status.showMessage(self.tr("Cleaned {0} page(s)").format(result), 5000)

    def _on_failed(self, message: str) -> None:
        self._done()
        self._status.showMessage(message)
        messages.show_error(self._window, self._failure_title, message)

    def _on_cancelled(self) -> None:
        self._done()
        self._status.showMessage(self.tr("Cancelled"), 5000)

    def _done(self) -> None:
        self.worker = None
        self._status.stop_progress()
        self.busy_changed.emit(False)
