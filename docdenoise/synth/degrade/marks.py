"""Dirt on the page: footprints, smudges and fingerprints, dust and speckle.

Footprints and smudges are large faint textured patterns (tread blocks, ridges, half-tone-like
dots, smeared ink), never uniform grey; specks are small blobs of many sizes, not lone pixels.
"""

from __future__ import annotations

import numpy as np
from PIL import Image, ImageDraw

from docdenoise.synth.degrade.fields import (
    FloatArray,
    finish,
    fractal_noise,
    gaussian_blur,
    grain,
    pick,
    pick_log,
    point_near,
    smooth_noise,
    smoothstep,
    until_visible,
)


def _tread(rng: np.random.Generator, u: FloatArray, v: FloatArray, period: float) -> FloatArray:
    """A sole pattern 0..1 in sole coordinates (u along, v across): bars, chevrons, blocks, dots."""
    kind = int(rng.integers(4))
    k = 2 * np.pi / period
    if kind == 0:
        return smoothstep(0.1, 0.5, np.sin(k * u))
    if kind == 1:
        return smoothstep(0.0, 0.5, np.sin(k * (u + 0.6 * np.abs(v))))
    if kind == 2:
        return smoothstep(0.1, 0.5, np.sin(k * u)) * smoothstep(0.1, 0.5, np.sin(k * v * 0.8))
    su = np.sin(0.5 * k * u) * np.sin(0.5 * k * v)  # half-tone-like dot screen
    return smoothstep(0.35, 0.75, np.abs(su))


def footprint(
    page: FloatArray,
    rng: np.random.Generator,
    *,
    strength: float | None = None,
) -> FloatArray:
    """A dusty shoe print: a sole outline filled with a partly printed tread pattern.

    ``strength``: darkness where the sole touched (0.04 faint .. 0.35 muddy).
    """
    strength = pick(rng, strength, 0.04, 0.35)
    mark = until_visible(lambda: _sole_print(rng, page.shape))
    return finish(page * (1.0 - strength * mark))


def _sole_print(rng: np.random.Generator, shape: tuple[int, int]) -> FloatArray:
    """Darkness 0..~1.5 of part of a shoe print over the window."""
    h, w = shape
    length = rng.uniform(1500, 4500)  # 25-30 cm at 150-400 dpi
    angle = rng.uniform(0, 2 * np.pi)
    u0, v0 = rng.uniform(-0.8, 0.5) * 0.5 * length, rng.uniform(-0.1, 0.1) * length  # on the sole
    px, py = rng.uniform(0, w), rng.uniform(0, h)
    cx = px - u0 * np.cos(angle) + v0 * np.sin(angle)
    cy = py - u0 * np.sin(angle) - v0 * np.cos(angle)
    ys = np.arange(h, dtype=np.float32)[:, None] - cy
    xs = np.arange(w, dtype=np.float32)[None, :] - cx
    u = xs * np.cos(angle) + ys * np.sin(angle)
    v = -xs * np.sin(angle) + ys * np.cos(angle)
    half = 0.5 * length
    fore = ((u - 0.15 * half) / (0.85 * half)) ** 2 + (v / (0.2 * length)) ** 2
    heel = ((u + 0.7 * half) / (0.3 * half)) ** 2 + (v / (0.15 * length)) ** 2
    sole = smoothstep(1.05, 0.9, np.minimum(fore, heel))
    pattern = _tread(rng, u, v, rng.uniform(0.01, 0.04) * length)
    noise = fractal_noise(rng, shape, rng.uniform(40, 200), 4)
    contact = smoothstep(-0.6, 0.6, noise + rng.uniform(-0.3, 0.8))
    dirt = np.clip(1.0 + 0.6 * grain(rng, shape, rng.uniform(0.7, 2.0)), 0.0, None)
    return gaussian_blur(sole * pattern * contact, rng.uniform(0.5, 2.0)) * dirt


def _fingerprint(rng: np.random.Generator, shape: tuple[int, int]) -> FloatArray:
    """Greasy fingerprint ridges 0..1 in a soft oval."""
    h, w = shape
    size = rng.uniform(90, 260)
    cx, cy = point_near(rng, shape, 0.3 * size)
    ys = np.arange(h, dtype=np.float32)[:, None] - cy
    xs = np.arange(w, dtype=np.float32)[None, :] - cx
    a = rng.uniform(0, np.pi)
    u, v = xs * np.cos(a) + ys * np.sin(a), (-xs * np.sin(a) + ys * np.cos(a)) * 0.75
    r = np.sqrt(u * u + v * v) + 0.08 * size * fractal_noise(rng, shape, size / 4, 2)
    ridges = 0.6 + 0.4 * np.sin(2 * np.pi * r / rng.uniform(3.5, 9.0))
    oval = smoothstep(0.5 * size, 0.35 * size, np.sqrt(u * u + (v * 1.3) ** 2))
    return ridges * oval


