"""One exception per failure kind, each with an exit code and a message that says what to do.

The core raises these; the edges map them: the CLI prints ``str(error)`` as one line and exits
with ``error.exit_code``, the GUI shows the same text in a dialog. A message always names the file
(when there is one), says what went wrong and what the user can do about it::

    scan 3.tif: not an image Pillow can read (cannot identify image file); check the file opens
    in an image viewer, or re-export it as PNG, TIFF or PDF
"""

from __future__ import annotations

from os import PathLike

EXIT_OK = 0
EXIT_SOME_FAILED = 1
EXIT_USAGE = 2
EXIT_INTERRUPTED = 130


class DocDenoiseError(Exception):
    """Base class: ``path`` (may be None), ``reason`` (what went wrong), ``hint`` (what to do)."""

    exit_code = EXIT_SOME_FAILED
    default_hint = ""

    def __init__(
        self,
        path: str | PathLike[str] | None,
        reason: str,
        hint: str | None = None,
    ) -> None:
        self.path = None if path is None else str(path)
        self.reason = reason
        self.hint = self.default_hint if hint is None else hint
        super().__init__(self.message)

    @property
    def message(self) -> str:
        """The one-line message: ``path: reason; hint``."""
        text = self.reason if self.path is None else f"{self.path}: {self.reason}"
        if self.hint:
            text = f"{text}; {self.hint}"
        return " ".join(text.split())  # always one line

    def __str__(self) -> str:
        return self.message


class InvalidImageError(DocDenoiseError):
    """The input file is missing, empty, truncated, not an image or in a mode we cannot clean."""

    default_hint = (
        "check that the file opens in an image viewer, or re-export it as PNG, TIFF or PDF"
    )


class ImageTooLargeError(InvalidImageError):
    """The page has more pixels than the configured limit (a decompression-bomb guard)."""

    default_hint = "raise the limit with --max-pixels if you trust this file"


class OutputWriteError(DocDenoiseError):
    """An output file could not be written (read-only folder, disk full, bad name, ...)."""

    default_hint = "check that the output folder exists, is writable and has free space"


class OutputExistsError(OutputWriteError):
    """The output file exists (perhaps made by another run meanwhile) and may not be replaced."""

    default_hint = "use --overwrite to replace it"


class ModelFileError(DocDenoiseError):
    """A weights file is missing, corrupt, tampered with or does not fit the architecture."""

    default_hint = "use a .safetensors file exported by docdenoise-train, or the bundled model"


class DeviceError(DocDenoiseError):
    """The requested compute device is not available."""

    default_hint = "use --device auto or --device cpu"


class OutOfMemoryError(DocDenoiseError):
    """Out of memory even at the smallest tile size."""

    default_hint = "retry with a smaller --tile, or on the CPU with --device cpu"


class OcrError(DocDenoiseError):
    """OCR could not make a searchable PDF: OCRmyPDF, Tesseract or a language of it missing, or
    Tesseract failed on the page. The file fails alone, like any other write."""

    default_hint = "clean it without --ocr, or report it with this file"


class UsageError(DocDenoiseError):
    """The command line or settings are inconsistent."""

    exit_code = EXIT_USAGE


class CancelledError(DocDenoiseError):
    """The user cancelled the work."""

    exit_code = EXIT_INTERRUPTED

    def __init__(self, reason: str = "cancelled by the user") -> None:
        super().__init__(None, reason, "")
