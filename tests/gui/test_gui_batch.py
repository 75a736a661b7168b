"""Batch folder cleanup through the dialog: states per file, a broken file fails alone."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from guitools import arm, write_page
from PySide6.QtCore import Qt

from docdenoise.gui.batch_dialog import BatchDialog
from docdenoise.gui.batchrun import BatchStep
from docdenoise.gui.mainwindow import MainWindow


def make_folder(root: Path) -> Path:
    folder = root / "scans"
    write_page(folder / "a.png", seed=1)
    write_page(folder / "sub" / "b.png", seed=2)
    (folder / "broken.png").write_bytes(b"\x89PNG\r\n\x1a\n" + b"\0" * 40)
    return folder


def run_batch(qtbot: Any, dialog: BatchDialog) -> Any:
    blockers = arm(qtbot, dialog)
    assert dialog.start() is not None
    blockers.wait("finished")
    return blockers["finished"].args[0]


def table(dialog: BatchDialog) -> dict[str, tuple[str, str]]:
    rows = {}
    for row in range(dialog.table.rowCount()):
        name = dialog.table.item(row, 0).text()
        details = dialog.table.item(row, 2)
        rows[name] = (dialog.state_of(row), details.text() if details else "")
    return rows


def test_batch_marks_the_broken_file_failed_and_cleans_the_rest(
    qtbot: Any, window: MainWindow, tmp_path: Path
):
    folder = make_folder(tmp_path)
    out = tmp_path / "cleaned"
    dialog = window.open_batch()
    qtbot.addWidget(dialog)
    dialog.input_edit.setText(str(folder))
    dialog.output_edit.setText(str(out))

    report = run_batch(qtbot, dialog)

    rows = table(dialog)
    assert set(rows) == {"a.png", "broken.png", str(Path("sub") / "b.png")}
    assert rows["a.png"][0] == "done"
    assert rows[str(Path("sub") / "b.png")][0] == "done"
    state, why = rows["broken.png"]
    assert state == "failed"
    assert "broken.png" in why and "not an image" in why  # the core's message, as it is
    assert (out / "a.png").is_file() and (out / "sub" / "b.png").is_file()
    assert not (out / "broken.png").exists()
    assert report.count("done") == 2 and report.count("failed") == 1
    assert "2 cleaned, 0 skipped, 1 failed" in dialog.summary.text()
    assert dialog.progress.value() == 100
    assert dialog.start_button.isEnabled() and not dialog.cancel_button.isEnabled()


def test_batch_skips_existing_outputs(qtbot: Any, window: MainWindow, tmp_path: Path):
    folder = make_folder(tmp_path)
    out = tmp_path / "cleaned"
    (out).mkdir()
    (out / "a.png").write_bytes(b"already here")
    dialog = window.open_batch()
    qtbot.addWidget(dialog)
    dialog.input_edit.setText(str(folder))
    dialog.output_edit.setText(str(out))
    dialog.fmt.setCurrentIndex(dialog.fmt.findData("png"))

    run_batch(qtbot, dialog)

    assert table(dialog)["a.png"][0] == "skipped"
    assert (out / "a.png").read_bytes() == b"already here"


def test_batch_needs_an_input_folder(window: MainWindow, qtbot: Any, tmp_path: Path):
    dialog = window.open_batch()
    qtbot.addWidget(dialog)
    dialog.input_edit.setText(str(tmp_path / "missing"))
    assert dialog.start() is None
    assert "input folder" in dialog.summary.text()


def test_batch_cancel_stops_within_a_tile(qtbot: Any, window: MainWindow, tmp_path: Path):
    folder = tmp_path / "big"
    write_page(folder / "a.png", size=(640, 512))
    write_page(folder / "b.png", size=(640, 512), seed=1)
    out = tmp_path / "cleaned"
    window.settings.tile = 128  # 20 tiles a page
    dialog = window.open_batch()
    qtbot.addWidget(dialog)
    dialog.input_edit.setText(str(folder))
    dialog.output_edit.setText(str(out))
    blockers = arm(qtbot, dialog, ("cancelled", "finished"))
    pages_seen: list[int] = []

    def created(worker: Any) -> None:
        def cancel_at_first_tile(step: object) -> None:  # runs in the worker thread
            if isinstance(step, BatchStep) and step.kind == "page":
                pages_seen.append(step.tile)
                worker.cancel()

        worker.progress.connect(cancel_at_first_tile, Qt.ConnectionType.DirectConnection)

    dialog.worker_created.connect(created)
    dialog.start()
    blockers.wait("cancelled")

    assert not blockers["finished"].signal_triggered
    assert pages_seen == [1]
    assert table(dialog)["a.png"][0] == "cancelled"
    assert table(dialog)["b.png"][0] == "queued"
    assert not out.exists() or not any(out.iterdir())  # nothing half-written
    assert dialog.start_button.isEnabled()
