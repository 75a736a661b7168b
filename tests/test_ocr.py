"""``docdenoise clean ... --ocr LANG``: searchable PDFs through OCRmyPDF and Tesseract.

Each document comes out as a PDF with the cleaned pages as images (lossless, at their DPI) and
Tesseract's text over them; a missing language fails every file with the package to install;
a failed or interrupted OCR leaves no file behind. Needs Tesseract with English (CI has it).
"""

from __future__ import annotations

import io
import re
import shutil
from pathlib import Path

import numpy as np
import pytest
from PIL import Image
from searchable import assert_searchable, stained_page

from docdenoise import ocr, pdfio
from docdenoise.cli import main
from docdenoise.errors import OcrError
from docdenoise.page import Page, bilevel
from docdenoise.pdfio import iter_pdf_pages, write_pdf

needs_tesseract = pytest.mark.skipif(
    shutil.which("tesseract") is None, reason="Tesseract is not installed (apt tesseract-ocr)"
)

FAST = ["--backend", "torch"]  # no ONNX export into the session's fresh cache: seconds saved
PNG_TEXT = ["The quick brown fox jumps over", "the lazy dog near the river", "while wizards box"]
PDF_TEXT = [
    ["Pack my box with five dozen", "liquor jugs said the captain"],
    ["Amazingly few discotheques", "provide jukeboxes tonight"],
]


def run(args: list[str]) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = main(args, out=out, err=err)
    return code, out.getvalue(), err.getvalue()


def leftovers(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.rglob("*")) if folder.exists() else []


@pytest.fixture
def scans(tmp_path: Path) -> Path:
    """A stained PNG at 200 dpi and a stained two-page PDF at 300 dpi."""
    root = tmp_path / "scans"
    root.mkdir()
    Image.fromarray(stained_page(PNG_TEXT)).save(root / "letter.png", dpi=(200, 200))
    pages = [Page(stained_page(lines), (300.0, 300.0)) for lines in PDF_TEXT]
    write_pdf(pages, root / "report.pdf")
    return root


