"""Handwriting-like pen strokes: smooth spline scribbles, signatures, ticks and crosses.

Strokes are lists of points in page pixels; `Scene.pen` draws them with a round pen. They are
not letters, only shaped like cursive writing: loops, ascenders, descenders, a slant and a
slightly wandering baseline, which is what a denoiser has to learn to keep.
"""

from __future__ import annotations

import numpy as np

from docdenoise.synth.scene import Point

PEN_INKS = (40, 150)  # blue or black ballpoint and pencil seen in grey


def catmull_rom(points: np.ndarray, per_segment: int = 8) -> np.ndarray:
    """A smooth curve through ``points`` (N, 2): a uniform Catmull-Rom spline."""
    if len(points) < 3:
        return points
    p = np.vstack([points[:1], points, points[-1:]])
    p0, p1, p2, p3 = p[:-3, None], p[1:-2, None], p[2:-1, None], p[3:, None]  # (S, 1, 2)
    t = np.linspace(0.0, 1.0, per_segment, endpoint=False)[None, :, None]  # (1, T, 1)
    curve = 0.5 * (
        2 * p1
        + (p2 - p0) * t
        + (2 * p0 - 5 * p1 + 4 * p2 - p3) * t * t
        + (3 * p1 - p0 - 3 * p2 + p3) * t * t * t
    )
    return np.vstack([curve.reshape(-1, 2), points[-1:]])


def _as_stroke(curve: np.ndarray) -> list[Point]:
    return [(x, y) for x, y in curve.tolist()]


# Letter shapes as key points (dx, dy) in units of (letter width, x-height), y up from baseline.
_LETTERS: dict[str, tuple[tuple[float, float], ...]] = {
    "arch": ((0.15, 1.0), (0.5, 1.05), (0.65, 0.0)),  # n, m, h
    "loop": ((0.6, 2.3), (0.35, 2.0), (0.4, 0.0)),  # l, b, k
    "round": ((0.55, 1.0), (0.1, 0.5), (0.45, 0.0), (0.75, 0.9), (0.85, 0.0)),  # o, a, d
    "eye": ((0.55, 0.8), (0.3, 0.9), (0.25, 0.3), (0.7, 0.0)),  # e
    "cup": ((0.1, 1.0), (0.35, 0.0), (0.7, 1.0), (0.85, 0.0)),  # u, w
    "tail": ((0.5, 1.0), (0.55, -1.0), (0.2, -0.8), (0.75, 0.05)),  # g, y, j
}
_LETTER_P = {"arch": 0.22, "loop": 0.16, "round": 0.2, "eye": 0.16, "cup": 0.16, "tail": 0.1}


def cursive_word(
    rng: np.random.Generator, x: float, y: float, x_height: float, letters: int
) -> tuple[list[list[Point]], float]:
    """A cursive-looking word with its baseline at ``y``; returns (strokes, width)."""
    slant = rng.uniform(0.1, 0.45)
    names = list(_LETTER_P)
    kinds = rng.choice(len(names), size=letters, p=list(_LETTER_P.values()))
    keys: list[tuple[float, float]] = [(x, y - 0.15 * x_height)]
    cx = x
    for k in kinds:
        w = x_height * rng.uniform(0.6, 1.0)
        for dx, dy in _LETTERS[names[int(k)]]:
            h = dy * x_height * rng.uniform(0.85, 1.15)
            keys.append((cx + dx * w + slant * h, y - h))
        cx += w
    pts = np.asarray(keys, dtype=np.float64)
    pts += rng.normal(0, 0.06 * x_height, pts.shape)
    pts[:, 1] += np.cumsum(rng.normal(0, 0.03 * x_height, len(pts)))  # wandering baseline
    strokes = [_as_stroke(catmull_rom(pts, 8))]
    if rng.random() < 0.4:  # an i-dot or a t-bar
        dx = x + rng.uniform(0.2, 0.8) * (cx - x)
        length = x_height * (0.15 if rng.random() < 0.6 else 0.9)
        bar = np.array([[dx, y - 1.5 * x_height], [dx + length, y - 1.55 * x_height]])
        strokes.append(_as_stroke(bar))
    return strokes, cx - x


