"""Before and after: side by side, a split view with a draggable divider, and the removed view.

All four page views share one zoom and centre through a :class:`ViewSync`, so switching views
(one key: V) keeps the spot the user is looking at.
"""

from __future__ import annotations

import enum

from PySide6.QtCore import QPointF, QRect, QRectF, Qt, Signal
from PySide6.QtGui import QColor, QMouseEvent, QPainter, QPainterPath, QPen
from PySide6.QtWidgets import (
    QGraphicsView,
    QSplitter,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from docdenoise.gui.imageview import ImageView, PictureItem, ViewSync, draw_caption
from docdenoise.gui.imaging import Picture

GRAB_PX = 8  # how close to the divider a press grabs it


class CompareMode(enum.IntEnum):
    SIDE_BY_SIDE = 0
    SPLIT = 1
    REMOVED = 2


class SplitView(ImageView):
    """The page once: the original left of the divider, the result right of it."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__("", parent)
        self.before_item = PictureItem()
        self.before_item.setZValue(1)
        self.scene().addItem(self.before_item)
        self.split = 0.5  # divider position, a fraction of the viewport width
        self.before_caption = ""
        self.after_caption = ""
        self._dragging = False
        self.setViewportUpdateMode(QGraphicsView.ViewportUpdateMode.FullViewportUpdate)
        self.setMouseTracking(True)

    def set_pictures(self, before: Picture | None, after: Picture | None) -> None:
        self.before_item.set_picture(before)
        page = self.before_item.boundingRect() if before is not None else None
        self.set_picture(after, page)
        self.state_applied()

    def has_picture(self) -> bool:
        return self.before_item.picture is not None or self.item.picture is not None

    def divider_x(self) -> float:
        return self.viewport().width() * self.split

    def set_split(self, fraction: float) -> None:
        self.split = min(1.0, max(0.0, fraction))
        self.state_applied()

    def state_applied(self) -> None:
        """Re-clip the original at the divider (it stays put on screen while the page moves)."""
        scene_x = self.mapToScene(round(self.divider_x()), 0).x()
        self.before_item.clip_right = scene_x
        self.before_item.update()
        self.viewport().update()

    def scrollContentsBy(self, dx: int, dy: int) -> None:
        super().scrollContentsBy(dx, dy)
        self.state_applied()

    def _near_divider(self, x: float) -> bool:
        return abs(x - self.divider_x()) <= GRAB_PX

    def mousePressEvent(self, event: QMouseEvent) -> None:
        if event.button() == Qt.MouseButton.LeftButton and self._near_divider(event.position().x()):
            self._dragging = True
            event.accept()
            return
        super().mousePressEvent(event)

    def mouseMoveEvent(self, event: QMouseEvent) -> None:
        x = event.position().x()
        if self._dragging:
            self.set_split(x / max(1, self.viewport().width()))
            event.accept()
            return
        if not event.buttons():
            shape = Qt.CursorShape.SplitHCursor if self._near_divider(x) else None
            if shape is not None:
                self.viewport().setCursor(shape)
            else:
                self.viewport().setCursor(Qt.CursorShape.OpenHandCursor)
        super().mouseMoveEvent(event)

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:
        if self._dragging and event.button() == Qt.MouseButton.LeftButton:
            self._dragging = False
            event.accept()
            return
        super().mouseReleaseEvent(event)

    def drawForeground(self, painter: QPainter, rect: QRectF | QRect) -> None:
        super().drawForeground(painter, rect)
        if not self.has_picture():
            return
        painter.save()
        painter.resetTransform()
        painter.setRenderHint(QPainter.RenderHint.Antialiasing, True)
        x = self.divider_x()
        height = self.viewport().height()
        painter.setPen(QPen(QColor(25, 118, 210), 2))
        painter.drawLine(QPointF(x, 0), QPointF(x, height))
        knob = QRectF(x - 12, height / 2 - 12, 24, 24)
        painter.setBrush(QColor(25, 118, 210))
        painter.drawEllipse(knob)
        arrows = QPainterPath()
        for sign in (-1, 1):
            tip = QPointF(x + sign * 8, height / 2)
            arrows.moveTo(tip + QPointF(-sign * 4, -4))
            arrows.lineTo(tip)
            arrows.lineTo(tip + QPointF(-sign * 4, 4))
        painter.setPen(QPen(QColor(255, 255, 255), 1.8))
        painter.setBrush(Qt.BrushStyle.NoBrush)
        painter.drawPath(arrows)
        if self.before_caption:
            draw_caption(painter, self.before_caption, QPointF(8, 8), Qt.AlignmentFlag.AlignLeft)
        if self.after_caption:
            right = QPointF(self.viewport().width() - 8, 8)
            draw_caption(painter, self.after_caption, right, Qt.AlignmentFlag.AlignRight)
        painter.restore()


class CompareView(QWidget):
    """The centre of the window: a stack of the three compare modes, zoom kept in step."""

    mode_changed = Signal(int)
    zoom_changed = Signal(float)  # percent of true size

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.before_view = ImageView(self.tr("Before"))
        self.after_view = ImageView(self.tr("After"))
        self.split_view = SplitView()
        self.split_view.before_caption = self.tr("Before")
        self.split_view.after_caption = self.tr("After")
        self.removed_view = ImageView(self.tr("Removed"))
        self.before_view.placeholder = self.tr("Open or drop scanned pages here")
        self.split_view.placeholder = self.before_view.placeholder
        self.side = QSplitter(Qt.Orientation.Horizontal)
        self.side.addWidget(self.before_view)
        self.side.addWidget(self.after_view)
        self.side.setChildrenCollapsible(False)
        self.stack = QStackedWidget()
        self.stack.addWidget(self.side)
        self.stack.addWidget(self.split_view)
        self.stack.addWidget(self.removed_view)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.stack)
        views = [self.before_view, self.after_view, self.split_view, self.removed_view]
        self.sync = ViewSync(views, self)
        self.sync.changed.connect(self._on_sync)
        self.set_cleaned_hint(False)

    @property
    def mode(self) -> CompareMode:
        return CompareMode(self.stack.currentIndex())

    def visible_views(self) -> list[ImageView]:
        views: dict[CompareMode, list[ImageView]] = {
            CompareMode.SIDE_BY_SIDE: [self.before_view, self.after_view],
            CompareMode.SPLIT: [self.split_view],
            CompareMode.REMOVED: [self.removed_view],
        }
        return views[self.mode]

    def lead_view(self) -> ImageView:
        return self.visible_views()[0]

    def set_mode(self, mode: CompareMode) -> None:
        if mode == self.mode:
            return
        self.stack.setCurrentIndex(int(mode))
        for view in self.visible_views():
            self.sync.refresh(view)
        self.mode_changed.emit(int(mode))

    def cycle_mode(self) -> None:
        self.set_mode(CompareMode((int(self.mode) + 1) % len(CompareMode)))

    def set_cleaned_hint(self, busy: bool) -> None:
        text = self.tr("Cleaning…") if busy else self.tr("Not cleaned yet: press Clean")
        self.after_view.placeholder = text
        self.removed_view.placeholder = text
        self.after_view.viewport().update()
        self.removed_view.viewport().update()

    def set_pictures(
        self, before: Picture | None, after: Picture | None, removed: Picture | None
    ) -> None:
        """Show a page; ``after`` and ``removed`` are None until it is cleaned.

        The zoom and centre are kept when the new page has the size of the old one (the next
        page of a scan, or the cleaned result arriving); otherwise every view fits the page.
        """
        lead = self.lead_view()
        page = QRectF(0, 0, before.width, before.height) if before is not None else None
        keep = (
            page is not None
            and lead.has_picture()
            and lead.sceneRect() == page
            and not lead.fit_mode
        )
        state = (lead.zoom(), lead.center(), lead.fit_mode)
        self.before_view.set_picture(before, page)
        self.after_view.set_picture(after, page)
        self.split_view.set_pictures(before, after)
        self.removed_view.set_picture(removed, page)
        for view in self.sync.views:
            if keep:
                view.apply_state(*state)
            else:
                view.apply_state(1.0, QPointF(), True)
        self._on_sync()

    # -- zoom commands (applied to the visible view, then synced) -------------------------------
    def zoom_in(self) -> None:
        self.lead_view().zoom_by(1.25)

    def zoom_out(self) -> None:
        self.lead_view().zoom_by(1 / 1.25)

    def fit(self) -> None:
        self.lead_view().fit()

    def actual_size(self) -> None:
        self.lead_view().actual_size()

    def _on_sync(self) -> None:
        lead = self.lead_view()
        self.zoom_changed.emit(100.0 * lead.zoom() * lead.device_ratio())
