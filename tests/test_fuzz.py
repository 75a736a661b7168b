"""Fuzzing the input boundary: random and mutated PNG, JPEG, TIFF and PDF files, and model files.

Whatever the bytes, ``imageio.load_document`` and ``imageio.count_pages`` give pages or one of
the project's own errors (a :class:`DocDenoiseError`): never another exception, a crash, a hang
or an allocation beyond the pixel limit. Mutations start from small valid files made in code and
stack one to four of: bit flips, byte overwrites, truncation, duplicated or dropped byte runs,
duplicated or dropped structural units (PNG chunks, JPEG segments, TIFF IFD entries, PDF
objects), inserted junk, and header fields (width, height, bit depth, strip offsets and sizes,
MediaBox, ...) set to extreme values, with the PNG checksum recomputed so the decoder reads them.

Bounds: every example runs under a Hypothesis deadline and an explicit time check, and must leave
no file handle open; pages are checked against ``max_pixels``. A corpus of the same mutations is
also decoded in a child process under an address-space limit (``RLIMIT_AS``) and a wall-clock
timeout, with the production warning filters, and its peak resident memory is measured.
Hypothesis runs derandomized and without an example database, so every run (and CI) sees the
same examples. Numbers and commands: docs/reliability.md.
"""

from __future__ import annotations

import functools
import io
import json
import os
import random
import re
import struct
import subprocess
import sys
import tempfile
import time
import zlib
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import Literal

import numpy as np
import pytest
from handles import open_handles
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st
from peak_memory import PEAK_PRELUDE, Call, can_measure, measure_calls
from PIL import Image

from docdenoise import imageio
from docdenoise.errors import (
    DocDenoiseError,
    ImageTooLargeError,
    InvalidImageError,
    ModelFileError,
)
from docdenoise.imageio import Page

PER_FILE_SECONDS = 5.0  # a decode takes milliseconds; this only catches a runaway
SCALE = float(os.environ.get("DOCDENOISE_FUZZ_SCALE", "1"))  # e.g. 20 for a long local campaign
FUZZ_MAX_PIXELS = 1_000_000  # seeds are 24 x 32; a corrupted header may claim anything
FUZZ_TIMEOUT = 120 * max(1.0, SCALE)  # seconds per fuzz test, for pytest-timeout
EXTREMES = (0, 1, -1, 2, 255, 256, 0x7FFF, 0xFFFF, 0x10000, 0x7FFFFFFF, 0xFFFFFFFF, 10**12)


def fuzz_settings(max_examples: int) -> settings:
    """Reproducible (derandomized, no database) and bounded in time per example."""
    return settings(
        max_examples=max(1, round(max_examples * SCALE)),
        deadline=timedelta(seconds=PER_FILE_SECONDS),
        derandomize=True,
        database=None,
        suppress_health_check=[
            HealthCheck.function_scoped_fixture,  # tmp_path is only a place to write to
            HealthCheck.too_slow,
            HealthCheck.data_too_large,
        ],
    )


# --- seed files -------------------------------------------------------------------------------


def _ink_page() -> np.ndarray:
    """A 24 x 32 page: light paper with a band of dark noise ("ink")."""
    rng = np.random.default_rng(0)
    pixels = np.full((24, 32), 230, dtype=np.uint8)
    pixels[8:14, 4:28] = rng.integers(0, 90, (6, 24), dtype=np.uint8)
    return pixels


def _pillow_bytes(image: Image.Image, **params: object) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, **params)
    return buffer.getvalue()


