"""docdenoise.imageio: raster formats, modes, DPI, orientation, errors and atomic writes.

Every image is made in code in ``tmp_path``; pages are ``(H, W) uint8``, 255 = white.
"""

from __future__ import annotations

import errno
import hashlib
import os
import struct
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from PIL import Image, ImageFile, ImageOps

from docdenoise import imageio
from docdenoise.errors import (
    DocDenoiseError,
    ImageTooLargeError,
    InvalidImageError,
    OutputWriteError,
    UsageError,
)
from docdenoise.imageio import Page


@pytest.fixture
def page() -> Page:
    """A 40 x 60 noise page at 300 dpi."""
    pixels = np.random.default_rng(7).integers(0, 256, (40, 60), dtype=np.uint8)
    return Page(pixels, (300.0, 300.0))


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _save_pil(image: Image.Image, path: Path, **params: object) -> Path:
    image.save(path, **params)
    return path


def _load_one(path: Path, **kwargs: int) -> Page:
    document = imageio.load_document(path, **kwargs)
    assert len(document.pages) == 1
    return document.pages[0]


# --- names, suffixes, formats -------------------------------------------------------------


def test_is_supported_is_case_insensitive() -> None:
    assert imageio.is_supported("a/SCAN.TIF")
    assert imageio.is_supported(Path("x.Pdf"))
    assert imageio.is_supported("x.webp")
    assert not imageio.is_supported("notes.txt")
    assert not imageio.is_supported("noext")


def test_suffixes_and_output_format() -> None:
    assert [imageio.suffix_for(f) for f in imageio.OUTPUT_FORMATS] == [
        ".png",
        ".tif",
        ".jpg",
        ".pdf",
        ".bmp",
        ".webp",
        ".jp2",
        ".pgm",
    ]
    assert imageio.output_format_for("tiff", None) == "tiff"
    assert imageio.output_format_for("jpeg", "PNG") == "png"
    assert imageio.output_format_for("png", "tif") == "tiff"
    with pytest.raises(UsageError, match="unknown output format"):
        imageio.output_format_for("png", "xcf")
    with pytest.raises(UsageError, match="read but not written"):
        imageio.output_format_for("png", "gif")


def test_sniff_format_reads_content_not_suffix(tmp_path: Path, page: Page) -> None:
    disguised = tmp_path / "really a png.jpg"
    imageio.save_document([page], disguised, fmt="png")
    assert imageio.sniff_format(disguised) == "png"
    document = imageio.load_document(disguised)
    assert document.format == "png"
    assert document.path == disguised


# --- round trips ----------------------------------------------------------------------------


@pytest.mark.parametrize("fmt", ["png", "tiff", "bmp", "webp", "pdf"])
def test_lossless_round_trip(tmp_path: Path, page: Page, fmt: str) -> None:
    path = tmp_path / f"page{imageio.suffix_for(fmt)}"
    imageio.save_document([page], path)
    document = imageio.load_document(path)
    assert document.format == fmt
    assert imageio.count_pages(path) == 1
    loaded = document.pages[0]
    assert loaded.pixels.dtype == np.uint8 and loaded.pixels.flags.c_contiguous
    assert loaded.pixels.flags.writeable
    np.testing.assert_array_equal(loaded.pixels, page.pixels)


def test_jpeg_round_trip_is_close(tmp_path: Path) -> None:
    smooth = np.tile(np.linspace(40, 250, 64).astype(np.uint8), (48, 1))
    path = tmp_path / "page.jpg"
    imageio.save_document([Page(smooth, (300.0, 300.0))], path, jpeg_quality=95)
    loaded = _load_one(path)
    assert loaded.pixels.shape == smooth.shape
    assert np.abs(loaded.pixels.astype(int) - smooth).mean() < 2


