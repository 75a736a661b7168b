"""Quality: the model beside classical cleaners on synthetic pages, real scans and OCR.

    .venv/bin/python bench/quality.py [--models fast quality] [--quick] [--skip-ocr] [--skip-dibco]

Writes three sections of docs/benchmarks.md and the figure docs/quality.png (of the first model):

* ``quality-synthetic``: RMSE and PSNR against the clean target on a fixed validation set: the
  same 12 clean 512 x 512 pages spoiled by each degradation alone (``degrade(only=[name])``),
  plus 12 pairs of the generator's random mix (``make_pair``). Seeds start at 1.5e9, far from
  the training pages (1, 2, ...) and the training validation set (1e9, ...).
* ``quality-dibco``: the 21 machine-printed DIBCO pages in ../shared/data/dibco-printed (never
  trained or tuned on; skipped when absent): RMSE against the 0/1 ground truth and F-measure of
  the text pixels.
* ``quality-ocr``: Tesseract character error rate, see bench/ocr.py.

Every cleaner gets the noisy page as an 8-bit scan (uint8), as a user's scanner would give it.
``--quick`` runs a tiny subset for development and marks its sections as such.
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
import baselines
import ocr
from baselines import (
    f_measure,
    half_way_width,
    otsu_threshold,
    precision_recall,
    rmse,
    stroke_runs,
    stroke_width,
    text_mask,
    to_uint8,
    to_unit,
)
from common import REPO, write_section
from figure import quality_figure

VAL_SEED = 1_500_000_000
MIXED_SEED = VAL_SEED + 1_000_000
DIBCO = REPO.parent / "shared" / "data" / "dibco-printed"
FIGURE = REPO / "docs" / "quality.png"
MODEL_THRESHOLD = 0.5  # the model's grey output is text where below this (its natural cut)
UNDAMAGED = "none (undamaged)"  # the last synthetic row: the clean pages as they are

Cleaners = dict[str, Callable[[np.ndarray], np.ndarray]]


@dataclass(frozen=True)
class Scale:
    pairs: int  # validation pairs per degradation
    size: int  # side of a validation page
    dibco_pages: int | None  # None: all
    ocr_pages: int


FULL = Scale(pairs=12, size=512, dibco_pages=None, ocr_pages=ocr.OCR_PAGES)
QUICK = Scale(pairs=2, size=256, dibco_pages=2, ocr_pages=1)


# --- synthetic validation -------------------------------------------------------------------


def validation_set(scale: Scale) -> dict[str, list[tuple[np.ndarray, np.ndarray]]]:
    """``{degradation: [(noisy uint8, clean float32), ...]}``, plus ``'mixed'``; reproducible.
    Every degradation row spoils the same clean pages."""
    from docdenoise.synth import DEGRADATIONS, degrade, make_pair, render_clean

    cleans = []
    for index in range(scale.pairs):
        page_seq = np.random.SeedSequence(VAL_SEED + index).spawn(2)[0]
        page = render_clean(np.random.default_rng(page_seq), scale.size, scale.size)
        cleans.append(page.pixels)
    sets: dict[str, list[tuple[np.ndarray, np.ndarray]]] = {}
    for kind, name in enumerate(DEGRADATIONS, start=1):
        sets[name] = []
        for index, clean in enumerate(cleans):
            rng = np.random.default_rng(np.random.SeedSequence([VAL_SEED + index, kind]))
            noisy, _ = degrade(clean, rng, only=[name])
            sets[name].append((to_uint8(noisy), clean))
    mixed = [make_pair(MIXED_SEED + i, scale.size, scale.size) for i in range(scale.pairs)]
    sets["mixed"] = [(to_uint8(pair.noisy), pair.clean) for pair in mixed]
    return sets


def _table(title: str, scores: dict[str, dict[str, float]], fmt: str, best: Callable) -> str:
    names = list(next(iter(scores.values())))
    lines = [f"| {title} | {' | '.join(names)} |", "|---|" + "---:|" * len(names)]
    for row, values in scores.items():
        top = best(values.values())
        cells = [
            f"**{v:{fmt}}**" if v == top and row != "mean" else f"{v:{fmt}}"
            for v in values.values()
        ]
        label = f"**{row}**" if row == "mean" else row
        lines.append(f"| {label} | {' | '.join(cells)} |")
    return "\n".join(lines)


def synthetic_section(cleaners: Cleaners, scale: Scale, figure: Path, figure_model: str) -> str:
    """Markdown for the synthetic validation set; also writes the figure (of ``figure_model``)."""
    sets = validation_set(scale)
    errors: dict[str, dict[str, float]] = {}
    ratios: dict[str, dict[str, float]] = {}
    spent = dict.fromkeys(cleaners, 0.0)
    panels = []
    for kind, pairs in sets.items():
        per: dict[str, list[tuple[float, float]]] = {name: [] for name in cleaners}
        for number, (noisy, clean) in enumerate(pairs):
            for name, clean_page in cleaners.items():
                start = time.perf_counter()
                out = clean_page(noisy)
                spent[name] += time.perf_counter() - start
                per[name].append((rmse(out, clean), baselines.psnr(out, clean)))
                if number == 0 and name == figure_model:
                    panels.append((kind, to_unit(noisy), out, clean))
        errors[kind] = {n: float(np.mean([s[0] for s in v])) for n, v in per.items()}
        ratios[kind] = {n: float(np.mean([s[1] for s in v])) for n, v in per.items()}
        print(f"synthetic {kind}: " + ", ".join(f"{n} {e:.4f}" for n, e in errors[kind].items()))
    for table in (errors, ratios):
        table["mean"] = {n: float(np.mean([row[n] for row in table.values()])) for n in cleaners}
    undamaged = [(to_uint8(clean), clean) for _, clean in next(iter(sets.values()))]
    for table, score in ((errors, rmse), (ratios, baselines.psnr)):
        table[UNDAMAGED] = {
            n: float(np.mean([score(f(page), clean) for page, clean in undamaged]))
            for n, f in cleaners.items()
        }
    quality_figure(panels, figure)
    size, pairs = scale.size, scale.pairs
    timing = ", ".join(f"{n} {t / (len(sets) * pairs):.3f} s" for n, t in spent.items())
    return "\n".join(
        [
            f"Synthetic validation: {pairs} pages of {size} x {size} px per row (seeds from "
            f"{VAL_SEED}, never trained on). Each degradation alone on the same {pairs} clean "
            f"pages; *mixed* is {pairs} pairs of the generator's random mix. Mean per page; "
            "best cleaner per row in bold. *Otsu* is black/white, the others grey. The last "
            "row, not in the mean, is the same pages undamaged: what a cleaner does to a page "
            "that needs nothing.",
            "",
            "RMSE against the clean page (lower is better):",
            "",
            _table("Degradation", errors, ".4f", min),
            "",
            "PSNR in dB (higher is better):",
            "",
            _table("Degradation", ratios, ".2f", max),
            "",
            f"Mean time per page: {timing}.",
            "",
            f"![noisy, cleaned and clean crops per degradation]({figure.name})",
        ]
    )


# --- real scans (DIBCO) ---------------------------------------------------------------------

# (row label, cleaner, text threshold: 'otsu' = Otsu's threshold of that output, else a level)
BASELINE_ROWS = (
    ("as is", "as is", "otsu"),
    ("background division", "background division", "otsu"),
    ("Otsu", "Otsu", MODEL_THRESHOLD),
    ("unpaper", "unpaper", "otsu"),
)


def dibco_rows(models: list[str]) -> list[tuple[str, str, str | float]]:
    """The baselines, then each model at its own cut and after Otsu."""
    rows: list[tuple[str, str, str | float]] = list(BASELINE_ROWS)
    for model in models:
        rows += [(model, model, MODEL_THRESHOLD), (f"{model} + Otsu", model, "otsu")]
    return rows


def dibco_pages(limit: int | None) -> list[tuple[str, np.ndarray, np.ndarray]]:
    """``(name, noisy uint8, ground truth float32 0/1)`` for each page (first ``limit``)."""
    from docdenoise.imageio import load_document

    pages = []
    for path in sorted((DIBCO / "noisy").glob("*.png"))[:limit]:
        noisy = load_document(path).pages[0].pixels
        truth = load_document(DIBCO / "clean" / path.name).pages[0].pixels
        pages.append((path.stem, noisy, (truth >= 128).astype(np.float32)))
    return pages


def dibco_section(cleaners: Cleaners, scale: Scale, models: list[str]) -> str | None:
    """Markdown for the real scans, or None (with a printed reason) when they are absent."""
    if not (DIBCO / "noisy").is_dir():
        print(f"DIBCO skipped: {DIBCO} not found (the real scans are not shipped with docdenoise)")
        return None
    pages = dibco_pages(scale.dibco_pages)
    rows = [row for row in dibco_rows(models) if row[1] in cleaners]
    scores: dict[str, list[tuple[float, ...]]] = {row[0]: [] for row in rows}
    widths: dict[str, list[float]] = {"truth": [], "scan": []}
    for name, noisy, truth in pages:
        outputs = {cleaner: cleaners[cleaner](noisy) for cleaner in {r[1] for r in rows}}
        text = truth < 0.5
        runs = stroke_runs(text)
        widths["truth"].append(stroke_width(text, runs))
        widths["scan"].append(half_way_width(noisy, runs))
        for label, cleaner, rule in rows:
            out = outputs[cleaner]
            threshold = otsu_threshold(out) if rule == "otsu" else float(rule)
            found = text_mask(out, threshold)
            scores[label].append(
                (
                    rmse(out, truth),
                    f_measure(found, text),
                    *precision_recall(found, text),
                    stroke_width(found, runs),
                )
            )
        print(f"dibco {name}: " + ", ".join(f"{k} F {v[-1][1]:.3f}" for k, v in scores.items()))
    rules = {label: "Otsu" if rule == "otsu" else f"< {rule}" for label, _, rule in rows}
    summary = [
        f"| {label} | {np.mean([s[0] for s in v]):.4f} | {np.mean([s[1] for s in v]):.4f} "
        f"| {np.mean([s[2] for s in v]):.3f} | {np.mean([s[3] for s in v]):.3f} "
        f"| {np.mean([s[4] for s in v]):.2f} | {rules[label]} |"
        for label, v in scores.items()
    ]
    per_page = [
        f"| {name} | "
        + " | ".join(f"{v[i][0]:.3f} / {v[i][1]:.3f}" for v in scores.values())
        + " |"
        for i, (name, _, _) in enumerate(pages)
    ]
    return "\n".join(
        [
            f"Real scans: {len(pages)} machine-printed DIBCO pages (2009, 2011, 2013 contests), "
            "never trained or tuned on. RMSE of each output *as it is* against the 0/1 ground "
            "truth (the model's and most baselines' outputs are grey, so their RMSE includes "
            "the grey of ink and paper; Otsu's is black/white), and F-measure of the text "
            "pixels after the threshold shown, with its two halves: precision (the share of "
            "the pixels marked as text that are text; stains and show-through lower it) and "
            "recall (the share of the text that was marked; erased or thinned strokes lower "
            "it). Mean over pages.",
            "",
            "*Stroke width* is how wide each cleaner draws a stroke (after its threshold), in "
            "pixels along the row, at the centre of each of the ground truth's text runs 3-15 "
            "px long on every 4th row: single strokes cut across. The ground truth's own runs "
            f"are {np.mean(widths['truth']):.2f} px wide on average; the scan's strokes, cut "
            "half-way between their ink (the run's darkest pixel) and the paper beside them, "
            f"{np.mean(widths['scan']):.2f} px. The ground truth takes in the soft rim of each "
            "stroke, so a cleaner that draws the ink's own edge loses recall there.",
            "",
            "| Cleaner | RMSE ↓ | F-measure ↑ | Precision | Recall | Stroke width (px) "
            "| Text threshold |",
            "|---|---:|---:|---:|---:|---:|---|",
            *summary,
            "",
            "<details><summary>Per page: RMSE / F-measure</summary>",
            "",
            f"| Page | {' | '.join(scores)} |",
            "|---|" + "---:|" * len(scores),
            *per_page,
            "",
            "</details>",
        ]
    )


# --- command --------------------------------------------------------------------------------


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument(
        "--models",
        nargs="+",
        default=["fast", "quality"],
        help="fast, quality or .safetensors paths (default: fast quality)",
    )
    parser.add_argument("--device", default="auto")
    parser.add_argument("--quick", action="store_true", help="a tiny subset, for development")
    parser.add_argument("--skip-ocr", action="store_true")
    parser.add_argument("--skip-dibco", action="store_true")
    parser.add_argument("--figure", type=Path, default=FIGURE, help="where to write the PNG")
    args = parser.parse_args(argv)
    from docdenoise.inference import Denoiser

    scale = QUICK if args.quick else FULL
    denoisers = {model: Denoiser(model, device=args.device) for model in args.models}
    cleaners: Cleaners = dict(baselines.CLEANERS)
    if not baselines.unpaper_available():
        print("unpaper not installed (apt-get install unpaper): its column is left out")
        del cleaners["unpaper"]
    models: Cleaners = {
        name: (lambda page, den=den: den.denoise(page, dtype=np.float32))
        for name, den in denoisers.items()
    }
    cleaners.update(models)
    head = ocr.model_line(dict(denoisers), args.quick)
    started = time.perf_counter()
    body = synthetic_section(cleaners, scale, args.figure, args.models[0])
    write_section("quality-synthetic", f"{head}\n\n{body}")
    if args.skip_dibco:
        print("DIBCO skipped (--skip-dibco)")
    elif (dibco := dibco_section(cleaners, scale, args.models)) is not None:
        write_section("quality-dibco", f"{head}\n\n{dibco}")
    if args.skip_ocr:
        print("OCR skipped (--skip-ocr)")
    else:
        window = ocr.QUICK_WINDOW if args.quick else ocr.FULL_WINDOW
        pages = ocr.ocr_pages(scale.ocr_pages, window)
        write_section("quality-ocr", f"{head}\n\n{ocr.ocr_report(models, pages)}")
    print(f"quality: done in {time.perf_counter() - started:.0f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