@functools.cache
def seeds() -> dict[str, tuple[str, bytes]]:
    """Name -> (format, content) of small valid files in many modes and encodings."""
    pixels = _ink_page()
    grey = Image.fromarray(pixels)
    exif = Image.Exif()
    exif[0x0112] = 6  # rotated: exercises the EXIF parser and the orientation code
    deep, rgb = Image.fromarray(pixels.astype(np.uint16) * 257), grey.convert("RGB")
    found: dict[str, tuple[str, bytes]] = {
        "png-rgba": ("png", _pillow_bytes(grey.convert("RGBA"), format="PNG")),
        "png-16bit": ("png", _pillow_bytes(deep, format="PNG")),
        "png-palette-trns": ("png", _pillow_bytes(grey.convert("P"), format="PNG", transparency=3)),
        "png-exif": ("png", _pillow_bytes(grey, format="PNG", exif=exif, dpi=(300, 300))),
        "jpeg-grey": ("jpeg", _pillow_bytes(grey, format="JPEG", dpi=(200, 200))),
        "jpeg-progressive": ("jpeg", _pillow_bytes(rgb, format="JPEG", progressive=True)),
        "jpeg-exif": ("jpeg", _pillow_bytes(rgb, format="JPEG", exif=exif)),
        "jpeg-cmyk": ("jpeg", _pillow_bytes(grey.convert("CMYK"), format="JPEG")),
        "tiff-raw-rgb": ("tiff", _pillow_bytes(rgb, format="TIFF")),
        "tiff-lzw": ("tiff", _pillow_bytes(grey, format="TIFF", compression="tiff_lzw")),
        "tiff-16bit": ("tiff", _pillow_bytes(deep, format="TIFF")),
        "pdf-pillow-jpeg": ("pdf", _pillow_bytes(rgb, format="PDF", resolution=150.0)),
    }
    page, flipped = Page(pixels, (150.0, 150.0)), Page(np.ascontiguousarray(pixels[::-1]), None)
    ours = {  # what docdenoise itself writes: name -> (suffix, pages, bilevel threshold)
        "png-grey": (".png", [page], None),
        "png-1bit": (".png", [page], 128),
        "tiff-deflate-2p": (".tif", [page, flipped], None),
        "tiff-g4-2p": (".tif", [page, page], 128),
        "pdf-grey-2p": (".pdf", [page, flipped], None),
        "pdf-ccitt-2p": (".pdf", [page, page], 128),
    }
    with tempfile.TemporaryDirectory() as folder:
        for name, (suffix, pages, threshold) in ours.items():
            path = Path(folder) / f"{name}{suffix}"
            imageio.save_document(pages, path, bilevel_threshold=threshold)
            found[name] = (imageio.sniff_format(path), path.read_bytes())
    return {name: (fmt, _fixed_dates(data)) for name, (fmt, data) in found.items()}


def _fixed_dates(data: bytes) -> bytes:
    """PDF writers stamp the time and a file ID: fix both (same length, so the cross-reference
    offsets stay right), so that every run mutates the same bytes."""
    data = re.sub(rb"(?<=\(D:)\d{14}", b"20240101000000", data)
    return re.sub(rb"(?<=<)[0-9A-Fa-f]{32}(?=>)", b"0" * 32, data)


def seed_names(fmt: str) -> list[str]:
    return sorted(name for name, (kind, _) in seeds().items() if kind == fmt)


# --- structure: units to duplicate or drop, header fields to corrupt -------------------------


@dataclass(frozen=True)
class Field:
    """A number in a file's structure: bytes ``start:end``, or PDF text when ``order='text'``."""

    start: int
    end: int
    order: Literal["big", "little", "text"]
    checksummed: tuple[int, int] | None = None  # PNG: chunk type+data span; its CRC follows

    def set(self, data: bytearray, value: int) -> bytearray:
        if self.order == "text":
            return data[: self.start] + str(value).encode() + data[self.end :]
        size = self.end - self.start
        data[self.start : self.end] = (value % 256**size).to_bytes(size, self.order)
        if self.checksummed is not None:
            lo, hi = self.checksummed
            data[hi : hi + 4] = struct.pack(">I", zlib.crc32(data[lo:hi]))
        return data


def png_chunks(data: bytes) -> list[tuple[int, int, bytes]]:
    """``(start, end, type)`` of every whole chunk after the signature."""
    chunks, pos = [], 8
    while pos + 12 <= len(data):
        end = pos + 12 + int.from_bytes(data[pos : pos + 4], "big")
        if end > len(data):
            break
        chunks.append((pos, end, data[pos + 4 : pos + 8]))
        pos = end
    return chunks


def jpeg_segments(data: bytes) -> list[tuple[int, int, int]]:
    """``(start, end, marker)`` of the marker segments; the scan runs to the end."""
    segments, pos = [], 2
    while pos + 4 <= len(data) and data[pos] == 0xFF:
        marker = data[pos + 1]
        if marker == 0xDA:  # start of scan: entropy-coded data up to EOI
            segments.append((pos, max(pos + 4, len(data) - 2), marker))
            break
        end = pos + 2 + int.from_bytes(data[pos + 2 : pos + 4], "big")
        if end > len(data):
            break
        segments.append((pos, end, marker))
        pos = end
    return segments


