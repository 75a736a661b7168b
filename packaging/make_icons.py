"""Render the app icon (``assets/icons/docdenoise.svg``) to the hicolor PNG sizes.

    .venv/bin/python packaging/make_icons.py

Writes ``packaging/linux/icons/hicolor/NxN/apps/<APP_ID>.png`` for every size in ``SIZES`` and
copies the SVG to ``hicolor/scalable/apps``. The PNGs are committed; run this again after the
SVG changes. Qt renders offscreen: no display is needed.
"""

from __future__ import annotations

import os
import shutil
import sys
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication, QImage, QPainter
from PySide6.QtSvg import QSvgRenderer

ROOT = Path(__file__).resolve().parent.parent
APP_ID = "io.github.docdenoise.docdenoise"  # = QApplication.setDesktopFileName in gui/app.py
SOURCE = ROOT / "assets" / "icons" / "docdenoise.svg"
HICOLOR = ROOT / "packaging" / "linux" / "icons" / "hicolor"
SIZES = (16, 22, 24, 32, 48, 64, 128, 256, 512)


def render(renderer: QSvgRenderer, size: int) -> QImage:
    """The SVG drawn into a transparent ``size`` x ``size`` ARGB image, antialiased."""
    image = QImage(size, size, QImage.Format.Format_ARGB32_Premultiplied)
    image.fill(Qt.GlobalColor.transparent)
    painter = QPainter(image)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    painter.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform)
    renderer.render(painter)
    painter.end()
    return image


def main() -> int:
    _app = QGuiApplication(sys.argv[:1])  # QPainter on a QImage needs a Gui application
    renderer = QSvgRenderer(str(SOURCE))
    if not renderer.isValid():
        sys.stderr.write(f"error: {SOURCE}: not an SVG Qt can render\n")
        return 1
    for size in SIZES:
        target = HICOLOR / f"{size}x{size}" / "apps" / f"{APP_ID}.png"
        target.parent.mkdir(parents=True, exist_ok=True)
        if not render(renderer, size).save(str(target), "PNG"):
            sys.stderr.write(f"error: could not write {target}\n")
            return 1
    scalable = HICOLOR / "scalable" / "apps" / f"{APP_ID}.svg"
    scalable.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(SOURCE, scalable)
    sys.stdout.write(f"{len(SIZES)} PNGs and the SVG written under {HICOLOR}\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
