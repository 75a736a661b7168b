"""Faults during a batch: failing writers, a real full disk, vanishing inputs, cancels, races.

Whatever goes wrong, the batch keeps its promises, checked after every test by
:func:`assert_batch_promises`: no partial file (no hidden temporary left, every output present
opens fully with all its pages), the originals are byte-identical (sha256 before and after), and
the report lists every failure with its reason. ``tests/test_batch.py`` covers a failing raster
writer, a read-only folder and a simulated race; this module adds failures inside the PDF and
multi-page TIFF writers and at each step of the atomic write, ENOSPC from a real (tiny tmpfs)
file system, inputs that vanish mid-batch, cancelling after any number of events, an interrupt
during a write, and two threads and two processes cleaning one folder into one output folder.

Inference runs on one CPU thread here (``DOCDENOISE_THREADS=1``): with other work on the
machine, two OpenMP threads spin against it and run many times slower.
"""

from __future__ import annotations

import errno
import gc
import hashlib
import io
import json
import os
import random
import subprocess
import sys
import threading
from collections.abc import Callable, Iterator
from pathlib import Path

import numpy as np
import pypdfium2 as pdfium
import pytest
from handles import open_handles
from pages import ink
from PIL import Image, TiffImagePlugin

from docdenoise import imageio
from docdenoise.batch import (
    BatchEvent,
    BatchOptions,
    BatchReport,
    FileFinished,
    FileStarted,
    Job,
    PageProgress,
    iter_batch,
    plan_batch,
    write_report,
)
from docdenoise.cli import main
from docdenoise.imageio import Page, save_document
from docdenoise.inference import Denoiser

PAGES = {"a.png": 1, "b.tif": 3, "c.pdf": 2, "d.jpg": 1, "e.png": 1}  # the scans fixture


@pytest.fixture(scope="module")
def denoiser(random_model_path: Path) -> Iterator[Denoiser]:
    """Random weights on one CPU thread, 64-pixel tiles: a 96 x 80 page is 4 tiles."""
    import torch

    threads = torch.get_num_threads()
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("DOCDENOISE_THREADS", "1")
        yield Denoiser(random_model_path, device="cpu", tile=64)
    torch.set_num_threads(threads)


@pytest.fixture
def scans(tmp_path: Path) -> Path:
    """``in/``: PNG, 3-page TIFF, 2-page PDF, JPEG, PNG, each page 96 x 80 at 150 dpi."""
    root = tmp_path / "in"
    root.mkdir()
    for number, (name, count) in enumerate(PAGES.items()):
        pages = [Page(ink(10 * number + i), (150.0, 150.0)) for i in range(count)]
        save_document(pages, root / name)
    return root


def digests(root: Path) -> dict[str, str]:
    return {
        p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in root.rglob("*") if p.is_file()
    }


def hidden(root: Path) -> list[Path]:
    """Temporary files (``.name.tmp-xxxx``) or any other hidden entry under ``root``."""
    return list(root.rglob(".*")) if root.exists() else []


def run_batch(
    jobs: list[Job],
    denoiser: Denoiser,
    options: BatchOptions | None = None,
    on_event: Callable[[BatchEvent], None] | None = None,
) -> tuple[BatchReport, list[BatchEvent]]:
    """Drive :func:`iter_batch` to its end as the CLI and GUI do; returns report and events."""
    gen = iter_batch(jobs, denoiser, options or BatchOptions())
    events: list[BatchEvent] = []
    while True:
        try:
            event = next(gen)
        except StopIteration as stop:
            return stop.value, events
        events.append(event)
        if on_event is not None:
            on_event(event)


def assert_batch_promises(
    out: Path,
    report: BatchReport,
    before: dict[str, str],
    source: Path,
    failed: dict[str, str],
    touched: tuple[str, ...] = (),
) -> None:
    """Every output complete, nothing hidden, originals unchanged, each failure with its reason.

    ``failed``: input name -> words its error must hold; ``touched``: inputs the test itself
    changed (deleted or truncated), left out of the byte-identity check.
    """
    assert hidden(out) == []
    for row in report.results:
        name = Path(row.source).name
        if name in failed:
            assert row.status == "failed" and row.output is None, row
            assert row.error is not None and name in row.error, row
            assert failed[name].lower() in row.error.lower(), row.error
            assert ";" in row.error  # says what to do
        else:
            assert row.status == "done", row
            document = imageio.load_document(row.output)
            assert len(document.pages) == PAGES[name]
            assert all(p.pixels.shape == (96, 80) for p in document.pages)
    assert sorted(Path(r.source).name for r in report.failures) == sorted(failed)
    written = sorted(p.name for p in out.rglob("*") if p.is_file()) if out.exists() else []
    assert written == sorted(Path(r.output).name for r in report.results if r.output)
    after = digests(source)
    assert {k: v for k, v in after.items() if k not in touched} == {
        k: v for k, v in before.items() if k not in touched
    }


