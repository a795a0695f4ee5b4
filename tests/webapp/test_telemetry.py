"""What an operator sees, on real backends: a log line per request, load and slow query
(text or JSON), and /metrics in Prometheus' text format."""

from __future__ import annotations

import json
import logging

import pytest
from prometheus_client.parser import text_string_to_metric_families

from screengraph.graph import oplog
from screengraph.graph.observe import forget, on_database_call
from screengraph.graph.settings import load_settings
from screengraph.loaders.history import VIA_WEB, LoadOrigin
from screengraph.loaders.pipeline import Loader
from screengraph.loaders.sources import SourceText
from screengraph.queries.catalogue import catalogue
from tests.webapp.conftest import make_app


@pytest.fixture
def log_lines(capsys):
    """Configure the operational log as `serve` does (JSON), and read back its lines."""

    def configure(**env):
        settings = load_settings(env={"SCREENGRAPH_LOG_FORMAT": "json", **env})
        oplog.configure(settings, serving=True)

    def lines() -> list[dict]:
        return [
            json.loads(line)
            for line in capsys.readouterr().err.splitlines()
            if line.startswith("{")
        ]

    configure.lines = lines
    yield configure
    oplog.uninstall()
    logging.getLogger(oplog.ROOT).handlers.clear()


def samples(client) -> dict[tuple[str, tuple], float]:
    """/metrics parsed by Prometheus' own client parser: (name, labels) -> value."""
    response = client.get("/metrics")
    assert response.status_code == 200
    assert response.mimetype == "text/plain"
    return {
        (sample.name, tuple(sorted(sample.labels.items()))): sample.value
        for family in text_string_to_metric_families(response.get_data(as_text=True))
        for sample in family.samples
    }


def value(found: dict, name: str, **labels) -> float:
    return found.get((name, tuple(sorted(labels.items()))), 0.0)


def test_each_request_is_one_json_line_with_route_status_time_and_request_id(app, log_lines):
    log_lines()
    client = app.test_client()
    client.get("/person/eric-rochant")
    client.get("/person/no-such-person-anywhere")
    client.get("/no/such/page")
    requests = [line for line in log_lines.lines() if line["logger"] == "screengraph.request"]
    assert [(line["route"], line["status"]) for line in requests] == [
        ("/person/<path:key>", 200),
        ("/person/<path:key>", 404),
        ("unmatched", 404),
    ]
    first = requests[0]
    assert first["path"] == "/person/eric-rochant" and first["method"] == "GET"
    assert first["ms"] >= first["db_ms"] > 0
    # The person page's round trips (tests/webapp/test_round_trips.py), the page cache's
    # read of the store's generation being no database call.
    assert 1 <= first["db_calls"] <= 3
    assert len({line["request_id"] for line in requests}) == 3


def test_the_request_id_is_answered_and_a_clients_own_sane_id_kept(app):
    client = app.test_client()
    assert (
        client.get("/healthz", headers={"X-Request-Id": "abc-123"}).headers["X-Request-Id"]
        == "abc-123"
    )
    for bad in ("<script>alert(1)</script>", "x" * 65, "two words"):
        made = client.get("/healthz", headers={"X-Request-Id": bad}).headers["X-Request-Id"]
        assert made != bad and len(made) == 16


def test_text_lines_carry_the_same_fields(app, capsys):
    oplog.configure(load_settings(env={}), serving=True)
    try:
        app.test_client().get("/person/eric-rochant")
    finally:
        oplog.uninstall()
        logging.getLogger(oplog.ROOT).handlers.clear()
    line = [text for text in capsys.readouterr().err.splitlines() if " request " in text][0]
    assert "route=/person/<path:key>" in line and "status=200" in line and "request_id=" in line


