"""Formats archives and old scanners use: GIF (animated: one page per frame), JPEG 2000 (JP2 and
the raw J2K codestream, written as lossless JP2 with its DPI) and the PNM family (PBM, PGM, PPM,
binary and ASCII, 16-bit PGM; written as 8-bit PGM). Files are made in code, small."""

from __future__ import annotations

import io
import random
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from docdenoise import imageio
from docdenoise.cli import main
from docdenoise.errors import DocDenoiseError, InvalidImageError, UsageError
from docdenoise.formats import FORMAT_LABELS, FORMATS, MULTI_PAGE_FORMATS, OUTPUT_FORMATS
from docdenoise.imageio import Page

RNG = np.random.default_rng(38)
GREY = RNG.integers(0, 256, size=(48, 64), dtype=np.uint8)


def _write(path: Path, image: Image.Image, **params: object) -> Path:
    image.save(path, **params)
    return path


def _only_page(path: Path) -> Page:
    document = imageio.load_document(path)
    assert len(document.pages) == 1
    return document.pages[0]


def _animated_gif(target: Path | io.BytesIO, levels: tuple[int, ...] = (0, 128, 255)) -> None:
    """One flat grey frame per level, each with a dark bar at its own height (RGB after the first
    frame in Pillow, whose palettes differ)."""
    frames = []
    for index, level in enumerate(levels):
        pixels = np.full((40, 56), level, dtype=np.uint8)
        pixels[4 + 10 * index : 8 + 10 * index, 4:52] = 30 if level > 60 else 220
        frames.append(Image.fromarray(pixels))
    frames[0].save(target, format="GIF", save_all=True, append_images=frames[1:], duration=100)


# --- the table ------------------------------------------------------------------------------


def test_the_table_reads_more_than_it_writes() -> None:
    assert {"gif", "j2k"} <= set(FORMATS) and {"gif", "j2k"}.isdisjoint(OUTPUT_FORMATS)
    assert {"jp2", "pnm"} <= set(OUTPUT_FORMATS)
    assert set(MULTI_PAGE_FORMATS) == {"tiff", "pdf"}  # GIF holds frames but is not written
    for suffix in (".gif", ".jp2", ".j2k", ".j2c", ".pgm", ".pbm", ".ppm", ".pnm"):
        assert imageio.is_supported(f"scan{suffix.upper()}")
    assert "GIF" in FORMAT_LABELS and "JPEG 2000" in FORMAT_LABELS and "PNM" in FORMAT_LABELS
    assert imageio.suffix_for("jp2") == ".jp2" and imageio.suffix_for("pgm") == ".pgm"


def test_what_a_read_only_input_is_written_as() -> None:
    assert imageio.output_format_for("gif", None) == "png"
    assert imageio.output_format_for("gif", None, pages=3) == "tiff"
    assert imageio.output_format_for("j2k", None) == "jp2"
    assert imageio.output_format_for("jp2", None) == "jp2"
    assert imageio.output_format_for("pnm", None) == "pnm"
    assert imageio.output_format_for("gif", "pdf", pages=3) == "pdf"
    for name in ("gif", "j2k", "j2c"):
        with pytest.raises(UsageError, match="read but not written"):
            imageio.output_format_for("png", name)


def test_a_gif_is_not_written(tmp_path: Path) -> None:
    with pytest.raises(UsageError, match="'gif' files are read but not written"):
        imageio.save_document([Page(GREY, None)], tmp_path / "out.gif")
    assert list(tmp_path.iterdir()) == []


# --- GIF ------------------------------------------------------------------------------------


def test_a_single_frame_gif_is_one_page_over_white(tmp_path: Path) -> None:
    palette = Image.new("P", (30, 20), 0)
    palette.putpalette([0, 0, 0, 10, 10, 10] + [0] * 762)
    palette.paste(1, (0, 0, 15, 20))
    path = _write(tmp_path / "logo.gif", palette, transparency=0)  # index 0: transparent
    assert imageio.sniff_format(path) == "gif" and imageio.count_pages(path) == 1
    page = _only_page(path)
    assert page.dpi is None  # GIF stores none
    assert page.pixels.shape == (20, 30)
    assert (page.pixels[:, :15] == 10).all() and (page.pixels[:, 15:] == 255).all()