class UnraisableLog:
    """What Python reports as "Exception ignored in ..." meanwhile (``sys.unraisablehook``).

    Pillow's multi-page TIFF writer (``AppendingTiffWriter``) finishes its file when it is
    garbage-collected; after a failed save that file is closed or incomplete, and its finaliser
    raises into the hook (Pillow issue #8775). That is noise on stderr, not a leak: the error is
    typed and the temporary file removed. Anything else reported here fails the test.
    """

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.seen: list[str] = []
        monkeypatch.setattr(sys, "unraisablehook", self._record)

    def _record(self, unraisable: sys.UnraisableHookArgs) -> None:
        self.seen.append(f"{type(unraisable.object).__name__}: {unraisable.exc_value!r}")

    def only_pillow_tiff_writer(self) -> None:
        gc.collect()
        assert [s for s in self.seen if not s.startswith("AppendingTiffWriter")] == []


# --- failing writers ------------------------------------------------------------------------


def _fail_pdfium_save(partials: list[int], out: Path, exc: BaseException) -> Callable[..., None]:
    real = pdfium.PdfDocument.save

    def save(self: pdfium.PdfDocument, dest: object, *args: object, **kwargs: object) -> None:
        real(self, dest, *args, **kwargs)  # PDFium writes the whole file, then the "disk" fails
        partials.extend(p.stat().st_size for p in hidden(out))
        raise exc

    return save


def _fail_pillow_pdf(partials: list[int], out: Path, exc: BaseException) -> Callable[..., None]:
    def save(image: Image.Image, fp: io.BufferedIOBase, filename: str | bytes) -> None:
        fp.write(b"%PDF-1.4\n% a first page, then the disk is full\n")
        fp.flush()
        partials.extend(p.stat().st_size for p in hidden(out))
        raise exc

    return save


@pytest.mark.parametrize(
    ("writer", "exc", "reason"),
    [
        ("pdfium", OSError(errno.ENOSPC, "No space left on device"), "disk full"),
        ("pdfium", pdfium.PdfiumError("Failed to save document."), "PdfiumError"),
        ("pillow-ccitt", OSError(errno.EIO, "Input/output error"), "Input/output error"),
    ],
)
def test_pdf_writer_failing_midway_fails_that_file_alone(
    scans: Path,
    tmp_path: Path,
    denoiser: Denoiser,
    monkeypatch: pytest.MonkeyPatch,
    writer: str,
    exc: BaseException,
    reason: str,
) -> None:
    out = tmp_path / "out"
    partials: list[int] = []
    if writer == "pdfium":
        monkeypatch.setattr(pdfium.PdfDocument, "save", _fail_pdfium_save(partials, out, exc))
        options = BatchOptions()
    else:  # bilevel PDF pages go through Pillow's CCITT G4 writer
        Image.init()  # registers Pillow's own PDF writer now, not over the patch later
        monkeypatch.setitem(Image.SAVE_ALL, "PDF", _fail_pillow_pdf(partials, out, exc))
        options = BatchOptions(bilevel_threshold=128)
    before = digests(scans)
    jobs, _ = plan_batch([scans], out, options)
    report, _ = run_batch(jobs, denoiser, options)
    assert partials and partials[0] > 0  # the fault struck with a partial file on disk
    assert_batch_promises(out, report, before, scans, {"c.pdf": reason})
    saved = tmp_path / "report.json"
    write_report(report, saved)
    rows = json.loads(saved.read_text())["files"]
    assert [(Path(r["source"]).name, r["status"]) for r in rows if r["error"]] == [
        ("c.pdf", "failed")
    ]


