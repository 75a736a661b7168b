"""The ranges of user-set values (docdenoise.limits): what they allow, clamp to and say."""

from __future__ import annotations

import math

import pytest

from docdenoise import limits
from docdenoise.limits import Limit


def test_a_bounded_whole_number_range() -> None:
    tile = Limit(64, 8192)
    assert [tile.allows(v) for v in (63, 64, 8192, 8193)] == [False, True, True, False]
    assert [tile.clamp(v) for v in (-1, 10, 500, 10**9)] == [64, 64, 500, 8192]
    assert tile.parse("500") == 500 and isinstance(tile.parse("500"), int)
    assert tile.describe() == "a whole number from 64 to 8192"
    for text in ("63", "8193", "500.0", "", "auto"):
        with pytest.raises(ValueError) as caught:
            tile.parse(text)
        assert str(caught.value) == f"must be a whole number from 64 to 8192, not {text!r}"


def test_an_open_range_and_a_range_of_numbers() -> None:
    workers = Limit(1)
    assert workers.allows(10**12) and not workers.allows(0)
    assert workers.clamp(-7) == 1 and workers.clamp(10**12) == 10**12
    assert workers.describe() == "a whole number, at least 1"
    strength = Limit(0.0, 1.0)
    assert strength.parse("0.25") == 0.25 and strength.parse("1") == 1.0
    assert strength.describe() == "a number from 0.0 to 1.0"
    for text in ("nan", "inf", "-0.01", "1.01"):
        with pytest.raises(ValueError) as caught:
            strength.parse(text)
        assert str(caught.value) == f"must be a number from 0.0 to 1.0, not {text!r}"
    assert not strength.allows(math.nan)


def test_the_ranges_are_what_the_core_accepts() -> None:
    """Tiles below the core's minimum fail in the Denoiser; thresholds outside 1..255 when the
    page is written; a page limit below 1 refuses every page."""
    from docdenoise.inference import MIN_TILE

    assert limits.TILE.low == MIN_TILE
    assert (limits.BW_THRESHOLD.low, limits.BW_THRESHOLD.high) == (1, 255)
    assert limits.BW_THRESHOLD.allows(limits.DEFAULT_BW_THRESHOLD)
    assert (limits.STRENGTH.low, limits.STRENGTH.high) == (0.0, 1.0)
    assert limits.MAX_PIXELS.low == 1
