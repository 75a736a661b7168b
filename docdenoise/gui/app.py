"""``docdenoise-gui [FILES...]``: start the desktop app.

The window is up before the model loads: torch is imported in a worker thread after the window
is shown, never on the GUI thread at start-up. ``--screenshot PATH`` (hidden, for the docs)
opens the files, cleans the first page, saves a picture of the window and quits. The language is
the setting's (System by default); ``--lang en|ko`` (hidden, for screenshots) overrides it.
"""

from __future__ import annotations

import argparse
import logging
import sys
from collections.abc import Sequence
from pathlib import Path

from PySide6.QtCore import QCoreApplication, QTimer
from PySide6.QtWidgets import QApplication

from docdenoise import __version__, allocator
from docdenoise.gui.icons import icon
from docdenoise.gui.mainwindow import MainWindow
from docdenoise.gui.settings import AppSettings
from docdenoise.gui.translation import LANGUAGES, install_translators

VIEWS = ("side", "split", "removed")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="docdenoise-gui",
        description=QCoreApplication.translate(
            "app", "Clean scanned document pages: stains, creases, yellowed paper, speckle."
        ),
    )
    parser.add_argument(
        "files",
        nargs="*",
        metavar="FILE",
        help=QCoreApplication.translate("app", "files or folders"),
    )
    parser.add_argument(
        "--model",
        default=None,
        help=QCoreApplication.translate("app", "fast, quality, or a .safetensors file"),
    )
    parser.add_argument("--version", action="version", version=f"docdenoise {__version__}")
    parser.add_argument("--screenshot", default=None, help=argparse.SUPPRESS)
    parser.add_argument("--view", choices=VIEWS, default="side", help=argparse.SUPPRESS)
    parser.add_argument("--zoom", type=float, default=None, help=argparse.SUPPRESS)
    parser.add_argument("--size", default="1400x900", help=argparse.SUPPRESS)
    parser.add_argument("--lang", choices=LANGUAGES, default=None, help=argparse.SUPPRESS)
    return parser


def language_option(argv: Sequence[str]) -> str | None:
    """``--lang`` read ahead of the real parser, whose help text must already be translated."""
    early = argparse.ArgumentParser(add_help=False)
    early.add_argument("--lang", choices=LANGUAGES, default=None)
    known, _ = early.parse_known_args(list(argv))
    return known.lang


def make_application(argv: Sequence[str]) -> tuple[QApplication, list[str]]:
    """The QApplication (made here unless there is one) and ``argv`` without Qt's own options."""
    existing = QApplication.instance()
    if isinstance(existing, QApplication):
        return existing, list(argv)
    QApplication.setOrganizationName("docdenoise")
    QApplication.setApplicationName("docdenoise")
    QApplication.setApplicationVersion(__version__)
    QApplication.setDesktopFileName("io.github.docdenoise.docdenoise")
    app = QApplication([sys.argv[0] if sys.argv else "docdenoise-gui", *argv])
    app.setWindowIcon(icon("docdenoise"))
    return app, app.arguments()[1:]


def main(argv: Sequence[str] | None = None) -> int:
    allocator.tune()  # before Qt's threads start, so they share the tuned heap
    app, rest = make_application(list(sys.argv[1:] if argv is None else argv))
    install_translators(app, language_option(rest) or AppSettings().language)
    args = build_parser().parse_args(rest)
    logging.basicConfig(level=logging.WARNING, format="%(name)s: %(message)s")
    window = MainWindow(AppSettings(model_override=args.model))
    if args.screenshot:
        from docdenoise.gui.screenshot import ScreenshotDirector

        director = ScreenshotDirector(window, Path(args.screenshot), args.view, args.zoom)
        director.resize(args.size)
    window.show()
    QTimer.singleShot(0, window.jobs.prepare)  # torch loads in a worker, after the window is up
    if args.files:
        window.open_paths(args.files)
    code = int(app.exec())
    window.host.shutdown()  # no worker thread may outlive the app (a closed window did this)
    return code


def entry() -> None:
    raise SystemExit(main())


if __name__ == "__main__":
    entry()
