"""The one place that picks the compute device (CUDA, then Apple MPS, then CPU) and says why.

It also picks the backend that runs the network there: torch everywhere, or ONNX Runtime on the
CPU when the optional ``docdenoise[onnx]`` extra is installed (:func:`pick_backend`).
"""

from __future__ import annotations

import importlib.util
import logging
import os
from dataclasses import dataclass, replace

import torch

from docdenoise.errors import DeviceError

log = logging.getLogger(__name__)

DEVICE_CHOICES = ("auto", "cpu", "cuda", "mps")
BACKEND_CHOICES = ("auto", "torch", "onnx")
# The runtime, and what torch's exporter needs (torch.onnx is left out of the desktop bundle).
ONNX_MODULES = ("onnxruntime", "onnx", "onnxscript", "torch.onnx")
ONNX_HINT = "install it with: pip install 'docdenoise[onnx]' (or use --backend torch)"


@dataclass(frozen=True)
class DeviceChoice:
    """The device to run on, a name a person can read, why it was chosen, and its precision."""

    device: torch.device
    name: str
    reason: str
    half: bool
    backend: str = "torch"  # "torch" or "onnx" (ONNX Runtime, CPU only)

    @property
    def dtype(self) -> torch.dtype:
        return torch.float16 if self.half else torch.float32

    def describe(self) -> str:
        precision = "fp16" if self.half else "fp32"
        runtime = ", ONNX Runtime" if self.backend == "onnx" else ""
        return f"{self.name} ({precision}{runtime}): {self.reason}"


def _mps_available() -> bool:
    backend = getattr(torch.backends, "mps", None)
    return bool(backend is not None and backend.is_available())


def cpu_threads() -> int:
    """Threads for CPU inference: ``DOCDENOISE_THREADS`` if set, else the cores we may run on."""
    env = os.environ.get("DOCDENOISE_THREADS", "").strip()
    if env.isdigit() and int(env) > 0:
        return int(env)
    try:
        cores = len(os.sched_getaffinity(0))
    except AttributeError:  # macOS, Windows
        cores = os.cpu_count() or 1
    return max(1, cores)


def _cuda(index: str, half: bool | None) -> DeviceChoice:
    device = torch.device(f"cuda:{index}" if index else "cuda")
    name = torch.cuda.get_device_name(device)
    return DeviceChoice(device, name, "CUDA GPU found", True if half is None else half)


def _cpu(reason: str) -> DeviceChoice:
    threads = cpu_threads()
    if torch.get_num_threads() != threads:
        torch.set_num_threads(threads)
    return DeviceChoice(torch.device("cpu"), f"CPU ({threads} threads)", reason, False)


def pick_device(requested: str = "auto", *, half: bool | None = None) -> DeviceChoice:
    """Resolve ``auto``/``cpu``/``cuda[:N]``/``mps`` to a :class:`DeviceChoice`.

    ``auto`` prefers CUDA, then MPS, then the CPU. Half precision is used on GPUs unless ``half``
    says otherwise; the CPU always runs fp32. A device that was asked for but is missing raises
    :class:`DeviceError`.
    """
    kind, _, index = requested.strip().lower().partition(":")
    if kind not in DEVICE_CHOICES:
        raise DeviceError(None, f"unknown device {requested!r}", "use auto, cpu, cuda or mps")
    if kind == "auto":
        if torch.cuda.is_available():
            return _cuda("", half)
        if _mps_available():
            return DeviceChoice(
                torch.device("mps"), "Apple GPU (MPS)", "MPS found", half is not False
            )
        return _cpu("no CUDA or MPS GPU found")
    if kind == "cuda":
        if not torch.cuda.is_available():
            raise DeviceError(None, "CUDA was requested but no CUDA GPU is available to torch")
        return _cuda(index, half)
    if kind == "mps":
        if not _mps_available():
            raise DeviceError(None, "MPS was requested but this machine has no Apple GPU")
        return DeviceChoice(torch.device("mps"), "Apple GPU (MPS)", "requested", half is not False)
    return _cpu("requested")


def onnx_missing() -> list[str]:
    """The modules of the ``onnx`` extra that are not installed (looked up, not imported)."""
    return [name for name in ONNX_MODULES if importlib.util.find_spec(name) is None]


def pick_backend(requested: str, choice: DeviceChoice) -> DeviceChoice:
    """Resolve ``auto``/``torch``/``onnx`` for ``choice``'s device; the reason says why.

    ONNX Runtime runs here on the CPU only, in fp32. ``auto`` takes it on the CPU when the
    ``onnx`` extra is installed (``bench/throughput.py`` measures it against torch), else torch.
    Asking for ``onnx`` on a GPU or without the extra raises :class:`DeviceError`.
    """
    kind = requested.strip().lower()
    if kind not in BACKEND_CHOICES:
        raise DeviceError(None, f"unknown backend {requested!r}", "use auto, torch or onnx")
    if kind == "torch":
        return choice
    on_cpu = choice.device.type == "cpu"
    missing = onnx_missing()
    if kind == "onnx":
        if not on_cpu:
            raise DeviceError(
                None, "the ONNX backend runs on the CPU only", "use --device cpu or --backend torch"
            )
        if missing:
            reason = f"the ONNX backend needs {', '.join(missing)}, not installed here"
            raise DeviceError(None, reason, ONNX_HINT)
        return replace(choice, backend="onnx")
    if on_cpu and not missing:
        return replace(choice, backend="onnx", reason=f"{choice.reason}; ONNX Runtime installed")
    return choice
