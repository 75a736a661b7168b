"""Shared bench helpers: machine facts, medians, and rewriting one section of docs/benchmarks.md.

Each bench script owns a section between ``<!-- bench:NAME -->`` and ``<!-- /bench:NAME -->``
markers and rewrites only that, with the command that made it, the date and the machine.
"""

from __future__ import annotations

import os
import platform
import re
import shlex
import statistics
import sys
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
DOC = REPO / "docs" / "benchmarks.md"


def cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def machine() -> str:
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    import torch

    gpu = torch.cuda.get_device_name() if torch.cuda.is_available() else "no GPU"
    return f"{cpu_model()}, {cores} cores, {gpu}, torch {torch.__version__}"


def command() -> str:
    return " ".join(shlex.quote(a) for a in [".venv/bin/python", *sys.argv])


def timed(fn: Callable[[], object], runs: int, warmup: int = 1) -> list[float]:
    for _ in range(warmup):
        fn()
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return times


def median(values: list[float]) -> float:
    return statistics.median(values)


def matmul_gflops(size: int = 1024, runs: int = 5) -> float:
    """The machine's fp32 matmul rate: a yardstick for how close convolutions get to it."""
    import torch

    a, b = torch.rand(size, size), torch.rand(size, size)
    times = timed(lambda: a @ b, runs, warmup=2)
    return 2 * size**3 / median(times) / 1e9


def write_section(name: str, body: str, *, before: str | None = None) -> None:
    """Replace the section ``name`` of docs/benchmarks.md; a new one goes just before the
    section ``before`` when that is there, else at the end."""
    stamp = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    block = (
        f"<!-- bench:{name} -->\n{body.rstrip()}\n\n"
        f"Command: `{command()}`  \nMachine: {machine()}  \nDate: {stamp}\n<!-- /bench:{name} -->"
    )
    text = DOC.read_text(encoding="utf-8") if DOC.exists() else "# Benchmarks\n"
    pattern = re.compile(rf"<!-- bench:{name} -->.*?<!-- /bench:{name} -->", re.S)
    anchor = f"<!-- bench:{before} -->" if before else None
    if pattern.search(text):
        text = pattern.sub(lambda _m: block, text)
    elif anchor and anchor in text:
        text = text.replace(anchor, f"{block}\n\n{anchor}", 1)
    else:
        text = f"{text.rstrip()}\n\n{block}\n"
    DOC.parent.mkdir(parents=True, exist_ok=True)
    DOC.write_text(text, encoding="utf-8")
    print(block)


def publish(name: str, body: str, *, dry_run: bool, before: str | None = None) -> None:
    """Write ``body`` as the section ``name`` of docs/benchmarks.md (see :func:`write_section`),
    or with ``dry_run`` (a script's ``--no-write``) only print it."""
    if dry_run:
        print(body)
    else:
        write_section(name, body, before=before)
