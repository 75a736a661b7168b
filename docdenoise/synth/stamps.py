"""Rubber stamps: a rectangular or round double outline with a few lines of text, rotated."""

from __future__ import annotations

import numpy as np
from PIL import Image, ImageDraw

from docdenoise.synth import text as corpus_text
from docdenoise.synth.fonts import load_font, pick_face
from docdenoise.synth.scene import StampOp


def make_stamp(rng: np.random.Generator, cx: float, cy: float, px_per_mm: float) -> StampOp:
    """A random stamp centred at (cx, cy): RECEIVED / PAID ... with a date, in light grey ink."""
    is_round = bool(rng.random() < 0.4)
    w = rng.uniform(30, 55) * px_per_mm
    h = w if is_round else w * rng.uniform(0.35, 0.6)
    lines = [corpus_text.choice(rng, "stamps")]
    if rng.random() < 0.8:
        lines.append(corpus_text.date(rng))
    if rng.random() < 0.4:
        lines.append(corpus_text.choice(rng, "companies"))
    face = pick_face(rng, ("sans", "serif", "mono"), bold=bool(rng.random() < 0.7))
    angle = float(rng.normal(0, 8))
    ink = int(rng.integers(90, 175))
    return StampOp(cx, cy, w, h, is_round, tuple(lines), face, angle, ink)


def draw_stamp(op: StampOp, scale: float) -> Image.Image:
    """The stamp at ``scale`` (canvas px per page px), rotated, as an L image on white (255).

    The image is centred on the stamp centre, its size given by the rotated bounding box.
    """
    w, h = op.w * scale, op.h * scale
    img = Image.new("L", (int(w) + 4, int(h) + 4), 255)
    draw = ImageDraw.Draw(img)
    border = max(1, round(0.012 * w))
    box = (2, 2, 2 + w, 2 + h)
    inner = (2 + 3 * border, 2 + 3 * border, 2 + w - 3 * border, 2 + h - 3 * border)
    shape = draw.ellipse if op.round else draw.rectangle
    shape(box, outline=op.ink, width=border)
    shape(inner, outline=op.ink, width=max(1, border // 2))
    usable_w = (inner[2] - inner[0]) * (0.68 if op.round else 0.9)
    size = (inner[3] - inner[1]) / (len(op.lines) + 1.2)
    y = 0.5 * (inner[1] + inner[3]) - 0.5 * size * (len(op.lines) - 1) * 1.15
    for k, line in enumerate(op.lines):
        line_size = size * (1.0 if k == 0 else 0.7)
        font = load_font(op.face.path, max(4, round(line_size)))
        length = font.getlength(line)
        if length > usable_w:
            font = load_font(op.face.path, max(4, round(line_size * usable_w / length)))
        draw.text((2 + 0.5 * w, y), line, font=font, fill=op.ink, anchor="mm")
        y += size * 1.15
    return img.rotate(op.angle, resample=Image.Resampling.BILINEAR, expand=True, fillcolor=255)