@needs_tesseract
def test_every_document_becomes_a_searchable_pdf_at_its_dpi(scans: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    code, stdout, err = run(["clean", str(scans), "-o", str(out), "--ocr", "eng", "-q", *FAST])
    assert code == 0, err
    assert "2 cleaned" in stdout
    assert leftovers(out) == ["letter.pdf", "report.pdf"]
    expected = {
        "letter.pdf": (200.0, [PNG_TEXT]),
        "report.pdf": (300.0, PDF_TEXT),
    }
    for name, (dpi, texts) in expected.items():
        assert_searchable(out / name, texts, dpi)


@needs_tesseract
def test_a_missing_language_fails_every_file_naming_its_package(
    scans: Path, tmp_path: Path
) -> None:
    out = tmp_path / "out"
    code, stdout, err = run(["clean", str(scans), "-o", str(out), "--ocr", "eng+xyz", "-q", *FAST])
    assert code == 1
    assert "0 cleaned, 0 skipped, 2 failed" in stdout
    errors = [line for line in err.splitlines() if line.startswith("error: ")]
    assert len(errors) == 2
    for line in errors:
        assert "sudo apt install tesseract-ocr-xyz" in line
        assert "tesseract-ocr-eng" not in line
    assert leftovers(out) == []


def test_ocr_with_another_format_is_a_usage_error(scans: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    code, _, err = run(["clean", str(scans), "-o", str(out), "--ocr", "eng", "--format", "png"])
    assert code == 2
    assert err == "error: --ocr writes PDF; drop --format or use --format pdf\n"
    assert not out.exists()


@pytest.mark.parametrize("language", ["eng+", "osd", "en g", "../eng"])
def test_a_malformed_language_is_refused_as_it_is_parsed(
    language: str, scans: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as exit_:
        main(["clean", str(scans), "-o", str(tmp_path / "out"), "--ocr", language])
    assert exit_.value.code == 2
    assert "is not a Tesseract language name" in capsys.readouterr().err


def test_without_ocrmypdf_the_cli_says_which_extra_to_install(
    scans: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(ocr, "ocrmypdf_installed", lambda: False)
    code, _, err = run(["clean", str(scans), "-o", str(tmp_path / "out"), "--ocr", "eng"])
    assert code == 2
    assert err.count("\n") == 1 and "pip install 'docdenoise[ocr]'" in err
    with pytest.raises(OcrError, match=re.escape("pip install 'docdenoise[ocr]'")):
        ocr.check_language("eng")


@needs_tesseract
def test_installed_languages_lists_english_and_leaves_out_osd() -> None:
    languages = ocr.installed_languages()
    assert "eng" in languages
    assert "osd" not in languages
    ocr.check_language("eng")


def test_debian_package_names() -> None:
    assert ocr.debian_package("deu") == "tesseract-ocr-deu"
    assert ocr.debian_package("chi_sim") == "tesseract-ocr-chi-sim"
    assert ocr.split_languages("eng+chi_sim") == ["eng", "chi_sim"]


@needs_tesseract
@pytest.mark.parametrize("threshold", [None, 128])
def test_the_cleaned_pages_are_kept_pixel_for_pixel(threshold: int | None, tmp_path: Path) -> None:
    """OCRmyPDF grafts its text onto our image PDF: the images come back exactly (8-bit Flate,
    or CCITT G4 black and white), at their DPI; and it renders under pdfio's PDFium lock."""
    pages = [Page(stained_page(lines, height=400, width=600), (150.0, 150.0)) for lines in PDF_TEXT]
    path = tmp_path / "out.pdf"
    ocr.write_searchable_pdf(pages, path, "eng", bilevel_threshold=threshold)
    back = list(iter_pdf_pages(path, max_pixels=10**7))
    assert len(back) == 2
    for page, read in zip(pages, back, strict=True):
        want = page.pixels if threshold is None else bilevel(page.pixels, threshold)
        assert read.dpi == (150.0, 150.0)
        np.testing.assert_array_equal(read.pixels, want)
    from ocrmypdf.builtin_plugins import pypdfium as rasterizer

    assert rasterizer._pdfium_lock is pdfio.PDFIUM_LOCK
    assert leftovers(tmp_path) == ["out.pdf"]


def _half_written(target: Path) -> None:
    target.write_bytes(b"%PDF-1.7\n% half a file")


@pytest.mark.parametrize("failure", [RuntimeError("tesseract crashed"), KeyboardInterrupt()])
def test_failed_or_interrupted_ocr_leaves_no_file(
    failure: BaseException, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import ocrmypdf

    def broken(source: Path, target: Path, **options: object) -> None:
        _half_written(Path(target))
        raise failure

    monkeypatch.setattr(ocrmypdf, "ocr", broken)
    monkeypatch.setattr(ocr, "check_language", lambda language, path=None: None)
    work = tmp_path / "tmp"
    work.mkdir()
    monkeypatch.setattr("tempfile.tempdir", str(work))
    out = tmp_path / "out"
    out.mkdir()
    pages = [Page(stained_page(PNG_TEXT, height=200, width=300), (100.0, 100.0))]
    expected = OcrError if isinstance(failure, Exception) else KeyboardInterrupt
    with pytest.raises(expected) as raised:
        ocr.write_searchable_pdf(pages, out / "a.pdf", "eng")
    if expected is OcrError:
        assert str(raised.value) == f"{out / 'a.pdf'}: OCR failed (RuntimeError: tesseract " + (
            "crashed); clean it without --ocr, or report it with this file"
        )
    assert leftovers(out) == [] and leftovers(work) == []


@needs_tesseract
def test_a_failed_ocr_fails_its_file_alone_in_a_batch(
    scans: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The batch goes on: the failing file is reported, the other is written (writer thread)."""
    import ocrmypdf
    from ocrmypdf.exceptions import SubprocessOutputError

    real = ocrmypdf.ocr

    def flaky(source: Path, target: Path, **options: object) -> object:
        if pdfio.count_pdf_pages(Path(source)) == 1:  # the letter (pdfio takes PDFium's lock)
            _half_written(Path(target))
            raise SubprocessOutputError("tesseract: error while loading\nmore detail")
        return real(source, target, **options)

    monkeypatch.setattr(ocrmypdf, "ocr", flaky)
    out = tmp_path / "out"
    code, _, err = run(["clean", str(scans), "-o", str(out), "--ocr", "eng", "-q", *FAST])
    assert code == 1
    assert f"error: {out / 'letter.pdf'}: OCR failed (tesseract: error while loading);" in err
    assert leftovers(out) == ["report.pdf"]
