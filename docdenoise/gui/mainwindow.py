"""The main window: open and drop pages, compare before and after, clean, export.

Layout: toolbar on top (with the strength/output controls), page thumbnails docked on the left,
the compare view in the centre, progress, device and model in the status bar. Work runs in
workers (:mod:`docdenoise.gui.worker`); this class only reacts to their signals.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path

from PySide6.QtCore import QCoreApplication, Qt, Signal
from PySide6.QtGui import QCloseEvent, QDragEnterEvent, QDropEvent
from PySide6.QtWidgets import QDialog, QDockWidget, QFileDialog, QMainWindow, QWidget

from docdenoise.gui.about import show_about, show_shortcuts
from docdenoise.gui.actions import Actions
from docdenoise.gui.batch_dialog import BatchDialog
from docdenoise.gui.compare import CompareMode, CompareView
from docdenoise.gui.controls import OutputControls
from docdenoise.gui.export import ExportPlanner
from docdenoise.gui.icons import icon
from docdenoise.gui.jobs import JobController
from docdenoise.gui.menus import build_menus, build_toolbars
from docdenoise.gui.opener import PageOpener
from docdenoise.gui.pages import PageList
from docdenoise.gui.preview import Pictures, PreviewRenderer
from docdenoise.gui.settings import AppSettings
from docdenoise.gui.settings_dialog import SettingsDialog
from docdenoise.gui.statusbar import StatusPanel
from docdenoise.gui.worker import DenoiseWorker, WorkerHost


def input_filter() -> str:
    from docdenoise.formats import INPUT_SUFFIXES

    patterns = " ".join(sorted(f"*{suffix}" for suffix in INPUT_SUFFIXES))
    return QCoreApplication.translate("MainWindow", "Scanned pages ({0})").format(patterns)


class MainWindow(QMainWindow):
    load_finished = Signal(int)  # pages added by one open or drop

    def __init__(self, settings: AppSettings | None = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.settings = settings if settings is not None else AppSettings()
        self.setWindowTitle(self.tr("docdenoise"))
        self.setWindowIcon(icon("docdenoise"))
        self.setAcceptDrops(True)
        self.host = WorkerHost(self)
        self.commands = Actions(self)
        self.compare = CompareView()
        self.setCentralWidget(self.compare)
        self.pages = PageList()
        self.pages_dock = QDockWidget(self.tr("Pages"), self)
        self.pages_dock.setObjectName("pages-dock")
        self.pages_dock.setWidget(self.pages)
        self.addDockWidget(Qt.DockWidgetArea.LeftDockWidgetArea, self.pages_dock)
        self.controls = OutputControls()
        self.status = StatusPanel()
        self.setStatusBar(self.status)
        self.jobs = JobController(
            self.host, self.status, self.pages.entries.get, self.settings.model_spec, self
        )
        self.preview = PreviewRenderer(self.host, self)
        self.exporter = ExportPlanner(self, self.settings)
        self.opener = PageOpener(self.host, self.pages, self.settings, self.status, self)
        self._shown: tuple[int, Pictures] = (0, (None, None, None))
        build_toolbars(self)
        build_menus(self)
        self._connect()
        self._restore()

    # -- set-up --------------------------------------------------------------------------------
    def _connect(self) -> None:
        c = self.commands
        c.open.triggered.connect(self.open_dialog)
        c.open_folder.triggered.connect(self.open_folder_dialog)
        c.clear_recent.triggered.connect(lambda: self.settings.clear_recent())
        c.export_page.triggered.connect(self.export_current_page)
        c.export_document.triggered.connect(self.export_current_document)
        c.export_all.triggered.connect(self.export_all)
        c.batch.triggered.connect(self.open_batch)
        c.settings.triggered.connect(self.open_settings)
        c.quit.triggered.connect(self.close)
        c.clean.triggered.connect(self.clean_selected)
        c.clean_all.triggered.connect(self.clean_all)
        c.cancel.triggered.connect(self.jobs.cancel)
        c.zoom_in.triggered.connect(self.compare.zoom_in)
        c.zoom_out.triggered.connect(self.compare.zoom_out)
        c.fit.triggered.connect(self.compare.fit)
        c.actual_size.triggered.connect(self.compare.actual_size)
        c.side_by_side.triggered.connect(self._show_side_by_side)
        c.split.triggered.connect(self._show_split)
        c.removed.triggered.connect(self._show_removed)
        c.next_view.triggered.connect(self.compare.cycle_mode)
        c.shortcuts.triggered.connect(self.show_shortcuts)
        c.about.triggered.connect(self.show_about)
        self.compare.mode_changed.connect(self._on_mode_changed)
        self.compare.zoom_changed.connect(self.status.set_zoom)
        self.pages.current_page_changed.connect(self.show_current)
        self.pages.itemSelectionChanged.connect(self._update_actions)
        self.controls.changed.connect(self._on_controls_changed)
        self.preview.ready.connect(self._on_preview_ready)
        self.preview.failed.connect(self.status.showMessage)
        self.jobs.busy_changed.connect(self._on_busy_changed)
        self.jobs.page_cleaned.connect(self._on_page_cleaned)
        self.opener.finished.connect(self.load_finished)
        self.pages.model().rowsInserted.connect(self._update_actions)

    def _restore(self) -> None:
        s = self.settings
        self.controls.set_values(s.strength, s.bilevel, s.threshold)
        geometry, state = s.window_state()
        if geometry is None or not self.restoreGeometry(geometry):
            self.resize(1280, 820)
            self.resizeDocks([self.pages_dock], [210], Qt.Orientation.Horizontal)
        if state is not None:
            self.restoreState(state)
        spec = s.model_spec()
        self.status.show_pending(spec.device, Path(spec.model).stem)
        self._update_actions()

    # -- opening -------------------------------------------------------------------------------
    def open_dialog(self) -> None:
        files, _ = QFileDialog.getOpenFileNames(
            self, self.tr("Open Scanned Pages"), self.settings.folder("open"), input_filter()
        )
        if files:
            self.open_paths(files)

    def open_folder_dialog(self) -> None:
        folder = QFileDialog.getExistingDirectory(
            self, self.tr("Open Folder"), self.settings.folder("open")
        )
        if folder:
            self.open_paths([folder])

    def open_paths(self, paths: Sequence[str | os.PathLike[str]]) -> DenoiseWorker | None:
        """Open files and folders in the background; ``load_finished`` tells when done."""
        return self.opener.open_paths(paths)

    # -- drag and drop -------------------------------------------------------------------------
    @staticmethod
    def _dropped_paths(event: QDragEnterEvent | QDropEvent) -> list[str]:
        mime = event.mimeData()
        if not mime.hasUrls():
            return []
        return [url.toLocalFile() for url in mime.urls() if url.isLocalFile()]

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:
        if self._dropped_paths(event):
            event.acceptProposedAction()
        else:
            event.ignore()

    def dropEvent(self, event: QDropEvent) -> None:
        paths = self._dropped_paths(event)
        if paths:
            event.acceptProposedAction()
            self.open_paths(paths)
        else:
            event.ignore()

    # -- showing ---------------------------------------------------------------------------------
    def show_current(self) -> None:
        entry = self.pages.current_entry()
        if entry is None:
            self.setWindowTitle(self.tr("docdenoise"))
            self._show(0, (None, None, None))
            return
        title = self.pages.label(entry).replace("\n", ", ")
        self.setWindowTitle(self.tr("{0} – docdenoise").format(title))
        strength, threshold = self.controls.strength, self.controls.bilevel_threshold
        before, after, removed = self.preview.lookup(entry, strength, threshold)
        shown_key, (_b, shown_after, shown_removed) = self._shown
        if entry.cleaned is not None and after is None and shown_key == entry.key:
            after, removed = shown_after, shown_removed  # keep the last until the new one is in
        if before is not None:
            self._show(entry.key, (before, after, removed))
        self.preview.request(entry, strength, threshold)

    def displayed(self) -> tuple[int, Pictures]:
        """The key of the page on screen (0: none) and its before/after/removed pictures."""
        return self._shown

    def _show(self, key: int, pictures: Pictures) -> None:
        if (key, pictures) != self._shown:
            self._shown = (key, pictures)
            self.compare.set_pictures(*pictures)

    def _on_preview_ready(self, key: int) -> None:
        entry = self.pages.current_entry()
        if entry is not None and entry.key == key:
            self.show_current()

    def _on_controls_changed(self) -> None:
        self.settings.strength = self.controls.strength_slider.value()
        self.settings.bilevel = self.controls.bilevel
        self.settings.threshold = self.controls.threshold.value()
        self.show_current()

    def _on_page_cleaned(self, key: int) -> None:
        self.pages.refresh(key)
        self._on_preview_ready(key)

    def _on_mode_changed(self, mode: int) -> None:
        actions = [self.commands.side_by_side, self.commands.split, self.commands.removed]
        actions[mode].setChecked(True)

    def _show_side_by_side(self) -> None:
        self.compare.set_mode(CompareMode.SIDE_BY_SIDE)

    def _show_split(self) -> None:
        self.compare.set_mode(CompareMode.SPLIT)

    def _show_removed(self) -> None:
        self.compare.set_mode(CompareMode.REMOVED)

    # -- cleaning and export ---------------------------------------------------------------------
    def clean_selected(self) -> DenoiseWorker | None:
        return self.jobs.clean(self.pages.selected_entries())

    def clean_all(self) -> DenoiseWorker | None:
        return self.jobs.clean(self.pages.all_entries())

    def _export(self, items: list) -> DenoiseWorker | None:
        c = self.controls
        return self.jobs.export(items, c.strength, c.bilevel_threshold) if items else None

    def export_current_page(self) -> DenoiseWorker | None:
        entry = self.pages.current_entry()
        return self._export(self.exporter.page(entry)) if entry else None

    def export_current_document(self) -> DenoiseWorker | None:
        entry = self.pages.current_entry()
        return (
            self._export(self.exporter.document(self.pages.document_of(entry))) if entry else None
        )

    def export_all(self) -> DenoiseWorker | None:
        documents = self.pages.documents()
        return self._export(self.exporter.all(documents)) if documents else None

    def _on_busy_changed(self, busy: bool) -> None:
        self.compare.set_cleaned_hint(busy)
        self._update_actions()

    def _update_actions(self) -> None:
        busy, has_pages = self.jobs.busy, self.pages.count() > 0
        c = self.commands
        for action in (c.clean, c.clean_all, c.export_page, c.export_document, c.export_all):
            action.setEnabled(has_pages and not busy)
        c.batch.setEnabled(not busy)
        c.settings.setEnabled(not busy)
        c.cancel.setEnabled(busy)

    # -- dialogs ---------------------------------------------------------------------------------
    def open_batch(self) -> BatchDialog:
        c = self.controls
        dialog = BatchDialog(self.host, self.settings, c.strength, c.bilevel_threshold, self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.open()
        return dialog

    def open_settings(self) -> None:
        dialog = SettingsDialog(self.settings, self)
        if dialog.exec():
            self.jobs.model_info = None
            spec = self.settings.model_spec()
            self.status.show_pending(spec.device, Path(spec.model).stem)
            self.jobs.prepare()

    def show_shortcuts(self) -> QDialog:
        return show_shortcuts(self, self.commands.with_shortcuts())

    def show_about(self) -> None:
        show_about(self, self.jobs.model_info, self.jobs.model_error)

    def closeEvent(self, event: QCloseEvent) -> None:
        """Cancel any work and wait for it (at most one tile), then remember the layout."""
        if self.jobs.busy:
            self.status.showMessage(self.tr("Cancelling…"))
        self.host.shutdown()
        self.settings.set_window_state(self.saveGeometry(), self.saveState())
        self.settings.sync()
        event.accept()
