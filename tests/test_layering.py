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
        if name.split(".")[0] in FORBIDDEN[package]
    ]
    assert not crossings, crossings
