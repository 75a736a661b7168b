"""High-contrast serif and italic faces, whose hairlines are thinner than a scan's pixel.

In a Modern face (Latin Modern, the TeX faces), in Century Schoolbook (URW C059), Palatino
(P052) and Times (Nimbus Roman) the bar of ``e`` and ``t``, the serifs and the thin sides of
round letters are a tenth of a stem or less: at 5 to 12 pt and 100 to 300 dpi they are a pixel
wide or less and only mid-grey, even on the clean page. ``SynthConfig.hairlines`` sets pages in
them, so that a network learns that such strokes are ink and not noise.

Latin Modern lives in TeX's tree (Debian's ``fonts-lmodern``: ``LM_DIRS``), outside the usual
font folders: it never enters the default pool of `docdenoise.synth.fonts.available_faces`, so
installing it leaves the default pages as they were. It is looked up here, beside the faces of
that pool whose family is in ``HAIRLINE_FAMILIES``.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import numpy as np

from docdenoise.synth.fonts import FontFace, available_faces, faces_in, font_dirs

HAIRLINE_PT = (5.0, 12.0)  # body sizes of a hairline page
HAIRLINE_DPI = (100, 300)  # its scan resolutions: where hairlines are a pixel or less
HAIRLINE_ITALIC = 0.3  # share of hairline pages whose body is italic
LM_DIRS = (
    "/usr/share/texmf/fonts/opentype/public/lm",  # Debian and Ubuntu: fonts-lmodern
    "/usr/share/texlive/texmf-dist/fonts/opentype/public/lm",  # a TeX Live install
)
# Font families (``FontFace.key``) with roman and italic faces whose hairlines are thin. Latin
# Modern's optical sizes 5 and 6 are left out: sturdy, and without italics.
HAIRLINE_FAMILIES = (
    "lmroman7",
    "lmroman8",
    "lmroman9",
    "lmroman10",
    "lmroman12",
    "c059",
    "p052",
    "nimbusroman",
)


def hairline_faces() -> tuple[FontFace, ...]:
    """The installed faces of ``HAIRLINE_FAMILIES``, sorted by path (a stable order, so seeded
    choices are reproducible); empty when none is installed."""
    return _hairline_faces(font_dirs())


@lru_cache(maxsize=4)
def _hairline_faces(dirs: tuple[Path, ...]) -> tuple[FontFace, ...]:
    faces = {f.path: f for f in (*available_faces(), *faces_in(LM_DIRS))}
    return tuple(sorted((f for f in faces.values() if f.key in HAIRLINE_FAMILIES), key=_path))


def _path(face: FontFace) -> str:
    return face.path


def pick_hairline_faces(rng: np.random.Generator) -> tuple[FontFace, FontFace, FontFace]:
    """(body, bold, italic) of one random high-contrast family; the body is its italic on
    ``HAIRLINE_ITALIC`` of the pages. Without any such face installed, a serif family of the
    default pool stands in (the page is then plain serif)."""
    faces = hairline_faces() or tuple(f for f in available_faces() if f.family == "serif")
    faces = faces or available_faces()
    keys = sorted({f.key for f in faces})
    key = keys[int(rng.integers(len(keys)))]
    family = [f for f in faces if f.key == key]

    def styled(bold: bool, italic: bool) -> FontFace | None:
        return next((f for f in family if f.bold == bold and f.italic == italic), None)

    roman = styled(False, False) or family[0]
    italic = styled(False, True) or roman
    bold = styled(True, False) or roman
    body = italic if rng.random() < HAIRLINE_ITALIC else roman
    return body, bold, italic