@pytest.mark.parametrize("fmt", ["tiff", "pdf"])
def test_multi_page_round_trip(tmp_path: Path, fmt: str) -> None:
    rng = np.random.default_rng(1)
    shapes = [(30, 40), (50, 20), (16, 16)]
    pages = [Page(rng.integers(0, 256, s, dtype=np.uint8), (200.0, 200.0)) for s in shapes]
    path = tmp_path / f"book{imageio.suffix_for(fmt)}"
    imageio.save_document(pages, path)
    assert imageio.count_pages(path) == 3
    loaded = imageio.load_document(path).pages
    for got, want in zip(loaded, pages, strict=True):
        np.testing.assert_array_equal(got.pixels, want.pixels)
        assert got.dpi == (200.0, 200.0)


def test_iter_pages_streams_and_closes_early(tmp_path: Path, page: Page) -> None:
    path = tmp_path / "book.tif"
    imageio.save_document([page, page, page], path)
    pages = imageio.iter_pages(path)
    first = next(pages)
    np.testing.assert_array_equal(first.pixels, page.pixels)
    pages.close()  # an abandoned stream must not leak the open file (ResourceWarning = error)


def test_count_pages_does_not_decode(tmp_path: Path, page: Page, monkeypatch) -> None:
    path = tmp_path / "book.tif"
    imageio.save_document([page] * 4, path)

    def no_decoding(self: ImageFile.ImageFile) -> None:
        raise AssertionError("count_pages decoded pixels")

    monkeypatch.setattr(ImageFile.ImageFile, "load", no_decoding)
    assert imageio.count_pages(path) == 4


# --- DPI ------------------------------------------------------------------------------------


@pytest.mark.parametrize("fmt", ["png", "tiff", "jpeg", "bmp", "pdf"])
@pytest.mark.parametrize("dpi", [(300.0, 300.0), (150.0, 150.0)])
def test_dpi_is_kept(tmp_path: Path, page: Page, fmt: str, dpi: tuple[float, float]) -> None:
    path = tmp_path / f"page{imageio.suffix_for(fmt)}"
    imageio.save_document([Page(page.pixels, dpi)], path)
    loaded = _load_one(path)
    assert loaded.dpi == dpi
    assert loaded.pixels.shape == page.pixels.shape


@pytest.mark.parametrize("fmt", ["png", "tiff"])
def test_anisotropic_dpi_is_kept(tmp_path: Path, page: Page, fmt: str) -> None:
    path = tmp_path / f"fax{imageio.suffix_for(fmt)}"
    imageio.save_document([Page(page.pixels, (204.0, 98.0))], path)
    assert _load_one(path).dpi == (204.0, 98.0)


def test_tiff_resolution_in_centimetres(tmp_path: Path, page: Page) -> None:
    path = tmp_path / "cm.tif"
    info = {296: 3, 282: 118.11, 283: 118.11}  # ResolutionUnit = cm, X/YResolution
    _save_pil(Image.fromarray(page.pixels), path, tiffinfo=info)
    assert _load_one(path).dpi == (300.0, 300.0)


def test_missing_dpi_is_none(tmp_path: Path, page: Page) -> None:
    path = _save_pil(Image.fromarray(page.pixels), tmp_path / "nodpi.png")
    assert _load_one(path).dpi is None


# --- modes and bit depths --------------------------------------------------------------------


@pytest.mark.parametrize("suffix", [".tif", ".png"])
def test_16_bit_grey_is_scaled_not_clipped(tmp_path: Path, suffix: str) -> None:
    levels = np.array([[0, 257, 257 * 128, 65535, 1000, 40000]], dtype=np.uint16)
    path = _save_pil(Image.fromarray(levels), tmp_path / f"deep{suffix}")
    with Image.open(path) as im:
        assert im.mode.startswith("I")
    got = _load_one(path).pixels
    np.testing.assert_array_equal(got, np.round(levels / 257).astype(np.uint8))


def test_16_bit_big_endian_tiff(tmp_path: Path) -> None:
    levels = np.array([[0, 257 * 200, 65535]], dtype=">u2")
    path = _save_pil(Image.fromarray(levels), tmp_path / "be.tif")
    np.testing.assert_array_equal(_load_one(path).pixels, [[0, 200, 255]])


