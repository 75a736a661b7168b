"""Where the bundled weights, icons and sample scan live. Imports neither torch nor Qt."""

from __future__ import annotations

import os
from pathlib import Path

MODEL_NAMES = ("fast", "quality")  # bundled models, by the name the CLI and the app take
DEFAULT_MODEL = "fast"


def assets_dir() -> Path:
    """The assets folder.

    ``DOCDENOISE_ASSETS`` wins; then ``docdenoise/assets`` (an installed wheel or a frozen app);
    then ``assets/`` beside the package (a source checkout).
    """
    env = os.environ.get("DOCDENOISE_ASSETS")
    if env:
        return Path(env)
    here = Path(__file__).resolve().parent
    for candidate in (here / "assets", here.parent / "assets"):
        if candidate.is_dir():
            return candidate
    return here.parent / "assets"


def bundled_model_path(name: str) -> Path:
    """Where the bundled model ``name`` (one of :data:`MODEL_NAMES`) lives."""
    return assets_dir() / f"docdenoise-{name}.safetensors"


def bundled_models() -> list[str]:
    """The bundled models present in this install, fastest first (a checkout or an app may
    ship without ``quality``)."""
    return [name for name in MODEL_NAMES if bundled_model_path(name).is_file()]
