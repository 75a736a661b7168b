"""Every command of the main window as a QAction: text, icon, shortcut and tip, in one place."""

from __future__ import annotations

from PySide6.QtCore import QObject
from PySide6.QtGui import QAction, QActionGroup, QKeySequence

from docdenoise.gui.icons import icon

Key = QKeySequence.StandardKey


class Actions(QObject):
    """The window's actions; the window connects them and puts them in menus and toolbars."""

    def __init__(self, parent: QObject) -> None:
        super().__init__(parent)
        self._file_actions()
        self._clean_actions()
        self._view_actions()
        self._help_actions()

    def _file_actions(self) -> None:
        self.open = self._make(self.tr("&Open…"), "open", [Key.Open], self.tr("Open scanned pages"))
        self.open_folder = self._make(
            self.tr("Open &Folder…"),
            "open-folder",
            ["Ctrl+Shift+O"],
            self.tr("Open every scan in a folder"),
        )
        self.clear_recent = self._make(self.tr("&Clear Recent Files"))
        self.export_page = self._make(
            self.tr("&Export Page…"), "export", [Key.Save], self.tr("Save the cleaned page")
        )
        self.export_document = self._make(
            self.tr("Export &Document…"),
            None,
            [Key.SaveAs],
            self.tr("Save every page of this file, as one PDF or TIFF"),
        )
        self.export_all = self._make(
            self.tr("Export &All…"),
            None,
            ["Ctrl+Shift+E"],
            self.tr("Save every open file to a folder"),
        )
        self.batch = self._make(
            self.tr("&Batch Folder Cleanup…"),
            "batch",
            ["Ctrl+B"],
            self.tr("Clean a folder into another"),
        )
        self.settings = self._make(
            self.tr("&Settings…"),
            "settings",
            [Key.Preferences, "Ctrl+,"],
            self.tr("Device, tile size…"),
        )
        self.quit = self._make(self.tr("&Quit"), None, [Key.Quit, "Ctrl+Q"])

    def _clean_actions(self) -> None:
        self.clean = self._make(
            self.tr("&Clean"), "clean", ["Ctrl+Return"], self.tr("Clean the selected pages")
        )
        self.clean_all = self._make(
            self.tr("Clean &All Pages"),
            None,
            ["Ctrl+Shift+Return"],
            self.tr("Clean every open page"),
        )
        self.cancel = self._make(
            self.tr("C&ancel"), "cancel", ["Esc"], self.tr("Stop the current work")
        )

    def _view_actions(self) -> None:
        self.zoom_in = self._make(self.tr("Zoom &In"), "zoom-in", [Key.ZoomIn, "Ctrl+="])
        self.zoom_out = self._make(self.tr("Zoom &Out"), "zoom-out", [Key.ZoomOut])
        self.fit = self._make(self.tr("&Fit Page"), "zoom-fit", ["Ctrl+0", "F"])
        self.actual_size = self._make(
            self.tr("&100 %"), "zoom-100", ["Ctrl+1"], self.tr("True size")
        )
        self.side_by_side = self._make(
            self.tr("&Side by Side"),
            "view-side-by-side",
            ["1"],
            self.tr("Before and after side by side"),
        )
        self.split = self._make(
            self.tr("S&plit"),
            "view-split",
            ["2"],
            self.tr("One page, a divider between before and after"),
        )
        self.removed = self._make(
            self.tr("&Removed"), "view-removed", ["3"], self.tr("What the model took away (red)")
        )
        self.next_view = self._make(self.tr("&Next View"), None, ["V"], self.tr("Switch views"))
        self.view_group = QActionGroup(self)
        for action in (self.side_by_side, self.split, self.removed):
            action.setCheckable(True)
            self.view_group.addAction(action)
        self.side_by_side.setChecked(True)

    def _help_actions(self) -> None:
        self.shortcuts = self._make(self.tr("&Keyboard Shortcuts"), None, [Key.HelpContents, "F1"])
        self.about = self._make(self.tr("&About docdenoise"), "docdenoise")
        self.about_qt = self._make(self.tr("About &Qt"))

    def _make(
        self,
        text: str,
        icon_name: str | None = None,
        keys: list[QKeySequence.StandardKey | str] | None = None,
        tip: str | None = None,
    ) -> QAction:
        action = QAction(text, self)
        if icon_name:
            action.setIcon(icon(icon_name))
        sequences: list[QKeySequence] = []
        for key in keys or []:
            if isinstance(key, str):
                sequences.append(QKeySequence(key))
            else:
                sequences.extend(QKeySequence.keyBindings(key))
        unique = [s for i, s in enumerate(sequences) if not s.isEmpty() and s not in sequences[:i]]
        if unique:
            action.setShortcuts(unique)
        if tip:
            shortcut = unique[0].toString(QKeySequence.SequenceFormat.NativeText) if unique else ""
            action.setToolTip(f"{tip} ({shortcut})" if shortcut else tip)
            action.setStatusTip(tip)
        return action

    def with_shortcuts(self) -> list[QAction]:
        """Actions that have a shortcut, in menu order (for the Keyboard Shortcuts list)."""
        return [a for a in self.findChildren(QAction) if a.shortcuts()]
