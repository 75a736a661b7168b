"""Invoices, statements and data tables: a header block, a ruled table, totals and a footer."""

from __future__ import annotations

import numpy as np

from docdenoise.synth import text as corpus_text
from docdenoise.synth.fonts import FontFace, text_width
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

TITLES = (
    "INVOICE",
    "Invoice",
    "Delivery Note",
    "Statement of Account",
    "FACTURE",
    "Rechnung",
    "Factura",
    "Faktura VAT",
    "Credit Note",
    "Purchase Order",
)
HEADER_WORDS = ("item", "description", "qty", "unit_price", "vat", "amount")  # text.words keys


def _cell(
    scene: Scene,
    x0: float,
    x1: float,
    y: float,
    text: str,
    face: FontFace,
    size: float,
    ink: int,
    line: int,
    right: bool,
) -> None:
    pad = 0.4 * size
    while len(text) > 1 and text_width(face, text, size) > x1 - x0 - 2 * pad:
        text = text[:-1]
    x = x1 - pad - text_width(face, text, size) if right else x0 + pad
    scene.text(x, y, text, face, size, ink, line=line)


def _row_values(rng: np.random.Generator, k: int, numeric: bool, lang: str) -> list[str]:
    if numeric:
        first = (
            str(int(rng.integers(1990, 2030)))
            if rng.random() < 0.5
            else corpus_text.choice(rng, "cities", lang)
        )
        return [first] + [
            f"{rng.uniform(0, 10 ** rng.uniform(1, 4)):,.{int(rng.integers(0, 3))}f}"
            for _ in range(5)
        ]
    qty = int(rng.integers(1, 50))
    return [
        str(k + 1),
        corpus_text.choice(rng, "items", lang),
        str(qty),
        corpus_text.amount(rng, 2.0, lang),
        f"{int(rng.choice([0, 5, 7, 19, 20, 23]))}%",
        corpus_text.amount(rng, 3.0, lang),
    ]


def _row(
    flow: Flow,
    edges: np.ndarray,
    y0: float,
    row_h: float,
    values: list[str],
    header: bool,
    numeric: bool,
) -> None:
    """One row of cells, numbers right-aligned, header in bold."""
    s = flow.style
    line = flow.scene.new_line()
    face = s.bold if header else s.body
    for c, value in enumerate(values):
        right = c >= 2 or (numeric and c > 0)
        _cell(
            flow.scene,
            edges[c],
            edges[c + 1],
            y0 + 0.72 * row_h,
            value,
            face,
            s.size,
            s.ink,
            line,
            right=right,
        )


def _table(flow: Flow, rng: np.random.Generator, numeric: bool) -> None:
    """A table of 4-30 rows with a header; full grid, row rules or a header rule; maybe zebra."""
    scene, s = flow.scene, flow.style
    rule = max(1.0, scene.px_per_mm * rng.uniform(0.08, 0.3))
    n_cols = 6 if rng.random() < 0.7 else 5
    weights = (np.array([0.5, 3.0, 0.6, 1.2, 0.7, 1.3]) if not numeric else np.ones(6))[:n_cols]
    edges = flow.x + np.concatenate([[0], np.cumsum(weights / weights.sum())]) * flow.width
    grid = ("full", "rows", "header")[int(rng.integers(3))]
    zebra = rng.random() < 0.2 or extra_fill(rng, s)
    row_h = s.size * rng.uniform(1.4, 2.0)
    words = corpus_text.words(s.script)
    header = (
        tuple(words[key] for key in HEADER_WORDS)
        if not numeric
        else ("", "2019", "2020", "2021", "2022", words["total"])
    )
    rows = [list(header[:n_cols])] + [
        _row_values(rng, k, numeric, s.script)[:n_cols] for k in range(int(rng.integers(4, 30)))
    ]
    top = flow.y
    for r, values in enumerate(rows):
        y0 = flow.y
        if y0 + row_h > flow.bottom:
            break
        if (r == 0 and (rng.random() < 0.5 or extra_fill(rng, s))) or (
            zebra and r % 2 == 0 and r > 0
        ):
            shade = int(rng.integers(215, 245))
            if s.shading:  # darker tints too (a 25% grey is 191)
                shade = min(shade, int(rng.integers(185, 245)))
            scene.rect((edges[0], y0, edges[-1], y0 + row_h), 0, 255, fill=shade)
        _row(flow, edges, y0, row_h, values, r == 0, numeric)
        if grid != "header" or r == 0:
            scene.rule([(edges[0], y0 + row_h), (edges[-1], y0 + row_h)], rule, s.ink)
        flow.y += row_h
    scene.rule([(edges[0], top), (edges[-1], top)], rule, s.ink)
    if grid == "full":
        for x in edges:
            scene.rule([(x, top), (x, flow.y)], rule, s.ink)
    flow.gap(0.8)


