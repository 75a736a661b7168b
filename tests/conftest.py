"""Shared fixtures: a random-weights model file, the compute devices to test on."""

from __future__ import annotations

import os
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.setdefault("DOCDENOISE_THREADS", "1")  # test pages are small: one thread is fastest

import pytest

REPO = Path(__file__).resolve().parent.parent
SHARED_DATA = REPO.parent / "shared" / "data"


@pytest.fixture(scope="session", autouse=True)
def _private_cache(tmp_path_factory: pytest.TempPathFactory) -> None:
    """The ONNX Runtime backend caches exported models: keep the tests' out of ~/.cache (the
    environment reaches the CLI subprocesses too)."""
    os.environ["DOCDENOISE_CACHE_DIR"] = str(tmp_path_factory.mktemp("cache"))


def _devices() -> list[str]:
    import torch

    found = ["cpu"]
    if torch.cuda.is_available():
        found.append("cuda")
    return found


@pytest.fixture(params=_devices())
def device(request: pytest.FixtureRequest) -> str:
    """Always the CPU; CUDA too where a GPU is present."""
    return str(request.param)


@pytest.fixture(scope="session")
def random_model_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A model file with random (seeded) weights in the real architecture.

    Kaiming-initialised without biases, so the output varies strongly with the input (default
    initialisation gives a nearly flat page, against which a tiling bug would go unseen).
    """
    import torch

    from docdenoise.model import DenoiseNet
    from docdenoise.weights import save_weights

    torch.manual_seed(1234)
    model = DenoiseNet()
    with torch.no_grad():
        for module in model.modules():
            if isinstance(module, torch.nn.Conv2d):
                torch.nn.init.kaiming_normal_(module.weight, nonlinearity="relu")
                torch.nn.init.zeros_(module.bias)
    path = tmp_path_factory.mktemp("model") / "random.safetensors"
    save_weights(model, path, {"name": "random-test-weights"})
    return path


@pytest.fixture(scope="session")
def shipped_fast_model() -> Path:
    """The shipped fast model; a checkout without it fails here rather than test other weights."""
    from docdenoise.weights import resolve_model

    shipped = resolve_model("fast")
    if not shipped.is_file():
        pytest.fail(f"{shipped} is missing: the shipped weights belong in assets/")
    return shipped
