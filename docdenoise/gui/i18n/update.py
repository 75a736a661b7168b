"""Regenerate the app's translation sources (.ts) and compiled catalogues (.qm).

    .venv/bin/python docdenoise/gui/i18n/update.py          # lupdate, then lrelease
    .venv/bin/python docdenoise/gui/i18n/update.py --release  # lrelease only (after translating)

``lupdate`` collects every ``tr()`` / ``QCoreApplication.translate()`` string of
``docdenoise/gui/*.py`` into ``docdenoise_<lang>.ts`` (new strings come in marked unfinished,
strings gone from the code are dropped). Translate them with ``pyside6-linguist`` or any XML
editor, then compile with ``--release``; commit both the .ts and the .qm, which is what the app
loads (see ``docdenoise/gui/translation.py``). ``tests/gui/test_gui_i18n.py`` fails while any
string is untranslated. To add a language, add its code to ``LANGUAGES`` here and to
``TRANSLATED``/``LANGUAGES`` in ``translation.py``.
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
from pathlib import Path

I18N_DIR = Path(__file__).resolve().parent
GUI_DIR = I18N_DIR.parent
LANGUAGES = ("ko",)


def qt_tool(name: str) -> list[str]:
    """``pyside6-<name>`` beside this Python, on PATH, or the binary inside the PySide6 package."""
    beside = Path(sys.executable).with_name(f"pyside6-{name}")
    if beside.is_file():
        return [str(beside)]
    found = shutil.which(f"pyside6-{name}")
    if found:
        return [found]
    import PySide6

    package = Path(PySide6.__file__).parent
    for candidate in (package / name, package / "Qt" / "libexec" / name):
        if candidate.is_file():
            return [str(candidate)]
    raise SystemExit(f"cannot find pyside6-{name}; install PySide6-Essentials in this Python")


def update(language: str) -> None:
    sources = sorted(str(p) for p in GUI_DIR.glob("*.py"))
    ts = I18N_DIR / f"docdenoise_{language}.ts"
    options = ["-no-obsolete", "-locations", "none", "-source-language", "en"]
    subprocess.run(
        [*qt_tool("lupdate"), *sources, *options, "-target-language", language, "-ts", str(ts)],
        check=True,
    )


def release(language: str) -> None:
    ts = I18N_DIR / f"docdenoise_{language}.ts"
    qm = ts.with_suffix(".qm")
    subprocess.run([*qt_tool("lrelease"), str(ts), "-qm", str(qm)], check=True)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--release", action="store_true", help="only compile .ts into .qm")
    args = parser.parse_args(argv)
    for language in LANGUAGES:
        if not args.release:
            update(language)
        release(language)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
