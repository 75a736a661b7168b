"""Progress of long work: the tile record the core yields, and the arithmetic of fractions and ETA.

Plain Python, no torch: the CLI's progress bar and the GUI's status bar and batch dialog all
count the same way. A run of ``count`` items (files of a batch, pages of a GUI run) is
``(index + within) / count`` done while item ``index`` is ``within`` (0..1) done.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Generator
from dataclasses import dataclass
from typing import Any, TypeVar

__all__ = ["EtaClock", "TileProgress", "drain", "relay", "run_fraction"]

T = TypeVar("T")
In = TypeVar("In")
Out = TypeVar("Out")


@dataclass(frozen=True)
class TileProgress:
    """``done`` of ``total`` tiles of the current page are clean; ``note`` tells of a retry."""

    done: int
    total: int
    note: str = ""

    @property
    def fraction(self) -> float:
        """How much of the page is clean, 0..1."""
        return self.done / self.total


def run_fraction(index: int, count: int, within: float = 0.0) -> float:
    """The fraction of a run of ``count`` items done while item ``index`` is ``within`` done."""
    return (index + within) / max(1, count)


class EtaClock:
    """Seconds left from the fraction done: the time so far times ``(1 - f) / f``.

    None until there is something to go on: nothing done yet, or less than ``settle`` seconds
    gone (the GUI waits half a second; the CLI's bar shows an estimate at once).
    """

    def __init__(self, settle: float = 0.5) -> None:
        self.started = time.monotonic()
        self.settle = settle

    def eta(self, fraction: float, now: float | None = None) -> float | None:
        elapsed = (time.monotonic() if now is None else now) - self.started
        if fraction <= 0.0 or elapsed < self.settle:
            return None
        return elapsed * (1.0 - fraction) / fraction


def drain(gen: Generator[Any, None, T]) -> T:
    """Run a progress generator to its end and return its value."""
    while True:
        try:
            next(gen)
        except StopIteration as stop:
            return stop.value


def relay(gen: Generator[In, None, T], wrap: Callable[[In], Out]) -> Generator[Out, None, T]:
    """``gen``'s progress passed on through ``wrap``, and its value returned.

    Closing the relay (a cancel) closes ``gen`` at once, not when garbage is collected.
    """
    try:
        while True:
            try:
                item = next(gen)
            except StopIteration as stop:
                return stop.value
            yield wrap(item)
    finally:
        gen.close()
