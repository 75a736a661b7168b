"""Pale pen on a page: its pen work in light ballpoint or pencil, and a few notes beside its text.

Real forms, letters and archive pages carry pencil and pale ballpoint: a file number written in
the top margin and circled, a word underlined, a correction above a printed line, a bracket
beside a paragraph. ``SynthConfig.pale_pen`` draws them as content of the clean page (see
``docdenoise.synth.pen_ink`` for their look), near the text so a window that holds text often
holds them too.
"""

from __future__ import annotations

import dataclasses

import numpy as np

from docdenoise.synth import handwriting
from docdenoise.synth.layouts.common import Style
from docdenoise.synth.pen_ink import pale_pen_style
from docdenoise.synth.scene import PenOp, Point, Scene, ScribbleOp, TextOp

Pen = tuple[str, float, int]  # (kind, width in px, grey ink): one writer's pale pen


def pale_pen_page(scene: Scene, rng: np.random.Generator, style: Style) -> None:
    """Turn all pen work on ``scene`` pale (one writer, one pen: ballpoint or pencil) and add two
    to six pale notes by lines of its text: a line of writing above or beside the print, an
    underline, a circled number, a bracket in the margin."""
    pen = pale_pen_style(rng, scene.px_per_mm)
    kind, width, ink = pen
    for i, op in enumerate(scene.ops):
        if isinstance(op, PenOp):
            seed = int(rng.integers(2**31))
            scene.ops[i] = dataclasses.replace(op, width=width, ink=ink, kind=kind, seed=seed)
        elif isinstance(op, ScribbleOp):
            scene.ops[i] = dataclasses.replace(op, width=width, ink=ink, kind=kind)
    runs = [op for op in scene.ops if isinstance(op, TextOp) and op.size <= 2 * style.size]
    mm = scene.px_per_mm
    for _ in range(int(rng.integers(2, 7))):
        if runs:
            run = runs[int(rng.integers(len(runs)))]
            x, y, size, length = run.x, run.y, run.size, run.width
        else:  # a page without body text: a note anywhere
            x, y = rng.uniform(0.1, 0.6) * scene.width, rng.uniform(0.1, 0.9) * scene.height
            size, length = style.size, 30 * mm
        note = int(rng.integers(4))
        if note == 0:
            _written_line(scene, rng, pen, x, y, size, length)
        elif note == 1:
            _underline(scene, rng, pen, x, y + 0.2 * size, length)
        elif note == 2:
            _circled_number(scene, rng, pen, x + length + rng.uniform(3, 12) * mm, y)
        else:
            _bracket(scene, rng, pen, max(2.0, x - rng.uniform(2, 8) * mm), y - size, style)


def _stroke(curve: np.ndarray) -> list[Point]:
    return [(float(a), float(b)) for a, b in curve]


def _written_line(
    scene: Scene,
    rng: np.random.Generator,
    pen: Pen,
    x: float,
    y: float,
    size: float,
    length: float,
) -> None:
    """A line of handwriting just above a printed line (a correction) or after it."""
    kind, width, ink = pen
    x_height = float(rng.uniform(1.2, 2.8) * scene.px_per_mm)
    if rng.random() < 0.5:
        x, y = x + rng.uniform(0, 0.5) * length, y - 0.75 * size
    else:
        x += length + x_height * rng.uniform(1, 3)
    max_width = rng.uniform(12, 60) * scene.px_per_mm
    scene.scribble(rng, x, y, x_height, max_width, width, ink, kind)


def _underline(
    scene: Scene, rng: np.random.Generator, pen: Pen, x: float, y: float, length: float
) -> None:
    """A hand-drawn underline, wandering a little, under a printed word or line."""
    kind, width, ink = pen
    wobble = 0.4 * scene.px_per_mm
    pts = np.array(
        [
            [x + rng.normal(0, wobble), y + rng.normal(0, wobble)],
            [x + 0.5 * length, y + rng.normal(0, wobble)],
            [x + length + rng.normal(0, 2 * wobble), y + rng.normal(0, 1.5 * wobble)],
        ]
    )
    scene.pen(
        [_stroke(handwriting.catmull_rom(pts, 10))], width, ink, kind, int(rng.integers(2**31))
    )


def _circled_number(scene: Scene, rng: np.random.Generator, pen: Pen, x: float, y: float) -> None:
    """A short word or number written at (x, y) and a loop drawn round it, not quite closed."""
    kind, width, ink = pen
    x_height = float(rng.uniform(1.5, 3.5) * scene.px_per_mm)
    strokes, w = handwriting.cursive_word(rng, x, y, x_height, int(rng.integers(1, 4)))
    cx, cy = x + 0.5 * w, y - 0.6 * x_height
    rx, ry = 0.5 * w + rng.uniform(0.6, 1.2) * x_height, rng.uniform(1.3, 1.9) * x_height
    t = rng.uniform(0, 2 * np.pi) + np.linspace(0, 2 * np.pi * rng.uniform(1.02, 1.15), 14)
    loop = np.stack([cx + rx * np.cos(t), cy + ry * np.sin(t)], axis=1)
    loop += rng.normal(0, 0.06 * ry, loop.shape)
    strokes.append(_stroke(handwriting.catmull_rom(loop, 6)))
    scene.pen(strokes, width, ink, kind, int(rng.integers(2**31)))


def _bracket(
    scene: Scene, rng: np.random.Generator, pen: Pen, x: float, top: float, style: Style
) -> None:
    """A bracket or a line in the margin beside two to six lines of text."""
    kind, width, ink = pen
    bottom = top + style.size * style.leading * rng.uniform(2, 6)
    hook = rng.uniform(0.3, 1.0) * style.size if rng.random() < 0.6 else 0.0
    pts = np.array(
        [
            [x + hook, top],
            [x + rng.normal(0, 0.1 * style.size), 0.5 * (top + bottom)],
            [x + hook, bottom],
        ]
    )
    pts[:, 0] += rng.normal(0, 0.05 * style.size, 3)
    scene.pen(
        [_stroke(handwriting.catmull_rom(pts, 10))], width, ink, kind, int(rng.integers(2**31))
    )
