"""The compare views: synced zoom and pan, fit and 100 %, the view key, the split divider."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest
from PySide6.QtCore import QPoint, QPointF, Qt
from PySide6.QtGui import QWheelEvent
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication

from docdenoise.gui.compare import CompareMode, CompareView
from docdenoise.gui.imaging import DIFF_PALETTE, Picture, difference_codes, difference_map


def _picture(seed: int, shape: tuple[int, int] = (1200, 900)) -> Picture:
    rng = np.random.default_rng(seed)
    return Picture.from_array(rng.integers(0, 256, shape, dtype=np.uint8))


@pytest.fixture
def compare(qtbot: Any) -> CompareView:
    view = CompareView()
    qtbot.addWidget(view)
    view.resize(900, 600)
    view.show()
    qtbot.waitExposed(view)
    before = np.full((1200, 900), 180, np.uint8)
    after = np.full((1200, 900), 250, np.uint8)
    view.set_pictures(
        Picture.from_array(before),
        Picture.from_array(after),
        Picture.from_array(difference_codes(before, after), DIFF_PALETTE),
    )
    return view


def screen_px_apart(a: Any, b: Any) -> float:
    """How far apart two views' centres are, in screen pixels (each view rounds to whole ones)."""
    return (a.center() - b.center()).manhattanLength() * a.zoom()


def wheel(view: Any, at: QPoint, notches: int) -> None:
    viewport = view.viewport()
    event = QWheelEvent(
        QPointF(at),
        QPointF(viewport.mapToGlobal(at)),
        QPoint(0, 0),
        QPoint(0, 120 * notches),
        Qt.MouseButton.NoButton,
        Qt.KeyboardModifier.NoModifier,
        Qt.ScrollPhase.NoScrollPhase,
        False,
    )
    QApplication.sendEvent(viewport, event)


def test_wheel_zoom_about_the_cursor_is_synced(compare: CompareView):
    left, right = compare.before_view, compare.after_view
    assert left.fit_mode and right.fit_mode
    at = QPoint(100, 120)
    under_cursor = left.mapToScene(at)
    wheel(left, at, 3)

    assert left.zoom() == pytest.approx(right.zoom())
    assert left.zoom() > 0.5
    # the page point under the cursor stayed under it
    moved = left.mapFromScene(under_cursor) - at
    assert abs(moved.x()) <= 2 and abs(moved.y()) <= 2
    assert screen_px_apart(left, right) <= 6  # pixel rounding only
    assert not right.fit_mode


def test_pan_is_synced(compare: CompareView, qtbot: Any):
    left, right = compare.before_view, compare.after_view
    left.zoom_to(2.0)
    start = right.center()
    QTest.mousePress(left.viewport(), Qt.MouseButton.LeftButton, pos=QPoint(300, 300))
    QTest.mouseMove(left.viewport(), QPoint(250, 260))
    QTest.mouseMove(left.viewport(), QPoint(200, 220))
    QTest.mouseRelease(left.viewport(), Qt.MouseButton.LeftButton, pos=QPoint(200, 220))
    assert (right.center() - start).manhattanLength() > 50
    assert screen_px_apart(left, right) <= 6


def test_fit_and_true_size(compare: CompareView):
    compare.actual_size()
    ratio = compare.before_view.device_ratio()
    assert compare.before_view.zoom() == pytest.approx(1 / ratio)
    assert compare.after_view.zoom() == pytest.approx(1 / ratio)
    compare.fit()
    assert compare.after_view.fit_mode
    assert compare.after_view.zoom() < 0.6  # 1200 px high page in a ~600 px view


def test_views_cycle_and_keep_the_zoom(compare: CompareView):
    compare.before_view.zoom_to(1.5)
    center = compare.before_view.center()
    compare.cycle_mode()
    assert compare.mode == CompareMode.SPLIT
    assert compare.split_view.zoom() == pytest.approx(1.5)
    assert (compare.split_view.center() - center).manhattanLength() * 1.5 <= 6
    compare.cycle_mode()
    assert compare.mode == CompareMode.REMOVED
    assert compare.removed_view.zoom() == pytest.approx(1.5)
    compare.cycle_mode()
    assert compare.mode == CompareMode.SIDE_BY_SIDE


def test_split_divider_drags(compare: CompareView):
    compare.set_mode(CompareMode.SPLIT)
    split = compare.split_view
    viewport = split.viewport()
    x = round(split.divider_x())
    y = viewport.height() // 2
    QTest.mousePress(viewport, Qt.MouseButton.LeftButton, pos=QPoint(x, y))
    QTest.mouseMove(viewport, QPoint(x - 150, y))
    QTest.mouseRelease(viewport, Qt.MouseButton.LeftButton, pos=QPoint(x - 150, y))
    assert split.split == pytest.approx((x - 150) / viewport.width(), abs=0.01)
    # the original is clipped where the divider now is
    assert split.before_item.clip_right == pytest.approx(
        split.mapToScene(round(split.divider_x()), 0).x(), abs=1
    )


def test_pictures_use_a_reduced_level_when_zoomed_out():
    picture = _picture(0)
    assert len(picture.levels) >= 2
    assert picture.level_for(1.0) == 0
    assert picture.level_for(0.25) == 2
    assert picture.level_for(0.3) == 1


def test_difference_map_colours():
    before = np.array([[100, 100, 100]], np.uint8)
    after = np.array([[100, 160, 40]], np.uint8)
    image = difference_map(before, after)
    white, lighter, darker = (image.pixelColor(x, 0) for x in range(3))
    assert (white.red(), white.green(), white.blue()) == (255, 255, 255)
    assert lighter.red() == 255 and lighter.blue() < 200  # removed: red
    assert darker.blue() == 255 and darker.red() < 200  # added ink: blue
