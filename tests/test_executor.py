"""The overlapped executor (docdenoise.executor): same results as one file at a time, real overlap.

``BatchOptions(overlap=False)`` runs the plain loop in ``docdenoise.batch``; the default runs
the executor (decode ahead, write behind). The executor must give byte-identical outputs, the
same report rows and the same events in the same order; the overlap itself is proven with
gates that deadlock (and time out) unless decoding, cleaning and writing run at the same time.
"""

from __future__ import annotations

import errno
import hashlib
import os
import re
import threading
from collections.abc import Callable, Generator, Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from handles import open_handles
from pages import ink

from docdenoise import executor, imageio
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
)
from docdenoise.imageio import Page, save_document
from docdenoise.inference import Denoiser

GATE_SECONDS = 20.0  # a gate that is not opened by then means the work did not overlap


@pytest.fixture(scope="module")
def denoiser(random_model_path: Path) -> Denoiser:
    """Random weights on the CPU, 64-pixel tiles: a 96 x 80 page is several tiles."""
    return Denoiser(random_model_path, device="cpu", tile=64)


@pytest.fixture
def scans(tmp_path: Path) -> Path:
    """PNG, 3-page TIFF, 2-page PDF, a truncated PNG, JPEG, and a PNG whose output exists."""
    root = tmp_path / "in"
    root.mkdir()
    save_document([Page(ink(1), (300.0, 300.0))], root / "a.png")
    save_document([Page(ink(s, 64, 72), (150.0, 150.0)) for s in (2, 3, 4)], root / "b.tif")
    save_document([Page(ink(s), (200.0, 200.0)) for s in (5, 6)], root / "c.pdf")
    save_document([Page(ink(7), None)], root / "d.png")
    data = (root / "d.png").read_bytes()
    (root / "d.png").write_bytes(data[: len(data) // 2])
    save_document([Page(ink(8), (300.0, 300.0))], root / "e.jpg")
    save_document([Page(ink(9), None)], root / "f.png")
    return root


def run(
    jobs: list[Job], denoiser: Denoiser, options: BatchOptions
) -> tuple[BatchReport, list[BatchEvent]]:
    gen = iter_batch(jobs, denoiser, options)
    events: list[BatchEvent] = []
    while True:
        try:
            events.append(next(gen))
        except StopIteration as stop:
            return stop.value, events


def shape_of(event: BatchEvent) -> tuple[Any, ...]:
    """An event without its timings: what must match between the two loops."""
    if isinstance(event, FileStarted):
        return ("started", event.index, event.job.name)
    if isinstance(event, PageProgress):
        return ("page", event.index, event.page, event.tile.done, event.tile.total)
    row = event.result
    output = row.output and Path(row.output).name
    return ("finished", event.index, row.status, output, row.pages, row.pixels, row.residual)


PDF_STAMPS = re.compile(
    rb"/ID ?\[<[0-9A-Fa-f]+> ?<[0-9A-Fa-f]+>\]|/(Creation|Mod)Date ?\(D:[^)]*\)"
)


def digests(root: Path) -> dict[str, str]:
    """sha256 of every file; in a PDF, its random /ID and its dates are left out."""
    found = {}
    for path in sorted(root.rglob("*")):
        if path.is_file():
            data = path.read_bytes()
            if path.suffix == ".pdf":
                data, stamps = PDF_STAMPS.subn(b"", data)
                assert stamps >= 1
            found[str(path.relative_to(root))] = hashlib.sha256(data).hexdigest()
    return found


def our_threads() -> list[str]:
    return [t.name for t in threading.enumerate() if t.name.startswith("docdenoise-")]


@pytest.mark.parametrize(
    "options",
    [BatchOptions(), BatchOptions(fmt="tiff", bilevel_threshold=128, strength=0.5)],
    ids=["own formats", "tiff bw half strength"],
)
def test_overlap_gives_the_same_bytes_report_and_events(
    scans: Path, tmp_path: Path, denoiser: Denoiser, options: BatchOptions
) -> None:
    runs = {}
    for overlap in (False, True):
        out = tmp_path / f"overlap-{overlap}"
        out.mkdir()
        (out / "f.tif" if options.fmt else out / "f.png").write_bytes(b"an earlier output")
        opts = replace(options, overlap=overlap)
        jobs, _ = plan_batch([scans], out, opts)
        report, events = run(jobs, denoiser, opts)
        rows = [(r.status, r.pages, r.pixels, r.residual, r.error) for r in report.results]
        runs[overlap] = (digests(out), rows, [shape_of(e) for e in events])
    assert runs[True][0] == runs[False][0]
    assert runs[True][1] == runs[False][1]
    assert runs[True][2] == runs[False][2]
    assert [row[0] for row in runs[True][1]] == ["done"] * 3 + ["failed", "done", "skipped"]
    assert our_threads() == []


def _gate(name: str, events: dict[str, threading.Event], misses: list[str]) -> None:
    if not events[name].wait(GATE_SECONDS):
        misses.append(name)


def test_decoding_cleaning_and_writing_really_overlap(
    tmp_path: Path, denoiser: Denoiser, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Three single-page files of distinct sizes; each step waits for one that only runs
    concurrently with it:

    * cleaning ``a`` waits until ``b`` is decoded (the reader works ahead);
    * writing ``a`` waits until cleaning ``b`` has begun (the writer works behind).

    One file at a time, either wait would time out.
    """
    source = tmp_path / "in"
    source.mkdir()
    sizes = {"a.png": (96, 80), "b.png": (80, 72), "c.png": (72, 64)}
    for index, (name, (h, w)) in enumerate(sizes.items()):
        save_document([Page(ink(index, h, w), None)], source / name)
    by_shape = {shape: Path(name).stem for name, shape in sizes.items()}
    gates = {k: threading.Event() for k in ("b decoded", "b cleaning")}
    misses: list[str] = []
    real_pages = executor.iter_pages
    real_denoise = denoiser.iter_denoise
    real_write = imageio._write_raster
    threads: dict[str, str] = {}

    def pages(path: Path, **kwargs: Any) -> Iterator[Page]:
        for page in real_pages(path, **kwargs):
            threads[f"decode {path.stem}"] = threading.current_thread().name
            if path.stem == "b":
                gates["b decoded"].set()
            yield page

    def iter_denoise(pixels: np.ndarray, **kwargs: Any) -> Generator[Any, None, np.ndarray]:
        name = by_shape[pixels.shape]
        threads[f"clean {name}"] = threading.current_thread().name
        if name == "a":
            _gate("b decoded", gates, misses)
        if name == "b":
            gates["b cleaning"].set()
        return (yield from real_denoise(pixels, **kwargs))

    def write(pages: list[Page], tmp: Path, *args: Any) -> None:
        threads[f"write {tmp.name[1]}"] = threading.current_thread().name
        if tmp.name.startswith(".a.png"):
            _gate("b cleaning", gates, misses)
        real_write(pages, tmp, *args)

    monkeypatch.setattr(executor, "iter_pages", pages)
    monkeypatch.setattr(denoiser, "iter_denoise", iter_denoise)
    monkeypatch.setattr(imageio, "_write_raster", write)
    jobs, _ = plan_batch([source], tmp_path / "out", BatchOptions())
    report, _ = run(jobs, denoiser, BatchOptions())
    assert misses == []
    assert [r.status for r in report.results] == ["done"] * 3
    caller = threading.current_thread().name
    for name in "abc":
        assert threads[f"decode {name}"].startswith("docdenoise-read")
        assert threads[f"clean {name}"] == caller
        assert threads[f"write {name}"].startswith("docdenoise-write")


def test_at_most_one_page_ahead_and_one_file_behind(
    tmp_path: Path, denoiser: Denoiser, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Pages decoded but not yet being cleaned: at most 1, checked at every event. When file j
    starts cleaning, files up to j - 2 are written (j - 1 may be in the writer)."""
    source = tmp_path / "in"
    source.mkdir()
    count = 5
    for index in range(count):
        pages = [Page(ink(10 * index + s, 64, 64 + 8 * index), None) for s in range(1 + index % 3)]
        save_document(pages, source / f"p{index}.tif")
    counts = {"decoded": 0, "cleaning": 0, "written": 0}
    lag: list[int] = []
    real_pages = executor.iter_pages
    real_denoise = denoiser.iter_denoise
    real_write = imageio._write_raster
    lock = threading.Lock()

    def pages(path: Path, **kwargs: Any) -> Iterator[Page]:
        for page in real_pages(path, **kwargs):
            with lock:
                counts["decoded"] += 1
            yield page

    def iter_denoise(pixels: np.ndarray, **kwargs: Any) -> Generator[Any, None, np.ndarray]:
        with lock:
            counts["cleaning"] += 1
            lag.append((pixels.shape[1] - 64) // 8 - counts["written"])
        return (yield from real_denoise(pixels, **kwargs))

    def write(pages: list[Page], tmp: Path, *args: Any) -> None:
        real_write(pages, tmp, *args)
        with lock:
            counts["written"] += 1

    monkeypatch.setattr(executor, "iter_pages", pages)
    monkeypatch.setattr(denoiser, "iter_denoise", iter_denoise)
    monkeypatch.setattr(imageio, "_write_raster", write)
    jobs, _ = plan_batch([source], tmp_path / "out", BatchOptions())
    ahead, finished = [], 0
    for event in iter_batch(jobs, denoiser, BatchOptions()):
        with lock:
            ahead.append(counts["decoded"] - counts["cleaning"])
            if isinstance(event, FileFinished):
                finished += 1
                assert finished <= counts["written"]  # FileFinished: on disk
    assert max(ahead) <= 1 and max(lag) <= 1 and finished == count
    assert counts["decoded"] == counts["cleaning"] == sum(1 + i % 3 for i in range(count))


def _fail_one_write(name: str, exc: BaseException, seen: list[str]) -> Callable[..., None]:
    real = imageio._write_raster

    def write(pages: list[Page], tmp: Path, *args: Any) -> None:
        if tmp.name.startswith(f".{name}"):
            seen.append(threading.current_thread().name)
            tmp.write_bytes(b"half a file")
            raise exc
        real(pages, tmp, *args)

    return write


def test_an_error_in_the_writer_fails_that_file_alone(
    scans: Path, tmp_path: Path, denoiser: Denoiser, monkeypatch: pytest.MonkeyPatch
) -> None:
    out = tmp_path / "out"
    seen: list[str] = []
    error = OSError(errno.EIO, os.strerror(errno.EIO))
    monkeypatch.setattr(imageio, "_write_raster", _fail_one_write("b.tif", error, seen))
    jobs, _ = plan_batch([scans], out, BatchOptions())
    report, events = run(jobs, denoiser, BatchOptions())
    assert seen and seen[0].startswith("docdenoise-write")
    rows = {Path(r.source).name: r for r in report.results}
    assert rows["b.tif"].status == "failed" and "Input/output error" in str(rows["b.tif"].error)
    assert [rows[n].status for n in ("a.png", "c.pdf", "e.jpg", "f.png")] == ["done"] * 4
    assert sorted(p.name for p in out.iterdir()) == ["a.png", "c.pdf", "e.jpg", "f.png"]
    finished = [e.result.status for e in events if isinstance(e, FileFinished)]
    assert finished == ["done", "failed", "done", "failed", "done", "done"]


def test_an_interrupt_in_the_writer_ends_the_batch_and_joins_threads(
    scans: Path, tmp_path: Path, denoiser: Denoiser, monkeypatch: pytest.MonkeyPatch
) -> None:
    """What is not a file's problem (here Ctrl+C while encoding) surfaces, as it did one file
    at a time, after the threads are joined; nothing partial is left."""
    out = tmp_path / "out"
    seen: list[str] = []
    monkeypatch.setattr(
        imageio, "_write_raster", _fail_one_write("b.tif", KeyboardInterrupt(), seen)
    )
    jobs, _ = plan_batch([scans], out, BatchOptions())
    finished = []
    with pytest.raises(KeyboardInterrupt):
        for event in iter_batch(jobs, denoiser, BatchOptions()):
            if isinstance(event, FileFinished):
                finished.append(Path(event.result.source).name)
    assert seen and seen[0].startswith("docdenoise-write")
    assert finished == ["a.png"]
    assert our_threads() == []
    assert sorted(p.name for p in out.iterdir()) == ["a.png"]


def test_cancelling_anywhere_joins_threads_and_leaves_only_finished_files(
    scans: Path, tmp_path: Path, denoiser: Denoiser
) -> None:
    jobs, _ = plan_batch([scans], tmp_path / "full", BatchOptions())
    total = len(run(jobs, denoiser, BatchOptions())[1])
    handles = open_handles(scans, tmp_path)
    for k in range(1, total):
        out = tmp_path / f"cancel-{k}"
        jobs, _ = plan_batch([scans], out, BatchOptions())
        gen = iter_batch(jobs, denoiser, BatchOptions())
        seen = [next(gen) for _ in range(k)]
        gen.close()
        assert our_threads() == [], f"cancelled after {k} events"
        finished = sorted(
            Path(e.result.output).name
            for e in seen
            if isinstance(e, FileFinished) and e.result.status == "done" and e.result.output
        )
        written = sorted(p.name for p in out.rglob("*")) if out.exists() else []
        assert written == finished, f"cancelled after {k} events"
    if handles is not None:
        assert open_handles(scans, tmp_path) == handles
