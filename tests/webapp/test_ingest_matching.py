"""The web preview shows what each name would join, near-misses and suspicious values; a
confirmation is refused when what it showed for a name, or its warnings, no longer hold."""

from __future__ import annotations

import json

from tests.queries.conftest import load_seed
from tests.webapp.conftest import make_app
from tests.webapp.test_ingest import Visitor, error_code

LA_HAINE = json.dumps(
    {
        "title": "La Haine",
        "year": 1995,
        "directors": ["Matthieu Kassovitz"],
        "cast": ["Léa Drucker", "Vincent Cassel"],
    },
    ensure_ascii=False,
)


def test_the_preview_lists_names_with_their_match_and_near_misses(backend):
    load_seed(backend)
    visitor = Visitor(make_app(backend))
    preview = visitor.preview(LA_HAINE).get_json()["preview"]
    names = {item["name"]: item for item in preview["names"]}
    assert (
        names["Léa Drucker"]["outcome"],
        names["Léa Drucker"]["rule"],
        names["Léa Drucker"]["url"],
    ) == ("joins", "exact key", "/person/lea-drucker")
    miss = names["Matthieu Kassovitz"]["near_misses"][0]
    assert (miss["key"], miss["url"]) == ("mathieu-kassovitz", "/person/mathieu-kassovitz")
    assert any("'Matthieu Kassovitz' would be new" in w for w in preview["warnings"])
    page = visitor.preview(LA_HAINE, path="/ingest").get_data(as_text=True)
    assert 'class="near-miss"' in page and "near-miss: " in page
    assert '<a href="/person/mathieu-kassovitz">Mathieu Kassovitz</a>' in page


def test_a_name_that_would_now_join_another_node_refuses_the_confirmation(backend):
    visitor = Visitor(make_app(backend))
    preview_id = visitor.preview_id(LA_HAINE)
    load_seed(backend)  # Léa Drucker now exists: the preview said she would be new
    refused = visitor.confirm(preview_id)
    assert refused.status_code == 409 and error_code(refused) == "preview_outdated"
    message = refused.get_json()["error"]["message"]
    assert (
        "Person 'Léa Drucker' was previewed as new and would now be joining lea-drucker" in message
    )


def test_a_near_miss_that_appeared_refuses_the_confirmation(backend):
    visitor = Visitor(make_app(backend))
    text = json.dumps({"title": "La Haine", "year": 1995, "cast": ["Matthieu Kassovitz"]})
    preview_id = visitor.preview_id(text)
    load_seed(backend)  # now "Mathieu Kassovitz" exists beside the new "Matthieu Kassovitz"
    refused = visitor.confirm(preview_id)
    assert refused.status_code == 409
    assert "the warnings changed" in refused.get_json()["error"]["message"]
    assert "Mathieu Kassovitz" in refused.get_json()["error"]["message"]
