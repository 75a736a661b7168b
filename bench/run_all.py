"""Run every benchmark in turn; each rewrites its own section of docs/benchmarks.md.

    .venv/bin/python bench/run_all.py [--skip NAME,...]

Takes about 50 minutes on a quiet 2-core machine. Run it on a quiet machine: the figures are
speed medians and the machine's other load shows in them.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
BENCHES = {
    "throughput": ["throughput.py"],
    "real": ["real.py"],  # about 2 minutes: the 33 real scans, every model and peer
    "heap": ["heap.py"],  # two minutes: the C heap kept against glibc's defaults
    "memory": ["memory.py"],
    "gui-stall": ["gui_stall.py", "--runs", "5"],
    "quality": ["quality.py"],
    "endtoend": ["endtoend.py"],  # about 12 minutes more (the first time 4 more to draw pages)
    "cluster": ["cluster.py"],  # a few minutes: local engine against Ray with 1 and 2 workers
    "tiling": ["tiling.py"],  # about 8 minutes: the plan before 2026-12-05 against the one now
    "undamaged": ["undamaged.py"],  # seconds: where the error lies on pages that need nothing
    "korean": ["korean.py"],  # seconds: Hangul stroke ink and Korean OCR
    "ocr-real": ["ocr_real.py"],  # about 9 minutes: OCR of searchable PDFs and real scans
}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--skip", default="", help="comma-separated names to skip")
    args = parser.parse_args()
    skip = {s for s in args.skip.split(",") if s}
    failed = []
    for name, argv in BENCHES.items():
        if name in skip:
            continue
        print(f"== {name}", flush=True)
        if subprocess.run([sys.executable, str(HERE / argv[0]), *argv[1:]]).returncode != 0:
            failed.append(name)
    if failed:
        print(f"failed: {', '.join(failed)}", file=sys.stderr)
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
