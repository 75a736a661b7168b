"""The entry script of the frozen app (PyInstaller), shared by the bundle's two executables.

- ``docdenoise-gui`` (windowed): the desktop app, ``docdenoise-gui [FILES...]``;
- ``docdenoise`` (console): the command line, ``docdenoise clean ...``;
- either one with ``--self-test [--device D]``: clean the bundled sample without a screen, print
  one line and exit 0 (see :mod:`docdenoise.selftest`). Qt is never imported for it.
"""

from __future__ import annotations

import sys
from pathlib import Path


def main(argv: list[str]) -> int:
    if argv[:1] == ["--self-test"]:
        from docdenoise.selftest import main as self_test

        return self_test(argv[1:])
    if Path(sys.executable).stem.lower() == "docdenoise":
        from docdenoise.cli import main as cli

        return cli(argv)
    from docdenoise.gui.app import main as gui

    return gui(argv)


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
