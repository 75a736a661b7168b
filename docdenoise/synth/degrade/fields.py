"""Numpy building blocks for degradations: blurs, smooth and fractal noise, parameter picking.

All arrays are (H, W) float32. Nothing here uses scipy: blurs are separable sums of shifted
slices (small sigma) or repeated box filters via cumulative sums (large sigma); smooth noise is
coarse Gaussian noise upsampled bicubically with Pillow.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
from PIL import Image

FloatArray = np.ndarray


def pick(rng: np.random.Generator, value: float | None, low: float, high: float) -> float:
    """``value`` if given, else uniform in [low, high)."""
    return float(rng.uniform(low, high)) if value is None else float(value)


def pick_log(rng: np.random.Generator, value: float | None, low: float, high: float) -> float:
    """``value`` if given, else log-uniform in [low, high): as many subtle as strong draws."""
    return float(np.exp(rng.uniform(np.log(low), np.log(high)))) if value is None else float(value)


def _pair(value: float | tuple[float, float]) -> tuple[float, float]:
    """(y, x) from one value or a pair."""
    if isinstance(value, tuple):
        return float(value[0]), float(value[1])
    return float(value), float(value)


def _gaussian_kernel(sigma: float) -> np.ndarray:
    radius = max(1, int(np.ceil(3.0 * sigma)))
    x = np.arange(-radius, radius + 1, dtype=np.float32)
    k = np.exp(-0.5 * (x / sigma) ** 2)
    return (k / k.sum()).astype(np.float32)


def _convolve_axis(a: FloatArray, kernel: np.ndarray, axis: int) -> FloatArray:
    r = len(kernel) // 2
    pad = [(0, 0), (0, 0)]
    pad[axis] = (r, r)
    p = np.pad(a, pad, mode="reflect" if a.shape[axis] > r else "edge")
    n = a.shape[axis]
    out = np.zeros_like(a, dtype=np.float32)
    for i, w in enumerate(kernel):
        out += w * (p[i : i + n] if axis == 0 else p[:, i : i + n])
    return out


def _box_axis(a: FloatArray, radius: int, axis: int) -> FloatArray:
    pad = [(0, 0), (0, 0)]
    pad[axis] = (radius + 1, radius)
    p = np.pad(a, pad, mode="edge").astype(np.float64)
    c = np.cumsum(p, axis=axis)
    n = a.shape[axis]
    hi = (
        c[2 * radius + 1 : 2 * radius + 1 + n]
        if axis == 0
        else c[:, 2 * radius + 1 : 2 * radius + 1 + n]
    )
    lo = c[:n] if axis == 0 else c[:, :n]
    return ((hi - lo) / (2 * radius + 1)).astype(np.float32)


def gaussian_blur(a: FloatArray, sigma: float | tuple[float, float]) -> FloatArray:
    """Gaussian blur with ``sigma`` (one value, or (sigma_y, sigma_x)); edges reflect.

    Large isotropic blurs run on a box-downsampled copy and are upsampled bilinearly.
    """
    sy, sx = _pair(sigma)
    out = np.asarray(a, dtype=np.float32)
    factor = int(min(sy, sx) / 2.0)
    if factor >= 2 and min(out.shape) >= 4 * factor:
        h, w = out.shape
        small = resize(out, max(1, h // factor), max(1, w // factor), Image.Resampling.BOX)
        small = gaussian_blur(
            small,
            (
                np.sqrt(max(sy**2 - factor**2 / 4, 0.25)) / factor,
                np.sqrt(max(sx**2 - factor**2 / 4, 0.25)) / factor,
            ),
        )
        return resize(small, h, w, Image.Resampling.BILINEAR)
    for axis, s in ((0, sy), (1, sx)):
        if s <= 0.05:
            continue
        if s <= 3.0:
            out = _convolve_axis(out, _gaussian_kernel(s), axis)
        else:  # three box passes approximate a Gaussian of the same variance
            radius = max(1, round((np.sqrt(4.0 * s * s + 1.0) - 1.0) / 2.0))
            for _ in range(3):
                out = _box_axis(out, radius, axis)
    return out


def resize(
    a: FloatArray, height: int, width: int, resample: int = Image.Resampling.BICUBIC
) -> FloatArray:
    """Resize a float array with Pillow (mode F)."""
    img = Image.fromarray(np.ascontiguousarray(a, dtype=np.float32), mode="F")
    return np.asarray(img.resize((width, height), resample), dtype=np.float32)


def smooth_noise(
    rng: np.random.Generator, shape: tuple[int, int], scale: float | tuple[float, float]
) -> FloatArray:
    """Zero-mean, roughly unit-variance noise with blobs about ``scale`` px (or (sy, sx)) across."""
    sy, sx = _pair(scale)
    sy, sx = max(1.0, sy), max(1.0, sx)
    h, w = shape
    if sy == 1.0 and sx == 1.0:
        return rng.standard_normal(shape, dtype=np.float32)
    gh, gw = int(np.ceil(h / sy)) + 3, int(np.ceil(w / sx)) + 3
    coarse = Image.fromarray(rng.standard_normal((gh, gw)).astype(np.float32), mode="F")
    box = (1.0, 1.0, 1.0 + w / sx, 1.0 + h / sy)
    out = np.asarray(coarse.resize((w, h), Image.Resampling.BICUBIC, box=box), dtype=np.float32)
    return out / np.float32(0.8 if min(sy, sx) > 1.5 else 1.0)


def fractal_noise(
    rng: np.random.Generator,
    shape: tuple[int, int],
    scale: float,
    octaves: int = 4,
    persistence: float = 0.5,
) -> FloatArray:
    """Sum of smooth noise at ``scale``, scale/2, ...; amplitudes fall by ``persistence``."""
    out = np.zeros(shape, dtype=np.float32)
    amp, total = 1.0, 0.0
    for k in range(octaves):
        s = scale / (2**k)
        if s < 1.0:
            break
        out += np.float32(amp) * smooth_noise(rng, shape, s)
        total += amp * amp
        amp *= persistence
    return out / np.float32(np.sqrt(total))


def grain(rng: np.random.Generator, shape: tuple[int, int], sigma: float = 0.8) -> FloatArray:
    """Fine, pixel-scale grain: white noise blurred by ``sigma``, rescaled to unit variance."""
    g = gaussian_blur(rng.standard_normal(shape).astype(np.float32), sigma)
    return g / np.float32(max(float(g.std()), 1e-6))


def periodic_noise(rng: np.random.Generator, theta: FloatArray, harmonics: int = 6) -> FloatArray:
    """Smooth noise on a circle (angle ``theta`` in radians), zero mean, unit-ish amplitude."""
    out = np.zeros_like(theta, dtype=np.float32)
    for k in range(1, harmonics + 1):
        out += np.float32(rng.normal(0, 1) / k) * np.cos(
            k * theta + rng.uniform(0, 2 * np.pi)
        ).astype(np.float32)
    return out


def noise_1d(rng: np.random.Generator, n: int, scale: float) -> np.ndarray:
    """1-D smooth noise of length ``n`` with features about ``scale`` samples long."""
    return smooth_noise(rng, (1, n), (1.0, scale))[0]


def smoothstep(edge0: float, edge1: float, x: FloatArray) -> FloatArray:
    """0 below ``edge0``, 1 above ``edge1`` (or the reverse if edge0 > edge1), smooth between."""
    t = np.asarray(x, dtype=np.float32) - np.float32(edge0)
    t *= np.float32(1.0 / (edge1 - edge0))
    np.clip(t, 0.0, 1.0, out=t)
    return t * t * (np.float32(3.0) - np.float32(2.0) * t)


def region(
    shape: tuple[int, int], cx: float, cy: float, radius: float
) -> tuple[slice, slice] | None:
    """The slices of the array within ``radius`` of (cx, cy), or None if that misses it."""
    h, w = shape
    y0, y1 = max(0, int(cy - radius)), min(h, int(cy + radius) + 1)
    x0, x1 = max(0, int(cx - radius)), min(w, int(cx + radius) + 1)
    if y0 >= y1 or x0 >= x1:
        return None
    return slice(y0, y1), slice(x0, x1)


def grid(sl: tuple[slice, slice]) -> tuple[FloatArray, FloatArray]:
    """(ys, xs) pixel-centre coordinate arrays of a region, float32, broadcastable."""
    ys = np.arange(sl[0].start, sl[0].stop, dtype=np.float32)[:, None]
    xs = np.arange(sl[1].start, sl[1].stop, dtype=np.float32)[None, :]
    return ys, xs


def point_near(
    rng: np.random.Generator, shape: tuple[int, int], reach: float
) -> tuple[float, float]:
    """A random (x, y) within the image grown by ``reach`` px on every side."""
    h, w = shape
    return float(rng.uniform(-reach, w + reach)), float(rng.uniform(-reach, h + reach))


def centre_at_distance(
    rng: np.random.Generator, shape: tuple[int, int], low: float, high: float
) -> tuple[float, float]:
    """A centre (x, y) whose distance to a random pixel of the image is in [low, high] px, so
    a circle or blob of about that radius passes through (or covers) the image."""
    h, w = shape
    px, py = rng.uniform(0, w), rng.uniform(0, h)
    a, r = rng.uniform(0, 2 * np.pi), rng.uniform(low, high)
    return float(px + r * np.cos(a)), float(py + r * np.sin(a))


def until_visible(make: Callable[[], FloatArray], floor: float = 0.2, tries: int = 5) -> FloatArray:
    """Call ``make`` until its mark reaches ``floor`` somewhere in the window (at most ``tries``
    times), so a degradation named in a pair's labels is really there."""
    mark = make()
    for _ in range(tries - 1):
        if float(mark.max()) >= floor:
            break
        mark = make()
    return mark


def finish(page: FloatArray) -> FloatArray:
    """Clip to [0, 1] as float32: the last step of every degradation."""
    return np.clip(page, 0.0, 1.0).astype(np.float32, copy=False)