def tiff_entries(data: bytes) -> list[tuple[int, int, int, int]]:
    """``(offset, tag, type, count)`` of the IFD entries of every page (first 16 IFDs)."""
    if len(data) < 8:
        return []
    order: Literal["little", "big"] = "little" if data[:2] == b"II" else "big"

    def number(at: int, size: int) -> int:
        return int.from_bytes(data[at : at + size], order)

    entries: list[tuple[int, int, int, int]] = []
    seen: set[int] = set()
    ifd = number(4, 4)
    while 8 <= ifd <= len(data) - 2 and ifd not in seen and len(seen) < 16:
        seen.add(ifd)
        count = number(ifd, 2)
        for index in range(count):
            at = ifd + 2 + 12 * index
            if at + 12 > len(data):
                return entries
            entries.append((at, number(at, 2), number(at + 2, 2), number(at + 4, 4)))
        after = ifd + 2 + 12 * count
        ifd = number(after, 4) if after + 4 <= len(data) else 0
    return entries


_PDF_OBJECT = re.compile(rb"\d+ \d+ obj\b.*?endobj", re.S)
_PDF_NUMBER = re.compile(
    rb"/(?:Width|Height|BitsPerComponent|Length|Count|Rotate|K|Columns|Rows|Size|Predictor)"
    rb"\s+(-?\d+)"
)
_PDF_BOX = re.compile(
    rb"/(?:MediaBox|CropBox|BBox)\s*\[\s*" + rb"(-?[\d.]+)\s+" * 3 + rb"(-?[\d.]+)"
)
_TIFF_TAGS = {256, 257, 258, 259, 262, 273, 277, 278, 279, 284, 296}  # sizes, depth, strips
_SIZE_OF_TYPE = {3: 2, 4: 4}  # SHORT, LONG


def units(fmt: str, data: bytes) -> list[tuple[int, int]]:
    """Spans of whole structural units: PNG chunks, JPEG segments, IFD entries, PDF objects."""
    if fmt == "png":
        return [(start, end) for start, end, _ in png_chunks(data)]
    if fmt == "jpeg":
        return [(start, end) for start, end, _ in jpeg_segments(data)]
    if fmt == "tiff":
        return [(at, at + 12) for at, *_ in tiff_entries(data)]
    return [match.span() for match in _PDF_OBJECT.finditer(data)]


def fields(fmt: str, data: bytes) -> list[Field]:
    """Header numbers a decoder trusts: sizes, bit depths, offsets, counts."""
    found: list[Field] = []
    if fmt == "png":
        for start, end, kind in png_chunks(data):
            if kind in (b"IHDR", b"pHYs"):
                crc = (start + 4, end - 4)
                found += [Field(start + 8, start + 12, "big", crc)]
                found += [Field(start + 12, start + 16, "big", crc)]
                if kind == b"IHDR":  # bit depth, colour type
                    found += [Field(start + 16 + i, start + 17 + i, "big", crc) for i in (0, 1)]
    elif fmt == "jpeg":
        for start, _, marker in jpeg_segments(data):
            if 0xC0 <= marker <= 0xCF and marker not in (0xC4, 0xC8, 0xCC):  # frame headers
                found += [Field(start + 4, start + 5, "big"), Field(start + 9, start + 10, "big")]
                found += [Field(start + 5, start + 7, "big"), Field(start + 7, start + 9, "big")]
    elif fmt == "tiff":
        order: Literal["little", "big"] = "little" if data[:2] == b"II" else "big"
        for at, tag, kind, count in tiff_entries(data):
            if tag in _TIFF_TAGS and kind in _SIZE_OF_TYPE and count == 1:
                found.append(Field(at + 8, at + 8 + _SIZE_OF_TYPE[kind], order))
    else:
        for match in [*_PDF_NUMBER.finditer(data), *_PDF_BOX.finditer(data)]:
            found += [Field(*match.span(g), "text") for g in range(1, match.re.groups + 1)]
    return found


# --- mutations: each takes ``pick(lo, hi)``, so Hypothesis and random.Random both drive them --

Pick = Callable[[int, int], int]


def flip_bit(data: bytearray, fmt: str, pick: Pick) -> bytearray:
    data[pick(0, len(data) - 1)] ^= 1 << pick(0, 7)
    return data


def set_byte(data: bytearray, fmt: str, pick: Pick) -> bytearray:
    data[pick(0, len(data) - 1)] = pick(0, 255)
    return data


def truncate(data: bytearray, fmt: str, pick: Pick) -> bytearray:
    return data[: pick(0, len(data) - 1)]


def duplicate_run(data: bytearray, fmt: str, pick: Pick) -> bytearray:
    start = pick(0, len(data) - 1)
    end = min(len(data), start + pick(1, 256))
    return data[:end] + data[start:end] + data[end:]


