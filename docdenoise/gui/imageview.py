"""A zoomable, pannable page view and the object that keeps several of them in step.

Scene units are page pixels. The wheel zooms about the cursor, dragging pans, and every change
is announced with ``view_changed`` so a :class:`ViewSync` can give the other views the same zoom
and centre. Zoom 100 % means one page pixel per *device* pixel, so it is true size on high-DPI
screens too.
"""

from __future__ import annotations

import math

from PySide6.QtCore import QObject, QPoint, QPointF, QRect, QRectF, Qt, Signal
from PySide6.QtGui import QColor, QFont, QPainter, QPalette, QResizeEvent, QTransform, QWheelEvent
from PySide6.QtWidgets import (
    QGraphicsItem,
    QGraphicsScene,
    QGraphicsView,
    QStyleOptionGraphicsItem,
    QWidget,
)

from docdenoise.gui.imaging import Picture

MIN_ZOOM = 0.02
MAX_ZOOM = 32.0
WHEEL_STEP = 1.25


class PictureItem(QGraphicsItem):
    """Draws a :class:`Picture` from the level that suits the zoom; may be clipped on the right."""

    def __init__(self) -> None:
        super().__init__()
        self.picture: Picture | None = None
        self.clip_right = math.inf  # scene x beyond which nothing is drawn

    def set_picture(self, picture: Picture | None) -> None:
        self.prepareGeometryChange()
        self.picture = picture
        self.update()

    def boundingRect(self) -> QRectF:
        if self.picture is None:
            return QRectF()
        return QRectF(0, 0, self.picture.width, self.picture.height)

    def paint(
        self,
        painter: QPainter,
        option: QStyleOptionGraphicsItem,
        widget: QWidget | None = None,
    ) -> None:
        if self.picture is None:
            return
        target = self.boundingRect()
        if self.clip_right < target.right():
            target.setRight(max(target.left(), self.clip_right))
        scale = option.levelOfDetailFromTransform(painter.worldTransform())
        level = self.picture.level_for(scale)
        pixmap = self.picture.pixmap(level)
        # a reduced level may have lost an odd last row or column: scale each axis on its own
        shrink_x = self.picture.width / max(1, pixmap.width())
        shrink_y = self.picture.height / max(1, pixmap.height())
        source = QRectF(
            target.left() / shrink_x, 0, target.width() / shrink_x, target.height() / shrink_y
        )
        painter.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform, scale * shrink_x < 1.0)
        painter.drawPixmap(target, pixmap, source)


