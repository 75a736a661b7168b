"""Compare candidate weights on the measures a validation RMSE does not show. Prints a table.

    .venv/bin/python bench/candidates.py [--ocr [--ocr-pages N]] fast runs/NAME/final.safetensors
    .venv/bin/python bench/candidates.py --ocr --ocr-pages 36 --write fast quality
    .venv/bin/python bench/candidates.py runs/NAME/averaged.safetensors@8   # in 8 passes

``--write`` puts the table in docs/benchmarks.md (section ``models``) as well.

For each weights file: the share of small-mark ink kept (the pages of
``tests/test_quality.py::test_nothing_small_is_erased``), of Korean stroke ink kept (the pages
of ``bench/korean.py``), the RMSE on the bundled sample scan, stray marks (dark pixels the model
draws on paper, per million paper pixels, on 12 pages damaged like the sample), and on the real
DIBCO pages (when ``../shared/data`` is there) the mean RMSE and the F-measure after Otsu,
with its precision and recall; the mean RMSE over the rows of ``bench/quality.py``'s synthetic
pages, upright and laid on their side (a quarter turn, as a landscape page scanned upright),
and on the same pages undamaged (what the model does to a page that needs nothing: grey ink
darkened, a shaded row washed out, a wide black band broken all show here), and the share of
the ink of black bands 80 to 130 px tall kept (``tests/test_quality.py``'s band page), and of
the ink well inside the strokes of big faded letters (titles and drop caps, 28-110 pt).
Used to decide whether a training run's weights replace the shipped ones; the real pages judge,
they never train or pick checkpoints.
"""

from __future__ import annotations

import argparse
import functools
import sys
from collections.abc import Callable
from pathlib import Path

import numpy as np

from docdenoise.assets import BUNDLED_MODELS

HERE = Path(__file__).resolve().parent
sys.path[:0] = [str(HERE), str(HERE.parent / "tests")]
import baselines  # noqa: E402
import test_quality as tq  # noqa: E402 (the small-mark pages: the figures are the test's own)
from baselines import f_measure, otsu_threshold, precision_recall, rmse, text_mask  # noqa: E402
from korean import ink_kept, korean_pages  # noqa: E402
from quality import DIBCO, FULL, dibco_pages, validation_set  # noqa: E402


def ocr_error(clean: Callable[[np.ndarray], np.ndarray], pages: list) -> float:
    """Tesseract's CER on ``pages`` (``ocr.OcrPage``) after ``clean``, all pages together."""
    import ocr

    edits = characters = 0
    for page in pages:
        page_edits, length = ocr.read_edits(clean(page.noisy), page.text)
        edits, characters = edits + page_edits, characters + length
    return edits / max(characters, 1)


STRAY_SEED = 1_700_000_000  # far from every training range (1e7s) and validation (1e9, 1.5e9)
STRAY_PAGES = 12
STRAY_LAYOUTS = (("letter", 150), ("text", 200), ("form", 300))
STRAY_DARK = 0.6  # a paper pixel (clean >= 0.9, 3 px from any ink) cleaned darker than this


def stray_marks(clean: Callable[[np.ndarray], np.ndarray]) -> float:
    """Dark pixels drawn on paper per million paper pixels, on pages with the sample's damage.

    The sample scan showed a fold's pale hairline on dark paper cleaned into grey dashes; this
    measures whether such marks are common, over more pages than one.
    """
    from make_sample import KINDS
    from PIL import Image, ImageFilter

    from docdenoise.synth import degrade, render_clean

    stray = paper_pixels = 0
    for index in range(STRAY_PAGES):
        rng = np.random.default_rng(STRAY_SEED + index)
        layout, dpi = STRAY_LAYOUTS[index % len(STRAY_LAYOUTS)]
        page = render_clean(rng, 1024, 1024, layout=layout, dpi=dpi)
        noisy, _ = degrade(page.pixels, rng, only=KINDS)
        near_ink = Image.fromarray(((page.pixels < 0.9) * 255).astype(np.uint8))
        paper = np.asarray(near_ink.filter(ImageFilter.MaxFilter(7))) == 0
        stray += int((paper & (clean(noisy) < STRAY_DARK)).sum())
        paper_pixels += int(paper.sum())
    return 1e6 * stray / max(paper_pixels, 1)


DISPLAY_SEED = 1_800_000_000  # far from every training range and the other measures' seeds
DISPLAY_PAGES = 16
DISPLAY_LAYOUTS = ("text", "letter", "form", "table")
DISPLAY_INSIDE = 3  # px: the ink measured lies at least this far inside its stroke
DISPLAY_MIN_INK = 2000  # px of such ink a window needs to be measured


