"""The machine a run trains on: the autocast precision it picks, and how a card describes it."""

from __future__ import annotations

import os
import platform
from pathlib import Path
from typing import Any

import torch

from docdenoise.device import DeviceChoice


def amp_dtype_for(device: torch.device, mode: str) -> torch.dtype | None:
    """Autocast dtype: only on CUDA; ``auto`` is bf16 where supported, else fp16."""
    if device.type != "cuda" or mode == "off":
        return None
    if mode == "auto":
        return torch.bfloat16 if torch.cuda.is_bf16_supported() else torch.float16
    return torch.bfloat16 if mode == "bf16" else torch.float16


def describe_hardware(
    choice: DeviceChoice, threads: int, workers: int, amp: torch.dtype | None = None
) -> dict[str, Any]:
    """CPU model (from /proc/cpuinfo), cores, torch threads, data workers, GPU name if any,
    and the precision training ran in (``amp``: the autocast dtype, None for fp32)."""
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text(encoding="utf-8").splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    gpu = torch.cuda.get_device_name(choice.device) if choice.device.type == "cuda" else None
    device = choice.describe()
    if choice.device.type == "cpu":  # pick_device names its own thread count, not ours
        device = f"CPU ({threads} torch threads): {choice.reason}"
    elif amp is not None:  # describe() names the inference precision (fp32), not training's
        precision = "bf16" if amp == torch.bfloat16 else "fp16"
        device = f"{choice.name} ({precision} autocast): {choice.reason}"
    return {
        "cpu": cpu,
        "cpu_cores": os.cpu_count(),
        "torch_threads": threads,
        "data_workers": workers,
        "device": device,
        "gpu": gpu,
    }