def test_multipage_tiff_failing_on_a_later_page(
    scans: Path, tmp_path: Path, denoiser: Denoiser, monkeypatch: pytest.MonkeyPatch
) -> None:
    out = tmp_path / "out"
    real = TiffImagePlugin._save
    frames: list[int] = []

    def save(image: Image.Image, fp: object, filename: str | bytes) -> None:
        if frames:  # the second frame: the first is on disk already
            frames.extend(p.stat().st_size for p in hidden(out))
            raise OSError(errno.ENOSPC, "No space left on device")
        frames.append(0)
        real(image, fp, filename)  # type: ignore[arg-type]

    monkeypatch.setattr(TiffImagePlugin, "_save", save)
    unraisable = UnraisableLog(monkeypatch)
    before = digests(scans)
    jobs, _ = plan_batch([scans], out, BatchOptions())
    report, _ = run_batch(jobs, denoiser)
    unraisable.only_pillow_tiff_writer()
    assert len(frames) == 2 and frames[1] > 0  # failed on page 2 with page 1 written
    assert_batch_promises(out, report, before, scans, {"b.tif": "disk full"})


@pytest.mark.parametrize(
    ("step", "reason"),
    [("fsync", "Input/output error"), ("link", "permission denied"), ("replace", "permission")],
)
def test_failure_at_each_step_of_the_atomic_write(
    scans: Path,
    tmp_path: Path,
    denoiser: Denoiser,
    monkeypatch: pytest.MonkeyPatch,
    step: str,
    reason: str,
) -> None:
    """After the encoder finished: fsync fails, or the rename into place (no-clobber and not)."""
    out = tmp_path / "out"
    code = errno.EIO if step == "fsync" else errno.EACCES

    def fail(*args: object, **kwargs: object) -> None:
        raise OSError(code, os.strerror(code))

    overwrite = step == "replace"
    options = BatchOptions(overwrite=overwrite)
    jobs, _ = plan_batch([scans / "d.jpg"], out, options)
    monkeypatch.setattr(os, step, fail)
    if step == "link":  # no hard link: the fallback renames, which fails the same way here
        monkeypatch.setattr(os, "replace", fail)
    before = digests(scans)
    report, _ = run_batch(jobs, denoiser, options)
    monkeypatch.undo()
    assert_batch_promises(out, report, before, scans, {"d.jpg": reason})


