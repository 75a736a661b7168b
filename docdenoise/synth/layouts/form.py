"""Forms: titled sections of labelled fields (boxes, underlines, dotted leaders) with typed or
handwritten values, checkbox groups (some ticked), digit combs, text areas and a signature.
"""

from __future__ import annotations

import numpy as np

from docdenoise.synth import handwriting
from docdenoise.synth import text as corpus_text
from docdenoise.synth.fonts import pick_cjk_face, pick_face, text_width
from docdenoise.synth.layouts.common import (
    Flow,
    Style,
    display_scale,
    extra_display,
    extra_fill,
    margins,
    maybe_stamp,
)
from docdenoise.synth.scene import Scene


class FormWriter:
    """Draws form parts down the page with one rule width, label size and filling-in pen."""

    def __init__(self, flow: Flow, rng: np.random.Generator) -> None:
        self.flow, self.rng = flow, rng
        self.scene, self.style = flow.scene, flow.style
        self.lang = flow.style.script
        self.rule_w = max(1.0, self.scene.px_per_mm * rng.uniform(0.08, 0.3))
        self.label_size = self.style.size * rng.uniform(0.75, 1.0)
        self.pen_w, self.pen_ink = handwriting.pen_style(rng, self.scene.px_per_mm)
        if self.lang == "latin":
            self.script = pick_face(rng, "script", italic=True)
        else:  # no handwriting-like CJK face is assumed: a second printed one
            self.script = pick_cjk_face(rng, self.lang, ("sans", "serif"))
        self.typed = self.style.mono if rng.random() < 0.5 else self.style.body
        self.label_above = bool(rng.random() < 0.5)
        # tinted field boxes, as many printed and PDF forms have (only with SynthConfig.shading)
        self.field_fill = int(rng.integers(205, 250)) if extra_fill(rng, self.style) else None

    def section(self, title: str) -> None:
        f, s = self.flow, self.style
        f.gap(0.8)
        if self.rng.random() < 0.35:  # inverted bar: white text on a dark band
            h = s.size * 1.6
            self.scene.rect((f.x, f.y, f.right, f.y + h), 0, s.ink, fill=s.ink)
            self.scene.text(f.x + 0.4 * s.size, f.y + 1.15 * s.size, title, s.bold, s.size, 255)
            f.y += h
        elif extra_fill(self.rng, s):  # a grey bar behind the title, boxed or not
            h = s.size * 1.6
            edge = self.rule_w if self.rng.random() < 0.5 else 0
            fill = int(self.rng.integers(185, 240))
            self.scene.rect((f.x, f.y, f.right, f.y + h), edge, s.ink, fill=fill)
            self.scene.text(f.x + 0.4 * s.size, f.y + 1.15 * s.size, title, s.bold, s.size, s.ink)
            f.y += h
        else:
            f.paragraph(title, face=s.bold, size=s.size * self.rng.uniform(1.0, 1.3))
            self.scene.rule(
                [(f.x, f.y + 0.3 * s.size), (f.right, f.y + 0.3 * s.size)], self.rule_w, s.ink
            )
            f.y += 0.3 * s.size
        f.gap(0.3)

    def value(self, x: float, y: float, label: str, width: float) -> None:
        """A typed, handwritten or missing value with its baseline at ``y``."""
        r = self.rng.random()
        text = corpus_text.field_value(self.rng, label, self.lang)
        if r < 0.5:
            size = self.style.size
            while text and text_width(self.typed, text, size) > width:
                text = text[:-1]
            self.scene.text(x, y, text, self.typed, size, self.style.ink)
        elif r < 0.7:
            size = self.style.size * self.rng.uniform(1.0, 1.4)
            while text and text_width(self.script, text, size) > width:
                text = text[:-1]
            self.scene.text(x, y, text, self.script, size, self.pen_ink)
        elif r < 0.9:
            x_height = min(
                handwriting.x_height(self.rng, self.scene.px_per_mm), 0.6 * self.style.size
            )
            line_w = width * self.rng.uniform(0.4, 1)
            self.scene.scribble(self.rng, x, y, x_height, line_w, self.pen_w, self.pen_ink)

    def field(self, x0: float, x1: float, y: float, label: str) -> float:
        """One labelled field between x0 and x1 below ``y``; returns its bottom."""
        s, ls = self.style, self.label_size
        h = s.size * self.rng.uniform(1.5, 2.2)
        if self.label_above:
            self.scene.text(x0, y + ls, label, s.body, ls, s.ink)
            top = y + ls * 1.4
            self.scene.rect((x0, top, x1, top + h), self.rule_w, s.ink, fill=self.field_fill)
            self.value(x0 + 0.3 * s.size, top + 0.7 * h, label, x1 - x0 - 0.6 * s.size)
            return top + h
        run = self.scene.text(x0, y + h * 0.8, label + ":", s.body, ls, s.ink)
        vx = x0 + run.width + 0.5 * s.size
        if self.rng.random() < 0.3 and vx < x1:  # dotted leader
            dots = "." * max(1, int((x1 - vx) / text_width(s.body, ".", ls)) - 1)
            self.scene.text(vx, y + h * 0.8, dots, s.body, ls, s.ink, line=self.scene.new_line())
        else:
            self.scene.rule([(vx, y + h * 0.85), (x1, y + h * 0.85)], self.rule_w, s.ink)
        self.value(vx + 0.2 * s.size, y + h * 0.75, label, x1 - vx - 0.4 * s.size)
        return y + h

    def field_row(self) -> None:
        f = self.flow
        n = int(self.rng.integers(1, 4))
        gap = self.style.size
        cell = (f.width - gap * (n - 1)) / n
        bottom = f.y
        for k in range(n):
            x0 = f.x + k * (cell + gap)
            label = corpus_text.choice(self.rng, "labels", self.lang)
            bottom = max(bottom, self.field(x0, x0 + cell, f.y, label))
        f.y = bottom + 0.6 * self.style.size

    def checkboxes(self) -> None:
        f, s = self.flow, self.style
        y = f.y + s.size * 1.3
        label = corpus_text.choice(self.rng, "labels", self.lang)
        run = self.scene.text(f.x, y, label + ":", s.body, self.label_size, s.ink)
        x = f.x + run.width + s.size
        box = s.size * self.rng.uniform(0.7, 1.0)
        line = run.line
        for _ in range(int(self.rng.integers(2, 5))):
            option = corpus_text.choice(self.rng, "choices", self.lang)
            if x + box + text_width(s.body, option, s.size) > f.right:
                break
            square = (x, y - box, x + box, y)
            self.scene.rect(square, self.rule_w, s.ink)
            if self.rng.random() < 0.4:
                self.scene.pen(handwriting.tick(self.rng, square), self.pen_w, self.pen_ink)
            opt = self.scene.text(
                x + box + 0.4 * s.size, y, option, s.body, s.size, s.ink, line=line
            )
            x = opt.x + opt.width + 1.5 * s.size
        f.y = y + 0.8 * s.size

    def comb(self) -> None:
        """A row of one-character cells holding digits, typed or handwritten."""
        f, s = self.flow, self.style
        y = f.y + s.size * 1.4
        label = corpus_text.choice(self.rng, "labels", self.lang)
        run = self.scene.text(f.x, y, label + ":", s.body, self.label_size, s.ink)
        cell = s.size * self.rng.uniform(1.1, 1.5)
        x = f.x + run.width + s.size
        digits = corpus_text.number_string(self.rng, "digits")
        face = self.script if self.rng.random() < 0.4 else self.typed
        for ch in digits:
            if x + cell > f.right:
                break
            cell_box = (x, y - cell * 0.85, x + cell, y + cell * 0.15)
            self.scene.rect(cell_box, self.rule_w, s.ink, fill=self.field_fill)
            self.scene.text(x + cell * 0.25, y - cell * 0.1, ch, face, s.size, s.ink, line=run.line)
            x += cell
        f.y = y + 0.8 * s.size

    def text_area(self) -> None:
        f, s = self.flow, self.style
        heading = corpus_text.choice(self.rng, "headings", self.lang)
        f.paragraph(heading + ":", size=self.label_size)
        lines = int(self.rng.integers(2, 5))
        top, h = f.y + 0.3 * s.size, lines * s.size * 1.8
        self.scene.rect((f.x, top, f.right, top + h), self.rule_w, s.ink)
        inner = Flow(self.scene, s, (f.x + 0.4 * s.size, top, f.right - 0.4 * s.size, top + h))
        if self.rng.random() < 0.5:
            inner.paragraph(corpus_text.paragraph(self.rng, lines, self.lang))
        else:
            inner.handwriting(self.rng, lines)
        f.y = top + h + 0.5 * s.size

    def signature(self) -> None:
        f, s = self.flow, self.style
        y = f.y + s.size * 3.5
        label = corpus_text.words(self.lang)["signature"] + ":"
        run = self.scene.text(f.x, y, label, s.body, self.label_size, s.ink)
        x0 = f.x + run.width + 0.5 * s.size
        x1 = min(f.right, x0 + 60 * self.scene.px_per_mm)
        self.scene.rule([(x0, y + 0.1 * s.size), (x1, y + 0.1 * s.size)], self.rule_w, s.ink)
        self.scene.pen(
            handwriting.signature(self.rng, x0 + s.size, y, 0.7 * (x1 - x0)),
            self.pen_w,
            self.pen_ink,
        )
        f.y = y + s.size