def test_32_bit_integer_mode_with_16_bit_values(tmp_path: Path) -> None:
    levels = np.array([[0, 257 * 3, 65535]], dtype=np.int32)
    path = _save_pil(Image.fromarray(levels), tmp_path / "i.tif")
    with Image.open(path) as im:
        assert im.mode == "I"
    np.testing.assert_array_equal(_load_one(path).pixels, [[0, 3, 255]])


def _rgb16_tiff(path: Path, rgb: np.ndarray) -> Path:
    """Write an uncompressed 16-bit-per-sample RGB TIFF by hand (Pillow cannot write one)."""
    height, width, _ = rgb.shape
    data = rgb.astype("<u2").tobytes()
    tags = [(256, 3, 1, width), (257, 3, 1, height), (258, 3, 3, 0), (259, 3, 1, 1)]
    tags += [(262, 3, 1, 2), (273, 4, 1, 0), (277, 3, 1, 3), (278, 3, 1, height)]
    tags += [(279, 4, 1, len(data)), (284, 3, 1, 1)]
    bits_at = 8 + 2 + 12 * len(tags) + 4
    data_at = bits_at + 6
    entries = b""
    for tag, kind, count, value in tags:
        value = {258: bits_at, 273: data_at}.get(tag, value)
        packed = (
            struct.pack("<HH", value, 0) if kind == 3 and count == 1 else struct.pack("<I", value)
        )
        entries += struct.pack("<HHI", tag, kind, count) + packed
    ifd = struct.pack("<H", len(tags)) + entries + struct.pack("<I", 0)
    path.write_bytes(
        b"II*\x00" + struct.pack("<I", 8) + ifd + struct.pack("<3H", 16, 16, 16) + data
    )
    return path


def test_16_bit_rgb_tiff(tmp_path: Path) -> None:
    grey = np.array([[0, 100, 255]], dtype=np.uint16) * 257
    path = _rgb16_tiff(tmp_path / "rgb16.tif", np.repeat(grey[..., None], 3, axis=2))
    np.testing.assert_array_equal(_load_one(path).pixels, [[0, 100, 255]])


def test_one_bit_becomes_0_and_255(tmp_path: Path) -> None:
    bits = np.array([[True, False, True], [False, False, True]])
    path = _save_pil(Image.fromarray(bits), tmp_path / "bits.png")
    np.testing.assert_array_equal(_load_one(path).pixels, np.where(bits, 255, 0))


def test_palette_matches_pillow_luma(tmp_path: Path) -> None:
    palette_image = Image.new("P", (4, 1))
    palette_image.putpalette([255, 255, 255, 0, 0, 0, 255, 0, 0, 0, 0, 255])
    palette_image.putdata([0, 1, 2, 3])
    path = _save_pil(palette_image, tmp_path / "pal.png")
    expected = np.asarray(palette_image.convert("L"))
    np.testing.assert_array_equal(_load_one(path).pixels, expected)


def test_palette_transparency_is_white(tmp_path: Path) -> None:
    palette_image = Image.new("P", (2, 1))
    palette_image.putpalette([0, 0, 0, 0, 0, 0])
    palette_image.putdata([0, 1])
    path = _save_pil(palette_image, tmp_path / "trns.png", transparency=1)
    np.testing.assert_array_equal(_load_one(path).pixels, [[0, 255]])


def test_grey_alpha_is_composited_over_white(tmp_path: Path) -> None:
    grey = np.array([[0, 0, 0, 100]], dtype=np.uint8)
    alpha = np.array([[255, 0, 128, 255]], dtype=np.uint8)
    path = _save_pil(Image.fromarray(np.dstack([grey, alpha]), "LA"), tmp_path / "la.png")
    np.testing.assert_array_equal(_load_one(path).pixels, [[0, 255, 127, 100]])


def test_rgba_is_composited_over_white(tmp_path: Path) -> None:
    rgba = np.array([[[0, 0, 0, 255], [0, 0, 0, 0], [0, 0, 0, 128], [255, 0, 0, 255]]], np.uint8)
    path = _save_pil(Image.fromarray(rgba), tmp_path / "rgba.png")
    np.testing.assert_array_equal(_load_one(path).pixels, [[0, 255, 127, 76]])