def smudge(
    page: FloatArray,
    rng: np.random.Generator,
    *,
    strength: float | None = None,
) -> FloatArray:
    """Smudges: ink smeared sideways by a hand, greasy fingerprints, streaky dirt rubs.

    ``strength``: darkness of the smudge (0.05 faint .. 0.45 dirty).
    """
    strength = pick(rng, strength, 0.05, 0.45)
    mark = until_visible(lambda: _smudge_mark(rng, page))
    return finish(page * (1.0 - strength * np.clip(mark, 0.0, 1.5)))


def _smear(ink: FloatArray, length: float, angle: float) -> FloatArray:
    """``ink`` dragged ``length`` px one way along ``angle``, fading with distance."""
    h, w = ink.shape
    n = max(2, int(length))
    padded = np.pad(ink, n, mode="constant")
    out = np.zeros_like(ink)
    total = 0.0
    for t in range(1, n + 1):
        weight = float(np.exp(-2.0 * t / n))
        dy, dx = round(t * np.sin(angle)), round(t * np.cos(angle))
        out += weight * padded[n - dy : n - dy + h, n - dx : n - dx + w]
        total += weight
    return out / np.float32(total)


def _smudge_mark(rng: np.random.Generator, page: FloatArray) -> FloatArray:
    """Darkness of one to two kinds of smudge over the window."""
    shape = page.shape
    area = smoothstep(
        0.3, 1.2, fractal_noise(rng, shape, rng.uniform(60, 300), 3) + rng.uniform(-0.2, 0.7)
    )
    mark = np.zeros(shape, np.float32)
    for kind in rng.permutation(3)[: int(rng.integers(1, 3))]:
        if kind == 0:  # ink smeared one way by a hand
            paper = max(float(np.percentile(page, 95)), 1e-3)
            ink = np.clip(1.0 - page / paper, 0.0, 1.0)
            mark += (
                2.5
                * gaussian_blur(_smear(ink, rng.uniform(4, 30), rng.uniform(0, 2 * np.pi)), 1.0)
                * area
            )
        elif kind == 1:
            for _ in range(int(rng.integers(1, 4))):
                mark += rng.uniform(0.2, 0.6) * _fingerprint(rng, shape)
        else:  # dirt rubbed in streaks
            sc = (rng.uniform(3, 10), rng.uniform(30, 150))
            streak = smooth_noise(rng, shape, sc if rng.random() < 0.5 else sc[::-1])
            mark += area * np.clip(0.7 + 0.3 * streak, 0.0, None)
    return mark * np.clip(1.0 + 0.4 * grain(rng, shape, 1.0), 0.0, None)


def salt_pepper(
    page: FloatArray,
    rng: np.random.Generator,
    *,
    density: float | None = None,
) -> FloatArray:
    """Dust, toner specks and pinholes: dark specks of many sizes on the paper, pale dropouts
    in the ink, and some single-pixel impulses. ``density``: specks per pixel (1e-5 .. 3e-3)."""
    density = pick_log(rng, density, 1e-5, 3e-3)
    h, w = page.shape
    n = max(1, int(rng.poisson(density * h * w)))
    specks = Image.new("L", (w, h), 0)
    draw = ImageDraw.Draw(specks)
    sizes = np.clip(rng.pareto(2.5, n) * 0.7 + 0.4, 0.4, 4.0)
    for x, y, s, g in zip(
        rng.uniform(0, w, n), rng.uniform(0, h, n), sizes, rng.integers(50, 240, n), strict=True
    ):
        sx, sy = s * rng.uniform(0.6, 1.4), s * rng.uniform(0.6, 1.4)
        draw.ellipse((x - sx, y - sy, x + sx, y + sy), fill=int(g))
    dark = gaussian_blur(np.asarray(specks, np.float32) / 255.0, 0.4)
    out = page * (1.0 - np.clip(dark, 0.0, 1.0))
    holes = rng.random((h, w)) < density * rng.uniform(0.2, 2.0)  # pale dropouts in strokes
    out = np.where(holes, np.maximum(out, rng.uniform(0.5, 1.0)), out)
    impulses = rng.random((h, w)) < density * rng.uniform(0.0, 0.5)
    out = np.where(impulses, rng.integers(0, 2, (h, w)).astype(np.float32), out)
    return finish(out)
