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

    def run(*args):
        return CliRunner().invoke(main, ["--backend", "embedded", "--data-dir", str(store), *args],
                                  catch_exceptions=False)

    assert run("load", str(SAMPLE_PAGE)).exit_code == 0
    return run


def test_related_prints_a_table_with_explanations(cli):
    result = cli("related", "the bureau")
    assert result.exit_code == 0
    assert "Team Dronix" in result.output and "also made by" in result.output


def test_collaborators_as_json(cli):
    data = json.loads(cli("collaborators", "eric rochant", "--json").output)
    assert len(data) == 6 and {"key", "name", "shows", "roles"} <= set(data[0])


def test_path_and_search_and_canned_query_as_csv(cli):
    assert "3 hops" in cli("path", "Léa Drucker", "Team Dronix").output
    assert cli("search", "LEA", "--csv").output.splitlines()[1].startswith("Person,lea-drucker")
    out = cli("query", "top_people", "--param", "limit=2", "--csv").output.splitlines()
    assert out[0] == "key,name,credits" and out[1] == "eric-rochant,Eric Rochant,3"


def test_unknown_names_and_writes_and_bad_params_fail_clearly(cli):
    unknown = cli("related", "The Bureu")
    assert unknown.exit_code == 1 and "Did you mean: The Bureau" in unknown.output
    write = cli("cypher", "CREATE (:Show {key: 'x'})")
    assert write.exit_code == 1 and "only read queries" in write.output
    bad = cli("query", "top_people", "--param", "limit=many")
    assert bad.exit_code == 1 and "must be a whole number" in bad.output
    assert cli("query", "top_people", "--param", "nope=1").exit_code == 1


def test_a_slow_query_is_stopped_with_the_timeout_message(cli):
    result = cli("--timeout-ms", "200", "cypher",
                 "UNWIND range(1, 30000) AS x UNWIND range(1, 30000) AS y "
                 "WITH x WHERE x * y = -1 RETURN x")
    assert result.exit_code == 1 and "200 ms limit" in result.output
