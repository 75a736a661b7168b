"""Where each model's error lies on pages that need nothing: the floor under synthetic RMSE.

    .venv/bin/python bench/undamaged.py [--models fast quality] [--no-write]

Cleans the 12 undamaged pages of *quality-synthetic* (``bench/quality.py``'s validation pages as
they are, 8-bit) and splits each model's squared error by the clean page's grey level: paper
(1.0), solid ink (under 0.05) and the anti-aliased greys between, in bands. For each band: its
share of the pixels, the RMS error there, the mean signed error (negative: drawn darker than the
clean page) and its share of the whole page's squared error. Every row of the synthetic table
starts from these pages, so their error is a floor under its mean. Writes the ``undamaged``
section of docs/benchmarks.md.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
import quality
from baselines import to_uint8, to_unit
from common import publish

BANDS = (0.0, 0.05, 0.2, 0.4, 0.6, 0.8, 0.95, 0.999, 1.001)  # clean grey level, [low, high)


def band_rows(model: str, cleans: list[np.ndarray]) -> tuple[list[str], float]:
    """Markdown rows of one model, and its RMSE over all the pages' pixels together."""
    from docdenoise.inference import Denoiser

    den = Denoiser(model, device="cpu")
    sums = np.zeros((len(BANDS) - 1, 3))  # pixels, squared error, signed error
    for clean in cleans:
        error = to_unit(den.denoise(to_uint8(clean))) - clean
        band = np.digitize(clean, BANDS) - 1
        for index in range(len(BANDS) - 1):
            inside = error[band == index]
            sums[index] += (inside.size, float((inside**2).sum()), float(inside.sum()))
    pixels, squared = sums[:, 0].sum(), sums[:, 1].sum()
    rows = []
    for index, (count, square, signed) in enumerate(sums):
        low, high = BANDS[index], BANDS[index + 1]
        label = "paper (1.0)" if low >= 0.999 else f"{low:.2f} to {min(high, 1.0):.3f}"
        rms = np.sqrt(square / count) if count else 0.0
        mean = signed / count if count else 0.0
        rows.append(
            f"| {model} | {label} | {count / pixels:.1%} | {rms:.4f} | {mean:+.4f} "
            f"| {square / squared:.1%} |"
        )
    return rows, float(np.sqrt(squared / pixels))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--models", nargs="+", default=["fast", "quality"])
    parser.add_argument("--no-write", action="store_true", help="print only")
    args = parser.parse_args()

    sets = quality.validation_set(quality.FULL)
    cleans = [clean for _, clean in next(iter(sets.values()))]
    rows, totals = [], []
    for model in args.models:
        model_rows, total = band_rows(model, cleans)
        rows += model_rows
        totals.append(f"`{model}` {total:.4f}")
    size = cleans[0].shape
    body = "\n".join(
        [
            f"### Where the error lies on pages that need nothing ({len(cleans)} undamaged "
            f"pages of {size[1]} x {size[0]} px)",
            "",
            "The clean pages of *quality-synthetic* cleaned as they are, the error split by the "
            "clean page's grey level. Mean error below 0: drawn darker than the page was. "
            f"RMSE over all their pixels together: {', '.join(totals)}.",
            "",
            "| model | clean grey | pixels | RMS error | mean error | share of squared error |",
            "|---|---|---:|---:|---:|---:|",
            *rows,
        ]
    )
    publish("undamaged", body, dry_run=args.no_write)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
