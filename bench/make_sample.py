"""Make the bundled sample scan and its ground truth from the synthetic generator.

    .venv/bin/python bench/make_sample.py [--seed 2611] [--out assets]

Writes ``sample-scan.png`` (what a scanner would give) and ``sample-clean.png`` (the page as
printed) at 150 dpi, A4 (1240x1754): a letter with a coffee ring, a fold, yellowed paper,
uneven light and sensor noise. ``make run`` opens it and the golden test scores the shipped
model on it.
"""

from __future__ import annotations

import argparse
from pathlib import Path

import numpy as np
from PIL import Image

from docdenoise.synth import degrade, render_clean

KINDS = ("paper_tone", "coffee_stain", "fold", "uneven_lighting", "sensor_noise")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--seed", type=int, default=2611)
    parser.add_argument("--layout", default="letter")
    parser.add_argument("--out", type=Path, default=Path("assets"))
    args = parser.parse_args()
    rng = np.random.default_rng(args.seed)
    clean = render_clean(rng, 1754, 1240, layout=args.layout, dpi=150)
    noisy, _ = degrade(clean.pixels, rng, only=KINDS)
    args.out.mkdir(parents=True, exist_ok=True)
    for name, page in (("sample-scan.png", noisy), ("sample-clean.png", clean.pixels)):
        pixels = np.clip(page * 255 + 0.5, 0, 255).astype(np.uint8)
        Image.fromarray(pixels).save(args.out / name, dpi=(150, 150), optimize=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
