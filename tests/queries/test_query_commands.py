"""The analysts' CLI: tables by default, JSON and CSV on request, clear failures."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from screengraph.cli import main
from tests.conftest import SAMPLE_PAGE


@pytest.fixture
def cli(tmp_path):
    store = tmp_path / "store"
    kong = tmp_path / "kong.jsonl"
    kong.write_text(
        '{"title": "King Kong", "year": 1933, "directors": ["Merian C. Cooper"]}\n'
        '{"title": "King Kong", "year": 1976, "directors": ["John Guillermin"]}\n',
        encoding="utf-8",
    )

    def run(*args, env=None):
        return CliRunner().invoke(
            main,
            ["--backend", "embedded", "--data-dir", str(store), *args],
            catch_exceptions=False,
            env=env,
        )

    assert run("load", str(SAMPLE_PAGE), str(kong)).exit_code == 0
    return run


def test_related_prints_a_table_with_explanations(cli):
    result = cli("related", "the bureau")
    assert result.exit_code == 0
    assert "Team Dronix" in result.output and "also made by" in result.output


def test_collaborators_as_json(cli):
    data = json.loads(cli("collaborators", "eric rochant", "--json").output)
    assert len(data) == 6 and {"key", "name", "shows", "roles", "count"} <= set(data[0])


def test_path_and_search_and_canned_query_as_csv(cli):
    assert "3 hops" in cli("path", "Léa Drucker", "Show:team-dronix").output
    assert cli("search", "LEA", "--csv").output.splitlines()[1].startswith("Person,lea-drucker")
    out = cli("query", "top_people", "--param", "limit=2", "--csv").output.splitlines()
    assert out[0] == "key,name,credits" and out[1] == "eric-rochant,Eric Rochant,3"


def test_no_connection_is_an_answer_with_a_nonzero_exit(cli):
    result = cli("path", "Eric Rochant", "King Kong (1933)")
    assert result.exit_code == 1
    assert "Eric Rochant and King Kong: no connection within 6 hops." in result.output


def test_path_prints_each_equally_short_connection_in_order(cli, tmp_path):
    both = tmp_path / "both.jsonl"
    both.write_text(
        '{"title": "Zeta Story", "year": 2001, "cast": ["Ann Start", "Bob End"]}\n'
        '{"title": "Alpha Story", "year": 2002, "cast": ["Ann Start", "Bob End"]}\n',
        encoding="utf-8",
    )
    assert cli("load", str(both)).exit_code == 0
    lines = cli("path", "Ann Start", "Bob End", "--paths", "2").output.splitlines()
    assert [line.split(" -[")[1].split("(Show)")[0] for line in lines] == [
        "ACTED_IN]- Alpha Story ",
        "ACTED_IN]- Zeta Story ",
    ]
    assert len(cli("path", "Ann Start", "Bob End", "--paths", "1").output.splitlines()) == 1
    refused = cli("path", "Ann Start", "Bob End", "--paths", "11")
    assert refused.exit_code == 2 and "1<=x<=10" in refused.output


def test_query_list_shows_every_canned_query_with_its_parameters(cli):
    listed = cli("query", "--list").output
    assert "path" in listed and "max_hops:int=6 (1..10)" in listed
    assert "related_evidence" not in listed  # a building block of `related`, not a question
    names = {q["name"] for q in json.loads(cli("query", "--list", "--json").output)}
    assert {"top_people", "search", "suggest", "counts_by_label"} <= names


def test_an_ambiguous_name_lists_the_candidates_and_fails(cli):
    result = cli("related", "king kong")
    assert result.exit_code == 2
    assert "Show:king-kong--1933  King Kong (1933)" in result.output
    assert "Show:king-kong--1976  King Kong (1976)" in result.output
    assert cli("related", "King Kong (1976)").exit_code == 0


def test_unknown_names_and_writes_and_bad_params_fail_clearly(cli):
    unknown = cli("related", "The Bureu")
    assert unknown.exit_code == 1 and "Did you mean: The Bureau (Show:the-bureau)" in unknown.output
    write = cli("cypher", "CREATE (:Show {key: 'x'})")
    assert write.exit_code == 1 and "only read queries are allowed" in write.output
    assert (
        cli("cypher", "MATCH (s:Show {key: 'x'}) RETURN count(s)", "--csv").output.splitlines()[1]
        == "0"
    )
    bad = cli("query", "top_people", "--param", "limit=many")
    assert bad.exit_code == 1 and "must be a whole number" in bad.output
    extra = cli("query", "top_people", "--param", "nope=1")
    assert extra.exit_code == 1 and "takes no parameter 'nope'" in extra.output
    assert "No canned query is called 'top_peple'" in cli("query", "top_peple").output


def test_cypher_takes_parameters_and_says_when_rows_were_cut(cli):
    result = cli(
        "cypher",
        "UNWIND range(1, $n) AS x RETURN x",
        "--param",
        "n=10",
        env={"SCREENGRAPH_MAX_ROWS": "3"},
    )
    assert result.exit_code == 0 and "3 rows (truncated at the row cap" in result.output
    data = json.loads(
        cli(
            "cypher",
            "UNWIND range(1, $n) AS x RETURN x",
            "-p",
            "n=10",
            "--json",
            env={"SCREENGRAPH_MAX_ROWS": "3"},
        ).output
    )
    assert data["rows"] == [[1], [2], [3]] and data["truncated"] is True


def test_a_slow_query_is_stopped_with_the_timeout_message(cli):
    result = cli(
        "--timeout-ms",
        "200",
        "cypher",
        "UNWIND range(1, 30000) AS x UNWIND range(1, 30000) AS y WITH x WHERE x * y = -1 RETURN x",
    )
    assert result.exit_code == 1 and "ran longer than its 200 ms limit" in result.output


def test_neo4j_refuses_writes_and_stops_slow_queries_the_same_way(neo4j):
    """The same two failures through `cypher`, with the Neo4j backend (NEO4J_* from the env)."""

    def run(*args):
        return CliRunner().invoke(main, ["--backend", "neo4j", *args], catch_exceptions=False)

    write = run("cypher", "CREATE (:Show {key: 'x'})")
    assert write.exit_code == 1 and "only read queries are allowed" in write.output
    slow = run(
        "--timeout-ms",
        "200",
        "cypher",
        "UNWIND range(1, 30000) AS x UNWIND range(1, 30000) AS y WITH x WHERE x * y = -1 RETURN x",
    )
    assert slow.exit_code == 1 and "ran longer than its 200 ms limit" in slow.output


def test_a_parameter_nested_too_deeply_is_a_usage_error_not_a_traceback(cli):
    deep = "[" * 5000 + "]" * 5000
    result = cli("cypher", "RETURN $v AS v", "-p", f"v={deep}")
    assert result.exit_code == 2 and "nested too deeply" in result.output


def test_query_takes_entity_parameters_by_name_and_names_the_ambiguous_ones(cli):
    by_name = cli("query", "people_in_both", "-p", "first=The Bureau", "-p", "second=the-bureau")
    assert by_name.exit_code == 0 and "Eric Rochant" in by_name.output
    ambiguous = cli("query", "people_in_both", "-p", "first=King Kong", "-p", "second=the-bureau")
    assert ambiguous.exit_code != 0
    assert "'first' (show)" in ambiguous.output and "Show:king-kong--1933" in ambiguous.output


def test_a_prolific_persons_collaborators_say_what_they_counted(cli, tmp_path):
    from screengraph.queries.counted import COUNTED_SHOWS
    from tests.queries.test_counted_shows import SHOWS, prolific_listings

    works = tmp_path / "works.jsonl"
    works.write_text("".join(json.dumps(r) + "\n" for r in prolific_listings()), encoding="utf-8")
    assert cli("load", str(works)).exit_code == 0
    note = f"note: Counted over the {COUNTED_SHOWS} newest of {SHOWS} shows."
    for command in ("collaborators", "suggest"):
        result = cli(command, "Pat Prolific", "--json")
        assert result.exit_code == 0 and note in result.stderr
        json.loads(result.stdout)  # the answer stays JSON
    assert "note:" not in cli("collaborators", "eric rochant").stderr
