"""The names of the degradations, in the physical order they are applied, and their check.

A bottom module (it imports nothing of synth): `SynthConfig` checks the names it is given here
without importing the degradations; ``docdenoise.synth.degrade.DEGRADATIONS`` maps each name to
its function and ``docdenoise.synth.mix.WEIGHTS`` gives each its odds in the random mix.
"""

from __future__ import annotations

from collections.abc import Sequence

from docdenoise.errors import UsageError

# Physical order: ink, then paper, then damage to the sheet, then the scanner.
DEGRADATION_NAMES: tuple[str, ...] = (
    "faded_ink",
    "ink_bleed",
    "bleed_through",
    "paper_texture",
    "paper_tone",
    "watermark",
    "water_stain",
    "tea_stain",
    "coffee_stain",
    "footprint",
    "smudge",
    "crumple",
    "fold",
    "uneven_lighting",
    "scanner_shadow",
    "salt_pepper",
    "blur",
    "scanner_streaks",
    "sensor_noise",
    "jpeg",
)


class UnknownDegradationError(UsageError, ValueError):
    """A degradation name that is not in DEGRADATION_NAMES."""


def check_names(names: Sequence[str]) -> tuple[str, ...]:
    """``names`` in application order; raises UnknownDegradationError for an unknown one."""
    unknown = [n for n in names if n not in DEGRADATION_NAMES]
    if unknown:
        raise UnknownDegradationError(
            None,
            f"unknown degradation {', '.join(map(repr, unknown))}",
            f"choose from: {', '.join(DEGRADATION_NAMES)}",
        )
    return tuple(n for n in DEGRADATION_NAMES if n in set(names))
