"""The few message boxes the app shows, in one place (tests replace these functions).

Callers use ``messages.show_error(...)`` (module attribute), never ``from ... import``.
"""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import QCoreApplication
from PySide6.QtWidgets import QMessageBox, QWidget


def show_error(parent: QWidget | None, title: str, message: str, details: str = "") -> None:
    """An error dialog; ``message`` is the core's one-line message, shown as it is."""
    box = QMessageBox(QMessageBox.Icon.Critical, title, message, QMessageBox.StandardButton.Ok)
    box.setParent(parent, box.windowFlags())
    if details:
        box.setDetailedText(details)
    box.exec()


def show_failures(parent: QWidget | None, title: str, failures: Sequence[str]) -> None:
    """One dialog for several failed files: the first few in the text, all in the details."""
    shown = "\n\n".join(failures[:3])
    if len(failures) > 3:
        more = QCoreApplication.translate("messages", "…and {0} more (see details)").format(
            len(failures) - 3
        )
        shown = f"{shown}\n\n{more}"
    show_error(parent, title, shown, "\n".join(failures) if len(failures) > 3 else "")


def confirm_overwrite(parent: QWidget | None, paths: Sequence[str]) -> bool:
    """Ask before replacing existing files; True means go ahead."""
    if len(paths) == 1:
        text = QCoreApplication.translate(
            "messages", "{0} already exists.\nDo you want to replace it?"
        ).format(paths[0])
    else:
        listed = "\n".join(paths[:5]) + ("\n…" if len(paths) > 5 else "")
        text = QCoreApplication.translate(
            "messages", "{0} files already exist:\n{1}\nDo you want to replace them?"
        ).format(len(paths), listed)
    answer = QMessageBox.question(
        parent,
        QCoreApplication.translate("messages", "Replace existing files?"),
        text,
        QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
        QMessageBox.StandardButton.No,
    )
    return answer == QMessageBox.StandardButton.Yes
