"""OCR: Tesseract's character error rate on synthetic pages, noisy vs cleaned vs clean.

    .venv/bin/python bench/ocr.py [--model fast] [--pages 12] [--quick]

Pages are windows of synthetic text, letter and form pages at 300 dpi (half an A4 sheet each,
2480 x 1754 px), spoiled by the generator's random mix of degradations (at least one). Each is
read by ``tesseract`` (eng, default page segmentation, one thread) three times: as scanned
(noisy), cleaned by the model, and clean (the ceiling: what OCR reads from a perfect page; it
is not 0 because the corpus holds non-English letters and the window edge cuts runs).

CER = Levenshtein distance / reference length, after normalising both texts (Unicode NFC,
every run of whitespace one space). The reference is the page's own text (``CleanPage.text``).
Seeds are far from the training and validation seeds.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from PIL import Image
from rapidfuzz.distance import Levenshtein

sys.path.insert(0, str(Path(__file__).resolve().parent))
from baselines import to_uint8

OCR_SEED = 1_600_000_000
OCR_DPI = 300
OCR_LAYOUTS = ("text", "letter", "form")
OCR_PAGES = 12  # the default page count, layouts in turn
FULL_WINDOW = (1754, 2480)  # rows x columns: half an A4 sheet at 300 dpi
QUICK_WINDOW = (640, 960)


@dataclass
class OcrPage:
    """One synthetic page: ``noisy`` uint8, ``clean`` float32 in [0, 1], its text and damage."""

    noisy: np.ndarray
    clean: np.ndarray
    text: str
    layout: str
    degradations: tuple[str, ...]


def normalise_text(text: str) -> str:
    """NFC, every run of whitespace (newlines too) one space, no leading/trailing space."""
    return " ".join(unicodedata.normalize("NFC", text).split())


def cer(hypothesis: str, reference: str) -> float:
    """Character error rate of ``hypothesis`` against ``reference`` (both normalised first)."""
    hyp, ref = normalise_text(hypothesis), normalise_text(reference)
    return Levenshtein.distance(hyp, ref) / max(len(ref), 1)


def tesseract_text(page: np.ndarray, dpi: int = OCR_DPI, lang: str = "eng") -> str:
    """The text Tesseract (``lang``, one thread) reads from an ``(H, W)`` page (uint8 or float
    in [0, 1])."""
    exe = shutil.which("tesseract")
    if exe is None:
        raise RuntimeError("tesseract is not installed: apt-get install tesseract-ocr-eng")
    env = {**os.environ, "OMP_THREAD_LIMIT": "1"}
    with tempfile.TemporaryDirectory(prefix="docdenoise-ocr-") as tmp:
        image = Path(tmp) / "page.png"
        Image.fromarray(to_uint8(page)).save(image, dpi=(dpi, dpi))
        done = subprocess.run(
            [exe, str(image), "stdout", "-l", lang, "--dpi", str(dpi)],
            capture_output=True,
            text=True,
            env=env,
            check=False,
        )
    if done.returncode != 0:
        raise RuntimeError(f"tesseract failed ({done.returncode}): {done.stderr.strip()[-500:]}")
    return done.stdout


def read_edits(page: np.ndarray, text: str) -> tuple[int, int]:
    """Tesseract's edits on ``page`` against ``text``, and the reference length (both
    normalised): sum each over pages for the rate of all pages together."""
    reference = normalise_text(text)
    return Levenshtein.distance(normalise_text(tesseract_text(page)), reference), len(reference)


def ocr_pages(count: int, window: tuple[int, int]) -> list[OcrPage]:
    """``count`` reproducible pages, layouts in turn, each with at least one degradation."""
    from docdenoise.synth import degrade, render_clean

    pages = []
    for index in range(count):
        page_seq, noise_seq = np.random.SeedSequence(OCR_SEED + index).spawn(2)
        layout = OCR_LAYOUTS[index % len(OCR_LAYOUTS)]
        page = render_clean(np.random.default_rng(page_seq), *window, layout=layout, dpi=OCR_DPI)
        noise_rng = np.random.default_rng(noise_seq)
        names: tuple[str, ...] = ()
        while not names:  # the random mix leaves a few pages clean; OCR needs damage
            noisy, names = degrade(page.pixels, noise_rng)
        pages.append(OcrPage(to_uint8(noisy), page.pixels, page.text, layout, names))
    return pages


def ocr_report(
    cleaners: dict[str, Callable[[np.ndarray], np.ndarray]], pages: list[OcrPage]
) -> str:
    """Markdown: CER of the noisy page, of each cleaner's output and of the clean page, over
    all pages together (edits / reference characters: each character weighs the same, as for
    a reader) and the mean of the pages' own rates, then a per-page table in a details block."""
    columns = ["noisy", *cleaners, "clean"]
    rows, rate_sums = [], np.zeros(len(columns))
    edits, characters = np.zeros(len(columns)), 0
    for number, page in enumerate(pages, start=1):
        start = time.perf_counter()
        variants = [page.noisy, *(clean(page.noisy) for clean in cleaners.values()), page.clean]
        page_edits = np.array([read_edits(v, page.text)[0] for v in variants])
        length = len(normalise_text(page.text))
        rates = page_edits / max(length, 1)
        rate_sums += rates
        edits += page_edits
        characters += length
        seconds = time.perf_counter() - start
        print(f"ocr page {number}/{len(pages)}: CER {rates.round(3)} ({seconds:.1f} s)")
        rows.append(
            f"| {number} | {page.layout} | {', '.join(page.degradations)} | {length} | "
            + " | ".join(f"{r:.1%}" for r in rates)
            + " |"
        )
    pooled = edits / max(characters, 1)
    mean = rate_sums / max(len(pages), 1)
    height, width = pages[0].noisy.shape if pages else (0, 0)
    cleaned = " | ".join(f"CER {name}" for name in cleaners)
    return "\n".join(
        [
            f"Tesseract {tesseract_version()} (eng) character error rate on {len(pages)} synthetic "
            f"pages ({width} x {height} px at {OCR_DPI} dpi; text, letter and form layouts; the "
            "generator's random mix of degradations), as they are and cleaned by each model. "
            "CER = edit distance / reference length after normalising whitespace; lower is "
            "better. *All pages* adds up the edits and the reference characters of every page; "
            "*mean of pages* averages the pages' own rates, where a form with little typed text "
            "and much handwriting (which is not in the reference, so everything read from it "
            "counts as inserted) can exceed 100%. *Clean* is the ceiling: OCR of the undamaged "
            "page (not 0: the corpus has non-English letters, windows cut lines, forms hold "
            "handwriting-like strokes).",
            "",
            f"| Pages | CER noisy | {cleaned} | CER clean (ceiling) |",
            "|---|" + "---:|" * len(columns),
            f"| all {len(pages)} ({characters} characters) | "
            + " | ".join(f"{r:.1%}" for r in pooled)
            + " |",
            "| mean of pages | " + " | ".join(f"{r:.1%}" for r in mean) + " |",
            "",
            "<details><summary>Per page</summary>",
            "",
            "| # | Layout | Degradations | Characters | Noisy | "
            + " | ".join(name.capitalize() for name in cleaners)
            + " | Clean |",
            "|---:|---|---|---:|" + "---:|" * len(columns),
            *rows,
            "",
            "</details>",
        ]
    )


