"""The main window's menus and toolbars, built from its :class:`~docdenoise.gui.actions.Actions`."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QCoreApplication, QSize, Qt
from PySide6.QtWidgets import QApplication, QMenu, QToolBar, QToolButton

if TYPE_CHECKING:
    from docdenoise.gui.mainwindow import MainWindow


def build_toolbars(window: MainWindow) -> None:
    c = window.commands
    main = QToolBar(QCoreApplication.translate("MainWindow", "Main"), window)
    main.setObjectName("main-toolbar")
    main.setIconSize(QSize(24, 24))
    main.setMovable(False)
    groups = [
        [c.open, c.open_folder],
        [c.clean, c.cancel, c.export_page],
        [c.zoom_in, c.zoom_out, c.fit, c.actual_size],
        [c.side_by_side, c.split, c.removed],
        [c.batch, c.settings],
    ]
    for number, group in enumerate(groups):
        if number:
            main.addSeparator()
        main.addActions(group)
    for action in (c.clean, c.cancel, c.export_page):
        button = main.widgetForAction(action)
        if isinstance(button, QToolButton):
            button.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
    window.addToolBar(Qt.ToolBarArea.TopToolBarArea, main)
    output = QToolBar(QCoreApplication.translate("MainWindow", "Output"), window)
    output.setObjectName("output-toolbar")
    output.setMovable(False)
    output.addWidget(window.controls)
    window.addToolBar(Qt.ToolBarArea.BottomToolBarArea, output)  # under the pages it changes


def build_menus(window: MainWindow) -> None:
    c = window.commands
    bar = window.menuBar()
    file_menu = bar.addMenu(QCoreApplication.translate("MainWindow", "&File"))
    file_menu.addActions([c.open, c.open_folder])
    recent = file_menu.addMenu(QCoreApplication.translate("MainWindow", "Open &Recent"))
    recent.aboutToShow.connect(lambda: _fill_recent(window, recent))
    _fill_recent(window, recent)
    file_menu.addSeparator()
    file_menu.addActions([c.export_page, c.export_document, c.export_all])
    file_menu.addSeparator()
    file_menu.addAction(c.batch)
    file_menu.addSeparator()
    file_menu.addAction(c.settings)
    file_menu.addSeparator()
    file_menu.addAction(c.quit)

    view_menu = bar.addMenu(QCoreApplication.translate("MainWindow", "&View"))
    view_menu.addActions([c.side_by_side, c.split, c.removed, c.next_view])
    view_menu.addSeparator()
    view_menu.addActions([c.zoom_in, c.zoom_out, c.fit, c.actual_size])
    view_menu.addSeparator()
    view_menu.addAction(window.pages_dock.toggleViewAction())

    clean_menu = bar.addMenu(QCoreApplication.translate("MainWindow", "&Clean"))
    clean_menu.addActions([c.clean, c.clean_all, c.cancel])

    help_menu = bar.addMenu(QCoreApplication.translate("MainWindow", "&Help"))
    help_menu.addAction(c.shortcuts)
    help_menu.addSeparator()
    help_menu.addActions([c.about, c.about_qt])
    c.about_qt.triggered.connect(QApplication.aboutQt)


def _fill_recent(window: MainWindow, menu: QMenu) -> None:
    menu.clear()
    paths = window.settings.recent_files()
    for number, path in enumerate(paths, start=1):
        action = menu.addAction(f"&{number % 10} {Path(path).name}")
        action.setToolTip(path)
        action.setStatusTip(path)
        action.triggered.connect(lambda _checked=False, p=path: window.open_paths([p]))
    if paths:
        menu.addSeparator()
    menu.addAction(window.commands.clear_recent)
    window.commands.clear_recent.setEnabled(bool(paths))
