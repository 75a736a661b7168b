"""Shared page furniture: the page's type style and a text flow that wraps paragraphs."""

from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np

from docdenoise.synth import handwriting, stamps
from docdenoise.synth.fonts import (
    FontFace,
    cjk_styled_like,
    pick_cjk_face,
    pick_face,
    styled_like,
    text_width,
)
from docdenoise.synth.scene import Scene

PRINT_INK = (0, 22)  # grey level of printed ink: near black
UNSPACED = ("ja", "zh")  # scripts written without spaces: lines break between characters
_NO_LINE_START = frozenset("。、，．・：；！？）」』】〕%,.:;!?)ー々")
_NO_LINE_END = frozenset("（「『【〔(")
_UNIT = re.compile(r"[0-9A-Za-z.,:/%+\-]+|\s+|.")


@dataclass(frozen=True)
class Style:
    """The type of one page: faces, body size in px, line spacing and ink grey level."""

    body: FontFace
    bold: FontFace
    italic: FontFace
    heading: FontFace
    mono: FontFace
    size: float
    leading: float
    ink: int
    script: str = "latin"  # the script of the page's text (see docdenoise.synth.config.SCRIPTS)
    shading: float = 0.0  # the extra chance of each printed grey fill (SynthConfig.shading)
    display: float = 0.0  # the chance of display type and drop caps (SynthConfig.display)


def extra_fill(rng: np.random.Generator, style: Style) -> bool:
    """Whether a grey fill the page would not have by default is drawn; draws nothing at 0, so
    the default pages stay exactly as they were."""
    return style.shading > 0 and bool(rng.random() < style.shading)


def extra_display(rng: np.random.Generator, style: Style) -> bool:
    """Whether a title, letterhead or initial is set in display type; draws nothing at 0."""
    return style.display > 0 and bool(rng.random() < style.display)


DISPLAY_PT = (28.0, 110.0)  # display type: title pages, posters, letterheads, big initials


def display_scale(rng: np.random.Generator, scene: Scene, style: Style) -> float:
    """A display size, log-uniform over ``DISPLAY_PT``, as a multiple of the body size: bold
    strokes from a few pixels at 150 dpi up to about a hundred at 400 dpi."""
    points = float(np.exp(rng.uniform(*np.log(DISPLAY_PT))))
    return scene.pt(points) / style.size


def make_style(
    rng: np.random.Generator, scene: Scene, pt_range: tuple[float, float], script: str = "latin"
) -> Style:
    """A random style: serif, sans or mono body at 8-16 pt, matching bold and italic faces."""
    if script != "latin":
        return _cjk_style(rng, scene, pt_range, script)
    family = ("serif", "sans", "mono")[int(rng.choice(3, p=(0.45, 0.4, 0.15)))]
    body = pick_face(rng, family, bold=False, italic=bool(rng.random() < 0.06))
    if rng.random() < 0.07:  # a page set in bold
        body = styled_like(body, bold=True, italic=body.italic)
    heading_family = family if rng.random() < 0.6 else ("serif", "sans")[int(rng.integers(2))]
    heading = pick_face(rng, heading_family, bold=bool(rng.random() < 0.8))
    return Style(
        body=body,
        bold=styled_like(body, bold=True, italic=False),
        italic=styled_like(body, bold=False, italic=True),
        heading=heading,
        mono=pick_face(rng, "mono", bold=False),
        size=scene.pt(rng.uniform(*pt_range)),
        leading=rng.uniform(1.1, 1.55),
        ink=int(rng.integers(PRINT_INK[0], PRINT_INK[1] + 1)),
    )


def _cjk_style(
    rng: np.random.Generator, scene: Scene, pt_range: tuple[float, float], script: str
) -> Style:
    """Myeongjo/Mincho/Song, Gothic or mono body; no italics (CJK type has none); more leading."""
    family = ("serif", "sans", "mono")[int(rng.choice(3, p=(0.4, 0.5, 0.1)))]
    body = pick_cjk_face(rng, script, family, bold=bool(rng.random() < 0.07))
    heading_family = family if rng.random() < 0.6 else ("serif", "sans")[int(rng.integers(2))]
    return Style(
        body=body,
        bold=cjk_styled_like(body, script, bold=True),
        italic=body,
        heading=pick_cjk_face(rng, script, heading_family, bold=bool(rng.random() < 0.8)),
        mono=pick_cjk_face(rng, script, "mono"),
        size=scene.pt(rng.uniform(*pt_range)),
        leading=rng.uniform(1.3, 1.8),
        ink=int(rng.integers(PRINT_INK[0], PRINT_INK[1] + 1)),
        script=script,
    )