def tesseract_version() -> str:
    try:
        done = subprocess.run(
            ["tesseract", "--version"], capture_output=True, text=True, check=False
        )
    except OSError:
        return "?"
    first = (done.stdout or done.stderr).splitlines()
    return first[0].split()[-1] if first else "?"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--model", default="fast", help="fast, quality or a .safetensors path")
    parser.add_argument("--pages", type=int, default=OCR_PAGES)
    parser.add_argument("--quick", action="store_true", help="small windows (development)")
    parser.add_argument("--device", default="auto")
    args = parser.parse_args(argv)
    if shutil.which("tesseract") is None:
        print("OCR skipped: tesseract is not installed (apt-get install tesseract-ocr-eng)")
        return 0
    from common import write_section

    from docdenoise.inference import Denoiser

    denoiser = Denoiser(args.model, device=args.device)
    body = ocr_report(
        {args.model: lambda page: denoiser.denoise(page, dtype=np.float32)},
        ocr_pages(args.pages, QUICK_WINDOW if args.quick else FULL_WINDOW),
    )
    write_section("quality-ocr", f"{model_line({args.model: denoiser}, args.quick)}\n\n{body}")
    return 0


def describe_model(denoiser: object, model: str) -> str:
    """```quality` (fast, sha256 1cf39c929451, 4 passes)``: the name asked for, the weights' own
    name and hash, and the passes when more than one."""
    card = getattr(denoiser, "card", {}) or {}
    sha = str(card.get("sha256", ""))[:12] or "no card"
    passes = int(getattr(denoiser, "passes", 1))
    more = f", {passes} passes" if passes > 1 else ""
    return f"`{model}` ({card.get('name', 'unnamed')}, sha256 {sha}{more})"


def model_line(denoisers: dict[str, object], quick: bool) -> str:
    """The first line of each quality section: which models, and a warning for quick runs."""
    models = ", ".join(describe_model(den, name) for name, den in denoisers.items())
    line = f"Model{'s' if len(denoisers) > 1 else ''}: {models}."
    if quick:
        line = f"**QUICK DEVELOPMENT RUN: tiny subset, not results.** {line}"
    return line


if __name__ == "__main__":
    sys.exit(main())