class ImageView(QGraphicsView):
    """One page view. ``fit`` mode keeps the page fitted until the user zooms."""

    view_changed = Signal()

    def __init__(self, caption: str = "", parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.caption = caption
        self.placeholder = ""
        self.fit_mode = True
        self._quiet = False
        self.setScene(QGraphicsScene(self))
        self.item = PictureItem()
        self.scene().addItem(self.item)
        self.setDragMode(QGraphicsView.DragMode.ScrollHandDrag)
        self.setTransformationAnchor(QGraphicsView.ViewportAnchor.NoAnchor)
        self.setResizeAnchor(QGraphicsView.ViewportAnchor.AnchorViewCenter)
        self.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.setAcceptDrops(False)  # drops go to the main window
        self.setFrameShape(QGraphicsView.Shape.NoFrame)
        self.setBackgroundBrush(self.palette().color(QPalette.ColorRole.Mid))
        for bar in (self.horizontalScrollBar(), self.verticalScrollBar()):
            bar.valueChanged.connect(self._announce)

    # -- content -------------------------------------------------------------------------------
    def set_picture(self, picture: Picture | None, page: QRectF | None = None) -> None:
        """Show ``picture``; ``page`` is the scene rect to use (the page's, even when empty)."""
        self.item.set_picture(picture)
        self.scene().setSceneRect(page if page is not None else self.item.boundingRect())
        if self.fit_mode:
            self.fit()
        self.viewport().update()

    def has_picture(self) -> bool:
        return self.item.picture is not None

    def has_page(self) -> bool:
        """A page is set (its rect), even when this view has no picture of it yet."""
        return not self.sceneRect().isEmpty()

    # -- zoom state ----------------------------------------------------------------------------
    def zoom(self) -> float:
        return self.transform().m11()

    def center(self) -> QPointF:
        return self.mapToScene(self.viewport().rect().center())

    def device_ratio(self) -> float:
        return self.devicePixelRatioF() or 1.0

    def zoom_to(self, zoom: float, anchor: QPoint | None = None) -> None:
        """Zoom keeping the scene point under ``anchor`` (viewport pixels; default the centre)."""
        zoom = min(MAX_ZOOM, max(MIN_ZOOM, zoom))
        pos = anchor if anchor is not None else self.viewport().rect().center()
        scene_point = self.mapToScene(pos)
        self.fit_mode = False
        self._quiet = True
        try:
            self.setTransform(QTransform.fromScale(zoom, zoom))
            moved = self.mapFromScene(scene_point) - pos
            hbar, vbar = self.horizontalScrollBar(), self.verticalScrollBar()
            hbar.setValue(hbar.value() + moved.x())
            vbar.setValue(vbar.value() + moved.y())
        finally:
            self._quiet = False
        self.view_changed.emit()

    def zoom_by(self, factor: float, anchor: QPoint | None = None) -> None:
        self.zoom_to(self.zoom() * factor, anchor)

    def actual_size(self) -> None:
        """100 %: one page pixel per device pixel."""
        self.zoom_to(1.0 / self.device_ratio())

    def fit(self) -> None:
        self.fit_mode = True
        if self.has_page():
            self._quiet = True
            try:
                self.fitInView(self.sceneRect(), Qt.AspectRatioMode.KeepAspectRatio)
            finally:
                self._quiet = False
        self.view_changed.emit()

    def apply_state(self, zoom: float, center: QPointF, fit: bool) -> None:
        """Take another view's zoom and centre (or fit), without announcing it."""
        self._quiet = True
        try:
            if fit:
                self.fit_mode = True
                if self.has_page():
                    self.fitInView(self.sceneRect(), Qt.AspectRatioMode.KeepAspectRatio)
            else:
                self.fit_mode = False
                self.setTransform(QTransform.fromScale(zoom, zoom))
                self.centerOn(center)
        finally:
            self._quiet = False
        self.state_applied()

    def state_applied(self) -> None:
        """Hook for subclasses that draw in viewport coordinates."""

    def _announce(self) -> None:
        if not self._quiet:
            self.view_changed.emit()

    # -- events --------------------------------------------------------------------------------
    def wheelEvent(self, event: QWheelEvent) -> None:
        steps = event.angleDelta().y() / 120.0
        if not steps or not self.has_picture():
            event.ignore()
            return
        self.zoom_by(WHEEL_STEP**steps, event.position().toPoint())
        event.accept()

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        if self.fit_mode and self.has_page():
            self._quiet = True
            try:
                self.fitInView(self.sceneRect(), Qt.AspectRatioMode.KeepAspectRatio)
            finally:
                self._quiet = False
        self.state_applied()

    def drawForeground(self, painter: QPainter, rect: QRectF | QRect) -> None:
        painter.save()
        painter.resetTransform()
        if not self.has_picture() and self.placeholder:
            painter.setPen(self.palette().color(QPalette.ColorRole.Light))
            painter.drawText(
                QRectF(self.viewport().rect()), Qt.AlignmentFlag.AlignCenter, self.placeholder
            )
        elif self.caption:
            draw_caption(painter, self.caption, QPointF(8, 8), Qt.AlignmentFlag.AlignLeft)
        painter.restore()


def draw_caption(painter: QPainter, text: str, at: QPointF, align: Qt.AlignmentFlag) -> None:
    """A small dark chip with white text; ``at`` is its top-left (or top-right) corner."""
    font = QFont(painter.font())
    font.setBold(True)
    painter.setFont(font)
    metrics = painter.fontMetrics()
    box = QRectF(0, 0, metrics.horizontalAdvance(text) + 14, metrics.height() + 6)
    if align == Qt.AlignmentFlag.AlignRight:
        box.moveTopRight(at)
    else:
        box.moveTopLeft(at)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing, True)
    painter.setPen(Qt.PenStyle.NoPen)
    painter.setBrush(QColor(30, 34, 38, 190))
    painter.drawRoundedRect(box, 4, 4)
    painter.setPen(QColor(255, 255, 255))
    painter.drawText(box, Qt.AlignmentFlag.AlignCenter, text)


class ViewSync(QObject):
    """Keeps zoom and centre equal across views: a change in one is applied to the others."""

    changed = Signal()

    def __init__(self, views: list[ImageView], parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.views = views
        self.state: tuple[float, QPointF, bool] = (1.0, QPointF(), True)
        self._busy = False
        for view in views:
            view.view_changed.connect(self._on_changed)

    def _on_changed(self) -> None:
        source = self.sender()
        if self._busy or not isinstance(source, ImageView) or not source.isVisible():
            return  # hidden views resize while laid out; only what the user sees leads
        self.state = (source.zoom(), source.center(), source.fit_mode)
        self._busy = True
        try:
            for view in self.views:
                if view is not source:
                    view.apply_state(*self.state)
        finally:
            self._busy = False
        self.changed.emit()

    def refresh(self, view: ImageView) -> None:
        """Re-apply the last state to ``view`` (after it was shown and laid out)."""
        self._busy = True
        try:
            view.apply_state(*self.state)
        finally:
            self._busy = False
