"""Shared fixtures: a real embedded FalkorDB and a real Neo4j, never a mock.

The `backend` fixture runs a test once per backend. The Neo4j half needs a
server: `make test` starts one with scripts/neo4j-local and exports NEO4J_URI.
Without it the Neo4j cases are skipped with the reason printed, except under
CI=true, where a missing Neo4j fails the run.
"""

from __future__ import annotations

import os
import tomllib
import uuid
from pathlib import Path

import pytest

from screengraph.graph.falkor_backend import FalkorBackend
from screengraph.graph.neo4j_backend import Neo4jBackend

# Commands the tests run stop their embedded server when they end (a keeper left for
# minutes after each test is no use); tests/graph/test_embedded_keeper.py sets idle times.
os.environ.setdefault("SCREENGRAPH_EMBEDDED_IDLE_S", "0")

BACKENDS = ("embedded", "neo4j")
_NEO4J_MISSING = (
    "Neo4j is not configured: set NEO4J_URI (run 'make test', which starts "
    'scripts/neo4j-local, or eval "$(scripts/neo4j-local env)")'
)


def _in_ci() -> bool:
    return os.environ.get("CI", "").lower() in ("1", "true", "yes")


@pytest.fixture(scope="session")
def embedded_dir(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("embedded-store")


@pytest.fixture(scope="session")
def embedded_owner(embedded_dir):
    """The session's embedded server; tests attach to it with throwaway graphs."""
    owner = FalkorBackend(embedded_dir, "session-owner")
    owner.info()
    yield owner
    owner.close()


@pytest.fixture(scope="session")
def neo4j_session_backend():
    uri = os.environ.get("NEO4J_URI")
    if not uri:
        if _in_ci():
            pytest.fail(f"CI=true but {_NEO4J_MISSING}")
        pytest.skip(_NEO4J_MISSING)
    backend = Neo4jBackend(
        uri,
        os.environ.get("NEO4J_USERNAME", "neo4j"),
        os.environ.get("NEO4J_PASSWORD"),
        os.environ.get("NEO4J_DATABASE", "neo4j"),
    )
    info = backend.info()
    if not info.reachable:
        message = f"Neo4j at {uri} is not reachable: {dict(info.details)}"
        if _in_ci():
            pytest.fail(message)
        pytest.skip(message)
    backend.ensure_schema()
    yield backend
    backend.close()


def open_backend(name: str, request) -> object:
    if name == "embedded":
        embedded_dir = request.getfixturevalue("embedded_dir")
        request.getfixturevalue("embedded_owner")
        backend = FalkorBackend(embedded_dir, f"t-{uuid.uuid4().hex[:12]}")
        backend.ensure_schema()
        request.addfinalizer(lambda: (backend.drop_graph(), backend.close()))
        return backend
    backend = request.getfixturevalue("neo4j_session_backend")
    backend.clear()
    return backend


@pytest.fixture(params=BACKENDS)
def backend(request):
    """A real, empty backend with the schema in place: once embedded, once Neo4j."""
    return open_backend(request.param, request)


@pytest.fixture
def embedded(request):
    return open_backend("embedded", request)


@pytest.fixture
def neo4j(request):
    return open_backend("neo4j", request)


@pytest.fixture
def both_backends(request):
    """Both backends at once, for tests that compare their answers."""
    return {name: open_backend(name, request) for name in BACKENDS}


REPO = Path(__file__).resolve().parent.parent


def shipped_packages() -> list[str]:
    """The top-level packages the wheel ships, as pyproject.toml's find rule names them."""
    config = tomllib.loads((REPO / "pyproject.toml").read_text())
    return [
        name.rstrip("*") for name in config["tool"]["setuptools"]["packages"]["find"]["include"]
    ]


SAMPLE_PAGE = REPO / "samples" / "the-bureau.txt"
