"""Synthetic training data: clean pages drawn from fonts and a bundled corpus, spoiled by small
pure degradation functions (stains, creases, bleed-through, faded ink, scanner noise, ...).

Bottom to top: ``degradation_names`` and ``config``; ``render`` (with ``layouts``) draws clean
pages; ``degrade`` holds the pure degradations; ``mix`` picks a random mix of them and draws
what they need (the back page of bleed-through); ``pairs`` makes noisy/clean pairs from both.

No torch and no Qt here: the generator is numpy and Pillow only, seeded and reproducible.
"""

from docdenoise.synth.config import SynthConfig
from docdenoise.synth.degradation_names import UnknownDegradationError
from docdenoise.synth.degrade import DEGRADATIONS
from docdenoise.synth.fonts import FontsNotFoundError
from docdenoise.synth.mix import degrade
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
