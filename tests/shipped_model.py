"""What the tests of the shipped models share; a helper, not a test module.

Their files must be there: a test of the shipped weights (or of the sample scan they clean)
FAILS when one is missing, it never skips, so that a checkout without them cannot pass by
judging nothing. And ink kept is judged alike on every page: a pixel that is clearly ink on the
clean page must still be clearly ink after cleaning (bench/korean.py counts it the same way).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from docdenoise.weights import resolve_model

INK_CORE = 0.4  # a pixel counts as ink when the clean page is at least this dark...
KEPT_BELOW = 0.5  # ...and is kept when the cleaned page is still darker than this
MIN_KEPT = 0.99  # share of counted pixels that must be kept, over all pages together (issue 3)


def required_file(path: Path, what: str) -> Path:
    """``path``; the calling test fails (it does not skip) when there is no such file."""
    if not path.is_file():
        pytest.fail(f"{what} {path} is missing: this test judges it", pytrace=False)
    return path


def shipped_weights(name: str) -> Path:
    """The weights file of the bundled model ``name`` (``fast``, ``quality``): it must exist."""
    return required_file(resolve_model(name), f"the shipped {name} weights")


def ink_kept(
    clean: np.ndarray, cleaned: np.ndarray, where: np.ndarray | None = None
) -> tuple[int, int]:
    """``(counted, kept)`` ink pixels of a page (of its ``where`` mask, if given).

    Counted: pixels where ``clean`` is darker than INK_CORE, i.e. clearly ink, not a grey
    anti-aliased edge whose side of 0.5 is a matter of rounding. Kept: those where ``cleaned``
    is darker than KEPT_BELOW, i.e. still ink to anyone who thresholds the page at its middle
    grey. ``clean`` and ``cleaned``: ``(H, W)`` float in [0, 1]; ``where``: ``(H, W)`` bool.
    """
    core = clean < INK_CORE
    if where is not None:
        core &= where
    return int(core.sum()), int((core & (cleaned < KEPT_BELOW)).sum())
