"""Page layouts: each fills a `Scene` for a whole page of one kind."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable

import numpy as np

from docdenoise.synth.config import layout_script
from docdenoise.synth.layouts.common import Style, make_style
from docdenoise.synth.layouts.fine_print import add_rules, hairline_style
from docdenoise.synth.layouts.form import build_form
from docdenoise.synth.layouts.letter import build_letter
from docdenoise.synth.layouts.pale_notes import pale_pen_page
from docdenoise.synth.layouts.table import build_table
from docdenoise.synth.layouts.text_page import build_text
from docdenoise.synth.scene import Scene

LayoutFn = Callable[[Scene, np.random.Generator, Style], None]
LAYOUT_BUILDERS: dict[str, LayoutFn] = {
    "form": build_form,
    "letter": build_letter,
    "text": build_text,
    "table": build_table,
}
PAPER_MM = ((210.0, 297.0), (215.9, 279.4), (148.0, 210.0))  # A4, US Letter, A5
PAPER_P = (0.6, 0.3, 0.1)


def build_page(
    rng: np.random.Generator,
    layout: str,
    dpi: int,
    min_height: int,
    min_width: int,
    pt_range: tuple[float, float],
    shading: float = 0.0,
    display: float = 0.0,
    *,
    hairline: bool = False,
    rules: float = 0.0,
    pale_pen: float = 0.0,
) -> Scene:
    """A whole page of ``layout`` at ``dpi``, at least ``min_height`` x ``min_width`` pixels.

    ``layout`` is a page kind (``form``) or a page kind in a script (``form.ko``, see
    ``docdenoise.synth.config.LAYOUTS``). ``shading``, ``display``, ``rules``, ``pale_pen``:
    ``SynthConfig``'s; ``hairline``: set the page in hairline type (``SynthConfig.hairlines``
    drew it). Each at 0 (or False) draws nothing more from ``rng``.
    """
    layout, script = layout_script(layout)
    if layout not in LAYOUT_BUILDERS:
        raise ValueError(f"unknown layout {layout!r}; choose from {tuple(LAYOUT_BUILDERS)}")
    w_mm, h_mm = PAPER_MM[int(rng.choice(len(PAPER_MM), p=PAPER_P))]
    if layout == "table" and rng.random() < 0.15:
        w_mm, h_mm = h_mm, w_mm  # landscape
    width = max(min_width, round(w_mm / 25.4 * dpi))
    height = max(min_height, round(h_mm / 25.4 * dpi))
    scene = Scene(width, height, dpi)
    plain = (
        hairline_style(rng, scene, pt_range)
        if hairline
        else make_style(rng, scene, pt_range, script)
    )
    style = dataclasses.replace(plain, shading=shading, display=display)
    LAYOUT_BUILDERS[layout](scene, rng, style)
    if rules > 0 and layout in ("text", "letter") and rng.random() < rules:
        add_rules(scene, rng, style)
    if pale_pen > 0 and rng.random() < pale_pen:
        pale_pen_page(scene, rng, style)
    return scene


__all__ = ["LAYOUT_BUILDERS", "build_page"]
