"""The random mix of degradations: which a page gets, their odds, and what they need drawn.

`choose` picks several degradations at random, weighted by ``WEIGHTS`` and a `SynthConfig`;
`degrade` applies them in physical order (ink, then paper, then damage to the sheet, then the
scanner), drawing what a pure degradation cannot draw itself: the scanner's own blur
(``SynthConfig.optics``), the clean page on the back of the sheet for ``bleed_through`` (more
of it with ``SynthConfig.show_through``) and where a stain's rim goes (``stain_rims``).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from docdenoise.synth.config import SynthConfig, layout_script
from docdenoise.synth.degradation_names import DEGRADATION_NAMES, check_names
from docdenoise.synth.degrade import DEGRADATIONS
from docdenoise.synth.degrade.ink import BLEED_THROUGH_SIGMA, BLEED_THROUGH_STRENGTH
from docdenoise.synth.render import CleanPage, render_clean

# Each degradation's weight in the random mix (SynthConfig.weights overrides some).
WEIGHTS: dict[str, float] = {
    "faded_ink": 1.4,
    "ink_bleed": 0.8,
    "bleed_through": 1.2,
    "paper_texture": 2.5,
    "paper_tone": 6.0,
    "watermark": 0.5,
    "water_stain": 0.8,
    "tea_stain": 0.8,
    "coffee_stain": 1.0,
    "footprint": 0.5,
    "smudge": 0.8,
    "crumple": 0.9,
    "fold": 1.0,
    "uneven_lighting": 1.4,
    "scanner_shadow": 0.7,
    "salt_pepper": 1.0,
    "blur": 1.4,
    "scanner_streaks": 0.6,
    "sensor_noise": 2.0,
    "jpeg": 1.0,
}
P_NONE = 0.04  # share of pages left clean by the random mix
OPTICS_SIGMA = (0.4, 1.0)  # px: a scanner's lens and sensor (SynthConfig.optics)
BACK_CONFIG = SynthConfig(layouts=("text", "letter", "table", "text"))  # pages with a back side


def choose(rng: np.random.Generator, config: SynthConfig = SynthConfig()) -> tuple[str, ...]:  # noqa: B008
    """A random mix: none (rarely) or 1..max_degradations names, weighted, in application order."""
    pool = (
        check_names(config.degradations) if config.degradations is not None else DEGRADATION_NAMES
    )
    if not pool or config.max_degradations == 0 or rng.random() < P_NONE:
        return ()
    table = {**WEIGHTS, **dict(config.weights)}
    weights = np.array([table[n] for n in pool])
    k = int(rng.integers(1, min(config.max_degradations, len(pool)) + 1))
    k = min(k, int(np.count_nonzero(weights)))  # weights of 0 leave names out
    if k == 0:
        return ()
    picked = rng.choice(len(pool), size=k, replace=False, p=weights / weights.sum())
    return check_names([pool[int(i)] for i in picked])


def back_page(
    rng: np.random.Generator, shape: tuple[int, ...], front: CleanPage | None = None
) -> np.ndarray:
    """A clean (H, W) float32 page for the other side of the sheet, as drawn (not mirrored).

    ``front``: the page on this side; the back is then drawn at its dpi and in its script (the
    other side of the same book or letter: type of the same size), else at any dpi, in Latin.
    """
    h, w = shape
    config, dpi = BACK_CONFIG, None
    if front is not None:
        script = layout_script(front.layout)[1]
        config = SynthConfig(layouts=BACK_CONFIG.layouts, scripts=(script,))
        dpi = front.dpi
    back = render_clean(rng, h, w, config=config, dpi=dpi).pixels
    for _ in range(4):  # a window that caught only margin shows nothing through
        if float(back.min()) < 0.5:
            break
        back = render_clean(rng, h, w, config=config, dpi=dpi).pixels
    return back


def _bleed_through_params(
    rng: np.random.Generator, shape: tuple[int, ...], front: CleanPage | None = None
) -> dict[str, Any]:
    """``bleed_through``'s strength and blur, then its back page: drawn in this order, which
    keeps every seeded data set the same page for page."""
    strength = float(rng.uniform(*BLEED_THROUGH_STRENGTH))
    sigma = float(rng.uniform(*BLEED_THROUGH_SIGMA))
    return {"back": back_page(rng, shape, front), "strength": strength, "sigma": sigma}


def _chance(rng: np.random.Generator, odds: float) -> bool:
    """True with probability ``odds``; draws nothing when it is 0 (the default pages)."""
    return odds > 0 and bool(rng.random() < odds)


def degrade(
    clean: np.ndarray,
    rng: np.random.Generator,
    *,
    config: SynthConfig = SynthConfig(),  # noqa: B008 (frozen, so a shared default is safe)
    only: Sequence[str] | None = None,
    front: CleanPage | None = None,
) -> tuple[np.ndarray, tuple[str, ...]]:
    """Spoil a clean (H, W) page; returns (noisy float32 in [0, 1], names applied).

    ``only``: apply exactly these degradations (in physical order; an empty list applies none
    and returns a copy of the page); by default a random mix drawn from ``config``, to which
    ``config.optics`` may add a mild ``blur`` (the scanner's own) and ``config.show_through``
    a ``bleed_through`` (both listed among the names). ``config.stain_rims`` lays coffee and
    tea stains' rims through the text, and with ``config.show_through`` above 0 the back of
    the sheet is drawn like ``front`` (this page as rendered; see `back_page`).
    """
    page = np.asarray(clean, dtype=np.float32)
    if page.ndim != 2:
        raise ValueError(f"expected an (H, W) page, got shape {page.shape}")
    names = check_names(only) if only is not None else choose(rng, config)
    optics: float | None = None  # sigma of the scanner's own blur, when it is added
    scanned = only is None and names and "blur" not in names and config.optics > 0
    if scanned and rng.random() < config.optics:  # no draw at all when optics is 0
        optics = float(rng.uniform(*OPTICS_SIGMA))
        names = check_names([*names, "blur"])
    if only is None and "bleed_through" not in names and _chance(rng, config.show_through):
        names = check_names([*names, "bleed_through"])
    like = front if config.show_through > 0 else None
    out = page.copy()
    for name in names:
        params: dict[str, Any] = {}
        if name == "blur" and optics is not None:
            params = {"sigma": optics}
        elif name == "bleed_through":
            params = _bleed_through_params(rng, out.shape, like)
        elif name in ("coffee_stain", "tea_stain") and _chance(rng, config.stain_rims):
            params = {"rim_on_ink": True}
        out = DEGRADATIONS[name](out, rng, **params)
    return np.clip(out, 0.0, 1.0).astype(np.float32, copy=False), names


__all__ = ["OPTICS_SIGMA", "WEIGHTS", "back_page", "choose", "degrade"]
