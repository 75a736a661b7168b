"""Ink degradations: faded and broken strokes, ink bleed, and bleed-through from the back."""

from __future__ import annotations

import numpy as np

from docdenoise.synth.degrade.fields import (
    FloatArray,
    finish,
    gaussian_blur,
    grain,
    pick,
    smooth_noise,
    smoothstep,
)

BLEED_THROUGH_STRENGTH = (0.06, 0.7)  # bleed_through's strength when not given
BLEED_THROUGH_SIGMA = (0.3, 3.0)  # px: bleed_through's blur of the back when not given


def faded_ink(
    page: FloatArray,
    rng: np.random.Generator,
    *,
    keep: float | None = None,
    dropout: float | None = None,
) -> FloatArray:
    """Faded, low-toner or worn-type ink: strokes lifted toward the paper, unevenly, and broken.

    ``keep``: fraction of the ink density left (0.25 very faded .. 0.9 slightly). ``dropout``:
    how much of each stroke breaks away in grainy gaps (0 none .. 0.6 heavy).
    """
    keep = pick(rng, keep, 0.25, 0.9)
    dropout = pick(rng, dropout, 0.0, 0.6) if rng.random() < 0.7 or dropout is not None else 0.0
    ink = 1.0 - page
    uneven = 1.0 + 0.3 * smooth_noise(rng, page.shape, rng.uniform(40, 400))
    level = np.clip(keep * uneven, 0.08, 1.0)
    if dropout > 0:
        g = grain(rng, page.shape, rng.uniform(0.6, 1.6))
        level = level * (
            1.0 - dropout * smoothstep(0.2, 1.4, g + smooth_noise(rng, page.shape, 30))
        )
    # thin parts and edges fade first: raise the ink density to a power above one
    gamma = rng.uniform(1.0, 1.8)
    return finish(1.0 - level * ink**gamma)


def ink_bleed(
    page: FloatArray,
    rng: np.random.Generator,
    *,
    sigma: float | None = None,
    gain: float | None = None,
) -> FloatArray:
    """Ink spread into the paper: strokes thicker with soft, feathery edges; counters fill in.

    ``sigma``: spread in px (0.5..1.8). ``gain``: how strongly the spread darkens (1.2..2.3).
    """
    sigma = pick(rng, sigma, 0.5, 1.8)
    gain = pick(rng, gain, 1.2, 2.3)
    ink = 1.0 - page
    spread = gaussian_blur(ink, sigma) * gain
    spread *= 1.0 + 0.35 * grain(rng, page.shape, 0.7)  # feathering along paper fibres
    return finish(1.0 - np.maximum(ink, np.clip(spread, 0.0, 1.0)))


def _front_ink(page: FloatArray) -> float:
    """How dark the front's own ink is: 1 for full black, down to 0.25 for faded ink.

    The 5th percentile of the inked pixels; a window that caught only margin gets the press's
    full black (1.0), since the rest of its page has ink somewhere.
    """
    ink = page[page < 0.9]
    if ink.size < 50:
        return 1.0
    return float(np.clip(1.0 - np.percentile(ink, 5), 0.25, 1.0))


def bleed_through(
    page: FloatArray,
    rng: np.random.Generator,
    *,
    back: FloatArray,
    strength: float | None = None,
    sigma: float | None = None,
) -> FloatArray:
    """Show-through and bleed-through: the other side's text, mirrored, blurred, fainter.

    ``back`` is a clean (H, W) page for the other side of the sheet, as drawn (the random mix
    renders one with ``docdenoise.synth.mix.back_page``). It is flipped left-right, blurred by
    ``sigma`` px (0.3..3) and multiplied in at ``strength`` (0.06 barely visible .. 0.7 nearly
    as dark as the front) times the front's own ink density: both sides were printed with the
    same ink and have aged together, and the back shows through the sheet, so it is never
    darker than 0.85 of the front's ink. (A back drawn at full strength behind faded front ink
    would be darker than the text to keep, which no real sheet shows, and would teach a model
    that darkness does not tell the two sides apart.)
    """
    if back.shape != page.shape:
        raise ValueError(f"back page must be {page.shape} like the front, got {back.shape}")
    strength = pick(rng, strength, *BLEED_THROUGH_STRENGTH)
    sigma = pick(rng, sigma, *BLEED_THROUGH_SIGMA)
    front = _front_ink(page)
    back = back[:, ::-1]
    if rng.random() < 0.3:  # the sheet was turned over top to bottom
        back = back[::-1, :]
    shift = (int(rng.integers(-20, 21)), int(rng.integers(-20, 21)))
    back_ink = gaussian_blur(1.0 - np.roll(back, shift, axis=(0, 1)), sigma)
    uneven = np.clip(1.0 + 0.35 * smooth_noise(rng, page.shape, rng.uniform(60, 300)), 0.3, 1.7)
    level = np.clip(strength * uneven, 0.0, 0.85) * front
    return finish(page * (1.0 - level * back_ink))
