"""Three probes of the floor under the synthetic RMSE (issue 3). Prints tables; writes nothing.

    .venv/bin/python bench/floor.py blur [--models fast quality] [--pages 8]
    .venv/bin/python bench/floor.py deadzone [--models fast quality]
    .venv/bin/python bench/floor.py shift [--models fast quality]

``blur``: every clean page is drawn with a softness of its own (a Gaussian sigma drawn from
``CLEAN_BLUR``), which a damaged page no longer shows once it is blurred. Each page is drawn at
five softnesses across that range (same scene, same window), cleaned as it is, and the output
compared with each of the five: a model that read the softness off its input would score best
on the diagonal. Also the error a cleaner that knew everything but the softness would make at
best (each drawing against the five's pixel mean).

``deadzone``: the rows of ``bench/quality.py``'s synthetic pages (and the same pages
undamaged), each model's output kept only where it changes a pixel by at least ``t`` (else the
page as it came), for a few ``t``; and the same with paper the model draws white always kept.
A classical guard against a network's small redrawings of what needed nothing.

``shift``: the 12 undamaged pages cleaned, and each output compared with its clean page moved by
a fraction of a pixel (a Fourier shift, -3/8 to 3/8 px each way): an encoder that halves the
resolution and a decoder that doubles it again can draw every edge off its place by a constant.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
import quality
from baselines import rmse, to_uint8, to_unit

SOFTNESS = 5  # drawings per page across CLEAN_BLUR
THRESHOLDS = (0.02, 0.04, 0.06, 0.08, 0.10)
ROWS_SHOWN = ("faded_ink", "ink_bleed", "paper_texture", "sensor_noise", "mixed")


def undamaged(sets: dict[str, list[tuple[np.ndarray, np.ndarray]]]) -> list[np.ndarray]:
    """The clean pages under ``bench/quality.py``'s rows (every row spoils the same ones)."""
    return [clean for _, clean in sets[next(iter(sets))]]


def blur_probe(models: list[str], pages: int) -> None:
    from docdenoise.inference import Denoiser
    from docdenoise.synth.render import CLEAN_BLUR, render_clean

    sigmas = np.linspace(*CLEAN_BLUR, SOFTNESS)
    denoisers = {model: Denoiser(model, device="cpu") for model in models}
    table = {model: np.zeros((SOFTNESS, SOFTNESS)) for model in models}
    floor = []
    for index in range(pages):
        drawn = [
            render_clean(np.random.default_rng(quality.VAL_SEED + index), 512, 512, blur=s).pixels
            for s in sigmas
        ]
        mean = np.mean(drawn, axis=0)
        floor += [rmse(page, mean) for page in drawn]
        for model, den in denoisers.items():
            for i, page in enumerate(drawn):
                out = to_unit(den.denoise(to_uint8(page)))
                table[model][i] += [rmse(out, other) / pages for other in drawn]
    header = " | ".join(f"{s:.2f}" for s in sigmas)
    for model in models:
        print(f"\n{model}: rows the page's own softness, columns RMSE against the page at")
        print(f"| softness | {header} |\n|---|" + "---:|" * SOFTNESS)
        for i, s in enumerate(sigmas):
            cells = " | ".join(
                f"**{v:.4f}**" if j == i else f"{v:.4f}" for j, v in enumerate(table[model][i])
            )
            print(f"| {s:.2f} | {cells} |")
        print(
            f"diagonal mean {np.trace(table[model]) / SOFTNESS:.4f}, "
            f"best column per row, mean {table[model].min(axis=1).mean():.4f}"
        )
    print(f"\nsoftness unknown, everything else known: RMSE {np.mean(floor):.4f} at best")


def deadzone_probe(models: list[str]) -> None:
    from docdenoise.inference import Denoiser

    sets = quality.validation_set(quality.FULL)
    sets["none"] = [(to_uint8(clean), clean) for clean in undamaged(sets)]
    rules: dict[str, Callable[[np.ndarray, np.ndarray], np.ndarray]] = {"model": lambda n, o: o}
    for t in THRESHOLDS:
        rules[f"t={t:.2f}"] = lambda n, o, t=t: np.where(np.abs(o - n) < t, n, o)
        rules[f"t={t:.2f}, white kept"] = lambda n, o, t=t: np.where(
            (np.abs(o - n) < t) & (o < 0.99), n, o
        )
    shown = " | ".join(ROWS_SHOWN)
    for model in models:
        den = Denoiser(model, device="cpu")
        outs = {
            row: [(to_unit(n), c, to_unit(den.denoise(n))) for n, c in pairs]
            for row, pairs in sets.items()
        }
        print(
            f"\n{model}\n| rule | mean | undamaged | {shown} |\n|---|"
            + "---:|" * (2 + len(ROWS_SHOWN))
        )
        for name, rule in rules.items():
            per = {
                row: float(np.mean([rmse(rule(n, o), c) for n, c, o in triples]))
                for row, triples in outs.items()
            }
            mean = np.mean([v for row, v in per.items() if row != "none"])
            cells = " | ".join(f"{per[row]:.4f}" for row in ROWS_SHOWN)
            print(f"| {name} | {mean:.4f} | {per['none']:.4f} | {cells} |")


def fourier_shift(page: np.ndarray, dy: float, dx: float) -> np.ndarray:
    """``page`` moved by (dy, dx) px, paper (1.0) outside; periodic, so compare away from edges."""
    ky = np.fft.fftfreq(page.shape[0])[:, None]
    kx = np.fft.fftfreq(page.shape[1])[None, :]
    phase = np.exp(-2j * np.pi * (ky * dy + kx * dx))
    return np.real(np.fft.ifft2(np.fft.fft2(page - 1.0) * phase)) + 1.0


def shift_probe(models: list[str]) -> None:
    from docdenoise.inference import Denoiser

    cleans = undamaged(quality.validation_set(quality.FULL))
    steps = np.arange(-3, 4) / 8
    inner = (slice(8, -8), slice(8, -8))
    for model in models:
        den = Denoiser(model, device="cpu")
        outs = [to_unit(den.denoise(to_uint8(clean))) for clean in cleans]
        table = np.array(
            [
                [
                    np.mean(
                        [
                            rmse(out[inner], fourier_shift(clean, dy, dx)[inner])
                            for out, clean in zip(outs, cleans, strict=True)
                        ]
                    )
                    for dx in steps
                ]
                for dy in steps
            ]
        )
        i, j = np.unravel_index(int(table.argmin()), table.shape)
        print(
            f"{model}: RMSE away from the edges {table[3, 3]:.4f} as drawn; "
            f"best {table[i, j]:.4f}, moved by ({steps[i]:+.3f}, {steps[j]:+.3f}) px"
        )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("probe", choices=["blur", "deadzone", "shift"])
    parser.add_argument("--models", nargs="+", default=["fast", "quality"])
    parser.add_argument("--pages", type=int, default=8, help="pages for the blur probe")
    args = parser.parse_args()
    if args.probe == "blur":
        blur_probe(args.models, args.pages)
    elif args.probe == "deadzone":
        deadzone_probe(args.models)
    else:
        shift_probe(args.models)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
