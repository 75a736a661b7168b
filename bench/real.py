"""Real pages as the judge: every cleaner on the 33 scans with ground truth in ../shared/data.

    .venv/bin/python bench/real.py [--models fast quality] [--device auto] [--quick] [--no-write]

Scores each model (bundled names or ``.safetensors`` paths, run through the app's own
:class:`docdenoise.inference.Denoiser`) beside the classical peers of :mod:`baselines` (the page as
it is, Otsu, background division, unpaper when installed) on the three folders of real scans
(``dibco-printed``, ``printed-2017``, ``typewritten``; see ../shared/data/README.md): F-measure
of the text after Otsu's threshold of each output (one rule for every cleaner), with precision and
recall, and RMSE against the 0/1 ground truth; mean over pages, per folder and over all pages.

Writes the section ``quality-real``, which opens the quality results of docs/benchmarks.md, and
the figure docs/real.png (crops: scan, ground truth, each cleaner). The pages are never trained
or tuned on, and never copied into the project. Without ../shared/data it says so and exits 0,
leaving the docs alone. ``--quick`` scores only the pages the figure crops from.
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from PIL import Image, ImageDraw

sys.path.insert(0, str(Path(__file__).resolve().parent))
import baselines
import ocr
from baselines import f_measure, otsu_threshold, precision_recall, rmse, text_mask, to_uint8
from common import REPO, publish
from figure import label_font

DATA = REPO.parent / "shared" / "data"
FOLDERS = ("dibco-printed", "printed-2017", "typewritten")
FIGURE = REPO / "docs" / "real.png"
SECTION, NEXT_SECTION = "quality-real", "quality-synthetic"
METRICS = ("F-measure ↑", "Precision", "Recall ↑", "RMSE ↓")
CROP_W, CROP_H, GAP, LABEL = 320, 176, 6, 26  # figure crops are shown 1:1


@dataclass(frozen=True)
class Crop:
    """A window of one page for the figure, chosen by eye for what it shows (not for scores)."""

    folder: str
    page: str
    top: int
    left: int
    shows: str


CROPS = (
    Crop("dibco-printed", "2013-PR04", 190, 1650, "stain over bold italic"),
    Crop("dibco-printed", "2011-PR5", 60, 180, "stains, italic figures, Fraktur"),
    Crop("printed-2017", "2017-H11", 430, 1100, "show-through of the back of the leaf"),
    Crop("printed-2017", "2017-H17", 960, 240, "small light serif type, hairlines"),
    Crop("typewritten", "nabuco-H06", 40, 1260, "pen notes and a circled number"),
)

Cleaner = Callable[[np.ndarray], np.ndarray]
Score = tuple[float, float, float, float]  # F-measure, precision, recall, RMSE


@dataclass(frozen=True)
class RealPage:
    folder: str
    name: str
    scan: np.ndarray  # (H, W) uint8, the scan as it is
    truth: np.ndarray  # (H, W) float32, 0.0 = text, 1.0 = paper


def real_pages(only: set[tuple[str, str]] | None = None) -> list[RealPage]:
    """Every page of :data:`FOLDERS` (or only the ``(folder, page)`` pairs in ``only``),
    loaded with the app's own loader."""
    from docdenoise.imageio import load_document

    pages = []
    for folder in FOLDERS:
        for path in sorted((DATA / folder / "noisy").glob("*.png")):
            if only is not None and (folder, path.stem) not in only:
                continue
            scan = load_document(path).pages[0].pixels
            truth = load_document(DATA / folder / "clean" / path.name).pages[0].pixels
            pages.append(RealPage(folder, path.stem, scan, (truth >= 128).astype(np.float32)))
    return pages


def score(output: np.ndarray, truth: np.ndarray) -> Score:
    """Text after Otsu's threshold of ``output`` (the same rule for every cleaner) against the
    ground truth's text, and the RMSE of ``output`` as it is."""
    text = truth < 0.5
    found = text_mask(output, otsu_threshold(output))
    precision, recall = precision_recall(found, text)
    return f_measure(found, text), precision, recall, rmse(output, truth)