def test_rgb_uses_luma(tmp_path: Path) -> None:
    rgb = np.array([[[255, 255, 255], [0, 0, 0], [0, 255, 0]]], np.uint8)
    path = _save_pil(Image.fromarray(rgb), tmp_path / "rgb.png")
    np.testing.assert_array_equal(_load_one(path).pixels, [[255, 0, 150]])


def test_cmyk(tmp_path: Path) -> None:
    cmyk = Image.new("CMYK", (3, 1))
    cmyk.putdata([(0, 0, 0, 0), (0, 0, 0, 255), (255, 0, 0, 0)])
    path = _save_pil(cmyk, tmp_path / "cmyk.tif")
    got = _load_one(path).pixels.astype(int)
    assert got[0, 0] == 255 and got[0, 1] == 0
    assert abs(got[0, 2] - 179) <= 1  # cyan = RGB (0, 255, 255)


@pytest.mark.parametrize("orientation", range(1, 9))
def test_exif_orientation_matches_exif_transpose(tmp_path: Path, orientation: int) -> None:
    pixels = np.arange(15, dtype=np.uint8).reshape(3, 5) * 17
    exif = Image.Exif()
    exif[0x0112] = orientation
    path = _save_pil(Image.fromarray(pixels), tmp_path / "phone.png", exif=exif, dpi=(300, 200))
    with Image.open(path) as original:
        expected = np.asarray(ImageOps.exif_transpose(original))
    loaded = _load_one(path)
    np.testing.assert_array_equal(loaded.pixels, expected)
    assert loaded.pixels.flags.c_contiguous
    assert loaded.dpi == ((200.0, 300.0) if orientation >= 5 else (300.0, 200.0))


# --- bilevel output ---------------------------------------------------------------------------


def test_bilevel_tiff_is_group4(tmp_path: Path, page: Page) -> None:
    path = tmp_path / "fax.tif"
    imageio.save_document([page, page], path, bilevel_threshold=128)
    with Image.open(path) as im:
        for frame in range(2):
            im.seek(frame)
            assert im.mode == "1"
            assert im.info["compression"] == "group4"
    expected = np.where(page.pixels < 128, 0, 255)
    for loaded in imageio.load_document(path).pages:
        np.testing.assert_array_equal(loaded.pixels, expected)
        assert loaded.dpi == page.dpi


@pytest.mark.parametrize(
    ("fmt", "mode"), [("png", "1"), ("bmp", "1"), ("jpeg", "L"), ("webp", "RGB")]
)
def test_bilevel_single_page_formats(tmp_path: Path, page: Page, fmt: str, mode: str) -> None:
    path = tmp_path / f"bw{imageio.suffix_for(fmt)}"
    imageio.save_document([page], path, bilevel_threshold=100)
    with Image.open(path) as im:
        assert im.mode in (mode, "P")
    got = _load_one(path).pixels
    expected = np.where(page.pixels < 100, 0, 255)
    tolerance = 40 if fmt == "jpeg" else 0
    assert np.abs(got.astype(int) - expected).max() <= tolerance


# --- errors -----------------------------------------------------------------------------------


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(InvalidImageError, match="not found"):
        imageio.load_document(tmp_path / "nope.png")


def test_zero_byte_file(tmp_path: Path) -> None:
    path = tmp_path / "empty.png"
    path.write_bytes(b"")
    with pytest.raises(InvalidImageError, match="empty"):
        imageio.load_document(path)
    with pytest.raises(InvalidImageError, match="empty"):
        imageio.count_pages(path)


