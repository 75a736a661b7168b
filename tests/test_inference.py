"""Denoiser: progress per tile, input dtypes, out-of-memory retry, cancel by closing."""

from __future__ import annotations

from collections.abc import Generator, Iterator, Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pytest
import torch

from docdenoise.errors import OutOfMemoryError
from docdenoise.inference import (
    DEFAULT_TILE_BATCH_GPU,
    PAPER_KNEE,
    PAPER_WHITE,
    Denoiser,
    from_unit_float,
)
from docdenoise.progress import TileProgress


@pytest.fixture(scope="module")
def page() -> np.ndarray:
    rng = np.random.default_rng(3)
    page = np.full((300, 260), 235, dtype=np.uint8)
    page[40:60, 20:240] = rng.integers(0, 80, size=(20, 220), dtype=np.uint8)
    return page


def test_yields_progress_per_tile_and_returns_the_page(
    random_model_path: Path, page: np.ndarray, device: str
) -> None:
    den = Denoiser(random_model_path, device=device, tile=128)
    gen = den.iter_denoise(page)
    events: list[TileProgress] = []
    while True:
        try:
            events.append(next(gen))
        except StopIteration as stop:
            result = stop.value
            break
    assert [e.done for e in events] == list(range(1, 5))  # 2 x 2 cores: 152 x 136 and 148 x 124
    assert {e.total for e in events} == {4}
    assert result.shape == page.shape and result.dtype == np.uint8


def test_uint8_uint16_and_float_inputs_agree(random_model_path: Path, page: np.ndarray) -> None:
    den = Denoiser(random_model_path, device="cpu")
    a = den.denoise(page, dtype=np.float32)
    b = den.denoise(page.astype(np.uint16) * 257, dtype=np.float32)
    c = den.denoise(page.astype(np.float32) / 255, dtype=np.float32)
    assert np.abs(a - b).max() < 1e-5 and np.abs(a - c).max() < 1e-5


def test_rejects_colour_arrays(random_model_path: Path) -> None:
    den = Denoiser(random_model_path, device="cpu")
    with pytest.raises(ValueError, match="greyscale"):
        den.denoise(np.zeros((8, 8, 3), dtype=np.uint8))


def test_closing_the_generator_cancels_within_one_tile(
    random_model_path: Path, page: np.ndarray, monkeypatch: pytest.MonkeyPatch
) -> None:
    den = Denoiser(random_model_path, device="cpu", tile=64)
    calls = 0
    real = den.run_window

    def counting(window: np.ndarray) -> np.ndarray:
        nonlocal calls
        calls += 1
        return real(window)

    monkeypatch.setattr(den, "run_window", counting)
    gen = den.iter_denoise(page)
    next(gen)
    gen.close()
    assert calls == 1


