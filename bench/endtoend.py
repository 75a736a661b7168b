"""End to end: a folder of scanned 300-dpi A4 pages cleaned through the app's batch path.

    .venv/bin/python bench/endtoend.py [--pages 50] [--runs 3] [--baseline-pages 10]
    .venv/bin/python bench/endtoend.py --pages 5 --runs 1 --baseline-pages 2   # a quick check

The pages are synthetic scans (``docdenoise.synth``: a clean page at 300 dpi, 2480x3508, spoiled
as the bundled sample is), drawn once from fixed seeds and kept as grey PNGs in
``build/endtoend/``. Timed, in the same run and interleaved run by run:

* end to end: ``plan_batch`` + ``iter_batch`` into a fresh folder, as ``docdenoise clean``
  does (decode, clean, encode PNG, fsync, rename), with the default overlap (next page decoded
  and last file written while a page cleans), and once one file at a time (``overlap=False``);
* pure inference: the same pages, already decoded, through ``Denoiser.denoise``;
* the classical peers from ``bench/baselines.py`` (unpaper, background division) on the first
  ``--baseline-pages`` decoded pages.

Writes the ``endtoend`` section of docs/benchmarks.md: medians over ``--runs``.
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
from baselines import background_division, unpaper, unpaper_available
from common import REPO, median, write_section

if TYPE_CHECKING:
    from docdenoise.inference import Denoiser

A4 = (3508, 2480)  # 300 dpi, rows x columns
SEED = 5_000_000  # page i is drawn from default_rng(SEED + i)
LAYOUTS = ("letter", "text", "table", "form")
KINDS = ("paper_tone", "coffee_stain", "fold", "uneven_lighting", "sensor_noise")
CACHE = REPO / "build" / "endtoend"
PAGES = CACHE / "pages-v1"  # bump the version when the recipe above changes
WHOLE = ("overlap", "sequential", "pure")  # timed on every page; the peers on a subset


def make_pages(count: int) -> list[Path]:
    """The first ``count`` benchmark pages, drawn now if not cached yet (about 5 s each)."""
    from docdenoise.imageio import Page, save_document
    from docdenoise.synth import degrade, render_clean

    PAGES.mkdir(parents=True, exist_ok=True)
    paths = []
    for index in range(count):
        path = PAGES / f"page-{index:03d}.png"
        if not path.exists():
            print(f"drawing {path.name}", flush=True)
            rng = np.random.default_rng(SEED + index)
            clean = render_clean(rng, *A4, layout=LAYOUTS[index % len(LAYOUTS)], dpi=300)
            noisy, _ = degrade(clean.pixels, rng, only=KINDS)
            pixels = np.clip(noisy * 255 + 0.5, 0, 255).astype(np.uint8)
            save_document([Page(pixels, (300.0, 300.0))], path)  # atomic: no half page cached
        paths.append(path)
    return paths


def end_to_end(paths: Sequence[Path], denoiser: Denoiser, overlap: bool) -> float:
    """Seconds to clean ``paths`` into a fresh folder through the batch path."""
    from docdenoise.batch import BatchOptions, iter_batch, plan_batch
    from docdenoise.progress import drain

    out = CACHE / "out"
    shutil.rmtree(out, ignore_errors=True)
    options = BatchOptions(overlap=overlap)
    start = time.perf_counter()
    jobs, problems = plan_batch(paths, out, options)
    report = drain(iter_batch(jobs, denoiser, options, problems))
    seconds = time.perf_counter() - start
    if report.count("done") != len(paths):
        raise RuntimeError(f"the batch did not clean every page: {report.failures[:3]}")
    shutil.rmtree(out)
    return seconds


def clock(fn: Callable[[], object]) -> float:
    start = time.perf_counter()
    fn()
    return time.perf_counter() - start


def each(cleaner: Callable[[np.ndarray], object], pages: list[np.ndarray]) -> Callable[[], None]:
    def run() -> None:
        for page in pages:
            cleaner(page)

    return run


def io_costs(paths: Sequence[Path], cleaned: list[np.ndarray]) -> tuple[float, float, float]:
    """Median seconds to decode one input page and to write one cleaned page (PNG, atomic), and
    the cleaned pages' mean size in MB."""
    from docdenoise.imageio import Page, load_document, save_document

    out = CACHE / "io"
    out.mkdir(parents=True, exist_ok=True)
    decode, encode = [], []
    for path in paths:
        start = time.perf_counter()
        load_document(path)
        decode.append(time.perf_counter() - start)
    for index, pixels in enumerate(cleaned):
        start = time.perf_counter()
        save_document([Page(pixels, (300.0, 300.0))], out / f"{index}.png")
        encode.append(time.perf_counter() - start)
    size = statistics.mean(path.stat().st_size for path in out.iterdir()) / 1e6
    shutil.rmtree(out)
    return statistics.median(decode), statistics.median(encode), size


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--pages", type=int, default=50)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--baseline-pages", type=int, default=10)
    parser.add_argument("--model", default="fast")
    parser.add_argument("--device", default="auto")
    args = parser.parse_args()

    from docdenoise.imageio import load_document
    from docdenoise.inference import Denoiser

    paths = make_pages(args.pages)
    arrays = [load_document(p).pages[0].pixels for p in paths]  # also warms the page cache
    subset = arrays[: args.baseline_pages]
    denoiser = Denoiser(args.model, device=args.device)
    cleaned = [denoiser.denoise(page) for page in subset]  # warm-up, and pages to encode
    peers: dict[str, Callable[[np.ndarray], object]] = {"background division": background_division}
    if unpaper_available():
        peers["unpaper"] = unpaper
    times: dict[str, list[float]] = {"overlap": [], "pure": [], "sequential": []}
    times.update({name: [] for name in peers})
    for run in range(args.runs):
        print(f"run {run + 1} of {args.runs}", flush=True)
        times["overlap"].append(end_to_end(paths, denoiser, overlap=True))
        times["pure"].append(clock(each(denoiser.denoise, arrays)))
        if run == 0:
            times["sequential"].append(end_to_end(paths, denoiser, overlap=False))
        for name, cleaner in peers.items():
            times[name].append(clock(each(cleaner, subset)))
    decode, encode, size = io_costs(paths[: len(subset)], cleaned)
    body = section(args, denoiser.choice.name, times, len(subset), decode, encode, size)
    write_section("endtoend", body)
    return 0


