"""Batch cleaning through the CLI: mixed formats, mirrored tree, bad input, reports, exit codes.

Every test checks that the inputs are byte-identical afterwards (the ``originals`` fixture).
"""

from __future__ import annotations

import errno
import hashlib
import io
import json
import os
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from docdenoise import imageio
from docdenoise.cli import main
from docdenoise.imageio import Page, save_document


def page(h: int = 120, w: int = 90, seed: int = 0) -> np.ndarray:
    rng = np.random.default_rng(seed)
    img = np.full((h, w), 225, dtype=np.uint8)
    img[20:30, 10:80] = rng.integers(0, 60, size=(10, 70), dtype=np.uint8)
    return img


def _digests(root: Path) -> dict[str, str]:
    return {
        str(p): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(root.rglob("*"))
        if p.is_file() and not p.is_symlink()
    }


def run(args: list[str]) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = main(args, out=out, err=err)
    return code, out.getvalue(), err.getvalue()


@pytest.fixture
def mixed(tmp_path: Path) -> Path:
    """PNG, JPEG, 16-bit TIFF, multi-page TIFF and PDF, in nested folders with odd names."""
    root = tmp_path / "scans in"
    (root / "sub dir ü").mkdir(parents=True)
    Image.fromarray(page(seed=1)).save(root / "a.png", dpi=(300, 300))
    Image.fromarray(page(seed=2)).save(root / "b.jpg", dpi=(200, 200))
    deep = (page(seed=3).astype(np.uint16) * 257).astype(np.uint16)
    Image.fromarray(deep).save(root / "sub dir ü" / "c16.tif", dpi=(400, 400))
    pages = [Page(page(seed=s), (150.0, 150.0)) for s in (4, 5, 6)]
    save_document(pages, root / "sub dir ü" / "multi.tif")
    save_document(pages[:2], root / "doc.pdf")
    (root / "notes.txt").write_text("not an image, not in a folder scan")
    return root


def test_mixed_folder_mirrors_names_formats_dpi_and_pages(
    mixed: Path, tmp_path: Path, random_model_path: Path
) -> None:
    before = _digests(mixed)
    out = tmp_path / "out"
    report = tmp_path / "report.json"
    code, stdout, stderr = run(
        [
            "clean",
            str(mixed),
            "-o",
            str(out),
            "--model",
            str(random_model_path),
            "--report",
            str(report),
        ]
    )
    assert code == 0, stderr
    assert "5 cleaned, 0 skipped, 0 failed" in stdout
    expect = {
        "a.png": ("png", 1, 300),
        "b.jpg": ("jpeg", 1, 200),
        "sub dir ü/c16.tif": ("tiff", 1, 400),
        "sub dir ü/multi.tif": ("tiff", 3, 150),
        "doc.pdf": ("pdf", 2, 150),
    }
    written = sorted(str(p.relative_to(out)) for p in out.rglob("*") if p.is_file())
    assert written == sorted(expect)
    for name, (fmt, count, dpi) in expect.items():
        doc = imageio.load_document(out / name)
        assert doc.format == fmt and len(doc.pages) == count, name
        assert doc.pages[0].dpi is not None and round(doc.pages[0].dpi[0]) == dpi, name
        assert doc.pages[0].pixels.shape == (120, 90)
    data = json.loads(report.read_text())
    assert data["summary"] == {"done": 5, "skipped": 0, "failed": 0}
    row = data["files"][0]
    assert set(row) >= {"source", "output", "status", "seconds", "pixels", "error", "residual"}
    assert all(0.0 <= f["residual"] <= 1.0 for f in data["files"])
    assert _digests(mixed) == before


def test_the_quality_model_by_name_cleans_in_four_passes(mixed: Path, tmp_path: Path) -> None:
    """``--model quality``: the bundled weights in four mirrored passes, named so in the report."""
    from docdenoise.inference import Denoiser

    out, report = tmp_path / "out", tmp_path / "report.json"
    args = ["clean", str(mixed / "a.png"), "-o", str(out), "--model", "quality"]
    code, _, _ = run([*args, "--device", "cpu", "--backend", "torch", "--report", str(report)])
    assert code == 0 and json.loads(report.read_text())["model"] == "quality"
    written = np.asarray(Image.open(out / "a.png"))
    expected = Denoiser("quality", device="cpu").denoise(page(seed=1))
    assert np.array_equal(written, expected)
    assert not np.array_equal(written, Denoiser("fast", device="cpu").denoise(page(seed=1)))


