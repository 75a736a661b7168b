"""docdenoise as OCRmyPDF's page cleaner, through the real OCRmyPDF and Tesseract: the plain
command puts the cleaned pages, with their text, in the output; the options are checked."""

from __future__ import annotations

import io
import logging
import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from PIL import Image, ImageDraw, ImageFont
from searchable import words

ocrmypdf = pytest.importorskip("ocrmypdf")
pdfium = pytest.importorskip("pypdfium2")
if shutil.which("tesseract") is None:
    pytest.skip("Tesseract is not installed", allow_module_level=True)

from docdenoise import ocrmypdf_plugin as plugin  # noqa: E402  (after the skips)

PLUGIN = "docdenoise.ocrmypdf_plugin"
FONT = "/usr/share/fonts/truetype/dejavu/DejaVuSerif.ttf"
LINES = (
    "The quick brown fox jumps over",
    "the lazy dog near the river bank",
    "while seven wizards quietly judge",
    "boxing matches in the old hall.",
)
DPI = 200
STAIN = (slice(380, 520), slice(700, 900))  # rows, columns of the stain's darkest part


def _page(seed: int) -> np.ndarray:
    """A 1200x900 page of text on grey paper (about 185) with a dark stain (about 125)."""
    image = Image.new("L", (1200, 900), 255)
    draw = ImageDraw.Draw(image)
    for number, line in enumerate(LINES):
        draw.text((80, 120 + number * 90), line, fill=0, font=ImageFont.truetype(FONT, 36))
    ink = np.asarray(image, dtype=np.float32) / 255
    rows, cols = np.mgrid[0:900, 0:1200]
    stain = 60 * np.exp(-(((cols - 800) / 180) ** 2 + ((rows - 450) / 140) ** 2))
    paper = 185 - stain + np.random.default_rng(seed).normal(0, 4, ink.shape)
    return np.clip(paper * ink + 30 * (1 - ink), 0, 255).astype(np.uint8)


