"""The open pages: :class:`PageEntry` records and the thumbnail list in the left dock."""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from PySide6.QtCore import QPointF, QRectF, QSize, Qt, Signal
from PySide6.QtGui import QColor, QIcon, QImage, QPainter, QPixmap
from PySide6.QtWidgets import QAbstractItemView, QListWidget, QListWidgetItem, QWidget

THUMB_SIDE = 96  # logical pixels
_keys = itertools.count(1)


@dataclass
class PageEntry:
    """One page of an open file; ``cleaned`` is the model's output at strength 1 once cleaned."""

    key: int
    path: Path
    index: int  # 0-based page in the file
    count: int  # pages in the file
    pixels: np.ndarray  # (H, W) uint8
    dpi: tuple[float, float] | None
    thumbnail: QImage
    cleaned: np.ndarray | None = None
    version: int = 0  # bumped whenever ``cleaned`` changes

    @classmethod
    def create(
        cls,
        path: Path,
        index: int,
        count: int,
        pixels: np.ndarray,
        dpi: tuple[float, float] | None,
        thumbnail: QImage,
    ) -> PageEntry:
        return cls(next(_keys), path, index, count, pixels, dpi, thumbnail)

    def set_cleaned(self, cleaned: np.ndarray) -> None:
        self.cleaned = cleaned
        self.version += 1


def _badge(image: QImage, ratio: float) -> QPixmap:
    """The thumbnail with a small green tick in its corner (cleaned pages)."""
    pixmap = QPixmap.fromImage(image.convertToFormat(QImage.Format.Format_ARGB32_Premultiplied))
    pixmap.setDevicePixelRatio(ratio)
    painter = QPainter(pixmap)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing, True)
    size = 18.0
    corner = QPointF(pixmap.width() / ratio - size - 2, pixmap.height() / ratio - size - 2)
    painter.setPen(Qt.PenStyle.NoPen)
    painter.setBrush(QColor(46, 125, 50))
    painter.drawEllipse(QRectF(corner.x(), corner.y(), size, size))
    painter.setPen(QColor(255, 255, 255))
    pen = painter.pen()
    pen.setWidthF(2.2)
    painter.setPen(pen)
    tick = [QPointF(0.27, 0.52), QPointF(0.44, 0.69), QPointF(0.74, 0.36)]
    painter.drawPolyline([corner + QPointF(p.x() * size, p.y() * size) for p in tick])
    painter.end()
    return pixmap


class PageList(QListWidget):
    """Thumbnails of every open page, in the order they were opened."""

    current_page_changed = Signal(int)  # page key, or 0 when the list is empty

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.entries: dict[int, PageEntry] = {}
        self.setIconSize(QSize(THUMB_SIDE, THUMB_SIDE))
        self.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.setUniformItemSizes(True)
        self.setSpacing(2)
        self.setWordWrap(True)
        self.setTextElideMode(Qt.TextElideMode.ElideMiddle)
        self.setAcceptDrops(False)  # drops go to the main window
        self.currentItemChanged.connect(self._on_current)

    def thumb_side_px(self) -> int:
        """Thumbnail side in device pixels, so they are sharp on high-DPI screens."""
        return round(THUMB_SIDE * self.devicePixelRatioF())

    def label(self, entry: PageEntry) -> str:
        if entry.count > 1:
            text = self.tr("{name}\npage {page} of {count}")
            return text.format(name=entry.path.name, page=entry.index + 1, count=entry.count)
        return entry.path.name

    def _icon(self, entry: PageEntry) -> QIcon:
        ratio = self.devicePixelRatioF()
        if entry.cleaned is not None:
            return QIcon(_badge(entry.thumbnail, ratio))
        pixmap = QPixmap.fromImage(entry.thumbnail)
        pixmap.setDevicePixelRatio(ratio)
        return QIcon(pixmap)

    def add_entry(self, entry: PageEntry) -> QListWidgetItem:
        self.entries[entry.key] = entry
        item = QListWidgetItem(self._icon(entry), self.label(entry))
        item.setData(Qt.ItemDataRole.UserRole, entry.key)
        height, width = entry.pixels.shape
        dpi = self.tr("{0:g} dpi").format(entry.dpi[0]) if entry.dpi else self.tr("unknown dpi")
        size = self.tr("{0} × {1} pixels, {2}").format(width, height, dpi)
        item.setToolTip(f"{entry.path}\n{size}")
        self.addItem(item)
        if self.currentItem() is None:
            self.setCurrentItem(item)
        return item

    def refresh(self, key: int) -> None:
        """Redraw an entry's icon (after it was cleaned)."""
        for row in range(self.count()):
            item = self.item(row)
            if item.data(Qt.ItemDataRole.UserRole) == key:
                item.setIcon(self._icon(self.entries[key]))

    def has_path(self, path: Path) -> bool:
        return any(entry.path == path for entry in self.entries.values())

    def current_entry(self) -> PageEntry | None:
        item = self.currentItem()
        return None if item is None else self.entries[item.data(Qt.ItemDataRole.UserRole)]

    def selected_entries(self) -> list[PageEntry]:
        keys = {item.data(Qt.ItemDataRole.UserRole) for item in self.selectedItems()}
        current = self.current_entry()
        if not keys and current is not None:
            keys = {current.key}
        return [self.entries[key] for key in self.ordered_keys() if key in keys]

    def ordered_keys(self) -> list[int]:
        return [self.item(row).data(Qt.ItemDataRole.UserRole) for row in range(self.count())]

    def all_entries(self) -> list[PageEntry]:
        return [self.entries[key] for key in self.ordered_keys()]

    def document_of(self, entry: PageEntry) -> list[PageEntry]:
        """Every open page of ``entry``'s file, in page order."""
        pages = [e for e in self.entries.values() if e.path == entry.path]
        return sorted(pages, key=lambda e: e.index)

    def documents(self) -> list[list[PageEntry]]:
        """Open files in list order, each as its pages."""
        seen: dict[Path, list[PageEntry]] = {}
        for entry in self.all_entries():
            seen.setdefault(entry.path, []).append(entry)
        return [sorted(pages, key=lambda e: e.index) for pages in seen.values()]

    def _on_current(self, current: QListWidgetItem | None, _previous: object) -> None:
        self.current_page_changed.emit(
            0 if current is None else current.data(Qt.ItemDataRole.UserRole)
        )
