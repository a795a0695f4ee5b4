"""`/healthz` on real backends: 200 when the database answers, 503 with the reason when not."""

from __future__ import annotations

from screengraph.graph.falkor_backend import FalkorBackend
from screengraph.graph.neo4j_backend import Neo4jBackend
from tests.webapp.conftest import make_app


def test_health_is_ok_when_the_backend_answers(backend):
    response = make_app(backend).test_client().get("/healthz")
    assert response.status_code == 200
    assert response.get_json()["status"] == "ok"
    assert response.get_json()["backend"] == backend.name
    assert response.headers["Cache-Control"] == "no-store"


def test_health_needs_no_session_cookie_or_csrf_token_and_sets_none(backend):
    client = make_app(backend).test_client(use_cookies=False)
    response = client.get("/healthz", headers={"Host": "127.0.0.1:8000"})
    assert response.status_code == 200
    assert "Set-Cookie" not in response.headers
    assert client.head("/healthz").status_code == 200


def test_health_still_checks_the_host_name(backend):
    response = make_app(backend).test_client().get("/healthz", headers={"Host": "evil.example"})
    assert response.status_code == 400


def test_health_is_503_with_the_reason_when_neo4j_does_not_answer():
    # A real driver pointed at a port where nothing listens.
    silent = Neo4jBackend("bolt://127.0.0.1:1", "neo4j", "password", "neo4j")
    try:
        response = make_app(silent).test_client().get("/healthz")
    finally:
        silent.close()
    assert response.status_code == 503
    body = response.get_json()
    assert body["status"] == "unavailable"
    assert "not reachable" in body["reason"] and "127.0.0.1:1" in body["reason"]


def test_health_is_503_with_the_reason_when_the_embedded_store_cannot_start(tmp_path):
    # A real embedded store whose folder is a file: its server cannot start there.
    not_a_folder = tmp_path / "store"
    not_a_folder.write_text("not a folder")
    broken = FalkorBackend(not_a_folder, "health")
    try:
        response = make_app(broken).test_client().get("/healthz")
    finally:
        broken.close()
    assert response.status_code == 503
    body = response.get_json()
    assert body["status"] == "unavailable"
    assert str(not_a_folder) in body["reason"]