@pytest.mark.parametrize("fmt", ["png", "jpeg"])
def test_truncated_file(tmp_path: Path, fmt: str) -> None:
    noise = np.random.default_rng(3).integers(0, 256, (64, 64), dtype=np.uint8)
    whole = _save_pil(Image.fromarray(noise), tmp_path / f"whole.{fmt}", format=fmt.upper())
    path = tmp_path / f"cut.{fmt}"
    path.write_bytes(whole.read_bytes()[: whole.stat().st_size // 2])
    with pytest.raises(InvalidImageError, match="truncated") as caught:
        imageio.load_document(path)
    assert str(path) in str(caught.value)


def test_text_file_named_png(tmp_path: Path) -> None:
    path = tmp_path / "notes.png"
    path.write_text("shopping list: milk, eggs\n")
    with pytest.raises(InvalidImageError, match="not an image"):
        imageio.load_document(path)


def test_corrupt_png_body(tmp_path: Path, page: Page) -> None:
    path = tmp_path / "bad.png"
    imageio.save_document([page], path)
    data = bytearray(path.read_bytes())
    data[16:24] = b"\xff" * 8  # IHDR width/height garbage
    path.write_bytes(bytes(data))
    with pytest.raises(InvalidImageError):
        imageio.load_document(path)


def test_corrupt_pdf(tmp_path: Path) -> None:
    path = tmp_path / "broken.pdf"
    path.write_bytes(b"%PDF-1.7\n this is not really a pdf\n")
    with pytest.raises(InvalidImageError, match="PDF"):
        imageio.load_document(path)
    with pytest.raises(InvalidImageError):
        imageio.count_pages(path)


@pytest.mark.parametrize("fmt", ["png", "tiff", "pdf"])
def test_over_max_pixels(tmp_path: Path, page: Page, fmt: str) -> None:
    path = tmp_path / f"big{imageio.suffix_for(fmt)}"
    imageio.save_document([page], path)
    with pytest.raises(ImageTooLargeError, match="megapixels"):
        imageio.load_document(path, max_pixels=40 * 60 - 1)
    assert _load_one(path, max_pixels=40 * 60).pixels.shape == (40, 60)


def _png_header_only(path: Path, width: int, height: int) -> Path:
    """A PNG that claims ``width x height`` 1-bit pixels but holds no pixel data."""

    def chunk(kind: bytes, body: bytes) -> bytes:
        import zlib

        crc = zlib.crc32(kind + body) & 0xFFFFFFFF
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", crc)

    ihdr = struct.pack(">IIBBBBB", width, height, 1, 0, 0, 0, 0)
    path.write_bytes(b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IEND", b""))
    return path


def test_bomb_is_refused_from_the_header(tmp_path: Path) -> None:
    path = _png_header_only(tmp_path / "bomb.png", 30000, 30000)
    with pytest.raises(ImageTooLargeError, match="30000 x 30000"):
        imageio.load_document(path)


def test_20000_square_page_passes_the_size_check(tmp_path: Path) -> None:
    # 400 Mpx is under the default limit and over Pillow's own: the header passes our check,
    # Pillow raises no bomb warning, and the missing pixel data is then found out.
    path = _png_header_only(tmp_path / "tall.png", 20000, 20000)
    with pytest.raises(InvalidImageError) as caught:
        imageio.load_document(path)
    assert not isinstance(caught.value, ImageTooLargeError)


def test_pillow_bomb_limit_is_replaced_and_restored(
    tmp_path: Path, page: Page, monkeypatch
) -> None:
    monkeypatch.setattr(Image, "MAX_IMAGE_PIXELS", 100)
    path = tmp_path / "page.tif"
    imageio.save_document([page], path)
    assert _load_one(path).pixels.shape == (40, 60)  # no DecompressionBombWarning/Error
    assert Image.MAX_IMAGE_PIXELS == 100


def test_directory(tmp_path: Path) -> None:
    folder = tmp_path / "scans.png"
    folder.mkdir()
    with pytest.raises(InvalidImageError, match="folder"):
        imageio.load_document(folder)


def test_unreadable_file(tmp_path: Path, page: Page, monkeypatch) -> None:
    path = tmp_path / "secret.png"
    imageio.save_document([page], path)
    if os.geteuid() == 0:  # root reads anything: simulate the refusal instead

        def refuse(*args: object, **kwargs: object) -> None:
            raise PermissionError(errno.EACCES, "Permission denied", str(path))

        monkeypatch.setattr(imageio, "open", refuse, raising=False)
    else:
        path.chmod(0)
    try:
        with pytest.raises(InvalidImageError, match="permission denied"):
            imageio.load_document(path)
    finally:
        path.chmod(0o644)


def test_reading_errors_are_always_typed(tmp_path: Path) -> None:
    junk = {"a.png": b"\x89PNG\r\n\x1a\n" + b"\x00" * 40, "b.tif": b"II*\x00" + b"\xff" * 40}
    junk |= {"c.bmp": b"BM" + b"\x01" * 60, "d.webp": b"RIFF\x10\x00\x00\x00WEBPVP8 " + b"\x00" * 9}
    for name, data in junk.items():
        (tmp_path / name).write_bytes(data)
        with pytest.raises(DocDenoiseError):
            imageio.load_document(tmp_path / name)


@pytest.mark.parametrize("fmt", ["png", "tiff", "pdf"])
def test_non_ascii_and_spaces_in_paths(tmp_path: Path, page: Page, fmt: str) -> None:
    folder = tmp_path / "Scans été 2024" / "文書 フォルダ"
    folder.mkdir(parents=True)
    path = folder / f"page 1 – reçu{imageio.suffix_for(fmt)}"
    imageio.save_document([page, page] if fmt != "png" else [page], path)
    assert imageio.count_pages(path) == (1 if fmt == "png" else 2)
    np.testing.assert_array_equal(imageio.load_document(path).pages[0].pixels, page.pixels)


def test_inputs_are_not_modified(tmp_path: Path, page: Page) -> None:
    for fmt in imageio.OUTPUT_FORMATS:
        path = tmp_path / f"in{imageio.suffix_for(fmt)}"
        imageio.save_document([page], path)
        before = _digest(path)
        imageio.load_document(path)
        imageio.count_pages(path)
        assert _digest(path) == before, fmt


# --- writing ----------------------------------------------------------------------------------


def test_several_pages_to_a_single_page_format(tmp_path: Path, page: Page) -> None:
    path = tmp_path / "two.png"
    with pytest.raises(UsageError, match="one page"):
        imageio.save_document([page, page], path)
    assert not path.exists()


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"fmt": "xcf"}, "unknown output format"),
        ({"fmt": "gif"}, "read but not written"),
        ({"bilevel_threshold": 0}, "threshold"),
        ({"jpeg_quality": 101}, "quality"),
    ],
)
def test_save_argument_errors(tmp_path: Path, page: Page, kwargs: dict, message: str) -> None:
    with pytest.raises(UsageError, match=message):
        imageio.save_document([page], tmp_path / "out.png", **kwargs)


