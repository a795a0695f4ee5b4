"""The web app on a real backend (both, through the `backend` fixture), seeded."""

from __future__ import annotations

import re

import pytest

from screengraph.graph.settings import load_settings
from screengraph.webapp import create_app
from tests.queries.conftest import load_records, load_seed

INGEST_TOKEN = "test-ingest-token-of-32-characters"  # the shortest the app takes is 32

HOSTILE = {
    "title": "<script>alert('title')</script> Night",
    "year": 2020,
    "synopsis": "<img src=x onerror=alert('synopsis')>",
    "cast": ["<b onmouseover=alert('name')>Bold</b> Person", "Eric Rochant"],
    "companies": ["Federation Entertainment"],
}


def make_app(backend, **settings_overrides):
    settings = load_settings(
        env={}, ingest_token=INGEST_TOKEN, secret_key="test-secret", **settings_overrides
    )
    return create_app({"TESTING": True}, settings=settings, backend=backend)


@pytest.fixture
def app(backend):
    load_seed(backend)
    load_records(backend, "hostile.jsonl", [HOSTILE])
    return make_app(backend)


@pytest.fixture
def client(app):
    return app.test_client()


def csrf_from(html: str) -> str:
    return re.search(r'name="csrf_token" value="([^"]+)"', html).group(1)