def test_out_of_memory_retries_with_a_smaller_tile(
    random_model_path: Path, page: np.ndarray, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A simulated OOM for windows over 200 px: the tile is split and the result is unchanged."""
    den = Denoiser(random_model_path, device="cpu", tile=256)
    expected = den.denoise(page, dtype=np.float32)
    real = den.run_window

    def small_only(window: np.ndarray) -> np.ndarray:
        if max(window.shape) > 200:
            raise torch.OutOfMemoryError("CUDA out of memory. Tried to allocate 2.00 GiB")
        return real(window)

    monkeypatch.setattr(den, "run_window", small_only)
    events = []
    gen = den.iter_denoise(page, dtype=np.float32)
    while True:
        try:
            events.append(next(gen))
        except StopIteration as stop:
            got = stop.value
            break
    assert "out of memory at tile 256; retrying with tile 128" in events[0].note
    assert np.abs(got - expected).max() <= 1 / 255


def test_out_of_memory_at_the_smallest_tile_says_what_to_do(
    random_model_path: Path, page: np.ndarray, monkeypatch: pytest.MonkeyPatch
) -> None:
    den = Denoiser(random_model_path, device="cpu", tile=128)

    def always(window: np.ndarray) -> np.ndarray:
        raise torch.OutOfMemoryError("out of memory")

    monkeypatch.setattr(den, "run_window", always)
    with pytest.raises(OutOfMemoryError, match="smaller --tile"):
        den.denoise(page)


def test_tile_must_be_at_least_64(random_model_path: Path) -> None:
    with pytest.raises(ValueError, match="at least 64"):
        Denoiser(random_model_path, device="cpu", tile=32)


@pytest.mark.parametrize("tile_batch", [2, 3, 4])
def test_batched_tiles_equal_one_at_a_time(
    random_model_path: Path, page: np.ndarray, device: str, tile_batch: int
) -> None:
    """Tiles of different window shapes (at the page's edges and inside) share forward passes."""
    one = Denoiser(random_model_path, device=device, tile=64, tile_batch=1)
    many = Denoiser(random_model_path, device=device, tile=64, tile_batch=tile_batch)
    default = Denoiser(random_model_path, device=device, tile=64).tile_batch
    assert default == (1 if device == "cpu" else DEFAULT_TILE_BATCH_GPU)
    expected = one.denoise(page, dtype=np.float32)
    events = list(_events(many.iter_denoise(page, dtype=np.float32)))
    got = events.pop()
    assert [e.done for e in events] == list(range(1, 17))  # 4 x 4 tiles, one event each
    tolerance = 1e-5 if device == "cpu" else 1 / 255  # fp16 on a GPU, as in test_tiling.py
    assert float(np.abs(got - expected).max()) <= tolerance


def _events(gen: Generator[TileProgress, None, np.ndarray]) -> Iterator[Any]:
    """The generator's events, then its return value."""
    while True:
        try:
            yield next(gen)
        except StopIteration as stop:
            yield stop.value
            return


def test_out_of_memory_with_a_batch_halves_it_for_the_rest_of_the_page(
    random_model_path: Path, page: np.ndarray, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A simulated OOM for more than one window per pass: 4 -> 2 -> 1, same result."""
    den = Denoiser(random_model_path, device="cpu", tile=64, tile_batch=4)
    expected = den.denoise(page, dtype=np.float32)
    real = den.run_windows
    sizes: list[int] = []

    def one_only(windows: Sequence[np.ndarray]) -> np.ndarray:
        sizes.append(len(windows))
        if len(windows) > 1:
            raise torch.OutOfMemoryError("CUDA out of memory. Tried to allocate 2.00 GiB")
        return real(windows)

    monkeypatch.setattr(den, "run_windows", one_only)
    events = list(_events(den.iter_denoise(page, dtype=np.float32)))
    got = events.pop()
    assert events[0].note.startswith("out of memory with 4 tiles at once; retrying 2 at a time")
    assert "out of memory with 2 tiles at once; retrying 1 at a time" in events[0].note
    assert sizes[:7] == [4, 2, 1, 1, 2, 1, 1]  # the first batch, halved twice
    assert sizes[7] == 2 and sizes[-1] == 1  # the next batch starts at 2, later ones at 1
    assert float(np.abs(got - expected).max()) <= 1e-5


def test_tile_batch_must_be_positive(random_model_path: Path) -> None:
    with pytest.raises(ValueError, match="tile_batch"):
        Denoiser(random_model_path, device="cpu", tile_batch=-1)


def test_onnx_runtime_failing_under_auto_falls_back_to_torch(
    random_model_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    """``auto`` must still clean the page when the export or the runtime fails; ``onnx`` says so."""
    from docdenoise import onnx_backend
    from docdenoise.errors import DeviceError

    def broken(*_args: object) -> None:
        raise RuntimeError("export failed")

    monkeypatch.setattr("docdenoise.device.onnx_missing", lambda: [])
    monkeypatch.setattr(onnx_backend, "OnnxRunner", broken)
    den = Denoiser(random_model_path, device="cpu", backend="auto")
    assert den.choice.backend == "torch" and "ONNX Runtime failed" in den.choice.reason
    assert "using torch" in caplog.text
    assert den.denoise(np.full((40, 30), 90, np.uint8)).shape == (40, 30)
    with pytest.raises(DeviceError, match=r"export failed.*--backend torch"):
        Denoiser(random_model_path, device="cpu", backend="onnx")


# -- passes: the network run over mirrored and turned copies of each tile, averaged ----------


@pytest.fixture(scope="module")
def window() -> np.ndarray:
    """A square window of a page with lines of marks, so that no turn of it looks like another."""
    rng = np.random.default_rng(5)
    window = np.full((96, 96), 0.9, dtype=np.float32)
    window[20:28, 8:80] = rng.uniform(0.0, 0.4, size=(8, 72))
    window[50:90, 60:64] = 0.2
    return window


def _by_hand(one: Denoiser, window: np.ndarray, turns: Sequence[tuple[int, bool]]) -> np.ndarray:
    """The mean of one pass over each turn of ``window``, turned back: what passes should do."""
    outputs = []
    for quarter_turns, mirror in turns:
        turned = np.rot90(window, quarter_turns)
        turned = turned[:, ::-1] if mirror else turned
        out = one.run_window(np.ascontiguousarray(turned))
        out = out[:, ::-1] if mirror else out
        outputs.append(np.rot90(out, -quarter_turns))
    return np.mean(outputs, axis=0)


@pytest.mark.parametrize(
    ("passes", "turns"),
    [
        (2, [(0, False), (2, False)]),  # upright and upside down
        (4, [(0, False), (0, True), (2, False), (2, True)]),  # and their mirror images
        (8, [(k, mirror) for k in range(4) for mirror in (False, True)]),
    ],
)
def test_passes_average_the_network_over_turns_of_the_window(
    random_model_path: Path, window: np.ndarray, passes: int, turns: list[tuple[int, bool]]
) -> None:
    one = Denoiser(random_model_path, device="cpu", passes=1)
    many = Denoiser(random_model_path, device="cpu", passes=passes)
    expected = _by_hand(one, window, turns)
    got = many.run_window(window)
    assert float(np.abs(got - expected).max()) < 1e-5
    # and not what one pass gives: the random network is far from turn-invariant
    assert float(np.abs(got - one.run_window(window)).max()) > 0.05


def test_passes_follow_the_page_and_one_pass_does_not(
    random_model_path: Path, window: np.ndarray
) -> None:
    """Four passes (the mirror images) give the mirror image of a mirrored window's result;
    eight (and the transposes) also give the turned result of a window turned on its side."""
    four = Denoiser(random_model_path, device="cpu", passes=4)
    for mirrored in (lambda a: a[:, ::-1], lambda a: a[::-1]):
        got = four.run_window(np.ascontiguousarray(mirrored(window)))
        assert float(np.abs(got - mirrored(four.run_window(window))).max()) < 1e-5
    eight = Denoiser(random_model_path, device="cpu", passes=8)
    turned = eight.run_window(np.ascontiguousarray(np.rot90(window)))
    assert float(np.abs(turned - np.rot90(eight.run_window(window))).max()) < 1e-5
    one = Denoiser(random_model_path, device="cpu", passes=1)
    mirrored_one = one.run_window(np.ascontiguousarray(window[:, ::-1]))
    assert float(np.abs(mirrored_one - one.run_window(window)[:, ::-1]).max()) > 0.05


def test_passes_with_batched_tiles_equal_one_tile_at_a_time(
    random_model_path: Path, page: np.ndarray
) -> None:
    """Mirrors act on each window of a batch (windows of several shapes)."""
    one = Denoiser(random_model_path, device="cpu", tile=64, tile_batch=1, passes=4)
    many = Denoiser(random_model_path, device="cpu", tile=64, tile_batch=3, passes=4)
    expected = one.denoise(page, dtype=np.float32)
    assert float(np.abs(many.denoise(page, dtype=np.float32) - expected).max()) <= 1e-5
    single = Denoiser(random_model_path, device="cpu", tile=64).denoise(page, dtype=np.float32)
    assert float(np.abs(expected - single).max()) > 0.05


def test_the_bundled_models_run_in_their_own_passes() -> None:
    """``fast`` in one pass, ``quality`` (the same network, its own weights) in four."""
    fast, quality = Denoiser("fast", device="cpu"), Denoiser("quality", device="cpu")
    assert (fast.passes, fast.model_name) == (1, "fast")
    assert (quality.passes, quality.model_name) == (4, "quality")
    assert quality.card["name"] == "quality" and quality.card["sha256"] != fast.card["sha256"]
    assert quality.model.config == fast.model.config and quality.halo == fast.halo
    assert Denoiser("quality", device="cpu", passes=1).passes == 1  # asked for: it wins


def test_passes_must_be_1_2_4_or_8(random_model_path: Path) -> None:
    assert Denoiser(random_model_path, device="cpu").passes == 1  # a model file: one pass
    with pytest.raises(ValueError, match=r"passes must be one of 1, 2, 4, 8, got 3"):
        Denoiser(random_model_path, device="cpu", passes=3)


def test_output_at_the_white_point_or_above_is_written_white() -> None:
    """The network's near-white is paper and becomes exactly white; greys under the knee (ink,
    stroke edges) stay as they are; between, they move by at most 1%, continuously, so tiles
    and backends still agree."""
    values = np.array([[0.0, 0.5, PAPER_KNEE, 0.985, PAPER_WHITE, 0.995, 1.0]], dtype=np.float32)
    as_uint8 = from_unit_float(values, np.dtype(np.uint8)).tolist()
    assert as_uint8 == [[0, 128, 250, 252, 255, 255, 255]]
    as_float = from_unit_float(values, np.dtype(np.float32))
    assert as_float.dtype == np.float32
    assert as_float[0, :3].tolist() == values[0, :3].tolist()  # under the knee: untouched
    assert as_float[0, 4:].tolist() == [1.0, 1.0, 1.0]
    assert float(np.abs(as_float - values).max()) <= 1 - PAPER_WHITE + 1e-6
    steps = np.linspace(0, 1, 100_001, dtype=np.float32)[None, :]
    assert float(np.diff(from_unit_float(steps, np.dtype(np.float32))).max()) < 3e-5  # no jump