def _totals(flow: Flow, rng: np.random.Generator) -> None:
    scene, s = flow.scene, flow.style
    x0 = flow.x + 0.55 * flow.width
    w = corpus_text.words(s.script)
    vat = f"{w['vat']} {int(rng.choice([5, 7, 19, 20, 23]))}%"
    for k, label in enumerate((w["subtotal"], vat, w["total"])):
        if flow.y + 2 * s.size > flow.bottom:
            return
        flow.y += s.size * 1.5
        face = s.bold if k == 2 else s.body
        line = scene.new_line()
        scene.text(x0, flow.y, label, face, s.size, s.ink, line=line)
        _cell(
            scene,
            x0,
            flow.right,
            flow.y,
            corpus_text.amount(rng, 3.5, s.script),
            face,
            s.size,
            s.ink,
            line,
            right=True,
        )
    scene.rule(
        [(x0, flow.y + 0.4 * s.size), (flow.right, flow.y + 0.4 * s.size)],
        max(1.0, s.size * 0.06),
        s.ink,
    )
    flow.gap(1.2)


def _header(flow: Flow, rng: np.random.Generator, numeric: bool) -> None:
    """Sender, title and reference lines above the table."""
    lang = flow.style.script
    sender = corpus_text.choice(rng, "companies", lang)
    big = extra_display(rng, flow.style)  # the sender's name in display type
    scale = display_scale(rng, flow.scene, flow.style) if big else rng.uniform(1.3, 2.2)
    flow.paragraph(sender, face=flow.style.heading, size=flow.style.size * scale)
    for line in corpus_text.address(rng, lang)[1:]:
        flow.paragraph(line, size=flow.style.size * 0.85)
    flow.gap(1.0)
    if numeric:
        title = corpus_text.choice(rng, "headings", lang)
    elif lang == "latin":
        title = TITLES[int(rng.integers(len(TITLES)))]
    else:
        title = corpus_text.choice(rng, "titles", lang)
    flow.paragraph(
        title, face=flow.style.heading, size=flow.style.size * rng.uniform(1.3, 2.0), align="right"
    )
    words = corpus_text.words(lang)
    for key in ("invoice_no", "date", "customer_no")[: int(rng.integers(1, 4))]:
        if lang == "latin":
            value = corpus_text.field_value(rng, words[key])
        else:
            value = corpus_text.value_of_kind(rng, "date" if key == "date" else "ref", lang)
        flow.paragraph(f"{words[key]}: {value}", align="right")
    flow.gap(1.0)


def build_table(scene: Scene, rng: np.random.Generator, style: Style) -> None:
    """Fill ``scene`` with an invoice-like page or a data table."""
    flow = Flow(scene, style, margins(scene, rng, (12, 25), (10, 25)))
    numeric = bool(rng.random() < 0.3)
    _header(flow, rng, numeric)
    _table(flow, rng, numeric)
    if not numeric:
        _totals(flow, rng)
    if not flow.full:
        lang = style.script
        flow.paragraph(corpus_text.sentence(rng, "prose.en", lang), size=style.size * 0.85)
        flow.paragraph(
            f"{corpus_text.words(lang)['account']} {corpus_text.number_string(rng, 'account')}",
            face=style.mono,
            size=style.size * 0.85,
        )
    maybe_stamp(scene, rng, 0.4, (0.3, 0.8), (0.2, 0.9))