@pytest.fixture(scope="module")
def scan(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Two stained pages in a PDF, as a scanner writes one (JPEG images, 200 dpi)."""
    path = tmp_path_factory.mktemp("scan") / "scan.pdf"
    first, second = (Image.fromarray(_page(seed)) for seed in (1, 2))
    first.save(path, save_all=True, append_images=[second], resolution=DPI)
    return path


def _ocrmypdf(*args: str | Path) -> subprocess.CompletedProcess[str]:
    command = [sys.executable, "-m", "ocrmypdf", "--plugin", PLUGIN, "-l", "eng", *map(str, args)]
    return subprocess.run(command, capture_output=True, text=True, timeout=300)


def _pages(path: Path) -> list[tuple[np.ndarray, float, str]]:
    """Each page's one image (grey), its DPI and the page's text."""
    pdf = pdfium.PdfDocument(path)
    pages = []
    for page in pdf:
        images = list(page.get_objects(filter=[pdfium.raw.FPDF_PAGEOBJ_IMAGE]))
        assert len(images) == 1
        pixels = np.asarray(images[0].get_bitmap(render=False).to_pil().convert("L"))
        text = page.get_textpage().get_text_range()
        pages.append((pixels, images[0].get_metadata().horizontal_dpi, text))
    pdf.close()
    return pages


def test_the_plain_command_shows_the_cleaned_pages_with_their_text(
    scan: Path, tmp_path: Path
) -> None:
    result = _ocrmypdf(scan, tmp_path / "out.pdf")
    assert result.returncode == 0, result.stderr
    assert "docdenoise: rasterizing each page" in result.stderr  # the force mode it turned on
    before, after = _pages(scan), _pages(tmp_path / "out.pdf")
    assert len(after) == 2
    expected = set(words(" ".join(LINES)))
    for (scanned, _, _), (cleaned, dpi, text) in zip(before, after, strict=True):
        assert cleaned.shape == scanned.shape and dpi == pytest.approx(DPI)
        assert np.median(scanned) <= 200 and np.median(cleaned) >= 245
        assert np.median(scanned[STAIN]) <= 150 and np.median(cleaned[STAIN]) >= 245
        assert len(expected & set(words(text))) >= 0.8 * len(expected), text


def test_the_quality_model_is_accepted_and_each_page_is_cleaned_once(
    scan: Path, tmp_path: Path
) -> None:
    result = _ocrmypdf("-v1", "--docdenoise-model", "quality", scan, tmp_path / "out.pdf")
    assert result.returncode == 0, result.stderr
    assert result.stderr.count("docdenoise: model quality on") == 1  # one worker process
    assert result.stderr.count("shows the image cleaned for OCR") == 2  # OCR's image, reused
    assert all(np.median(pixels) >= 245 for pixels, _, _ in _pages(tmp_path / "out.pdf"))


def test_the_python_api_takes_the_options_and_strength_blends(scan: Path, tmp_path: Path) -> None:
    out = tmp_path / "out.pdf"
    code = ocrmypdf.ocr(
        scan, out, language=["eng"], plugins=[PLUGIN], docdenoise_strength=0.5, progress_bar=False
    )
    assert code == 0
    for pixels, _, _ in _pages(out):  # half way from the grey paper (about 185) to white
        assert 205 <= np.median(pixels) <= 235
    with pytest.raises(ocrmypdf.BadArgsError, match="--docdenoise-strength"):
        ocrmypdf.ocr(scan, out, plugins=[PLUGIN], docdenoise_strength="3", progress_bar=False)


@pytest.mark.parametrize(
    ("option", "value", "says"),
    [
        ("--docdenoise-strength", "3", "from 0.0 to 1.0"),
        ("--docdenoise-model", "missing.safetensors", "no model file"),
        ("--docdenoise-model", "not-a-model.safetensors", "not a readable safetensors file"),
        ("--docdenoise-device", "gpu", "auto, cpu, cuda"),
        ("--docdenoise-tile", "10", "from 64 to 8192"),
    ],
)
def test_a_bad_option_is_one_line_naming_it(
    scan: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, option: str, value: str, says: str
) -> None:
    monkeypatch.chdir(tmp_path)
    Path("not-a-model.safetensors").write_bytes(b"junk")
    result = _ocrmypdf(option, value, scan, tmp_path / "out.pdf")
    assert result.returncode != 0
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith(f"{option}: ") and says in lines[0], lines
    assert not (tmp_path / "out.pdf").exists()


def _options(**kwargs: object) -> ocrmypdf.OcrOptions:
    return ocrmypdf.OcrOptions(input_file="in.pdf", output_file="out.pdf", **kwargs)


def test_check_options_forces_rasterizing_only_where_the_page_would_be_kept(
    caplog: pytest.LogCaptureFixture,
) -> None:
    default, deskew, skip = _options(), _options(deskew=True), _options(mode="skip")
    with caplog.at_level(logging.INFO, logger=plugin.__name__):
        for options in (default, deskew, skip):
            plugin.check_options(options)
    assert default.mode == "force" and not default.lossless_reconstruction
    assert deskew.mode == "default"  # deskewing rasterizes the page already
    assert skip.mode == "skip" and "use --force-ocr" in caplog.text  # the user's choice, told
    assert default.extra_attrs["docdenoise_model"] == "fast"
    assert default.extra_attrs["docdenoise_strength"] == 1.0


def test_a_jpeg_copy_of_a_page_is_the_same_page_and_another_page_is_not() -> None:
    page = _page(1)
    buffer = io.BytesIO()
    Image.fromarray(page).save(buffer, format="JPEG")
    copy = np.asarray(Image.open(buffer))
    assert plugin.same_page(plugin.block_means(page), plugin.block_means(copy))
    assert not plugin.same_page(plugin.block_means(page), plugin.block_means(_page(1)[::-1]))


def test_the_plugin_imports_neither_torch_nor_qt_and_knows_the_core_devices() -> None:
    probe = (
        f"import sys, {PLUGIN}\n"
        "print(any(m == 'torch' or m.startswith('PySide6') for m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"
    from docdenoise.device import DEVICE_CHOICES

    assert plugin.DEVICES == DEVICE_CHOICES
