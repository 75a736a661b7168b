"""House rules that are easy to break: the core never imports Qt, --version never imports torch."""

from __future__ import annotations

import subprocess
import sys

import docdenoise


def _modules_after(code: str) -> set[str]:
    probe = f"{code}\nimport sys\nprint('\\n'.join(sys.modules))"
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    return set(out.stdout.split())


def test_core_and_cli_never_import_qt() -> None:
    modules = _modules_after(
        "import docdenoise, docdenoise.cli, docdenoise.inference, docdenoise.batch, "
        "docdenoise.imageio, docdenoise.tiling, docdenoise.weights, docdenoise.device"
    )
    assert "docdenoise.inference" in modules
    assert not any(m.startswith("PySide6") for m in modules)


def test_version_answers_without_torch() -> None:
    code = (
        "import sys\nfrom docdenoise.cli import main\n"
        "try:\n    main(['--version'])\nexcept SystemExit as e:\n    assert e.code == 0\n"
    )
    modules = _modules_after(code)
    assert "docdenoise.cli" in modules and "torch" not in modules


def test_version_output_and_module_entry_point() -> None:
    out = subprocess.run(
        [sys.executable, "-m", "docdenoise", "--version"], capture_output=True, text=True
    )
    assert out.returncode == 0
    assert out.stdout.strip() == f"docdenoise {docdenoise.__version__}"
