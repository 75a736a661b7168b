"""Degradations: pure functions ``fn(page, rng, **params) -> page``, one per kind of damage.

Every function takes and returns an (H, W) float32 array in [0, 1] (1.0 = white), draws all
randomness from the seeded generator, and draws any parameter not given from a range wide
enough to span subtle to heavy. Nothing here renders pages or knows the random mix: what a
function needs from above (``bleed_through``'s back page) is passed in, and
``docdenoise.synth.mix`` picks which of them a page gets.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

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

# In the order they are applied (docdenoise.synth.degradation_names.DEGRADATION_NAMES).
DEGRADATIONS: dict[str, Degradation] = {
    "faded_ink": faded_ink,
    "ink_bleed": ink_bleed,
    "bleed_through": bleed_through,  # needs back=: a clean page for the other side
    "paper_texture": paper_texture,
    "paper_tone": paper_tone,
    "watermark": watermark,
    "water_stain": water_stain,
    "tea_stain": tea_stain,
    "coffee_stain": coffee_stain,
    "footprint": footprint,
    "smudge": smudge,
    "crumple": crumple,
    "fold": fold,
    "uneven_lighting": uneven_lighting,
    "scanner_shadow": scanner_shadow,
    "salt_pepper": salt_pepper,
    "blur": blur,
    "scanner_streaks": scanner_streaks,
    "sensor_noise": sensor_noise,
    "jpeg": jpeg,
}

__all__ = ["DEGRADATIONS", "Degradation"]
