"""Folds, creases and crumpled paper, seen by a scanner lamp from one side.

A fold is a thin dark wavy core line with a bright shoulder on one side and a dark one on the
other; it crosses text, and where the toner cracked it leaves a pale hairline through strokes.
Crumpled paper is a dense network of short fine crease lines between facets that each catch
the light differently, at several scales at once.
"""

from __future__ import annotations

import numpy as np

from docdenoise.synth.degrade.fields import (
    FloatArray,
    finish,
    fractal_noise,
    grain,
    noise_1d,
    pick,
    resize,
    smooth_noise,
)


def _fold_profile(rng: np.random.Generator, d: FloatArray, strength: float) -> FloatArray:
    """Relative brightness change across a fold at signed distance ``d`` px from its core."""
    core_w = rng.uniform(0.5, 1.6)
    side = 1.0 if rng.random() < 0.5 else -1.0
    bright_w, dark_w = rng.uniform(2, 10), rng.uniform(3, 30)
    sd = side * d
    core = -rng.uniform(0.4, 1.0) * np.exp(-((d / core_w) ** 2))
    bright = rng.uniform(0.2, 0.6) * np.exp(-(((sd - 1.5 * core_w - bright_w) / bright_w) ** 2))
    dark = -rng.uniform(0.3, 0.8) * np.exp(-np.maximum(-sd, 0) / dark_w) * (sd < 0)
    return (strength * (core + bright + dark)).astype(np.float32)


def fold(
    page: FloatArray,
    rng: np.random.Generator,
    *,
    strength: float | None = None,
    count: int | None = None,
) -> FloatArray:
    """One to three folds or creases across the page (mostly near horizontal or vertical).

    ``strength``: contrast of the fold (0.05 faint .. 0.5 deep crease).
    """
    strength = pick(rng, strength, 0.05, 0.5)
    count = int(rng.integers(1, 4)) if count is None else count
    out = page.astype(np.float32, copy=True)
    for _ in range(count):
        _one_fold(out, rng, strength)
    return finish(out)


def _one_fold(out: FloatArray, rng: np.random.Generator, strength: float) -> None:
    """Apply one fold to ``out`` in place, computing only the band it darkens or lightens."""
    h, w = out.shape
    base = 0.0 if rng.random() < 0.5 else np.pi / 2
    tilt = rng.normal(0, 0.03) if rng.random() < 0.7 else rng.uniform(-np.pi / 2, np.pi / 2)
    angle = base + tilt
    nx, ny = -np.sin(angle), np.cos(angle)
    px, py = rng.uniform(0, w), rng.uniform(0, h)
    ys = np.arange(h, dtype=np.float32)[:, None]
    xs = np.arange(w, dtype=np.float32)[None, :]
    near = np.abs((xs - px) * nx + (ys - py) * ny) < 160.0  # the profile is flat beyond
    rows, cols = np.flatnonzero(near.any(axis=1)), np.flatnonzero(near.any(axis=0))
    if rows.size == 0:
        return
    band = (slice(int(rows[0]), int(rows[-1]) + 1), slice(int(cols[0]), int(cols[-1]) + 1))
    bx, by = xs[:, band[1]], ys[band[0], :]
    along = (bx - px) * np.cos(angle) + (by - py) * np.sin(angle)
    d = (bx - px) * nx + (by - py) * ny
    n = int(np.hypot(h, w)) + 2
    t = np.clip((along + n / 2).astype(np.int32), 0, n - 1)
    d = d + rng.uniform(0.3, 4.0) * noise_1d(rng, n, rng.uniform(40, 300))[t]
    envelope = np.clip(0.7 + 0.6 * noise_1d(rng, n, rng.uniform(100, 600)), 0.1, 1.3)[t]
    part = out[band]
    if rng.random() < 0.4:  # toner cracked along the fold: pale hairline through the ink
        crack = np.exp(-((d / rng.uniform(0.4, 0.9)) ** 2)) * (grain(rng, d.shape, 0.8) > 0)
        part = part + (1.0 - part) * rng.uniform(0.3, 0.9) * crack
    out[band] = part * (1.0 + envelope * _fold_profile(rng, d, strength))