def run(
    cleaners: dict[str, Cleaner], pages: list[RealPage]
) -> tuple[dict[str, list[Score]], dict[str, float], dict[Crop, list[np.ndarray]]]:
    """Scores per cleaner (one per page, in order), seconds per cleaner, and the figure's crops
    (scan, ground truth, then each cleaner but *as is*)."""
    scores: dict[str, list[Score]] = {name: [] for name in cleaners}
    spent = dict.fromkeys(cleaners, 0.0)
    crops: dict[Crop, list[np.ndarray]] = {}
    for page in pages:
        outputs = {}
        for name, clean in cleaners.items():
            start = time.perf_counter()
            outputs[name] = clean(page.scan)
            spent[name] += time.perf_counter() - start
            scores[name].append(score(outputs[name], page.truth))
        for crop in CROPS:
            if (crop.folder, crop.page) == (page.folder, page.name):
                window = (
                    slice(crop.top, crop.top + CROP_H),
                    slice(crop.left, crop.left + CROP_W),
                )
                shown = [page.scan, page.truth] + [o for n, o in outputs.items() if n != "as is"]
                crops[crop] = [to_uint8(baselines.to_unit(p)[window]) for p in shown]
        line = ", ".join(f"{n} F {s[-1][0]:.3f} R {s[-1][2]:.3f}" for n, s in scores.items())
        print(f"{page.folder}/{page.name}: {line}", flush=True)
    return scores, spent, crops


