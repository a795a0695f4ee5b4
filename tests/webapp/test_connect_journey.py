"""Connect as a researcher uses it: the path read as a sentence, a form that keeps what was
typed, candidates for an ambiguous name, a longer search offered, and "connect from here".
Both backends."""

from __future__ import annotations

import html as html_module
import re

from screengraph.queries.catalogue import ANY_ENTITY, catalogue
from screengraph.webapp.path_sentences import path_sentence, plain_text, step_sentences
from tests.queries.conftest import load_records


def text_of(response) -> str:
    return html_module.unescape(re.sub(r"<[^>]+>", "", response.get_data(as_text=True)))


def test_each_step_reads_in_the_direction_of_its_edge(client):
    # Eric Rochant directed, produced and wrote The Bureau: between two entities a step
    # takes the first relationship by type, on both engines.
    data = client.get("/connect.json?from=lea+drucker&to=eric+rochant").get_json()
    assert (
        plain_text(path_sentence(data["path"]))
        == "Léa Drucker acted in The Bureau, directed by Eric Rochant"
    )
    first, second = (plain_text(s) for s in step_sentences(data["path"]))
    assert first == "Léa Drucker acted in The Bureau"
    assert second == "The Bureau was directed by Eric Rochant"
    page = text_of(client.get("/connect?from=eric+rochant&to=lea+drucker"))
    assert "Eric Rochant directed The Bureau, starring Léa Drucker." in page


def test_equally_short_connections_come_in_one_order_the_first_on_top(client, backend):
    """Two shows join Léa Drucker to Eric Rochant: the paths are ordered by their entities'
    label and key on both engines (whichever was loaded first), each listed as a sentence."""
    load_records(
        backend,
        "another.jsonl",
        [
            {
                "title": "Another Bureau",
                "year": 2020,
                "cast": ["Léa Drucker"],
                "directors": ["Eric Rochant"],
            }
        ],
    )
    data = client.get("/connect.json?from=lea+drucker&to=eric+rochant").get_json()
    sentences = [plain_text(path_sentence(path)) for path in data["paths"]]
    assert sentences == [
        "Léa Drucker acted in Another Bureau, directed by Eric Rochant",
        "Léa Drucker acted in The Bureau, directed by Eric Rochant",
    ]
    assert data["path"] == data["paths"][0]
    page = text_of(client.get("/connect?from=lea+drucker&to=eric+rochant"))
    assert "Léa Drucker acted in Another Bureau, directed by Eric Rochant." in page
    assert "Also 2 hops" in page and sentences[1] + "." in page
    one = client.get("/connect.json?from=lea+drucker&to=eric+rochant&paths=1").get_json()
    assert one["paths"] == data["paths"][:1]


def test_the_form_keeps_what_was_typed_when_a_name_is_unknown(client):
    answer = client.get("/connect?from=lea+drucker&to=nobody+at+all&max_hops=4")
    assert answer.status_code == 404
    page = answer.get_data(as_text=True)
    assert 'name="from" value="lea drucker"' in page and 'name="to" value="nobody at all"' in page
    assert '<option value="4" selected>' in page
    assert 'class="error-box"' in page and "To:" in page
    assert client.get("/connect.json?from=lea+drucker&to=nobody+at+all").status_code == 404


