"""ONNX Runtime backend: same results as torch on the sample scan, cache, threads, CLI flag.

Skipped where the ``onnx`` extra is not installed (``pip install '.[onnx]'``).
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest

from docdenoise.device import onnx_missing

if onnx_missing():
    pytest.skip(f"the onnx extra is not installed ({onnx_missing()})", allow_module_level=True)

from docdenoise import onnx_backend
from docdenoise.assets import assets_dir
from docdenoise.cli import main
from docdenoise.device import cpu_threads
from docdenoise.imageio import load_document
from docdenoise.inference import Denoiser
from docdenoise.weights import load_weights

# Both backends compute in fp32 with different convolution kernels (summation order); measured
# on the sample scan: max 6e-7. 1e-4 leaves room for other CPUs' kernels and stays 40x under one
# uint8 level (1/255 = 3.9e-3), so a stored page differs by at most one level, and only where
# a value sits on a rounding boundary.
MAX_FLOAT_DIFFERENCE = 1e-4
MAX_UINT8_SHARE_CHANGED = 1e-4  # of the pixels; measured 5.5e-6 (12 of 2.2 million)


@pytest.fixture(scope="module", autouse=True)
def private_cache(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """Exports are cached here, never in the user's cache folder."""
    folder = tmp_path_factory.mktemp("cache")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("DOCDENOISE_CACHE_DIR", str(folder))
        yield folder


@pytest.fixture(scope="module")
def sample() -> np.ndarray:
    return load_document(assets_dir() / "sample-scan.png").pages[0].pixels


@pytest.fixture(scope="module")
def torch_and_onnx() -> tuple[Denoiser, Denoiser]:
    return Denoiser("fast", device="cpu"), Denoiser("fast", device="cpu", backend="onnx")


def test_onnx_matches_torch_on_the_sample_scan(
    sample: np.ndarray, torch_and_onnx: tuple[Denoiser, Denoiser]
) -> None:
    torch_den, onnx_den = torch_and_onnx
    assert onnx_den.choice.backend == "onnx" and torch_den.choice.backend == "torch"
    assert len(onnx_den.model.config.channels) == 3  # the attribute stays for callers
    expected = torch_den.denoise(sample, dtype=np.float32)
    got = onnx_den.denoise(sample, dtype=np.float32)
    assert float(np.abs(got - expected).max()) < MAX_FLOAT_DIFFERENCE
    assert float(np.abs(got - sample / 255).mean()) > 0.01  # the model did clean something
    changed = torch_den.denoise(sample) != onnx_den.denoise(sample)
    assert changed.mean() < MAX_UINT8_SHARE_CHANGED


def test_batched_onnx_tiles_match_one_at_a_time(
    sample: np.ndarray, torch_and_onnx: tuple[Denoiser, Denoiser]
) -> None:
    crop = sample[:700, :500]
    torch_den = torch_and_onnx[0]
    expected = Denoiser(torch_den.model, device="cpu", tile=192).denoise(crop, dtype=np.float32)
    batched = Denoiser(torch_den.model, device="cpu", tile=192, tile_batch=5, backend="onnx")
    got = batched.denoise(crop, dtype=np.float32)
    assert float(np.abs(got - expected).max()) < MAX_FLOAT_DIFFERENCE


def test_onnx_uses_as_many_threads_as_torch(
    torch_and_onnx: tuple[Denoiser, Denoiser],
) -> None:
    # in one pass the forward is the runner itself (``quality`` wraps it to average four passes)
    runner = Denoiser(torch_and_onnx[1].model, device="cpu", backend="onnx", passes=1)._forward
    assert isinstance(runner, onnx_backend.OnnxRunner)
    options = runner.session.get_session_options()
    assert options.intra_op_num_threads == cpu_threads()


def test_export_is_cached_on_disk_and_reused(
    private_cache: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    net, _card = load_weights("fast")
    path = private_cache / "onnx" / f"{onnx_backend.model_key(net)}.onnx"
    monkeypatch.setattr(onnx_backend, "_EXPORTED", {})  # as in a fresh process (another test
    Denoiser(net, device="cpu", backend="onnx")  # may have exported this model already)
    assert path.is_file()
    assert [p.name for p in path.parent.iterdir()] == [path.name]  # no temporary file left
    monkeypatch.setattr(onnx_backend, "_EXPORTED", {})  # a new process: only the disk cache

    def no_export(_net: object) -> bytes:
        raise AssertionError("exported again although the cache holds the model")

    monkeypatch.setattr(onnx_backend, "export_onnx", no_export)
    den = Denoiser(net, device="cpu", backend="onnx")
    assert den.run_window(np.full((64, 64), 200, np.uint8)).shape == (64, 64)


def test_a_damaged_cache_file_is_exported_again(
    private_cache: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    net, _card = load_weights("fast")
    path = private_cache / "onnx" / f"{onnx_backend.model_key(net)}.onnx"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(b"not an onnx model")
    monkeypatch.setattr(onnx_backend, "_EXPORTED", {})
    den = Denoiser(net, device="cpu", backend="onnx")
    window = np.random.default_rng(0).integers(0, 256, (96, 128), dtype=np.uint8)
    expected = Denoiser(net, device="cpu").run_window(window)
    assert float(np.abs(den.run_window(window) - expected).max()) < MAX_FLOAT_DIFFERENCE
    assert path.read_bytes() != b"not an onnx model"


def test_a_changed_model_gets_a_new_cache_key(random_model_path: Path) -> None:
    fast, _ = load_weights("fast")
    other, _ = load_weights(random_model_path)
    assert onnx_backend.model_key(fast) != onnx_backend.model_key(other)
    assert onnx_backend.model_key(fast) == onnx_backend.model_key(load_weights("fast")[0])


def test_cli_backend_flag_reaches_the_denoiser(
    tmp_path: Path, sample: np.ndarray, caplog: pytest.LogCaptureFixture
) -> None:
    from PIL import Image

    Image.fromarray(sample[:200, :160]).save(tmp_path / "page.png")
    caplog.set_level(logging.INFO, logger="docdenoise.cli")
    for backend, shown in (("onnx", "ONNX Runtime"), ("torch", "(fp32)")):
        caplog.clear()
        out = tmp_path / backend
        argv = ["-v", "clean", str(tmp_path / "page.png"), "-o", str(out), "--backend", backend]
        assert main(argv) == 0
        assert (out / "page.png").is_file()
        assert shown in caplog.text
