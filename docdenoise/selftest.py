"""``--self-test``: clean the bundled sample scan headlessly and report one line.

It checks that a build works (a PyInstaller bundle, an installed wheel) without a screen: the
weights, the sample and the torch runtime are found and run. It never imports Qt. The line gives
the page size, the time, the device, where the assets came from and the RMSE against
``sample-clean.png`` before and after cleaning (0..1; lower is better). Exit code 0 when the
sample was cleaned into a finite page of the right size, else the error's exit code.
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TextIO

import numpy as np

from docdenoise.assets import assets_dir
from docdenoise.errors import DocDenoiseError

SAMPLE_SCAN = "sample-scan.png"
SAMPLE_CLEAN = "sample-clean.png"


@dataclass(frozen=True)
class SelfTestResult:
    """What one self-test run measured; RMSEs are on ``[0, 1]`` pixels, None without a reference."""

    width: int
    height: int
    seconds: float
    device: str
    model: str
    assets: Path
    rmse_scan: float | None
    rmse_clean: float | None

    def summary(self) -> str:
        megapixels = self.width * self.height / 1e6
        line = (
            f"self-test ok: {SAMPLE_SCAN} {self.width}x{self.height} ({megapixels:.2f} Mpx) "
            f"cleaned in {self.seconds:.2f} s on {self.device}, model {self.model}"
        )
        if self.rmse_scan is not None and self.rmse_clean is not None:
            line += f", RMSE vs {SAMPLE_CLEAN} {self.rmse_scan:.4f} -> {self.rmse_clean:.4f}"
        return f"{line}; assets {self.assets}"


def rmse(a: np.ndarray, b: np.ndarray) -> float:
    """Root-mean-square difference of two ``(H, W) uint8`` pages, on a ``[0, 1]`` scale."""
    diff = a.astype(np.float64) - b.astype(np.float64)
    return float(np.sqrt(np.mean(diff * diff)) / 255.0)


def _first_page(path: Path) -> np.ndarray:
    from docdenoise.imageio import load_document

    return load_document(path).pages[0].pixels


def run_self_test(model: str = "fast", device: str = "auto") -> SelfTestResult:
    """Clean the bundled sample scan with ``model`` on ``device``; raises DocDenoiseError."""
    from docdenoise.inference import Denoiser

    folder = assets_dir()
    scan = _first_page(folder / SAMPLE_SCAN)
    denoiser = Denoiser(model, device=device)
    started = time.perf_counter()
    cleaned = denoiser.denoise(scan)
    seconds = time.perf_counter() - started
    if cleaned.shape != scan.shape:
        raise DocDenoiseError(None, f"cleaned page is {cleaned.shape}, expected {scan.shape}")
    reference = folder / SAMPLE_CLEAN
    truth = _first_page(reference) if reference.is_file() else None
    if truth is not None and truth.shape != scan.shape:
        truth = None
    return SelfTestResult(
        width=scan.shape[1],
        height=scan.shape[0],
        seconds=seconds,
        device=denoiser.choice.name,
        model=denoiser.model_name,
        assets=folder,
        rmse_scan=None if truth is None else rmse(scan, truth),
        rmse_clean=None if truth is None else rmse(cleaned, truth),
    )


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="docdenoise --self-test",
        description="Clean the bundled sample scan without a screen and report one line.",
    )
    parser.add_argument("--device", default="auto", help="auto (default), cpu, cuda[:N] or mps")
    parser.add_argument("--model", default="fast", help="fast (default), quality, or a file")
    return parser


def main(argv: Sequence[str] | None = None, out: TextIO | None = None) -> int:
    """Run the self-test (``argv``: the options after ``--self-test``); returns the exit code."""
    out = out or sys.stdout
    args = build_parser().parse_args(argv)
    try:
        result = run_self_test(args.model, args.device)
    except DocDenoiseError as exc:
        out.write(f"self-test FAILED: {exc}\n")
        return exc.exit_code
    out.write(result.summary() + "\n")
    out.flush()
    return 0