def section(
    args: argparse.Namespace,
    device: str,
    times: dict[str, list[float]],
    subset: int,
    decode: float,
    encode: float,
    size: float,
) -> str:
    pages, runs = args.pages, args.runs
    counts = {name: pages if name in WHOLE else subset for name in times}
    per_page = {name: median(values) / counts[name] for name, values in times.items()}
    ratio = per_page["overlap"] / per_page["pure"]
    labels = {
        "overlap": "docdenoise end to end (decode, clean, encode PNG; overlapped)",
        "sequential": "docdenoise end to end, one file at a time (`overlap=False`)",
        "pure": "docdenoise pure inference (decoded pages, `Denoiser.denoise`)",
        "unpaper": "unpaper (decoded pages; PGM in and out of a temporary folder)",
        "background division": "background division (decoded pages)",
    }
    rows = []
    for name, label in labels.items():
        if name not in per_page:
            rows.append(f"| {label} | not installed | | | | |")
            continue
        seconds = per_page[name]
        rows.append(
            f"| {label} | {counts[name]} x {len(times[name])} | {seconds:.2f} | "
            f"{60 / seconds:.1f} | {seconds / per_page['overlap']:.2f} | "
            f"{seconds / per_page['pure']:.2f} |"
        )
    shown = ", ".join(f"{t:.1f}" for t in times["overlap"])
    pure = ", ".join(f"{t:.1f}" for t in times["pure"])
    return "\n".join(
        [
            f"### End to end: a folder of {pages} scanned 300-dpi A4 pages "
            f"({A4[1]}x{A4[0]}, grey PNG), model `{args.model}`, {device}",
            "",
            f"**End to end / pure inference: {ratio:.2f}x** (target: 1.2x at most); "
            f"{60 / per_page['overlap']:.1f} pages per minute end to end, "
            f"{60 / per_page['pure']:.1f} in pure inference.",
            "",
            f"Pages: synthetic scans (`docdenoise.synth`, seeds {SEED} + i, spoiled by "
            f"{', '.join(KINDS)}), cached in `build/endtoend/`. End to end is `plan_batch` + "
            "`iter_batch` into a fresh folder, as `docdenoise clean` runs it (decode, clean, "
            "encode PNG, fsync, rename). Pure inference cleans the same pages already decoded. "
            f"Medians of {runs} run(s), interleaved; the one-file-at-a-time row is one run; "
            f"the classical peers run on the first {subset} pages only (unpaper takes seconds "
            "a page).",
            "",
            "| path | pages x runs | seconds per page | pages per minute | "
            "time / end to end | time / pure inference |",
            "|---|---|---|---|---|---|",
            *rows,
            "",
            f"Runs (s): end to end {shown}; pure inference {pure}. Decoding one input page "
            f"takes {decode:.2f} s and writing one cleaned page {encode:.2f} s (medians, each "
            f"alone; the first {subset} cleaned pages average {size:.2f} MB as PNG). One file "
            "at a time, "
            "a page costs its inference plus both; overlapped, decoding and writing run in two "
            "threads beside inference and cost only the CPU time they take from it.",
        ]
    )


if __name__ == "__main__":
    raise SystemExit(main())
