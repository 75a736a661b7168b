"""Does cleaning help OCR? The text layer docdenoise writes, Tesseract on the real scans, and
the time OCR adds.

    .venv/bin/python bench/ocr_real.py [--models fast quality] [--pages 12] [--a4 3] [--quick]
                                       [--no-write]

One section of docs/benchmarks.md (``quality-ocr-real``), three parts:

* synthetic pages with known text (bench/ocr.py's pages, seeds and CER): each page as scanned,
  cleaned by each model, and clean (the ceiling) goes through the product's own
  :func:`docdenoise.ocr.write_searchable_pdf` (OCRmyPDF + Tesseract, eng, 300 dpi) and the
  text layer of the PDF is read back with pypdfium2;
* the 33 real scans of ../shared/data (bench/real.py). They have no transcript, so the reference
  is Tesseract's reading of the ground-truth image: the CER says how much closer a cleaner
  brings OCR to reading the ideal page. Read by ``tesseract`` directly (eng, one thread,
  ``--dpi 300``: the scans carry no DPI), as is, after background division and each model;
* time per page: cleaning beside the seconds OCR adds to writing the PDF (searchable PDF minus
  the image-only PDF the product writes without ``--ocr``), on the synthetic 300-dpi pages
  (half A4) and on ``--a4`` whole A4 pages.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
import unicodedata
from collections.abc import Callable
from importlib.metadata import version
from pathlib import Path

import numpy as np
from rapidfuzz.distance import Levenshtein

sys.path.insert(0, str(Path(__file__).resolve().parent))
import baselines
import ocr
import real
from baselines import to_uint8
from common import publish
from ocr import OCR_DPI, OcrPage, normalise_text, tesseract_text

SECTION, NEXT_SECTION = "quality-ocr-real", "bundle"
REAL_DPI = 300
A4 = (3508, 2480)  # rows x columns at 300 dpi
SCANNED, CLEAN = "as scanned", "clean"
Cleaner = Callable[[np.ndarray], np.ndarray]


def strip_controls(text: str) -> str:
    """Text read out of a PDF without control and format characters (PDFium's hyphen and
    line-end marks, byte-order marks); whitespace and everything else kept."""
    return "".join(c for c in text if c.isspace() or not unicodedata.category(c).startswith("C"))


def pooled_cer(edits: list[int], lengths: list[int]) -> float:
    """All pages together: edits over reference characters, each character weighing the same."""
    return sum(edits) / max(sum(lengths), 1)


def better_worse(rates: list[float], base: list[float], margin: float = 0.005) -> tuple[int, int]:
    """How many pages ``rates`` beat ``base`` on, and lose on, by more than ``margin``."""
    better = sum(r < b - margin for r, b in zip(rates, base, strict=True))
    worse = sum(r > b + margin for r, b in zip(rates, base, strict=True))
    return better, worse


def pdf_text(path: Path) -> str:
    """The text layer of every page of the PDF at ``path``, as PDFium extracts it."""
    import pypdfium2 as pdfium

    pdf = pdfium.PdfDocument(path)
    try:
        parts = []
        for page in pdf:
            textpage = page.get_textpage()
            parts.append(textpage.get_text_range())
            textpage.close()
            page.close()
    finally:
        pdf.close()
    return strip_controls("\n".join(parts))


def searchable(pixels: np.ndarray, folder: Path) -> tuple[str, float]:
    """The text layer of the searchable PDF the product writes of one page, and the seconds
    ``write_searchable_pdf`` took."""
    from docdenoise.ocr import write_searchable_pdf
    from docdenoise.page import Page

    path = folder / "searchable.pdf"
    start = time.perf_counter()
    write_searchable_pdf([Page(to_uint8(pixels), (OCR_DPI, OCR_DPI))], path, "eng")
    return pdf_text(path), time.perf_counter() - start


def image_pdf_seconds(pixels: np.ndarray, folder: Path) -> float:
    """Seconds to write the image-only PDF (the product's output without ``--ocr``)."""
    from docdenoise import pdfio
    from docdenoise.page import Page

    start = time.perf_counter()
    pdfio.write_pdf([Page(to_uint8(pixels), (OCR_DPI, OCR_DPI))], folder / "image.pdf")
    return time.perf_counter() - start


def synthetic(
    cleaners: dict[str, Cleaner], pages: list[OcrPage], *, ceiling: bool = True
) -> tuple[dict[str, list[int]], list[int], dict[str, list[float]]]:
    """Text-layer edits per variant (as scanned, each cleaner, clean) and page, the reference
    lengths, and seconds per page: ``clean NAME``, ``image PDF``, ``searchable PDF`` (of the
    first cleaner's page) and ``searchable PDF as scanned``."""
    first = next(iter(cleaners))
    edits: dict[str, list[int]] = {SCANNED: [], **{n: [] for n in cleaners}}
    if ceiling:
        edits[CLEAN] = []
    times: dict[str, list[float]] = {f"clean {n}": [] for n in cleaners}
    times.update({"image PDF": [], "searchable PDF": [], "searchable PDF as scanned": []})
    lengths = []
    with tempfile.TemporaryDirectory(prefix="docdenoise-ocr-real-") as tmp:
        for number, page in enumerate(pages, start=1):
            variants = {SCANNED: page.noisy}
            for name, clean in cleaners.items():
                start = time.perf_counter()
                variants[name] = clean(page.noisy)
                times[f"clean {name}"].append(time.perf_counter() - start)
            if ceiling:
                variants[CLEAN] = page.clean
            times["image PDF"].append(image_pdf_seconds(variants[first], Path(tmp)))
            reference = normalise_text(page.text)
            lengths.append(len(reference))
            for name, pixels in variants.items():
                text, seconds = searchable(pixels, Path(tmp))
                edits[name].append(Levenshtein.distance(normalise_text(text), reference))
                if name in (SCANNED, first):
                    times[
                        "searchable PDF" if name == first else "searchable PDF as scanned"
                    ].append(seconds)
            rates = ", ".join(f"{n} {e[-1] / max(lengths[-1], 1):.3f}" for n, e in edits.items())
            print(f"text layer {number}/{len(pages)} ({page.layout}): CER {rates}", flush=True)
    return edits, lengths, times


def real_pages_ocr(
    cleaners: dict[str, Cleaner], pages: list[real.RealPage]
) -> tuple[dict[str, list[int]], list[int]]:
    """Tesseract's edits per cleaner and page against its own reading of the ground truth, and
    the reference lengths."""
    edits: dict[str, list[int]] = {name: [] for name in cleaners}
    lengths = []
    for page in pages:
        reference = normalise_text(tesseract_text(page.truth, REAL_DPI))
        lengths.append(len(reference))
        for name, clean in cleaners.items():
            text = tesseract_text(clean(page.scan), REAL_DPI)
            edits[name].append(Levenshtein.distance(normalise_text(text), reference))
        rates = ", ".join(f"{n} {e[-1] / max(lengths[-1], 1):.3f}" for n, e in edits.items())
        print(f"{page.folder}/{page.name} ({lengths[-1]} chars): CER {rates}", flush=True)
    return edits, lengths


def rates_of(edits: list[int], lengths: list[int]) -> list[float]:
    return [e / max(n, 1) for e, n in zip(edits, lengths, strict=True)]


def cer_table(
    groups: list[tuple[str, list[bool]]], edits: dict[str, list[int]], lengths: list[int]
) -> list[str]:
    """One row per group of pages: reference characters, then the pooled CER of each column."""
    lines = [
        f"| Pages | Reference characters | {' | '.join(edits)} |",
        "|---|---:|" + "---:|" * len(edits),
    ]
    for label, keep in groups:
        chosen = [n for n, k in zip(lengths, keep, strict=True) if k]
        cells = []
        for values in edits.values():
            picked = [e for e, k in zip(values, keep, strict=True) if k]
            cells.append(f"{pooled_cer(picked, chosen):.1%}")
        lines.append(f"| {label} | {sum(chosen)} | {' | '.join(cells)} |")
    return lines


def counts_line(edits: dict[str, list[int]], lengths: list[int], base: str, skip: str) -> str:
    """Pages each cleaner helps and hurts, against ``base`` (more than half a point of CER)."""
    base_rates = rates_of(edits[base], lengths)
    parts = []
    for name, values in edits.items():
        if name in (base, skip):
            continue
        better, worse = better_worse(rates_of(values, lengths), base_rates)
        parts.append(f"{name} lowers it on {better} of {len(lengths)} pages, raises it on {worse}")
    return f"Against {base}: " + "; ".join(parts) + " (by more than half a point)."


def page_rows(labels: list[str], edits: dict[str, list[int]], lengths: list[int]) -> list[str]:
    lines = [f"| Page | Characters | {' | '.join(edits)} |", "|---|---:|" + "---:|" * len(edits)]
    for i, label in enumerate(labels):
        cells = " | ".join(f"{v[i] / max(lengths[i], 1):.1%}" for v in edits.values())
        lines.append(f"| {label} | {lengths[i]} | {cells} |")
    return lines


def time_row(label: str, times: dict[str, list[float]], models: list[str]) -> str:
    med = {key: statistics.median(values) for key, values in times.items()}
    adds = med["searchable PDF"] - med["image PDF"]
    cells = [f"{med[f'clean {m}']:.2f}" if f"clean {m}" in med else "-" for m in models]
    cells += [f"{med['image PDF']:.2f}", f"{med['searchable PDF']:.2f}", f"**{adds:.2f}**"]
    cells.append(f"{med['searchable PDF as scanned']:.2f}")
    return f"| {label} | {' | '.join(cells)} |"


def section(
    head: str,
    synth: tuple[dict[str, list[int]], list[int], dict[str, list[float]]],
    pages: list[OcrPage],
    reals: tuple[dict[str, list[int]], list[int]],
    real_list: list[real.RealPage],
    a4: tuple[int, dict[str, list[float]]] | None,
    models: list[str],
) -> str:
    s_edits, s_lengths, s_times = synth
    r_edits, r_lengths = reals
    height, width = pages[0].noisy.shape
    groups = [(f"all {len(real_list)}", [True] * len(real_list))]
    for folder in real.FOLDERS:
        keep = [p.folder == folder for p in real_list]
        if any(keep):
            groups.append((f"{folder} ({sum(keep)})", keep))
    s_labels = [f"{i} {p.layout}: {', '.join(p.degradations)}" for i, p in enumerate(pages, 1)]
    half = " (half A4)" if (height, width) == ocr.FULL_WINDOW else ""
    time_head = " | ".join(f"clean `{m}`" for m in models)
    lines = [
        "### OCR before and after cleaning: the searchable PDF's text layer, and the real scans",
        "",
        head,
        "",
        f"**Synthetic pages, known text.** {len(pages)} pages of bench/ocr.py ({width} x "
        f"{height} px at {OCR_DPI} dpi, text, letter and form layouts, the generator's random "
        "mix of degradations), each written by the product's `write_searchable_pdf` (the "
        "path of `docdenoise clean --ocr eng`: OCRmyPDF "
        f"{version('ocrmypdf')}, Tesseract {ocr.tesseract_version()}, eng) as scanned, "
        "after each model, and clean (the ceiling); the PDF's text layer is read back with "
        "pypdfium2 and set against the page's own text. CER = edit distance / reference "
        "characters after normalising whitespace, all pages together; lower is better.",
        "",
        *cer_table([(f"all {len(pages)}", [True] * len(pages))], s_edits, s_lengths),
        "",
        counts_line(s_edits, s_lengths, SCANNED, CLEAN),
        "",
        "<details><summary>Per page</summary>",
        "",
        *page_rows(s_labels, s_edits, s_lengths),
        "",
        "</details>",
        "",
        f"**Real scans.** The {len(real_list)} scans of `bench/real.py` (../shared/data, never "
        "trained or tuned on) have no transcript. **The reference is Tesseract's own reading "
        "of the ground-truth image** (the binary truth drawn as a page), not a human "
        "transcript: the CER measures how much closer a cleaner brings OCR to what it reads "
        "on the ideal page, not how right that reading is (on the Fraktur of `printed-2017` "
        "the eng reading of the truth is itself far from the words). Read by `tesseract` "
        f"directly (eng, one thread, `--dpi {REAL_DPI}`: the scans carry no DPI), the page as "
        "is, after background division (bench/baselines.py) and after each model.",
        "",
        *cer_table(groups, r_edits, r_lengths),
        "",
        counts_line(r_edits, r_lengths, "as is", ""),
        "",
        "<details><summary>Per page</summary>",
        "",
        *page_rows([f"{p.folder}/{p.name}" for p in real_list], r_edits, r_lengths),
        "",
        "</details>",
        "",
        "**Time per page** (CPU, median over the pages, seconds). *Clean*: `Denoiser.denoise`. "
        "*Image PDF*: the cleaned page as the product writes it without `--ocr`; *searchable "
        "PDF*: with `--ocr eng` (`write_searchable_pdf`: the image PDF, OCRmyPDF with one "
        "worker, Tesseract on one thread, PDF/A); *OCR adds* is the difference. The last "
        "column OCRs the page as scanned instead.",
        "",
        f"| Pages | {time_head} | image PDF | searchable PDF | OCR adds | searchable PDF, "
        "page as scanned |",
        "|---|" + "---:|" * (len(models) + 4),
        time_row(f"{len(pages)} synthetic, {width} x {height}{half}", s_times, models),
    ]
    if a4 is not None:
        lines.append(time_row(f"{a4[0]} synthetic A4, {A4[1]} x {A4[0]}", a4[1], models))
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--models", nargs="+", default=["fast", "quality"])
    parser.add_argument("--pages", type=int, default=ocr.OCR_PAGES, help="synthetic pages")
    parser.add_argument("--a4", type=int, default=3, help="whole A4 pages timed (0: none)")
    parser.add_argument("--quick", action="store_true", help="tiny subset (development)")
    parser.add_argument("--device", default="cpu")
    parser.add_argument("--no-write", action="store_true", help="print, leave the docs alone")
    args = parser.parse_args(argv)
    from docdenoise.ocr import check_language

    check_language("eng")  # OCRmyPDF, Tesseract and eng, or a clear error
    if any(not (real.DATA / f / "noisy").is_dir() for f in real.FOLDERS):
        print(f"real pages not found under {real.DATA} (not shipped): nothing run, docs left alone")
        return 0
    from docdenoise.inference import Denoiser

    denoisers = {m: Denoiser(m, device=args.device) for m in args.models}
    cleaners: dict[str, Cleaner] = {m: d.denoise for m, d in denoisers.items()}
    start, load = time.perf_counter(), os.getloadavg()[0]
    count, window = (3, ocr.QUICK_WINDOW) if args.quick else (args.pages, ocr.FULL_WINDOW)
    pages = ocr.ocr_pages(count, window)
    synth = synthetic(cleaners, pages)
    a4 = None
    if args.a4 > 0:
        a4_pages = ocr.ocr_pages(1 if args.quick else args.a4, A4)
        first = dict(list(cleaners.items())[:1])  # the others' time is in bench/throughput.py
        a4 = (len(a4_pages), synthetic(first, a4_pages, ceiling=False)[2])
    only = {(c.folder, c.page) for c in real.CROPS} if args.quick else None
    real_list = real.real_pages(only)
    peers: dict[str, Cleaner] = {
        "as is": baselines.as_is,
        "background division": baselines.background_division,
        **cleaners,
    }
    reals = real_pages_ocr(peers, real_list)
    head = ocr.model_line(dict(denoisers), args.quick)
    body = section(head, synth, pages, reals, real_list, a4, list(denoisers))
    print(f"ran in {time.perf_counter() - start:.0f} s")
    body += (
        f"\n\nLoad average (1 min) at the start and end of the run: {load:.1f} and "
        f"{os.getloadavg()[0]:.1f} on {len(os.sched_getaffinity(0))} cores: a shared machine, "
        "so these times can be high; bench/throughput.py has the cleaning times when it is quiet."
    )
    publish(SECTION, body, dry_run=args.no_write, before=NEXT_SECTION)
    return 0


if __name__ == "__main__":
    sys.exit(main())
