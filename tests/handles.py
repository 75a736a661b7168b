"""Count this process's open file descriptors on given files or folders (Linux ``/proc``).

Counting only the descriptors on the files a test works with keeps a "no handle left open"
check exact, while descriptors that other tests or background threads open and close (sockets,
pipes, descriptors waiting for the garbage collector) come and go meanwhile: a count of all
descriptors once failed for no fault of the code under test.
"""

from __future__ import annotations

import contextlib
import os
from pathlib import Path

FD_DIR = Path("/proc/self/fd")


def open_handles(*paths: Path) -> int | None:
    """Descriptors on any of ``paths`` (a file itself, or anything under a folder); ``None``
    where there is no ``/proc``."""
    if not FD_DIR.is_dir():
        return None
    targets = [str(Path(p).resolve()) for p in paths]
    count = 0
    for name in os.listdir(FD_DIR):
        with contextlib.suppress(OSError):  # closed between listing and reading
            link = os.readlink(FD_DIR / name)
            count += any(link == t or link.startswith(t + os.sep) for t in targets)
    return count