def test_save_needs_pages_and_a_format(tmp_path: Path, page: Page) -> None:
    with pytest.raises(UsageError, match="no pages"):
        imageio.save_document([], tmp_path / "out.png")
    with pytest.raises(UsageError, match="suffix"):
        imageio.save_document([page], tmp_path / "out")
    with pytest.raises(ValueError, match="uint8"):
        imageio.save_document([Page(page.pixels.astype(np.float32), None)], tmp_path / "f.png")
    with pytest.raises(ValueError, match="dpi"):
        imageio.save_document([Page(page.pixels, (0.0, 300.0))], tmp_path / "f.png")
    assert list(tmp_path.iterdir()) == []


def test_pages_without_dpi_are_written(tmp_path: Path, page: Page) -> None:
    for fmt in imageio.OUTPUT_FORMATS:
        path = tmp_path / f"nodpi{imageio.suffix_for(fmt)}"
        imageio.save_document([Page(page.pixels, None)], path)
        assert _load_one(path).pixels.shape == page.pixels.shape


def test_atomic_write_leaves_nothing_when_the_writer_raises(tmp_path: Path) -> None:
    target = tmp_path / "out.tif"
    seen: list[Path] = []

    def half_then_fail(tmp: Path) -> None:
        seen.append(tmp)
        tmp.write_bytes(b"half a file")
        raise ValueError("encoder exploded")

    with pytest.raises(OutputWriteError, match="encoder exploded"):
        imageio.atomic_write(target, half_then_fail)
    assert seen[0].parent == tmp_path and seen[0].name.startswith(".out.tif.tmp-")
    assert list(tmp_path.iterdir()) == []