def test_an_animated_gif_is_one_page_per_frame(tmp_path: Path) -> None:
    path = tmp_path / "pages.gif"
    _animated_gif(path)
    assert imageio.count_pages(path) == 3
    pages = imageio.load_document(path).pages
    assert len(pages) == 3
    for index, (page, level) in enumerate(zip(pages, (0, 128, 255), strict=True)):
        assert page.dpi is None and page.pixels.shape == (40, 56)
        bar = 4 + 10 * index
        assert abs(int(page.pixels[0, 0]) - level) <= 2  # later frames come as RGB: converted
        assert abs(int(page.pixels[bar + 1, 20]) - (30 if level > 60 else 220)) <= 2


def test_transparent_later_frames_are_over_white(tmp_path: Path) -> None:
    first = Image.new("P", (16, 16), 1)
    first.putpalette([0, 0, 0, 255, 255, 255] + [0] * 762)
    second = Image.new("P", (16, 16), 0)
    second.putpalette([0, 0, 0, 40, 40, 40] + [0] * 762)
    second.paste(1, (0, 0, 8, 16))
    path = tmp_path / "two.gif"
    first.save(path, save_all=True, append_images=[second], transparency=0, disposal=2)
    pages = imageio.load_document(path).pages
    assert [p.pixels.shape for p in pages] == [(16, 16), (16, 16)]
    assert (pages[0].pixels == 255).all()
    assert (pages[1].pixels[:, :8] == 40).all() and (pages[1].pixels[:, 8:] == 255).all()


# --- JPEG 2000 ------------------------------------------------------------------------------


@pytest.mark.parametrize("dpi", [(300.0, 300.0), (72.0, 150.0), (1200.0, 1200.0), (299.5, 600.25)])
def test_jp2_round_trip_is_lossless_with_its_dpi(tmp_path: Path, dpi: tuple[float, float]) -> None:
    path = tmp_path / "scan.jp2"
    imageio.save_document([Page(GREY, dpi)], path)
    assert path.read_bytes().startswith(b"\x00\x00\x00\x0cjP  \r\n\x87\n")
    with Image.open(path) as image:  # Pillow itself reads the resolution box written
        assert image.format == "JPEG2000" and image.info["dpi"] == pytest.approx(dpi)
    document = imageio.load_document(path)
    assert document.format == "jp2"
    np.testing.assert_array_equal(document.pages[0].pixels, GREY)
    assert document.pages[0].dpi == dpi


def test_jp2_without_dpi_and_bilevel(tmp_path: Path) -> None:
    path = tmp_path / "nodpi.jp2"
    imageio.save_document([Page(GREY, None)], path)
    assert _only_page(path).dpi is None
    imageio.save_document([Page(GREY, (300.0, 300.0))], path, bilevel_threshold=128)
    page = _only_page(path)
    np.testing.assert_array_equal(page.pixels, np.where(GREY < 128, 0, 255))
    assert page.dpi == (300.0, 300.0)


def test_a_jp2_made_by_pillow_and_a_raw_codestream(tmp_path: Path) -> None:
    jp2 = _write(tmp_path / "pillow.jp2", Image.fromarray(GREY), format="JPEG2000")
    assert imageio.sniff_format(jp2) == "jp2"
    np.testing.assert_array_equal(_only_page(jp2).pixels, GREY)
    for suffix in (".j2k", ".j2c"):
        raw = _write(
            tmp_path / f"raw{suffix}", Image.fromarray(GREY), format="JPEG2000", no_jp2=True
        )
        assert raw.read_bytes()[:4] == b"\xff\x4f\xff\x51"
        assert imageio.sniff_format(raw) == "j2k" and imageio.count_pages(raw) == 1
        page = _only_page(raw)
        np.testing.assert_array_equal(page.pixels, GREY)
        assert page.dpi is None  # a codestream has no place for it


