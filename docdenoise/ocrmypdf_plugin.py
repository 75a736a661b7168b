"""docdenoise as OCRmyPDF's page cleaner: each page is cleaned before OCR reads it, and the
cleaned page is the image the output PDF shows::

    ocrmypdf --plugin docdenoise.ocrmypdf_plugin -l eng scan.pdf out.pdf

The hooks (OCRmyPDF 17, ``ocrmypdf/pluginspec.py``):

* ``add_options``/``check_options``: ``--docdenoise-model``, ``--docdenoise-device``,
  ``--docdenoise-strength`` and ``--docdenoise-tile``, checked against :mod:`docdenoise.limits`
  as the CLI checks its own (a bad value is one line naming the option, exit code 1). OCRmyPDF
  replaces a page's image only when it rasterizes the page for output (``--force-ocr``,
  ``--deskew``, ``--clean-final``, ``--remove-background``: its ``lossless_reconstruction`` is
  false); otherwise it keeps the original image and only grafts the text on. So where none is
  given and the mode is the default, ``check_options`` turns on force mode, and says so.
* ``filter_ocr_image`` (a wrapper, so that Tesseract's own filter, which shrinks pages too large
  for it, still runs first): the page Tesseract reads is cleaned, and kept as a grey PNG in the
  job's work folder.
* ``filter_page_image`` (called after it, for the same page, in the same worker): the visible
  page is that PNG when it shows the same page (OCRmyPDF may have re-encoded it as JPEG), else
  the visible image is cleaned itself. Grey, lossless, at the image's own DPI.

OCRmyPDF runs pages in threads (its default) or worker processes. Each process loads the model
once, at its first page, never before: importing this module (``ocrmypdf --help``) pulls in
neither torch nor Qt. One page at a time goes through the model in a process, as the network
already uses every core the process has.
"""

from __future__ import annotations

import logging
import threading
from argparse import ArgumentParser
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
from ocrmypdf import BadArgsError, ExitCode, ExitCodeException, hookimpl
from PIL import Image
from safetensors import SafetensorError, safe_open

from docdenoise import limits
from docdenoise.assets import DEFAULT_MODEL, MODEL_NAMES, bundled_model_path
from docdenoise.errors import DocDenoiseError

if TYPE_CHECKING:
    from collections.abc import Generator

    from ocrmypdf import OcrOptions, PageContext

    from docdenoise.inference import Denoiser

log = logging.getLogger(__name__)

# What --docdenoise-device takes: docdenoise.device.DEVICE_CHOICES, which imports torch (a test
# keeps the two the same), and cuda:N.
DEVICES = ("auto", "cpu", "cuda", "mps")
CLEANED = "docdenoise.png"  # the cleaned OCR image, in the page's work files
SOURCE = "docdenoise-source.npy"  # block means of the page it was cleaned from
VISIBLE = "docdenoise-visible.png"  # the visible page, where it had to be cleaned itself
BLOCK = 16  # pixels a side of the blocks whose means tell whether two images are one page
SAME_PAGE = 2.0  # greys of difference in any block mean that a JPEG copy stays under


class CleaningError(ExitCodeException):
    """docdenoise could not clean a page: a model file, device or memory problem."""

    exit_code = ExitCode.other_error


@dataclass(frozen=True)
class Settings:
    """The plugin's checked options: a bundled model's name or a weights file's absolute path,
    a device (``auto``, ``cpu``, ``cuda[:N]``, ``mps``), strength in [0, 1], tile or None."""

    model: str = DEFAULT_MODEL
    device: str = "auto"
    strength: float = 1.0
    tile: int | None = None


