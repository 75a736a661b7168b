"""Packaging files agree with the app and each other; ``--self-test`` works without Qt.

The bundle itself is built and run by ``make package-test`` (minutes); these checks are quick.
"""

from __future__ import annotations

import configparser
import os
import re
import shutil
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from docdenoise import __version__
from docdenoise.selftest import main as self_test_main
from docdenoise.selftest import rmse

REPO = Path(__file__).resolve().parent.parent
LINUX = REPO / "packaging" / "linux"
ICON_SIZES = (16, 22, 24, 32, 48, 64, 128, 256, 512)


def app_id() -> str:
    """The desktop-file id the GUI announces (``QApplication.setDesktopFileName``)."""
    source = (REPO / "docdenoise" / "gui" / "app.py").read_text(encoding="utf-8")
    found = re.search(r'setDesktopFileName\("([^"]+)"\)', source)
    assert found, "gui/app.py no longer calls setDesktopFileName"
    return found.group(1)


def desktop_entry() -> configparser.SectionProxy:
    parser = configparser.ConfigParser(interpolation=None)
    parser.optionxform = str  # type: ignore[assignment,method-assign]  # keys are case-sensitive
    parser.read(LINUX / f"{app_id()}.desktop", encoding="utf-8")
    return parser["Desktop Entry"]


def test_desktop_file_matches_the_app() -> None:
    entry = desktop_entry()
    assert entry["Type"] == "Application"
    assert entry["Icon"] == app_id()
    assert entry["Exec"].split()[0] == "docdenoise-gui"
    assert entry["Categories"].endswith(";")


def test_metainfo_matches_the_app() -> None:
    root = ET.parse(LINUX / f"{app_id()}.metainfo.xml").getroot()
    assert root.get("type") == "desktop-application"
    assert root.findtext("id") == app_id()
    assert root.findtext("launchable") == f"{app_id()}.desktop"
    for tag in ("name", "summary", "metadata_license", "project_license"):
        assert (root.findtext(tag) or "").strip(), tag
    assert root.find("description/p") is not None
    assert root.find("content_rating") is not None
    image = root.findtext("screenshots/screenshot/image") or ""
    assert image.endswith("/docs/screenshot.png")
    assert (REPO / "docs" / "screenshot.png").is_file()
    release = root.find("releases/release")
    assert release is not None and release.get("version") == __version__


@pytest.mark.parametrize(
    ("tool", "name"),
    [
        (["appstreamcli", "validate", "--no-net"], "metainfo.xml"),
        (["desktop-file-validate"], "desktop"),
    ],
)
def test_linux_files_validate(tool: list[str], name: str) -> None:
    if shutil.which(tool[0]) is None:
        pytest.skip(f"{tool[0]} is not installed")
    path = LINUX / f"{app_id()}.{name}"
    proc = subprocess.run([*tool, str(path)], capture_output=True, text=True, check=False)
    assert proc.returncode == 0, proc.stdout + proc.stderr


@pytest.mark.parametrize("size", ICON_SIZES)
def test_icons_at_the_usual_sizes(size: int) -> None:
    path = LINUX / "icons" / "hicolor" / f"{size}x{size}" / "apps" / f"{app_id()}.png"
    with Image.open(path) as image:
        assert image.size == (size, size)
        assert image.mode == "RGBA"


def _assets_with_random_model(folder: Path, random_model_path: Path) -> Path:
    """A small assets folder: random weights and a tiny sample with its ground truth."""
    folder.mkdir()
    shutil.copy(random_model_path, folder / "docdenoise-fast.safetensors")
    shutil.copy(random_model_path.with_suffix(".json"), folder / "docdenoise-fast.json")
    rng = np.random.default_rng(7)
    clean = np.full((96, 128), 250, np.uint8)
    clean[40:56, 20:100] = 20
    noisy = np.clip(clean.astype(int) - rng.integers(0, 80, clean.shape), 0, 255).astype(np.uint8)
    Image.fromarray(noisy).save(folder / "sample-scan.png")
    Image.fromarray(clean).save(folder / "sample-clean.png")
    return folder


def test_self_test_cleans_the_sample_and_reports_one_line(
    tmp_path: Path, random_model_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    assets = _assets_with_random_model(tmp_path / "assets", random_model_path)
    monkeypatch.setenv("DOCDENOISE_ASSETS", str(assets))
    out = tmp_path / "out.txt"
    with out.open("w") as stream:
        assert self_test_main(["--device", "cpu"], out=stream) == 0
    (line,) = out.read_text().splitlines()
    assert line.startswith("self-test ok: sample-scan.png 128x96")
    assert "RMSE vs sample-clean.png" in line and str(assets) in line


def test_self_test_fails_cleanly_without_a_model(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("DOCDENOISE_ASSETS", str(tmp_path))
    Image.fromarray(np.full((64, 64), 200, np.uint8)).save(tmp_path / "sample-scan.png")
    out = tmp_path / "out.txt"
    with out.open("w") as stream:
        assert self_test_main(["--device", "cpu"], out=stream) != 0
    assert out.read_text().startswith("self-test FAILED:")


def test_rmse_is_on_a_unit_scale() -> None:
    black, white = np.zeros((4, 4), np.uint8), np.full((4, 4), 255, np.uint8)
    assert rmse(black, white) == pytest.approx(1.0)
    assert rmse(white, white) == 0.0


def test_frozen_entry_self_test_never_imports_qt(tmp_path: Path, random_model_path: Path) -> None:
    """The bundle's entry script answers ``--self-test`` headless: PySide6 is never imported."""
    assets = _assets_with_random_model(tmp_path / "assets", random_model_path)
    entry = REPO / "packaging" / "frozen_entry.py"
    code = (
        "import runpy, sys\n"
        f"main = runpy.run_path({str(entry)!r})['main']\n"
        "code = main(['--self-test', '--device', 'cpu'])\n"
        "assert 'PySide6' not in sys.modules, 'Qt was imported'\n"
        "sys.exit(code)\n"
    )
    env = {k: v for k, v in os.environ.items() if not k.startswith("DOCDENOISE_")}
    env |= {"DOCDENOISE_ASSETS": str(assets), "DOCDENOISE_THREADS": "1"}
    proc = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, env=env, timeout=300
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert proc.stdout.startswith("self-test ok")
