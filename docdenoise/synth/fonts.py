"""Find the installed fonts and sort them into serif, sans, mono and script faces.

Fonts are looked up under the usual font folders (``/usr/share/fonts`` and friends) or under the
folders listed in ``DOCDENOISE_FONT_DIRS`` (separated by ``os.pathsep``), which replaces the
defaults. Only ``.ttf`` and ``.otf`` files are used. A face that cannot draw the accented letters
of the corpus (é, ü, ñ, ç, ø, å, ł, ...) is skipped, so rendered text always matches the page text.

Korean, Japanese and Chinese pages draw from a separate pool, `cjk_faces`: ``.ttf``, ``.otf`` and
``.ttc``/``.otc`` collections (Nanum Gothic/Myeongjo, Noto Sans/Serif CJK, ...) whose faces draw
every character of that script's corpus. A face inside a collection is addressed as
``file.ttc#N`` (N: its index in the collection); `load_font` understands that form.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np
from PIL import ImageFont

from docdenoise.errors import DocDenoiseError
from docdenoise.synth.text import drawn_characters

FONT_DIRS_ENV = "DOCDENOISE_FONT_DIRS"
DEFAULT_FONT_DIRS = (
    "/usr/share/fonts",
    "/usr/local/share/fonts",
    "~/.local/share/fonts",
    "~/.fonts",
)
FAMILIES = ("serif", "sans", "mono", "script")
REF_SIZE = 256  # text is measured at this size and scaled linearly
# Characters besides ASCII that every face must draw to be used for text: all those of the
# corpus (a test checks this) and the punctuation the text generators add.
REQUIRED_GLYPHS = "¡£°±²¿ÄÅÇÉ×ÜßàáâäåçèéêëíñóöøùúüąćČęŁłńœřŚśźż€•–—’“”«»§"

_SKIP = ("math", "symbol", "d050000l", "dingbat", "emoji", "standardsymbols")
_SCRIPT = ("z003", "chancery", "script")
_MONO = ("mono", "courier")
_SANS = ("sans", "gothic", "arial", "helvet", "verdana")
_SERIF = ("serif", "roman", "times", "c059", "p052", "bookman", "palatino", "century", "georgia")
_BOLD = ("bold", "demi", "bd", "black", "heavy")
_ITALIC = ("italic", "oblique", "ita", "bdita")


class FontsNotFoundError(DocDenoiseError):
    """No usable font was found, so no synthetic page can be drawn."""

    default_hint = (
        "install fonts-dejavu-core, fonts-liberation or fonts-urw-base35, or point "
        f"{FONT_DIRS_ENV} at a folder of .ttf/.otf fonts"
    )


class CjkFontsNotFoundError(FontsNotFoundError):
    """No installed face draws the corpus of a CJK script."""

    default_hint = (
        "install fonts-noto-cjk (Korean, Japanese, Chinese) or fonts-nanum (Korean), or point "
        f"{FONT_DIRS_ENV} at a folder that holds such fonts"
    )


@dataclass(frozen=True)
class FontFace:
    """One font file: its family class (serif/sans/mono/script) and style."""

    path: str
    family: str
    bold: bool
    italic: bool
    key: str  # the font family the file belongs to, e.g. "dejavuserif"

    @property
    def name(self) -> str:
        return Path(self.path).stem


def font_dirs() -> tuple[Path, ...]:
    """The folders searched for fonts: ``DOCDENOISE_FONT_DIRS`` if set, else the usual ones."""
    env = os.environ.get(FONT_DIRS_ENV)
    raw = env.split(os.pathsep) if env else list(DEFAULT_FONT_DIRS)
    return tuple(Path(d).expanduser() for d in raw if d)


def classify(path: str | Path) -> FontFace | None:
    """Sort a font file into a family and style from its name; None for symbol fonts."""
    stem = Path(path).stem.lower()
    if any(s in stem for s in _SKIP):
        return None
    if any(s in stem for s in _SCRIPT):
        family = "script"
    elif any(s in stem for s in _MONO):
        family = "mono"
    elif any(s in stem for s in _SANS) and "serif" not in stem.replace("sans", ""):
        family = "sans"
    elif any(s in stem for s in _SERIF):
        family = "serif"
    else:
        family = "sans"
    style = stem.rsplit("-", 1)[-1] if "-" in stem else stem
    bold = any(s in style for s in _BOLD) or "bold" in stem
    italic = any(s in style for s in _ITALIC) or "italic" in stem or "oblique" in stem
    return FontFace(str(path), family, bold, italic, family_key(stem))


def family_key(stem: str) -> str:
    """``DejaVuSerif-BoldItalic`` -> ``dejavuserif``; ``FreeSansBold`` -> ``freesans``."""
    base = stem.lower().split("-")[0]
    for suffix in ("boldoblique", "bolditalic", "oblique", "italic", "bold"):
        base = base.removesuffix(suffix)
    return base


def _draws_required_glyphs(path: str, glyphs: str | frozenset[str] = REQUIRED_GLYPHS) -> bool:
    """True if the face has real glyphs (not the missing-glyph box) for all of ``glyphs``."""
    try:
        font = load_font(path, 32)
    except OSError:
        return False
    missing = bytes(font.getmask("\uffff"))
    for ch in glyphs:
        mask = font.getmask(ch)
        if mask.size[0] == 0 or bytes(mask) == missing:
            return False
    return True


@lru_cache(maxsize=8)
def _discover(dirs: tuple[Path, ...]) -> tuple[FontFace, ...]:
    seen: dict[str, FontFace] = {}
    for folder in dirs:
        if not folder.is_dir():
            continue
        for path in sorted(folder.rglob("*")):
            if path.suffix.lower() not in (".ttf", ".otf") or path.stem in seen:
                continue
            face = classify(path)
            if face is not None and _draws_required_glyphs(str(path)):
                seen[path.stem] = face
    return tuple(sorted(seen.values(), key=lambda f: f.path))


def available_faces() -> tuple[FontFace, ...]:
    """All usable faces, sorted by path (a stable order, so seeded choices are reproducible)."""
    faces = _discover(font_dirs())
    if not faces:
        searched = ", ".join(str(d) for d in font_dirs())
        raise FontsNotFoundError(None, f"no usable .ttf/.otf fonts found in {searched}")
    return faces


def faces_in(dirs: Sequence[str | Path]) -> tuple[FontFace, ...]:
    """The usable faces under ``dirs`` (searched recursively, cached), sorted by path; may be
    empty. `available_faces` is this for `font_dirs`."""
    return _discover(tuple(Path(d).expanduser() for d in dirs))


def pick_face(
    rng: np.random.Generator,
    family: str | Sequence[str] | None = None,
    *,
    bold: bool = False,
    italic: bool = False,
) -> FontFace:
    """A random face of ``family`` (one name or several), matching the style when possible."""
    families = FAMILIES[:3] if family is None else (family,) if isinstance(family, str) else family
    faces = [f for f in available_faces() if f.family in families]
    if not faces:
        faces = [f for f in available_faces() if f.family != "script"] or list(available_faces())
    styled = [f for f in faces if f.bold == bold and f.italic == italic]
    pool = styled or [f for f in faces if f.bold == bold] or faces
    return pool[int(rng.integers(len(pool)))]


def styled_like(face: FontFace, *, bold: bool, italic: bool) -> FontFace:
    """The face of the same font family in another style, or ``face`` itself if there is none."""
    for other in available_faces():
        if other.key == face.key and other.bold == bold and other.italic == italic:
            return other
    return face


@lru_cache(maxsize=256)
def load_font(path: str, size: int) -> ImageFont.FreeTypeFont:
    """The face at ``size`` pixels (cached). Basic layout: no ligatures, stable advances.

    ``path`` is a font file or ``collection.ttc#N``, face N of a collection.
    """
    file, index = _split_index(path)
    return ImageFont.truetype(file, max(1, size), index=index, layout_engine=ImageFont.Layout.BASIC)


def _split_index(path: str) -> tuple[str, int]:
    file, sep, index = path.rpartition("#")
    if sep and index.isdigit() and file.lower().endswith((".ttc", ".otc")):
        return file, int(index)
    return path, 0


def text_width(face: FontFace, text: str, size_px: float) -> float:
    """Advance width of ``text`` in pixels at ``size_px`` (measured once at REF_SIZE)."""
    return _ref_width(face.path, text) * size_px / REF_SIZE


@lru_cache(maxsize=65536)
def _ref_width(path: str, text: str) -> float:
    return float(load_font(path, REF_SIZE).getlength(text))


def font_metrics(face: FontFace, size_px: float) -> tuple[float, float, float]:
    """(ascent, descent, x_height) in pixels at ``size_px``."""
    font = load_font(face.path, REF_SIZE)
    ascent, descent = font.getmetrics()
    top = font.getbbox("x", anchor="ls")[1]
    k = size_px / REF_SIZE
    return ascent * k, descent * k, -top * k


# --- Korean, Japanese and Chinese faces ---------------------------------------------------------

CJK_SCRIPTS = ("ko", "ja", "zh")
_CJK_PROBE = {"ko": "한", "ja": "あ", "zh": "们"}
_CJK_REGIONS = ("JP", "KR", "SC", "TC", "HK")  # the regional faces of Noto CJK collections
_CJK_REGION = {"ko": "KR", "ja": "JP", "zh": "SC"}
_CJK_MONO = ("mono", "coding")
_CJK_SERIF = ("serif", "myeongjo", "mincho", "batang", "song", "ming")


def cjk_faces(script: str) -> tuple[FontFace, ...]:
    """The faces that draw all of ``script``'s text (``ko``, ``ja``, ``zh``), sorted by path."""
    if script not in CJK_SCRIPTS:
        raise ValueError(f"script must be one of {CJK_SCRIPTS}, got {script!r}")
    faces = _discover_cjk(font_dirs(), script)
    if not faces:
        searched = ", ".join(str(d) for d in font_dirs())
        raise CjkFontsNotFoundError(None, f"no font for script {script!r} found in {searched}")
    return faces


