"""Paper degradations: yellowed or grey paper, fibre texture, watermark-like patterns."""

from __future__ import annotations

import numpy as np
from PIL import Image, ImageDraw

from docdenoise.synth import text as corpus_text
from docdenoise.synth.degrade.fields import (
    FloatArray,
    finish,
    fractal_noise,
    gaussian_blur,
    grain,
    pick,
    pick_log,
    smooth_noise,
)
from docdenoise.synth.fonts import load_font, pick_face


def paper_tone(
    page: FloatArray,
    rng: np.random.Generator,
    *,
    paper: float | None = None,
    contrast: float | None = None,
) -> FloatArray:
    """Yellowed, grey or aged paper scanned in grey, with lifted blacks and blotchy ageing.

    ``paper``: grey level of the paper (0.4 dark old paper .. 0.97 nearly white). ``contrast``:
    fraction of the paper level the ink is below it (0.45 washed out .. 1.0 ink stays black).
    """
    paper = pick(rng, paper, 0.4, 0.97)
    contrast = pick(rng, contrast, 0.45, 1.0)
    black = paper * (1.0 - contrast)
    level = paper * (
        1.0 + rng.uniform(0.01, 0.08) * fractal_noise(rng, page.shape, rng.uniform(60, 400), 4)
    )
    if rng.random() < 0.5:  # foxing-like faint darker spots of ageing
        spots = np.clip(smooth_noise(rng, page.shape, rng.uniform(5, 25)) - 2.2, 0.0, None)
        level = level * (1.0 - rng.uniform(0.03, 0.15) * spots)
    return finish(black + (level - black) * page)


def _fibres(rng: np.random.Generator, shape: tuple[int, int], density: float) -> FloatArray:
    """Short curved fibres, dark (+) and light (-), as a signed field about 1 px wide."""
    h, w = shape
    dark = Image.new("L", (w, h), 0)
    light = Image.new("L", (w, h), 0)
    d_draw, l_draw = ImageDraw.Draw(dark), ImageDraw.Draw(light)
    n = int(density * h * w / 1000.0)
    x, y = rng.uniform(0, w, n), rng.uniform(0, h, n)
    length, bend = rng.uniform(4, 50, n), rng.normal(0, 0.5, n)
    a = rng.uniform(0, np.pi, n)[:, None] + bend[:, None] * np.linspace(0, 1, 6)[None, :]
    xs = x[:, None] + np.cumsum(np.cos(a), axis=1) * (length / 6)[:, None]
    ys = y[:, None] + np.cumsum(np.sin(a), axis=1) * (length / 6)[:, None]
    pts = np.stack([xs, ys], axis=2).reshape(n, -1)
    is_dark, fills = rng.random(n) < 0.6, rng.integers(60, 256, n)
    for k in range(n):
        draw = d_draw if is_dark[k] else l_draw
        draw.line(pts[k].tolist(), fill=int(fills[k]), width=1)
    field = (np.asarray(dark, np.float32) - np.asarray(light, np.float32)) / 255.0
    return gaussian_blur(field, 0.5)


def paper_texture(
    page: FloatArray,
    rng: np.random.Generator,
    *,
    amount: float | None = None,
) -> FloatArray:
    """Paper fibre texture: fine grain, visible fibres, cloudy formation, sometimes laid lines
    or a streaky machine direction. ``amount``: relative standard deviation of the texture
    (0.01 smooth office paper .. 0.2 coarse old or laid paper, whose striations a thresholded
    scan turns into dashes as dark as thin strokes: real printed pages of the 1900s show it)."""
    amount = pick_log(rng, amount, 0.01, 0.2)
    shape = page.shape
    tex = rng.uniform(0.3, 1.0) * grain(rng, shape, rng.uniform(0.5, 1.2))
    tex += rng.uniform(0.3, 1.0) * fractal_noise(rng, shape, rng.uniform(8, 60), 3)
    if rng.random() < 0.7:
        tex += rng.uniform(1.0, 4.0) * _fibres(rng, shape, rng.uniform(0.2, 2.0))
    if rng.random() < 0.45:  # streaks along the machine direction (long thin cloudiness)
        streak_scale = (rng.uniform(1.5, 4.0), rng.uniform(40, 200))
        streaks = smooth_noise(
            rng, shape, streak_scale if rng.random() < 0.7 else streak_scale[::-1]
        )
        tex += rng.uniform(0.5, 2.0) * streaks
    if rng.random() < 0.3:  # laid lines of hand-made paper
        period = rng.uniform(6, 30)
        ys = np.arange(shape[0], dtype=np.float32)[:, None] + 2.0 * smooth_noise(
            rng, (1, shape[1]), (1, 200)
        )
        tex += rng.uniform(0.5, 1.5) * np.cos(2 * np.pi * ys / period).astype(np.float32)
    tex /= max(float(tex.std()), 1e-6)
    return finish(page * (1.0 - amount * tex))


def _watermark_image(
    rng: np.random.Generator, size_wh: tuple[int, int], centre: tuple[float, float], size: int
) -> Image.Image:
    """An L image (255 = mark) with a big word, outlined or solid, or a ringed monogram."""
    mark = Image.new("L", size_wh, 0)
    draw = ImageDraw.Draw(mark)
    if rng.random() < 0.7:
        face = pick_face(rng, ("serif", "sans"), bold=bool(rng.random() < 0.7))
        outline = rng.random() < 0.35
        draw.text(
            centre,
            corpus_text.choice(rng, "watermarks"),
            anchor="mm",
            font=load_font(face.path, max(8, size // 2)),
            fill=0 if outline else 255,
            stroke_width=max(1, size // 60) if outline else 0,
            stroke_fill=255,
        )
        return mark
    cx, cy = centre
    r = size / 2
    for k in range(int(rng.integers(1, 4))):
        rr = r * (1 - 0.18 * k)
        draw.ellipse((cx - rr, cy - rr, cx + rr, cy + rr), outline=255, width=max(2, size // 30))
    initials = "".join(corpus_text.choice(rng, "surnames")[0] for _ in range(2))
    font = load_font(pick_face(rng, "serif", bold=True).path, max(8, int(r)))
    draw.text(centre, initials, font=font, anchor="mm", fill=255)
    return mark


def watermark(
    page: FloatArray,
    rng: np.random.Generator,
    *,
    strength: float | None = None,
) -> FloatArray:
    """A large faint watermark or background print: a word or a round logo, rotated, textured.

    ``strength``: darkening at the mark (0.03 barely .. 0.25 plain to see); one in five is a
    paper watermark that shows lighter than the paper instead.
    """
    strength = pick(rng, strength, 0.03, 0.25)
    h, w = page.shape
    size = int(rng.uniform(0.15, 0.6) * max(h, w) * rng.uniform(0.5, 1.5))
    cx, cy = rng.uniform(0.2, 0.8) * w, rng.uniform(0.2, 0.8) * h
    mark = _watermark_image(rng, (w, h), (cx, cy), size)
    mark = mark.rotate(
        float(rng.uniform(-60, 60)), resample=Image.Resampling.BILINEAR, center=(cx, cy)
    )
    m = gaussian_blur(np.asarray(mark, np.float32) / 255.0, rng.uniform(0.5, 3.0))
    m *= np.clip(1.0 + 0.4 * fractal_noise(rng, page.shape, rng.uniform(4, 20), 3), 0.0, 2.0)
    sign = -1.0 if rng.random() < 0.2 else 1.0
    return finish(page * (1.0 - sign * strength * m))
