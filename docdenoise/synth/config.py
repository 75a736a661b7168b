"""The frozen settings of the synthetic page generator. A data set is this config plus seeds."""

from __future__ import annotations

from dataclasses import dataclass

LAYOUTS = ("form", "letter", "text", "table")


@dataclass(frozen=True)
class SynthConfig:
    """What pages to draw and how to spoil them.

    ``dpi_range`` and ``pt_range`` bound the scan resolution and body text size; ``layouts``
    lists the page kinds to draw from; ``degradations`` the degradation names to mix (None: all,
    see ``DEGRADATIONS``); ``max_degradations`` caps how many are applied to one page.
    """

    dpi_range: tuple[int, int] = (150, 400)
    pt_range: tuple[float, float] = (8.0, 16.0)
    layouts: tuple[str, ...] = LAYOUTS
    degradations: tuple[str, ...] | None = None
    max_degradations: int = 5

    def __post_init__(self) -> None:
        lo, hi = self.dpi_range
        if not 50 <= lo <= hi <= 1200:
            raise ValueError(
                f"dpi_range must satisfy 50 <= low <= high <= 1200, got {self.dpi_range}"
            )
        plo, phi = self.pt_range
        if not 4.0 <= plo <= phi <= 72.0:
            raise ValueError(f"pt_range must satisfy 4 <= low <= high <= 72, got {self.pt_range}")
        unknown = [name for name in self.layouts if name not in LAYOUTS]
        if unknown or not self.layouts:
            raise ValueError(f"layouts must be a non-empty subset of {LAYOUTS}, got {self.layouts}")
        if self.degradations is not None:
            from docdenoise.synth.degrade import check_names  # late: degrade imports this module

            check_names(self.degradations)
        if self.max_degradations < 0:
            raise ValueError(f"max_degradations must be >= 0, got {self.max_degradations}")