def test_metrics_count_requests_by_route_template_and_status(app):
    client = app.test_client()
    before = samples(client)
    for key in ("eric-rochant", "mathieu-kassovitz"):
        client.get(f"/person/{key}")
    client.get("/person/no-such-person-anywhere")
    after = samples(client)
    route = "/person/<path:key>"
    assert (
        value(after, "screengraph_http_requests_total", route=route, method="GET", status="200")
        - value(before, "screengraph_http_requests_total", route=route, method="GET", status="200")
        == 2
    )
    assert (
        value(after, "screengraph_http_requests_total", route=route, method="GET", status="404")
        - value(before, "screengraph_http_requests_total", route=route, method="GET", status="404")
        == 1
    )
    assert (
        value(after, "screengraph_http_request_duration_seconds_count", route=route)
        - value(before, "screengraph_http_request_duration_seconds_count", route=route)
        == 3
    )
    # Every page read the database: its calls are timed.
    assert value(after, "screengraph_db_call_duration_seconds_count", kind="read") > value(
        before, "screengraph_db_call_duration_seconds_count", kind="read"
    )
    # No label holds a path asked for: the key never appears.
    assert "eric-rochant" not in client.get("/metrics").get_data(as_text=True)


def test_metrics_can_be_switched_off(backend):
    assert make_app(backend, metrics="off").test_client().get("/metrics").status_code == 404


def test_a_load_is_one_line_and_counted(app, backend, log_lines):
    log_lines()
    client = app.test_client()
    before = samples(client)
    text = (
        '{"title": "Telemetry Show", "year": 2020, "cast": ["Tele Metry"]}\n'
        '{"year": 2020, "cast": ["No Title"]}'
    )
    Loader(backend, origin=LoadOrigin(VIA_WEB)).load([SourceText("telemetry.jsonl", text)])
    after = samples(client)
    loads = [line for line in log_lines.lines() if line["logger"] == "screengraph.load"]
    assert len(loads) == 1
    assert loads[0]["origin"] == "web" and loads[0]["outcome"] == "loaded"
    assert (loads[0]["loaded"], loads[0]["rejected"], loads[0]["credits"]) == (1, 1, 1)
    assert (
        value(after, "screengraph_loads_total", origin="web", outcome="loaded")
        - value(before, "screengraph_loads_total", origin="web", outcome="loaded")
        == 1
    )
    assert (
        value(after, "screengraph_load_listings_total", status="rejected")
        - value(before, "screengraph_load_listings_total", status="rejected")
        == 1
    )


def test_a_failed_load_is_logged_as_failed(backend, log_lines, tmp_path):
    log_lines()

    def broken_source():
        yield SourceText("fine.jsonl", '{"title": "Fine Show", "year": 2020}')
        raise OSError("the disk went away")

    with pytest.raises(OSError):
        Loader(backend).load(broken_source())
    loads = [line for line in log_lines.lines() if line["logger"] == "screengraph.load"]
    assert [(line["outcome"], line["level"]) for line in loads] == [("failed", "warning")]


def test_slow_database_calls_are_logged_with_who_asked(backend, log_lines):
    log_lines(SCREENGRAPH_SLOW_QUERY_MS="1")
    backend.run_read("UNWIND range(1, 300000) AS x RETURN count(x)", max_rows=0)
    slow = [line for line in log_lines.lines() if line["logger"] == "screengraph.slow_query"]
    assert [(line["query"], line["kind"], line["backend"]) for line in slow] == [
        (f"{__name__}.test_slow_database_calls_are_logged_with_who_asked", "read", backend.name)
    ]
    assert slow[0]["ms"] >= 1 and slow[0]["failed"] is False


def test_canned_queries_are_named_by_their_name_and_calls_counted_once(backend):
    calls = []
    on_database_call(calls.append)
    try:
        catalogue().run(backend, "counts_by_label")
        backend.run_adhoc("RETURN 1 AS one")
    finally:
        forget(calls.append)
    assert [(call.name, call.kind) for call in calls] == [
        ("counts_by_label", "read"),
        (f"{__name__}.test_canned_queries_are_named_by_their_name_and_calls_counted_once", "adhoc"),
    ]


def test_fast_calls_are_not_logged_as_slow(backend, log_lines):
    log_lines(SCREENGRAPH_SLOW_QUERY_MS="600000")
    backend.run_read("UNWIND range(1, 300000) AS x RETURN count(x)", max_rows=0)
    assert not [line for line in log_lines.lines() if line["logger"] == "screengraph.slow_query"]