def test_existing_outputs_are_skipped_unless_overwrite(
    mixed: Path, tmp_path: Path, random_model_path: Path
) -> None:
    out = tmp_path / "out"
    args = ["clean", str(mixed / "a.png"), "-o", str(out), "--model", str(random_model_path)]
    assert run(args)[0] == 0
    (out / "a.png").write_bytes(b"keep me")
    code, stdout, _ = run(args)
    assert code == 0 and "1 skipped" in stdout and (out / "a.png").read_bytes() == b"keep me"
    code, stdout, _ = run([*args, "--overwrite"])
    assert code == 0 and "1 cleaned" in stdout and (out / "a.png").read_bytes() != b"keep me"


def test_format_option_and_black_and_white(
    mixed: Path, tmp_path: Path, random_model_path: Path
) -> None:
    out = tmp_path / "out"
    code, _, err = run(
        [
            "clean",
            str(mixed / "sub dir ü"),
            "-o",
            str(out),
            "--format",
            "tiff",
            "--bw",
            "--model",
            str(random_model_path),
        ]
    )
    assert code == 0, err
    with Image.open(out / "multi.tif") as im:
        assert im.mode == "1" and im.info["compression"] == "group4" and im.n_frames == 3


def _bad_inputs(root: Path) -> dict[str, str]:
    """File name -> a word its error line must hold."""
    Image.fromarray(page()).save(root / "good one.png")
    (root / "empty.png").write_bytes(b"")
    buf = io.BytesIO()
    Image.fromarray(page(300, 300)).save(buf, format="PNG")  # under the pixel limit below
    (root / "truncated.png").write_bytes(buf.getvalue()[: len(buf.getvalue()) // 2])
    (root / "text.jpg").write_text("hello, I am not a JPEG")
    Image.fromarray(page(400, 400)).save(root / "huge.png")
    (root / "loop").mkdir()
    os.symlink(root, root / "loop" / "back")
    return {
        "empty.png": "empty",
        "truncated.png": "truncated",
        "text.jpg": "not an image",
        "huge.png": "pixels",
        "back": "loop",
    }


def test_bad_files_fail_alone_with_one_line_each(tmp_path: Path, random_model_path: Path) -> None:
    root = tmp_path / "bad"
    root.mkdir()
    expected = _bad_inputs(root)
    before = _digests(root)
    out = tmp_path / "out"
    report = tmp_path / "r.json"
    code, stdout, stderr = run(
        [
            "clean",
            str(root),
            "-o",
            str(out),
            "--model",
            str(random_model_path),
            "--max-pixels",
            "100000",
            "--report",
            str(report),
        ]
    )
    assert code == 1
    assert "1 cleaned, 0 skipped, 5 failed" in stdout
    assert (out / "good one.png").is_file()
    lines = [line for line in stderr.splitlines() if line.startswith("error: ")]
    for name, word in expected.items():
        hits = [line for line in lines if name in line]
        assert hits, f"no error line names {name}: {stderr}"
        assert word.lower() in hits[0].lower()
        assert ";" in hits[0]  # says what to do
    assert "5 file(s) failed" in stderr
    failed = [f for f in json.loads(report.read_text())["files"] if f["status"] == "failed"]
    assert len(failed) == 5 and all(f["error"] for f in failed)
    assert not [p for p in out.rglob("*") if p.name.startswith(".")]  # no temporary left
    assert _digests(root) == before


def test_unreadable_file(
    tmp_path: Path, random_model_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    src = tmp_path / "secret.png"
    Image.fromarray(page()).save(src)
    if os.geteuid() == 0:  # root reads anything: simulate the permission error at open()
        real_open = Image.open

        def deny(fp, *a, **k):  # type: ignore[no-untyped-def]
            if Path(str(fp)) == src:
                raise PermissionError(errno.EACCES, "Permission denied", str(fp))
            return real_open(fp, *a, **k)

        monkeypatch.setattr(Image, "open", deny)
    else:
        src.chmod(0)
    code, _, err = run(
        ["clean", str(src), "-o", str(tmp_path / "o"), "--model", str(random_model_path)]
    )
    assert code == 1 and "secret.png" in err and "permission" in err.lower()


def _deny_writes_under(folder: Path, monkeypatch: pytest.MonkeyPatch, err: int) -> None:
    real = imageio._write_raster

    def fail(pages, tmp, *args):  # type: ignore[no-untyped-def]
        if folder in tmp.parents:
            tmp.write_bytes(b"half a file")  # what a failing write leaves behind
            raise OSError(err, os.strerror(err), str(tmp))
        return real(pages, tmp, *args)

    monkeypatch.setattr(imageio, "_write_raster", fail)


@pytest.mark.parametrize(
    ("err", "words"), [(errno.ENOSPC, "disk full"), (errno.EACCES, "permission denied")]
)
def test_failing_writes_leave_nothing_behind(
    tmp_path: Path, random_model_path: Path, monkeypatch: pytest.MonkeyPatch, err: int, words: str
) -> None:
    src = tmp_path / "in"
    src.mkdir()
    for i in range(2):
        Image.fromarray(page(seed=i)).save(src / f"p{i}.png")
    out = tmp_path / "out"
    _deny_writes_under(out, monkeypatch, err)
    code, stdout, stderr = run(
        ["clean", str(src), "-o", str(out), "--model", str(random_model_path)]
    )
    assert code == 1 and "2 failed" in stdout
    assert words in stderr and "p0.png" in stderr
    assert list(out.rglob("*")) == []


@pytest.mark.skipif(os.geteuid() == 0, reason="root writes into read-only folders")
def test_read_only_output_folder(tmp_path: Path, random_model_path: Path) -> None:
    src = tmp_path / "p.png"
    Image.fromarray(page()).save(src)
    out = tmp_path / "ro"
    out.mkdir()
    out.chmod(0o555)
    code, _, err = run(["clean", str(src), "-o", str(out), "--model", str(random_model_path)])
    assert code == 1 and "permission denied" in err


def test_usage_errors_exit_2(tmp_path: Path, random_model_path: Path) -> None:
    src = tmp_path / "in"
    src.mkdir()
    Image.fromarray(page()).save(src / "p.png")
    code, _, err = run(
        ["clean", str(src), "-o", str(src / "out"), "--model", str(random_model_path)]
    )
    assert code == 2 and "inside the input" in err and not (src / "out").exists()
    with pytest.raises(SystemExit) as exc:
        run(["clean", str(src)])  # no -o
    assert exc.value.code == 2
    assert run([])[0] == 2
    empty = tmp_path / "empty"
    empty.mkdir()
    assert run(["clean", str(empty), "-o", str(tmp_path / "o")])[0] == 2
    with pytest.raises(SystemExit) as exc:  # checked as it is parsed (tests/test_cli.py)
        run(["clean", str(src), "-o", str(tmp_path / "o"), "--strength", "2"])
    assert exc.value.code == 2


def test_missing_model_file_is_one_clear_line(tmp_path: Path) -> None:
    src = tmp_path / "p.png"
    Image.fromarray(page()).save(src)
    code, _, err = run(
        [
            "clean",
            str(src),
            "-o",
            str(tmp_path / "o"),
            "--model",
            str(tmp_path / "nope.safetensors"),
        ]
    )
    assert code == 1 and "nope.safetensors: model file not found" in err
    assert len(err.strip().splitlines()) == 1


def test_two_batches_into_one_folder_never_clobber(
    tmp_path: Path, random_model_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Another run creates the output while ours is writing it: theirs is kept, ours skipped."""
    src = tmp_path / "p.png"
    Image.fromarray(page()).save(src)
    out = tmp_path / "out"
    real = imageio._write_raster

    def racing(pages, tmp, *args):  # type: ignore[no-untyped-def]
        real(pages, tmp, *args)
        (out / "p.png").write_bytes(b"the other run's page")

    monkeypatch.setattr(imageio, "_write_raster", racing)
    code, stdout, _ = run(["clean", str(src), "-o", str(out), "--model", str(random_model_path)])
    assert code == 0 and "1 skipped" in stdout
    assert (out / "p.png").read_bytes() == b"the other run's page"
    assert [p.name for p in out.iterdir()] == ["p.png"]
