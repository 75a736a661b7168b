"""Peak memory of a call, measured in a child process; a helper, not a test module.

``ru_maxrss`` cannot measure a call in the test process: it is the process's peak so far, and
pytest has held torch, models and pages, so a call that stays under that earlier peak reads as
growing by nothing. Nor in a child started from the tests: Linux hands a child its parent's
peak at ``exec``. So the child here resets its own peak (``/proc/self/clear_refs``) right before
each call and reads it (``VmHWM``) right after: the growth is what the call touched. Linux only
(:func:`can_measure`).
"""

from __future__ import annotations

import json
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

PEAK_PRELUDE = r'''
def _status_kib(key):
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith(key + ":"):
                return int(line.split()[1])
    raise RuntimeError(key + " is not in /proc/self/status")


def reset_peak():
    """From now on VmHWM is the peak since this call; returns the resident KiB now."""
    with open("/proc/self/clear_refs", "w") as refs:
        refs.write("5")
    return _status_kib("VmRSS")


def peak_growth_kib(base):
    """KiB by which the peak since reset_peak() passed what was resident then."""
    return _status_kib("VmHWM") - base
'''

_CALLS = r"""
import importlib, json, sys, time

for module in filter(None, sys.argv[2].split(",")):  # imported before any call is measured
    importlib.import_module(module)
module, name = sys.argv[1].split(":")
function = getattr(importlib.import_module(module), name)
results = {}
for arg in sys.argv[3:]:
    base = reset_peak()
    started = time.perf_counter()
    try:
        function(arg)
        outcome, message = "returned", ""
    except BaseException as exc:
        outcome, message = type(exc).__name__, str(exc)
    seconds = time.perf_counter() - started
    results[arg] = [outcome, message, seconds, peak_growth_kib(base)]
print(json.dumps(results))
"""


def can_measure() -> bool:
    return Path("/proc/self/clear_refs").exists()


@dataclass(frozen=True)
class Call:
    """How one call ended: ``outcome`` is ``returned`` or the exception's class name."""

    outcome: str
    message: str
    seconds: float
    peak_growth_mib: float


def measure_calls(
    function: str, args: list[str], preload: tuple[str, ...] = (), timeout: float = 120
) -> dict[str, Call]:
    """``function`` (``module:name``) called on each of ``args`` in one fresh Python, each call
    measured on its own; ``preload``: modules imported first, so no call pays for an import."""
    done = subprocess.run(
        [sys.executable, "-c", PEAK_PRELUDE + _CALLS, function, ",".join(preload), *args],
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )
    if done.returncode != 0:
        raise RuntimeError(f"the measuring child failed:\n{done.stderr[-3000:]}")
    results = json.loads(done.stdout.splitlines()[-1])
    return {arg: Call(o, m, s, kib / 1024) for arg, (o, m, s, kib) in results.items()}
