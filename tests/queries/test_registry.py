"""The catalogue of questions: headers, typed parameters with ranges and choices, per-backend
variants, building blocks kept out of the listings."""

from __future__ import annotations

import re

import pytest

from screengraph.queries.catalogue import CYPHER_DIR, Catalogue, catalogue
from screengraph.queries.errors import QueryParameterError, UnknownQuery

WRITE_CLAUSES = re.compile(r"\b(CREATE|MERGE|SET|DELETE|REMOVE|DROP|LOAD\s+CSV)\b", re.IGNORECASE)


def write_query(folder, name, text):
    (folder / name).write_text(text, encoding="utf-8")


def test_every_library_file_has_a_title_description_and_read_only_cypher():
    library = Catalogue.load()
    assert {path.name.split(".")[0] for path in CYPHER_DIR.glob("*.cypher")} == {
        query.name for query in library.every()
    }
    for query in library.every():
        assert query.title != query.name and query.description, query.name
        for text in query.cypher.values():
            assert not WRITE_CLAUSES.search(text), f"{query.name} writes"
            for parameter in re.findall(r"\$(\w+)", text):
                assert parameter in {p.name for p in query.parameters}, (query.name, parameter)


def test_python_backed_queries_are_listed_with_their_parameters():
    listed = {q["name"]: q for q in (query.to_json() for query in catalogue().all())}
    assert {"search", "related", "collaborators_ranked", "suggest", "path"} <= set(listed)
    assert listed["path"]["kind"] == "python" and listed["top_people"]["kind"] == "cypher"
    assert listed["path"]["parameters"][2] == {
        "name": "max_hops",
        "type": "int",
        "default": 6,
        "required": False,
        "minimum": 1,
        "maximum": 10,
        "help": "The longest connection to look for, in hops.",
    }


def test_building_blocks_run_by_name_but_are_not_listed():
    library = catalogue()
    hidden = {"related_evidence", "collaborator_ranking", "second_degree", "show", "episodes"}
    assert hidden.isdisjoint(library.names())
    assert all(library.get(name).name == name for name in hidden)


def test_ranges_and_choices_are_checked_with_the_parameter_named(tmp_path):
    write_query(
        tmp_path,
        "ranged.cypher",
        "// name: ranged\n// title: Ranged\n"
        "// params: limit:int=10 in 1..100, label:str=Show in Show|Person\nRETURN $limit",
    )
    query = Catalogue.load(tmp_path).get("ranged")
    assert query.bind({"limit": "100", "label": "Person"}) == {"limit": 100, "label": "Person"}
    with pytest.raises(QueryParameterError, match="'limit' must be between 1 and 100, got 101"):
        query.bind({"limit": "101"})
    with pytest.raises(
        QueryParameterError, match="'label' must be one of Show, Person, got 'Genre'"
    ):
        query.bind({"label": "Genre"})


def test_parameters_are_coerced_defaulted_and_checked(tmp_path):
    write_query(
        tmp_path,
        "typed.cypher",
        "// name: typed\n// title: Typed\n"
        "// params: n:int, ratio:float=0.5, flag:bool=false, keys:list=[], word:str=x\n"
        "RETURN $n",
    )
    query = Catalogue.load(tmp_path).get("typed")
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
        Catalogue.load(tmp_path).get("typo")


def test_a_variant_file_replaces_the_query_on_its_backend_only(tmp_path, backend):
    write_query(
        tmp_path,
        "which.cypher",
        "// name: which\n// title: Which\n// params: n:int=1\nRETURN 'shared' AS dialect, $n AS n",
    )
    write_query(tmp_path, "which.falkordb.cypher", "RETURN 'falkordb' AS dialect, $n AS n")
    results = Catalogue.load(tmp_path).run(backend, "which", {"n": "2"})
    expected = "falkordb" if backend.speaks(["falkordb"]) else "shared"
    assert results.records() == [{"dialect": expected, "n": 2}]


def test_a_query_for_one_backend_is_refused_on_the_other(tmp_path, backend):
    write_query(
        tmp_path,
        "only.cypher",
        "// name: only\n// title: Only\n// backends: neo4j\nRETURN 1 AS one",
    )
    library = Catalogue.load(tmp_path)
    if backend.speaks(["neo4j"]):
        assert library.run(backend, "only").value() == 1
    else:
        with pytest.raises(UnknownQuery, match="written for neo4j only"):
            library.run(backend, "only")


def test_malformed_libraries_are_refused_with_the_file_named(tmp_path):
    write_query(tmp_path, "lonely.neo4j.cypher", "RETURN 1")
    with pytest.raises(ValueError, match="lonely: a per-backend variant without its lonely.cypher"):
        Catalogue.load(tmp_path)
    (tmp_path / "lonely.neo4j.cypher").unlink()
    write_query(tmp_path, "named.cypher", "// name: other\nRETURN 1")
    with pytest.raises(ValueError, match="header name 'other' differs"):
        Catalogue.load(tmp_path)
