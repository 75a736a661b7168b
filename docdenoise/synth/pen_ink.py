"""Pale pen on the clean page: light ballpoint with uneven pressure, and grainy pencil.

Ballpoint and pencil notes on real forms and letters are often lighter than the stains around
them, and a network that saw pen only as dark, even strokes erases them. These are the looks of
``SynthConfig.pale_pen``: drawn as content, so the clean target keeps them, pale.

A ``ballpoint`` is blue ink scanned in grey: light, thin, its tone rising and falling with the
writer's pressure over a few millimetres, the ball skipping now and then. A ``pencil`` is grey
graphite caught by the paper's tooth in specks, a little darker where pressed harder. Both stay
lighter than ``PALE_DARKEST``: never as dark as print.
"""

from __future__ import annotations

import numpy as np

from docdenoise.synth.degrade.fields import grain, smooth_noise, smoothstep

PALE_KINDS = ("ballpoint", "pencil")
PALE_INK = {"ballpoint": (125, 205), "pencil": (105, 190)}  # grey level of the stroke's core
PALE_WIDTH_MM = {"ballpoint": (0.12, 0.3), "pencil": (0.2, 0.5)}
PALE_DARKEST = 90  # no pale stroke is darker than this grey level (print is 0 to 22)


def pale_pen_style(rng: np.random.Generator, px_per_mm: float) -> tuple[str, float, int]:
    """(kind, width in px, grey ink) of a random pale pen: ballpoint or pencil."""
    kind = PALE_KINDS[int(rng.integers(len(PALE_KINDS)))]
    width = rng.uniform(*PALE_WIDTH_MM[kind]) * px_per_mm
    ink = int(rng.integers(PALE_INK[kind][0], PALE_INK[kind][1] + 1))
    return kind, max(float(width), 0.7), ink


def stroke_tone(
    cover: np.ndarray, ink: int, kind: str, rng: np.random.Generator, ss: int
) -> np.ndarray:
    """Grey levels (uint8, 255 paper) of a pale stroke of ``kind`` whose coverage on the
    supersampled canvas (``ss`` canvas px to a page px) is ``cover``: (h, w) float in [0, 1]."""
    if kind not in PALE_KINDS:
        raise ValueError(f"pen kind must be one of {PALE_KINDS}, got {kind!r}")
    shape = cover.shape
    density = cover * np.float32((255 - ink) / 255.0)
    pressure = np.clip(1.0 + 0.25 * smooth_noise(rng, shape, 14.0 * ss), 0.45, 1.25)
    if kind == "ballpoint":
        skips = smoothstep(-2.0, -1.4, smooth_noise(rng, shape, 2.5 * ss))  # 0 where it skipped
        density *= pressure * (0.3 + 0.7 * skips)
    else:
        tooth = grain(rng, shape, 0.6 * ss)  # graphite caught by the paper's tooth
        density *= pressure * np.clip(0.75 + 0.4 * tooth, 0.1, 1.3)
    darkest = 1.0 - PALE_DARKEST / 255.0
    tone = 255.0 * (1.0 - np.clip(density, 0.0, darkest))
    return (tone + 0.5).astype(np.uint8)
