"""Business and private letters: letterhead, addresses, date, subject, body, signature, stamp."""

from __future__ import annotations

import numpy as np

from docdenoise.synth import handwriting
from docdenoise.synth import text as corpus_text
from docdenoise.synth.layouts.common import (
    Flow,
    Style,
    display_scale,
    extra_display,
    margins,
    maybe_stamp,
)
from docdenoise.synth.scene import Scene

SALUTATIONS = (
    "Dear Sir or Madam,",
    "Dear {name},",
    "Madame, Monsieur,",
    "Sehr geehrte Damen und Herren,",
    "Estimado/a {name}:",
    "Szanowni Państwo,",
    "Dear Dr. {surname},",
    "Hej {given}!",
)
CLOSINGS = (
    "Yours sincerely,",
    "Yours faithfully,",
    "Kind regards,",
    "Best wishes,",
    "Mit freundlichen Grüßen",
    "Atentamente,",
    "Bien cordialement,",
    "Z poważaniem,",
    "Med venlig hilsen",
)


def _pick(rng: np.random.Generator, latin: tuple[str, ...], section: str, script: str) -> str:
    """One of ``latin``, or of the corpus ``section`` on a CJK page."""
    if script == "latin":
        return latin[int(rng.integers(len(latin)))]
    return corpus_text.choice(rng, section, script)


def _letterhead(flow: Flow, rng: np.random.Generator, big: bool) -> None:
    """The sender's name, in display type if ``big``, with contact line, logo and rule."""
    scene, style = flow.scene, flow.style
    lang = style.script
    company = corpus_text.choice(rng, "companies", lang)
    align = ("left", "center", "right")[int(rng.integers(3))]
    if not big and rng.random() < 0.4:  # a printed logo: a ring or a filled box
        s = style.size * rng.uniform(2.0, 3.5)
        x = flow.x if align != "left" else flow.right - s
        box = (x, flow.y, x + s, flow.y + s)
        if rng.random() < 0.5:
            scene.ellipse(box, max(1.5, s * 0.06), style.ink)
        else:
            scene.rect(box, 0, style.ink, fill=style.ink)
    scale = display_scale(rng, scene, style) if big else rng.uniform(1.5, 2.6)
    flow.paragraph(company, face=style.heading, size=style.size * scale, align=align)
    small = style.size * rng.uniform(0.7, 0.9)
    contact = " · ".join(
        [
            ", ".join(corpus_text.address(rng, lang)[-2:]),
            corpus_text.number_string(rng, "phone", lang),
        ]
    )
    flow.paragraph(contact, size=small, align=align)
    flow.gap(0.3)
    if rng.random() < 0.7:
        scene.rule(
            [(flow.x, flow.y), (flow.right, flow.y)],
            max(1.0, scene.px_per_mm * rng.uniform(0.1, 0.5)),
            style.ink,
        )
    flow.gap(1.0)


def _address_block(flow: Flow, rng: np.random.Generator, lines: list[str], right: bool) -> None:
    saved = flow.x
    if right:
        flow.x += 0.55 * flow.width
        flow.width = flow.right - flow.x
    for line in lines:
        flow.paragraph(line)
    flow.x = saved
    flow.width = flow.right - saved
    flow.gap(rng.uniform(0.5, 1.5))


def _signature_block(flow: Flow, rng: np.random.Generator) -> None:
    scene, style = flow.scene, flow.style
    lang = style.script
    flow.paragraph(_pick(rng, CLOSINGS, "closings", lang))
    sig_h = style.size * rng.uniform(2.5, 4.5)
    width, ink = handwriting.pen_style(rng, scene.px_per_mm)
    scene.pen(
        handwriting.signature(
            rng,
            flow.x + rng.uniform(0, 3) * style.size,
            flow.y + sig_h,
            style.size * rng.uniform(6, 12),
        ),
        width,
        ink,
    )
    flow.y += sig_h + 0.3 * style.size
    flow.paragraph(corpus_text.person(rng, lang))
    if rng.random() < 0.6:
        flow.paragraph(corpus_text.choice(rng, "companies", lang), face=style.italic)
    if rng.random() < 0.25:
        flow.gap(1.0)
        enclosure = corpus_text.words(lang)["enclosure"]
        flow.paragraph(f"{enclosure}: {corpus_text.choice(rng, 'headings', lang)}")


def build_letter(scene: Scene, rng: np.random.Generator, style: Style) -> None:
    """Fill ``scene`` with a letter."""
    mm = scene.px_per_mm
    lang = style.script
    flow = Flow(scene, style, margins(scene, rng, (16, 30), (12, 28)))
    big = extra_display(rng, style)  # a letterhead in display type
    if big or rng.random() < 0.65:
        _letterhead(flow, rng, big)
    else:
        _address_block(flow, rng, corpus_text.address(rng, lang), right=True)
    _address_block(flow, rng, corpus_text.address(rng, lang), right=False)
    flow.paragraph(corpus_text.date(rng, lang), align="right" if rng.random() < 0.5 else "left")
    flow.gap(1.0)
    if rng.random() < 0.7:
        ref = corpus_text.number_string(rng, "ref")
        re_ = corpus_text.words(lang)["re"]
        heading = corpus_text.choice(rng, "headings", lang)
        flow.paragraph(f"{re_}: {heading} ({ref})", face=style.bold)
        flow.gap(0.8)
    name = corpus_text.person(rng, lang).split()
    salutation = _pick(rng, SALUTATIONS, "salutations", lang)
    flow.paragraph(salutation.format(name=" ".join(name), surname=name[-1], given=name[0]))
    flow.gap(0.6)
    justify = bool(rng.random() < 0.4)
    for _ in range(int(rng.integers(2, 6))):
        flow.paragraph(corpus_text.paragraph(rng, script=lang), justify=justify)
        flow.gap(0.6)
    _signature_block(flow, rng)
    maybe_stamp(scene, rng, 0.35, (0.5, 0.85), (0.1, 0.6))
    if rng.random() < 0.2:  # a handwritten note in the top margin
        width, ink = handwriting.pen_style(rng, mm)
        x_height = handwriting.x_height(rng, mm)
        scene.scribble(rng, flow.x, 8 * mm, x_height, 0.5 * flow.width, width, ink)
