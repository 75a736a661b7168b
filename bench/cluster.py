"""Pages per minute: the local engine against the Ray engine with 1 and 2 local workers, one run.

    .venv/bin/python bench/cluster.py [--pages 24] [--size 1240x1754] [--runs 3] [--workers 1,2]

Cleans ``--pages`` synthetic PNG pages (default A4 at 150 dpi) into a fresh folder, ``--runs``
times per engine, and reports the median pages per minute of each: the local engine
(``iter_batch``, one process, one torch thread per core) and a local Ray instance with each
worker count (one torch thread per worker). Workers are started and warmed up before the clock
runs; their start-up (Ray itself, then a model per worker) is reported apart.
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import median, write_section
from throughput import a4_page

from docdenoise.batch import BatchOptions, BatchReport, Job, iter_batch, plan_batch
from docdenoise.progress import drain


def make_pages(folder: Path, count: int, size: tuple[int, int]) -> None:
    from PIL import Image

    whole = a4_page()
    for i in range(count):
        y, x = (i * 37) % (whole.shape[0] - size[0] + 1), (i * 53) % (whole.shape[1] - size[1] + 1)
        Image.fromarray(whole[y : y + size[0], x : x + size[1]]).save(folder / f"page{i:03d}.png")


def pages_per_minute(
    clean: Callable[[list[Job]], BatchReport], source: Path, runs: int
) -> list[float]:
    """Clean ``source`` into a fresh folder ``runs`` times (after one warm-up); pages/minute."""
    rates = []
    for run in range(runs + 1):
        out = Path(tempfile.mkdtemp(prefix="bench-cluster-out-"))
        jobs, _ = plan_batch([source], out / "o", BatchOptions())
        start = time.perf_counter()
        report = clean(jobs)
        seconds = time.perf_counter() - start
        shutil.rmtree(out)
        assert report.count("done") == len(jobs), report.summary()
        if run:  # the first run warms caches and the workers' first pages
            rates.append(len(jobs) * 60 / seconds)
    return rates


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--model", default="fast")
    parser.add_argument("--backend", default="auto", help="as the CLI's --backend (default auto)")
    parser.add_argument("--pages", type=int, default=24)
    parser.add_argument("--size", default="1240x1754", help="page width x height, pixels")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--workers", default="1,2", help="Ray worker counts to measure")
    args = parser.parse_args()

    import ray

    from docdenoise.cluster import RayPool, RaySpec
    from docdenoise.device import cpu_threads
    from docdenoise.inference import Denoiser

    width, height = (int(v) for v in args.size.split("x"))
    counts = [int(c) for c in args.workers.split(",")]
    source = Path(tempfile.mkdtemp(prefix="bench-cluster-in-"))
    make_pages(source, args.pages, (height, width))
    threads = cpu_threads()
    denoiser = Denoiser(args.model, device="cpu", backend=args.backend)
    local = median(pages_per_minute(lambda j: drain(iter_batch(j, denoiser)), source, args.runs))
    rows = [f"| local engine, 1 process x {threads} threads | {local:.1f} | 1.00 | - |"]
    backend = denoiser.choice.backend
    for count in counts:
        start = time.perf_counter()
        # The pool starts (and at the end stops) its own local Ray instance with `count` slots.
        spec = RaySpec(model=args.model, device="cpu", backend=args.backend, workers=count)
        with RayPool(spec) as pool:
            ray.get([actor.ready.remote() for actor in pool.actors])
            startup = time.perf_counter() - start
            rates = pages_per_minute(lambda j, p=pool: drain(p.iter_batch(j)), source, args.runs)
            rate = median(rates)
        rows.append(
            f"| Ray, {count} worker{'s' if count > 1 else ''} x 1 thread | {rate:.1f} "
            f"| {rate / local:.2f} | {startup:.1f} s |"
        )
    shutil.rmtree(source)
    body = "\n".join(
        [
            f"### Ray engine against the local engine: {args.pages} pages of {width}x{height}, "
            f"model `{args.model}`, CPU, {backend}",
            "",
            f"Pages per minute, median of {args.runs} runs after a warm-up run, PNG in and out; "
            "the Ray workers run on a local instance on this machine (docs/cluster.md). "
            "Start-up: Ray, then the workers' imports and model, before the first page.",
            "",
            "| engine | pages/min | vs local | start-up |",
            "|---|---|---|---|",
            *rows,
            "",
            f"{os.cpu_count()} logical CPUs; the local engine uses all its cores through the "
            "backend's threads, the Ray workers through processes.",
        ]
    )
    write_section("cluster", body)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