def test_a_colour_jp2_becomes_grey(tmp_path: Path) -> None:
    rgb = np.stack([GREY, GREY, GREY], axis=-1)
    path = _write(tmp_path / "colour.jp2", Image.fromarray(rgb), format="JPEG2000")
    np.testing.assert_array_equal(_only_page(path).pixels, GREY)


# --- PNM ------------------------------------------------------------------------------------


def test_binary_pgm_pbm_ppm(tmp_path: Path) -> None:
    pgm = _write(tmp_path / "a.pgm", Image.fromarray(GREY))
    assert pgm.read_bytes()[:2] == b"P5" and imageio.sniff_format(pgm) == "pnm"
    np.testing.assert_array_equal(_only_page(pgm).pixels, GREY)
    assert _only_page(pgm).dpi is None  # PNM stores none
    pbm = _write(tmp_path / "b.pbm", Image.fromarray(GREY >= 128))
    assert pbm.read_bytes()[:2] == b"P4"
    np.testing.assert_array_equal(_only_page(pbm).pixels, np.where(GREY >= 128, 255, 0))
    ppm = _write(tmp_path / "c.ppm", Image.fromarray(np.stack([GREY] * 3, axis=-1)))
    assert ppm.read_bytes()[:2] == b"P6"
    np.testing.assert_array_equal(_only_page(ppm).pixels, GREY)


def test_ascii_pnm(tmp_path: Path) -> None:
    cases = {  # PBM: 1 is black
        "a.pbm": (b"P1\n# plain\n3 2\n0 1 0\n1 1 0\n", [[255, 0, 255], [0, 0, 255]]),
        "b.pgm": (b"P2\n3 2\n15\n0 5 15\n15 0 3\n", [[0, 85, 255], [255, 0, 51]]),
        "c.pnm": (b"P3\n2 1\n255\n9 9 9 200 200 200\n", [[9, 200]]),
    }
    for name, (data, expected) in cases.items():
        (tmp_path / name).write_bytes(data)
        assert imageio.sniff_format(tmp_path / name) == "pnm"
        np.testing.assert_array_equal(_only_page(tmp_path / name).pixels, expected)


