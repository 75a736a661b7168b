"""The one place that picks the compute device (CUDA, then Apple MPS, then CPU) and says why."""

from __future__ import annotations

import logging
import os
from dataclasses import dataclass

import torch

from docdenoise.errors import DeviceError

log = logging.getLogger(__name__)

DEVICE_CHOICES = ("auto", "cpu", "cuda", "mps")


@dataclass(frozen=True)
class DeviceChoice:
    """The device to run on, a name a person can read, why it was chosen, and its precision."""

    device: torch.device
    name: str
    reason: str
    half: bool

    @property
    def dtype(self) -> torch.dtype:
        return torch.float16 if self.half else torch.float32

    def describe(self) -> str:
        precision = "fp16" if self.half else "fp32"
        return f"{self.name} ({precision}): {self.reason}"


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
