"""Synthetic training data: clean pages drawn from fonts and a bundled corpus, spoiled by small
pure degradation functions (stains, creases, bleed-through, faded ink, scanner noise, ...).

No torch and no Qt here: the generator is numpy and Pillow only, seeded and reproducible.
"""

from docdenoise.synth.config import SynthConfig
from docdenoise.synth.degrade import DEGRADATIONS, UnknownDegradationError, degrade
from docdenoise.synth.fonts import FontsNotFoundError
from docdenoise.synth.pairs import (
    MODERATE_STAINS,
    Pair,
    make_pair,
    make_pair_with_page,
    moderate_damage,
)
from docdenoise.synth.render import CleanPage, render_clean

__all__ = [
    "DEGRADATIONS",
    "MODERATE_STAINS",
    "CleanPage",
    "FontsNotFoundError",
    "Pair",
    "SynthConfig",
    "UnknownDegradationError",
    "degrade",
    "make_pair",
    "make_pair_with_page",
    "moderate_damage",
    "render_clean",
]
