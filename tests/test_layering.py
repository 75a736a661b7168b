"""Layers of the core: the batch's plain parts import without torch, the page I/O without the model.

The report, the batch planner and the overlapped executor hold data and drive generators; only
:mod:`docdenoise.inference` needs torch, and it is handed to them, never imported by them.
"""

from __future__ import annotations

import subprocess
import sys


def _modules_after(code: str) -> set[str]:
    probe = f"{code}\nimport sys\nprint('\\n'.join(sys.modules))"
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    return set(out.stdout.split())


def test_report_batch_and_executor_import_without_torch() -> None:
    modules = _modules_after("import docdenoise.report, docdenoise.batch, docdenoise.executor")
    assert "docdenoise.executor" in modules and "docdenoise.cleaning" in modules
    assert "torch" not in modules


def test_page_io_and_the_format_table_import_without_torch() -> None:
    modules = _modules_after("import docdenoise.imageio, docdenoise.pdfio, docdenoise.progress")
    assert "torch" not in modules
    assert "PIL" not in _modules_after("import docdenoise.formats, docdenoise.report")