def _worley(
    rng: np.random.Generator, shape: tuple[int, int], cell: float
) -> tuple[FloatArray, FloatArray]:
    """(F2 - F1 distance in px, value of the nearest cell) of jittered-grid Worley noise.

    Pixels are grouped by cell, (gh, c, gw, c), so the 3x3 neighbour search is broadcasting.
    """
    h, w = shape
    c = max(2, round(cell))
    gh, gw = -(-h // c), -(-w // c)
    jy, jx = rng.random((gh + 2, gw + 2)), rng.random((gh + 2, gw + 2))
    value = rng.standard_normal((gh + 2, gw + 2)).astype(np.float32)
    a = np.arange(c, dtype=np.float32) + 0.5
    f1 = np.full((gh, c, gw, c), np.inf, np.float32)
    f2 = f1.copy()
    v1 = np.zeros_like(f1)
    for dy in (-1, 0, 1):
        for dx in (-1, 0, 1):
            sl = (slice(1 + dy, 1 + dy + gh), slice(1 + dx, 1 + dx + gw))
            ddx = ((dx + jx[sl]) * c).astype(np.float32)[:, None, :, None] - a[None, None, None, :]
            ddy = ((dy + jy[sl]) * c).astype(np.float32)[:, None, :, None] - a[None, :, None, None]
            d = np.sqrt(ddx * ddx + ddy * ddy)
            v1 = np.where(d < f1, value[sl][:, None, :, None], v1)
            f2 = np.minimum(f2, np.maximum(f1, d))
            f1 = np.minimum(f1, d)
    gap = (f2 - f1).reshape(gh * c, gw * c)[:h, :w]
    return gap, v1.reshape(gh * c, gw * c)[:h, :w]


def _crease_network(
    rng: np.random.Generator, shape: tuple[int, int], cell: float
) -> tuple[FloatArray, FloatArray]:
    """(crease line darkness 0..1, facet shading ~N(0,1)) at one scale; coarse cells are
    computed at reduced resolution and upsampled (the distances stay smooth)."""
    h, w = shape
    f = 2 if cell >= 8 and min(h, w) >= 64 else 1
    sh, sw = -(-h // f), -(-w // f)
    gap, facet = _worley(rng, (sh, sw), cell / f)
    if f > 1:
        gap = resize(gap, sh * f, sw * f)[:h, :w] * f
        facet = resize(facet, sh * f, sw * f)[:h, :w]
    # crease width varies along each edge, so lines thin out, thicken and break
    width = rng.uniform(0.5, 1.4) * np.clip(
        1.0 + 0.6 * smooth_noise(rng, shape, max(3.0, cell / 3)), 0.05, 2.0
    )
    lines = np.exp(-((gap / (2 * width)) ** 2))
    visible = np.clip(0.5 + smooth_noise(rng, shape, cell * 3), 0.0, 1.0)  # not every edge shows
    return lines * visible, facet


def crumple(
    page: FloatArray,
    rng: np.random.Generator,
    *,
    strength: float | None = None,
) -> FloatArray:
    """Crumpled, then flattened paper: crease networks and lit facets at two or three scales,
    plus curved wrinkles. ``strength``: contrast (0.03 light .. 0.3 badly crumpled)."""
    strength = pick(rng, strength, 0.03, 0.3)
    shape = page.shape
    shade = np.zeros(shape, np.float32)
    cell = rng.uniform(30, 140)
    for k in range(int(rng.integers(2, 4))):
        lines, facet = _crease_network(rng, shape, cell / (2.3**k))
        shade += 0.8**k * (rng.uniform(0.6, 1.2) * lines + rng.uniform(0.04, 0.2) * facet)
    if rng.random() < 0.4:  # a few curved wrinkles
        wrinkle = fractal_noise(rng, shape, rng.uniform(40, 150), 3)
        shade += rng.uniform(0.1, 0.35) * np.exp(-((wrinkle / rng.uniform(0.02, 0.05)) ** 2))
    scale = rng.uniform(100, 400)
    gy, gx = np.gradient(fractal_noise(rng, shape, scale, 2))
    a = rng.uniform(0, 2 * np.pi)
    shade += (
        rng.uniform(0.0, 0.25) * scale * (np.cos(a) * gx + np.sin(a) * gy)
    )  # broad bumps lit from one side
    return finish(page * (1.0 - strength * shade))
