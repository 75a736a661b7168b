"""Measure the bundle and write the ``bundle`` section of docs/benchmarks.md.

    nice -n 19 make package-test
    .venv/bin/python packaging/bundle_size.py            # measures dist/docdenoise

Gives the folder's size on disk (``du -sh``), the size of a ``tar.gz`` of it (written to
``dist/docdenoise-<version>-<platform>.tar.gz``, the file to hand out) and the share of its
largest parts, with the versions of what went in.
"""

from __future__ import annotations

import platform
import subprocess
import sys
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.common import write_section  # noqa: E402
from docdenoise import __version__  # noqa: E402

# (label, path prefixes under _internal); the first match wins, the rest is "everything else".
PARTS = (
    ("torch: libtorch_cpu and its other libraries", ("torch/lib/",)),
    ("torch: Python code (bytecode and the sources it reads)", ("torch/", "torchgen/")),
    ("Qt: ICU data and libraries", ("PySide6/Qt/lib/libicu",)),
    ("Qt: libraries, plugins, qtbase translations", ("PySide6/", "shiboken6/", "libpyside")),
    ("numpy and its OpenBLAS", ("numpy",)),
    ("Pillow and its image libraries", ("PIL/", "pillow.libs/")),
    ("Python runtime and standard library", ("python3", "libpython3", "base_library.zip")),
    ("docdenoise: code, model, icons, sample", ("docdenoise/",)),
)
LEFT_OUT = (
    "torch's compiler stack (`torch._dynamo`, `torch._inductor`, with sympy, networkx, jinja2), "
    "`torch.onnx`, `torch.utils.tensorboard`/`benchmark`, distributed training parts, its C++ "
    "headers, CMake files, test binaries and test libraries (`torch/include`, `torch/test`, "
    "`torch/bin` but `torch_shm_manager`, `lib*_test.so`); Qt's QtNetwork, QML/Quick, 3D, "
    "WebEngine, Multimedia, Designer, the GTK3 theme (and the cairo/pango/gdk-pixbuf it pulls), "
    "the embedded-display platforms (eglfs, linuxfb, VNC) and Qt's translations but qtbase; "
    "tkinter, matplotlib, scipy, sqlite3, setuptools, pip and the test tools; docdenoise's "
    "training and synthetic-data packages."
)


def du(path: Path) -> str:
    """``du -sh``'s answer, or the sum of file sizes where there is no ``du``."""
    try:
        out = subprocess.run(["du", "-sh", str(path)], capture_output=True, text=True, check=True)
        return out.stdout.split()[0]
    except (OSError, subprocess.CalledProcessError):
        return f"{sum(p.stat().st_size for p in path.rglob('*') if p.is_file()) / 2**20:.0f}M"


def parts(bundle: Path) -> Counter[str]:
    """Bytes per part of PARTS (files only: the links PyInstaller makes are not counted twice)."""
    sizes: Counter[str] = Counter()
    internal = bundle / "_internal"
    for path in bundle.rglob("*"):
        if not path.is_file() or path.is_symlink():
            continue
        rel = path.relative_to(internal).as_posix() if internal in path.parents else ""
        label = next((name for name, prefixes in PARTS if rel.startswith(prefixes)), None)
        sizes[label or "the two executables and everything else"] += path.stat().st_size
    return sizes


def archive(bundle: Path) -> Path:
    """``tar.gz`` the bundle next to it and return the archive's path."""
    system = f"{platform.system().lower()}-{platform.machine().lower()}"
    target = bundle.parent / f"docdenoise-{__version__}-{system}.tar.gz"
    cmd = ["tar", "-czf", str(target), "-C", str(bundle.parent), bundle.name]
    subprocess.run(cmd, check=True)
    return target


def versions() -> str:
    from importlib.metadata import version

    names = ("torch", "PySide6-Essentials", "numpy", "pyinstaller")
    return ", ".join(f"{name} {version(name)}" for name in names)


def main() -> int:
    bundle = Path(sys.argv[1] if len(sys.argv) > 1 else ROOT / "dist" / "docdenoise").resolve()
    if not (bundle / "_internal").is_dir():
        sys.stderr.write(f"error: {bundle} is not a bundle; run `make package` first\n")
        return 1
    tarball = archive(bundle)
    sizes = parts(bundle)
    total = sum(sizes.values())
    rows = "\n".join(
        f"| {name} | {size / 2**20:.0f} | {100 * size / total:.0f} % |"
        for name, size in sizes.most_common()
    )
    body = (
        "## Desktop bundle size\n\n"
        f"The bundle `make package` builds (PyInstaller, one folder, CPU torch) on "
        f"{platform.system()} {platform.machine()}, measured by the command below; "
        "`make package-test` checks it runs.\n\n"
        "| | size |\n|---|---:|\n"
        f"| `dist/docdenoise/` on disk (`du -sh`) | {du(bundle)} |\n"
        f"| `{tarball.name}` (`tar -czf`) | {tarball.stat().st_size / 2**20:.0f}M |\n\n"
        "| part | MiB | share |\n|---|---:|---:|\n"
        f"{rows}\n\n"
        f"Versions: {versions()}.\n\n"
        f"Left out: {LEFT_OUT}"
    )
    write_section("bundle", body)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
