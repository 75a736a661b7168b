"""What the scanner or camera adds: uneven light, shadows at edges and binding, blur, streaks
along the scan direction, sensor noise and JPEG compression. No geometric warps: the noisy page
stays pixel-aligned with the clean one.
"""

from __future__ import annotations

import io

import numpy as np
from PIL import Image

from docdenoise.synth.degrade.fields import (
    FloatArray,
    finish,
    gaussian_blur,
    noise_1d,
    pick,
    pick_log,
    smooth_noise,
)


def uneven_lighting(
    page: FloatArray,
    rng: np.random.Generator,
    *,
    strength: float | None = None,
) -> FloatArray:
    """Uneven illumination: a tilted gradient, a vignette and broad blotches of light.

    ``strength``: how far the darkest part falls below the brightest (0.05 .. 0.5).
    """
    strength = pick(rng, strength, 0.05, 0.5)
    h, w = page.shape
    ys = np.linspace(-1, 1, h, dtype=np.float32)[:, None]
    xs = np.linspace(-1, 1, w, dtype=np.float32)[None, :]
    a = rng.uniform(0, 2 * np.pi)
    light = rng.uniform(0, 1) * (np.cos(a) * xs + np.sin(a) * ys)
    light += (
        rng.uniform(0, 1) * (xs - rng.uniform(-1, 1)) ** 2
        + rng.uniform(0, 1) * (ys - rng.uniform(-1, 1)) ** 2
    )
    light += rng.uniform(0, 0.6) * smooth_noise(rng, page.shape, rng.uniform(150, 800))
    light -= light.min()
    light /= max(float(light.max()), 1e-6)
    return finish(page * (1.0 - strength * light))


def scanner_shadow(
    page: FloatArray,
    rng: np.random.Generator,
    *,
    strength: float | None = None,
) -> FloatArray:
    """Dark gradient along an edge: the shadow of a book's binding or a lifted page edge, and
    sometimes the dark scanner lid beyond the edge of the paper.

    ``strength``: darkness at the edge (0.15 .. 0.9).
    """
    strength = pick(rng, strength, 0.15, 0.9)
    h, w = page.shape
    side = int(rng.integers(4))
    n = w if side < 2 else h
    along = h if side < 2 else w
    edge = rng.uniform(-0.1, 0.4) * n
    tilt = rng.normal(0, 0.03) * np.arange(along, dtype=np.float32)
    dist = np.arange(n, dtype=np.float32)[None, :] - edge - tilt[:, None]
    dist = dist + rng.uniform(0.5, 4.0) * noise_1d(rng, along, rng.uniform(50, 300))[:, None]
    width = rng.uniform(8, 200)
    shade = strength * np.exp(-np.maximum(dist, 0) / width)
    if rng.random() < 0.35:  # beyond the paper: the scanner lid or background, dark and flat
        background = rng.uniform(0.05, 0.5)
        beyond = np.clip(-dist / rng.uniform(0.7, 3.0) + 0.5, 0.0, 1.0)
        shade = np.maximum(shade, beyond * (1.0 - background))
    shade = np.clip(shade, 0.0, 0.97)
    if side % 2:  # right or bottom edge
        shade = shade[:, ::-1]
    if side >= 2:
        shade = shade.T
    return finish(page * (1.0 - shade))


def _motion_blur(page: FloatArray, length: float, angle: float) -> FloatArray:
    steps = max(2, round(length))
    out = np.zeros_like(page)
    h, w = page.shape
    padded = np.pad(page, steps, mode="edge")
    for t in np.linspace(-0.5, 0.5, steps):
        dy, dx = round(t * length * np.sin(angle)), round(t * length * np.cos(angle))
        out += padded[steps + dy : steps + dy + h, steps + dx : steps + dx + w]
    return out / np.float32(steps)


def blur(
    page: FloatArray,
    rng: np.random.Generator,
    *,
    sigma: float | None = None,
) -> FloatArray:
    """Defocus (Gaussian, ``sigma`` 0.4..2.2 px) or, one time in four, motion blur (2..8 px)."""
    if sigma is None and rng.random() < 0.25:
        return finish(_motion_blur(page, rng.uniform(2, 8), rng.uniform(0, np.pi)))
    return finish(gaussian_blur(page, pick(rng, sigma, 0.4, 2.2)))


def sensor_noise(
    page: FloatArray,
    rng: np.random.Generator,
    *,
    sigma: float | None = None,
) -> FloatArray:
    """Sensor noise: Gaussian read noise plus signal-dependent shot noise (Poisson-like),
    slightly correlated between neighbours, and faint row banding. ``sigma``: 0.004..0.06."""
    sigma = pick_log(rng, sigma, 0.004, 0.06)
    shape = page.shape
    shot = rng.uniform(0.0, 1.5) * sigma * np.sqrt(np.clip(page, 0.0, 1.0))
    noise = rng.standard_normal(shape).astype(np.float32)
    if rng.random() < 0.5:
        noise = gaussian_blur(noise, rng.uniform(0.3, 0.8))
        noise /= max(float(noise.std()), 1e-6)
    rows = rng.uniform(0, 0.3) * sigma * rng.standard_normal((shape[0], 1)).astype(np.float32)
    return finish(page + (sigma + shot) * noise + rows)


def jpeg(
    page: FloatArray,
    rng: np.random.Generator,
    *,
    quality: int | None = None,
) -> FloatArray:
    """A real JPEG round trip through Pillow at ``quality`` 20..80 (sometimes twice)."""
    q = int(rng.integers(20, 81)) if quality is None else int(quality)
    img = Image.fromarray((np.clip(page, 0, 1) * 255.0 + 0.5).astype(np.uint8), mode="L")
    for _ in range(2 if quality is None and rng.random() < 0.2 else 1):
        buf = io.BytesIO()
        img.save(buf, format="JPEG", quality=q)
        buf.seek(0)
        img = Image.open(buf)
        img.load()
        q = int(rng.integers(30, 90))
    return finish(np.asarray(img, dtype=np.float32) / np.float32(255.0))


def scanner_streaks(
    page: FloatArray,
    rng: np.random.Generator,
    *,
    strength: float | None = None,
) -> FloatArray:
    """Streaks along the scan direction: thin dark or bright lines from dust on the glass or a
    bad sensor element, plus faint broad banding. ``strength``: contrast (0.03 .. 0.45)."""
    strength = pick(rng, strength, 0.03, 0.45)
    vertical = rng.random() < 0.7
    page_t = page if vertical else page.T
    h, w = page_t.shape
    profile = rng.uniform(0.0, 0.15) * noise_1d(rng, w, rng.uniform(20, 200))
    xs = np.arange(w, dtype=np.float32)
    for k in range(int(rng.integers(1, 9))):
        x0, width = rng.uniform(0, w), rng.uniform(0.5, 3.0)
        sign = 1.0 if k == 0 or rng.random() < 0.7 else -0.6  # dark, now and then bright
        profile += sign * rng.uniform(0.3, 1.0) * np.exp(-(((xs - x0) / width) ** 2))
    fade = np.clip(0.7 + 0.4 * noise_1d(rng, h, rng.uniform(50, 400)), 0.1, 1.0)[:, None]
    out = page_t * (1.0 - strength * fade * profile[None, :])
    return finish(out if vertical else out.T)
