"""Denoiser: run the model over a page tile by tile, yielding progress; memory bounded by the tile.

``Denoiser.iter_denoise(pixels)`` is a generator: it yields a :class:`TileProgress` after every
tile and *returns* the clean page (``StopIteration.value``; :func:`~docdenoise.progress.drain`
gets it). The CLI draws a progress bar from it, the GUI worker turns it into signals, and
cancelling is simply not resuming it. Nothing per call is kept on ``self``, so one Denoiser may
serve many pages.

Arrays: pages are ``(H, W)`` greyscale, ``uint8`` (0..255), ``uint16`` (0..65535) or floating
point in ``[0, 1]``; 1.0/255 is white paper. Only the input page, the output page and one batch of
tile windows live at once, so a 20000x20000 page needs two page-sized ``uint8`` buffers.

The network runs in torch (any device) or, on the CPU, in ONNX Runtime (``backend="onnx"``, the
optional ``docdenoise[onnx]`` extra; :mod:`docdenoise.onnx_backend`). ``tile_batch`` tiles go
through one forward pass (windows padded to one shape with more page context, so the result is
the same); on CUDA the tile size follows the free memory (:mod:`docdenoise.tilesize`).

``passes`` above 1 averages the network's outputs over mirrored and turned copies of each tile
(:mod:`docdenoise.passes`): the bundled ``quality`` model runs in four, ``fast`` in one.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Generator, Sequence
from dataclasses import replace
from typing import Any

import numpy as np
import torch

from docdenoise import allocator
from docdenoise.assets import DEFAULT_MODEL, MODEL_NAMES, bundled_model
from docdenoise.device import DeviceChoice, cpu_threads, pick_backend, pick_device
from docdenoise.errors import DeviceError, OutOfMemoryError
from docdenoise.limits import MIN_TILE
from docdenoise.model import DenoiseNet, receptive_field_radius
from docdenoise.page import to_unit
from docdenoise.passes import PASSES, TURNS, Forward, averaged_over_turns
from docdenoise.progress import TileProgress, drain
from docdenoise.scanink import keep_scan_ink
from docdenoise.tilesize import activation_bytes_per_pixel, tile_for_memory
from docdenoise.tiling import Tile, grow_window, plan_tiles, read_window, split_tile, write_core
from docdenoise.weights import load_weights

log = logging.getLogger(__name__)

# The tile bounds memory, and a page pays for the halos (141 px for the bundled network) between
# its tiles: at 2048 a 300-dpi A4 page is two strips the page's width whose windows hold 1.09
# times its pixels (1.21 at 1536), and cleans at least as fast as in one window: bench/tiling.py,
# in four runs 1.24 to 1.42 times as fast as the square tiles before 2026-12-05.
DEFAULT_TILE_CPU = 2048
DEFAULT_TILE_GPU = 2048  # Apple MPS, which cannot tell its free memory; CUDA sizes from it
DEFAULT_TILE_BATCH_GPU = 4  # tiles per forward pass on a GPU; the CPU gains nothing (1)
# The network's output at PAPER_WHITE or above is paper, and written white. Its sigmoid nears
# white without reaching it, and on some pages it leaves clean paper as a speckle of 253s and
# 254s among the 255s that nobody can see but that makes a PNG of the page up to three times
# larger and slower to write (docs/benchmarks.md, *endtoend*). Greys from PAPER_KNEE up are
# stretched to meet it, as a levels tool's white point does to its highlights; darker ones, ink
# and the edges of strokes, stay as they are. Continuous, so tiles and backends still agree. A
# knee at 0.9 cost 0.0004 of synthetic RMSE, this one 0.0002: the clean pages hold near-whites.
PAPER_WHITE = 0.99
PAPER_KNEE = 0.98


def _is_oom(exc: BaseException) -> bool:
    oom_type = getattr(torch, "OutOfMemoryError", None)
    if oom_type is not None and isinstance(exc, oom_type):
        return True
    return isinstance(exc, RuntimeError | MemoryError) and "out of memory" in str(exc).lower()


def from_unit_float(values: np.ndarray, dtype: np.dtype[Any]) -> np.ndarray:
    """The network's ``(h, w)`` output in [0, 1] -> ``dtype`` (uint8 rounded, or float32), its
    highlights stretched so that :data:`PAPER_WHITE` and above are white."""
    knee, white = np.float32(PAPER_KNEE), np.float32(PAPER_WHITE)
    # the line through (knee, knee) and (white, 1): under the knee it lies below the values
    stretched = (values - knee) * ((1 - knee) / (white - knee)) + knee
    unit = np.clip(np.maximum(values, stretched, dtype=np.float32), 0, 1)
    if dtype == np.uint8:
        return (unit * np.float32(255) + np.float32(0.5)).astype(np.uint8)
    return unit.astype(dtype, copy=False)


class Denoiser:
    """A loaded model on a device, ready to clean pages of any size.

    ``backend``: ``torch`` (default), ``onnx`` (ONNX Runtime, CPU) or ``auto`` (ONNX Runtime on
    the CPU when installed, else torch). ``tile``: pixels per tile side; ``None`` picks one for
    the device. ``tile_batch``: tiles per forward pass; ``None`` gives 1 on the CPU and
    :data:`DEFAULT_TILE_BATCH_GPU` on a GPU. ``0`` for either means ``None``. ``passes``: runs
    of the network over copies of each tile (:data:`TURNS`), averaged; ``None`` takes the
    bundled model's own (``fast``: 1, ``quality``: 4) and 1 for a model file. ``keep_ink``: put
    the scan's own ink back where the network did not find paper (:mod:`docdenoise.scanink`);
    False gives the network's output alone.
    """

    def __init__(
        self,
        model: str | os.PathLike[str] | DenoiseNet = DEFAULT_MODEL,
        *,
        device: str = "auto",
        tile: int | None = None,
        half: bool | None = None,
        backend: str = "torch",
        tile_batch: int | None = None,
        passes: int | None = None,
        keep_ink: bool = True,
    ) -> None:
        allocator.tune()  # large tensors reuse the heap instead of being faulted in on each tile
        bundled = bundled_model(model) if isinstance(model, str) and model in MODEL_NAMES else None
        self.passes = int(passes) if passes else (bundled.passes if bundled else 1)
        if self.passes not in TURNS:
            raise ValueError(f"passes must be one of {', '.join(map(str, PASSES))}, got {passes}")
        self.bundled_name = bundled.name if bundled else None
        self.keep_ink = keep_ink
        if isinstance(model, DenoiseNet):
            net, self.card = model, dict[str, Any]()
        else:
            net, self.card = load_weights(model)
        self.choice: DeviceChoice = pick_backend(backend, pick_device(device, half=half))
        gpu = self.choice.device.type != "cpu"
        self.tile_batch = int(tile_batch) if tile_batch else (DEFAULT_TILE_BATCH_GPU if gpu else 1)
        if self.tile_batch < 1:
            raise ValueError(f"tile_batch must be at least 1, got {self.tile_batch}")
        if tile and int(tile) < MIN_TILE:
            raise ValueError(f"tile must be at least {MIN_TILE} pixels, got {tile}")
        net = net.to(self.choice.device, self.choice.dtype).eval()
        self.model = net.to(memory_format=torch.channels_last)  # type: ignore[call-overload]
        self.halo = receptive_field_radius(net.config)
        self.align = net.config.alignment
        onnx = self._onnx_forward(net, backend) if self.choice.backend == "onnx" else None
        self._forward: Forward = averaged_over_turns(onnx or self._torch_forward, self.passes)
        self.tile = int(tile) if tile else self._default_tile()

    @property
    def model_name(self) -> str:
        """The bundled name it was asked for, else the card's."""
        return self.bundled_name or str(self.card.get("name", "custom model"))

    def _onnx_forward(self, net: DenoiseNet, requested: str) -> Forward | None:
        """An ONNX Runtime session for ``net``; under ``auto`` a failure falls back to torch."""
        from docdenoise.onnx_backend import OnnxRunner

        try:
            return OnnxRunner(net, cpu_threads())
        except Exception as exc:
            why = (str(exc).strip().splitlines() or [type(exc).__name__])[0][:200]
            if requested.strip().lower() != "auto":
                raise DeviceError(
                    None, f"ONNX Runtime cannot run the model: {why}", "use --backend torch"
                ) from exc
            log.warning("ONNX Runtime cannot run the model (%s); using torch", why)
            reason = f"{self.choice.reason}; ONNX Runtime failed, torch used"
            self.choice = replace(self.choice, backend="torch", reason=reason)
            return None

    def _default_tile(self) -> int:
        """CUDA: from the free memory and the model's activations; else the measured default."""
        if self.choice.device.type == "cuda":
            free, _total = torch.cuda.mem_get_info(self.choice.device)
            element_bytes = torch.finfo(self.choice.dtype).bits // 8
            per_pixel = activation_bytes_per_pixel(self.model.config, element_bytes)
            tile = tile_for_memory(
                free, per_pixel, halo=self.halo, align=self.align, batch=self.tile_batch
            )
            log.info("tile %d px for %.1f GB of free CUDA memory", tile, free / 1e9)
            return tile
        return DEFAULT_TILE_GPU if self.choice.device.type != "cpu" else DEFAULT_TILE_CPU

    def _torch_forward(self, batch: np.ndarray) -> np.ndarray:
        x = torch.from_numpy(batch).to(self.choice.device, self.choice.dtype)
        with torch.inference_mode():
            y = self.model(x.contiguous(memory_format=torch.channels_last))
        return y.float().cpu().numpy()

    def run_windows(self, windows: Sequence[np.ndarray]) -> np.ndarray:
        """Clean same-shape windows in one forward pass: ``n x (h, w)`` -> ``(n, h, w)`` float32.

        Inputs are any page dtype; outputs are in [0, 1]. ``h`` and ``w`` must be multiples of
        ``self.align``.
        """
        batch = np.empty((len(windows), 1, *windows[0].shape), dtype=np.float32)
        for index, window in enumerate(windows):
            batch[index, 0] = to_unit(window)
        return self._forward(batch)[:, 0]

    def run_window(self, window: np.ndarray) -> np.ndarray:
        """Clean one window: ``(h, w)`` any page dtype -> ``(h, w)`` float32 in [0, 1].

        ``h`` and ``w`` must be multiples of ``self.align``.
        """
        return self.run_windows([window])[0]

    def _release_memory(self) -> None:
        if self.choice.device.type == "cuda":
            torch.cuda.empty_cache()

    def _clean_tile(self, page: np.ndarray, out: np.ndarray, tile: Tile, size: int) -> str:
        """Clean one tile into ``out``; on out-of-memory, split it and retry. Returns a note."""
        try:
            result = self.run_window(read_window(page, tile))
        except Exception as exc:
            if not _is_oom(exc):
                raise
            smaller = size // 2
            self._release_memory()
            if smaller < MIN_TILE:
                raise OutOfMemoryError(None, f"out of memory even at tile {size}") from exc
            note = f"out of memory at tile {size}; retrying with tile {smaller}"
            log.warning(note)
            for sub in split_tile(tile, smaller, self.halo, self.align, page.shape):
                inner = self._clean_tile(page, out, sub, smaller)
            return f"{note}; {inner}" if inner else note
        write_core(out, tile, from_unit_float(result, out.dtype))
        return ""

    def _clean_group(self, page: np.ndarray, out: np.ndarray, group: Sequence[Tile]) -> str:
        """Clean tiles in one forward pass; on out-of-memory, halve the group. Returns a note.

        Windows are grown to the group's largest shape by reading more of the page around them
        (:func:`grow_window`): cores see the same pixels and edges, so results do not change.
        """
        if len(group) == 1:
            return self._clean_tile(page, out, group[0], self.tile)
        shape = max(t.window_shape[0] for t in group), max(t.window_shape[1] for t in group)
        padded = [grow_window(t, shape, page.shape, self.align) for t in group]
        try:
            results = self.run_windows([read_window(page, t) for t in padded])
        except Exception as exc:
            if not _is_oom(exc):
                raise
            self._release_memory()
            half = len(group) // 2
            note = f"out of memory with {len(group)} tiles at once; retrying {half} at a time"
            log.warning(note)
            inner = [self._clean_group(page, out, part) for part in (group[:half], group[half:])]
            return "; ".join([note, *(n for n in inner if n)])
        for tile, result in zip(padded, results, strict=True):
            write_core(out, tile, from_unit_float(result, out.dtype))
        return ""

    def iter_denoise(
        self, pixels: np.ndarray, *, dtype: type[np.generic] = np.uint8
    ) -> Generator[TileProgress, None, np.ndarray]:
        """Clean ``pixels`` (``(H, W)``, see module doc); yields per tile, returns the clean page.

        The result is ``(H, W)`` ``dtype``: uint8 by default, or float32 in [0, 1]. With
        ``tile_batch`` above 1 the yields of one batch come together after its pass.
        """
        if pixels.ndim != 2:
            raise ValueError(f"expected a (H, W) greyscale page, got shape {pixels.shape}")
        height, width = pixels.shape
        out = np.empty((height, width), dtype=dtype)
        tiles = plan_tiles(height, width, self.tile, self.halo, self.align)
        batch, done = self.tile_batch, 0
        while done < len(tiles):
            group = tiles[done : done + batch]
            note = self._clean_group(pixels, out, group)
            if note:  # ran out of memory: fewer tiles at once for the rest of the page
                batch = max(1, batch // 2)
            for tile_note in [note] + [""] * (len(group) - 1):
                done += 1
                yield TileProgress(done, len(tiles), tile_note)
        if self.keep_ink:
            keep_scan_ink(pixels, out)
        return out

    def denoise(self, pixels: np.ndarray, *, dtype: type[np.generic] = np.uint8) -> np.ndarray:
        """Clean a whole page without progress reports."""
        return drain(self.iter_denoise(pixels, dtype=dtype))
