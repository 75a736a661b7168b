"""Batch folder cleanup: an input folder into a mirrored output folder, file by file.

The core's ``plan_batch`` and ``iter_batch`` run in a worker; this dialog shows each file's
state (queued, running, done, skipped, failed and why), the total progress with ETA, and a
summary at the end. A bad file fails alone; the rest go on. "Searchable PDF" makes every file a
PDF with Tesseract's text in the language chosen beside it (the core's ``BatchOptions.ocr``).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QBrush, QColor, QStandardItemModel
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QProgressBar,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from docdenoise.gui import messages
from docdenoise.gui.batchrun import BatchPlanned, BatchRequest, BatchStep, batch_task
from docdenoise.gui.ocrchoice import SEARCHABLE, OcrLanguageBox, ocr_unavailable
from docdenoise.gui.settings import EXPORT_FORMATS, AppSettings
from docdenoise.gui.worker import DenoiseWorker, WorkerHost

COLOURS = {"done": "#2e7d32", "failed": "#c62828", "running": "#1565c0", "skipped": "#6d6d6d"}


class BatchDialog(QDialog):
    worker_created = Signal(object)  # a DenoiseWorker, before it starts

    def __init__(
        self,
        host: WorkerHost,
        settings: AppSettings,
        strength: float,
        threshold: int | None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("Batch Folder Cleanup"))
        self.setWindowModality(Qt.WindowModality.WindowModal)
        self._host, self._settings = host, settings
        self._strength, self._threshold = strength, threshold
        self.worker: DenoiseWorker | None = None
        self._close_when_done = False
        layout = QVBoxLayout(self)
        layout.addLayout(self._build_form())
        layout.addWidget(self._build_table(), 1)
        progress_row = QHBoxLayout()
        self.progress = QProgressBar()
        self.eta = QLabel()
        progress_row.addWidget(self.progress, 1)
        progress_row.addWidget(self.eta)
        layout.addLayout(progress_row)
        self.summary = QLabel()
        self.summary.setWordWrap(True)
        layout.addWidget(self.summary)
        layout.addWidget(self._build_buttons())
        self.resize(720, 520)

    def _build_form(self) -> QFormLayout:
        self.input_edit = self._folder_edit("batch_input")
        self.output_edit = self._folder_edit("batch_output")
        self.fmt = QComboBox()
        self.fmt.addItem(self.tr("Same as input"), None)
        for fmt in EXPORT_FORMATS:
            self.fmt.addItem(fmt.upper(), fmt)
        self._build_ocr_choice()
        self.skip_existing = QCheckBox(self.tr("Skip files that are already in the output folder"))
        self.skip_existing.setChecked(True)
        mode = self.tr("greyscale") if self._threshold is None else self.tr("black and white")
        output = self.tr("Strength {0} %, {1} (from the main window)")
        form = QFormLayout()
        for text, edit in (
            (self.tr("&Input folder:"), self.input_edit),
            (self.tr("O&utput folder:"), self.output_edit),
        ):
            label = QLabel(text)
            label.setBuddy(edit)  # a buddy makes the & a mnemonic, not a literal
            form.addRow(label, self._with_browse(edit))
        form.addRow(self.tr("&Format:"), self.fmt)
        language_label = QLabel(self.tr("Text &language:"))
        language_label.setBuddy(self.languages.combo)
        form.addRow(language_label, self.languages)
        form.addRow("", self.skip_existing)
        form.addRow(self.tr("Output:"), QLabel(output.format(round(self._strength * 100), mode)))
        return form

    def _build_ocr_choice(self) -> None:
        """Add Searchable PDF to the format list, and its language box; where OCR cannot run,
        the choice is disabled and the box says what to install."""
        self.fmt.addItem(self.tr("Searchable PDF"), SEARCHABLE)
        self.languages = OcrLanguageBox(self._settings)
        self.languages.setToolTip(self.tr("The language of the text, for searchable PDFs"))
        self.ocr_problem = ocr_unavailable(self.languages.installed)
        if self.ocr_problem is not None:
            model = self.fmt.model()
            assert isinstance(model, QStandardItemModel)  # a QComboBox's own model
            item = model.item(self.fmt.count() - 1)
            item.setEnabled(False)
            item.setToolTip(self.ocr_problem)
            self.languages.names_label.setText(self.ocr_problem)
        self.fmt.currentIndexChanged.connect(self._update_ocr_choice)
        self._update_ocr_choice()

    def _update_ocr_choice(self) -> None:
        """The language box is for searchable PDFs only."""
        chosen = self.fmt.currentData() == SEARCHABLE and self.ocr_problem is None
        self.languages.combo.setEnabled(chosen and self.fmt.isEnabled())

    def _build_table(self) -> QTableWidget:
        self.table = QTableWidget(0, 3)
        self.table.setHorizontalHeaderLabels(
            [self.tr("File"), self.tr("State"), self.tr("Details")]
        )
        self.table.verticalHeader().hide()
        self.table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Interactive)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        self.table.setColumnWidth(0, 220)
        return self.table

    def _build_buttons(self) -> QDialogButtonBox:
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        self.start_button = self.buttons.addButton(
            self.tr("&Start"), QDialogButtonBox.ButtonRole.ActionRole
        )
        self.cancel_button = self.buttons.addButton(
            self.tr("C&ancel"), QDialogButtonBox.ButtonRole.ActionRole
        )
        self.cancel_button.setEnabled(False)
        self.start_button.clicked.connect(self.start)
        self.cancel_button.clicked.connect(self.cancel)
        self.buttons.rejected.connect(self.reject)
        return self.buttons

    # -- form ----------------------------------------------------------------------------------
    def _folder_edit(self, role: str) -> QLineEdit:
        edit = QLineEdit(self._settings.folder(role))
        edit.setObjectName(role)
        return edit

    def _with_browse(self, edit: QLineEdit) -> QHBoxLayout:
        button = QPushButton(self.tr("Browse…"))
        button.clicked.connect(lambda: self._browse(edit))
        row = QHBoxLayout()
        row.addWidget(edit, 1)
        row.addWidget(button)
        return row

    def _browse(self, edit: QLineEdit) -> None:
        folder = QFileDialog.getExistingDirectory(self, self.tr("Choose a Folder"), edit.text())
        if folder:
            edit.setText(folder)

    def request(self) -> BatchRequest | None:
        source = Path(self.input_edit.text().strip())
        target = Path(self.output_edit.text().strip())
        if not self.input_edit.text().strip() or not source.is_dir():
            self.summary.setText(self.tr("Choose an input folder that exists."))
            return None
        if not self.output_edit.text().strip():
            self.summary.setText(self.tr("Choose an output folder."))
            return None
        skip = self.skip_existing.isChecked()
        replacing = not skip and target.is_dir() and any(target.iterdir())
        if replacing and not messages.confirm_overwrite(self, [str(target)]):
            return None
        self._settings.set_folder("batch_input", source)
        if target.is_dir():
            self._settings.set_folder("batch_output", target)
        fmt, language = self.fmt.currentData(), None
        if fmt == SEARCHABLE:
            fmt, language = "pdf", self.languages.language()
            problem = self.ocr_problem or self.languages.problem()
            if problem is not None:
                self.summary.setText(problem)
                return None
            self._settings.remember_ocr_language(language)
        return BatchRequest(source, target, fmt, skip, self._strength, self._threshold, language)

    # -- running -------------------------------------------------------------------------------
    def start(self) -> DenoiseWorker | None:
        request = self.request()
        if request is None or self.worker is not None:
            return None
        self.table.setRowCount(0)
        self.progress.setValue(0)
        self.eta.setText("")
        self.summary.setText(self.tr("Listing files…"))
        worker = self._host.create(batch_task(self._settings.model_spec(), request), "batch")
        worker.progress.connect(self._on_progress)
        worker.finished.connect(self._on_finished)
        worker.failed.connect(self._on_failed)
        worker.cancelled.connect(self._on_cancelled)
        self.worker = worker
        self._set_running(True)
        self.worker_created.emit(worker)
        self._host.start(worker)
        return worker

    def cancel(self) -> None:
        if self.worker is not None:
            self.worker.cancel()
            self.summary.setText(self.tr("Cancelling…"))

    def reject(self) -> None:
        if self.worker is not None:  # close after the worker has stopped
            self._close_when_done = True
            self.cancel()
            return
        super().reject()

    def _set_running(self, running: bool) -> None:
        self.start_button.setEnabled(not running)
        self.cancel_button.setEnabled(running)
        for widget in (self.input_edit, self.output_edit, self.fmt, self.skip_existing):
            widget.setEnabled(not running)
        self._update_ocr_choice()

    def state_of(self, row: int) -> str:
        item = self.table.item(row, 1)
        return "" if item is None else str(item.data(Qt.ItemDataRole.UserRole))

    def _set_row(self, row: int, state: str, details: str | None = None) -> None:
        names = {
            "queued": self.tr("queued"),
            "running": self.tr("running"),
            "done": self.tr("done"),
            "skipped": self.tr("skipped"),
            "failed": self.tr("failed"),
            "cancelled": self.tr("cancelled"),
        }
        item = QTableWidgetItem(names[state])
        item.setData(Qt.ItemDataRole.UserRole, state)
        if state in COLOURS:
            item.setForeground(QBrush(QColor(COLOURS[state])))
        self.table.setItem(row, 1, item)
        if details is not None:
            detail = QTableWidgetItem(details)
            detail.setToolTip(details)
            self.table.setItem(row, 2, detail)

    def _add_row(self, name: str, state: str, details: str = "") -> None:
        row = self.table.rowCount()
        self.table.insertRow(row)
        self.table.setItem(row, 0, QTableWidgetItem(name))
        self._set_row(row, state, details)

    def _on_progress(self, payload: object) -> None:
        if isinstance(payload, BatchPlanned):
            for name in payload.names:
                self._add_row(name, "queued")
            for name, error in payload.problems:
                self._add_row(name, "failed", error)
            self.summary.setText(self.tr("{0} file(s) to clean").format(len(payload.names)))
        elif isinstance(payload, BatchStep):
            self._on_step(payload)

    def _on_step(self, step: BatchStep) -> None:
        if step.kind == "started":
            self._set_row(step.index, "running", "")
            self.table.scrollTo(self.table.model().index(step.index, 0))
        elif step.kind == "page":
            text = self.tr("page {0}, tile {1} of {2}")
            self._set_row(step.index, "running", text.format(step.page + 1, step.tile, step.tiles))
        else:
            self._set_row(step.index, step.status, step.details)
        self.progress.setValue(round(step.fraction * 100))
        eta = step.eta
        self.eta.setText(self.tr("{0:.0f} s left").format(eta) if eta is not None else "")

    def _on_finished(self, report: Any) -> None:
        self._stop()
        self.progress.setValue(100)
        text = self.tr("{done} cleaned, {skipped} skipped, {failed} failed in {seconds:.1f} s")
        self.summary.setText(
            text.format(
                done=report.count("done"),
                skipped=report.count("skipped"),
                failed=report.count("failed"),
                seconds=report.seconds,
            )
        )

    def _on_failed(self, message: str) -> None:
        self._stop()
        self.summary.setText(message)
        if not self._close_when_done:
            messages.show_error(self, self.tr("Batch cleanup failed"), message)

    def _on_cancelled(self) -> None:
        self._stop()
        for row in range(self.table.rowCount()):
            if self.state_of(row) == "running":
                self._set_row(row, "cancelled")
        self.summary.setText(self.tr("Cancelled; finished files are complete."))

    def _stop(self) -> None:
        self.worker = None
        self.eta.setText("")
        self._set_running(False)
        if self._close_when_done:
            super().reject()
