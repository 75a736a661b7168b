"""The wheel carries the model, icons, sample and training recipes, and an installed wheel cleans
a page with them.

The wheel is built from a copy of the source tree (the checkout gets no ``build/`` folder), with
``--no-build-isolation`` (no download). It is installed into a fresh venv that borrows this
environment's dependencies through a ``.pth`` file (torch is not downloaded again), and the
installed ``docdenoise`` runs from a temporary folder with a clean environment, so neither the
checkout nor ``DOCDENOISE_ASSETS`` can stand in for the installed package. Before the shipped
model exists, the copy gets random weights: the test is about packaging, not quality.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
import sysconfig
import zipfile
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
SOURCES = ("pyproject.toml", "setup.py", "README.md", "docdenoise", "assets")
IGNORE = shutil.ignore_patterns("__pycache__", "*.pyc", "*.egg-info", "build", "dist")
MODEL = "docdenoise-fast.safetensors"
RECIPES = ("fast", "quality", "smoke")  # docdenoise/training/configs: the shipped models' only

pytestmark = pytest.mark.slow


def _source_copy(dest: Path) -> Path:
    """The files a wheel is built from, copied to ``dest``; random weights if none are shipped."""
    dest.mkdir()
    for name in SOURCES:
        src = REPO / name
        if src.is_dir():
            shutil.copytree(src, dest / name, ignore=IGNORE)
        else:
            shutil.copy2(src, dest / name)
    if not (dest / "assets" / MODEL).is_file():
        from docdenoise.model import DenoiseNet
        from docdenoise.weights import save_weights

        save_weights(DenoiseNet(), dest / "assets" / MODEL, {"name": "random-test-weights"})
    return dest


def _run(cmd: list[str], cwd: Path, env: dict[str, str] | None = None) -> str:
    proc = subprocess.run(
        cmd, cwd=cwd, env=env, capture_output=True, text=True, timeout=300, check=False
    )
    assert proc.returncode == 0, f"{cmd} failed ({proc.returncode}):\n{proc.stdout}\n{proc.stderr}"
    return proc.stdout


def _venv_with_our_deps(venv: Path) -> Path:
    """A venv without pip; a ``.pth`` file adds this environment's site-packages after its own."""
    _run([sys.executable, "-m", "venv", "--without-pip", str(venv)], cwd=venv.parent)
    python = venv / ("Scripts/python.exe" if os.name == "nt" else "bin/python")
    site = _run([str(python), "-c", "import sysconfig; print(sysconfig.get_path('purelib'))"], venv)
    ours = dict.fromkeys(sysconfig.get_path(key) for key in ("purelib", "platlib"))
    (Path(site.strip()) / "docdenoise-test-deps.pth").write_text("\n".join(ours) + "\n")
    return python


def _clean_env() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTHON", "DOCDENOISE_"))}
    env["PYTHONNOUSERSITE"] = "1"
    env["DOCDENOISE_THREADS"] = "1"
    return env


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def test_wheel_installs_and_cleans_with_its_own_assets(tmp_path: Path) -> None:
    src = _source_copy(tmp_path / "src")
    wheels = tmp_path / "wheels"
    pip_wheel = [sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation"]
    _run([*pip_wheel, "--no-index", "-q", "-w", str(wheels), str(src)], cwd=tmp_path)
    (wheel,) = wheels.glob("docdenoise-*.whl")

    with zipfile.ZipFile(wheel) as archive:
        names = set(archive.namelist())
        icons = {f"docdenoise/assets/icons/{p.name}" for p in (src / "assets/icons").glob("*.svg")}
        wanted = {f"docdenoise/assets/{n}" for n in (MODEL, "docdenoise-fast.json")}
        wanted |= {"docdenoise/assets/sample-scan.png", "docdenoise/assets/sample-clean.png"}
        assert wanted | icons <= names, sorted((wanted | icons) - names)
        recipes = {n for n in names if n.startswith("docdenoise/training/configs/")}
        assert recipes == {f"docdenoise/training/configs/{r}.toml" for r in RECIPES}, recipes
        model_sha = _sha256(archive.read(f"docdenoise/assets/{MODEL}"))
    assert model_sha == _sha256((src / "assets" / MODEL).read_bytes())

    python = _venv_with_our_deps(tmp_path / "venv")
    pip_install = [sys.executable, "-m", "pip", "--python", str(python), "install", "--no-deps"]
    _run([*pip_install, "--no-index", "-q", str(wheel)], cwd=tmp_path)

    work = tmp_path / "cwd"
    work.mkdir()
    env = _clean_env()
    probe = (
        "import docdenoise, docdenoise.assets as a, docdenoise.weights as w;"
        "from docdenoise.training.config import CONFIG_DIR, load_config;"
        "print(docdenoise.__file__); print(a.assets_dir()); print(w.resolve_model('fast'));"
        "print(CONFIG_DIR); print(load_config('fast').name)"
    )
    lines = _run([str(python), "-c", probe], work, env).split("\n")
    package, assets, model, recipe_dir, recipe = lines[:5]
    assert recipe == "fast"  # docdenoise-train --config fast works from the installed wheel
    venv = (tmp_path / "venv").resolve()
    for path in (package, assets, model, recipe_dir):
        assert Path(path).resolve().is_relative_to(venv), f"{path} is not in the installed wheel"
    assert _sha256(Path(model).read_bytes()) == model_sha

    scripts = python.parent
    cli = scripts / ("docdenoise.exe" if os.name == "nt" else "docdenoise")
    sample = Path(assets) / "sample-scan.png"
    out = tmp_path / "out"
    _run([str(cli), "clean", str(sample), "-o", str(out), "--device", "cpu", "-q"], work, env)
    cleaned = out / "sample-scan.png"
    assert cleaned.is_file()

    from PIL import Image

    with Image.open(cleaned) as page, Image.open(sample) as scan:
        assert page.size == scan.size