def pick_cjk_face(
    rng: np.random.Generator, script: str, family: str | Sequence[str], *, bold: bool = False
) -> FontFace:
    """A random ``script`` face of ``family`` (serif, sans or mono), bold if there is one."""
    families = (family,) if isinstance(family, str) else tuple(family)
    faces = [f for f in cjk_faces(script) if f.family in families] or list(cjk_faces(script))
    pool = [f for f in faces if f.bold == bold] or faces
    return pool[int(rng.integers(len(pool)))]


def cjk_styled_like(face: FontFace, script: str, *, bold: bool) -> FontFace:
    """The bold (or regular) face of the same family, or ``face`` itself if there is none."""
    for other in cjk_faces(script):
        if other.key == face.key and other.bold == bold:
            return other
    return face


@lru_cache(maxsize=8)
def _discover_cjk(dirs: tuple[Path, ...], script: str) -> tuple[FontFace, ...]:
    glyphs = drawn_characters(script)
    faces: dict[str, FontFace] = {}
    for folder in dirs:
        if not folder.is_dir():
            continue
        for path in sorted(folder.rglob("*")):
            if path.suffix.lower() not in (".ttf", ".otf", ".ttc", ".otc"):
                continue
            for face_path, name, style in _collection(path):
                region = name.rsplit(" ", 1)[-1]
                if region in _CJK_REGIONS and region != _CJK_REGION[script]:
                    continue  # the same glyphs with another region's Han forms
                if face_path in faces or not _draws_required_glyphs(face_path, _CJK_PROBE[script]):
                    continue
                if _draws_required_glyphs(face_path, glyphs):
                    faces[face_path] = _cjk_face(face_path, name, style)
    return tuple(sorted(faces.values(), key=lambda f: f.path))


def _collection(path: Path) -> list[tuple[str, str, str]]:
    """(face path, family name, style name) of each face in a font file or collection."""
    collection = path.suffix.lower() in (".ttc", ".otc")
    out = []
    for index in range(64 if collection else 1):
        face_path = f"{path}#{index}" if collection else str(path)
        try:
            name, style = load_font(face_path, 16).getname()
        except OSError:
            break
        out.append((face_path, name or path.stem, style or ""))
    return out


def _cjk_face(path: str, name: str, style: str) -> FontFace:
    low = name.lower()
    family = (
        "mono"
        if any(s in low for s in _CJK_MONO)
        else "serif"
        if any(s in low for s in _CJK_SERIF)
        else "sans"
    )
    bold = any(s in style.lower() for s in _BOLD)
    return FontFace(path, family, bold, False, low.replace(" ", ""))
