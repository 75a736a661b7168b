"""Small test pages shared by the batch, executor and fault tests."""

from __future__ import annotations

import numpy as np


def ink(seed: int, height: int = 96, width: int = 80) -> np.ndarray:
    rng = np.random.default_rng(seed)
    pixels = np.full((height, width), 225, dtype=np.uint8)
    pixels[20:40, 8:-8] = rng.integers(0, 70, (20, width - 16), dtype=np.uint8)
    return pixels
