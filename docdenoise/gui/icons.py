"""Toolbar and window icons: our own SVGs from ``assets/icons``, with Qt's standard icons as backup.

PySide6-Essentials ships Qt's SVG image and icon-engine plugins, so ``QIcon("x.svg")`` renders the
vector at whatever size and device-pixel ratio a toolbar asks for (sharp on high-DPI screens).
Where the plugin or a file is missing, the style's standard icon stands in.
"""

from __future__ import annotations

from functools import cache, lru_cache
from pathlib import Path

from PySide6.QtGui import QIcon, QImageReader
from PySide6.QtWidgets import QApplication, QStyle

from docdenoise.assets import assets_dir

SP = QStyle.StandardPixmap
_FALLBACK = {
    "open": SP.SP_DialogOpenButton,
    "open-folder": SP.SP_DirOpenIcon,
    "clean": SP.SP_MediaPlay,
    "cancel": SP.SP_BrowserStop,
    "export": SP.SP_DialogSaveButton,
    "zoom-in": SP.SP_ArrowUp,
    "zoom-out": SP.SP_ArrowDown,
    "zoom-fit": SP.SP_TitleBarMaxButton,
    "zoom-100": SP.SP_TitleBarNormalButton,
    "view-side-by-side": SP.SP_FileDialogDetailedView,
    "view-split": SP.SP_ToolBarHorizontalExtensionButton,
    "view-removed": SP.SP_FileDialogContentsView,
    "batch": SP.SP_DirLinkIcon,
    "settings": SP.SP_FileDialogListView,
    "docdenoise": SP.SP_DesktopIcon,
}


def icons_dir() -> Path:
    """``assets/icons``."""
    return assets_dir() / "icons"


@lru_cache(maxsize=1)
def svg_supported() -> bool:
    return b"svg" in [bytes(fmt.data()) for fmt in QImageReader.supportedImageFormats()]


@cache
def icon(name: str) -> QIcon:
    """The icon called ``name`` (a file stem in ``assets/icons``)."""
    path = icons_dir() / f"{name}.svg"
    if svg_supported() and path.is_file():
        loaded = QIcon(str(path))
        if not loaded.isNull():
            return loaded
    style = QApplication.style()
    return style.standardIcon(_FALLBACK.get(name, SP.SP_FileIcon))
