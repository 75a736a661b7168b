"""Degradations: pure functions ``fn(page, rng, **params) -> page`` and their random mix.

Every function takes and returns an (H, W) float32 array in [0, 1] (1.0 = white), draws all
randomness from the seeded generator, and draws any parameter not given from a range wide
enough to span subtle to heavy. `degrade` picks several at random and applies them in physical
order: ink, then paper, then damage to the sheet, then the scanner.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np

from docdenoise.errors import UsageError
from docdenoise.synth.config import SynthConfig
from docdenoise.synth.degrade.creases import crumple, fold
from docdenoise.synth.degrade.ink import bleed_through, faded_ink, ink_bleed
from docdenoise.synth.degrade.marks import footprint, salt_pepper, smudge
from docdenoise.synth.degrade.paper import paper_texture, paper_tone, watermark
from docdenoise.synth.degrade.scanner import (
    blur,
    jpeg,
    scanner_shadow,
    scanner_streaks,
    sensor_noise,
    uneven_lighting,
)
from docdenoise.synth.degrade.stains import coffee_stain, tea_stain, water_stain

Degradation = Callable[..., np.ndarray]

# In the order they are applied (physical order), each with its weight in the random mix.
_TABLE: tuple[tuple[str, Degradation, float], ...] = (
    ("faded_ink", faded_ink, 1.4),
    ("ink_bleed", ink_bleed, 0.8),
    ("bleed_through", bleed_through, 1.2),
    ("paper_texture", paper_texture, 2.5),
    ("paper_tone", paper_tone, 6.0),
    ("watermark", watermark, 0.5),
    ("water_stain", water_stain, 0.8),
    ("tea_stain", tea_stain, 0.8),
    ("coffee_stain", coffee_stain, 1.0),
    ("footprint", footprint, 0.5),
    ("smudge", smudge, 0.8),
    ("crumple", crumple, 0.9),
    ("fold", fold, 1.0),
    ("uneven_lighting", uneven_lighting, 1.4),
    ("scanner_shadow", scanner_shadow, 0.7),
    ("salt_pepper", salt_pepper, 1.0),
    ("blur", blur, 1.4),
    ("scanner_streaks", scanner_streaks, 0.6),
    ("sensor_noise", sensor_noise, 2.0),
    ("jpeg", jpeg, 1.0),
)
DEGRADATIONS: dict[str, Degradation] = {name: fn for name, fn, _ in _TABLE}
WEIGHTS: dict[str, float] = {name: weight for name, _, weight in _TABLE}
P_NONE = 0.04  # share of pages left clean by the random mix
OPTICS_SIGMA = (0.4, 1.0)  # px: a scanner's lens and sensor (SynthConfig.optics)


class UnknownDegradationError(UsageError, ValueError):
    """A degradation name that is not in DEGRADATIONS."""


def check_names(names: Sequence[str]) -> tuple[str, ...]:
    """``names`` in application order; raises UnknownDegradationError for an unknown one."""
    unknown = [n for n in names if n not in DEGRADATIONS]
    if unknown:
        raise UnknownDegradationError(
            None,
            f"unknown degradation {', '.join(map(repr, unknown))}",
            f"choose from: {', '.join(DEGRADATIONS)}",
        )
    return tuple(n for n in DEGRADATIONS if n in set(names))


def choose(rng: np.random.Generator, config: SynthConfig = SynthConfig()) -> tuple[str, ...]:  # noqa: B008
    """A random mix: none (rarely) or 1..max_degradations names, weighted, in application order."""
    pool = (
        check_names(config.degradations) if config.degradations is not None else tuple(DEGRADATIONS)
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


def degrade(
    clean: np.ndarray,
    rng: np.random.Generator,
    *,
    config: SynthConfig = SynthConfig(),  # noqa: B008 (frozen, so a shared default is safe)
    only: Sequence[str] | None = None,
) -> tuple[np.ndarray, tuple[str, ...]]:
    """Spoil a clean (H, W) page; returns (noisy float32 in [0, 1], names applied).

    ``only``: apply exactly these degradations (in physical order; an empty list applies none
    and returns a copy of the page); by default a random mix drawn from ``config``, to which
    ``config.optics`` may add a mild ``blur`` (the scanner's own; listed among the names).
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
    out = page.copy()
    for name in names:
        if name == "blur" and optics is not None:
            out = DEGRADATIONS[name](out, rng, sigma=optics)
        else:
            out = DEGRADATIONS[name](out, rng)
    return np.clip(out, 0.0, 1.0).astype(np.float32, copy=False), names


__all__ = ["DEGRADATIONS", "WEIGHTS", "UnknownDegradationError", "check_names", "choose", "degrade"]
