"""Canned queries take entities by name as the CLI does: a title or name, Label:key, an
identifier or a key; an ambiguous or unknown name offers the entities it may mean. A
question whose parameters all have defaults runs when it is opened; entities in the
results make a graph."""

from __future__ import annotations

from tests.queries.conftest import load_records

TWO_KING_KONGS = [
    {"title": "King Kong", "year": 1933, "directors": ["Merian C. Cooper"]},
    {"title": "King Kong", "year": 2005, "directors": ["Peter Jackson"]},
]


def test_an_entity_parameter_takes_a_name(client):
    by_name = client.get("/queries/related.json?key=The%20Bureau&limit=3").get_json()
    by_key = client.get("/queries/related.json?key=the-bureau&limit=3").get_json()
    assert by_name["results"]["rows"] == by_key["results"]["rows"] != []


def test_a_cypher_question_takes_names_for_both_shows(client):
    answer = client.get(
        "/queries/people_in_both.json?first=The%20Bureau&second=Show:the-bureau"
    ).get_json()
    assert "Eric Rochant" in [row[1] for row in answer["results"]["rows"]]


def test_an_unknown_name_suggests_and_each_suggestion_reruns_the_query(client):
    answer = client.get("/queries/related.json?key=Bureau&limit=3")
    error = answer.get_json()["error"]
    assert answer.status_code == 404 and error["parameter"] == "key"
    rerun = next(c["rerun"] for c in error["candidates"] if c["key"] == "the-bureau")
    assert rerun.startswith("/queries/related?") and "limit=3" in rerun
    page = client.get(rerun)
    assert page.status_code == 200 and "Dream the Future" in page.get_data(as_text=True)


def test_an_ambiguous_name_keeps_the_form_and_lists_the_candidates(client, backend):
    load_records(backend, "kong.jsonl", TWO_KING_KONGS)
    page = client.get("/queries/related?key=King+Kong")
    html = page.get_data(as_text=True)
    assert page.status_code == 400
    assert (
        "Which one?" in html
        and html.count("King Kong</a> (19") + html.count("King Kong</a> (20") == 2
    )
    assert 'value="King Kong"' in html  # the form keeps what was typed


def test_a_question_with_defaults_runs_when_opened(client):
    answer = client.get("/queries/top_people.json").get_json()
    assert 0 < len(answer["results"]["rows"]) <= 10  # the default limit
    html = client.get("/queries/top_people").get_data(as_text=True)
    assert 'class="canned-outcome"' in html


def test_entities_nested_in_rows_make_a_graph(client):
    graph = client.get("/queries/collaborators_ranked.json?key=Eric%20Rochant").get_json()[
        "results"
    ]["graph"]
    ids = {node["id"] for node in graph["nodes"]}
    assert "the-bureau@Show" in ids and "lea-drucker@Person" in ids
    assert {
        "source": "lea-drucker@Person",
        "target": "the-bureau@Show",
        "type": "shows",
        "role": None,
    } in graph["edges"]


def test_a_canned_query_link_may_name_the_view_its_results_open_in(client):
    assert client.get("/queries/top_people?view=Graph").status_code == 200
    wrong = client.get("/queries/top_people.json?view=Chart")
    assert (
        wrong.status_code == 400 and "'view' must be one of" in wrong.get_json()["error"]["message"]
    )