def drop_run(data: bytearray, fmt: str, pick: Pick) -> bytearray:
    start = pick(0, len(data) - 1)
    return data[:start] + data[start + pick(1, 64) :]


def insert_junk(data: bytearray, fmt: str, pick: Pick) -> bytearray:
    at = pick(0, len(data))
    return data[:at] + bytes(pick(0, 255) for _ in range(pick(1, 16))) + data[at:]


def duplicate_unit(data: bytearray, fmt: str, pick: Pick) -> bytearray:
    spans = units(fmt, bytes(data))
    if not spans:
        return flip_bit(data, fmt, pick)
    start, end = spans[pick(0, len(spans) - 1)]
    return data[:end] + data[start:end] + data[end:]


def drop_unit(data: bytearray, fmt: str, pick: Pick) -> bytearray:
    spans = units(fmt, bytes(data))
    if not spans:
        return truncate(data, fmt, pick)
    start, end = spans[pick(0, len(spans) - 1)]
    return data[:start] + data[end:]


def corrupt_field(data: bytearray, fmt: str, pick: Pick) -> bytearray:
    found = fields(fmt, bytes(data))
    if not found:
        return set_byte(data, fmt, pick)
    value = EXTREMES[pick(0, len(EXTREMES) - 1)] if pick(0, 3) else pick(0, 0xFFFFFFFF)
    return found[pick(0, len(found) - 1)].set(data, value)


MUTATIONS = (
    flip_bit,
    set_byte,
    truncate,
    duplicate_run,
    drop_run,
    insert_junk,
    duplicate_unit,
    drop_unit,
    corrupt_field,
    corrupt_field,  # twice: header fields are where decoders trust the file most
)


def mutate(seed: bytes, fmt: str, pick: Pick, steps: int) -> tuple[bytes, list[str]]:
    data, done = bytearray(seed), []
    for _ in range(steps):
        if not data:
            break
        mutation = MUTATIONS[pick(0, len(MUTATIONS) - 1)]
        data = mutation(data, fmt, pick)
        done.append(mutation.__name__)
    return bytes(data), done


@dataclass(frozen=True)
class Case:
    seed: str
    steps: tuple[str, ...]
    content: bytes


@st.composite
def mutated_files(draw: st.DrawFn, fmt: str) -> Case:
    name = draw(st.sampled_from(seed_names(fmt)))
    content, steps = mutate(
        seeds()[name][1], fmt, lambda lo, hi: draw(st.integers(lo, hi)), draw(st.integers(1, 4))
    )
    return Case(name, tuple(steps), content)


# --- the property -----------------------------------------------------------------------------


def check_load(path: Path, max_pixels: int = FUZZ_MAX_PIXELS) -> str:
    """Count and load ``path``: pages or a one-line DocDenoiseError, in time, no handle left.

    Returns the outcome ("ok" or the error's class name); any other exception propagates and
    fails the test with the example that caused it.
    """
    handles = open_handles(path)
    started = time.perf_counter()
    outcomes: list[str] = []
    counted: int | None = None
    try:
        counted = imageio.count_pages(path)
    except DocDenoiseError as exc:
        assert "\n" not in str(exc) and str(path) in str(exc)
    try:
        document = imageio.load_document(path, max_pixels=max_pixels)
    except DocDenoiseError as exc:
        assert "\n" not in str(exc) and str(path) in str(exc)
        outcomes.append(type(exc).__name__)
    else:
        assert counted is None or counted == len(document.pages)
        for page in document.pages:
            assert page.pixels.dtype == np.uint8 and page.pixels.ndim == 2
            assert page.pixels.flags.c_contiguous and 0 < page.pixels.size <= max_pixels
        outcomes.append("ok")
    elapsed = time.perf_counter() - started
    assert elapsed < PER_FILE_SECONDS, f"{path.name} took {elapsed:.1f} s"
    assert open_handles(path) == handles, "a file handle was left open"
    return outcomes[0]


def fuzz_one(case: Case, fmt: str, folder: Path) -> None:
    path = folder / f"fuzz.{fmt}"
    path.write_bytes(case.content)
    event(f"{fmt}: {check_load(path)}")  # outcome counts: pytest --hypothesis-show-statistics


@pytest.mark.timeout(FUZZ_TIMEOUT)
@fuzz_settings(500)
@given(case=mutated_files("png"))
def test_mutated_png_gives_pages_or_our_error(case: Case, tmp_path: Path) -> None:
    fuzz_one(case, "png", tmp_path)


