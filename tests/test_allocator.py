"""docdenoise.allocator: large blocks come back from the heap without page faults, the user's own
glibc settings win, and release() hands the memory back. Each case runs in a fresh interpreter,
because the settings are process-wide and glibc reads its variables once, at start."""

from __future__ import annotations

import json
import os
import platform
import subprocess
import sys

import pytest

pytestmark = pytest.mark.skipif(
    platform.system() != "Linux" or platform.libc_ver()[0] != "glibc",
    reason="the settings are glibc's",
)

BLOCK_MB = 128  # far above glibc's largest automatic mmap threshold (32 MB)

# Allocates, fills and frees a 128 MB block five times, and counts the page faults of the last
# four (the first one faults in either way); then reports RSS before and after release().
CHILD = f"""
import json, resource
import numpy as np
from docdenoise import allocator

outcome = allocator.tune()
def faults():
    return resource.getrusage(resource.RUSAGE_SELF).ru_minflt
def rss_mb():
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * resource.getpagesize() / 2**20
np.ones({BLOCK_MB} << 20, dtype=np.uint8).sum()
before = faults()
for _ in range(4):
    np.ones({BLOCK_MB} << 20, dtype=np.uint8).sum()
refaults = faults() - before
held = rss_mb()
released = allocator.release()
print(json.dumps(dict(outcome=outcome, refaults=refaults, held=held, after=rss_mb(),
                      released=released)))
"""


def run_child(**env: str) -> dict[str, object]:
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("MALLOC_", "GLIBC_"))}
    clean.pop("DOCDENOISE_KEEP_HEAP", None)
    done = subprocess.run(
        [sys.executable, "-c", CHILD],
        env={**clean, **env},
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    result: dict[str, object] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


def test_large_blocks_are_reused_without_page_faults() -> None:
    tuned = run_child()
    default = run_child(DOCDENOISE_KEEP_HEAP="0")
    assert tuned["outcome"] == "tuned"
    assert default["outcome"] == "left alone: DOCDENOISE_KEEP_HEAP=0"
    # glibc's default unmaps each block on free, so every later block faults in afresh: at
    # least once per 2 MB (numpy asks for huge pages; torch's tensors fault per 4 kB page)
    huge_pages = 4 * BLOCK_MB // 2
    assert int(str(default["refaults"])) >= huge_pages, default
    assert int(str(tuned["refaults"])) < huge_pages // 10, tuned
    # ...because the freed block stays in the heap instead of going back to the system
    assert float(str(tuned["held"])) - float(str(default["held"])) > BLOCK_MB * 0.9


def test_release_hands_the_heap_back() -> None:
    tuned = run_child()
    assert tuned["released"] is True
    held, after = float(str(tuned["held"])), float(str(tuned["after"]))
    assert held - after > BLOCK_MB * 0.9, tuned  # the freed block was kept, then given back


@pytest.mark.parametrize(
    ("name", "value"),
    [("MALLOC_ARENA_MAX", "2"), ("MALLOC_MMAP_THRESHOLD_", "65536"), ("GLIBC_TUNABLES", "")],
)
def test_the_users_own_settings_win(name: str, value: str) -> None:
    child = run_child(**{name: value})
    assert child["outcome"] == f"left alone: {name} is set"
    assert child["released"] is False
