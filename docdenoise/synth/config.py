"""The frozen settings of the synthetic page generator. A data set is this config plus seeds."""

from __future__ import annotations

from dataclasses import dataclass

from docdenoise.synth.degradation_names import check_names

PAGE_KINDS = ("form", "letter", "text", "table")
SCRIPTS = ("latin", "ko", "ja", "zh")  # ko: Hangul with some Hanja; ja: Japanese; zh: Simplified
# Every layout the renderer draws: a page kind, or a page kind in a script ("form.ko").
LAYOUTS = PAGE_KINDS + tuple(f"{kind}.{script}" for script in SCRIPTS[1:] for kind in PAGE_KINDS)
# The knobs of SynthConfig that are a chance (0 to 1); each at 0 draws exactly the default pages.
CHANCES = (
    "shading",
    "display",
    "optics",
    "hairlines",
    "rules",
    "stain_rims",
    "show_through",
    "pale_pen",
)


def layout_script(layout: str) -> tuple[str, str]:
    """``"form.ko"`` -> ``("form", "ko")``; ``"form"`` -> ``("form", "latin")``."""
    kind, _, script = layout.partition(".")
    return kind, script or "latin"


@dataclass(frozen=True)
class SynthConfig:
    """What pages to draw and how to spoil them.

    ``dpi_range`` and ``pt_range`` bound the scan resolution and body text size; ``layouts``
    lists the page kinds to draw from; ``degradations`` the degradation names to mix (None: all,
    see ``DEGRADATION_NAMES``); ``max_degradations`` caps how many are applied to one page.

    ``scripts`` (default Latin only) adds, for each page kind in ``layouts``, its variant in every
    listed script: ``SynthConfig(scripts=("latin", "ko"))`` draws from ``form``, ``form.ko``,
    ``letter``, ``letter.ko``, ... with equal odds, and ``layouts`` then lists exactly those (so
    a config rebuilt from its fields is the same config). CJK scripts need CJK fonts (see
    ``docdenoise.synth.fonts.cjk_faces``).

    ``weights`` changes the odds of some degradations in the random mix: ``(("faded_ink",
    3.0),)`` makes faded ink about twice as common as its default weight 1.4 (see
    ``docdenoise.synth.mix.WEIGHTS``); 0 leaves one out. Names not listed keep their
    default, so an empty tuple draws exactly the default mix.

    ``shading`` (0 to 1) is the extra chance of each printed grey fill a page could have: a
    table's shaded header row and its zebra rows (by default 50% and 20% likely), a grey bar
    behind a form section's title, a form whose boxed fields are tinted. Such fills are common
    on real forms and statements, and a network that rarely sees a flat grey with edges cleans
    it to white paper as if it were a stain. 0 draws exactly the default pages.

    ``display`` (0 to 1) is the chance that a page's title, letterhead or sender is set in
    display type (28 to 110 pt), and, on text pages, that a paragraph opens with a drop cap a
    quarter as often. Title pages, notices and old books have such type, whose strokes are
    wider than a stain's edge is far: a network that never saw them hollows them out, keeping
    the outline and whitening the inside. 0 draws exactly the default pages.

    ``optics`` (0 to 1) is the chance that a damaged page not already blurred also passes
    through a scanner's lens and sensor: a mild Gaussian blur (sigma 0.4 to 1 px,
    ``docdenoise.synth.mix.OPTICS_SIGMA``) in the ``blur`` slot of the physical order. Every
    real scan's stroke edges are soft this way, while the one degradation that otherwise softens
    them without blurring the whole page, ink bleed, also widens the strokes: a network that
    sees soft edges mostly with ink bleed learns to draw them thinner (measured on DIBCO:
    strokes 6.2 px wide where the scan's own half-way edge is 7.0). 0 draws exactly the default
    pages.

    Five more knobs (issue 36) draw what real pages showed the network erasing or keeping
    wrongly; each 0 to 1, and each at 0 draws exactly the default pages:

    ``hairlines`` is the chance that a Latin page is set in a high-contrast serif or italic face
    (Latin Modern, C059, P052, Nimbus Roman: ``docdenoise.synth.hairline_faces``) at 5 to 12 pt
    and 100 to 300 dpi, where the bars of ``e`` and ``t`` and the serifs are a pixel wide or
    less and only mid-grey on the clean page: content, though thin and faint.

    ``rules`` is the chance that a text page or letter also has printed underlines under some
    words and lines and thin rules (0.2 to 0.8 pt) between its sections
    (``docdenoise.synth.layouts.fine_print``): thin straight lines that are ink, not creases.

    ``stain_rims`` is the chance that a coffee or tea stain of the random mix lays its rim
    through the page's text, drawn as the coffee-ring effect: a dark band a few pixels wide,
    sharp outside, far darker than the stain's inside (``rim_on_ink`` of
    ``docdenoise.synth.degrade.stains``).

    ``show_through`` is the chance that a page without bleed-through gets the show-through of
    its leaf's back; with it above 0 every back is drawn at the front's dpi in the front's
    script, as the other side of the same book or letter is: mirrored, blurred by the paper, from
    faint to nearly as dark as faint front ink, never darker than the front's ink.

    ``pale_pen`` is the chance that a page's pen work is pale blue ballpoint (light, thin,
    uneven pressure) or pencil (grey, grainy), with a few more such notes, underlines and
    circled numbers (``docdenoise.synth.layouts.pale_notes``): content the clean page keeps,
    pale, so that a network learns that pale pen is ink.
    """

    dpi_range: tuple[int, int] = (150, 400)
    pt_range: tuple[float, float] = (8.0, 16.0)
    layouts: tuple[str, ...] = PAGE_KINDS
    degradations: tuple[str, ...] | None = None
    max_degradations: int = 5
    scripts: tuple[str, ...] = ("latin",)
    weights: tuple[tuple[str, float], ...] = ()
    shading: float = 0.0
    display: float = 0.0
    optics: float = 0.0
    hairlines: float = 0.0
    rules: float = 0.0
    stain_rims: float = 0.0
    show_through: float = 0.0
    pale_pen: float = 0.0

    def __post_init__(self) -> None:
        lo, hi = self.dpi_range
        if not 50 <= lo <= hi <= 1200:
            raise ValueError(
                f"dpi_range must satisfy 50 <= low <= high <= 1200, got {self.dpi_range}"
            )
        plo, phi = self.pt_range
        if not 4.0 <= plo <= phi <= 72.0:
            raise ValueError(f"pt_range must satisfy 4 <= low <= high <= 72, got {self.pt_range}")
        unknown = [name for name in self.layouts if name not in LAYOUTS]
        if unknown or not self.layouts:
            raise ValueError(f"layouts must be a non-empty subset of {LAYOUTS}, got {self.layouts}")
        if not self.scripts or any(script not in SCRIPTS for script in self.scripts):
            raise ValueError(f"scripts must be a non-empty subset of {SCRIPTS}, got {self.scripts}")
        if self.scripts != ("latin",):
            object.__setattr__(self, "layouts", with_scripts(self.layouts, self.scripts))
        if self.degradations is not None:
            check_names(self.degradations)
        if self.weights:
            check_names([name for name, _ in self.weights])
            bad = [(n, w) for n, w in self.weights if not 0.0 <= w < float("inf")]
            if bad:
                raise ValueError(f"weights must be finite and >= 0, got {bad}")
        for name in CHANCES:
            value = getattr(self, name)
            if not 0.0 <= value <= 1.0:
                raise ValueError(f"{name} must be between 0 and 1, got {value}")
        if self.max_degradations < 0:
            raise ValueError(f"max_degradations must be >= 0, got {self.max_degradations}")


def with_scripts(layouts: tuple[str, ...], scripts: tuple[str, ...]) -> tuple[str, ...]:
    """Each page kind of ``layouts`` in each of ``scripts``; names with a script stay as they
    are; no repeats (so applying this twice changes nothing)."""
    names: list[str] = []
    for name in layouts:
        if "." in name:
            names.append(name)
            continue
        names.extend(name if script == "latin" else f"{name}.{script}" for script in scripts)
    return tuple(dict.fromkeys(names))
