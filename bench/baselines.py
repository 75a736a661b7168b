"""Classical page cleaners and the quality metrics the benchmarks set the model beside.

Pages: ``(H, W)`` greyscale, ``uint8`` (0..255) or float in ``[0, 1]``, 1.0 = white paper.
Every cleaner returns ``(H, W) float32`` in ``[0, 1]``, the same size as its input. Text is
dark: a pixel is text when its value is *below* a threshold (:func:`text_mask`).

Cleaners (the peers of the model, none of them trained or tuned on any benchmark page):

* :func:`as_is` - the page untouched, the floor every cleaner must beat;
* :func:`background_division` - divide by a large-median estimate of the paper, which flattens
  stains, yellowing and uneven light while keeping the ink's grey levels;
* :func:`otsu` - a global Otsu threshold, the classic binariser (black/white output);
* :func:`unpaper` - Debian's ``unpaper`` with its default filters (black areas, lone specks,
  blur and grey-only areas) and every geometric step off, so the page keeps its size.

These are benchmark peers, not product code: they live in ``bench/`` on purpose.
"""

from __future__ import annotations

import logging
import math
import shutil
import subprocess
import tempfile
from collections.abc import Callable
from pathlib import Path

import numpy as np
from PIL import Image

from docdenoise.scanink import divide_by_paper

log = logging.getLogger(__name__)

Cleaner = Callable[[np.ndarray], np.ndarray]

UNPAPER_ARGS = (
    "--layout",
    "none",
    "--no-deskew",
    "--no-mask-scan",
    "--no-mask-center",
    "--no-border-scan",
    "--no-border-align",
    "--no-multi-pages",
    "--overwrite",
    "--type",
    "pgm",
    "--quiet",
)


def to_unit(page: np.ndarray) -> np.ndarray:
    """``(H, W)`` uint8 or float -> ``(H, W)`` float32 in [0, 1] (a new array)."""
    if page.ndim != 2:
        raise ValueError(f"expected a (H, W) greyscale page, got shape {page.shape}")
    if page.dtype == np.uint8:
        return page.astype(np.float32) / np.float32(255.0)
    return np.clip(page, 0.0, 1.0).astype(np.float32)


def to_uint8(page: np.ndarray) -> np.ndarray:
    """``(H, W)`` uint8 or float in [0, 1] -> ``(H, W)`` uint8, rounded."""
    if page.dtype == np.uint8:
        return page
    return (np.clip(page, 0.0, 1.0) * 255.0 + 0.5).astype(np.uint8)


# --- cleaners -------------------------------------------------------------------------------


def as_is(page: np.ndarray) -> np.ndarray:
    """The page untouched, as float32 in [0, 1]."""
    return to_unit(page)


def background_division(page: np.ndarray) -> np.ndarray:
    """Divide the page by its paper: a median over about 100 px, then clip to 1.

    The median of a window wider than a text line is the paper's shade there (ink covers well
    under half of it), so stains, yellowing and shading become 1.0 while ink keeps its contrast
    relative to the paper around it. The paper estimate is the app's own
    (:func:`docdenoise.scanink.divide_by_paper`, which the models use to keep the scan's ink),
    so the peer and the models divide by the same paper.
    """
    return divide_by_paper(to_uint8(page))


def otsu_threshold(page: np.ndarray) -> float:
    """Otsu's threshold of a page, in [0, 1]: text is ``page < threshold``.

    The 256-level histogram is split where the between-class variance is largest; the threshold
    lies half a level above the dark class's top level. Where empty levels leave that maximum
    flat (two clean modes), the middle of the flat run is taken. A page of one grey level has no
    split and gets 0.5.
    """
    levels = to_uint8(page).ravel()
    weights = np.bincount(levels, minlength=256).astype(np.float64)
    weights /= weights.sum()
    dark_share = np.cumsum(weights)  # share of pixels at or below each level
    dark_moment = np.cumsum(weights * np.arange(256))
    with np.errstate(divide="ignore", invalid="ignore"):
        between = (dark_moment[-1] * dark_share - dark_moment) ** 2 / (
            dark_share * (1.0 - dark_share)
        )
    between = np.where(np.isfinite(between), between, -1.0)
    best = float(between.max())
    if best <= 0.0:
        return 0.5
    first = int(np.argmax(between))
    last = first  # empty levels between the classes leave the criterion flat: take the middle
    while last < 255 and between[last + 1] >= best * (1.0 - 1e-9):
        last += 1
    return ((first + last) / 2.0 + 0.5) / 255.0


