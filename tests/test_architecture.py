"""House rules that are easy to break: the core never imports Qt, --version never imports torch,
no import circles, no module over 350 lines, no more than a handful of recipes in the package."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

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


# --- the package's shape: no import circles, small modules, a handful of recipes --------------

PACKAGE = Path(docdenoise.__file__).resolve().parent
MAX_MODULE_LINES = 350  # issue 37's hard limit; aim for about 300
MAX_RECIPES = 4  # training recipes (*.toml) in the package: those of the shipped models


def _module_files(package: Path = PACKAGE) -> dict[str, Path]:
    """Dotted name -> file of every module of ``package`` (a package by its ``__init__``)."""
    modules = {}
    for path in sorted(package.rglob("*.py")):
        parts = [package.name, *path.relative_to(package).with_suffix("").parts]
        if parts[-1] == "__init__":
            parts.pop()
        modules[".".join(parts)] = path
    return modules


def _type_checking_nodes(tree: ast.Module) -> set[int]:
    """Ids of the nodes under ``if TYPE_CHECKING:``: imports for annotations only."""
    skipped: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
            skipped.update(id(inner) for inner in ast.walk(node))
    return skipped


def _imported(module: str, is_package: bool, node: ast.Import | ast.ImportFrom) -> list[str]:
    """The names an import statement imports: ``from pkg import sub`` names ``pkg.sub``."""
    if isinstance(node, ast.Import):
        return [alias.name for alias in node.names]
    if node.level:
        base = module.split(".") if is_package else module.split(".")[:-1]
        base = base[: len(base) - (node.level - 1)]
        prefix = ".".join(base + ([node.module] if node.module else []))
    else:
        prefix = node.module or ""
    return [f"{prefix}.{alias.name}" for alias in node.names]


def _import_graph(package: Path = PACKAGE) -> dict[str, set[str]]:
    """Module -> the package's modules it imports, lazy imports inside functions included."""
    modules = _module_files(package)
    graph: dict[str, set[str]] = {}
    for module, path in modules.items():
        tree = ast.parse(path.read_text(encoding="utf-8"))
        skipped = _type_checking_nodes(tree)
        edges = set()
        for node in ast.walk(tree):
            if id(node) in skipped or not isinstance(node, ast.Import | ast.ImportFrom):
                continue
            for name in _imported(module, path.name == "__init__.py", node):
                while name and name not in modules:  # an attribute: its module
                    name = name.rpartition(".")[0]
                if name and name != module:
                    edges.add(name)
        graph[module] = edges
    return graph


def _circles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected components of more than one module, each sorted."""

    def reach(start: str) -> set[str]:
        seen, todo = set(), [start]
        while todo:
            for after in graph[todo.pop()]:
                if after not in seen:
                    seen.add(after)
                    todo.append(after)
        return seen

    reachable = {module: reach(module) for module in graph}
    circles, placed = [], set()
    for module in sorted(graph):
        if module in placed or module not in reachable[module]:
            continue
        circle = sorted(m for m in reachable[module] if module in reachable[m])
        placed.update(circle)
        circles.append(circle)
    return circles


def test_the_import_graph_is_read_as_python_runs_it(tmp_path: Path) -> None:
    files = {
        "__init__.py": "from pkg.sub import VALUE\n",
        "sub/__init__.py": "VALUE = 1\n",
        "sub/deep.py": "from .. import top\nfrom . import VALUE\n",
        "top.py": "import os\nfrom pkg import lazy\n",  # a module: pkg.lazy, not pkg
        "lazy.py": "def late():\n    from pkg.sub.deep import top\n",  # counted
        "hints.py": "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    import pkg.top\n",
    }
    for name, text in files.items():
        (tmp_path / "pkg" / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / "pkg" / name).write_text(text)
    assert _import_graph(tmp_path / "pkg") == {
        "pkg": {"pkg.sub"},
        "pkg.sub": set(),
        "pkg.sub.deep": {"pkg.top", "pkg.sub"},
        "pkg.top": {"pkg.lazy"},
        "pkg.lazy": {"pkg.sub.deep"},
        "pkg.hints": set(),
    }
    assert _circles(_import_graph(tmp_path / "pkg")) == [["pkg.lazy", "pkg.sub.deep", "pkg.top"]]
    assert _circles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]


def test_no_import_circles() -> None:
    """No module imports, however late, one that imports it back (``if TYPE_CHECKING:``
    imports, for annotations only, do not count)."""
    graph = _import_graph()
    circles = _circles(graph)
    detail = "\n".join(
        f"{len(circle)} modules: "
        + "; ".join(f"{m} -> {', '.join(sorted(graph[m] & set(circle)))}" for m in circle)
        for circle in circles
    )
    assert not circles, f"import circles:\n{detail}"


def test_no_module_is_over_the_line_limit() -> None:
    lengths = {
        module: len(path.read_text(encoding="utf-8").splitlines())
        for module, path in _module_files().items()
    }
    over = {module: n for module, n in sorted(lengths.items()) if n > MAX_MODULE_LINES}
    assert not over, f"modules over {MAX_MODULE_LINES} lines: {over}"


def test_the_package_ships_only_a_handful_of_recipes() -> None:
    recipes = sorted(str(p.relative_to(PACKAGE)) for p in PACKAGE.rglob("*.toml"))
    assert len(recipes) <= MAX_RECIPES, f"{len(recipes)} recipes in the package: {recipes}"