@hookimpl
def add_options(parser: ArgumentParser) -> None:
    group = parser.add_argument_group(
        "docdenoise", "Clean each page with docdenoise before OCR; the output shows it cleaned"
    )
    group.add_argument(
        "--docdenoise-model",
        metavar="MODEL",
        help=f"{' or '.join(MODEL_NAMES)} (default {DEFAULT_MODEL}), or a .safetensors file",
    )
    group.add_argument(
        "--docdenoise-device", metavar="DEVICE", help="auto (default), cpu, cuda[:N] or mps"
    )
    group.add_argument(
        "--docdenoise-strength",
        metavar="S",
        help=f"{limits.STRENGTH.low} (the page as scanned) to {limits.STRENGTH.high} (default)",
    )
    group.add_argument(
        "--docdenoise-tile",
        metavar="PIXELS",
        help=f"tile side, {limits.TILE.low} to {limits.TILE.high} (default: for the device)",
    )


def _model(value: str) -> str:
    if value in MODEL_NAMES:
        if not bundled_model_path(value).is_file():
            raise ValueError(f"the bundled {value!r} model is not installed; use a model file")
        return value
    path = Path(value).expanduser()
    if not path.is_file():
        raise ValueError(
            f"no model file {value!r}; use {', '.join(MODEL_NAMES)} or a .safetensors file"
        )
    try:  # the header only, without torch; the worker loads and checks every tensor
        with safe_open(str(path), framework="numpy") as weights:
            ours = (weights.metadata() or {}).get("format") == "docdenoise"
    except (SafetensorError, OSError) as exc:
        raise ValueError(f"{value!r} is not a readable safetensors file ({exc})") from None
    if not ours:
        raise ValueError(f"{value!r} holds no docdenoise model; use one docdenoise-train made")
    return str(path.resolve())


def _device(value: str) -> str:
    kind, colon, index = value.strip().lower().partition(":")
    if kind not in DEVICES or (colon and not (kind == "cuda" and index.isdigit())):
        raise ValueError(f"must be auto, cpu, cuda, cuda:N or mps, not {value!r}")
    return f"{kind}{colon}{index}"


def _tile(value: str) -> int | None:
    return limits.TILE.parse(value) if value.strip().lower() not in ("", "auto") else None


def settings_of(options: Any) -> Settings:
    """The plugin's options as given on the command line or to ``ocrmypdf.ocr(...)`` (where
    ``docdenoise_strength=0.5`` arrives unparsed), checked; BadArgsError names a bad one."""
    parsers = {"model": _model, "device": _device, "strength": limits.STRENGTH.parse}
    values: dict[str, Any] = {}
    for field, parse in [*parsers.items(), ("tile", _tile)]:
        raw = options.extra_attrs.get(f"docdenoise_{field}")
        if raw is None:
            continue
        try:
            values[field] = parse(str(raw))
        except ValueError as exc:
            raise BadArgsError(f"--docdenoise-{field}: {exc}") from None
    return Settings(**values)


@hookimpl
def check_options(options: OcrOptions) -> None:
    settings = settings_of(options)
    for field in ("model", "device", "strength", "tile"):  # parsed once: workers read these
        options.extra_attrs[f"docdenoise_{field}"] = getattr(settings, field)
    if not options.lossless_reconstruction:
        return  # OCRmyPDF rasterizes every page it OCRs: filter_page_image will run
    if options.mode == "default":
        log.info(
            "docdenoise: rasterizing each page (as --force-ocr does), so that the output "
            "shows it cleaned; text or vector art already on a page becomes part of its image"
        )
        options.mode = "force"  # type: ignore[assignment]  # pydantic makes it a ProcessingMode
    elif options.mode != "strip":
        log.warning(
            "docdenoise: with --mode %s OCRmyPDF keeps each page's own image, so only OCR "
            "reads the cleaned page; use --force-ocr for cleaned pages in the output",
            options.mode,
        )


# --- one model per process, loaded at its first page ------------------------------------------

_lock = threading.Lock()  # held while the model loads and while it cleans a page
_loaded: dict[Settings, Denoiser] = {}


def _denoiser(settings: Settings) -> Denoiser:
    """This process's Denoiser for ``settings``, loaded on first use; hold ``_lock``."""
    key = Settings(settings.model, settings.device, 1.0, settings.tile)
    if key not in _loaded:
        from docdenoise.inference import Denoiser

        _loaded.clear()  # another job's settings: one model in memory at a time
        denoiser = Denoiser(settings.model, device=settings.device, tile=settings.tile)
        log.info("docdenoise: model %s on %s", denoiser.model_name, denoiser.choice.describe())
        _loaded[key] = denoiser
    return _loaded[key]


