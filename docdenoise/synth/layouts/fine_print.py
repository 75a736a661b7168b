"""Fine print as content: pages set in hairline type, printed underlines and thin rules.

A network that saw thin, faint lines only as damage (creases, crumple lines, scanner streaks)
erases them from real pages: the bar of ``e`` in small serif type, a rule between sections, an
underlined word. These draw such lines as part of the clean page (``SynthConfig.hairlines`` and
``SynthConfig.rules``), at the widths where a scan shows them one pixel wide or less.
"""

from __future__ import annotations

import numpy as np

from docdenoise.synth.fonts import pick_face
from docdenoise.synth.hairline_faces import pick_hairline_faces
from docdenoise.synth.layouts.common import PRINT_INK, Style
from docdenoise.synth.scene import Scene, TextOp, overlaps

UNDERLINE_EM = (0.04, 0.08)  # a printed underline's thickness, in em of its text
UNDERLINE_DROP_EM = (0.08, 0.18)  # its distance below the baseline, in em
RULE_PT = (0.2, 0.8)  # a thin rule's width in points: 0.3 to 1.1 px at 100 dpi, up to 3.3 at 300
UNDERLINED = 0.1  # share of the lines with an underline (under the line or one of its words)
SECTION_GAP = 1.3  # a rule goes only where lines are this many line steps apart (or more)


def hairline_style(rng: np.random.Generator, scene: Scene, pt_range: tuple[float, float]) -> Style:
    """A page set in one high-contrast family (``docdenoise.synth.hairline_faces``): roman or
    italic body, its bold for headings (or the body, larger), book-like leading."""
    body, bold, italic = pick_hairline_faces(rng)
    return Style(
        body=body,
        bold=bold,
        italic=italic,
        heading=bold if rng.random() < 0.5 else body,
        mono=pick_face(rng, "mono", bold=False),
        size=scene.pt(rng.uniform(*pt_range)),
        leading=rng.uniform(1.1, 1.45),
        ink=int(rng.integers(PRINT_INK[0], PRINT_INK[1] + 1)),
    )


def add_rules(scene: Scene, rng: np.random.Generator, style: Style) -> None:
    """Printed underlines under words or lines of body text (about ``UNDERLINED`` of the lines)
    and up to four thin rules (``RULE_PT``) across the gaps between paragraphs and sections,
    where they touch no text."""
    runs = [op for op in scene.ops if isinstance(op, TextOp) and op.size <= 1.3 * style.size]
    if not runs:
        return
    lines = len({run.line for run in runs})
    for _ in range(1 + int(rng.poisson(UNDERLINED * lines))):
        run = runs[int(rng.integers(len(runs)))]
        y = run.y + run.size * rng.uniform(*UNDERLINE_DROP_EM)
        width = run.size * rng.uniform(*UNDERLINE_EM)
        scene.rule([(run.x, y), (run.x + run.width, y)], width, style.ink)
    rules = int(rng.integers(1, 5))
    for _ in range(20 * rules):  # a few tries for each rule: most lines have no gap below
        if rules == 0:
            return
        segment = _section_gap(runs[int(rng.integers(len(runs)))], runs, style)
        if segment is None:
            continue
        x0, x1, y = segment
        share = 1.0 if rng.random() < 0.6 else rng.uniform(0.2, 0.5)  # full or a short rule
        left = x0 if rng.random() < 0.6 else x0 + 0.5 * (1.0 - share) * (x1 - x0)
        width = scene.pt(rng.uniform(*RULE_PT))
        scene.rule([(left, y), (left + share * (x1 - x0), y)], width, style.ink)
        rules -= 1


def _section_gap(
    above: TextOp, runs: list[TextOp], style: Style
) -> tuple[float, float, float] | None:
    """(x0, x1, y) of a rule in the gap below ``above``, as wide as the lines on both sides,
    or None when the next line below is close or the rule would touch text."""
    below = [
        r for r in runs if r.y > above.y and r.x < above.x + above.width and above.x < r.x + r.width
    ]
    if not below:
        return None
    nxt = min(below, key=lambda r: r.y)
    step = style.size * style.leading
    if nxt.y - above.y < SECTION_GAP * step:
        return None
    y = 0.5 * ((above.y + 0.3 * above.size) + (nxt.y - 0.8 * nxt.size))
    x0, x1 = min(above.x, nxt.x), max(above.x + above.width, nxt.x + nxt.width)
    band = (x0, y - 0.1 * style.size, x1, y + 0.1 * style.size)
    if any(overlaps(r.bbox, band) for r in runs):
        return None
    return x0, x1, y
