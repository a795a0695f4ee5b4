"""Loaded graphs shared by the query tests: the seed page, and hand-built fixtures."""

from __future__ import annotations

import json

import pytest

from screengraph.loaders.identity import named_identity
from screengraph.loaders.pipeline import Loader
from screengraph.loaders.sources import SourceText
from tests.conftest import SAMPLE_PAGE


def load_seed(backend) -> None:
    Loader(backend).load(
        [
            SourceText(
                "the-bureau.txt",
                SAMPLE_PAGE.read_text(encoding="utf-8"),
                identity=named_identity("the-bureau.txt"),
            )
        ]
    )


def load_records(backend, name: str, records: list[dict]) -> None:
    summary = Loader(backend).load(
        [SourceText(name, "\n".join(json.dumps(r) for r in records), identity=named_identity(name))]
    )
    assert summary.rejected == 0, summary.rejects


@pytest.fixture
def seeded(backend):
    load_seed(backend)
    return backend