def clean_pixels(
    pixels: np.ndarray, dpi: tuple[float, float] | None, settings: Settings
) -> np.ndarray:
    """One ``(H, W) uint8`` page through the core, blended by the strength; errors are one
    line (OCRmyPDF prints it and exits with its code) rather than a traceback."""
    from docdenoise.cleaning import clean_page
    from docdenoise.page import Page
    from docdenoise.progress import drain

    try:
        with _lock:
            cleaned = drain(clean_page(Page(pixels, dpi), _denoiser(settings), settings.strength))
    except DocDenoiseError as exc:
        raise CleaningError(f"docdenoise: {exc}") from exc
    return cleaned.pixels


# --- the page hooks ---------------------------------------------------------------------------


def grey_of(image: Image.Image) -> np.ndarray:
    """``(H, W) uint8`` C-contiguous greyscale of a page image (OCRmyPDF's are 1, L or RGB)."""
    return np.ascontiguousarray(image if image.mode == "L" else image.convert("L"))


def dpi_of(image: Image.Image) -> tuple[float, float] | None:
    raw = image.info.get("dpi")
    return (float(raw[0]), float(raw[1])) if raw and min(raw) > 0 else None


def block_means(pixels: np.ndarray) -> np.ndarray:
    """Means of the whole :data:`BLOCK`-pixel squares of ``pixels``: what identifies a page."""
    rows, cols = pixels.shape[0] // BLOCK, pixels.shape[1] // BLOCK
    blocks = pixels[: rows * BLOCK, : cols * BLOCK].reshape(rows, BLOCK, cols, BLOCK)
    return blocks.mean(axis=(1, 3), dtype=np.float32)


def same_page(a: np.ndarray, b: np.ndarray) -> bool:
    """Whether two pages' :func:`block_means` are one page (a JPEG copy of it, say)."""
    return a.shape == b.shape and (a.size == 0 or float(np.abs(a - b).max()) <= SAME_PAGE)


@hookimpl(wrapper=True)
def filter_ocr_image(page: PageContext, image: Image.Image) -> Generator[None, Any, Image.Image]:
    image = (yield) or image  # Tesseract's filter first: it shrinks pages too large for it
    settings, pixels, dpi = settings_of(page.options), grey_of(image), dpi_of(image)
    cleaned = Image.fromarray(clean_pixels(pixels, dpi, settings))
    cleaned.info["dpi"] = dpi or image.info["dpi"]  # OCRmyPDF reads it back
    if not page.options.lossless_reconstruction:  # filter_page_image will want the page
        cleaned.save(page.get_path(CLEANED), format="PNG", dpi=cleaned.info["dpi"])
        np.save(page.get_path(SOURCE), block_means(pixels))
    return cleaned


@hookimpl
def filter_page_image(page: PageContext, image_filename: Path) -> Path:
    with Image.open(image_filename) as image:
        pixels, dpi = grey_of(image), dpi_of(image)
    if _cleaned_for_ocr(page, pixels):
        log.debug("docdenoise: page %d shows the image cleaned for OCR", page.pageno + 1)
        return page.get_path(CLEANED)
    out = page.get_path(VISIBLE)
    cleaned = Image.fromarray(clean_pixels(pixels, dpi, settings_of(page.options)))
    cleaned.save(out, format="PNG", **({"dpi": dpi} if dpi else {}))
    return out


def _cleaned_for_ocr(page: PageContext, pixels: np.ndarray) -> bool:
    """Whether filter_ocr_image cleaned this very page (same size, same block means)."""
    cleaned, source = page.get_path(CLEANED), page.get_path(SOURCE)
    if not (cleaned.is_file() and source.is_file()):
        return False
    with Image.open(cleaned) as image:
        if image.size != (pixels.shape[1], pixels.shape[0]):
            return False
    return same_page(np.load(source), block_means(pixels))
