"""`screengraph doctor` says which backend answers, where its data lives, and its version."""

from __future__ import annotations

import os

from click.testing import CliRunner

from screengraph.cli import main


def test_doctor_reports_the_embedded_store_by_default(tmp_path):
    unset_neo4j = {name: None for name in os.environ if name.startswith("NEO4J_")}
    result = CliRunner().invoke(
        main,
        ["--data-dir", str(tmp_path / "store"), "doctor"],
        env={**unset_neo4j, "SCREENGRAPH_BACKEND": None},
    )
    assert result.exit_code == 0, result.output
    assert "backend:   embedded" in result.output and "FalkorDB" in result.output
    assert str(tmp_path / "store") in result.output and "reachable: yes" in result.output


def test_doctor_reports_neo4j_when_neo4j_uri_is_set(neo4j_session_backend):
    result = CliRunner().invoke(main, ["doctor"], env={"NEO4J_URI": neo4j_session_backend.uri})
    assert result.exit_code == 0, result.output
    assert "backend:   neo4j (chosen by NEO4J_URI)" in result.output
    assert "Neo4j Kernel 5.26" in result.output or "neo4j 5.26" in result.output.lower()


def test_doctor_says_what_to_do_when_neo4j_is_down(tmp_path):
    result = CliRunner().invoke(main, ["doctor"], env={"NEO4J_URI": "bolt://127.0.0.1:1"})
    assert result.exit_code == 1
    assert "reachable: NO" in result.output and "scripts/neo4j-local start" in result.output


def test_settings_hide_secrets_and_show_every_other_value(tmp_path):
    from click.testing import CliRunner

    from screengraph.cli import main

    result = CliRunner().invoke(
        main,
        ["settings"],
        env={
            "SCREENGRAPH_INGEST_TOKEN": "hunter2-token",
            "NEO4J_PASSWORD": "hunter2-password",
            "SCREENGRAPH_INGEST_TOKEN_TRIES": "7",
            "SCREENGRAPH_DATA_DIR": str(tmp_path),
        },
    )
    assert result.exit_code == 0
    assert "hunter2" not in result.output
    lines = {line.split()[0]: line for line in result.output.splitlines() if line.strip()}
    assert "(set)" in lines["SCREENGRAPH_INGEST_TOKEN"] and "(set)" in lines["NEO4J_PASSWORD"]
    assert lines["SCREENGRAPH_INGEST_TOKEN_TRIES"].split()[1] == "7"
