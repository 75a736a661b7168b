"""Tile size from memory: the activation estimate against a real forward pass, and the arithmetic.

The CUDA path (``torch.cuda.mem_get_info`` feeding :func:`tile_for_memory`) needs a GPU; here the
memory figure is passed in.
"""

from __future__ import annotations

from typing import Any

import pytest
import torch
from torch.utils._python_dispatch import TorchDispatchMode

from docdenoise.model import DenoiseNet, ModelConfig, receptive_field_radius
from docdenoise.tilesize import (
    MAX_AUTO_TILE,
    activation_bytes_per_pixel,
    activation_elements_per_pixel,
    tile_for_memory,
)


class AllocatedBytes(TorchDispatchMode):
    """Sums the bytes of every tensor the ops under it create (not in-place results or views)."""

    def __init__(self) -> None:
        super().__init__()
        self.total = 0

    def __torch_dispatch__(self, func: Any, types: Any, args: Any = (), kwargs: Any = None) -> Any:
        kwargs = kwargs or {}
        tensors = [a for a in (*args, *kwargs.values()) if isinstance(a, torch.Tensor)]
        inputs = {a.untyped_storage().data_ptr() for a in tensors}
        out = func(*args, **kwargs)
        for tensor in out if isinstance(out, tuple | list) else [out]:
            created = isinstance(tensor, torch.Tensor) and (
                tensor.untyped_storage().data_ptr() not in inputs
            )
            if created:
                self.total += tensor.untyped_storage().nbytes()
        return out


@pytest.mark.parametrize(
    "config",
    [
        ModelConfig(),
        ModelConfig(channels=(16, 32, 64), input_skip=True),
        ModelConfig(channels=(24, 48, 96), bottleneck_blocks=3),
        ModelConfig(channels=(8, 8, 8), bottleneck_blocks=0, input_skip=True),
    ],
)
def test_activation_estimate_counts_every_tensor_of_a_forward_pass(config: ModelConfig) -> None:
    """Every byte of every tensor a forward pass creates, its input included."""
    net = DenoiseNet(config).eval()
    side = 128
    x = torch.rand(1, 1, side, side)
    with torch.inference_mode(), AllocatedBytes() as counter:
        net(x)
    measured = (counter.total + x.nbytes) / side**2
    estimate = activation_bytes_per_pixel(config)
    assert estimate == pytest.approx(measured, rel=0.01)
    assert activation_bytes_per_pixel(config, 2) == estimate / 2  # fp16 halves it


def test_the_shipped_widths_give_80_elements_per_pixel() -> None:
    assert activation_elements_per_pixel(ModelConfig(input_skip=True)) == 80


def test_the_tile_fills_the_budget_and_no_more() -> None:
    per_pixel = activation_bytes_per_pixel(ModelConfig(), 2)
    halo = receptive_field_radius(ModelConfig())
    free = 2 * 2**30  # a small GPU with 2 GiB free
    for batch in (1, 4):
        tile = tile_for_memory(free, per_pixel, halo=halo, batch=batch)
        assert tile % 8 == 0 and 64 < tile < MAX_AUTO_TILE

        def used(side: int, batch: int = batch) -> float:
            return batch * (side + 2 * halo) ** 2 * per_pixel

        assert used(tile) <= 0.5 * free < used(tile + 8)
    assert tile_for_memory(free, per_pixel, halo=halo, batch=4) < tile_for_memory(
        free, per_pixel, halo=halo
    )


def test_the_tile_is_capped_and_floored() -> None:
    per_pixel = activation_bytes_per_pixel(ModelConfig())
    assert tile_for_memory(139 * 2**30, per_pixel, halo=48) == MAX_AUTO_TILE  # an H200
    assert tile_for_memory(10 * 2**20, per_pixel, halo=48) == 64  # 10 MiB: the floor
    assert tile_for_memory(0, per_pixel, halo=48, floor=128) == 128
    with pytest.raises(ValueError, match="batch"):
        tile_for_memory(2**30, per_pixel, halo=48, batch=0)
