"""The table of file formats docdenoise reads and writes: names, suffixes, what each can hold.

Plain data, so the CLI's parser and the GUI's menus read it without importing Pillow or PDFium.
A format's name is the one users type and the reports show (``'tiff'``); its first suffix is
the one written (``'.tif'``), and every suffix (without the dot) is accepted as a name too.
Some formats are read only (GIF, the raw JPEG 2000 codestream): their pages are written as
``writes_as`` instead (TIFF when there are several pages and that format holds one).
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = [
    "FORMATS",
    "FORMAT_LABELS",
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
    label: str  # what messages call it: "PNG", "JPEG 2000"
    suffixes: tuple[str, ...]
    pillow: str | None
    multi_page: bool = False  # holds several pages in one file
    one_bit: bool = False  # Pillow stores a bilevel page as 1-bit (others as 8-bit 0/255)
    writes_as: str | None = None  # read only: cleaned pages are written in this format instead

    @property
    def writable(self) -> bool:
        """True when docdenoise writes this format (``writes_as`` is None)."""
        return self.writes_as is None

    @property
    def suffix(self) -> str:
        """The suffix written: ``'.tif'`` for TIFF."""
        return self.suffixes[0]


FORMATS: dict[str, Format] = {
    f.name: f
    for f in (
        Format("png", "PNG", (".png",), "PNG", one_bit=True),
        Format("tiff", "TIFF", (".tif", ".tiff"), "TIFF", multi_page=True, one_bit=True),
        Format("jpeg", "JPEG", (".jpg", ".jpeg"), "JPEG"),
        Format("pdf", "PDF", (".pdf",), None, multi_page=True),  # bilevel: CCITT G4, see pdfio
        Format("bmp", "BMP", (".bmp",), "BMP", one_bit=True),
        Format("webp", "WebP", (".webp",), "WEBP"),
        Format("jp2", "JPEG 2000", (".jp2",), "JPEG2000"),  # lossless; DPI in a resc box
        Format("pnm", "PNM", (".pgm", ".pbm", ".ppm", ".pnm"), "PPM"),  # writes 8-bit PGM (P5)
        Format("gif", "GIF", (".gif",), "GIF", multi_page=True, writes_as="png"),  # frames
        Format("j2k", "JPEG 2000", (".j2k", ".j2c"), "JPEG2000", writes_as="jp2"),  # codestream
    )
}
OUTPUT_FORMATS: tuple[str, ...] = tuple(f.name for f in FORMATS.values() if f.writable)
MULTI_PAGE_FORMATS: tuple[str, ...] = tuple(  # those written: several pages to one file
    f.name for f in FORMATS.values() if f.multi_page and f.writable
)
INPUT_SUFFIXES: frozenset[str] = frozenset(s for f in FORMATS.values() for s in f.suffixes)
FORMAT_LABELS: str = ", ".join(dict.fromkeys(f.label for f in FORMATS.values()))
"""The formats read, for messages: ``'PNG, TIFF, JPEG, PDF, ...'``."""
_BY_NAME = {s.lstrip("."): f.name for f in FORMATS.values() for s in f.suffixes}


def format_named(name: str) -> str | None:
    """The format a name (any case) means: ``'tif'`` -> ``'tiff'``; None when it is none."""
    return _BY_NAME.get(name.lower())


def format_for_suffix(suffix: str) -> str | None:
    """The format of a file suffix (any case): ``'.JPG'`` -> ``'jpeg'``; None when unknown."""
    return _BY_NAME.get(suffix.lower()[1:]) if suffix.startswith(".") else None
