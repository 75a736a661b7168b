"""Denoiser: run the model over a page tile by tile, yielding progress; memory bounded by the tile.

``Denoiser.iter_denoise(pixels)`` is a generator: it yields a :class:`TileProgress` after every
tile and *returns* the clean page (``StopIteration.value``; :func:`drain` gets it). The CLI draws
a progress bar from it, the GUI worker turns it into signals, and cancelling is simply not
resuming it. Nothing per call is kept on ``self``, so one Denoiser may serve many pages.

Arrays: pages are ``(H, W)`` greyscale, ``uint8`` (0..255), ``uint16`` (0..65535) or floating
point in ``[0, 1]``; 1.0/255 is white paper. Only the input page, the output page and one tile's
window live at once, so a 20000x20000 page needs two page-sized ``uint8`` buffers.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Generator
from dataclasses import dataclass
from typing import Any, TypeVar

import numpy as np
import torch

from docdenoise.device import DeviceChoice, pick_device
from docdenoise.errors import OutOfMemoryError
from docdenoise.model import DenoiseNet, receptive_field_radius
from docdenoise.tiling import Tile, plan_tiles, read_window, split_tile, write_core
from docdenoise.weights import DEFAULT_MODEL, load_weights

log = logging.getLogger(__name__)

DEFAULT_TILE_CPU = 1536  # least halo overhead; bench/throughput.py: 5.2 MP/s (1024: 5.16)
DEFAULT_TILE_GPU = 2048
MIN_TILE = 64
T = TypeVar("T")


@dataclass(frozen=True)
class TileProgress:
    """``done`` of ``total`` tiles of the current page are clean; ``note`` tells of a retry."""

    done: int
    total: int
    note: str = ""


def drain(gen: Generator[Any, None, T]) -> T:
    """Run a progress generator to its end and return its value."""
    while True:
        try:
            next(gen)
        except StopIteration as stop:
            return stop.value


def _is_oom(exc: BaseException) -> bool:
    oom_type = getattr(torch, "OutOfMemoryError", None)
    if oom_type is not None and isinstance(exc, oom_type):
        return True
    return isinstance(exc, RuntimeError | MemoryError) and "out of memory" in str(exc).lower()


def to_unit_float(window: np.ndarray) -> np.ndarray:
    """``(h, w)`` uint8/uint16/float -> ``(h, w)`` float32 in [0, 1]."""
    if window.dtype == np.uint8:
        return window.astype(np.float32) * np.float32(1 / 255)
    if window.dtype == np.uint16:
        return window.astype(np.float32) * np.float32(1 / 65535)
    return np.clip(window, 0.0, 1.0, dtype=np.float32)


def from_unit_float(values: np.ndarray, dtype: np.dtype[Any]) -> np.ndarray:
    """``(h, w)`` float in [0, 1] -> ``dtype`` (uint8 rounded, or float32)."""
    if dtype == np.uint8:
        return np.clip(values * 255.0 + 0.5, 0, 255).astype(np.uint8)
    return values.astype(dtype, copy=False)


class Denoiser:
    """A loaded model on a device, ready to clean pages of any size."""

    def __init__(
        self,
        model: str | os.PathLike[str] | DenoiseNet = DEFAULT_MODEL,
        *,
        device: str = "auto",
        tile: int | None = None,
        half: bool | None = None,
    ) -> None:
        if isinstance(model, DenoiseNet):
            net, self.card = model, dict[str, Any]()
        else:
            net, self.card = load_weights(model)
        self.choice: DeviceChoice = pick_device(device, half=half)
        net = net.to(self.choice.device, self.choice.dtype).eval()
        self.model = net.to(memory_format=torch.channels_last)  # type: ignore[call-overload]
        self.halo = receptive_field_radius(net.config)
        self.align = net.config.alignment
        gpu = self.choice.device.type != "cpu"
        self.tile = int(tile) if tile else (DEFAULT_TILE_GPU if gpu else DEFAULT_TILE_CPU)
        if self.tile < MIN_TILE:
            raise ValueError(f"tile must be at least {MIN_TILE} pixels, got {self.tile}")

    @property
    def model_name(self) -> str:
        return str(self.card.get("name", "custom model"))

    def run_window(self, window: np.ndarray) -> np.ndarray:
        """Clean one window: ``(h, w)`` any page dtype -> ``(h, w)`` float32 in [0, 1].

        ``h`` and ``w`` must be multiples of ``self.align``.
        """
        x = torch.from_numpy(to_unit_float(window))[None, None]
        x = x.to(self.choice.device, self.choice.dtype).contiguous(
            memory_format=torch.channels_last
        )
        with torch.inference_mode():
            y = self.model(x)
        return y[0, 0].float().cpu().numpy()

    def _clean_tile(self, page: np.ndarray, out: np.ndarray, tile: Tile, size: int) -> str:
        """Clean one tile into ``out``; on out-of-memory, split it and retry. Returns a note."""
        try:
            result = self.run_window(read_window(page, tile))
        except Exception as exc:
            if not _is_oom(exc):
                raise
            smaller = size // 2
            if self.choice.device.type == "cuda":
                torch.cuda.empty_cache()
            if smaller < MIN_TILE:
                raise OutOfMemoryError(None, f"out of memory even at tile {size}") from exc
            note = f"out of memory at tile {size}; retrying with tile {smaller}"
            log.warning(note)
            for sub in split_tile(tile, smaller, self.halo, self.align):
                inner = self._clean_tile(page, out, sub, smaller)
            return f"{note}; {inner}" if inner else note
        write_core(out, tile, from_unit_float(result, out.dtype))
        return ""

    def iter_denoise(
        self, pixels: np.ndarray, *, dtype: type[np.generic] = np.uint8
    ) -> Generator[TileProgress, None, np.ndarray]:
        """Clean ``pixels`` (``(H, W)``, see module doc); yields per tile, returns the clean page.

        The result is ``(H, W)`` ``dtype``: uint8 by default, or float32 in [0, 1].
        """
        if pixels.ndim != 2:
            raise ValueError(f"expected a (H, W) greyscale page, got shape {pixels.shape}")
        height, width = pixels.shape
        out = np.empty((height, width), dtype=dtype)
        tiles = plan_tiles(height, width, self.tile, self.halo, self.align)
        for index, tile in enumerate(tiles, start=1):
            note = self._clean_tile(pixels, out, tile, self.tile)
            yield TileProgress(index, len(tiles), note)
        return out

    def denoise(self, pixels: np.ndarray, *, dtype: type[np.generic] = np.uint8) -> np.ndarray:
        """Clean a whole page without progress reports."""
        return drain(self.iter_denoise(pixels, dtype=dtype))