@functools.cache
def display_pages() -> tuple[tuple[np.ndarray, np.ndarray], ...]:
    """(noisy, wide ink) of DISPLAY_PAGES windows of pages with display type (titles at 28-110
    pt, drop caps; ``SynthConfig.display``) at 300-400 dpi, their ink faded on toned paper like
    DIBCO 2009-P03's headline. The wide ink is the clean ink at least DISPLAY_INSIDE px inside
    its stroke; windows with less than DISPLAY_MIN_INK px of it (body text only) are passed over.
    """
    from PIL import Image, ImageFilter

    from docdenoise.synth import SynthConfig, degrade, render_clean

    config = SynthConfig(display=1.0)
    pages: list[tuple[np.ndarray, np.ndarray]] = []
    seed = DISPLAY_SEED
    while len(pages) < DISPLAY_PAGES:
        rng = np.random.default_rng(seed)
        layout, dpi = DISPLAY_LAYOUTS[seed % len(DISPLAY_LAYOUTS)], 300 + 25 * (seed % 5)
        seed += 1
        page = render_clean(rng, 512, 512, layout=layout, dpi=dpi, config=config)
        ink = Image.fromarray(((page.pixels < 0.5) * 255).astype(np.uint8))
        inside = np.asarray(ink.filter(ImageFilter.MinFilter(2 * DISPLAY_INSIDE + 1))) > 0
        if inside.sum() >= DISPLAY_MIN_INK:
            noisy, _ = degrade(page.pixels, rng, only=("paper_tone", "faded_ink"))
            pages.append((noisy, inside))
    return tuple(pages)


def display_ink_kept(clean: Callable[[np.ndarray], np.ndarray]) -> float:
    """The share of the wide ink of ``display_pages`` that ``clean`` keeps darker than 0.5: a
    network that goes by local shade whitens the inside of big faded letters as a stain."""
    kept = counted = 0
    for noisy, inside in display_pages():
        kept += int((clean(noisy)[inside] < 0.5).sum())
        counted += int(inside.sum())
    return kept / max(counted, 1)


@functools.cache
def synthetic_pages() -> tuple[list[tuple[np.ndarray, np.ndarray]], ...]:
    """``bench/quality.py``'s synthetic rows, drawn once for every model and both ways up."""
    return tuple(validation_set(FULL).values())


@functools.cache
def undamaged_pages() -> tuple[np.ndarray, ...]:
    """The clean pages under ``bench/quality.py``'s rows (every row spoils the same ones)."""
    return tuple(clean for _, clean in synthetic_pages()[0])


def synthetic_rmse(clean: Callable[[np.ndarray], np.ndarray], sideways: bool) -> float:
    """Mean over ``bench/quality.py``'s rows of the mean page RMSE; ``sideways``: each page and
    its target turned a quarter."""
    turn = (lambda page: np.ascontiguousarray(np.rot90(page))) if sideways else (lambda p: p)
    rows = [
        np.mean([rmse(clean(turn(noisy)), turn(target)) for noisy, target in pairs])
        for pairs in synthetic_pages()
    ]
    return float(np.mean(rows))


