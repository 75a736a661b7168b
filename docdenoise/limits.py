"""The ranges of the values a user sets, in one place. No Qt, no torch.

The CLI checks its options against them as it parses them (a value out of range is one line and
exit code 2, before any work); the GUI's settings clamp what they load to them and its spin boxes
offer no more. Each range is what the core accepts: a value inside it never fails later.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Generic, TypeVar

Number = TypeVar("Number", int, float)


@dataclass(frozen=True)
class Limit(Generic[Number]):
    """Values from ``low`` to ``high`` inclusive (``high`` None: no upper bound), of ``low``'s
    type: whole numbers where ``low`` is an ``int``."""

    low: Number
    high: Number | None = None

    def allows(self, value: Number) -> bool:
        """Whether ``value`` is in range (NaN never is)."""
        return self.low <= value and (self.high is None or value <= self.high)

    def clamp(self, value: Number) -> Number:
        """The allowed value nearest to ``value``."""
        value = max(self.low, value)
        return value if self.high is None else min(self.high, value)

    def describe(self) -> str:
        """What is allowed, in words: ``a whole number from 64 to 8192``."""
        kind = "a whole number" if isinstance(self.low, int) else "a number"
        if self.high is None:
            return f"{kind}, at least {self.low}"
        return f"{kind} from {self.low} to {self.high}"

    def parse(self, text: str) -> Number:
        """``text`` as an allowed value; ValueError saying what is allowed otherwise."""
        try:
            value = type(self.low)(text)
        except ValueError:
            value = None
        if value is None or not self.allows(value):
            raise ValueError(f"must be {self.describe()}, not {text!r}")
        return value


# Pixels a tile side. Below 64 a tile's window is mostly halo (141 px on each side for the bundled
# networks) and the core refuses it (docdenoise.inference); a tile is rounded down to the model's
# alignment (docdenoise.tiling), so any whole number in range will do. Above 8192 a larger tile
# buys only memory use and coarser progress (automatic tiles stop at 4096: docdenoise.tilesize).
MIN_TILE, MAX_TILE = 64, 8192
TILE = Limit(MIN_TILE, MAX_TILE)
MAX_PIXELS = Limit(1)  # pixels a page may hold (a decompression-bomb guard: docdenoise.page)
STRENGTH = Limit(0.0, 1.0)  # 0: the page as it was, 1: as the model cleaned it
BW_THRESHOLD = Limit(1, 255)  # black and white output: greys below it are ink
DEFAULT_BW_THRESHOLD = 160
WORKERS = Limit(1)  # Ray workers (docdenoise.cluster)
CPUS_PER_WORKER = Limit(1)