def test_an_ambiguous_name_offers_candidates_that_rerun_the_path(client, backend):
    load_records(
        backend,
        "smiths.jsonl",
        [
            {
                "title": "Smith Story",
                "year": 2001,
                "credits": [
                    {
                        "name": "Jo Smith",
                        "ids": ["imdb:nm0000011"],
                        "birth_year": 1950,
                        "category": "actor",
                    }
                ],
            },
            {
                "title": "Other Smith Story",
                "year": 2002,
                "cast": ["Léa Drucker"],
                "credits": [
                    {
                        "name": "Jo Smith",
                        "ids": ["imdb:nm0000012"],
                        "birth_year": 1970,
                        "category": "actor",
                    }
                ],
            },
        ],
    )
    answer = client.get("/connect?from=Jo+Smith&to=Eric+Rochant")
    assert answer.status_code == 400
    reruns = re.findall(
        r'<a href="(/connect\?[^"]+)">Jo Smith \(b\. (\d+)\)</a>', answer.get_data(as_text=True)
    )
    assert sorted(year for _url, year in reruns) == ["1950", "1970"]
    chosen = dict((year, html_module.unescape(url)) for url, year in reruns)["1970"]
    assert "from_key=Person:jo-smith--nm0000012" in chosen and "to=Eric+Rochant" in chosen
    rerun = client.get(chosen)
    assert rerun.status_code == 200
    assert "Jo Smith (b. 1970) acted in Other Smith Story, starring Léa Drucker" in text_of(rerun)
    error = client.get("/connect.json?from=Jo+Smith&to=Eric+Rochant").get_json()["error"]
    assert {c["key"] for c in error["candidates"]} == {"jo-smith--nm0000011", "jo-smith--nm0000012"}


def test_the_ends_are_the_path_questions_entity_parameters_on_every_surface(client, backend):
    """The connect form and the canned `path` page read their ends through the catalogue's
    entity parameters: an ambiguous name gets the same candidates on both, each choice
    re-running its own page with `Label:key`."""
    source = catalogue().get("path").param("source")
    assert source.entity == ANY_ENTITY and source.to_json()["entity"] == ANY_ENTITY
    load_records(
        backend,
        "kims.jsonl",
        [
            {
                "title": f"Kim Film {n}",
                "year": 2000 + n,
                "cast": ["Kim Lee"] if n else [],
                "credits": [
                    {
                        "name": "Kim Lee",
                        "ids": [f"imdb:nm00000{20 + n}"],
                        "category": "actor",
                        "birth_year": 1960 + n,
                    }
                ],
            }
            for n in range(2)
        ],
    )
    canned = client.get("/queries/path.json?source=Kim+Lee&target=Eric+Rochant")
    assert canned.status_code == 400
    error = canned.get_json()["error"]
    assert error["parameter"] == "source"
    assert {c["key"] for c in error["candidates"]} >= {"kim-lee--nm0000020", "kim-lee--nm0000021"}
    rerun = next(c["rerun"] for c in error["candidates"] if c["key"] == "kim-lee--nm0000020")
    assert "source=Person:kim-lee--nm0000020" in rerun
    chosen = client.get(rerun.replace("/queries/path", "/queries/path.json"))
    assert chosen.status_code == 200, chosen.get_json()
    form = client.get("/connect.json?from=Kim+Lee&to=Eric+Rochant").get_json()["error"]
    assert form["side"] == "from" and form["message"].startswith("From: ")
    assert {c["key"] for c in form["candidates"]} == {c["key"] for c in error["candidates"]}


def test_no_connection_within_the_hops_offers_a_longer_search(client):
    page = client.get("/connect?from=lea+drucker&to=team+dronix&max_hops=1")
    assert "No connection within 1 hops." in text_of(page)
    longer = re.search(r'<a href="([^"]+)">Search up to 10 hops</a>', page.get_data(as_text=True))
    assert longer and "max_hops=10" in longer.group(1)
    assert "3 hops" in text_of(client.get(html_module.unescape(longer.group(1))))


def test_connect_from_here_on_every_entity_page(client):
    for address, name in (
        ("/person/eric-rochant", "Eric Rochant"),
        ("/show/the-bureau", "The Bureau"),
        ("/company/federation-entertainment", "Federation Entertainment"),
    ):
        link = re.search(
            r'<a href="([^"]+)">Connect from here</a>', client.get(address).get_data(as_text=True)
        )
        assert link, address
        form = client.get(html_module.unescape(link.group(1)))
        assert form.status_code == 200
        page = form.get_data(as_text=True)
        assert f'name="from" value="{html_module.escape(name)}"' in page, address
        assert re.search(r'id="to" name="to" value=""[^>]*autofocus', page), address
