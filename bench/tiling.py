"""Tiling: how a page is cut into windows, and what reading past its edges did.

    .venv/bin/python bench/tiling.py [--runs 5] [--models fast quality] [--no-write]

Until 2026-12-05 docdenoise cut every page into square cores of ``tile`` from its top left
(the last row and column short) and read each with a halo on every side, reflecting the page
where the halo left it. Now (:func:`docdenoise.tiling.plan_tiles`) windows stop at the page's
edges, where the network sees its own zero padding as at the edge of every training crop, and
the grid is chosen per page to read the fewest pixels with no window larger than before. This
script keeps the old plan as a baseline and writes the ``tiling`` section:

* the pixels each plan makes the network read for a 300-dpi A4 page and a 400 MP page;
* the speed of ``Denoiser.denoise`` on the A4 page (``fast``, torch, CPU) with each plan, the two
  taking turns within each run, median of ``--runs``;
* the quality of each model over whole pages in one window, with the page reflected a halo past
  its edges (the old way) and as it is (now): the mean RMSE of the synthetic rows of
  ``bench/quality.py``, the same pages undamaged, and DIBCO RMSE and F-measure after Otsu.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Iterator
from contextlib import contextmanager, nullcontext
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import median, publish
from throughput import A4, a4_page, alternate

from docdenoise import inference
from docdenoise.tiling import MIN_TILE, Tile, plan_tiles

BIG = (20000, 20000)  # the page of bench/memory.py


def _round_up(value: int, multiple: int) -> int:
    return -(-value // multiple) * multiple


def reflected_squares(height: int, width: int, tile: int, halo: int, align: int = 1) -> list[Tile]:
    """The plan until 2026-12-05: square cores of ``tile`` from the top left, each read with
    ``halo`` (rounded up to ``align``) on every side, past the page's edges too."""
    tile = max(align, MIN_TILE, tile // align * align)
    halo = _round_up(halo, align)

    def spans(length: int) -> list[tuple[int, int, int, int]]:
        out = []
        for start in range(0, length, tile):
            stop = min(start + tile, length)
            out.append((start, stop, start - halo, stop + halo + (-(stop - start)) % align))
        return out

    return [
        Tile(y0, y1, x0, x1, wy0, wy1, wx0, wx1)
        for y0, y1, wy0, wy1 in spans(height)
        for x0, x1, wx0, wx1 in spans(width)
    ]


@contextmanager
def old_plan() -> Iterator[None]:
    """Run the app's own inference path with the plan until 2026-12-05."""
    saved = inference.plan_tiles
    inference.plan_tiles = reflected_squares
    try:
        yield
    finally:
        inference.plan_tiles = saved


def pixels_read(tiles: list[Tile]) -> int:
    return sum(t.window_shape[0] * t.window_shape[1] for t in tiles)


def geometry_rows(halo: int, align: int) -> list[str]:
    rows = []
    for (height, width), name in ((A4, "A4, 300 dpi"), (BIG, "20000 x 20000")):
        for tile in (1536, 2048) if name.startswith("A4") else (2048,):
            cells = []
            for plan in (reflected_squares, plan_tiles):
                tiles = plan(height, width, tile, halo, align)
                ratio = pixels_read(tiles) / (height * width)
                largest = max(t.window_shape[0] * t.window_shape[1] for t in tiles)
                cells.append(f"{len(tiles)} | {ratio:.2f}x | {largest / 1e6:.2f}")
            rows.append(f"| {name} | {tile} | {' | '.join(cells)} |")
        cells = []
        for plan in (reflected_squares, plan_tiles):
            (whole,) = plan(height, width, max(height, width) + 64, halo, align)
            cells.append(f"1 | {pixels_read([whole]) / (height * width):.2f}x | -")
        if name.startswith("A4"):
            rows.append(f"| {name} | whole page | {' | '.join(cells)} |")
    return rows


def speed_rows(runs: int) -> list[str]:
    page = a4_page()
    megapixels = page.size / 1e6
    rows = []
    for label, tile in (("1536", 1536), ("2048 (default)", 2048), ("whole page", max(A4) + 64)):
        den = inference.Denoiser("fast", device="cpu", tile=tile, backend="torch")

        def before(d: inference.Denoiser = den) -> object:
            with old_plan():
                return d.denoise(page)

        times = alternate({"before": before, "now": lambda d=den: d.denoise(page)}, runs)
        secs = {name: median(t) for name, t in times.items()}
        rows.append(
            f"| {label} | {megapixels / secs['before']:.2f} | {megapixels / secs['now']:.2f} "
            f"| {secs['before'] / secs['now']:.2f}x |"
        )
    return rows


def quality_rows(models: list[str]) -> tuple[list[str], int]:
    """The quality table's rows, and how many DIBCO pages they saw (0 where absent)."""
    import quality
    from baselines import f_measure, otsu_threshold, rmse, text_mask, to_uint8

    sets = quality.validation_set(quality.FULL)
    undamaged = [(to_uint8(clean), clean) for _, clean in next(iter(sets.values()))]
    dibco = quality.dibco_pages(None) if (quality.DIBCO / "noisy").is_dir() else []
    rows = []
    for model in models:
        den = inference.Denoiser(model, device="cpu", tile=4096, backend="torch")
        for label in ("reflected past the edges", "as it is"):
            with old_plan() if label.startswith("reflected") else nullcontext():
                run = den.denoise
                synthetic = np.mean(
                    [
                        np.mean([rmse(run(noisy), clean) for noisy, clean in pairs])
                        for pairs in sets.values()
                    ]
                )
                plain = np.mean([rmse(run(page), clean) for page, clean in undamaged])
                scores = []
                for _, noisy, truth in dibco:
                    out = run(noisy, dtype=np.float32)
                    found = text_mask(out, otsu_threshold(out))
                    scores.append((rmse(out, truth), f_measure(found, truth < 0.5)))
            dibco_cells = (
                f"{np.mean([s[0] for s in scores]):.4f} | {np.mean([s[1] for s in scores]):.4f}"
                if scores
                else "n/a | n/a"
            )
            rows.append(f"| {model} | {label} | {synthetic:.4f} | {plain:.4f} | {dibco_cells} |")
            print(rows[-1], flush=True)
    return rows, len(dibco)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--models", nargs="+", default=["fast", "quality"])
    parser.add_argument("--no-write", action="store_true", help="print only")
    args = parser.parse_args()

    probe = inference.Denoiser("fast", device="cpu")
    halo, align = probe.halo, probe.align
    speed = speed_rows(args.runs)
    print("\n".join(speed), flush=True)
    quality, dibco_pages = quality_rows(args.models)
    body = "\n".join(
        [
            f"### Where a page is cut: the bundled network's halo is {halo} px "
            f"(windows on a {align}-px grid)",
            "",
            "Before: square cores of the tile size from the page's top left, each window a halo "
            "past its core on every side, the page reflected where the window leaves it (until "
            "2026-12-05). Now: windows stop at the page's edges, and the grid is the one that "
            "reads the fewest pixels with no window larger than a square tile's "
            "(`docdenoise/tiling.py`). Pixels read are the windows' pixels over the page's; "
            "largest window in megapixels (it bounds the memory).",
            "",
            "| page | tile | tiles before | read before | largest before | tiles now "
            "| read now | largest now |",
            "|---|---|---:|---:|---:|---:|---:|---:|",
            *geometry_rows(halo, align),
            "",
            f"Speed of `Denoiser.denoise` on a synthetic 300-dpi A4 page ({A4[1]}x{A4[0]}), "
            f"`fast`, torch on the CPU, fp32, the two plans taking turns within each run, median "
            f"of {args.runs} runs (MP/s):",
            "",
            "| tile | before | now | speed-up |",
            "|---|---:|---:|---:|",
            *speed,
            "",
            "Quality over whole pages in one window, the page reflected a halo past its edges "
            "(before) or read as it is (now): mean RMSE of the synthetic rows of "
            "*quality-synthetic* (12 pages of 512 px each), the same pages undamaged, and the "
            f"{dibco_pages} DIBCO pages (RMSE, F-measure after Otsu). Each model runs in its own "
            "passes.",
            "",
            "| model | page edges | synthetic RMSE | undamaged | DIBCO RMSE | DIBCO F |",
            "|---|---|---:|---:|---:|---:|",
            *quality,
        ]
    )
    publish("tiling", body, dry_run=args.no_write)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