@pytest.mark.timeout(FUZZ_TIMEOUT)
@fuzz_settings(400)
@given(case=mutated_files("jpeg"))
def test_mutated_jpeg_gives_pages_or_our_error(case: Case, tmp_path: Path) -> None:
    fuzz_one(case, "jpeg", tmp_path)


@pytest.mark.timeout(FUZZ_TIMEOUT)
@fuzz_settings(600)
@given(case=mutated_files("tiff"))
def test_mutated_tiff_gives_pages_or_our_error(case: Case, tmp_path: Path) -> None:
    fuzz_one(case, "tiff", tmp_path)


@pytest.mark.timeout(FUZZ_TIMEOUT)
@fuzz_settings(300)
@given(case=mutated_files("pdf"))
def test_mutated_pdf_gives_pages_or_our_error(case: Case, tmp_path: Path) -> None:
    fuzz_one(case, "pdf", tmp_path)


@pytest.mark.timeout(FUZZ_TIMEOUT)
@given(
    magic=st.sampled_from(
        [
            b"",
            b"\x89PNG\r\n\x1a\n",
            b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR",
            b"\xff\xd8\xff",
            b"\xff\xd8\xff\xe0\x00\x10JFIF\x00",
            b"II*\x00",
            b"MM\x00*",
            b"II+\x00",
            b"BM",
            b"RIFF\x00\x10\x00\x00WEBPVP8 ",
            b"%PDF-1.7\n",
        ]
    ),
    body=st.binary(max_size=2048),
)
@fuzz_settings(600)
def test_random_bytes_give_our_error(magic: bytes, body: bytes, tmp_path: Path) -> None:
    path = tmp_path / "random.bin"
    path.write_bytes(magic + body)
    outcome = check_load(path)
    event(outcome)
    if not magic:
        assert outcome == "InvalidImageError"


# --- header fields claiming a huge page: refused from the header, before decoding -------------


def _huge_header(name: str) -> bytes:
    """The seed with its (last) page's header claiming a page of billions of pixels."""
    fmt, data = seeds()[name]
    out = bytearray(data)
    if fmt == "png":
        start = png_chunks(data)[0][0]  # IHDR
        for at in (start + 8, start + 12):
            out = Field(at, at + 4, "big", (start + 4, start + 21)).set(out, 100_000)
    elif fmt == "jpeg":
        start = next(s for s, _, m in jpeg_segments(data) if m in (0xC0, 0xC1, 0xC2))
        for at in (start + 5, start + 7):
            out = Field(at, at + 2, "big").set(out, 0xFFFF)
    elif fmt == "tiff":  # only the second page: the check is per page
        sizes = [(at, kind) for at, tag, kind, _ in tiff_entries(data) if tag in (256, 257)]
        for at, kind in sizes[2:]:
            out = Field(at + 8, at + 8 + _SIZE_OF_TYPE[kind], "little").set(out, 0xFFFF)
    else:  # 200 x 200 inches, the largest page PDF allows
        out = bytearray(re.sub(rb"/MediaBox\s*\[[^\]]*\]", b"/MediaBox [0 0 14400 14400]", data))
    return bytes(out)


HUGE_HEADERS = [("png-grey", 1), ("jpeg-grey", 1), ("tiff-deflate-2p", 2), ("pdf-grey-2p", 1)]
READERS = ("PIL.PngImagePlugin", "PIL.JpegImagePlugin", "PIL.TiffImagePlugin", "docdenoise.pdfio")
BOMB_PEAK_GROWTH_MIB = 64


@pytest.fixture(scope="module")
def huge_header_loads(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Call]:
    """Each huge-header file loaded (the default limit: 500 megapixels) in one child process,
    each load's peak memory measured on its own (tests/peak_memory.py says why not here)."""
    folder = tmp_path_factory.mktemp("bombs")
    paths = {}
    for name, _ in HUGE_HEADERS:
        paths[name] = folder / f"{name}.{seeds()[name][0]}"
        paths[name].write_bytes(_huge_header(name))
    calls = measure_calls(
        "docdenoise.imageio:load_document", [str(p) for p in paths.values()], READERS
    )
    return {name: calls[str(path)] for name, path in paths.items()}


@pytest.mark.skipif(not can_measure(), reason="measures peak memory in /proc (Linux)")
@pytest.mark.parametrize(("name", "page"), HUGE_HEADERS)
def test_header_claiming_a_huge_page_is_refused_before_decoding(
    name: str, page: int, huge_header_loads: dict[str, Call]
) -> None:
    call = huge_header_loads[name]
    assert call.outcome == ImageTooLargeError.__name__, call
    assert re.search(f"page {page} is .* over the limit", call.message), call.message
    assert "too large to decode" not in call.message  # the header check, not a MemoryError
    assert call.seconds < 1.0
    assert call.peak_growth_mib < BOMB_PEAK_GROWTH_MIB


