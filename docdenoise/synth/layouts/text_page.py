"""Book, report and notice pages: running head, headings, paragraphs, lists, footnotes."""

from __future__ import annotations

import numpy as np

from docdenoise.synth import handwriting
from docdenoise.synth import text as corpus_text
from docdenoise.synth.layouts.common import Flow, Style, display_scale, extra_display
from docdenoise.synth.scene import Scene, TextOp


def _running_head(
    scene: Scene, style: Style, rng: np.random.Generator, box: tuple[float, ...]
) -> float:
    """A small italic running head with a thin rule under it; returns the y below it."""
    x0, y0, x1, _ = box
    size = style.size * rng.uniform(0.75, 0.95)
    head = corpus_text.choice(rng, "headings", style.script)
    scene.text(x0, y0 + size, head, style.italic, size, style.ink)
    page = str(int(rng.integers(1, 400)))
    scene.text(x1 - size * 0.6 * len(page), y0 + size, page, style.body, size, style.ink)
    y = y0 + size * 1.6
    scene.rule([(x0, y), (x1, y)], max(1.0, scene.px_per_mm * rng.uniform(0.1, 0.3)), style.ink)
    return y + style.size


def _footnotes(
    scene: Scene, style: Style, rng: np.random.Generator, box: tuple[float, ...]
) -> float:
    """Two or three small footnotes at the bottom; returns the top of the footnote area."""
    x0, _, x1, y1 = box
    size = style.size * 0.8
    count = int(rng.integers(1, 4))
    top = y1 - count * 2.4 * size * style.leading
    scene.rule(
        [(x0, top), (x0 + 0.3 * (x1 - x0), top)], max(1.0, scene.px_per_mm * 0.15), style.ink
    )
    flow = Flow(scene, style, (x0, top + 0.3 * size, x1, y1))
    for k in range(count):
        flow.paragraph(f"{k + 1} {corpus_text.sentence(rng, script=style.script)}", size=size)
    return top - style.size


def _column(flow: Flow, rng: np.random.Generator, justify: bool) -> None:
    indent = flow.style.size * rng.uniform(0, 2.5)
    lang = flow.style.script
    while not flow.full:
        r = rng.random()
        if r < 0.13:
            flow.heading(corpus_text.choice(rng, "headings", lang), rng)
        elif r < 0.24:
            items = [corpus_text.sentence(rng, script=lang) for _ in range(int(rng.integers(2, 6)))]
            flow.bullets(rng, items, numbered=bool(rng.random() < 0.4))
            flow.gap(0.5)
        elif r < 0.27:
            flow.handwriting(rng, int(rng.integers(1, 4)))
            flow.gap(0.5)
        elif flow.style.display > 0 and rng.random() < 0.25 * flow.style.display:
            flow.drop_cap(corpus_text.paragraph(rng, script=lang), rng, justify=justify)
            flow.gap(rng.uniform(0.2, 0.8))
        else:
            flow.paragraph(corpus_text.paragraph(rng, script=lang), justify=justify, indent=indent)
            if indent == 0 or rng.random() < 0.3:
                flow.gap(rng.uniform(0.2, 0.8))


def _annotate(scene: Scene, rng: np.random.Generator) -> None:
    """Pen underlines under a few printed lines and a margin scribble, as readers leave them."""
    runs = [op for op in scene.ops if isinstance(op, TextOp)]
    if not runs:
        return
    width, ink = handwriting.pen_style(rng, scene.px_per_mm)
    for _ in range(int(rng.integers(1, 4))):
        run = runs[int(rng.integers(len(runs)))]
        y = run.y + 0.2 * run.size
        pts = np.array(
            [
                [run.x, y],
                [run.x + 0.5 * run.width, y + rng.normal(0, 0.1 * run.size)],
                [run.x + run.width, y + rng.normal(0, 0.15 * run.size)],
            ]
        )
        scene.pen([[(float(a), float(b)) for a, b in handwriting.catmull_rom(pts, 8)]], width, ink)
    run = runs[int(rng.integers(len(runs)))]
    scene.pen(
        handwriting.cursive_word(
            rng,
            max(2.0, run.x - 12 * scene.px_per_mm),
            run.y,
            handwriting.x_height(rng, scene.px_per_mm),
            int(rng.integers(2, 5)),
        )[0],
        width,
        ink,
    )


def build_text(scene: Scene, rng: np.random.Generator, style: Style) -> None:
    """Fill ``scene`` with a text page (one or two columns)."""
    mm = scene.px_per_mm
    box = (
        rng.uniform(12, 30) * mm,
        rng.uniform(10, 25) * mm,
        scene.width - rng.uniform(12, 30) * mm,
        scene.height - rng.uniform(12, 28) * mm,
    )
    top = _running_head(scene, style, rng, box) if rng.random() < 0.5 else box[1]
    bottom = _footnotes(scene, style, rng, box) if rng.random() < 0.25 else box[3]
    big = extra_display(rng, style)  # a title page's or a notice's headline
    if big or rng.random() < 0.5:
        flow = Flow(scene, style, (box[0], top, box[2], bottom))
        heading = corpus_text.choice(rng, "headings", style.script)
        scale = display_scale(rng, scene, style) if big else rng.uniform(1.4, 2.4)
        flow.heading(heading, rng, scale=scale)
        top = flow.y
    justify = bool(rng.random() < 0.55)
    columns = 2 if rng.random() < 0.25 and box[2] - box[0] > 40 * style.size else 1
    gutter = rng.uniform(5, 10) * mm
    col_w = (box[2] - box[0] - gutter * (columns - 1)) / columns
    for c in range(columns):
        x = box[0] + c * (col_w + gutter)
        _column(Flow(scene, style, (x, top, x + col_w, bottom)), rng, justify)
    if rng.random() < 0.2:
        _annotate(scene, rng)
    if rng.random() < 0.6:
        num = str(int(rng.integers(1, 400)))
        scene.text(
            0.5 * scene.width, box[3] + style.size * 1.5, num, style.body, style.size, style.ink
        )
