"""Keep freed memory in the C heap for the next tensor instead of unmapping it (glibc only).

glibc serves every allocation above its mmap threshold (which it lets grow to 32 MB at most)
with a fresh ``mmap`` and unmaps it again on ``free``. A tile's activations are far above that:
a 1536 px tile's first layers are about 40 MB each. So on every tile, every layer's output was
faulted in by the kernel page by page, and that, not the convolutions, was most of a forward
pass on the CPU (a profile of one tile: convolutions 36% of the time; ``bench/throughput.py``:
6.9 MP/s through torch at 1536 px, 14.8 with this module's settings on the same machine). Torch
training on the CPU pays the same toll on each batch.

:func:`tune` tells glibc, once per process, to serve blocks up to 1 GiB from the heap, never to
trim the heap on its own, and to give all threads one arena (a thread's own arena cannot hold
a block above 64 MB and would map it anyway). Call it early, before worker threads start: a
thread that has already allocated keeps its own arena. The cost is that the process keeps the
memory of its largest tile after the work is done; :func:`release` (``malloc_trim``) hands it
back, and the app calls it once it has been idle a while (not at each task's end: the trim
holds the heap's lock, and the window stalled on it; :class:`docdenoise.gui.worker.WorkerHost`).

Left alone: any other C library (macOS, Windows, musl), and a process whose user has set glibc's
own ``MALLOC_*`` variables or ``GLIBC_TUNABLES``, or ``DOCDENOISE_KEEP_HEAP=0``.
"""

from __future__ import annotations

import ctypes
import logging
import os
import platform
import threading

log = logging.getLogger(__name__)

# mallopt(3) parameters (malloc.h)
M_TRIM_THRESHOLD = -1
M_MMAP_THRESHOLD = -3
M_ARENA_MAX = -8

MMAP_THRESHOLD = 1 << 30  # blocks above this still get their own mapping
TRIM_THRESHOLD = (1 << 31) - 1  # the largest a C int allows: never trim on free

# Settings of glibc's own that mean the user has chosen; DOCDENOISE_KEEP_HEAP=0 opts out.
USER_SETTINGS = (
    "MALLOC_MMAP_THRESHOLD_",
    "MALLOC_TRIM_THRESHOLD_",
    "MALLOC_ARENA_MAX",
    "MALLOC_TOP_PAD_",
    "GLIBC_TUNABLES",
)
OPT_OUT = "DOCDENOISE_KEEP_HEAP"

_lock = threading.Lock()
_outcome: str | None = None  # "tuned", or why not, once tune() has run
_libc: ctypes.CDLL | None = None  # glibc, once tuned


def _glibc() -> ctypes.CDLL | None:
    if platform.system() != "Linux" or platform.libc_ver()[0] != "glibc":
        return None
    try:
        return ctypes.CDLL("libc.so.6")  # glibc's soname on every Linux (find_library forks)
    except OSError:
        return None


def tune() -> str:
    """Apply the settings above once per process; returns ``"tuned"`` or why it did not."""
    global _outcome, _libc
    with _lock:
        if _outcome is not None:
            return _outcome
        if os.environ.get(OPT_OUT, "").strip() == "0":
            _outcome = f"left alone: {OPT_OUT}=0"
        elif chosen := [name for name in USER_SETTINGS if name in os.environ]:
            _outcome = f"left alone: {chosen[0]} is set"
        elif (libc := _glibc()) is None:
            _outcome = "left alone: not glibc"
        else:
            settings = (
                (M_MMAP_THRESHOLD, MMAP_THRESHOLD),
                (M_TRIM_THRESHOLD, TRIM_THRESHOLD),
                (M_ARENA_MAX, 1),
            )
            refused = [param for param, value in settings if libc.mallopt(param, value) != 1]
            _outcome = "tuned" if not refused else f"partly: mallopt refused {refused}"
            _libc = libc
        log.debug("C heap: %s", _outcome)
        return _outcome


def release() -> bool:
    """Hand the heap's free memory back to the system; ``True`` if any was returned."""
    if _libc is None:
        return False
    return bool(_libc.malloc_trim(0))
