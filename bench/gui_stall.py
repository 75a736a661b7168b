"""How long the GUI's event loop stalls while a 300-dpi A4 page cleans on the CPU.

    .venv/bin/python bench/gui_stall.py [--runs 3] [--model fast] [--size 2480x3508]
    .venv/bin/python bench/gui_stall.py --save-page noisy.png   # the synthetic page, then exit

The real main window runs offscreen. A 5 ms QTimer records the largest gap between its ticks
from the moment Clean is pressed until the cleaned page is on screen (worker, progress signals,
the preview render and the repaint all included). The model is loaded first (that part is
reported separately: it imports torch in a worker thread), so each run measures cleaning only.
Writes the median of the runs' largest gaps to docs/benchmarks.md (section gui-stall).
Target: under 50 ms. Without the trained weights it uses a random model of the same shape,
which costs the same to run.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np
from PIL import Image, ImageDraw, ImageFilter, ImageFont

sys.path.insert(0, str(Path(__file__).resolve().parent))
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

FONT = "/usr/share/fonts/truetype/dejavu/DejaVuSerif.ttf"
TEXT = (
    "the scanned page shows a letter about the delivery of goods to our office in March "
    "payment is due within thirty days of the invoice date please quote the reference number "
    "we thank you for your order and look forward to working with you again next season"
)
WORDS = TEXT.split()


def make_noisy_page(width: int = 2480, height: int = 3508, seed: int = 0) -> np.ndarray:
    """A synthetic scan at 300 dpi: text on yellowed paper, a coffee stain, a crease, speckle."""
    rng = np.random.default_rng(seed)
    page = Image.new("L", (width, height), 255)
    draw = ImageDraw.Draw(page)
    scale = width / 2480
    try:
        title_font = ImageFont.truetype(FONT, round(64 * scale))
        font = ImageFont.truetype(FONT, round(40 * scale))
    except OSError:
        title_font = font = ImageFont.load_default()
    margin = round(260 * scale)
    draw.text((margin, round(300 * scale)), "Delivery note No. 4711", font=title_font, fill=20)
    y = round(480 * scale)
    while y < height - margin:
        line = " ".join(rng.choice(WORDS, size=rng.integers(9, 13)))
        draw.text((margin, y), line.capitalize() + ".", font=font, fill=int(rng.integers(10, 40)))
        y += round(66 * scale) if rng.random() > 0.12 else round(130 * scale)
    clean = np.asarray(page.filter(ImageFilter.GaussianBlur(0.6)), dtype=np.float32)

    yy, xx = np.mgrid[0:height, 0:width].astype(np.float32)
    paper = 228 - 18 * (xx / width) - 10 * (yy / height)  # yellowed, unevenly lit
    for _ in range(3):  # stains
        cy, cx = rng.uniform(0.15, 0.85) * height, rng.uniform(0.15, 0.85) * width
        radius = rng.uniform(0.05, 0.12) * width
        ring = np.exp(-(((np.hypot(yy - cy, xx - cx) - radius) / (0.08 * radius)) ** 2))
        blob = np.exp(-((np.hypot(yy - cy, xx - cx) / radius) ** 2))
        paper -= 45 * ring + 25 * blob
    crease = np.exp(-(((xx - 0.58 * width - 0.05 * yy) / (6 * scale)) ** 2))
    paper -= 60 * crease
    out = paper * (clean / 255.0) + rng.normal(0, 6, clean.shape)
    speckle = rng.random(clean.shape) < 0.002
    out[speckle] = rng.uniform(0, 90, int(speckle.sum()))
    return np.clip(out, 0, 255).astype(np.uint8)


def run_until(app: object, done: Callable[[], bool], timeout_s: float = 600) -> None:
    """Process events until ``done()``; the stall meter keeps ticking meanwhile."""
    from PySide6.QtCore import QEventLoop, QTimer

    loop = QEventLoop()
    check = QTimer()
    check.setInterval(20)
    check.timeout.connect(lambda: loop.quit() if done() else None)
    check.start()
    QTimer.singleShot(round(timeout_s * 1000), loop.quit)
    loop.exec()
    check.stop()
    if not done():
        raise TimeoutError("the page did not finish cleaning in time")


class StallMeter:
    """A 5 ms precise timer; ``max_gap`` is the longest time between two ticks, in ms."""

    def __init__(self, interval_ms: int = 5) -> None:
        from PySide6.QtCore import Qt, QTimer

        self.timer = QTimer()
        self.timer.setTimerType(Qt.TimerType.PreciseTimer)
        self.timer.setInterval(interval_ms)
        self.timer.timeout.connect(self._tick)
        self.last = 0.0
        self.max_gap = 0.0

    def _tick(self) -> None:
        now = time.perf_counter()
        self.max_gap = max(self.max_gap, now - self.last)
        self.last = now

    def start(self) -> None:
        self.max_gap, self.last = 0.0, time.perf_counter()
        self.timer.start()

    def stop(self) -> float:
        self._tick()
        self.timer.stop()
        return self.max_gap * 1000


def model_path(name: str, folder: Path) -> tuple[str, str]:
    from docdenoise.weights import resolve_model

    if resolve_model(name).is_file():
        return name, name
    from docdenoise.model import DenoiseNet
    from docdenoise.weights import save_weights

    path = folder / "random.safetensors"
    save_weights(DenoiseNet(), path, {"name": "random (untrained)"})
    return str(path), f"random DenoiseNet ({name} weights missing)"


def measure(args: argparse.Namespace, folder: Path) -> tuple[list[float], float, list[float], str]:
    from PySide6.QtCore import QSettings
    from PySide6.QtWidgets import QApplication

    app = QApplication([sys.argv[0]])
    app.setOrganizationName("docdenoise-bench")
    QSettings.setDefaultFormat(QSettings.Format.IniFormat)
    QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope, str(folder))
    from docdenoise.gui.mainwindow import MainWindow
    from docdenoise.gui.settings import AppSettings

    width, height = (int(v) for v in args.size.split("x"))
    page_file = folder / "page.png"
    Image.fromarray(make_noisy_page(width, height)).save(page_file, dpi=(300, 300))
    window = MainWindow(AppSettings(model_override=args.model_file))
    window.resize(1400, 900)
    window.show()
    meter = StallMeter()
    meter.start()  # loading the model: torch is imported in a worker thread
    window.jobs.prepare()
    run_until(app, lambda: window.jobs.model_info is not None or bool(window.jobs.model_error))
    load_gap = meter.stop()
    if window.jobs.model_error:
        raise SystemExit(window.jobs.model_error)
    window.open_paths([page_file])
    run_until(app, lambda: window.pages.count() > 0 and not window.opener.busy)
    entry = window.pages.all_entries()[0]
    gaps, seconds = [], []
    for _ in range(args.runs):
        entry.cleaned = None
        window.preview.forget(entry.key)

        def shown() -> bool:
            key, pictures = window.displayed()
            return entry.cleaned is not None and key == entry.key and pictures[1] is not None

        run_until(app, lambda: not window.preview.busy())
        meter.start()
        started = time.perf_counter()
        window.clean_selected()
        run_until(app, lambda: shown() and not window.preview.busy())
        gaps.append(meter.stop())
        seconds.append(time.perf_counter() - started)
    info = window.jobs.model_info
    device = (
        f"{info.threads} torch thread(s)"
        if info and info.threads
        else (info.device if info else "")
    )
    window.close()
    return gaps, load_gap, seconds, device


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--model", default="fast")
    parser.add_argument("--size", default="2480x3508", help="page WIDTHxHEIGHT in pixels")
    parser.add_argument("--save-page", type=Path, default=None, help="write the page and exit")
    args = parser.parse_args()
    if args.save_page:
        width, height = (int(v) for v in args.size.split("x"))
        Image.fromarray(make_noisy_page(width, height)).save(args.save_page, dpi=(300, 300))
        return 0
    from common import write_section

    with tempfile.TemporaryDirectory() as tmp:
        args.model_file, model_note = model_path(args.model, Path(tmp))
        gaps, load_gap, seconds, device = measure(args, Path(tmp))
    runs = ", ".join(f"{g:.0f}" for g in gaps)
    body = "\n".join(
        [
            "### GUI responsiveness while a 300-dpi A4 page cleans on the CPU",
            "",
            "The real main window (offscreen); a 5 ms QTimer records the largest gap between its",
            "ticks from pressing Clean until the cleaned page is on screen. Target: under 50 ms.",
            "",
            "| page | model | max event-loop gap, median (runs) | seconds to clean |",
            "|---|---|---|---|",
            f"| {args.size} | {model_note}, {device} | **{statistics.median(gaps):.0f} ms** "
            f"({runs}) | {statistics.median(seconds):.1f} |",
            "",
            f"While the model loaded (torch imported in a worker): max gap {load_gap:.0f} ms.",
        ]
    )
    write_section("gui-stall", body)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
