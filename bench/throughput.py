"""CPU throughput of the app's own path on a 300-dpi A4 page: tile sizes, batching, torch vs ORT.

    .venv/bin/python bench/throughput.py [--model fast] [--runs 5] [--no-write]
    .venv/bin/python bench/throughput.py --model quality --tiles 1024,1536   # its own section

Reports megapixels per second (median of ``--runs``) through ``Denoiser.denoise`` (uint8 in,
uint8 out, the CLI's and GUI's path), for a whole-page single tile, for several tile sizes and
for several tiles per forward pass, with torch and, when the ``onnx`` extra is installed, ONNX
Runtime with the same thread count. The two backends run alternately within each run, so their
ratio is measured under the same conditions. The machine's fp32 matmul rate is given beside.
``--no-write`` prints the section without rewriting docs/benchmarks.md.
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import matmul_gflops, median, publish, timed

A4 = (3508, 2480)  # 300 dpi, rows x columns


def a4_page(seed: int = 0) -> np.ndarray:
    """A synthetic noisy A4 page; content does not change the speed of a conv net."""
    rng = np.random.default_rng(seed)
    page = rng.normal(205, 18, size=A4).clip(0, 255).astype(np.uint8)
    for y in range(300, A4[0] - 300, 60):
        page[y : y + 24, 250 : A4[1] - 250] //= 5
    return page


def parse_paths(text: str) -> list[tuple[str, int, int]]:
    """``512,1536x1,512x4,whole`` -> (label, tile, tiles per pass)."""
    paths = []
    for item in text.split(","):
        name, _, batch = item.partition("x")
        tile = max(A4) + 64 if name == "whole" else int(name)
        per_pass = int(batch or 1)
        label = "whole page (one tile)" if name == "whole" else f"tiled, {tile} px"
        if per_pass > 1:
            label += f", {per_pass} tiles per pass"
        paths.append((label, tile, per_pass))
    return paths


def alternate(fns: dict[str, Callable[[], object]], runs: int) -> dict[str, list[float]]:
    """Seconds per call of each function, the functions taking turns within each run."""
    times: dict[str, list[float]] = {name: [] for name in fns}
    for fn in fns.values():
        fn()  # warm-up
    for _ in range(runs):
        for name, fn in fns.items():
            start = time.perf_counter()
            fn()
            times[name].append(time.perf_counter() - start)
    return times


def ink_cost_line(page: np.ndarray, model: str, runs: int) -> str:
    """What putting the scan's own ink back (docdenoise.scanink) costs at the default tile."""
    from docdenoise.inference import Denoiser

    dens = {
        keep: Denoiser(model, device="cpu", backend="torch", keep_ink=keep)
        for keep in (True, False)
    }
    times = alternate({k: (lambda d=d: d.denoise(page)) for k, d in dens.items()}, runs)
    with_ink, alone = (page.size / 1e6 / median(times[k]) for k in (True, False))
    return (
        f"The scan's own ink put back after the network (`docdenoise/scanink.py`, on in the "
        f"app), at the default tile ({dens[True].tile} px), torch, the two taking turns: "
        f"{with_ink:.2f} MP/s with it, {alone:.2f} without (it adds {alone / with_ink - 1:.1%} to "
        f"the page's time)."
    )


def gpu_lines(page: np.ndarray, model: str, runs: int) -> str:
    """GPU figures (half precision, tile size from free memory, batched tiles), or why none."""
    import torch

    if not torch.cuda.is_available():
        return "GPU: none on this machine, so no GPU figure here (the CUDA path is unit-tested)."
    from docdenoise.inference import Denoiser

    rows = []
    for batch in (1, 4, 8):
        den = Denoiser(model, device="cuda", half=True, tile_batch=batch)
        secs = median(timed(lambda d=den: d.denoise(page), runs))
        rows.append(
            f"| fp16, tile {den.tile}, {batch} tiles per pass | {page.size / 1e6 / secs:.0f} |"
        )
    name = torch.cuda.get_device_name(0)
    return "\n".join(
        [f"GPU ({name}), median of {runs}:", "", "| path | MP/s |", "|---|---|", *rows]
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--model", default="fast")
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--tiles", default="512,1024,1536,2048,whole,512x4,1024x2")
    parser.add_argument("--no-write", action="store_true", help="print only")
    args = parser.parse_args()

    from docdenoise.device import cpu_threads, onnx_missing
    from docdenoise.inference import Denoiser
    from docdenoise.model import flops_per_pixel

    page = a4_page()
    megapixels = page.size / 1e6
    backends = ["torch"] if onnx_missing() else ["torch", "onnx"]
    rows, rates = [], []
    for label, tile, per_pass in parse_paths(args.tiles):
        dens = {
            b: Denoiser(args.model, device="cpu", tile=tile, tile_batch=per_pass, backend=b)
            for b in backends
        }
        times = alternate({b: (lambda d=d: d.denoise(page)) for b, d in dens.items()}, args.runs)
        secs = {b: median(t) for b, t in times.items()}
        rates += [megapixels / s for s in secs.values()]
        cells = [f"{megapixels / secs['torch']:.2f}", f"{secs['torch']:.2f}"]
        if "onnx" in secs:
            ratio = secs["torch"] / secs["onnx"]
            cells += [f"{megapixels / secs['onnx']:.2f}", f"{secs['onnx']:.2f}", f"{ratio:.2f}x"]
        else:
            cells += ["n/a", "n/a", "n/a"]
        rows.append(f"| {label} | {' | '.join(cells)} |")
    gflops = matmul_gflops()
    den = next(iter(dens.values()))
    passes = den.passes
    fpp = flops_per_pixel(den.model.config) * passes  # each pass runs the whole network
    cost = f"{fpp / 1e3:.1f} kFLOP per pixel"
    if passes > 1:
        cost += f" ({passes} passes of {fpp / passes / 1e3:.1f})"
    best = max(rates)
    ort_note = (
        "ONNX Runtime: not installed (`pip install '.[onnx]'`)."
        if onnx_missing()
        else "ONNX Runtime: the same weights exported at load (`--backend onnx`)."
    )
    body = "\n".join(
        [
            f"### CPU throughput, 300-dpi A4 page ({A4[1]}x{A4[0]}, {megapixels:.1f} MP), "
            f"model `{args.model}`{f' ({passes} passes)' if passes > 1 else ''}, fp32",
            "",
            f"Median of {args.runs} runs through `Denoiser.denoise` (uint8 in and out), "
            f"{cpu_threads()} threads for torch and for ONNX Runtime, the two taking turns "
            f"within each run. {ort_note}",
            "",
            "| path | torch MP/s | torch s/page | ORT MP/s | ORT s/page | ORT speed-up |",
            "|---|---|---|---|---|---|",
            *rows,
            "",
            f"Model cost {cost}; fp32 matmul on this machine: "
            f"{gflops:.0f} GFLOP/s; best path uses {best * 1e6 * fpp / 1e9:.0f} GFLOP/s "
            f"({best * 1e6 * fpp / 1e9 / gflops:.0%} of matmul, before halo overhead).",
        ]
    )
    body += "\n\n" + ink_cost_line(page, args.model, args.runs)
    body += "\n\n" + gpu_lines(page, args.model, args.runs)
    name = "throughput" if args.model == "fast" else f"throughput-{args.model}"
    publish(name, body, dry_run=args.no_write)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
