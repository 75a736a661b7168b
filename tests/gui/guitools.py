"""Helpers for the Qt tests: tiny pages on disk, and waiting on workers without races."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
from PIL import Image

from docdenoise.gui.mainwindow import MainWindow

WAIT_MS = 60_000  # generous: the test machine may be busy


def write_page(
    path: Path,
    size: tuple[int, int] = (96, 80),
    dpi: tuple[int, int] | None = (300, 300),
    frames: int = 1,
    seed: int = 0,
) -> Path:
    """A small noisy grey page (several frames make a multi-page TIFF)."""
    rng = np.random.default_rng(seed)
    images = [
        Image.fromarray((200 + rng.normal(0, 25, size)).clip(0, 255).astype(np.uint8))
        for _ in range(frames)
    ]
    path.parent.mkdir(parents=True, exist_ok=True)
    extra: dict[str, Any] = {"dpi": dpi} if dpi else {}
    if frames > 1:
        extra.update(save_all=True, append_images=images[1:])
    images[0].save(path, **extra)
    return path


def open_and_wait(qtbot: Any, window: MainWindow, paths: list[Path]) -> None:
    with qtbot.waitSignal(window.load_finished, timeout=WAIT_MS):
        window.open_paths([str(p) for p in paths])


TERMINAL = ("finished", "failed", "cancelled")


class Armed:
    """Blockers for the next worker's signals, connected before it starts (so none is missed).

    A blocker's slot may run in the worker thread, before the GUI has handled the same signal,
    so :meth:`wait` on a terminal signal also waits until the owner (a JobController or a
    BatchDialog, whose ``worker`` goes back to None on the GUI thread) has dealt with it.
    """

    def __init__(self, qtbot: Any, source: Any, signals: tuple[str, ...]) -> None:
        self.qtbot, self.source, self.signals = qtbot, source, signals
        self.worker: Any = None
        self.blockers: dict[str, Any] = {}
        source.worker_created.connect(self._on_created)

    def _on_created(self, worker: Any) -> None:
        self.source.worker_created.disconnect(self._on_created)
        self.worker = worker
        for name in self.signals:
            self.blockers[name] = self.qtbot.waitSignal(getattr(worker, name), timeout=WAIT_MS)

    def __getitem__(self, name: str) -> Any:
        return self.blockers[name]

    def wait(self, name: str = "finished") -> list[Any]:
        """Wait for the signal ``name``; returns its arguments."""
        self.blockers[name].wait()
        if name in TERMINAL:
            self.qtbot.waitUntil(lambda: self.source.worker is not self.worker, timeout=WAIT_MS)
        return list(self.blockers[name].args or [])


def arm(qtbot: Any, source: Any, signals: tuple[str, ...] = ("finished",)) -> Armed:
    return Armed(qtbot, source, signals)


def choose_file(monkeypatch: Any, path: Path, selected: str = "") -> list[Any]:
    """Answer the save dialog with ``path`` (and the name filter ``selected``); the calls."""
    from PySide6.QtWidgets import QFileDialog

    calls: list[Any] = []

    def fake(*args: Any, **kwargs: Any) -> tuple[str, str]:
        calls.append(args)
        return str(path), selected

    monkeypatch.setattr(QFileDialog, "getSaveFileName", staticmethod(fake))
    return calls
