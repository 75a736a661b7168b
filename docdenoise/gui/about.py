"""Help: the keyboard shortcuts list and the About box with the model card's facts."""

from __future__ import annotations

import html
import re
from collections.abc import Sequence
from typing import Any

from PySide6.QtCore import QCoreApplication, Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QHeaderView,
    QMessageBox,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from docdenoise import __version__
from docdenoise.gui.tasks import ModelInfo


def _plain(text: str) -> str:
    """A menu text without its mnemonic: "&Open…" and Korean-style "열기(&O)…" -> "Open"/"열기"."""
    text = re.sub(r"\s*\(&[^)&]\)", "", text)
    return text.replace("&&", "\0").replace("&", "").replace("\0", "&").rstrip("…").strip()


_NAMED_KEYS = {"Esc", "Return", "Enter", "Space", "Del", "Tab", "Backspace", "Home", "End"}


def _on_keyboard(text: str) -> bool:
    """Leave out media-key bindings ("Open", "Zoom In") that platforms add to standard keys."""
    key = text.rsplit("+", 1)[-1]
    return len(key) <= 1 or key in _NAMED_KEYS or bool(re.fullmatch(r"F\d+", key))


def show_shortcuts(parent: QWidget, actions: Sequence[QAction]) -> QDialog:
    dialog = QDialog(parent)
    dialog.setWindowTitle(QCoreApplication.translate("About", "Keyboard Shortcuts"))
    table = QTableWidget(len(actions), 2, dialog)
    table.setHorizontalHeaderLabels(
        [
            QCoreApplication.translate("About", "Command"),
            QCoreApplication.translate("About", "Shortcut"),
        ]
    )
    table.verticalHeader().hide()
    table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
    table.setSelectionMode(QTableWidget.SelectionMode.NoSelection)
    fmt = QKeySequence.SequenceFormat.NativeText
    for row, action in enumerate(actions):
        keys = ", ".join(t for s in action.shortcuts() if _on_keyboard(t := s.toString(fmt)))
        table.setItem(row, 0, QTableWidgetItem(action.icon(), _plain(action.text())))
        table.setItem(row, 1, QTableWidgetItem(keys))
    extra = [
        (
            QCoreApplication.translate("About", "Zoom about the cursor"),
            QCoreApplication.translate("About", "Mouse wheel"),
        ),
        (QCoreApplication.translate("About", "Pan"), QCoreApplication.translate("About", "Drag")),
        (
            QCoreApplication.translate("About", "Move the split divider"),
            QCoreApplication.translate("About", "Drag the blue line"),
        ),
    ]
    for command, keys in extra:
        row = table.rowCount()
        table.insertRow(row)
        table.setItem(row, 0, QTableWidgetItem(command))
        table.setItem(row, 1, QTableWidgetItem(keys))
    table.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
    table.horizontalHeader().setSectionResizeMode(1, QHeaderView.ResizeMode.ResizeToContents)
    buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, dialog)
    buttons.rejected.connect(dialog.reject)
    layout = QVBoxLayout(dialog)
    layout.addWidget(table)
    layout.addWidget(buttons)
    dialog.resize(460, 560)
    dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    dialog.open()
    return dialog


def _metric_rows(metrics: Any) -> list[tuple[str, str]]:
    if not isinstance(metrics, dict):
        return []
    names = {
        "val_rmse": QCoreApplication.translate("About", "Validation RMSE"),
        "val_psnr_db": QCoreApplication.translate("About", "Validation PSNR (dB)"),
        "val_input_rmse": QCoreApplication.translate("About", "RMSE before cleaning"),
    }
    rows = []
    for key, value in metrics.items():
        if isinstance(value, int | float):
            rows.append((names.get(key, str(key)), f"{value:.4g}"))
    return rows


def model_facts(info: ModelInfo) -> list[tuple[str, str]]:
    """(label, value) rows from the model card; keys the card lacks are left out."""
    card = info.card
    rows = [
        (QCoreApplication.translate("About", "Model"), info.model),
        (
            QCoreApplication.translate("About", "Parameters"),
            f"{int(card.get('parameters', info.parameters)):,}",
        ),
    ]
    if info.passes > 1:  # the card's figures below are of one pass
        label = QCoreApplication.translate("About", "Passes per tile, averaged")
        rows.insert(1, (label, str(info.passes)))
    if "data_seed" in card:
        rows.append(
            (QCoreApplication.translate("About", "Training data seed"), str(card["data_seed"]))
        )
    if "steps" in card:
        rows.append((QCoreApplication.translate("About", "Training steps"), str(card["steps"])))
    rows.extend(_metric_rows(card.get("metrics")))
    for key, label in (
        ("trained_at", QCoreApplication.translate("About", "Trained")),
        ("exported_at", QCoreApplication.translate("About", "Exported")),
    ):
        if key in card:
            rows.append((label, str(card[key])))
    rows.append((QCoreApplication.translate("About", "Device"), info.detail))
    return rows


def about_html(info: ModelInfo | None, error: str | None) -> str:
    intro = QCoreApplication.translate(
        "About",
        "Cleans scanned documents (stains, creases, yellowed paper, speckle) with a small "
        "convolutional denoising autoencoder.",
    )
    parts = [f"<h3>docdenoise {html.escape(__version__)}</h3><p>{html.escape(intro)}</p>"]
    if info is not None:
        cells = "".join(
            f"<tr><td><b>{html.escape(k)}</b>&nbsp;&nbsp;</td><td>{html.escape(v)}</td></tr>"
            for k, v in model_facts(info)
        )
        parts.append(f"<table>{cells}</table>")
    elif error:
        lead = QCoreApplication.translate("About", "The model could not be loaded:")
        parts.append(f"<p>{html.escape(lead)}<br>{html.escape(error)}</p>")
    else:
        waiting = QCoreApplication.translate("About", "The model is still loading.")
        parts.append(f"<p>{html.escape(waiting)}</p>")
    return "".join(parts)


def show_about(parent: QWidget, info: ModelInfo | None, error: str | None) -> None:
    QMessageBox.about(
        parent, QCoreApplication.translate("About", "About docdenoise"), about_html(info, error)
    )
