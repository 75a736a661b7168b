"""What keeping freed memory in the C heap (docdenoise.allocator) does to CPU speed and memory.

    .venv/bin/python bench/heap.py [--model fast] [--runs 5] [--tiles 512,1536,whole] [--no-write]

glibc's settings are process-wide and read once, so each measurement is a fresh process: one
with the app's settings, one with ``DOCDENOISE_KEEP_HEAP=0`` (glibc's defaults), taking turns
within each run (the order swapped every run). Each process cleans a 300-dpi A4 page through
``Denoiser.denoise`` with torch on 2 threads, once to warm up and once timed per tile size, and
reports its peak resident memory. Medians of ``--runs``; the speed-up is the ratio of the two
medians, measured in the same run.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import median, publish
from throughput import a4_page, parse_paths

SETTINGS = {"heap kept (the app)": {}, "glibc default": {"DOCDENOISE_KEEP_HEAP": "0"}}


def child(model: str, tiles: str) -> None:
    import torch

    from docdenoise import allocator
    from docdenoise.inference import Denoiser

    outcome = allocator.tune()
    torch.set_num_threads(2)
    page = a4_page()
    seconds = {}
    for label, tile, _per_pass in parse_paths(tiles):
        den = Denoiser(model, device="cpu", backend="torch", tile=tile)
        den.denoise(page)  # warm-up
        start = time.perf_counter()
        den.denoise(page)
        seconds[label] = time.perf_counter() - start
        del den
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps({"outcome": outcome, "seconds": seconds, "peak_mb": peak_mb}))


def measure(model: str, tiles: str, env: dict[str, str]) -> dict[str, object]:
    base = {k: v for k, v in os.environ.items() if not k.startswith(("MALLOC_", "GLIBC_"))}
    base.pop("DOCDENOISE_KEEP_HEAP", None)
    done = subprocess.run(
        [sys.executable, __file__, "--child", "--model", model, "--tiles", tiles],
        env={**base, **env},
        capture_output=True,
        text=True,
        check=True,
    )
    result: dict[str, object] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--model", default="fast")
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--tiles", default="512,1536,whole")
    ap.add_argument("--no-write", action="store_true")
    ap.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.child:
        child(args.model, args.tiles)
        return
    names = list(SETTINGS)
    results: dict[str, list[dict[str, object]]] = {name: [] for name in names}
    for run in range(args.runs):
        for name in names if run % 2 == 0 else names[::-1]:
            results[name].append(measure(args.model, args.tiles, SETTINGS[name]))
            print(f"run {run + 1}/{args.runs}: {name} done", file=sys.stderr)
    outcomes = {name: {str(r["outcome"]) for r in results[name]} for name in names}
    megapixels = a4_page().size / 1e6
    kept, default = names
    rows = []
    for label, _tile, _per_pass in parse_paths(args.tiles):
        secs = {n: median([float(r["seconds"][label]) for r in results[n]]) for n in names}  # type: ignore[index]
        rows.append(
            f"| {label} | {megapixels / secs[kept]:.2f} | {megapixels / secs[default]:.2f} "
            f"| {secs[default] / secs[kept]:.2f}x |"
        )
    peaks = {n: median([float(str(r["peak_mb"])) for r in results[n]]) for n in names}
    body = "\n".join(
        [
            f"### Keeping freed memory in the C heap: 300-dpi A4 page, model `{args.model}`, "
            "torch on the CPU (2 threads)",
            "",
            f"Median of {args.runs} runs, each a fresh process per setting, the two taking turns "
            "(`docdenoise.allocator`: the app's setting; `DOCDENOISE_KEEP_HEAP=0`: glibc's "
            f"defaults). Settings applied: {', '.join(sorted(outcomes[kept]))} / "
            f"{', '.join(sorted(outcomes[default]))}.",
            "",
            f"| path | {kept} MP/s | {default} MP/s | speed-up |",
            "|---|---|---|---|",
            *rows,
            "",
            f"Peak resident memory of the process (every path above, one after another): "
            f"{peaks[kept]:.0f} MB with the heap kept, {peaks[default]:.0f} MB with glibc's "
            "defaults.",
        ]
    )
    publish("heap", body, dry_run=args.no_write)


if __name__ == "__main__":
    main()