def handwritten_line(
    rng: np.random.Generator, x: float, y: float, x_height: float, max_width: float
) -> list[list[Point]]:
    """Several cursive words on one line, no wider than ``max_width``."""
    strokes: list[list[Point]] = []
    cx = x
    while True:
        letters = int(rng.integers(2, 9))
        if cx + letters * x_height * 0.8 > x + max_width:
            break
        word, width = cursive_word(rng, cx, y, x_height, letters)
        strokes += word
        cx += width + x_height * rng.uniform(0.8, 1.6)
    return strokes


def signature(rng: np.random.Generator, x: float, y: float, width: float) -> list[list[Point]]:
    """A signature about ``width`` wide, baseline at ``y``: a big capital, a run, a flourish."""
    h = width * rng.uniform(0.12, 0.22)
    t = np.linspace(0, 2 * np.pi * rng.uniform(0.8, 1.2), 24)
    cap = np.stack(
        [x + 0.18 * h * np.sin(t) + 0.5 * h * t / (2 * np.pi), y - h * 0.5 * (1 - np.cos(t))], 1
    )
    cap[:, 0] += 0.35 * (y - cap[:, 1])  # slant
    strokes = [_as_stroke(catmull_rom(cap, 3))]
    run, run_w = cursive_word(rng, x + 0.6 * h, y, 0.45 * h, int(rng.integers(4, 9)))
    strokes += run
    if rng.random() < 0.8:  # flourish under the name
        end = x + 0.6 * h + run_w
        fl = np.array(
            [
                [end, y - 0.1 * h],
                [end + 0.1 * h, y + 0.25 * h],
                [x + rng.uniform(0.2, 0.5) * width, y + rng.uniform(0.25, 0.45) * h],
                [x - 0.05 * width, y + rng.uniform(0.1, 0.3) * h],
            ]
        )
        fl += rng.normal(0, 0.04 * h, fl.shape)
        strokes.append(_as_stroke(catmull_rom(fl, 14)))
    return strokes


def tick(rng: np.random.Generator, box: tuple[float, float, float, float]) -> list[list[Point]]:
    """A tick (check mark) or a cross over a checkbox, a little larger than the box."""
    x0, y0, x1, y1 = box
    s = x1 - x0
    j = rng.normal(0, 0.06 * s, 8)
    if rng.random() < 0.6:
        pts = np.array(
            [
                [x0 + 0.1 * s + j[0], y0 + 0.5 * s + j[1]],
                [x0 + 0.4 * s + j[2], y1 - 0.05 * s],
                [x1 + 0.3 * s + j[3], y0 - 0.35 * s + j[4]],
            ]
        )
        return [_as_stroke(catmull_rom(pts, 6))]
    a = np.array([[x0 + j[0], y0 + j[1]], [x1 + j[2], y1 + j[3]]])
    b = np.array([[x1 + j[4], y0 + j[5]], [x0 + j[6], y1 + j[7]]])
    return [_as_stroke(a), _as_stroke(b)]


def pen_style(rng: np.random.Generator, px_per_mm: float) -> tuple[float, int]:
    """(width in px, grey ink) of a random pen: blue/black ballpoint, felt tip or pencil."""
    width = rng.uniform(0.18, 0.45) * px_per_mm
    ink = int(rng.integers(PEN_INKS[0], PEN_INKS[1]))
    return max(width, 1.0), ink


def x_height(rng: np.random.Generator, px_per_mm: float) -> float:
    """The x-height of someone's handwriting in px: 1.5 to 3.5 mm."""
    return float(rng.uniform(1.5, 3.5) * px_per_mm)
