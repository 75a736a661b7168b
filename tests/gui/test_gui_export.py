"""Export: formats, DPI kept, multi-page documents, never overwriting without asking."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from guitools import arm, choose_file, open_and_wait, write_page
from PIL import Image
from PySide6.QtWidgets import QFileDialog

from docdenoise.formats import OUTPUT_FORMATS
from docdenoise.gui import messages
from docdenoise.gui.mainwindow import MainWindow
from docdenoise.gui.settings import EXPORT_FORMATS


def answer_overwrite(monkeypatch: pytest.MonkeyPatch, answer: bool) -> list[Any]:
    asked: list[Any] = []

    def fake(_parent: Any, paths: Any) -> bool:
        asked.append(list(paths))
        return answer

    monkeypatch.setattr(messages, "confirm_overwrite", fake)
    return asked


def export(qtbot: Any, window: MainWindow, start: Any) -> Any:
    blockers = arm(qtbot, window.jobs)
    assert start() is not None
    blockers.wait("finished")
    return blockers["finished"].args[0]


def test_export_page_keeps_the_dpi(
    qtbot: Any, window: MainWindow, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    source = write_page(tmp_path / "scan.png", dpi=(200, 200))
    open_and_wait(qtbot, window, [source])
    target = tmp_path / "out" / "clean.tif"
    target.parent.mkdir()
    choose_file(monkeypatch, target)
    asked = answer_overwrite(monkeypatch, True)

    written = export(qtbot, window, window.export_current_page)  # cleans first, then writes

    assert written == [target]
    assert asked == []  # nothing was there to replace
    with Image.open(target) as image:
        assert image.format == "TIFF"
        assert tuple(round(v) for v in image.info["dpi"]) == (200, 200)
        assert image.size == (80, 96)
    assert window.pages.current_entry().cleaned is not None


def test_export_asks_before_replacing_a_file(
    qtbot: Any, window: MainWindow, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    open_and_wait(qtbot, window, [write_page(tmp_path / "scan.png")])
    target = tmp_path / "exists.png"
    target.write_bytes(b"keep me")
    choose_file(monkeypatch, target)
    asked = answer_overwrite(monkeypatch, False)

    assert window.export_current_page() is None
    assert asked == [[str(target)]]
    assert target.read_bytes() == b"keep me"

    answer_overwrite(monkeypatch, True)
    written = export(qtbot, window, window.export_current_page)
    assert written == [target]
    with Image.open(target) as image:
        assert image.format == "PNG"


def test_export_document_writes_one_multi_page_pdf(
    qtbot: Any, window: MainWindow, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    source = write_page(tmp_path / "three.tif", frames=3, dpi=(300, 300))
    open_and_wait(qtbot, window, [source])
    target = tmp_path / "three-clean"  # no suffix: the chosen filter decides
    calls = choose_file(monkeypatch, target, "PDF document (*.pdf)")
    answer_overwrite(monkeypatch, True)

    written = export(qtbot, window, window.export_current_document)

    assert "PNG" not in calls[0][3]  # a 3-page document offers TIFF and PDF only
    assert written == [target.with_suffix(".pdf")]
    from docdenoise.imageio import count_pages

    assert count_pages(written[0]) == 3
    open_and_wait(qtbot, window, written)  # and a PDF opens as its pages
    pdf_pages = [e for e in window.pages.all_entries() if e.path == written[0]]
    assert [e.index for e in pdf_pages] == [0, 1, 2]
    assert pdf_pages[0].pixels.shape == (96, 80)


def test_export_all_to_a_folder(
    qtbot: Any, window: MainWindow, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    open_and_wait(
        qtbot,
        window,
        [write_page(tmp_path / "a.png"), write_page(tmp_path / "b.tif", frames=2)],
    )
    out = tmp_path / "out"
    out.mkdir()
    monkeypatch.setattr(QFileDialog, "getExistingDirectory", staticmethod(lambda *a, **k: str(out)))
    window.settings.output_format = "tiff"
    written = export(qtbot, window, window.export_all)
    assert sorted(p.name for p in written) == ["a-clean.tif", "b-clean.tif"]
    with Image.open(out / "b-clean.tif") as image:
        assert image.n_frames == 2


def test_the_gui_offers_formats_of_the_core_table() -> None:
    assert set(EXPORT_FORMATS) <= set(OUTPUT_FORMATS)
