"""What the app remembers between runs, kept with QSettings under typed accessors.

Tests point QSettings at a temporary folder (``QSettings.setPath``), so nothing here ever reads
or writes the user's real settings during a test run.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from PySide6.QtCore import QByteArray, QSettings

from docdenoise.assets import DEFAULT_MODEL
from docdenoise.gui.translation import LANGUAGES
from docdenoise.limits import BW_THRESHOLD, DEFAULT_BW_THRESHOLD, STRENGTH, TILE

MODEL_ENV = "DOCDENOISE_MODEL"
DEVICES = ("auto", "cpu", "cuda", "mps")
EXPORT_FORMATS = ("png", "tiff", "jpeg", "pdf")  # those of docdenoise.formats the GUI offers
MAX_RECENT = 10
MAX_OCR_LANGUAGES = 5  # Tesseract languages remembered, last used first


@dataclass(frozen=True)
class ModelSpec:
    """Which Denoiser to build: ``model`` is ``fast``/``quality`` or a weights path."""

    model: str = DEFAULT_MODEL
    device: str = "auto"
    tile: int | None = None


class AppSettings:
    """Typed access to the app's QSettings; ``model_override`` (``--model``) wins over all."""

    def __init__(self, settings: QSettings | None = None, model_override: str | None = None):
        self._qs = settings if settings is not None else QSettings()
        self.model_override = model_override

    # -- helpers -------------------------------------------------------------------------------
    def _str(self, key: str, default: str) -> str:
        value = self._qs.value(key, default)
        return value if isinstance(value, str) else default

    def _int(self, key: str, default: int) -> int:
        try:
            return int(str(self._qs.value(key, default)))
        except ValueError:
            return default

    def _set(self, key: str, value: Any) -> None:
        self._qs.setValue(key, value)

    def sync(self) -> None:
        self._qs.sync()

    # -- folders -------------------------------------------------------------------------------
    def folder(self, role: str) -> str:
        """Last folder used for ``role`` (open, export, batch_input, batch_output)."""
        path = self._str(f"folders/{role}", "")
        return path if path and Path(path).is_dir() else str(Path.home())

    def set_folder(self, role: str, path: str | os.PathLike[str]) -> None:
        folder = Path(path)
        self._set(f"folders/{role}", str(folder if folder.is_dir() else folder.parent))

    # -- engine --------------------------------------------------------------------------------
    @property
    def device(self) -> str:
        device = self._str("engine/device", "auto")
        return device if device in DEVICES else "auto"

    @device.setter
    def device(self, value: str) -> None:
        self._set("engine/device", value)

    @property
    def tile(self) -> int:
        """Tile side in pixels, within the CLI's range (``limits.TILE``); 0 lets the core choose."""
        tile = self._int("engine/tile", 0)
        return TILE.clamp(tile) if tile > 0 else 0

    @tile.setter
    def tile(self, value: int) -> None:
        self._set("engine/tile", TILE.clamp(int(value)) if value > 0 else 0)

    @property
    def model(self) -> str:
        """The model setting: empty means the bundled model."""
        return self._str("engine/model", "")

    @model.setter
    def model(self, value: str) -> None:
        self._set("engine/model", value)

    def model_spec(self) -> ModelSpec:
        """``--model`` > ``$DOCDENOISE_MODEL`` > the setting > the bundled ``fast`` model."""
        model = self.model_override or os.environ.get(MODEL_ENV) or self.model or DEFAULT_MODEL
        return ModelSpec(model, self.device, self.tile or None)

    # -- output --------------------------------------------------------------------------------
    @property
    def output_format(self) -> str:
        fmt = self._str("output/format", "png")
        return fmt if fmt in EXPORT_FORMATS else "png"

    @output_format.setter
    def output_format(self, value: str) -> None:
        self._set("output/format", value)

    @property
    def strength(self) -> int:
        """Percent: ``limits.STRENGTH`` times 100."""
        return round(100 * STRENGTH.clamp(self._int("output/strength", 100) / 100))

    @strength.setter
    def strength(self, value: int) -> None:
        self._set("output/strength", int(value))

    @property
    def bilevel(self) -> bool:
        return self._str("output/mode", "grey") == "bw"

    @bilevel.setter
    def bilevel(self, value: bool) -> None:
        self._set("output/mode", "bw" if value else "grey")

    @property
    def threshold(self) -> int:
        return BW_THRESHOLD.clamp(self._int("output/threshold", DEFAULT_BW_THRESHOLD))

    @threshold.setter
    def threshold(self, value: int) -> None:
        self._set("output/threshold", int(value))

    @property
    def ocr_languages(self) -> list[str]:
        """Tesseract languages of searchable PDFs (``eng``, ``eng+kor``), the last used first."""
        value = self._qs.value("ocr/languages", [])
        items = [value] if isinstance(value, str) else value if isinstance(value, list) else []
        return [str(item) for item in items if item][:MAX_OCR_LANGUAGES]

    def remember_ocr_language(self, language: str) -> None:
        items = [language] + [item for item in self.ocr_languages if item != language]
        self._set("ocr/languages", items[:MAX_OCR_LANGUAGES])

    # -- interface -----------------------------------------------------------------------------
    @property
    def language(self) -> str:
        """``system``, ``en`` or ``ko``; applied when the app next starts."""
        language = self._str("ui/language", "system")
        return language if language in LANGUAGES else "system"

    @language.setter
    def language(self, value: str) -> None:
        self._set("ui/language", value)

    # -- window --------------------------------------------------------------------------------
    def window_state(self) -> tuple[QByteArray | None, QByteArray | None]:
        geometry = self._qs.value("window/geometry")
        state = self._qs.value("window/state")
        return (
            geometry if isinstance(geometry, QByteArray) else None,
            state if isinstance(state, QByteArray) else None,
        )

    def set_window_state(self, geometry: QByteArray, state: QByteArray) -> None:
        self._set("window/geometry", geometry)
        self._set("window/state", state)

    # -- recent files --------------------------------------------------------------------------
    def recent_files(self) -> list[str]:
        value = self._qs.value("recent/files", [])
        items = [value] if isinstance(value, str) else value if isinstance(value, list) else []
        return [str(item) for item in items if item][:MAX_RECENT]

    def add_recent(self, path: str | os.PathLike[str]) -> list[str]:
        text = str(Path(path).absolute())
        items = [text] + [item for item in self.recent_files() if item != text]
        self._set("recent/files", items[:MAX_RECENT])
        return items[:MAX_RECENT]

    def clear_recent(self) -> None:
        self._set("recent/files", [])
