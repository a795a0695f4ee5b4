"""Backend differences live only in graph/: nothing above it asks which engine runs
(`backend.dialect`, or a comparison with an engine's name: `chosen_backend(s) !=
"embedded"`, `info.backend == "neo4j"`) or reads the engines' internal ids (Cypher's `id(n)`,
`elementId(n)`: FalkorDB reuses them after deletes, and the two engines number
differently). Cypher text is read from every string constant, f-strings included,
and from the .cypher library; Python's own `id()` is not Cypher and is allowed."""

from __future__ import annotations

import ast
import re

import pytest

from tests.conftest import REPO

ABOVE_GRAPH = ("queries", "webapp", "loaders", "screengraph")
ENGINE_NAMES = frozenset({"neo4j", "falkordb", "embedded"})
ENGINE_ID = re.compile(r"\b(?:id|elementId)\(\s*[A-Za-z_]\w*\s*\)")


def _crossings(path, root=REPO) -> list[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Attribute) and node.attr == "dialect":
            found.append(f"{node.lineno}: asks which engine runs (.dialect)")
        elif isinstance(node, ast.Compare) and any(
            isinstance(side, ast.Constant) and side.value in ENGINE_NAMES
            for side in (node.left, *node.comparators)
        ):
            found.append(f"{node.lineno}: compares with an engine's name")
        elif (
            isinstance(node, ast.Constant)
            and isinstance(node.value, str)
            and ENGINE_ID.search(node.value)
            and not _is_docstring(tree, node)
        ):
            found.append(f"{node.lineno}: Cypher reads an engine id: {node.value.strip()[:60]!r}")
    return [f"{path.relative_to(root)}:{where}" for where in found]


def _is_docstring(tree: ast.AST, constant: ast.Constant) -> bool:
    for node in ast.walk(tree):
        if isinstance(node, ast.Module | ast.FunctionDef | ast.ClassDef | ast.AsyncFunctionDef):
            body = node.body
            if body and isinstance(body[0], ast.Expr) and body[0].value is constant:
                return True
    return False


@pytest.mark.parametrize("package", ABOVE_GRAPH)
def test_no_package_above_graph_branches_on_the_engine_or_reads_engine_ids(package):
    crossings = [
        crossing for path in sorted((REPO / package).rglob("*.py")) for crossing in _crossings(path)
    ]
    crossings += [
        f"{path.relative_to(REPO)}: reads an engine id"
        for path in sorted((REPO / package).rglob("*.cypher"))
        if ENGINE_ID.search(path.read_text(encoding="utf-8"))
    ]
    assert not crossings, crossings


def test_the_check_sees_an_engine_id_in_an_f_string_and_a_dialect_test(tmp_path):
    sample = tmp_path / "sample.py"
    sample.write_text(
        "def f(backend, label, settings):\n"
        "    if backend.dialect == 'neo4j':\n"
        "        return f'MATCH (n:{label}) RETURN id(n)'\n"
        "    if chosen_backend(settings) != 'embedded':\n"
        "        return None\n"
        "    return id(label)\n",
        encoding="utf-8",
    )
    found = _crossings(sample, tmp_path)
    assert sorted({line.split(":")[1] for line in found}) == ["2", "3", "4"], found