def test_atomic_write_keeps_the_old_file_on_failure(tmp_path: Path) -> None:
    target = tmp_path / "out.png"
    target.write_bytes(b"old")

    def fail(tmp: Path) -> None:
        tmp.write_bytes(b"new but broken")
        raise OSError(errno.EIO, "Input/output error")

    with pytest.raises(OutputWriteError):
        imageio.atomic_write(target, fail)
    assert target.read_bytes() == b"old"
    assert [p.name for p in tmp_path.iterdir()] == ["out.png"]


@pytest.mark.parametrize(
    ("code", "reason"),
    [(errno.ENOSPC, "disk full"), (errno.EACCES, "permission denied"), (errno.EROFS, "permission")],
)
def test_atomic_write_maps_os_errors(tmp_path: Path, code: int, reason: str) -> None:
    def fail(tmp: Path) -> None:
        tmp.write_bytes(b"x")
        raise OSError(code, os.strerror(code))

    with pytest.raises(OutputWriteError, match=reason) as caught:
        imageio.atomic_write(tmp_path / "out.pdf", fail)
    assert caught.value.reason.startswith(reason)
    assert list(tmp_path.iterdir()) == []


def test_atomic_write_replaces_the_target(tmp_path: Path) -> None:
    target = tmp_path / "out.txt"
    target.write_bytes(b"old")
    imageio.atomic_write(target, lambda tmp: tmp.write_bytes(b"new"))
    assert target.read_bytes() == b"new"
    assert [p.name for p in tmp_path.iterdir()] == ["out.txt"]


def test_save_document_failing_midway_leaves_no_file(
    tmp_path: Path, page: Page, monkeypatch
) -> None:
    def disk_fills_up(self: Image.Image, fp: Path, *args: object, **kwargs: object) -> None:
        Path(fp).write_bytes(b"II*\x00partial")
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(Image.Image, "save", disk_fills_up)
    with pytest.raises(OutputWriteError, match="disk full"):
        imageio.save_document([page, page], tmp_path / "out.tif")
    assert list(tmp_path.iterdir()) == []


def test_save_into_a_missing_folder(tmp_path: Path, page: Page) -> None:
    with pytest.raises(OutputWriteError, match="does not exist"):
        imageio.save_document([page], tmp_path / "no such folder" / "out.png")


def test_stale_temps_of_a_killed_writer_are_removed(tmp_path: Path) -> None:
    """A writer process killed mid-write leaves its hidden temporary file (no handler runs);
    remove_stale_temps removes exactly that, not the output or its neighbours."""
    target = tmp_path / "page.png"
    neighbour = tmp_path / ".page.png.txt"
    neighbour.write_text("not ours", encoding="utf-8")
    writer = (
        "import sys, time\n"
        "from docdenoise import imageio\n"
        "def half(tmp):\n"
        "    tmp.write_bytes(b'half a page')\n"
        "    print('writing', flush=True)\n"
        "    time.sleep(60)\n"
        f"imageio.atomic_write({str(target)!r}, half)\n"
    )
    with subprocess.Popen(
        [sys.executable, "-c", writer], stdout=subprocess.PIPE, text=True
    ) as proc:
        try:
            assert proc.stdout is not None and proc.stdout.readline().strip() == "writing"
        finally:
            proc.kill()
    leftovers = [p for p in tmp_path.iterdir() if p.name.startswith(".page.png.tmp-")]
    assert len(leftovers) == 1 and not target.exists()
    assert imageio.remove_stale_temps(target) == 1
    assert sorted(p.name for p in tmp_path.iterdir()) == [".page.png.txt"]
    assert imageio.remove_stale_temps(tmp_path / "missing" / "x.png") == 0
