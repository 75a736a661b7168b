"""Liquid stains: coffee cup rings and drops, tea blotches, water tide lines.

Real stains are not smooth blobs: the inside is grainy and mottled where the paper soaked up
unevenly, the rim is darker and sharper than the inside (the coffee-ring effect), and rings
overlap and break. Sizes are in pixels of a 150-400 dpi scan, so a full page shows whole cups
and a small window shows an arc. Darkness multiplies the page (stains lie over the ink).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from docdenoise.synth.degrade.fields import (
    FloatArray,
    centre_at_distance,
    finish,
    fractal_noise,
    grain,
    pick,
    pick_log,
    point_near,
    region,
    smooth_noise,
    smoothstep,
    until_visible,
)

_TABLE = 1024
RIM_STRENGTH = (0.25, 0.75)  # a coffee rim's darkness across the text (rim_on_ink)


def _angular(rng: np.random.Generator, harmonics: int) -> np.ndarray:
    """A smooth random function of angle, tabulated on _TABLE samples (zero mean)."""
    t = np.linspace(0, 2 * np.pi, _TABLE, endpoint=False)
    out = np.zeros(_TABLE)
    for k in range(1, harmonics + 1):
        out += rng.normal(0, 1) / k * np.cos(k * t + rng.uniform(0, 2 * np.pi))
    return (out / max(np.abs(out).max(), 1e-6)).astype(np.float32)


def _blob(
    rng: np.random.Generator,
    shape: tuple[int, int],
    cx: float,
    cy: float,
    radius: float,
    irregular: float,
) -> tuple[tuple[slice, slice], FloatArray, np.ndarray] | None:
    """(region, signed distance to the edge in px (negative inside), angle-table index)."""
    sl = region(shape, cx, cy, radius * (1.0 + 1.5 * irregular) + 8)
    if sl is None:
        return None
    ys = np.arange(sl[0].start, sl[0].stop, dtype=np.float32)[:, None] - cy
    xs = np.arange(sl[1].start, sl[1].stop, dtype=np.float32)[None, :] - cx
    r = np.sqrt(xs * xs + ys * ys)
    idx = ((np.arctan2(ys, xs) + np.pi) * (_TABLE / (2 * np.pi))).astype(np.int32) % _TABLE
    edge = radius * (1.0 + 0.4 * irregular * _angular(rng, 7)[idx])
    d = r - edge
    if irregular > 0:
        sub = r.shape
        d -= irregular * radius * 0.3 * fractal_noise(rng, sub, max(4.0, radius / 3), 4)
    return sl, d, idx


def _mottle(rng: np.random.Generator, shape: tuple[int, int], amount: float) -> FloatArray:
    """Grainy, mottled soak pattern >= 0 with mean about 1."""
    g = rng.uniform(0.1, 0.45) * grain(rng, shape, rng.uniform(0.8, 2.5))
    g += rng.uniform(0.6, 1.2) * fractal_noise(rng, shape, rng.uniform(12, 80), 4)
    return np.clip(1.0 + amount * g, 0.0, None)


@dataclass(frozen=True)
class Rim:
    """How one ring or blotch looks: rim darkness, inside fill, outer and inner rim widths (px),
    how irregular its outline is (0 round .. 0.5 ragged) and how much of the rim is missing."""

    rim: float
    fill: float
    w_out: float
    w_in: float
    irregular: float
    broken: float


def _cup_rim(rng: np.random.Generator, r: float) -> Rim:
    return Rim(
        1.0,
        rng.uniform(0.0, 0.35),
        rng.uniform(0.7, 2.5),
        rng.uniform(3, 0.06 * r),
        rng.uniform(0.0, 0.05),
        rng.uniform(0.0, 0.8),
    )


def _drop_rim(rng: np.random.Generator, r: float) -> Rim:
    return Rim(
        rng.uniform(0.4, 1.0),
        rng.uniform(0.2, 0.7),
        rng.uniform(0.6, 1.5),
        rng.uniform(1.5, 0.4 * r + 2),
        rng.uniform(0.05, 0.3),
        0.0,
    )


def _blotch_rim(rng: np.random.Generator, r: float) -> Rim:
    return Rim(
        rng.uniform(0.3, 0.9),
        rng.uniform(0.35, 0.9),
        rng.uniform(1.0, 4.0),
        rng.uniform(4, 0.15 * r + 5),
        rng.uniform(0.15, 0.5),
        rng.uniform(0.0, 0.4),
    )


def _ink_rim(rng: np.random.Generator, r: float, fill: tuple[float, float]) -> Rim:
    """A coffee ring's rim as it crosses text: a dark band 3 to 12 px wide, sharp outside,
    fading over a few px inside, round (it would not pass the ink it was laid on otherwise)
    and a little broken, over an inside of ``fill`` (well under the rim)."""
    return Rim(
        1.0,
        rng.uniform(*fill),
        rng.uniform(0.8, 2.0),
        rng.uniform(3.0, 10.0),
        rng.uniform(0.0, 0.01),
        rng.uniform(0.0, 0.3),
    )


def _ink_point(rng: np.random.Generator, page: FloatArray) -> tuple[float, float, float] | None:
    """(x, y, angle): a random ink pixel of ``page`` (darker than half-way from its darkest
    pixel to its paper, however toned) and a random direction from it to a stain's centre;
    None for a page without ink."""
    paper, darkest = float(np.percentile(page, 90)), float(page.min())
    if paper - darkest < 0.1:
        return None
    ys, xs = np.nonzero(page < 0.5 * (paper + darkest))
    if len(ys) == 0:
        return None
    k = int(rng.integers(len(ys)))
    return float(xs[k]), float(ys[k]), float(rng.uniform(0, 2 * np.pi))


def _centre_through(
    rng: np.random.Generator, point: tuple[float, float, float], radius: float
) -> tuple[float, float]:
    """A centre whose circle of ``radius`` passes within a few px of ``point``'s ink pixel,
    coming from about its direction (so several such rims run side by side there)."""
    x, y, a = point
    a += rng.normal(0, 0.03)
    r = radius + rng.normal(0, 2.0)
    return x - r * np.cos(a), y - r * np.sin(a)


def _ring(
    dark: FloatArray, rng: np.random.Generator, cx: float, cy: float, radius: float, look: Rim
) -> None:
    """Add one ring or blotch (rim + inside) to the darkness map ``dark`` in place."""
    blob = _blob(rng, dark.shape, cx, cy, radius, look.irregular)
    if blob is None:
        return
    sl, d, idx = blob
    outer = np.exp(-((np.maximum(d, 0) / look.w_out) ** 2))
    inner = np.exp(np.minimum(d, 0) / look.w_in)
    sharp = np.exp(-((d / (0.7 * look.w_out + 0.4)) ** 2))  # the coffee-ring line itself
    edge = np.where(d > 0, outer, 0.55 * inner + 0.45 * sharp)
    keep: FloatArray | float = 1.0
    if look.broken > 0:
        keep = np.clip(1.0 - look.broken + 1.6 * _angular(rng, 6), 0.0, 1.0)[idx]
    inside = look.fill * smoothstep(2.0, -2.0 * look.w_in, d)
    dark[sl] += look.rim * edge * keep * rng.uniform(0.6, 1.0) + inside


def coffee_stain(
    page: FloatArray,
    rng: np.random.Generator,
    *,
    strength: float | None = None,
    rings: int | None = None,
    rim_on_ink: bool = False,
) -> FloatArray:
    """Coffee cup rings and drops: sharp dark rims, grainy faint insides, broken and overlapping.

    ``strength``: darkness of the rims (0.08 faint .. 0.85 ink-dark). ``rings``: how many cup
    rings (1..3); drops and splashes are added at random. ``rim_on_ink``: lay each cup's rim
    through the page's text, as the coffee-ring effect draws it: a dark band a few px wide over
    a faint inside, at a rim darkness of 0.25 to 0.75 when ``strength`` is not given and never
    darker than ``strength`` where rims overlap, mottled too little to break the rim where it
    crosses the ink (``SynthConfig.stain_rims``; False draws exactly the default stains).
    """
    strength = pick_log(rng, strength, *(RIM_STRENGTH if rim_on_ink else (0.08, 0.85)))
    rings = int(rng.integers(1, 4)) if rings is None else rings
    dark = np.zeros(page.shape, np.float32)
    radius = rng.uniform(150, 700)
    on_ink = _ink_point(rng, page) if rim_on_ink else None
    for _ in range(rings):  # the same cup put down several times
        r = radius * rng.uniform(0.9, 1.1)
        if on_ink is None:
            centre = centre_at_distance(rng, page.shape, 0.8 * r, 1.05 * r)
        else:  # every rim through the same words
            centre = _centre_through(rng, on_ink, r)
        look = _ink_rim(rng, r, (0.0, 0.12)) if rim_on_ink else _cup_rim(rng, r)
        _ring(dark, rng, *centre, r, look)
    for _ in range(int(rng.integers(0, 6))):  # drops and splashes: small, irregular, rimmed
        cx, cy = point_near(rng, page.shape, 20)
        r = rng.uniform(4, 60)
        _ring(dark, rng, cx, cy, r, _drop_rim(rng, r))
    dark *= _mottle(rng, page.shape, rng.uniform(*((0.1, 0.25) if rim_on_ink else (0.2, 0.6))))
    return finish(page * (1.0 - strength * np.clip(dark, 0.0, 1.0 if rim_on_ink else 1.6)))


def tea_stain(
    page: FloatArray,
    rng: np.random.Generator,
    *,
    strength: float | None = None,
    rim_on_ink: bool = False,
) -> FloatArray:
    """Tea (or coffee) spilt and soaked in: large irregular blotches, mottled inside, darker rim.

    ``strength``: darkness of the blotch (0.05 faint .. 0.6 heavy). ``rim_on_ink``: as
    `coffee_stain`'s: one round blotch whose rim runs through the text, a dark band over a
    paler inside (which soaks darker than a coffee ring's), at strength 0.1 to 0.45.
    """
    strength = pick_log(rng, strength, *((0.1, 0.45) if rim_on_ink else (0.05, 0.6)))
    dark = np.zeros(page.shape, np.float32)
    for _ in range(1 if rim_on_ink else int(rng.integers(1, 4))):
        r = rng.uniform(60, 900)
        on_ink = _ink_point(rng, page) if rim_on_ink else None
        if on_ink is None:
            centre = centre_at_distance(rng, page.shape, 0.0, 1.0 * r)
        else:
            centre = _centre_through(rng, on_ink, r)
        look = _ink_rim(rng, r, (0.1, 0.3)) if rim_on_ink else _blotch_rim(rng, r)
        _ring(dark, rng, *centre, r, look)
    dark *= _mottle(rng, page.shape, rng.uniform(*((0.15, 0.35) if rim_on_ink else (0.3, 0.8))))
    return finish(page * (1.0 - strength * np.clip(dark, 0.0, 1.8)))


def water_stain(
    page: FloatArray,
    rng: np.random.Generator,
    *,
    strength: float | None = None,
) -> FloatArray:
    """A dried water stain: thin wandering tide lines (often several, nested) around a faintly
    changed, cockled area. ``strength``: darkness of the tide lines (0.04 .. 0.35)."""
    strength = pick(rng, strength, 0.04, 0.35)
    shade = until_visible(lambda: _tide_lines(rng, page.shape))
    return finish(page * (1.0 - strength * shade))


def _tide_lines(rng: np.random.Generator, shape: tuple[int, int]) -> FloatArray:
    """Darkness map of a water stain: nested tide lines and a faintly changed inside."""
    shade = np.zeros(shape, np.float32)
    r = rng.uniform(120, 1200)
    cx, cy = centre_at_distance(rng, shape, 0.75 * r, 1.0 * r)
    blob = _blob(rng, shape, cx, cy, r, rng.uniform(0.15, 0.5))
    if blob is None:
        return shade
    sl, d, _ = blob
    width = rng.uniform(0.8, 3.0)
    offset = 0.0
    for k in range(int(rng.integers(1, 5))):
        line = np.exp(-(((d + offset) / width) ** 2)) * (1.0 if k == 0 else rng.uniform(0.3, 0.8))
        shade[sl] += line * np.exp(np.minimum(d + offset, 0) / rng.uniform(3, 15)) ** 0.3
        offset += rng.uniform(6, 60)
    inside = smoothstep(0.0, -30.0, d) * rng.uniform(-0.15, 0.25)
    shade[sl] += inside * (1.0 + 0.5 * smooth_noise(rng, d.shape, rng.uniform(20, 80)))
    return shade * _mottle(rng, shape, rng.uniform(0.1, 0.5))