def line_units(text: str, script: str) -> tuple[list[str], str]:
    """The pieces a line may break between, and the string that joins them back.

    Words and spaces for Latin and Korean; for Japanese and Chinese every character, with runs of
    Latin letters and digits kept whole, closing punctuation kept on the line before and opening
    brackets on the line after (the basic kinsoku rules).
    """
    if script not in UNSPACED:
        return text.split(), " "
    units: list[str] = []
    for piece in _UNIT.findall(text):
        if units and (piece[0] in _NO_LINE_START or units[-1][-1] in _NO_LINE_END):
            units[-1] += piece
        else:
            units.append(piece)
    return units, ""


def margins(
    scene: Scene,
    rng: np.random.Generator,
    side_mm: tuple[float, float],
    top_mm: tuple[float, float],
) -> tuple[float, float, float, float]:
    """A random type area (x0, y0, x1, y1) inside margins drawn from the given ranges (mm)."""
    mm = scene.px_per_mm
    return (
        rng.uniform(*side_mm) * mm,
        rng.uniform(*top_mm) * mm,
        scene.width - rng.uniform(*side_mm) * mm,
        scene.height - rng.uniform(*top_mm) * mm,
    )


def maybe_stamp(
    scene: Scene,
    rng: np.random.Generator,
    p: float,
    xs: tuple[float, float],
    ys: tuple[float, float],
) -> None:
    """With probability ``p``, a rubber stamp somewhere in the given fractions of the page."""
    if rng.random() < p:
        x, y = rng.uniform(*xs) * scene.width, rng.uniform(*ys) * scene.height
        scene.stamp(stamps.make_stamp(rng, x, y, scene.px_per_mm))


def wrap(
    words: list[str], face: FontFace, size: float, width: float, joiner: str = " "
) -> list[list[str]]:
    """Greedy line breaking of ``words`` into lines no wider than ``width`` (long words alone);
    ``joiner`` goes between the words of a line (empty for Japanese and Chinese)."""
    space = text_width(face, joiner, size) if joiner else 0.0
    lines: list[list[str]] = []
    current: list[str] = []
    used = 0.0
    for word in words:
        w = text_width(face, word, size)
        if current and used + space + w > width:
            lines.append(current)
            current, used = [], 0.0
        used += (space if current else 0.0) + w
        current.append(word)
    if current:
        lines.append(current)
    return lines