def _mount_tmpfs(folder: Path, size: str) -> bool:
    folder.mkdir()
    if os.geteuid() != 0:
        return False
    command = ["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(folder)]
    return subprocess.run(command, capture_output=True, check=False).returncode == 0


@pytest.fixture
def tiny_disk(tmp_path: Path) -> Iterator[Path]:
    """A real 64 KiB file system (tmpfs), or a skip where mounting is not allowed."""
    folder = tmp_path / "tiny disk"
    if not _mount_tmpfs(folder, "64k"):
        pytest.skip("cannot mount a tmpfs here (needs root and CAP_SYS_ADMIN)")
    try:
        yield folder
    finally:
        if subprocess.run(["umount", str(folder)], check=False).returncode != 0:
            subprocess.run(["umount", "-l", str(folder)], check=False)


def test_real_disk_full(
    tmp_path: Path, denoiser: Denoiser, tiny_disk: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """ENOSPC from the kernel: a small page fits, noisy PNG, TIFF and PDF pages do not.

    ``strength=0`` writes the input pixels back, so the noise stays incompressible. Before the
    fix in ``pdfio``, the PDF came out truncated at 64 KiB and was reported done.
    """
    source = tmp_path / "noise"
    source.mkdir()
    rng = np.random.default_rng(5)
    save_document([Page(np.full((16, 16), 250, np.uint8), None)], source / "a small.png")
    save_document([Page(rng.integers(0, 256, (256, 256), np.uint8), None)], source / "b.png")
    noisy = [Page(rng.integers(0, 256, (200, 200), np.uint8), (300.0, 300.0)) for _ in range(2)]
    save_document(noisy, source / "c.tif")
    save_document(noisy, source / "d.pdf")
    before = digests(source)
    options = BatchOptions(strength=0.0)
    jobs, _ = plan_batch([source], tiny_disk, options)
    unraisable = UnraisableLog(monkeypatch)
    report, _ = run_batch(jobs, denoiser, options)
    unraisable.only_pillow_tiff_writer()
    assert [(Path(r.source).name, r.status) for r in report.results] == [
        ("a small.png", "done"),
        ("b.png", "failed"),
        ("c.tif", "failed"),
        ("d.pdf", "failed"),
    ]
    assert all("disk full" in str(r.error) for r in report.failures)
    assert hidden(tiny_disk) == []
    assert [p.name for p in tiny_disk.iterdir()] == ["a small.png"]
    assert imageio.load_document(tiny_disk / "a small.png").pages[0].pixels.shape == (16, 16)
    stat = os.statvfs(tiny_disk)
    assert (stat.f_blocks - stat.f_bfree) * stat.f_frsize <= 8192  # the space came back
    assert digests(source) == before


# --- inputs that change under the batch ------------------------------------------------------


@pytest.mark.parametrize(
    ("fault", "reason"),
    [("deleted", "file not found"), ("truncated", "PDF"), ("deleted while read", "")],
)
def test_file_vanishing_mid_batch(
    scans: Path, tmp_path: Path, denoiser: Denoiser, fault: str, reason: str
) -> None:
    """The 3rd file is deleted or cut when the 2nd starts; or the 2nd while its pages stream.

    A file deleted while open stays readable on POSIX: it is cleaned whole.
    """
    out = tmp_path / "out"
    before = digests(scans)
    jobs, _ = plan_batch([scans], out, BatchOptions())
    third, second = jobs[2].source, jobs[1].source  # c.pdf, b.tif

    def on_event(event: BatchEvent) -> None:
        if fault == "deleted while read":
            if isinstance(event, PageProgress) and event.index == 1 and second.exists():
                second.unlink()  # after its first tile: the file is open
        elif isinstance(event, FileStarted) and event.index == 1:
            if fault == "deleted":
                third.unlink()
            else:
                third.write_bytes(third.read_bytes()[: third.stat().st_size // 2])

    report, _ = run_batch(jobs, denoiser, on_event=on_event)
    if fault == "deleted while read":
        assert_batch_promises(out, report, before, scans, {}, touched=("b.tif",))
        assert not second.exists()
    else:
        assert_batch_promises(out, report, before, scans, {"c.pdf": reason}, touched=("c.pdf",))


# --- cancelling ------------------------------------------------------------------------------


def test_cancelling_after_any_event_leaves_only_complete_files(
    scans: Path, tmp_path: Path, denoiser: Denoiser
) -> None:
    """Close the generator after k events (seeded k's): outputs are exactly the finished files.

    Each present output equals the uncancelled run's; no temporary is left; open file handles
    (PDF and TIFF readers, abandoned mid-document) are all closed again.
    """
    jobs, _ = plan_batch([scans], tmp_path / "full", BatchOptions())
    full, events = run_batch(jobs, denoiser)
    reference = {
        Path(r.output).name: [p.pixels for p in imageio.load_document(r.output).pages]
        for r in full.results
        if r.output
    }
    before = digests(scans)
    handles = open_handles(scans, tmp_path)
    stops = sorted({1, len(events) - 1, *random.Random(7).sample(range(2, len(events) - 1), 8)})
    for k in stops:
        out = tmp_path / f"cancel-{k}"
        jobs, _ = plan_batch([scans], out, BatchOptions())
        gen = iter_batch(jobs, denoiser, BatchOptions())
        seen = [next(gen) for _ in range(k)]
        gen.close()
        finished = sorted(
            Path(e.result.output).name
            for e in seen
            if isinstance(e, FileFinished) and e.result.output
        )
        written = sorted(p.name for p in out.rglob("*") if p.is_file()) if out.exists() else []
        assert written == finished, f"cancelled after {k} events"
        assert hidden(out) == []
        for name in written:
            pages = imageio.load_document(out / name).pages
            assert len(pages) == len(reference[name])
            for got, want in zip(pages, reference[name], strict=True):
                np.testing.assert_array_equal(got.pixels, want)
    gc.collect()
    if handles is not None:
        assert open_handles(scans, tmp_path) == handles
    assert digests(scans) == before


def test_interrupt_during_a_write_leaves_no_partial_file(
    scans: Path, tmp_path: Path, random_model_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Ctrl+C (KeyboardInterrupt) while the TIFF is half written: exit 130, nothing partial."""
    out = tmp_path / "out"
    real = imageio._write_raster

    def interrupted(pages, tmp, *args):  # type: ignore[no-untyped-def]
        if tmp.name.startswith(".b.tif"):
            tmp.write_bytes(b"II*\x00 half a page")
            raise KeyboardInterrupt
        return real(pages, tmp, *args)

    monkeypatch.setattr(imageio, "_write_raster", interrupted)
    monkeypatch.setenv("DOCDENOISE_THREADS", "1")
    before = digests(scans)
    err = io.StringIO()
    code = main(
        ["clean", str(scans), "-o", str(out), "--model", str(random_model_path), "-q"],
        out=io.StringIO(),
        err=err,
    )
    assert code == 130 and "no partial file was left" in err.getvalue()
    assert hidden(out) == []
    assert sorted(p.name for p in out.iterdir()) == ["a.png"]  # finished before the interrupt
    assert len(imageio.load_document(out / "a.png").pages) == 1
    assert digests(scans) == before


# --- two runs at once into one output folder ---------------------------------------------------


def _many_scans(root: Path, count: int) -> dict[str, int]:
    """``count`` small PNGs plus a 3-page TIFF and a 2-page PDF; name -> pages."""
    root.mkdir()
    pages = {}
    for index in range(count):
        save_document([Page(ink(index, 64, 64), (150.0, 150.0))], root / f"p{index:03d}.png")
        pages[f"p{index:03d}.png"] = 1
    save_document([Page(ink(s, 64, 64), None) for s in range(3)], root / "book.tif")
    save_document([Page(ink(s, 64, 64), (150.0, 150.0)) for s in range(2)], root / "book.pdf")
    return pages | {"book.tif": 3, "book.pdf": 2}


def _assert_each_done_once(
    reports: list[dict[str, str]], out: Path, expected: dict[str, int]
) -> None:
    """Each input done by exactly one run and skipped by the other; every output complete."""
    for name in expected:
        assert sorted(report[name] for report in reports) == ["done", "skipped"], name
    assert hidden(out) == []
    assert sorted(p.name for p in out.iterdir()) == sorted(expected)
    for name, count in expected.items():
        pages = imageio.load_document(out / name).pages
        assert len(pages) == count and all(p.pixels.shape == (64, 64) for p in pages)


def test_two_threads_clean_one_folder_at_once(tmp_path: Path, denoiser: Denoiser) -> None:
    source, out = tmp_path / "in", tmp_path / "out"
    expected = _many_scans(source, 30)
    before = digests(source)
    limit = Image.MAX_IMAGE_PIXELS
    start = threading.Barrier(2)
    reports: list[BatchReport] = []
    errors: list[BaseException] = []

    def clean() -> None:
        try:
            jobs, _ = plan_batch([source], out, BatchOptions())
            start.wait(timeout=30)
            reports.append(run_batch(jobs, denoiser)[0])
        except BaseException as exc:  # re-raised in the test's thread below
            errors.append(exc)

    workers = [threading.Thread(target=clean) for _ in range(2)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(timeout=240)
    assert not errors and len(reports) == 2
    statuses = [{Path(r.source).name: r.status for r in report.results} for report in reports]
    _assert_each_done_once(statuses, out, expected)
    assert limit == Image.MAX_IMAGE_PIXELS  # the shared bomb-check switch was restored
    assert digests(source) == before


LAUNCHER = r"""
import sys
from docdenoise.cli import main
import docdenoise.batch, docdenoise.inference  # the slow imports, before the start line
print("ready", flush=True)
sys.stdin.readline()  # both runs start on the parent's word
sys.exit(main(sys.argv[1:]))
"""


def test_two_processes_clean_one_folder_at_once(tmp_path: Path, random_model_path: Path) -> None:
    """Two ``docdenoise clean`` processes, started together on the same folder and output."""
    source, out = tmp_path / "in", tmp_path / "out"
    expected = _many_scans(source, 40)
    before = digests(source)
    env = {**os.environ, "DOCDENOISE_THREADS": "1", "OMP_NUM_THREADS": "1"}
    runs = []
    for index in range(2):
        args = ["clean", str(source), "-o", str(out), "--model", str(random_model_path), "-q"]
        args += ["--report", str(tmp_path / f"report{index}.json")]
        runs.append(
            subprocess.Popen(
                [sys.executable, "-c", LAUNCHER, *args],
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                text=True,
                env=env,
            )
        )
    try:
        for run in runs:
            assert run.stdout is not None and run.stdout.readline().strip() == "ready"
        for run in runs:
            assert run.stdin is not None
            run.stdin.write("go\n")
            run.stdin.flush()
        results = [run.communicate(timeout=240) for run in runs]
    finally:
        for run in runs:
            if run.poll() is None:
                run.kill()
                run.wait()
    for run, (_, stderr) in zip(runs, results, strict=True):
        assert run.returncode == 0, stderr
    statuses = []
    for index in range(2):
        rows = json.loads((tmp_path / f"report{index}.json").read_text())["files"]
        statuses.append({Path(row["source"]).name: row["status"] for row in rows})
    _assert_each_done_once(statuses, out, expected)
    assert digests(source) == before