# --- regressions found by the fuzzer ----------------------------------------------------------


def test_corrupt_later_tiff_page_is_our_error(tmp_path: Path) -> None:
    """A later IFD without ImageWidth: Pillow's TypeError, once raised while counting frames."""
    data = bytearray(seeds()["tiff-deflate-2p"][1])
    widths = [at for at, tag, *_ in tiff_entries(bytes(data)) if tag == 256]
    data[widths[1] : widths[1] + 2] = (255).to_bytes(2, "little")  # now a harmless SubfileType
    path = tmp_path / "second page broken.tif"
    path.write_bytes(bytes(data))
    with pytest.raises(InvalidImageError, match="corrupt"):
        imageio.count_pages(path)
    with pytest.raises(InvalidImageError, match="corrupt"):
        imageio.load_document(path)


def test_pdf_without_pages_leaves_no_handle_open(tmp_path: Path) -> None:
    """PDFium parses it but finds no page: pypdfium2 used to leak the document and its handle."""
    data = seeds()["pdf-ccitt-2p"][1].replace(b"/Type /Catalog\n/Pages", b"/Type /Catalog\n/Pagez")
    path = tmp_path / "no pages.pdf"
    path.write_bytes(data)
    handles = open_handles(path)
    for _ in range(20):
        for read in (imageio.count_pages, imageio.load_document):
            with pytest.raises(InvalidImageError, match="no pages"):
                read(path)
    assert open_handles(path) == handles


# --- a corpus in a child process: address-space cap, wall-clock timeout, peak memory ---------

CHILD = (
    PEAK_PRELUDE
    + r"""
import json, os, resource, sys, time, warnings
from pathlib import Path

warnings.simplefilter("ignore")  # as in production: Pillow's warnings are log lines
from PIL import Image

from docdenoise import imageio, pdfio  # noqa: F401 (pdfio: imported lazily otherwise)
from docdenoise.errors import DocDenoiseError

Image.init()  # every Pillow plugin imported now, so the baseline holds them
folder, max_pixels, headroom = Path(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3])
with open("/proc/self/statm") as statm:
    size = int(statm.read().split()[0]) * os.sysconf("SC_PAGE_SIZE")
resource.setrlimit(resource.RLIMIT_AS, (size + headroom, size + headroom))
base = reset_peak()
rows = []
for path in sorted(folder.iterdir()):
    started = time.perf_counter()
    try:
        pages = imageio.load_document(path, max_pixels=max_pixels).pages
        outcome = "ok" if all(p.pixels.size <= max_pixels for p in pages) else "OVER LIMIT"
    except DocDenoiseError as exc:
        oom = "too large to" in exc.reason
        outcome = type(exc).__name__ + (" (out of memory)" if oom else "")
    except BaseException as exc:
        outcome = f"UNTYPED {type(exc).__name__}: {exc}"
    rows.append([path.name, outcome, time.perf_counter() - started])
print(json.dumps({"rows": rows, "peak_growth_kib": peak_growth_kib(base)}))
"""
)
CORPUS_PER_SEED = 16
ADDRESS_HEADROOM = 1 << 30  # 1 GiB over the child's size after imports
PEAK_GROWTH_MIB = 64