def otsu(page: np.ndarray) -> np.ndarray:
    """Binarise with Otsu's threshold: text 0.0, paper 1.0 (float32)."""
    unit = to_unit(page)
    return (unit >= otsu_threshold(unit)).astype(np.float32)


def unpaper_available() -> bool:
    return shutil.which("unpaper") is not None


def unpaper(page: np.ndarray, *, timeout: float = 600.0) -> np.ndarray:
    """Clean with Debian's ``unpaper`` (default filters, no geometry changes), greyscale out.

    Runs on an 8-bit PGM in a temporary folder. If unpaper ever returns another size, its page
    is cropped or padded with white at the bottom/right back to the input's size, with a log
    warning. Raises RuntimeError when unpaper is missing or fails.
    """
    exe = shutil.which("unpaper")
    if exe is None:
        raise RuntimeError("unpaper is not installed: apt-get install unpaper")
    grey = to_uint8(page)
    with tempfile.TemporaryDirectory(prefix="docdenoise-unpaper-") as tmp:
        source, target = Path(tmp) / "in.pgm", Path(tmp) / "out.pgm"
        Image.fromarray(grey).save(source)
        done = subprocess.run(
            [exe, *UNPAPER_ARGS, str(source), str(target)],
            capture_output=True,
            text=True,
            timeout=timeout,
            check=False,
        )
        if done.returncode != 0 or not target.is_file():
            raise RuntimeError(f"unpaper failed ({done.returncode}): {done.stderr.strip()[-500:]}")
        with Image.open(target) as image:
            out = np.asarray(image.convert("L"))
    if out.shape != grey.shape:
        log.warning("unpaper changed the page size %s -> %s; cropped/padded", grey.shape, out.shape)
        fitted = np.full(grey.shape, 255, dtype=np.uint8)
        rows, cols = min(out.shape[0], grey.shape[0]), min(out.shape[1], grey.shape[1])
        fitted[:rows, :cols] = out[:rows, :cols]
        out = fitted
    return to_unit(out)


CLEANERS: dict[str, Cleaner] = {
    "as is": as_is,
    "background division": background_division,
    "Otsu": otsu,
    "unpaper": unpaper,
}


# --- metrics --------------------------------------------------------------------------------


def rmse(output: np.ndarray, target: np.ndarray) -> float:
    """Root-mean-square error between two same-size pages, on the [0, 1] scale."""
    if output.shape != target.shape:
        raise ValueError(f"shapes differ: {output.shape} vs {target.shape}")
    diff = to_unit(output).astype(np.float64) - to_unit(target).astype(np.float64)
    return float(np.sqrt(np.mean(diff * diff)))


def psnr(output: np.ndarray, target: np.ndarray) -> float:
    """Peak signal-to-noise ratio in dB for a peak of 1.0; ``inf`` for identical pages."""
    error = rmse(output, target)
    return math.inf if error == 0.0 else 20.0 * math.log10(1.0 / error)


def text_mask(page: np.ndarray, threshold: float) -> np.ndarray:
    """Text pixels (bool): those darker than ``threshold`` (on the [0, 1] scale)."""
    return to_unit(page) < threshold


def _mask_counts(found: np.ndarray, truth: np.ndarray) -> tuple[int, int, int]:
    """``(text pixels found, pixels found, text pixels)`` of two boolean masks of one shape."""
    if found.shape != truth.shape:
        raise ValueError(f"shapes differ: {found.shape} vs {truth.shape}")
    hits = int(np.count_nonzero(found & truth))
    return hits, int(np.count_nonzero(found)), int(np.count_nonzero(truth))


