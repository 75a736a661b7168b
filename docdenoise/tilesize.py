"""How large a tile fits in a GPU's memory. Pure arithmetic, no torch: testable without a GPU.

The network's activation memory grows with the pixels it sees, so a tile is sized from the free
memory (``torch.cuda.mem_get_info`` on CUDA, passed in here) and the bytes the forward pass
allocates per input pixel, counted from the model's channel widths.
"""

from __future__ import annotations

import math

from docdenoise.model import ModelConfig

MAX_AUTO_TILE = 4096  # beyond this the halo costs <5% and only progress and cancel get coarser
MEMORY_BUDGET = 0.5  # of the free memory: headroom for convolution workspaces and other users


def activation_elements_per_pixel(config: ModelConfig) -> float:
    """Elements of every tensor one forward pass creates, its input included, per input pixel.

    An upper bound on what is alive at once (the pass frees most of them as it goes; on the CPU
    the peak is about half of this): each stage counts its convolution, ReLU, shuffle and
    concatenation outputs at that stage's resolution (1/2 scale: 1/4 of the pixels, 1/4 scale:
    1/16, 1/8 scale: 1/64). ``tests/test_tilesize.py`` checks it against the tensors a real
    forward pass creates.
    """
    c1, c2, c3 = config.channels
    skip = 4 if config.input_skip else 0
    ends = 4 + 3  # input, times 2, minus 1, unshuffled; last conv, shuffle, sigmoid
    encoder = c1 + c2 / 4 + c3 / 32  # 4 tensors of c1 at 1/2, 4 of c2 at 1/4, 2 of c3 at 1/8
    bottleneck = config.bottleneck_blocks * c3 / 16  # 2 convs, sum, ReLU at 1/8
    decoder = 3 * c2 / 16 + c2 / 4 + 3 * c1 / 4 + c1 + skip / 4  # up2, dec2, up1, dec1a
    return ends + encoder + bottleneck + decoder


def activation_bytes_per_pixel(config: ModelConfig, element_bytes: int = 4) -> float:
    """Bytes per input pixel of one forward pass (``element_bytes``: 4 for fp32, 2 for fp16)."""
    return activation_elements_per_pixel(config) * element_bytes


def tile_for_memory(
    free_bytes: int,
    bytes_per_pixel: float,
    *,
    halo: int,
    align: int = 8,
    batch: int = 1,
    budget: float = MEMORY_BUDGET,
    cap: int = MAX_AUTO_TILE,
    floor: int = 64,
) -> int:
    """The largest tile (a multiple of ``align``) whose ``batch`` windows fit the budget.

    A window is the tile plus ``halo`` on each side; ``batch`` windows of ``bytes_per_pixel``
    must fit in ``budget * free_bytes``. Clamped to ``[floor, cap]``: below ``floor`` the halo
    dominates (and running out of memory then splits tiles anyway).
    """
    if free_bytes < 0 or bytes_per_pixel <= 0 or batch < 1:
        raise ValueError("free_bytes must be >= 0, bytes_per_pixel > 0 and batch >= 1")
    side = math.isqrt(int(budget * free_bytes / (batch * bytes_per_pixel)))
    tile = (side - 2 * halo) // align * align
    return max(floor, min(cap // align * align, tile))
