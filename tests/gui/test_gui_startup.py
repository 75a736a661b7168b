"""Start-up: no torch on the GUI thread, and the real entry point opening a file from argv."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

from guitools import write_page
from PIL import Image

from docdenoise.gui.app import build_parser


def _env(settings_dir: Path) -> dict[str, str]:
    env = dict(os.environ)
    env["QT_QPA_PLATFORM"] = "offscreen"
    env["DOCDENOISE_TEST_SETTINGS"] = str(settings_dir)
    env.pop("DOCDENOISE_MODEL", None)
    return env


def test_window_starts_without_importing_torch(tmp_path: Path):
    code = textwrap.dedent(
        """
        import os, sys
        from PySide6.QtCore import QSettings
        from PySide6.QtWidgets import QApplication
        QSettings.setDefaultFormat(QSettings.Format.IniFormat)
        QSettings.setPath(
            QSettings.Format.IniFormat, QSettings.Scope.UserScope,
            os.environ["DOCDENOISE_TEST_SETTINGS"],
        )
        app = QApplication([])
        app.setOrganizationName("docdenoise-tests")
        import docdenoise.gui.app
        from docdenoise.gui.mainwindow import MainWindow
        window = MainWindow()
        window.show()
        app.processEvents()
        print("torch" in sys.modules, window.isVisible())
        """
    )
    result = subprocess.run(
        [sys.executable, "-c", code],
        env=_env(tmp_path),
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["False", "True"]


def test_main_opens_files_from_the_command_line(tmp_path: Path, model_path: Path):
    """``python -m docdenoise.gui.app FILE``: opens, cleans (hidden --screenshot) and quits."""
    page = write_page(tmp_path / "scan.png", size=(160, 120))
    shot = tmp_path / "shot.png"
    code = textwrap.dedent(
        """
        import os, sys
        from PySide6.QtCore import QSettings
        QSettings.setDefaultFormat(QSettings.Format.IniFormat)
        QSettings.setPath(
            QSettings.Format.IniFormat, QSettings.Scope.UserScope,
            os.environ["DOCDENOISE_TEST_SETTINGS"],
        )
        from docdenoise.gui.app import main
        sys.exit(main(sys.argv[1:]))
        """
    )
    args = ["--model", str(model_path), "--screenshot", str(shot), "--size", "900x600", str(page)]
    result = subprocess.run(
        [sys.executable, "-c", code, *args],
        env=_env(tmp_path / "settings"),
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    with Image.open(shot) as image:
        assert image.width >= 900 and image.height >= 600


def test_command_line():
    args = build_parser().parse_args(["--model", "m.safetensors", "a.png", "folder"])
    assert args.files == ["a.png", "folder"] and args.model == "m.safetensors"
