"""Where the bundled weights, icons and sample scan live. Imports neither torch nor Qt."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class BundledModel:
    """A model the CLI and the app take by name: a weights file in the assets folder, and how
    many passes of it (over mirrored copies of each tile) are averaged (``Denoiser(passes=)``).
    """

    name: str
    weights: str  # the file's stem in the assets folder
    passes: int


# ``fast`` is ``quality``'s network (1.17M parameters, 26.1 kFLOP per pixel: the small U-net grown,
# with a 1/16 context level that sees 141 px around each pixel) taught to do in one pass what
# ``quality`` does in four, then blended half and half with ``quality``'s weights
# (docs/training.md, *The shipped models*): in one pass it costs
# about what the smaller network did in two, and runs at the 4 MP/s the default must reach on a
# 2-core CPU (4.3 on a slow day, docs/benchmarks.md). ``quality`` is the same network with its own
# weights, run over each tile and its three mirror images, averaged: four times fast's work.
BUNDLED_MODELS = (
    BundledModel("fast", "docdenoise-fast", 1),
    BundledModel("quality", "docdenoise-quality", 4),
)
MODEL_NAMES = tuple(model.name for model in BUNDLED_MODELS)
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


def bundled_model(name: str) -> BundledModel:
    """The bundled model called ``name`` (one of :data:`MODEL_NAMES`)."""
    for model in BUNDLED_MODELS:
        if model.name == name:
            return model
    raise KeyError(name)


def bundled_model_path(name: str) -> Path:
    """Where the weights of the bundled model ``name`` (one of :data:`MODEL_NAMES`) live."""
    return assets_dir() / f"{bundled_model(name).weights}.safetensors"


def bundled_models() -> list[str]:
    """The bundled models whose weights are present in this install, fastest first."""
    return [name for name in MODEL_NAMES if bundled_model_path(name).is_file()]
