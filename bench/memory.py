"""Peak resident memory while cleaning one very large page (100 and 400 megapixels).

    .venv/bin/python bench/memory.py [--megapixels 100,400] [--backends torch,onnx]

Each size runs in a fresh process (peak RSS is per process): it makes a square uint8 page in
memory, cleans it with ``Denoiser.denoise`` at the default CPU tile, and reports the process's
peak resident set (ru_maxrss) next to the size of the page buffers. Both backends by default:
torch, and ONNX Runtime where the ``onnx`` extra is installed (the CLI's ``auto`` choice then).
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import write_section


def child(megapixels: int, model: str, backend: str) -> None:
    import numpy as np

    from docdenoise.inference import Denoiser

    side = round((megapixels * 1e6) ** 0.5)
    den = Denoiser(model, device="cpu", backend=backend)
    base = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    page = np.full((side, side), 200, dtype=np.uint8)
    page[::50, :] = 30  # some lines
    start = time.perf_counter()
    out = den.denoise(page)
    seconds = time.perf_counter() - start
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(
        json.dumps(
            {"side": side, "peak_mb": peak, "base_mb": base, "seconds": seconds, "shape": out.shape}
        )
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--megapixels", default="100,400")
    parser.add_argument("--model", default="fast")
    parser.add_argument("--backends", default="torch,onnx", help="onnx is skipped if missing")
    parser.add_argument("--backend", default="torch", help=argparse.SUPPRESS)
    parser.add_argument("--child", type=int, default=0, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args.child, args.model, args.backend)
        return 0
    from docdenoise.device import onnx_missing

    backends = [b for b in args.backends.split(",") if b and not (b == "onnx" and onnx_missing())]
    rows = []
    for mp in (int(m) for m in args.megapixels.split(",")):
        for backend in backends:
            cmd = [sys.executable, __file__, "--child", str(mp), "--model", args.model]
            cmd += ["--backend", backend]
            run = subprocess.run(cmd, check=True, capture_output=True, text=True)
            result = json.loads(run.stdout.strip().splitlines()[-1])
            side = result["side"]
            buffers = 2 * side * side / 2**20
            rows.append(
                f"| {mp} MP ({side}x{side}) | {backend} | {result['peak_mb'] / 1024:.2f} GB | "
                f"{buffers / 1024:.2f} GB | {result['base_mb']:.0f} MB | "
                f"{result['seconds']:.0f} s |"
            )
    body = "\n".join(
        [
            "### Peak memory on very large pages (CPU, default tile)",
            "",
            "| page | backend | peak RSS | in + out buffers (uint8) | RSS with model loaded "
            "| time |",
            "|---|---|---|---|---|---|",
            *rows,
        ]
    )
    write_section("memory", body)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
