"""Tesseract's reading of Korean pages, for tests/test_korean.py; a helper, not a test module.

The reading and character error rate of bench/korean.py (which writes them into
docs/benchmarks.md), kept here so that the tests stand on the package and their own helpers:
Tesseract ``-l kor`` with one thread; its text and the page's compared NFC-normalised, with
whitespace and dotted leaders left out (Tesseract's spacing of Hangul and the forms' leader
dots are not what is judged).
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import tempfile
import unicodedata
from collections.abc import Iterable
from pathlib import Path

import numpy as np
from PIL import Image
from rapidfuzz.distance import Levenshtein

LEADER = re.compile(r"[.…·]{3,}")


def has_korean_ocr() -> bool:
    """Whether Tesseract and its Korean data are installed (apt-get install tesseract-ocr-kor)."""
    if shutil.which("tesseract") is None:
        return False
    langs = subprocess.run(["tesseract", "--list-langs"], capture_output=True, text=True)
    return "kor" in langs.stdout.split()


def normalise(text: str) -> str:
    """NFC, no whitespace, no dotted leaders (runs of 3 or more dots)."""
    return LEADER.sub("", "".join(unicodedata.normalize("NFC", text).split()))


def read_korean(pixels: np.ndarray, dpi: int) -> str:
    """Tesseract's reading (kor, one thread) of an ``(H, W)`` uint8 page."""
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "page.png"
        Image.fromarray(pixels).save(path, dpi=(dpi, dpi))
        result = subprocess.run(
            ["tesseract", str(path), "stdout", "-l", "kor", "--dpi", str(dpi)],
            capture_output=True,
            text=True,
            timeout=120,
            check=True,
            env={**os.environ, "OMP_THREAD_LIMIT": "1"},
        )
    return result.stdout


def korean_cer(pages: Iterable[tuple[np.ndarray, int, str]]) -> float:
    """Tesseract's character error rate on ``(pixels, dpi, text)`` pages (``(H, W)`` uint8),
    all pages together: edits over the length of the pages' texts."""
    errors = total = 0
    for pixels, dpi, text in pages:
        reference = normalise(text)
        errors += Levenshtein.distance(normalise(read_korean(pixels, dpi)), reference)
        total += len(reference)
    return errors / max(1, total)