def precision_recall(found: np.ndarray, truth: np.ndarray) -> tuple[float, float]:
    """Share of the found text pixels that are text, and of the text pixels that were found.

    Which half of :func:`f_measure` a cleaner loses: precision falls when it keeps stains or the
    other side's text as ink, recall when it erases or thins strokes. An empty mask scores 1.0
    (nothing found wrongly, nothing to find).
    """
    hits, n_found, n_true = _mask_counts(found, truth)
    return (hits / n_found if n_found else 1.0, hits / n_true if n_true else 1.0)


def f_measure(found: np.ndarray, truth: np.ndarray) -> float:
    """F-measure (harmonic mean of precision and recall) of a text mask against the true one.

    Both are boolean ``(H, W)`` masks, True = text. Two empty masks agree perfectly (1.0); one
    empty mask against a non-empty one scores 0.0.
    """
    hits, n_found, n_true = _mask_counts(found, truth)
    if n_found == 0 and n_true == 0:
        return 1.0
    return 2.0 * hits / (n_found + n_true)


# --- stroke widths --------------------------------------------------------------------------

STROKE_ROW_STEP = 4  # every 4th row of a page
STROKE_RUNS = (3, 15)  # the ground truth's text runs of this many pixels along a row
_REACH = 24  # pixels either side of a run searched for paper, and the longest width counted


def stroke_runs(truth: np.ndarray) -> list[tuple[int, int, int]]:
    """``(row, start, end)`` of the text runs of a boolean mask that are 3-15 px long along
    every 4th row, at least ``_REACH`` px from the left and right edges: single strokes cut
    across, the widths that tell whether a cleaner draws strokes thinner or bolder."""
    low, high = STROKE_RUNS
    runs = []
    for y in range(0, truth.shape[0], STROKE_ROW_STEP):
        edges = np.diff(np.concatenate([[0], truth[y].astype(np.int8), [0]]))
        starts, ends = np.flatnonzero(edges == 1), np.flatnonzero(edges == -1)
        for s, e in zip(starts.tolist(), ends.tolist(), strict=True):
            if low <= e - s <= high and s >= _REACH and e <= truth.shape[1] - _REACH:
                runs.append((y, s, e))
    return runs


def run_width(row: np.ndarray, centre: int) -> int:
    """Length of the run of True in a boolean row that holds ``centre`` (0 where it is False),
    counted at most ``_REACH`` px either side."""
    if not row[centre]:
        return 0
    left = row[max(0, centre - _REACH) : centre][::-1]
    right = row[centre + 1 : centre + 1 + _REACH]
    return 1 + _leading_true(left) + _leading_true(right)


def _leading_true(values: np.ndarray) -> int:
    """How many True values a boolean row starts with."""
    off = np.flatnonzero(~values)
    return int(off[0]) if off.size else int(values.size)


def stroke_width(mask: np.ndarray, runs: list[tuple[int, int, int]]) -> float:
    """Mean width along its row of ``mask``'s stroke at the centre of each run (px)."""
    if not runs:
        return float("nan")
    return float(np.mean([run_width(mask[y], (s + e) // 2) for y, s, e in runs]))


def half_way_width(page: np.ndarray, runs: list[tuple[int, int, int]]) -> float:
    """Mean width of each run's stroke on the scan itself, cut half-way between its ink (the
    darkest pixel of the run) and the paper beside it (the 90th percentile of the row within
    ``_REACH`` px): where the ink's own edge lies, whatever the page's contrast."""
    unit = to_unit(page)
    widths = []
    for y, s, e in runs:
        paper = float(np.percentile(unit[y, s - _REACH : e + _REACH], 90))
        ink = float(unit[y, s:e].min())
        widths.append(run_width(unit[y] < (paper + ink) / 2, (s + e) // 2))
    return float(np.mean(widths)) if widths else float("nan")
