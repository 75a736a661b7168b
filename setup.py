"""Put ``assets/`` into the wheel as ``docdenoise/assets`` (everything else is in pyproject.toml).

The model, its card, the icons and the sample live in the top-level ``assets/`` folder of the
checkout, where the tools that make them write them. A wheel (and so ``pip install .``) must
carry them inside the package, where :func:`docdenoise.assets.assets_dir` looks first, so
``build_py`` adds them to the package data. An editable install copies nothing: the checkout's
``assets/`` is found beside the package. The sdist takes them along too (it lists build_py's
data files), so a wheel built from it has them. A build without the model stops with an error
rather than ship a wheel that cannot clean.
"""

from __future__ import annotations

from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py

ROOT = Path(__file__).resolve().parent
ASSETS = "assets"
REQUIRED = (
    "docdenoise-fast.safetensors",
    "docdenoise-fast.json",
    "docdenoise-quality.safetensors",
    "docdenoise-quality.json",
)
PATTERNS = ("*.safetensors", "*.json", "*.png", "icons/*.svg", "README.md")
DataFiles = tuple[str, str, str, list[str]]  # build_py's (package, src_dir, build_dir, files)


def asset_files() -> list[str]:
    """The files of ``assets/`` that go into the wheel, relative to it (``/``-separated)."""
    folder = ROOT / ASSETS
    found = {p.relative_to(folder).as_posix() for pat in PATTERNS for p in folder.glob(pat)}
    return sorted(name for name in found if (folder / name).is_file())


class BuildPyWithAssets(build_py):
    """build_py that adds ``assets/*`` as package data of ``docdenoise`` under ``assets/``."""

    def _get_data_files(self) -> list[DataFiles]:
        return self._with_assets(super()._get_data_files())

    def get_data_files_without_manifest(self) -> list[DataFiles]:
        return self._with_assets(super().get_data_files_without_manifest())

    def _with_assets(self, data_files: list[DataFiles]) -> list[DataFiles]:
        files = asset_files()
        missing = [name for name in REQUIRED if name not in files]
        if missing and not self.editable_mode:
            raise SystemExit(
                f"error: {', '.join(missing)} missing from {ROOT / ASSETS}: a wheel without the "
                "model cannot clean; train and export it first (see assets/README.md)"
            )
        build_dir = str(Path(self.build_lib, "docdenoise", ASSETS))
        return [*data_files, ("docdenoise", ASSETS, build_dir, files)]


setup(cmdclass={"build_py": BuildPyWithAssets})