@pytest.mark.skipif(not Path("/proc/self/statm").exists(), reason="needs Linux /proc")
def test_mutated_corpus_decodes_in_bounded_memory_and_time_in_a_child(tmp_path: Path) -> None:
    """288 mutated files decoded in one child under RLIMIT_AS, with a wall-clock timeout.

    Pillow's PNG reader reserves (never touches) a chunk's declared length when it skips the
    rest of an IDAT chunk, up to 4 GiB for a 600-byte file; under the cap that is a MemoryError,
    reported as ImageTooLargeError. Those are allowed, for PNG only; the peak resident memory
    shows nothing was ever filled.
    """
    rng = random.Random(20240607)
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    for name, (fmt, seed) in seeds().items():
        for index in range(CORPUS_PER_SEED):
            content, _ = mutate(seed, fmt, rng.randint, rng.randint(1, 4))
            (corpus / f"{name}-{index:02d}").write_bytes(content)
    env = {**os.environ, "OMP_NUM_THREADS": "1", "OPENBLAS_NUM_THREADS": "1"}
    done = subprocess.run(
        [sys.executable, "-c", CHILD, str(corpus), str(FUZZ_MAX_PIXELS), str(ADDRESS_HEADROOM)],
        capture_output=True,
        text=True,
        timeout=120,
        env=env,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    result = json.loads(done.stdout)
    rows = result["rows"]
    assert len(rows) == CORPUS_PER_SEED * len(seeds())
    untyped = [row for row in rows if row[1].startswith(("UNTYPED", "OVER LIMIT"))]
    assert not untyped
    assert max(seconds for *_, seconds in rows) < PER_FILE_SECONDS
    out_of_memory = [name for name, outcome, _ in rows if "out of memory" in outcome]
    assert all(name.startswith("png-") for name in out_of_memory), out_of_memory
    assert result["peak_growth_kib"] < PEAK_GROWTH_MIB * 1024


# --- model files ------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def tiny_weights(tmp_path_factory: pytest.TempPathFactory) -> bytes:
    """A small valid weights file, without a card (so no checksum stops a mutation early)."""
    from docdenoise.model import DenoiseNet, ModelConfig
    from docdenoise.weights import card_path, save_weights

    path = tmp_path_factory.mktemp("weights") / "tiny.safetensors"
    save_weights(DenoiseNet(ModelConfig(channels=(4, 8, 8))), path)
    card_path(path).unlink()
    return path.read_bytes()


def _tensor_table(content: bytes) -> tuple[int, int]:
    """The span of the header after ``__metadata__``: the tensor names, dtypes, shapes, offsets.

    The config in the metadata is left alone here: a config that names a huge network is a
    known bug, tested on its own below under a memory cap.
    """
    length = int.from_bytes(content[:8], "little")
    metadata_end = content.index(b'"},', content.index(b"__metadata__")) + 3
    return metadata_end, 8 + length


HEADER_EDITS = st.lists(
    st.tuples(
        st.sampled_from(["length", "flip", "text", "drop", "truncate"]),
        st.floats(0, 1, exclude_max=True),  # where, as a fraction of the tensor table
        st.integers(0, 2**64 - 1),  # a new header length, a bit number, a run length
        st.binary(min_size=1, max_size=6),  # JSON-ish text to insert
    ),
    min_size=1,
    max_size=3,
)


def edit_header(content: bytes, edits: list[tuple[str, float, int, bytes]]) -> bytes:
    """Apply ``edits`` to the tensor table (or the length prefix) of a weights file."""
    lo, hi = _tensor_table(content)
    data = bytearray(content)
    for kind, where, number, text in edits:
        at = lo + int(where * (min(hi, len(data)) - lo))
        if at >= len(data):
            break
        if kind == "length":
            data[:8] = number.to_bytes(8, "little")
        elif kind == "flip":
            data[at] ^= 1 << (number % 8)
        elif kind == "text":
            data[at:at] = _json_ish(text)
        elif kind == "drop":
            del data[at : at + 1 + number % 16]
        else:
            del data[at:]
    return bytes(data)


@pytest.mark.timeout(FUZZ_TIMEOUT)
@fuzz_settings(200)
@given(edits=HEADER_EDITS)
def test_mutated_model_header_gives_a_model_or_our_error(
    tiny_weights: bytes, edits: list[tuple[str, float, int, bytes]], tmp_path: Path
) -> None:
    from docdenoise.weights import load_weights

    path = tmp_path / "mutated.safetensors"
    path.write_bytes(edit_header(tiny_weights, edits))
    started = time.perf_counter()
    try:
        load_weights(path)
        event("loaded")
    except ModelFileError as exc:
        assert str(path) in str(exc)
        event("ModelFileError")
    assert time.perf_counter() - started < PER_FILE_SECONDS


def _json_ish(raw: bytes) -> bytes:
    alphabet = b'0123456789[]{},:"-eE.'
    return bytes(alphabet[b % len(alphabet)] for b in raw)


def _safetensors(header: object, payload: bytes = b"\0" * 64, length: int | None = None) -> bytes:
    from docdenoise.model import ModelConfig
    from docdenoise.weights import FORMAT

    if isinstance(header, dict):
        config = json.dumps(ModelConfig().to_dict())
        header = {"__metadata__": {"format": FORMAT, "config": config}, **header}
    text = json.dumps(header).encode()
    return struct.pack("<Q", len(text) if length is None else length) + text + payload


class _Payload:
    """Unpickling this creates a marker file: the loader must never unpickle anything."""

    def __init__(self, marker: Path) -> None:
        self.marker = marker

    def __reduce__(self) -> tuple[object, tuple[Path]]:
        return (Path.touch, (self.marker,))


CRAFTED = {
    "tensor of 2^62 elements in 64 bytes": _safetensors(
        {"enc1a.weight": {"dtype": "F32", "shape": [2**31, 2**31], "data_offsets": [0, 64]}}
    ),
    "offsets past the end of the file": _safetensors(
        {"enc1a.weight": {"dtype": "F32", "shape": [2**20, 2**20], "data_offsets": [0, 2**42]}}
    ),
    "overlapping offsets": _safetensors(
        {
            "enc1a.bias": {"dtype": "F32", "shape": [16], "data_offsets": [0, 64]},
            "enc1b.bias": {"dtype": "F32", "shape": [8], "data_offsets": [32, 64]},
        }
    ),
    "header length 2^63": _safetensors({}, length=2**63),
    "header length past the end": _safetensors({}, length=10**6),
    "header not an object": _safetensors([1, 2, 3]),
}


@pytest.fixture(scope="module")
def crafted_loads(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Call]:
    """Each crafted model file loaded in one child process, each load's peak memory measured on
    its own (tests/peak_memory.py says why not here)."""
    folder = tmp_path_factory.mktemp("crafted")
    paths = {}
    for index, (label, content) in enumerate(CRAFTED.items()):
        paths[label] = folder / f"crafted-{index}.safetensors"
        paths[label].write_bytes(content)
    calls = measure_calls(
        "docdenoise.weights:load_weights", [str(p) for p in paths.values()], ("docdenoise.weights",)
    )
    return {label: calls[str(path)] for label, path in paths.items()}


@pytest.mark.skipif(not can_measure(), reason="measures peak memory in /proc (Linux)")
@pytest.mark.parametrize("label", CRAFTED.keys())
def test_crafted_model_file_is_refused_quickly_without_allocating(
    label: str, crafted_loads: dict[str, Call]
) -> None:
    call = crafted_loads[label]
    assert call.outcome == ModelFileError.__name__, call
    assert "not a readable safetensors file" in call.message
    assert call.seconds < 1.0
    assert call.peak_growth_mib < BOMB_PEAK_GROWTH_MIB


def test_torch_pickle_renamed_safetensors_runs_no_code(tmp_path: Path) -> None:
    import torch

    from docdenoise.weights import load_weights

    marker = tmp_path / "code-ran"
    path = tmp_path / "model.safetensors"  # a .pt checkpoint (zip of pickles) under our suffix
    torch.save({"enc1a.weight": torch.zeros(16, 4, 3, 3), "extra": _Payload(marker)}, path)
    with pytest.raises(ModelFileError, match="not a readable safetensors file"):
        load_weights(path)
    assert not marker.exists()
    live = path.rename(tmp_path / "model.pt")  # torch.load reads *.safetensors as such
    torch.load(live, weights_only=False)  # the payload is live: unpickling runs it
    assert marker.exists()


CONFIG_BOMB = r"""
import json, os, resource, sys, time
import torch
from safetensors.torch import save_file
from docdenoise.errors import ModelFileError
from docdenoise.model import DenoiseNet
from docdenoise.weights import FORMAT, load_weights

path = sys.argv[1]
tensors = {k: v.contiguous() for k, v in DenoiseNet().state_dict().items()}
config = {"channels": [100000, 100000, 100000], "bottleneck_blocks": 1}
save_file(tensors, path, metadata={"format": FORMAT, "config": json.dumps(config)})
with open("/proc/self/statm") as statm:
    cap = int(statm.read().split()[0]) * os.sysconf("SC_PAGE_SIZE") + (1 << 30)
resource.setrlimit(resource.RLIMIT_AS, (cap, cap))
started = time.perf_counter()
try:
    load_weights(path)
    outcome = "loaded"
except ModelFileError:
    outcome = "ModelFileError"
except BaseException as exc:
    outcome = f"{type(exc).__name__}: {str(exc)[:200]}"
print(json.dumps({"outcome": outcome, "seconds": time.perf_counter() - started}))
"""


@pytest.mark.skipif(not Path("/proc/self/statm").exists(), reason="needs Linux /proc")
def test_config_claiming_a_huge_network_is_refused_without_building_it(tmp_path: Path) -> None:
    done = subprocess.run(
        [sys.executable, "-c", CONFIG_BOMB, str(tmp_path / "bomb.safetensors")],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    result = json.loads(done.stdout)
    assert result["outcome"] == "ModelFileError", result["outcome"]
    assert result["seconds"] < 1.0