def build_form(scene: Scene, rng: np.random.Generator, style: Style) -> None:
    """Fill ``scene`` with a form."""
    flow = Flow(scene, style, margins(scene, rng, (10, 22), (10, 22)))
    lang = style.script
    if rng.random() < 0.5:
        scene.text(
            flow.x,
            flow.y + style.size * 0.8,
            f"{corpus_text.words(lang)['form']} {corpus_text.number_string(rng, 'ref')}",
            style.mono,
            style.size * 0.7,
            style.ink,
        )
    title = corpus_text.choice(rng, "headings", lang)
    big = extra_display(rng, style)  # a form titled in display type
    flow.heading(title, rng, scale=display_scale(rng, scene, style) if big else rng.uniform(1.3, 2))
    writer = FormWriter(flow, rng)
    parts = (
        writer.field_row,
        writer.field_row,
        writer.field_row,
        writer.checkboxes,
        writer.comb,
        writer.text_area,
    )
    while flow.y + 8 * style.size < flow.bottom:
        if rng.random() < 0.25:
            writer.section(corpus_text.choice(rng, "headings", lang))
        for _ in range(int(rng.integers(2, 6))):
            if flow.y + 6 * style.size > flow.bottom:
                break
            parts[int(rng.integers(len(parts)))]()
    writer.signature()
    maybe_stamp(scene, rng, 0.35, (0.55, 0.85), (0.1, 0.9))