class Flow:
    """A column of text filled from the top: paragraphs, headings, lists, gaps."""

    def __init__(self, scene: Scene, style: Style, box: tuple[float, float, float, float]) -> None:
        self.scene, self.style = scene, style
        self.x, self.y, self.right, self.bottom = box
        self.width = self.right - self.x

    @property
    def full(self) -> bool:
        return self.y + self.style.size > self.bottom

    def gap(self, lines: float = 1.0) -> None:
        self.y += lines * self.style.size * self.style.leading

    def paragraph(
        self,
        text: str,
        *,
        face: FontFace | None = None,
        size: float | None = None,
        justify: bool = False,
        indent: float = 0.0,
        align: str = "left",
        ink: int | None = None,
        first_line: int | None = None,
    ) -> None:
        """Wrap ``text`` into the column; stops at the bottom of the column.

        ``first_line``: the reading-line id of the first line (to join it to a list mark).
        """
        face = face or self.style.body
        size = size or self.style.size
        ink = self.style.ink if ink is None else ink
        units, joiner = line_units(text, self.style.script)
        lines = wrap(units, face, size, self.width - indent, joiner)
        step = size * self.style.leading
        for k, words in enumerate(lines):
            if self.y + size * 0.3 > self.bottom:
                return
            self.y += step if k else size
            x = self.x + (indent if k == 0 else 0.0)
            last = k == len(lines) - 1
            line_id = first_line if k == 0 and first_line is not None else self.scene.new_line()
            if justify and joiner and not last and len(words) > 1:
                self._justified(words, x, face, size, ink, line_id)
                continue
            line = joiner.join(words).strip()
            if align != "left":
                spare = self.width - text_width(face, line, size)
                x += spare if align == "right" else 0.5 * spare
            self.scene.text(x, self.y, line, face, size, ink, line=line_id)
        self.y += step - size

    def _justified(
        self, words: list[str], x: float, face: FontFace, size: float, ink: int, line: int
    ) -> None:
        widths = [text_width(face, w, size) for w in words]
        gap = (self.width - (x - self.x) - sum(widths)) / (len(words) - 1)
        for word, w in zip(words, widths, strict=True):
            self.scene.text(x, self.y, word, face, size, ink, line=line)
            x += w + gap

    def heading(self, text: str, rng: np.random.Generator, scale: float | None = None) -> None:
        """A heading 1.1-1.9 times the body size, with space above and a little below."""
        size = self.style.size * (rng.uniform(1.1, 1.9) if scale is None else scale)
        self.gap(0.6)
        align = ("left", "left", "center")[int(rng.integers(3))]
        self.paragraph(text, face=self.style.heading, size=size, align=align)
        self.gap(0.3)

    def drop_cap(self, text: str, rng: np.random.Generator, justify: bool = False) -> None:
        """A paragraph opening with a big initial sunk 2-4 lines deep, the lines beside it
        indented by its width, as old books and magazines set them."""
        size = self.style.size
        units, joiner = line_units(text, self.style.script)
        lines = int(rng.integers(2, 5))
        step = size * self.style.leading
        cap_size = ((lines - 1) * step + 0.7 * size) / 0.7  # cap height ~0.7 em, to line n's base
        cap_face = self.style.heading if rng.random() < 0.7 else self.style.bold
        initial = units[0][0] if units else ""
        rest = [u for u in [units[0][1:], *units[1:]] if u] if units else []
        cap_w = text_width(cap_face, initial, cap_size) + 0.3 * size
        if not rest or cap_w > 0.4 * self.width or self.y + cap_size > self.bottom:
            self.paragraph(text, justify=justify)
            return
        line = self.scene.new_line()
        base = self.y + size + (lines - 1) * step
        self.scene.text(self.x, base, initial, cap_face, cap_size, self.style.ink, line=line)
        beside = wrap(rest, self.style.body, size, self.width - cap_w, joiner)[:lines]
        count = sum(len(words) for words in beside)
        self.x += cap_w
        self.width -= cap_w
        self.paragraph(joiner.join(rest[:count]), justify=justify, first_line=line)
        self.x -= cap_w
        self.width += cap_w
        if count < len(rest):  # the paragraph goes on below the initial at full width
            self.paragraph(joiner.join(rest[count:]), justify=justify)
        self.y = max(self.y, base + step - size)

    def bullets(self, rng: np.random.Generator, items: list[str], numbered: bool) -> None:
        """A bulleted or numbered list with hanging indent."""
        marks = ("•", "–", "-", "*", "o")
        mark = marks[int(rng.integers(len(marks)))]
        hang = self.style.size * 1.6
        for k, item in enumerate(items):
            if self.full:
                return
            label = f"{k + 1}." if numbered else mark
            line = self.scene.new_line()
            self.scene.text(
                self.x,
                self.y + self.style.size,
                label,
                self.style.body,
                self.style.size,
                self.style.ink,
                line=line,
            )
            self.x += hang
            self.width -= hang
            self.paragraph(item, first_line=line)
            self.x -= hang
            self.width += hang

    def handwriting(self, rng: np.random.Generator, lines: int) -> None:
        """A few lines of light handwriting (a note in the flow)."""
        width, ink = handwriting.pen_style(rng, self.scene.px_per_mm)
        x_height = handwriting.x_height(rng, self.scene.px_per_mm)
        for _ in range(lines):
            if self.full:
                return
            self.y += x_height * rng.uniform(2.6, 3.4)
            line_w = self.width * rng.uniform(0.5, 1)
            self.scene.scribble(rng, self.x, self.y, x_height, line_w, width, ink)