@pytest.mark.parametrize("maxval", [65535, 1000])
def test_16_bit_pgm_is_scaled(tmp_path: Path, maxval: int) -> None:
    values = np.array([[0, maxval // 2, maxval, maxval // 4]], dtype=">u2")
    path = tmp_path / "deep.pgm"
    path.write_bytes(b"P5\n4 1\n%d\n" % maxval + values.tobytes())
    expected = np.round(values.astype(np.float64) / maxval * 255)
    assert np.abs(_only_page(path).pixels.astype(int) - expected).max() <= 1


def test_pgm_is_written_8_bit_grey(tmp_path: Path) -> None:
    path = tmp_path / "out.pgm"
    imageio.save_document([Page(GREY, (300.0, 300.0))], path)
    assert path.read_bytes().startswith(b"P5\n64 48\n255\n")
    page = _only_page(path)
    np.testing.assert_array_equal(page.pixels, GREY)
    assert page.dpi is None  # PNM has no place for it
    imageio.save_document([Page(GREY, None)], path, bilevel_threshold=128)
    assert path.read_bytes().startswith(b"P5")  # still PGM, as the suffix says: 0 and 255
    assert set(np.unique(_only_page(path).pixels)) <= {0, 255}


# --- broken files ---------------------------------------------------------------------------


def _valid_files() -> dict[str, bytes]:
    def encoded(image: Image.Image, **params: object) -> bytes:
        buffer = io.BytesIO()
        image.save(buffer, **params)
        return buffer.getvalue()

    buffer = io.BytesIO()
    _animated_gif(buffer)
    return {
        "anim.gif": buffer.getvalue(),
        "scan.jp2": encoded(Image.fromarray(GREY), format="JPEG2000"),
        "scan.j2k": encoded(Image.fromarray(GREY), format="JPEG2000", no_jp2=True),
        "scan.pgm": encoded(Image.fromarray(GREY), format="PPM"),
        "scan.pbm": encoded(Image.fromarray(GREY >= 128), format="PPM"),
    }


@pytest.mark.parametrize("name", sorted(_valid_files()))
def test_truncated_files_are_one_typed_error(tmp_path: Path, name: str) -> None:
    data = _valid_files()[name]
    path = tmp_path / name
    for keep in (0.3, 0.6, 0.9):
        path.write_bytes(data[: int(len(data) * keep)])
        with pytest.raises(InvalidImageError) as caught:
            imageio.load_document(path)
        assert str(path) in str(caught.value) and "\n" not in str(caught.value)


@pytest.mark.parametrize("name", sorted(_valid_files()))
def test_garbage_after_the_magic_is_one_typed_error(tmp_path: Path, name: str) -> None:
    path = tmp_path / name
    path.write_bytes(_valid_files()[name][:12] + b"garbage!" * 40)
    with pytest.raises(InvalidImageError) as caught:
        imageio.load_document(path)
    assert str(path) in str(caught.value)


@pytest.mark.parametrize("name", sorted(_valid_files()))
def test_mutated_files_give_pages_or_our_errors(tmp_path: Path, name: str) -> None:
    """A small seeded fuzz: bit flips, overwrites and cuts never escape as another exception."""
    data, rng = _valid_files()[name], random.Random(name)
    path = tmp_path / name
    for _ in range(60):
        mutated = bytearray(data)
        for _ in range(rng.randint(1, 4)):
            at = rng.randrange(len(mutated))
            if rng.random() < 0.5:
                mutated[at] ^= 1 << rng.randrange(8)
            else:
                mutated[at] = rng.choice((0, 0xFF, rng.randrange(256)))
        if rng.random() < 0.3:
            mutated = mutated[: rng.randrange(1, len(mutated))]
        path.write_bytes(bytes(mutated))
        try:
            imageio.count_pages(path)
            for page in imageio.iter_pages(path, max_pixels=1_000_000):
                assert page.pixels.dtype == np.uint8 and page.pixels.ndim == 2
        except DocDenoiseError as exc:
            assert str(path) in str(exc)


def test_an_unknown_file_names_the_formats_read(tmp_path: Path) -> None:
    path = tmp_path / "notes.gif"
    path.write_bytes(b"PK\x03\x04 a zip, not a scan")
    with pytest.raises(InvalidImageError, match="GIF") as caught:
        imageio.load_document(path)
    assert FORMAT_LABELS in str(caught.value)


# --- the CLI on an animated GIF -------------------------------------------------------------


@pytest.mark.parametrize(
    ("requested", "suffix"), [(None, ".tif"), ("tiff", ".tif"), ("pdf", ".pdf")]
)
def test_cli_cleans_an_animated_gif_into_one_multi_page_file(
    tmp_path: Path, requested: str | None, suffix: str
) -> None:
    (tmp_path / "in").mkdir()
    _animated_gif(tmp_path / "in" / "pages.gif")
    single = tmp_path / "in" / "one.gif"
    Image.fromarray(GREY).save(single)
    out, err = io.StringIO(), io.StringIO()
    argv = ["clean", str(tmp_path / "in"), "-o", str(tmp_path / "out"), "--device", "cpu", "-q"]
    code = main(argv + ([] if requested is None else ["--format", requested]), out=out, err=err)
    assert code == 0, err.getvalue()
    cleaned = tmp_path / "out" / f"pages{suffix}"
    assert imageio.count_pages(cleaned) == 3
    assert all(p.pixels.shape == (40, 56) for p in imageio.load_document(cleaned).pages)
    one = tmp_path / "out" / f"one{'.png' if requested is None else suffix}"  # one frame: PNG
    assert imageio.count_pages(one) == 1
