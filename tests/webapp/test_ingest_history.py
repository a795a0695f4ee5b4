"""A load confirmed on the web is in the load history, under the name given to the token."""

from __future__ import annotations

from screengraph.loaders.history import find_load, list_loads
from tests.webapp.conftest import make_app
from tests.webapp.test_ingest import ALPHA, Visitor


def test_a_load_confirmed_on_the_web_is_recorded_under_the_token_name(backend):
    app = make_app(backend, ingest_token_name="catalogue desk")
    visitor = Visitor(app)
    preview = visitor.preview_id(ALPHA)
    assert list_loads(backend).rows == []  # a preview is a dry run: no load recorded
    assert visitor.confirm(preview).status_code == 200
    [row] = list_loads(backend).rows
    record = find_load(backend, row[0])
    assert (record["via"], record["by"], record["status"], record["loaded"]) == (
        "web",
        "catalogue desk",
        "finished",
        1,
    )
    assert [item["name"] for item in record["inputs"]] == ["pasted listing"]
