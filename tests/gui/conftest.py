"""Qt tests run offscreen, with QSettings in a temporary folder and a small random model."""

from __future__ import annotations

import os
import sys

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")  # before Qt is imported

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from guitools import write_page
from PySide6.QtCore import QCoreApplication, QSettings

from docdenoise.gui.mainwindow import MainWindow
from docdenoise.gui.settings import MODEL_ENV, AppSettings


@pytest.fixture(autouse=True)
def isolated_settings(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """Every test gets its own QSettings folder; the user's settings are never read."""
    folder = tmp_path / "qsettings"
    QCoreApplication.setOrganizationName("docdenoise-tests")
    QCoreApplication.setApplicationName("docdenoise-tests")
    QSettings.setDefaultFormat(QSettings.Format.IniFormat)
    for scope in (QSettings.Scope.UserScope, QSettings.Scope.SystemScope):
        QSettings.setPath(QSettings.Format.IniFormat, scope, str(folder))
    monkeypatch.delenv(MODEL_ENV, raising=False)
    yield folder


@pytest.fixture(scope="session", autouse=True)
def restore_torch_threads() -> Iterator[None]:
    """The app leaves a core free for the GUI (process-wide); give later tests all of them."""
    yield
    if "torch" in sys.modules:
        import torch

        from docdenoise.device import cpu_threads

        torch.set_num_threads(cpu_threads())


@pytest.fixture(scope="session")
def model_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A random, untrained DenoiseNet saved like the real weights (with a card)."""
    import torch

    from docdenoise.model import DenoiseNet
    from docdenoise.weights import save_weights

    torch.manual_seed(0)
    path = tmp_path_factory.mktemp("model") / "m.safetensors"
    card = {"name": "test-random", "data_seed": 1234, "metrics": {"val_rmse": 0.05}}
    save_weights(DenoiseNet(), path, card)
    return path


@pytest.fixture
def settings(model_path: Path) -> AppSettings:
    return AppSettings(QSettings(), model_override=str(model_path))


@pytest.fixture
def window(qtbot: Any, settings: AppSettings) -> MainWindow:
    win = MainWindow(settings)
    qtbot.addWidget(win)
    win.resize(1000, 700)
    win.show()
    qtbot.waitExposed(win)
    return win


@pytest.fixture
def page_file(tmp_path: Path) -> Path:
    return write_page(tmp_path / "in" / "scan.png", size=(120, 96))
