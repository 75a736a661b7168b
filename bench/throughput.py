"""CPU throughput of the app's own path on a 300-dpi A4 page: whole page vs tiled, fp32.

    .venv/bin/python bench/throughput.py [--model fast] [--runs 5]

Reports megapixels per second (median of ``--runs``) through ``Denoiser.denoise`` (uint8 in,
uint8 out, the CLI's and GUI's path), for a whole-page single tile and for several tile sizes,
with the machine's fp32 matmul rate beside it.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import matmul_gflops, median, timed, write_section

A4 = (3508, 2480)  # 300 dpi, rows x columns


def a4_page(seed: int = 0) -> np.ndarray:
    """A synthetic noisy A4 page; content does not change the speed of a conv net."""
    rng = np.random.default_rng(seed)
    page = rng.normal(205, 18, size=A4).clip(0, 255).astype(np.uint8)
    for y in range(300, A4[0] - 300, 60):
        page[y : y + 24, 250 : A4[1] - 250] //= 5
    return page


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--model", default="fast")
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--tiles", default="512,1024,1536,whole")
    args = parser.parse_args()

    from docdenoise.inference import Denoiser
    from docdenoise.model import flops_per_pixel

    page = a4_page()
    megapixels = page.size / 1e6
    rows = []
    for name in args.tiles.split(","):
        tile = max(A4) + 64 if name == "whole" else int(name)
        den = Denoiser(args.model, device="cpu", tile=tile)
        times = timed(lambda d=den: d.denoise(page), args.runs)
        label = "whole page (one tile)" if name == "whole" else f"tiled, {tile} px"
        rows.append(f"| {label} | {megapixels / median(times):.2f} | {median(times):.2f} |")
    gflops = matmul_gflops()
    fpp = flops_per_pixel(den.model.config)
    best = max(float(r.split("|")[2]) for r in rows)
    body = "\n".join(
        [
            f"### CPU throughput, 300-dpi A4 page ({A4[1]}x{A4[0]}, {megapixels:.1f} MP), "
            f"model `{args.model}`, fp32",
            "",
            f"Median of {args.runs} runs through `Denoiser.denoise` (uint8 in and out).",
            "",
            "| path | MP/s | seconds per page |",
            "|---|---|---|",
            *rows,
            "",
            f"Model cost {fpp / 1e3:.1f} kFLOP per pixel; fp32 matmul on this machine: "
            f"{gflops:.0f} GFLOP/s; best path uses {best * 1e6 * fpp / 1e9:.0f} GFLOP/s "
            f"({best * 1e6 * fpp / 1e9 / gflops:.0%} of matmul, before halo overhead).",
        ]
    )
    write_section("throughput", body)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
