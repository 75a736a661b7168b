"""A page as a display list: text runs, rules, boxes, pen strokes and stamps in page pixels.

Layouts fill a `Scene` for a whole page; `render` then draws only the ops that meet the window
it was asked for. Coordinates are pixels of the final page at its dpi (x right, y down). Ink is
a grey level 0..255 on white paper (255): printed text is near 0, pen and stamps are lighter.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from docdenoise.synth.fonts import FontFace, font_metrics, text_width

Box = tuple[float, float, float, float]  # x0, y0, x1, y1
Point = tuple[float, float]


@dataclass(frozen=True)
class TextOp:
    """One run of text; ``y`` is the baseline; runs with the same ``line`` read as one line."""

    x: float
    y: float
    text: str
    face: FontFace
    size: float
    ink: int
    line: int
    width: float

    @property
    def bbox(self) -> Box:
        return (self.x, self.y - self.size, self.x + self.width, self.y + 0.35 * self.size)


@dataclass(frozen=True)
class ShapeOp:
    """A printed rule (``line``: points is a polyline), box (``rect``) or ``ellipse``."""

    kind: str
    points: tuple[Point, ...]
    width: float
    ink: int
    fill: int | None = None
    small: bool = False

    @property
    def bbox(self) -> Box:
        xs = [p[0] for p in self.points]
        ys = [p[1] for p in self.points]
        pad = self.width
        return (min(xs) - pad, min(ys) - pad, max(xs) + pad, max(ys) + pad)


@dataclass(frozen=True)
class PenOp:
    """A handwritten stroke: a smooth polyline drawn with a round pen. Always a small mark.

    ``kind``: ``pen`` (even ink) or a pale pen of ``docdenoise.synth.pen_ink.PALE_KINDS``,
    whose uneven pressure or graphite grain is drawn from ``seed``.
    """

    points: tuple[Point, ...]
    width: float
    ink: int
    kind: str = "pen"
    seed: int = 0

    @property
    def bbox(self) -> Box:
        xs = [p[0] for p in self.points]
        ys = [p[1] for p in self.points]
        return (
            min(xs) - self.width,
            min(ys) - self.width,
            max(xs) + self.width,
            max(ys) + self.width,
        )


@dataclass(frozen=True)
class StampOp:
    """A rubber stamp: a rectangular or round outline with lines of text, rotated, light ink."""

    cx: float
    cy: float
    w: float
    h: float
    round: bool
    lines: tuple[str, ...]
    face: FontFace
    angle: float
    ink: int

    @property
    def bbox(self) -> Box:
        r = 0.5 * (self.w**2 + self.h**2) ** 0.5
        return (self.cx - r, self.cy - r, self.cx + r, self.cy + r)


@dataclass(frozen=True)
class ScribbleOp:
    """A line of handwriting, drawn only if it meets the window (strokes come from ``seed``);
    ``kind`` as `PenOp`'s."""

    x: float
    y: float
    x_height: float
    max_width: float
    seed: int
    width: float
    ink: int
    kind: str = "pen"

    @property
    def bbox(self) -> Box:
        xh = self.x_height
        return (self.x - xh, self.y - 3 * xh, self.x + self.max_width + 2 * xh, self.y + 2 * xh)


Op = TextOp | ShapeOp | PenOp | StampOp | ScribbleOp


@dataclass
class Scene:
    """A whole page: its size, dpi and the ops in drawing (and reading) order."""

    width: int
    height: int
    dpi: int
    ops: list[Op] = field(default_factory=list)
    _line: int = 0

    @property
    def px_per_mm(self) -> float:
        return self.dpi / 25.4

    def pt(self, points: float) -> float:
        """Typographic points to pixels."""
        return points * self.dpi / 72.0

    def new_line(self) -> int:
        """A fresh reading-line id for the runs that follow."""
        self._line += 1
        return self._line

    def text(
        self,
        x: float,
        y: float,
        text: str,
        face: FontFace,
        size: float,
        ink: int = 0,
        *,
        line: int | None = None,
    ) -> TextOp:
        """Add a run with its left end at ``x`` and baseline at ``y``; returns it (with width)."""
        op = TextOp(
            x,
            y,
            text,
            face,
            size,
            ink,
            self.new_line() if line is None else line,
            text_width(face, text, size),
        )
        self.ops.append(op)
        return op

    def rule(self, points: list[Point], width: float, ink: int = 0) -> None:
        """A printed line; thin rules (2 px or less) are small marks that must be kept."""
        self.ops.append(ShapeOp("line", tuple(points), width, ink, small=width <= 2.0))

    def rect(self, box: Box, width: float, ink: int = 0, fill: int | None = None) -> None:
        pts = ((box[0], box[1]), (box[2], box[3]))
        self.ops.append(ShapeOp("rect", pts, width, ink, fill, small=0 < width <= 2.0))

    def ellipse(self, box: Box, width: float, ink: int = 0, fill: int | None = None) -> None:
        pts = ((box[0], box[1]), (box[2], box[3]))
        self.ops.append(ShapeOp("ellipse", pts, width, ink, fill, small=0 < width <= 2.0))

    def pen(
        self, strokes: list[list[Point]], width: float, ink: int, kind: str = "pen", seed: int = 0
    ) -> None:
        for stroke in strokes:
            if len(stroke) >= 2:
                self.ops.append(PenOp(tuple(stroke), width, ink, kind, seed))

    def scribble(
        self,
        rng: np.random.Generator,
        x: float,
        y: float,
        x_height: float,
        max_width: float,
        width: float,
        ink: int,
        kind: str = "pen",
    ) -> None:
        """A line of cursive-like handwriting with its baseline at ``y`` (see `ScribbleOp`)."""
        seed = int(rng.integers(2**31))
        self.ops.append(ScribbleOp(x, y, x_height, max_width, seed, width, ink, kind))

    def stamp(self, op: StampOp) -> None:
        self.ops.append(op)

    def metrics(self, face: FontFace, size: float) -> tuple[float, float, float]:
        """(ascent, descent, x_height) of ``face`` at ``size`` pixels."""
        return font_metrics(face, size)


def overlaps(a: Box, b: Box) -> bool:
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]


def reading_text(ops: list[Op], window: Box) -> str:
    """The text of runs whose centre lies in ``window``: lines in order, runs by x, joined."""
    lines: dict[int, list[TextOp]] = {}
    for op in ops:
        if isinstance(op, TextOp):
            x0, y0, x1, y1 = op.bbox
            cx, cy = 0.5 * (x0 + x1), 0.5 * (y0 + y1)
            if window[0] <= cx < window[2] and window[1] <= cy < window[3]:
                lines.setdefault(op.line, []).append(op)
    out = []
    for line_id in sorted(lines):
        runs = sorted(lines[line_id], key=lambda r: r.x)
        out.append(" ".join(r.text for r in runs))
    return "\n".join(out)
