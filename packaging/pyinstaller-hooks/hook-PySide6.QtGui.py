"""PyInstaller's own hook for PySide6.QtGui, less the Qt plugins docdenoise never loads.

Dropped here, before PyInstaller scans them for dependencies, so the libraries only they need
stay out too: the GTK3 platform theme (it would pull in cairo, pango, gdk-pixbuf and friends,
and cannot load without the system's GTK3 anyway), the embedded-display platforms (eglfs,
linuxfb, VNC, Vulkan display) with their input and EGL device plugins. Kept: xcb, wayland,
offscreen and minimal, the XDG desktop portal theme, the SVG icon engine, the image formats.
"""

from pathlib import Path

from PyInstaller.utils.hooks.qt import add_qt6_dependencies

UNUSED_PLUGINS = {
    "libqgtk3",
    "libqeglfs",
    "libqlinuxfb",
    "libqminimalegl",
    "libqvkkhrdisplay",
    "libqvnc",
}
UNUSED_PLUGIN_DIRS = {"egldeviceintegrations", "generic"}


def _used(entry: tuple[str, str]) -> bool:
    source, dest = entry
    if Path(source).stem in UNUSED_PLUGINS:
        return False
    return Path(dest).name not in UNUSED_PLUGIN_DIRS


hiddenimports, binaries, datas = add_qt6_dependencies(__file__)
binaries = [entry for entry in binaries if _used(entry)]
