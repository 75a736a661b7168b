"""A long batch: 1000 pages through the real executor, with memory and file handles held flat.

1000 small pages (64 x 64; PNG, with a PDF and a TIFF every 50) are cleaned by the
random-weights model on the CPU through :func:`docdenoise.batch.iter_batch`, exactly as the CLI
and GUI drive it. At the 100th and the 1000th finished file (after ``gc.collect()``) the
resident memory (``/proc/self/statm``) and the open file descriptors (``/proc/self/fd``) are
read: memory may grow by 5% at most, the handle count by 2 at most. With about 300 MiB
resident, that catches a leak of 17 KiB or more per file (one 64 x 64 float32 page is 16 KiB;
real scans are 100 to 1000 times larger) and of one handle per PDF or TIFF. Inference runs on
one CPU thread, as in the fault tests. Numbers: docs/reliability.md.
"""

from __future__ import annotations

import gc
import os
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from docdenoise.batch import BatchOptions, FileFinished, iter_batch, plan_batch
from docdenoise.imageio import Page, save_document
from docdenoise.inference import Denoiser

PAGES = 1000
CHECKPOINTS = (100, 1000)  # the n-th finished file
MAX_GROWTH = 0.05
MAX_EXTRA_HANDLES = 2

pytestmark = pytest.mark.skipif(
    not Path("/proc/self/statm").exists(), reason="reads /proc/self (Linux)"
)


def resident_bytes() -> int:
    with open("/proc/self/statm") as statm:
        return int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")


def open_handles() -> int:
    return len(os.listdir("/proc/self/fd"))


def make_pages(folder: Path, count: int) -> None:
    """``count`` different 64 x 64 pages: paper with a line of random "ink".

    Every 50th is a PDF and every 50th (offset 25) a TIFF, so a handle or buffer leaked per
    PDFium document or libtiff file would add up too; the rest are PNG.
    """
    folder.mkdir()
    rng = np.random.default_rng(2024)
    for index in range(count):
        pixels = np.full((64, 64), 228, dtype=np.uint8)
        row = int(rng.integers(4, 52))
        pixels[row : row + 8, 4:60] = rng.integers(0, 80, (8, 56), dtype=np.uint8)
        suffix = {0: ".pdf", 25: ".tif"}.get(index % 50, ".png")
        path = folder / f"page {index:04d}{suffix}"
        if suffix == ".pdf":
            save_document([Page(pixels, (300.0, 300.0))], path)
        else:
            Image.fromarray(pixels).save(path, dpi=(300, 300))


@pytest.mark.slow
@pytest.mark.timeout(300)
def test_thousand_pages_hold_memory_and_file_handles_flat(
    tmp_path: Path, random_model_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import torch

    source, out = tmp_path / "in", tmp_path / "out"
    make_pages(source, PAGES)
    monkeypatch.setenv("DOCDENOISE_THREADS", "1")
    threads = torch.get_num_threads()
    denoiser = Denoiser(random_model_path, device="cpu")
    jobs, problems = plan_batch([source], out, BatchOptions())
    assert len(jobs) == PAGES and not problems
    seen: dict[int, tuple[int, int]] = {}
    gen = iter_batch(jobs, denoiser)
    try:
        while True:
            try:
                event = next(gen)
            except StopIteration as stop:
                report = stop.value
                break
            if isinstance(event, FileFinished) and event.index + 1 in CHECKPOINTS:
                gc.collect()
                seen[event.index + 1] = (resident_bytes(), open_handles())
    finally:
        torch.set_num_threads(threads)
    assert report.count("done") == PAGES, report.failures[:3]
    assert len(list(out.iterdir())) == PAGES
    assert [p for p in out.iterdir() if p.name.startswith(".")] == []
    (rss_early, fds_early), (rss_late, fds_late) = seen[CHECKPOINTS[0]], seen[CHECKPOINTS[1]]
    growth = rss_late / rss_early - 1
    assert growth <= MAX_GROWTH, (
        f"resident memory grew {growth:.1%} from file {CHECKPOINTS[0]} to {CHECKPOINTS[1]} "
        f"({rss_early / 2**20:.1f} -> {rss_late / 2**20:.1f} MiB)"
    )
    assert abs(fds_late - fds_early) <= MAX_EXTRA_HANDLES, (fds_early, fds_late)