def crop_figure(crops: dict[Crop, list[np.ndarray]], columns: list[str], path: Path) -> None:
    """A grid: one row per crop (labelled with its page and what it shows), one column per
    panel, each crop 1:1."""
    width = GAP + len(columns) * (CROP_W + GAP)
    height = LABEL + len(crops) * (LABEL + CROP_H + GAP)
    figure = Image.new("L", (width, height), 255)
    draw = ImageDraw.Draw(figure)
    font, bold = label_font(15), label_font(17)
    for k, name in enumerate(columns):
        draw.text((GAP + k * (CROP_W + GAP) + CROP_W // 2, LABEL - 6), name, 0, bold, "ms")
    for row, (crop, panels) in enumerate(crops.items()):
        y = LABEL + row * (LABEL + CROP_H + GAP) + LABEL
        draw.text((GAP, y - 6), f"{crop.folder}/{crop.page}: {crop.shows}", 0, font, "ls")
        for k, panel in enumerate(panels):
            x = GAP + k * (CROP_W + GAP)
            tile = np.full((CROP_H, CROP_W), 255, dtype=np.uint8)
            tile[: panel.shape[0], : panel.shape[1]] = panel
            figure.paste(Image.fromarray(tile), (x, y))
            draw.rectangle((x - 1, y - 1, x + CROP_W, y + CROP_H), outline=160)
    path.parent.mkdir(parents=True, exist_ok=True)
    figure.save(path, optimize=True)


def _mean(scores: list[Score], keep: list[bool]) -> Score:
    chosen = np.array([s for s, k in zip(scores, keep, strict=True) if k], dtype=np.float64)
    f, p, r, e = chosen.mean(axis=0).tolist()
    return f, p, r, e


def summary_table(scores: dict[str, list[Score]], pages: list[RealPage]) -> str:
    """Rows per (pages, cleaner): all pages first, then each folder; best F and RMSE in bold."""
    groups = [(f"all {len(pages)} pages", [True] * len(pages))]
    for folder in FOLDERS:
        keep = [page.folder == folder for page in pages]
        if any(keep):
            groups.append((f"{folder} ({sum(keep)})", keep))
    lines = [f"| Pages | Cleaner | {' | '.join(METRICS)} |", "|---|---|---:|---:|---:|---:|"]
    for label, keep in groups:
        means = {name: _mean(values, keep) for name, values in scores.items()}
        best_f = max(m[0] for m in means.values())
        best_e = min(m[3] for m in means.values())
        for number, (name, (f, p, r, e)) in enumerate(means.items()):
            cells = [
                f"**{f:.4f}**" if f == best_f else f"{f:.4f}",
                f"{p:.3f}",
                f"{r:.3f}",
                f"**{e:.4f}**" if e == best_e else f"{e:.4f}",
            ]
            lines.append(f"| {label if number == 0 else ''} | {name} | {' | '.join(cells)} |")
    return "\n".join(lines)


def page_table(scores: dict[str, list[Score]], pages: list[RealPage]) -> str:
    lines = [f"| Page | {' | '.join(scores)} |", "|---|" + "---:|" * len(scores)]
    for i, page in enumerate(pages):
        cells = " | ".join(f"{v[i][0]:.3f} / {v[i][2]:.3f}" for v in scores.values())
        lines.append(f"| {page.folder}/{page.name} | {cells} |")
    return "\n".join(lines)


def section(
    head: str, scores: dict[str, list[Score]], spent: dict[str, float], pages: list[RealPage]
) -> str:
    megapixels = sum(page.scan.size for page in pages) / 1e6
    timing = ", ".join(f"{name} {seconds:.1f} s" for name, seconds in spent.items())
    counts = ", ".join(f"{sum(p.folder == folder for p in pages)} `{folder}`" for folder in FOLDERS)
    return "\n".join(
        [
            "### Real pages: scans with ground truth, every cleaner in one run",
            "",
            head,
            "",
            f"{len(pages)} real scans ({counts}; ../shared/data, see its README), never "
            "trained or tuned on. Each cleaner gets the scan as it is (8-bit grey). Its output "
            "is cut by Otsu's threshold of that output, the same rule for every cleaner, and "
            "the text found is set against the ground truth's: F-measure, with its two halves, "
            "precision (the share of the pixels marked as text that are text; stains and "
            "show-through lower it) and recall (the share of the text that was kept; erased or "
            "thinned strokes lower it: the figure to watch, a cleaner that erases ink loses "
            "words). RMSE is the output as it is against the 0/1 ground truth, so grey outputs "
            "pay for the grey of their ink and paper; Otsu's is black/white. *As is* and *Otsu* "
            "find the same text (Otsu of a black/white page keeps it as it is). Mean over "
            "pages; best F-measure and RMSE of each group in bold. unpaper runs with its "
            "default filters and every geometric step off.",
            "",
            summary_table(scores, pages),
            "",
            f"Time for the {megapixels:.1f} MP: {timing}.",
            "",
            "![scan, ground truth and each cleaner on crops of real pages](real.png)",
            "",
            "<details><summary>Per page: F-measure / recall</summary>",
            "",
            page_table(scores, pages),
            "",
            "</details>",
        ]
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument(
        "--models",
        nargs="+",
        default=["fast", "quality"],
        help="fast, quality or .safetensors paths (default: fast quality)",
    )
    parser.add_argument("--device", default="auto")
    parser.add_argument("--quick", action="store_true", help="only the figure's pages")
    parser.add_argument("--no-write", action="store_true", help="print, leave the docs alone")
    parser.add_argument("--figure", type=Path, default=FIGURE, help="where to write the PNG")
    args = parser.parse_args(argv)
    missing = [f for f in FOLDERS if not (DATA / f / "noisy").is_dir()]
    if missing:
        print(
            f"real pages not found ({', '.join(str(DATA / f) for f in missing)}): they are not "
            "shipped with docdenoise; nothing scored, docs left as they are"
        )
        return 0
    from docdenoise.inference import Denoiser

    denoisers = {model: Denoiser(model, device=args.device) for model in args.models}
    cleaners: dict[str, Cleaner] = dict(baselines.CLEANERS)
    if not baselines.unpaper_available():
        print("unpaper not installed (apt-get install unpaper): its row is left out")
        del cleaners["unpaper"]
    for name, den in denoisers.items():
        cleaners[name] = lambda page, den=den: den.denoise(page, dtype=np.float32)
    pages = real_pages({(c.folder, c.page) for c in CROPS} if args.quick else None)
    scores, spent, crops = run(cleaners, pages)
    columns = ["scan", "ground truth", *(n for n in cleaners if n != "as is")]
    if not args.no_write or args.figure != FIGURE:
        crop_figure(crops, columns, args.figure)
        print(f"figure: {args.figure}")
    head = ocr.model_line(dict(denoisers), args.quick)
    body = section(head, scores, spent, pages)
    publish(SECTION, body, dry_run=args.no_write, before=NEXT_SECTION)
    return 0


if __name__ == "__main__":
    sys.exit(main())
