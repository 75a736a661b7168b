"""The table of file formats docdenoise reads and writes: names, suffixes, what each can hold.

Plain data, so the CLI's parser and the GUI's menus read it without importing Pillow or PDFium.
A format's name is the one users type and the reports show (``'tiff'``); its first suffix is
the one written (``'.tif'``), and every suffix (without the dot) is accepted as a name too.
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = [
    "FORMATS",
    "INPUT_SUFFIXES",
    "MULTI_PAGE_FORMATS",
    "OUTPUT_FORMATS",
    "Format",
    "format_for_suffix",
    "format_named",
]


@dataclass(frozen=True)
class Format:
    """One format: ``suffixes[0]`` is written; ``pillow`` is Pillow's name (None: PDFium's)."""

    name: str
    suffixes: tuple[str, ...]
    pillow: str | None
    multi_page: bool = False  # holds several pages in one file
    one_bit: bool = False  # Pillow stores a bilevel page as 1-bit (others as 8-bit 0/255)

    @property
    def suffix(self) -> str:
        """The suffix written: ``'.tif'`` for TIFF."""
        return self.suffixes[0]


FORMATS: dict[str, Format] = {
    f.name: f
    for f in (
        Format("png", (".png",), "PNG", one_bit=True),
        Format("tiff", (".tif", ".tiff"), "TIFF", multi_page=True, one_bit=True),
        Format("jpeg", (".jpg", ".jpeg"), "JPEG"),
        Format("pdf", (".pdf",), None, multi_page=True),  # bilevel: CCITT G4, see pdfio
        Format("bmp", (".bmp",), "BMP", one_bit=True),
        Format("webp", (".webp",), "WEBP"),
    )
}
OUTPUT_FORMATS: tuple[str, ...] = tuple(FORMATS)
MULTI_PAGE_FORMATS: tuple[str, ...] = tuple(f.name for f in FORMATS.values() if f.multi_page)
INPUT_SUFFIXES: frozenset[str] = frozenset(s for f in FORMATS.values() for s in f.suffixes)
_BY_NAME = {s.lstrip("."): f.name for f in FORMATS.values() for s in f.suffixes}


def format_named(name: str) -> str | None:
    """The format a name (any case) means: ``'tif'`` -> ``'tiff'``; None when it is none."""
    return _BY_NAME.get(name.lower())


def format_for_suffix(suffix: str) -> str | None:
    """The format of a file suffix (any case): ``'.JPG'`` -> ``'jpeg'``; None when unknown."""
    return _BY_NAME.get(suffix.lower()[1:]) if suffix.startswith(".") else None