def measure(weights: str, ocr_pages: list | None = None) -> dict[str, float]:
    """``weights``: a bundled name or a file, with ``@N`` to run it in N passes."""
    from docdenoise.imageio import load_document
    from docdenoise.inference import Denoiser
    from docdenoise.synth import MODERATE_STAINS, moderate_damage, render_clean

    name, _, passes = weights.rpartition("@") if "@" in weights else (weights, "", "")
    den = Denoiser(name, device="cpu", backend="torch", passes=int(passes) if passes else None)
    counted = kept = 0
    for index, (layout, dpi) in enumerate(tq.SMALL_MARK_PAGES):
        page_seq, noise_seq = np.random.SeedSequence(tq.SMALL_MARK_SEED + index).spawn(2)
        page = render_clean(
            np.random.default_rng(page_seq), tq.PAGE_SIZE, tq.PAGE_SIZE, layout=layout, dpi=dpi
        )
        stain = MODERATE_STAINS[index % len(MODERATE_STAINS)]
        noisy = moderate_damage(page.pixels, np.random.default_rng(noise_seq), stain)
        count = tq.count_small_ink(
            "", page.pixels, page.small_ink, den.denoise(noisy, dtype=np.float32)
        )
        counted, kept = counted + count.counted, kept + count.kept
    out = {"small-mark ink kept": kept / counted}
    counted = kept = 0
    for kpage in korean_pages():
        n, k = ink_kept(kpage.clean, den.denoise(kpage.noisy, dtype=np.float32))
        counted, kept = counted + n, kept + k
    out["Korean stroke ink kept"] = kept / counted
    assets = HERE.parent / "assets"
    scan = load_document(assets / "sample-scan.png").pages[0].pixels
    clean = load_document(assets / "sample-clean.png").pages[0].pixels.astype(np.float32) / 255
    out["sample RMSE"] = rmse(den.denoise(scan, dtype=np.float32), clean)
    out["stray marks (ppm)"] = stray_marks(lambda page: den.denoise(page, dtype=np.float32))
    if (DIBCO / "noisy").is_dir():
        scores = []
        for _, noisy, truth in dibco_pages(None):
            cleaned = den.denoise(noisy, dtype=np.float32)
            found = text_mask(cleaned, otsu_threshold(cleaned))
            text = truth < 0.5
            scores.append(
                (rmse(cleaned, truth), f_measure(found, text), *precision_recall(found, text))
            )
        out["DIBCO RMSE"] = float(np.mean([s[0] for s in scores]))
        out["DIBCO F (Otsu)"] = float(np.mean([s[1] for s in scores]))
        out["DIBCO precision"] = float(np.mean([s[2] for s in scores]))
        out["DIBCO recall"] = float(np.mean([s[3] for s in scores]))

    def cleaned(page: np.ndarray) -> np.ndarray:
        return den.denoise(page, dtype=np.float32)

    out["synthetic RMSE"] = synthetic_rmse(cleaned, sideways=False)
    out["on its side"] = synthetic_rmse(cleaned, sideways=True)
    pages = undamaged_pages()
    out["undamaged"] = float(np.mean([rmse(cleaned(baselines.to_uint8(c)), c) for c in pages]))
    bands, plain = tq.band_page()
    wide = [k for h, k in tq.band_ink_kept(cleaned(bands), plain).items() if h > tq.BAND_FLOOR]
    out["wide bands kept"] = float(np.mean(wide))
    out["display ink kept"] = display_ink_kept(cleaned)
    if ocr_pages is not None:
        out["OCR CER cleaned"] = ocr_error(cleaned, ocr_pages)
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("weights", nargs="+", help=".safetensors files (or fast)")
    parser.add_argument("--ocr", action="store_true", help="also Tesseract on bench/ocr.py's pages")
    parser.add_argument("--ocr-pages", type=int, default=None, help="how many (default: ocr's 12)")
    parser.add_argument("--write", action="store_true", help="also into docs/benchmarks.md")
    args = parser.parse_args(argv)
    pages = None
    if args.ocr:
        import ocr

        pages = ocr.ocr_pages(args.ocr_pages or ocr.OCR_PAGES, ocr.FULL_WINDOW)
    results = {w: measure(w, pages) for w in args.weights}
    names = list(next(iter(results.values())))
    lines = ["| weights | " + " | ".join(names) + " |", "|---|" + "---:|" * len(names)]
    for weights, values in results.items():
        cells = [
            f"{v:.2%}" if "kept" in k or "CER" in k else f"{v:.0f}" if "ppm" in k else f"{v:.4f}"
            for k, v in values.items()
        ]
        lines.append(f"| {weights} | " + " | ".join(cells) + " |")
    table = "\n".join(lines)
    print(table)
    if args.write:
        from common import write_section

        ocr_note = f", OCR on {len(pages)} synthetic pages" if pages else ""
        intro = (
            "### The models side by side\n\n"
            "The measures used to judge a model before it ships (`bench/candidates.py`): "
            "small-mark and Korean stroke ink kept, RMSE on the sample scan, stray marks drawn "
            "on paper (per million paper pixels), DIBCO RMSE and F-measure after Otsu with "
            "precision and recall, the mean RMSE of the synthetic rows of the quality section "
            f"upright and laid on their side, and on the same pages undamaged, the share of "
            "the ink of wide black bands and of the ink well inside big faded letters (titles "
            f"and drop caps at 28-110 pt) kept{ocr_note} (Tesseract's character error rate, all "
            "pages together). Each bundled model runs as the app runs it: "
            + ", ".join(
                f"`{m.name}` in {m.passes} {'pass' if m.passes == 1 else 'passes'}"
                for m in BUNDLED_MODELS
            )
            + " (`docdenoise/assets.py`), each with weights of its own."
        )
        write_section("models", f"{intro}\n\n{table}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
