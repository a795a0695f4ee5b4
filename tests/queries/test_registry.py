"""The canned-query library: headers, typed parameters, per-backend variants."""

from __future__ import annotations

import re

import pytest

from queries.errors import QueryParameterError, UnknownQuery
from queries.registry import CYPHER_DIR, Registry, registry

WRITE_CLAUSES = re.compile(r"\b(CREATE|MERGE|SET|DELETE|REMOVE|DROP|LOAD\s+CSV)\b", re.IGNORECASE)


def write_query(folder, name, text):
    (folder / name).write_text(text, encoding="utf-8")


def test_every_library_file_has_a_title_description_and_read_only_cypher():
    library = Registry.load()
    assert {path.name.split(".")[0] for path in CYPHER_DIR.glob("*.cypher")} == {
        query.name for query in library.all()
    }
    for query in library.all():
        assert query.title != query.name and query.description, query.name
        for text in query.cypher.values():
            assert not WRITE_CLAUSES.search(text), f"{query.name} writes"
            for parameter in re.findall(r"\$(\w+)", text):
                assert parameter in {p.name for p in query.parameters}, (query.name, parameter)


def test_python_backed_queries_are_listed_with_their_parameters():
    listed = {q["name"]: q for q in (query.to_json() for query in registry().all())}
    assert {"search", "related", "collaborators_ranked", "suggest", "path"} <= set(listed)
    assert listed["path"]["kind"] == "python" and listed["show"]["kind"] == "cypher"
    assert listed["path"]["parameters"][2] == {
        "name": "max_hops",
        "type": "int",
        "default": 6,
        "required": False,
    }


def test_parameters_are_coerced_defaulted_and_checked(tmp_path):
    write_query(
        tmp_path,
        "typed.cypher",
        "// name: typed\n// title: Typed\n"
        "// params: n:int, ratio:float=0.5, flag:bool=false, keys:list=[], word:str=x\n"
        "RETURN $n",
    )
    query = Registry.load(tmp_path).get("typed")
    assert query.bind({"n": "3", "flag": "yes", "keys": "a, b"}) == {
        "n": 3,
        "ratio": 0.5,
        "flag": True,
        "keys": ["a", "b"],
        "word": "x",
    }
    assert query.bind({"n": 1, "keys": '["c"]'})["keys"] == ["c"]
    with pytest.raises(QueryParameterError, match="'n' must be a whole number, got 'three'"):
        query.bind({"n": "three"})
    with pytest.raises(QueryParameterError, match="needs the parameter 'n'"):
        query.bind({})
    with pytest.raises(QueryParameterError, match="takes no parameter 'limit'; it takes: n, ratio"):
        query.bind({"n": 1, "limit": 5})
    with pytest.raises(UnknownQuery, match="Known: typed"):
        Registry.load(tmp_path).get("typo")


def test_a_variant_file_replaces_the_query_on_its_backend_only(tmp_path, backend):
    write_query(
        tmp_path,
        "which.cypher",
        "// name: which\n// title: Which\n// params: n:int=1\nRETURN 'shared' AS dialect, $n AS n",
    )
    write_query(tmp_path, "which.falkordb.cypher", "RETURN 'falkordb' AS dialect, $n AS n")
    results = Registry.load(tmp_path).run(backend, "which", {"n": "2"})
    expected = "falkordb" if backend.dialect == "falkordb" else "shared"
    assert results.records() == [{"dialect": expected, "n": 2}]


def test_a_query_for_one_backend_is_refused_on_the_other(tmp_path, backend):
    write_query(
        tmp_path,
        "only.cypher",
        "// name: only\n// title: Only\n// backends: neo4j\nRETURN 1 AS one",
    )
    library = Registry.load(tmp_path)
    if backend.dialect == "neo4j":
        assert library.run(backend, "only").value() == 1
    else:
        with pytest.raises(UnknownQuery, match="written for neo4j only"):
            library.run(backend, "only")


def test_malformed_libraries_are_refused_with_the_file_named(tmp_path):
    write_query(tmp_path, "lonely.neo4j.cypher", "RETURN 1")
    with pytest.raises(ValueError, match="lonely: a per-backend variant without its lonely.cypher"):
        Registry.load(tmp_path)
    (tmp_path / "lonely.neo4j.cypher").unlink()
    write_query(tmp_path, "named.cypher", "// name: other\nRETURN 1")
    with pytest.raises(ValueError, match="header name 'other' differs"):
        Registry.load(tmp_path)
