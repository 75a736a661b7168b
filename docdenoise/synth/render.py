"""Draw a window of a synthetic page: supersampled, box-downsampled, slightly blurred.

The clean target has paper exactly 1.0, printed ink near 0.0 and grey anti-aliased stroke
edges, like a laser print seen by a good scanner. ``small_ink`` marks the ink of small marks
that a denoiser must keep (full stops, commas, i-dots and accents, thin rules, pen strokes).
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass

import numpy as np
from PIL import Image, ImageChops, ImageDraw, ImageFilter

from docdenoise.synth import handwriting, pen_ink
from docdenoise.synth.config import LAYOUTS, SynthConfig, layout_script
from docdenoise.synth.fonts import load_font
from docdenoise.synth.hairline_faces import HAIRLINE_DPI, HAIRLINE_PT
from docdenoise.synth.layouts import build_page
from docdenoise.synth.scene import (
    Box,
    PenOp,
    Scene,
    ScribbleOp,
    ShapeOp,
    StampOp,
    TextOp,
    overlaps,
    reading_text,
)
from docdenoise.synth.stamps import draw_stamp

PUNCTUATION = frozenset(".,;:'’‘\"“”")
_ABOVE_MARKS = ("0300", "0301", "0302", "0303", "0307", "0308", "030A", "030B", "030C")
MAX_CANVAS_PIXELS = 40_000_000
SMALL_INK_MAX = 0.9  # small_ink only where the clean page is at least this dark
CLEAN_BLUR = (0.2, 0.55)  # px: Gaussian sigma of the clean page's own softness, drawn per page


@dataclass
class CleanPage:
    """A rendered clean window of a page.

    ``pixels``: (H, W) float32 in [0, 1], 1.0 = white paper. ``text``: the text of the window in
    reading order (lines joined by newlines; runs cut by the window edge count when their centre
    is inside). ``small_ink``: (H, W) bool, ink of small marks that must be kept.
    """

    pixels: np.ndarray
    text: str
    small_ink: np.ndarray
    dpi: int
    layout: str


def _has_mark_above(ch: str) -> bool:
    if ch in "ij":
        return True
    decomposition = unicodedata.decomposition(ch).split()
    return any(code in _ABOVE_MARKS for code in decomposition[1:])


def supersampling(dpi: int, height: int, width: int) -> int:
    """2 to 4 times: more at low dpi where glyphs are small, less for huge windows."""
    ss = 4 if dpi < 200 else 3 if dpi < 300 else 2
    while ss > 1 and height * width * ss * ss > MAX_CANVAS_PIXELS:
        ss -= 1
    return ss


class _Canvas:
    """The supersampled ink canvas, the pen/stamp layer and the small-mark mask of one window."""

    def __init__(self, window: Box, ss: int) -> None:
        self.x0, self.y0 = window[0], window[1]
        self.ss = ss
        size = (round((window[2] - window[0]) * ss), round((window[3] - window[1]) * ss))
        self.ink = Image.new("L", size, 255)
        self.pen = Image.new("L", size, 255)
        self.mask = Image.new("L", size, 0)
        self.draw = ImageDraw.Draw(self.ink)
        self.pen_draw = ImageDraw.Draw(self.pen)
        self.mask_draw = ImageDraw.Draw(self.mask)
        self.has_pen = False

    def xy(self, x: float, y: float) -> tuple[float, float]:
        return ((x - self.x0) * self.ss, (y - self.y0) * self.ss)

    def text(self, op: TextOp) -> None:
        font = load_font(op.face.path, round(op.size * self.ss))
        x, y = self.xy(op.x, op.y)
        self.draw.text((x, y), op.text, font=font, fill=op.ink, anchor="ls")
        x_height = -font.getbbox("x", anchor="ls")[1]
        cap_height = -font.getbbox("H", anchor="ls")[1]
        for i, ch in enumerate(op.text):
            if ch in PUNCTUATION:
                self.mask_draw.text(
                    (x + font.getlength(op.text[:i]), y), ch, font=font, fill=255, anchor="ls"
                )
            elif _has_mark_above(ch):
                cx = x + font.getlength(op.text[:i])
                self.mask_draw.text((cx, y), ch, font=font, fill=255, anchor="ls")
                top = cap_height if ch.isupper() else x_height
                right = cx + font.getlength(ch)
                self.mask_draw.rectangle((cx - 2, y - 0.93 * top, right + 2, y + font.size), fill=0)

    def shape(self, op: ShapeOp) -> None:
        pts = [self.xy(*p) for p in op.points]
        width = max(1, round(op.width * self.ss))
        for draw, colour in ((self.draw, op.ink), (self.mask_draw, 255)):
            if draw is self.mask_draw and not op.small:
                continue
            fill = None if op.fill is None or draw is self.mask_draw else op.fill
            if op.kind == "line":
                draw.line(pts, fill=colour, width=width, joint="curve")
            elif op.kind == "rect":
                draw.rectangle(
                    (*pts[0], *pts[1]),
                    outline=colour if op.width > 0 else None,
                    fill=fill,
                    width=width,
                )
            else:
                draw.ellipse(
                    (*pts[0], *pts[1]),
                    outline=colour if op.width > 0 else None,
                    fill=fill,
                    width=width,
                )

    def stroke(self, op: PenOp) -> None:
        tone = None if op.kind == "pen" else np.random.default_rng(op.seed)
        self._pen_line(np.asarray(op.points, dtype=np.float64), op.width, op.ink, op.kind, tone)

    def scribble(self, op: ScribbleOp) -> None:
        rng = np.random.default_rng(op.seed)
        tone = None if op.kind == "pen" else np.random.default_rng([op.seed, 1])
        for stroke in handwriting.handwritten_line(rng, op.x, op.y, op.x_height, op.max_width):
            points = np.asarray(stroke, dtype=np.float64)
            self._pen_line(points, op.width, op.ink, op.kind, tone)

    def _pen_line(
        self,
        points: np.ndarray,
        pen_width: float,
        ink: int,
        kind: str = "pen",
        tone: np.random.Generator | None = None,
    ) -> None:
        """A round-pen polyline (N, 2) in page px on the pen layer and the small-mark mask; a
        pale ``kind`` gets its pressure or grain from ``tone`` (see `pen_ink.stroke_tone`)."""
        pts = (points - (self.x0, self.y0)) * self.ss
        width = max(1, round(pen_width * self.ss))
        if tone is None:
            _round_line(self.pen_draw, pts, width, ink)
        else:
            self._pale_line(pts, width, ink, kind, tone)
        _round_line(self.mask_draw, pts, width, 255)
        self.has_pen = True

    def _pale_line(
        self, pts: np.ndarray, width: int, ink: int, kind: str, rng: np.random.Generator
    ) -> None:
        """Draw the line on a patch, tone it as ``kind``, keep the darker on the pen layer."""
        lo = np.floor(pts.min(axis=0) - width - 1).astype(int)
        hi = np.ceil(pts.max(axis=0) + width + 1).astype(int)
        box = (
            max(0, lo[0]),
            max(0, lo[1]),
            min(self.pen.width, hi[0]),
            min(self.pen.height, hi[1]),
        )
        if box[0] >= box[2] or box[1] >= box[3]:
            return
        patch = Image.new("L", (box[2] - box[0], box[3] - box[1]), 0)
        _round_line(ImageDraw.Draw(patch), pts - box[:2], width, 255)
        cover = np.asarray(patch, dtype=np.float32) / np.float32(255.0)
        toned = pen_ink.stroke_tone(cover, ink, kind, rng, self.ss)
        under = np.asarray(self.pen.crop(box))
        self.pen.paste(Image.fromarray(np.minimum(under, toned)), box)

    def stamp(self, op: StampOp) -> None:
        img = draw_stamp(op, self.ss)
        cx, cy = self.xy(op.cx, op.cy)
        self.pen.paste(
            ImageChops.darker(self.pen.crop(_paste_box(img, cx, cy)), img), _paste_box(img, cx, cy)
        )
        self.has_pen = True


def _round_line(draw: ImageDraw.ImageDraw, pts: np.ndarray, width: int, colour: int) -> None:
    """A polyline (N, 2) in canvas px with round ends, as a round pen draws it."""
    joint = "curve" if len(pts) <= 4 else None  # dense smooth curves need no joints
    draw.line(pts.ravel().tolist(), fill=colour, width=width, joint=joint)
    r = 0.5 * width
    for px, py in (pts[0], pts[-1]):
        draw.ellipse((px - r, py - r, px + r, py + r), fill=colour)


def _paste_box(img: Image.Image, cx: float, cy: float) -> tuple[int, int, int, int]:
    x0, y0 = round(cx - img.width / 2), round(cy - img.height / 2)
    return (x0, y0, x0 + img.width, y0 + img.height)


def rasterise(scene: Scene, window: Box, ss: int, blur: float) -> tuple[np.ndarray, np.ndarray]:
    """(pixels, small_ink) of ``window`` of ``scene``; see `CleanPage`."""
    canvas = _Canvas(window, ss)
    margin = (window[0] - 2, window[1] - 2, window[2] + 2, window[3] + 2)
    for op in scene.ops:
        if not overlaps(op.bbox, margin):
            continue
        if isinstance(op, TextOp):
            canvas.text(op)
        elif isinstance(op, ShapeOp):
            canvas.shape(op)
        elif isinstance(op, PenOp):
            canvas.stroke(op)
        elif isinstance(op, ScribbleOp):
            canvas.scribble(op)
        else:
            canvas.stamp(op)
    ink = ImageChops.darker(canvas.ink, canvas.pen) if canvas.has_pen else canvas.ink
    small = ink.reduce(ss) if ss > 1 else ink
    if blur > 0:
        small = small.filter(ImageFilter.GaussianBlur(blur))
    pixels = np.asarray(small, dtype=np.float32) / np.float32(255.0)
    mask = np.asarray(canvas.mask.reduce(ss) if ss > 1 else canvas.mask) >= 128
    return pixels, mask & (pixels <= SMALL_INK_MAX)


def choose_window(rng: np.random.Generator, scene: Scene, height: int, width: int) -> Box:
    """A window of the page: usually the one of six random candidates with most content, now and
    then (1 in 12) a purely random one, which may be margin only."""
    x0 = rng.integers(0, scene.width - width + 1, 6).astype(np.float64)
    y0 = rng.integers(0, scene.height - height + 1, 6).astype(np.float64)
    pick = 0
    if rng.random() >= 1 / 12 and scene.ops:
        boxes = np.array([op.bbox for op in scene.ops])  # (N, 4)
        w = np.minimum(boxes[:, None, 2], x0 + width) - np.maximum(boxes[:, None, 0], x0)
        h = np.minimum(boxes[:, None, 3], y0 + height) - np.maximum(boxes[:, None, 1], y0)
        pick = int(np.argmax((np.clip(w, 0, None) * np.clip(h, 0, None)).sum(axis=0)))
    return (float(x0[pick]), float(y0[pick]), float(x0[pick] + width), float(y0[pick] + height))


def _hairline_page(rng: np.random.Generator, config: SynthConfig, layout: str) -> bool:
    """Whether a Latin page is set in hairline type (``SynthConfig.hairlines``); draws nothing
    when that is 0 or the page is in another script, so the default pages stay as they were."""
    if config.hairlines <= 0 or layout_script(layout)[1] != "latin":
        return False
    return bool(rng.random() < config.hairlines)


def render_clean(
    rng: np.random.Generator,
    height: int,
    width: int,
    *,
    config: SynthConfig = SynthConfig(),  # noqa: B008 (frozen, so a shared default is safe)
    layout: str | None = None,
    dpi: int | None = None,
    blur: float | None = None,
) -> CleanPage:
    """Draw a (height, width) window of a random page of ``layout`` at ``dpi``.

    The page is A4, US Letter or A5 at that dpi, grown to the window if the window is larger.
    A hairline page (``config.hairlines``) draws its dpi and type size from ``HAIRLINE_DPI``
    and ``HAIRLINE_PT`` instead of the config's ranges (a ``dpi`` given is kept).
    ``blur``: the page's own softness (Gaussian sigma, px); drawn from ``CLEAN_BLUR`` if None,
    last, so a given value draws the same page at another softness.
    Reproducible: the same generator state gives the same page.
    """
    if height < 8 or width < 8:
        raise ValueError(f"window must be at least 8x8 pixels, got {height}x{width}")
    layout = config.layouts[int(rng.integers(len(config.layouts)))] if layout is None else layout
    if layout not in LAYOUTS:
        raise ValueError(f"unknown layout {layout!r}; choose from {LAYOUTS}")
    hairline = _hairline_page(rng, config, layout)
    lo, hi = HAIRLINE_DPI if hairline else config.dpi_range
    dpi = int(rng.integers(lo, hi + 1)) if dpi is None else int(dpi)
    if not 30 <= dpi <= 1200:
        raise ValueError(f"dpi must be between 30 and 1200, got {dpi}")
    pt_range = HAIRLINE_PT if hairline else config.pt_range
    scene = build_page(
        rng,
        layout,
        dpi,
        height,
        width,
        pt_range,
        config.shading,
        config.display,
        hairline=hairline,
        rules=config.rules,
        pale_pen=config.pale_pen,
    )
    window = choose_window(rng, scene, height, width)
    blur = float(rng.uniform(*CLEAN_BLUR)) if blur is None else float(blur)
    pixels, small_ink = rasterise(scene, window, supersampling(dpi, height, width), blur)
    return CleanPage(pixels, reading_text(scene.ops, window), small_ink, dpi, layout)
