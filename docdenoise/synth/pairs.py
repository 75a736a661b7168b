"""Noisy/clean training pairs, each fully reproducible from one integer seed."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from docdenoise.synth.config import SynthConfig
from docdenoise.synth.degrade import degrade
from docdenoise.synth.render import CleanPage, render_clean


@dataclass
class Pair:
    """A pixel-aligned pair: ``noisy`` and ``clean`` are (H, W) float32 in [0, 1]."""

    noisy: np.ndarray
    clean: np.ndarray
    degradations: tuple[str, ...]
    seed: int


def make_pair_with_page(
    seed: int,
    height: int = 512,
    width: int = 512,
    *,
    config: SynthConfig = SynthConfig(),  # noqa: B008 (frozen, so a shared default is safe)
    only: Sequence[str] | None = None,
) -> tuple[Pair, CleanPage]:
    """Like `make_pair`, also returning the clean page (its text, small_ink, dpi and layout).

    ``only``: apply exactly these degradations instead of a random mix (see `degrade`).
    """
    page_seq, noise_seq = np.random.SeedSequence(seed).spawn(2)
    page = render_clean(np.random.default_rng(page_seq), height, width, config=config)
    noisy, names = degrade(page.pixels, np.random.default_rng(noise_seq), config=config, only=only)
    return Pair(noisy, page.pixels, names, seed), page


def make_pair(
    seed: int,
    height: int = 512,
    width: int = 512,
    *,
    config: SynthConfig = SynthConfig(),  # noqa: B008
) -> Pair:
    """A random clean window and its degraded copy. The same seed and config give the same pair;
    the clean page does not depend on the degradations drawn (separate random streams)."""
    return make_pair_with_page(seed, height, width, config=config)[0]
