"""Settings kept with QSettings (in tmp_path), the Settings dialog, help and about."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QTableWidget

from docdenoise.gui.about import about_html, model_facts
from docdenoise.gui.mainwindow import MainWindow
from docdenoise.gui.settings import MODEL_ENV, AppSettings
from docdenoise.gui.settings_dialog import SettingsDialog
from docdenoise.gui.tasks import ModelInfo


def test_settings_live_in_the_test_folder(isolated_settings: Path):
    settings = AppSettings()
    settings.device = "cpu"
    settings.sync()
    written = list(isolated_settings.rglob("*.ini"))
    assert written, "QSettings must write below tmp_path"
    assert AppSettings().device == "cpu"


def test_model_precedence(monkeypatch: pytest.MonkeyPatch):
    settings = AppSettings(QSettings())
    assert settings.model_spec().model == "fast"
    settings.model = "/models/saved.safetensors"
    assert settings.model_spec().model == "/models/saved.safetensors"
    monkeypatch.setenv(MODEL_ENV, "/models/env.safetensors")
    assert settings.model_spec().model == "/models/env.safetensors"
    settings.model_override = "/models/arg.safetensors"
    assert settings.model_spec().model == "/models/arg.safetensors"


def test_settings_dialog_saves(qtbot: Any):
    settings = AppSettings(QSettings())
    dialog = SettingsDialog(settings)
    qtbot.addWidget(dialog)
    dialog.device.setCurrentIndex(dialog.device.findData("cpu"))
    dialog.tile.setValue(500)
    dialog.fmt.setCurrentIndex(dialog.fmt.findData("pdf"))
    dialog.accept()
    again = AppSettings(QSettings())  # the core rounds the tile to the model's alignment
    assert (again.device, again.tile, again.output_format) == ("cpu", 500, "pdf")
    assert again.model_spec().tile == 500


# The values the CLI refuses (tests/test_cli.py), as the settings file may hold them: each is
# taken as the nearest value the CLI allows (docdenoise.limits); a tile of 0 or less is automatic.
STORED_OUT_OF_RANGE = [  # (key, stored, what the setting reads)
    ("engine/tile", 10, 64),
    ("engine/tile", 9000, 8192),
    ("engine/tile", -5, 0),
    ("output/strength", 200, 100),  # percent: --strength 2
    ("output/strength", -10, 0),
    ("output/threshold", 0, 1),
    ("output/threshold", 256, 255),
]


@pytest.mark.parametrize(("key", "stored", "read"), STORED_OUT_OF_RANGE)
def test_stored_values_out_of_range_are_clamped(key: str, stored: int, read: int):
    QSettings().setValue(key, stored)
    settings = AppSettings(QSettings())
    name = key.split("/")[1]
    assert getattr(settings, name) == read
    setattr(settings, name, stored)
    assert getattr(AppSettings(QSettings()), name) == read


def test_settings_dialog_offers_only_the_tiles_the_cli_allows(qtbot: Any):
    settings = AppSettings(QSettings())
    dialog = SettingsDialog(settings)
    qtbot.addWidget(dialog)
    assert dialog.tile.maximum() == 8192
    dialog.tile.setValue(9000)
    assert dialog.tile.value() == 8192
    dialog.tile.setValue(10)
    dialog.accept()
    assert AppSettings(QSettings()).tile == 64
    dialog = SettingsDialog(settings)
    qtbot.addWidget(dialog)
    dialog.tile.setValue(0)
    dialog.accept()
    assert AppSettings(QSettings()).model_spec().tile is None  # automatic


def test_settings_dialog_offers_the_bundled_models_and_a_file(
    qtbot: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    """Each bundled model present is a choice of its own; a file is the last choice, and only
    then is the file row enabled. A saved path comes back as that choice."""
    assets = tmp_path / "assets"
    assets.mkdir()
    monkeypatch.setenv("DOCDENOISE_ASSETS", str(assets))
    settings = AppSettings(QSettings())
    dialog = SettingsDialog(settings)  # an install without the weights: only a file will do
    qtbot.addWidget(dialog)
    assert [dialog.model.itemData(i) for i in range(dialog.model.count())] == [""]
    assert dialog.model_file.isEnabled()

    (assets / "docdenoise-fast.safetensors").write_bytes(b"")
    dialog = SettingsDialog(settings)
    qtbot.addWidget(dialog)
    assert [dialog.model.itemData(i) for i in range(dialog.model.count())] == ["fast", ""]

    (assets / "docdenoise-quality.safetensors").write_bytes(b"")  # quality has its own weights
    dialog = SettingsDialog(settings)
    qtbot.addWidget(dialog)
    assert [dialog.model.itemData(i) for i in range(dialog.model.count())] == [
        "fast",
        "quality",
        "",
    ]
    dialog.model.setCurrentIndex(dialog.model.findData("quality"))
    dialog.accept()
    assert AppSettings(QSettings()).model_spec().model == "quality"

    dialog = SettingsDialog(AppSettings(QSettings()))
    qtbot.addWidget(dialog)
    assert dialog.model.currentData() == "quality"
    dialog.model.setCurrentIndex(dialog.model.count() - 1)
    assert dialog.model_file.isEnabled() and dialog.browse.isEnabled()
    dialog.model_file.setText(" /models/mine.safetensors ")
    dialog.accept()
    assert AppSettings(QSettings()).model == "/models/mine.safetensors"

    dialog = SettingsDialog(AppSettings(QSettings()))
    qtbot.addWidget(dialog)
    assert dialog.model.currentData() == "" and dialog.model_file.isEnabled()
    assert dialog.model_file.text() == "/models/mine.safetensors"


def test_window_geometry_and_controls_are_remembered(qtbot: Any, settings: AppSettings):
    first = MainWindow(settings)
    qtbot.addWidget(first)
    first.resize(700, 500)  # the offscreen screen is 800 x 600
    first.controls.strength_slider.setValue(40)
    first.close()
    second = MainWindow(AppSettings(QSettings()))
    qtbot.addWidget(second)
    assert second.controls.strength_slider.value() == 40
    assert second.size().width() == 700


def test_shortcuts_are_listed(window: MainWindow):
    listed = {a.text() for a in window.commands.with_shortcuts()}
    for action in (window.commands.clean, window.commands.next_view, window.commands.fit):
        assert action.text() in listed
    dialog = window.show_shortcuts()
    table = dialog.findChild(QTableWidget)
    assert table.rowCount() >= len(listed)
    texts = {table.item(row, 1).text() for row in range(table.rowCount())}
    assert "V" in texts and "Ctrl+Return" in texts
    dialog.close()


def test_about_shows_the_model_card():
    card = {
        "name": "fast",
        "parameters": 123456,
        "data_seed": 7,
        "metrics": {"val_rmse": 0.0312, "val_psnr_db": 30.1, "val_rmse_per_degradation": {}},
        "trained_at": "2025-01-02T03:04:05+00:00",
    }
    info = ModelInfo("CPU (2 threads)", "CPU (2 threads) (fp32): requested", "fast", 123456, card)
    facts = dict(model_facts(info))
    assert facts["Parameters"] == "123,456"
    assert facts["Training data seed"] == "7"
    assert facts["Validation RMSE"] == "0.0312"
    assert facts["Trained"].startswith("2025-01-02")
    text = about_html(info, None)
    assert "123,456" in text and "Validation PSNR (dB)" in text
    assert "could not be loaded" in about_html(None, "m.safetensors: model file not found")
    assert not any("passes" in label for label in facts)  # one pass: nothing to say
    quality = ModelInfo("CPU (2 threads)", "CPU", "quality", 123456, card, 2, passes=4)
    facts = dict(model_facts(quality))
    assert facts["Model"] == "quality" and facts["Passes per tile, averaged"] == "4"
