"""Where the bundled weights, icons and sample scan live. Imports neither torch nor Qt."""

from __future__ import annotations

import os
from pathlib import Path


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
