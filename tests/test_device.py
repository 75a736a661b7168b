"""Device choice: auto falls back to the CPU and says why; missing devices are refused."""

from __future__ import annotations

from dataclasses import replace

import pytest
import torch

from docdenoise.device import cpu_threads, pick_backend, pick_device
from docdenoise.errors import DeviceError


def test_auto_prefers_cuda_then_mps_then_cpu(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(torch.cuda, "is_available", lambda: False)
    monkeypatch.setattr("docdenoise.device._mps_available", lambda: False)
    choice = pick_device("auto")
    assert choice.device.type == "cpu" and not choice.half
    assert "no CUDA or MPS" in choice.reason
    monkeypatch.setattr("docdenoise.device._mps_available", lambda: True)
    choice = pick_device("auto")
    assert choice.device.type == "mps" and choice.half
    monkeypatch.setattr(torch.cuda, "is_available", lambda: True)
    monkeypatch.setattr(torch.cuda, "get_device_name", lambda _d: "Test GPU")
    choice = pick_device("auto")
    assert choice.device.type == "cuda" and choice.name == "Test GPU" and choice.half
    assert "fp16" in choice.describe()


def test_missing_or_unknown_devices_are_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(torch.cuda, "is_available", lambda: False)
    with pytest.raises(DeviceError, match="no CUDA GPU"):
        pick_device("cuda")
    with pytest.raises(DeviceError, match="unknown device"):
        pick_device("tpu")


def test_cpu_threads_follow_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DOCDENOISE_THREADS", "3")
    assert cpu_threads() == 3
    monkeypatch.setenv("DOCDENOISE_THREADS", "")
    assert cpu_threads() >= 1
    choice = pick_device("cpu")
    assert choice.name.startswith("CPU (") and choice.dtype == torch.float32


def test_backend_auto_takes_onnx_runtime_on_the_cpu_only_when_installed(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    cpu = pick_device("cpu")
    monkeypatch.setattr("docdenoise.device.onnx_missing", lambda: [])
    choice = pick_backend("auto", cpu)
    assert choice.backend == "onnx" and "ONNX Runtime" in choice.describe()
    assert pick_backend("torch", cpu).backend == "torch"
    gpu = replace(cpu, device=torch.device("cuda"), name="Test GPU", half=True)
    assert pick_backend("auto", gpu).backend == "torch"
    monkeypatch.setattr("docdenoise.device.onnx_missing", lambda: ["onnxruntime"])
    assert pick_backend("auto", cpu).backend == "torch"


def test_backend_onnx_is_refused_where_it_cannot_run(monkeypatch: pytest.MonkeyPatch) -> None:
    cpu = pick_device("cpu")
    monkeypatch.setattr("docdenoise.device.onnx_missing", lambda: ["onnxruntime"])
    with pytest.raises(DeviceError, match=r"needs onnxruntime.*docdenoise\[onnx\]"):
        pick_backend("onnx", cpu)
    monkeypatch.setattr("docdenoise.device.onnx_missing", lambda: [])
    gpu = replace(cpu, device=torch.device("cuda"), name="Test GPU", half=True)
    with pytest.raises(DeviceError, match="CPU only"):
        pick_backend("onnx", gpu)
    with pytest.raises(DeviceError, match="unknown backend"):
        pick_backend("tensorrt", cpu)
