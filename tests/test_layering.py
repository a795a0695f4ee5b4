"""The packages' layers: the web app and the CLI are two surfaces over the same code. The
web app imports nothing from the CLI (whose `serve` starts the web app: the one way down);
what both need (result text, the version) sits below them, in graph/."""

from __future__ import annotations

import ast

import pytest

from tests.conftest import REPO

# Which packages each may not import.
FORBIDDEN = {
    "webapp": ("screengraph",),
    "queries": ("webapp", "screengraph"),
    "loaders": ("webapp", "screengraph"),
    "graph": ("webapp", "screengraph", "queries", "loaders"),
}


def _package(module: str) -> str:
    """The layer a module belongs to: `graph.backend` and `screengraph.graph.backend` are
    graph's (the wheel installs the layers inside screengraph), `screengraph.cli` the CLI's."""
    parts = module.split(".")
    if parts[0] == "screengraph" and len(parts) > 1 and parts[1] in FORBIDDEN:
        return parts[1]
    return parts[0]


def _imports(path) -> list[tuple[int, str]]:
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.extend((node.lineno, alias.name) for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            found.append((node.lineno, node.module))
    return found


@pytest.mark.parametrize("package", sorted(FORBIDDEN))
def test_a_package_imports_nothing_from_the_layers_it_must_not_know(package):
    crossings = [
        f"{path.relative_to(REPO)}:{line} imports {name}"
        for path in sorted((REPO / package).rglob("*.py"))
        for line, name in _imports(path)
        if _package(name) in FORBIDDEN[package]
    ]
    assert not crossings, crossings


def _web_addresses(path) -> list[str]:
    """Where a module builds or hands out web addresses: an import of URL quoting or of the
    web framework, a `url` field, a function named for a URL."""
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        where = f"{path.relative_to(REPO)}:{getattr(node, 'lineno', '?')}"
        if isinstance(node, ast.ImportFrom) and (node.module or "").split(".")[0] in (
            "urllib",
            "flask",
            "werkzeug",
        ):
            found.append(f"{where} imports {node.module}")
        elif isinstance(node, ast.Import) and any(
            alias.name.split(".")[0] in ("urllib", "flask", "werkzeug") for alias in node.names
        ):
            found.append(f"{where} imports {', '.join(a.name for a in node.names)}")
        elif isinstance(node, ast.Dict) and any(
            isinstance(k, ast.Constant) and k.value == "url" for k in node.keys
        ):
            found.append(f"{where} gives a 'url'")
        elif isinstance(node, ast.Subscript) and (
            isinstance(node.slice, ast.Constant) and node.slice.value == "url"
        ):
            found.append(f"{where} reads or sets a 'url'")
        elif isinstance(node, ast.FunctionDef) and node.name.endswith("_url"):
            found.append(f"{where} defines {node.name}")
    return found


def test_questions_answer_with_labels_and_keys_and_the_web_app_adds_the_links():
    """Presentation stays in webapp/ (webapp/links.py): what queries/ answers is the same
    for the command line, scripts and the web."""
    built = [
        found for path in sorted((REPO / "queries").rglob("*.py")) for found in _web_addresses(path)
    ]
    assert not built, built


def test_every_import_of_a_layer_goes_through_the_screengraph_package():
    """The wheel installs the layers as screengraph.graph, screengraph.loaders... only: a
    bare `import graph` works in the source tree (the folder is there) and nowhere else."""
    bare = [
        f"{path.relative_to(REPO)}:{line} imports {name}"
        for folder in (
            "graph",
            "loaders",
            "queries",
            "webapp",
            "screengraph",
            "tests",
            "benchmarks",
        )
        for path in sorted((REPO / folder).rglob("*.py"))
        for line, name in _imports(path)
        if name.split(".")[0] in FORBIDDEN
    ]
    assert not bare, bare
