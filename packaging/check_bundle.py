"""Check a built bundle without a screen: ``make package-test`` runs this after ``make package``.

    .venv/bin/python packaging/check_bundle.py [dist/docdenoise]

From a temporary folder, with a clean environment (no PYTHONPATH, no DOCDENOISE_ASSETS, Qt
settings in a temporary folder), it runs:

1. ``docdenoise --self-test``: the console executable cleans the bundled sample and says so; the
   assets must come from inside the bundle, not from a checkout;
2. ``docdenoise-gui --self-test``: the windowed executable does the same (exit code only: on
   Windows a windowed program has no console to print to);
3. ``docdenoise clean``: the command line cleans the sample to a PDF, then that PDF to a
   black-and-white TIFF (pypdfium2, Pillow and libtiff from the bundle);
4. ``docdenoise-gui --screenshot``: the app starts offscreen (QT_QPA_PLATFORM=offscreen), opens
   and cleans the sample, grabs its window and quits; the picture is kept as
   ``build/package-screenshot.png``.

Exit code 0 when all pass. Prints one line per step with its time, then the bundle's size.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TIMEOUT_S = 600
EXE_SUFFIX = ".exe" if sys.platform == "win32" else ""


class CheckFailed(Exception):
    """A step went wrong; the message says which and shows the program's output."""


def clean_env(scratch: Path) -> dict[str, str]:
    """This environment without anything that could point the bundle at a checkout."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTHON", "DOCDENOISE_"))}
    env["QT_QPA_PLATFORM"] = "offscreen"
    env["XDG_CONFIG_HOME"] = str(scratch / "config")  # QSettings on Linux: not the user's
    return env


def run_step(name: str, cmd: Sequence[str], cwd: Path, env: dict[str, str]) -> str:
    """Run ``cmd``; return its output, or raise CheckFailed with it. Prints the step's time."""
    started = time.perf_counter()
    try:
        proc = subprocess.run(
            list(cmd),
            cwd=cwd,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            timeout=TIMEOUT_S,
            check=False,
        )
    except subprocess.TimeoutExpired as exc:
        raise CheckFailed(f"{name}: no answer after {TIMEOUT_S} s") from exc
    seconds = time.perf_counter() - started
    if proc.returncode != 0:
        raise CheckFailed(f"{name}: exit code {proc.returncode}\n{proc.stdout}")
    sys.stdout.write(f"ok   {name} ({seconds:.1f} s)\n")
    return proc.stdout


def bundle_bytes(folder: Path) -> tuple[int, int]:
    """Total size of the files under ``folder`` (links not followed) and their number."""
    total = count = 0
    for path in folder.rglob("*"):
        if path.is_file() and not path.is_symlink():
            total += path.stat().st_size
            count += 1
    return total, count


def check(bundle: Path, scratch: Path) -> None:
    cli = bundle / f"docdenoise{EXE_SUFFIX}"
    gui = bundle / f"docdenoise-gui{EXE_SUFFIX}"
    internal = bundle / "_internal"
    assets = internal / "docdenoise" / "assets"
    for path in (cli, gui, assets / "docdenoise-fast.safetensors", assets / "sample-scan.png"):
        if not path.is_file():
            raise CheckFailed(f"{path} is missing: run `make package` first")
    env = clean_env(scratch)
    work = scratch / "cwd"
    work.mkdir()

    out = run_step("docdenoise --self-test", [str(cli), "--self-test"], work, env)
    line = out.strip().splitlines()[-1] if out.strip() else ""
    if not line.startswith("self-test ok") or str(assets.resolve()) not in line:
        raise CheckFailed(f"self-test: expected a line with the bundle's assets, got:\n{out}")
    sys.stdout.write(f"     {line}\n")

    run_step("docdenoise-gui --self-test", [str(gui), "--self-test"], work, env)

    sample = assets / "sample-scan.png"
    pdf = scratch / "pdf" / "sample-scan.pdf"
    cmd = [str(cli), "clean", str(sample), "-o", str(pdf.parent), "--format", "pdf", "-q"]
    run_step("docdenoise clean sample-scan.png to PDF", cmd, work, env)
    tiff = scratch / "tiff" / "sample-scan.tif"
    cmd = [str(cli), "clean", str(pdf), "-o", str(tiff.parent), "--format", "tiff", "--bw", "-q"]
    run_step("docdenoise clean that PDF to black-and-white TIFF", cmd, work, env)
    for path in (pdf, tiff):
        if not path.is_file():
            raise CheckFailed(f"docdenoise clean wrote no {path}")

    shot = scratch / "screenshot.png"
    cmd = [str(gui), "--screenshot", str(shot), str(sample)]
    run_step("docdenoise-gui offscreen: open, clean, grab, quit", cmd, work, env)
    if not shot.is_file() or shot.stat().st_size == 0:
        raise CheckFailed(f"the app wrote no screenshot at {shot}")
    kept = ROOT / "build" / "package-screenshot.png"
    kept.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(shot, kept)
    sys.stdout.write(f"     window grabbed: {kept.relative_to(ROOT)}\n")


def main(argv: Sequence[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    bundle = Path(args[0] if args else ROOT / "dist" / "docdenoise").resolve()
    with tempfile.TemporaryDirectory(prefix="docdenoise-bundle-") as tmp:
        try:
            check(bundle, Path(tmp))
        except CheckFailed as exc:
            sys.stderr.write(f"FAIL {exc}\n")
            return 1
    size, count = bundle_bytes(bundle)
    sys.stdout.write(
        f"bundle {bundle}: {size / 2**20:.0f} MiB in {count} files; all checks passed\n"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
