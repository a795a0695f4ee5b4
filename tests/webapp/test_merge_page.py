"""Merging a likely duplicate on the web: a preview, then the merge on confirmation, behind
the ingest token and CSRF; the decision is listed on /decisions, shown on the survivor's
page, and can be split again there."""

from __future__ import annotations

import pytest

from screengraph.graph.checksum import LOAD_TIMES, graph_checksum
from screengraph.loaders.decisions import list_decisions
from screengraph.loaders.merge import merge_entities
from tests.queries.conftest import load_records
from tests.webapp.conftest import INGEST_TOKEN, make_app
from tests.webapp.holders import search_duplicates, token_holder
from tests.webapp.test_duplicates_page import CREW
from tests.webapp.test_ingest import Visitor, error_code

PAIR = {"label": "Person", "survivor": "mathieu-kassovitz", "merged": "matthieu-kassovitz"}


def test_a_token_holder_previews_merges_and_splits_a_pair(backend):
    load_records(backend, "crew.jsonl", CREW)
    before = graph_checksum(backend, LOAD_TIMES)
    visitor = Visitor(make_app(backend))
    refused = visitor.post("/duplicates/merge.json", **PAIR)
    assert refused.status_code == 403 and error_code(refused) == "token_needed"
    visitor.post("/duplicates", token=INGEST_TOKEN)
    search_duplicates(visitor)
    page = visitor.get("/duplicates").get_data(as_text=True)
    assert 'name="merged" value="matthieu-kassovitz"' in page and "Merge…" in page

    preview = visitor.post("/duplicates/merge.json", **PAIR).get_json()
    assert preview["done"] is False and preview["preview"]["credits_moved"] == 1
    assert graph_checksum(backend, LOAD_TIMES) == before  # a preview writes nothing
    html = visitor.post("/duplicates/merge", **PAIR).get_data(as_text=True)
    assert "Merge Matthieu Kassovitz into Mathieu Kassovitz?" in html

    done = visitor.post("/duplicates/merge.json", **PAIR, confirm="yes", why="typo").get_json()
    assert done["done"] is True and (done["decision"]["by"], done["decision"]["via"]) == (
        "ingest token",
        "web",
    )
    person = visitor.get("/person/mathieu-kassovitz.json").get_json()
    assert [d["merged"] for d in person["detail"]["decisions"]] == ["matthieu-kassovitz"]
    assert "by" not in person["detail"]["decisions"][0]  # who merged is for token holders
    # Old links lead to the survivor, the page and its JSON twin alike.
    old = visitor.get("/person/matthieu-kassovitz")
    assert old.status_code == 302 and old.location.endswith("/person/mathieu-kassovitz")
    twin = visitor.get("/person/matthieu-kassovitz.json")
    assert twin.status_code == 302 and twin.location.endswith("/person/mathieu-kassovitz.json")
    listed = visitor.get("/decisions.json").get_json()["decisions"]
    assert [(d["id"], d["status"], d["why"]) for d in listed] == [
        (done["decision"]["id"], "merged", "typo")
    ]
    again = visitor.post("/duplicates/merge.json", **PAIR, confirm="yes")
    assert (
        again.status_code == 409 and "no person has the key" in again.get_json()["error"]["message"]
    )

    preview = visitor.post("/decisions/split.json", decision=done["decision"]["id"][:15])
    shown = preview.get_json()["split_preview"]
    assert (shown["merged"]["key"], shown["credits_back"]) == ("matthieu-kassovitz", 1)
    assert visitor.get("/person/matthieu-kassovitz").status_code == 302  # nothing split yet
    page = visitor.post("/decisions/split", decision=done["decision"]["id"]).get_data(as_text=True)
    assert "Split Matthieu Kassovitz from Mathieu Kassovitz?" in page
    split = visitor.post("/decisions/split.json", decision=done["decision"]["id"], confirm="yes")
    assert split.status_code == 200 and "are two again" in split.get_json()["notice"]
    assert graph_checksum(backend, LOAD_TIMES) == before


def test_merges_are_refused_without_csrf_or_for_unknown_keys(backend):
    load_records(backend, "crew.jsonl", CREW)
    visitor = Visitor(make_app(backend))
    visitor.post("/duplicates", token=INGEST_TOKEN)
    forged = visitor.client.post("/duplicates/merge.json", data={**PAIR, "confirm": "yes"})
    assert forged.status_code in (400, 403)
    shows = visitor.post("/duplicates/merge.json", **{**PAIR, "label": "Show"})
    assert (
        shows.status_code == 409
        and "no show has the key 'mathieu-kassovitz'" in (shows.get_json()["error"]["message"])
    )
    missing = visitor.post("/duplicates/merge.json", label="Person", survivor="mathieu-kassovitz")
    assert missing.status_code == 400 and error_code(missing) == "missing_merged"
    assert visitor.get("/person/matthieu-kassovitz").status_code == 200


def test_a_show_the_finder_proposes_is_merged_from_the_web_and_split_back(backend):
    from tests.loaders.test_merge import WIRE, WIRE_ELSEWHERE, WIRE_EPISODE

    load_records(backend, "guide.jsonl", [WIRE, WIRE_ELSEWHERE, WIRE_EPISODE])
    before = graph_checksum(backend, LOAD_TIMES)
    visitor = token_holder(backend, "/duplicates.json")
    pairs = search_duplicates(visitor, "Show")["last"]["report"]["pairs"]
    assert [(p["a"]["key"], p["b"]["key"]) for p in pairs] == [("the-wire--2002", "wire-the--2002")]
    assert 'name="merged" value="wire-the--2002"' in visitor.get("/duplicates?label=Show").get_data(
        as_text=True
    )
    pair = {"label": "Show", "survivor": "the-wire--2002", "merged": "wire-the--2002"}
    preview = visitor.post("/duplicates/merge", **pair).get_data(as_text=True)
    assert "Merge Wire, The into The Wire?" in preview and "on 5 neighbours" in preview
    done = visitor.post("/duplicates/merge.json", **pair, confirm="yes").get_json()
    assert done["done"] is True
    old = visitor.get("/show/wire-the--2002")
    assert old.status_code == 302 and old.location.endswith("/show/the-wire--2002")
    survivor = visitor.get("/show/the-wire--2002.json").get_json()["detail"]
    assert [d["merged"] for d in survivor["decisions"]] == ["wire-the--2002"]
    split = visitor.post("/decisions/split.json", decision=done["decision"]["id"], confirm="yes")
    assert split.status_code == 200
    assert graph_checksum(backend, LOAD_TIMES) == before


class Killed(BaseException):
    """Stands for a kill between two of a merge's statements: nothing catches it, so the
    decision stays `merging`, as after kill -9 (tests/loaders/test_merge_faults.py)."""


def _killed_midway(backend) -> str:
    def die(number: int) -> None:
        if number == 3:
            raise Killed

    with pytest.raises(Killed):
        merge_entities(backend, "Person", "mathieu-kassovitz", "matthieu-kassovitz", on_step=die)
    return list_decisions(backend).rows[0][0]


def test_a_merge_stopped_midway_is_shown_refuses_new_merges_and_is_finished_from_the_web(backend):
    load_records(backend, "crew.jsonl", CREW)
    stopped = _killed_midway(backend)
    half_done = graph_checksum(backend, LOAD_TIMES)
    visitor = Visitor(make_app(backend))
    visitor.post("/duplicates", token=INGEST_TOKEN)

    # The pages say what is pending and offer to finish it.
    for path in ("/duplicates", "/decisions"):
        html = visitor.get(path).get_data(as_text=True)
        assert "A merge was stopped midway" in html and stopped in html
        assert 'action="/decisions/finish"' in html and "Finish the merge" in html
    pending = visitor.get("/decisions.json").get_json()["pending_decision"]
    assert (pending["id"], pending["status"], pending["merged"]) == (
        stopped,
        "merging",
        "matthieu-kassovitz",
    )

    # A new merge (its preview too) is refused meanwhile, saying why; nothing is written.
    other = {"label": "Company", "survivor": "universal", "merged": "universal-pictures"}
    for fields in (other, {**other, "confirm": "yes"}, PAIR):
        refused = visitor.post("/duplicates/merge.json", **fields)
        assert refused.status_code == 409 and error_code(refused) == "decision_unfinished"
        message = refused.get_json()["error"]["message"]
        assert f"decision {stopped} (matthieu-kassovitz into mathieu-kassovitz)" in message
        assert "stopped midway while merging" in message and message.endswith("then merge")
    page = visitor.post("/duplicates/merge", **other)
    assert page.status_code == 409
    html = page.get_data(as_text=True)
    assert "stopped midway while merging" in html and "Finish the merge" in html
    assert graph_checksum(backend, LOAD_TIMES) == half_done

    # Finishing needs the CSRF token, then completes the merge as it was going.
    forged = visitor.client.post("/decisions/finish.json")
    assert forged.status_code in (400, 403)
    done = visitor.post("/decisions/finish.json").get_json()
    assert done["finished"] == [stopped] and done["pending_decision"] is None
    assert "are now merged" in done["notice"]
    listed = visitor.get("/decisions.json").get_json()["decisions"]
    assert [(d["id"], d["status"]) for d in listed] == [(stopped, "merged")]
    assert visitor.get("/person/matthieu-kassovitz").status_code == 302
    assert "A merge was stopped midway" not in visitor.get("/duplicates").get_data(as_text=True)
    # Finished, it is the merge an uninterrupted one makes: it splits back as usual.
    split = visitor.post("/decisions/split.json", decision=stopped, confirm="yes")
    assert split.status_code == 200, split.get_data(as_text=True)


def test_finishing_without_the_token_is_refused_and_with_nothing_pending_says_so(backend):
    load_records(backend, "crew.jsonl", CREW)
    stranger = Visitor(make_app(backend))
    refused = stranger.post("/decisions/finish.json")
    assert refused.status_code == 403 and error_code(refused) == "token_needed"
    holder = token_holder(backend, "/decisions")
    done = holder.post("/decisions/finish.json").get_json()
    assert done["finished"] == [] and "nothing to finish" in done["notice"]


def test_the_kept_search_says_which_pairs_were_merged_since_and_offers_no_merge_of_them(backend):
    load_records(backend, "crew.jsonl", CREW)
    visitor = token_holder(backend, "/duplicates.json")
    found = search_duplicates(visitor)["last"]["report"]["pairs"]
    assert [pair["gone"] for pair in found] == [[]]
    merged = visitor.post("/duplicates/merge.json", **PAIR, confirm="yes")
    assert merged.status_code == 200, merged.get_data(as_text=True)

    kept = visitor.get("/duplicates.json").get_json()["last"]
    assert kept["store_changed"] is True
    assert [pair["gone"] for pair in kept["report"]["pairs"]] == [["matthieu-kassovitz"]]
    page = visitor.get("/duplicates").get_data(as_text=True)
    assert "matthieu-kassovitz: no longer in the graph (merged or undone since)" in page
    assert 'class="merge-pair"' not in page


def test_while_a_merge_waits_to_be_finished_an_ingest_preview_offers_no_confirm(backend):
    """Loads refuse while a merge stopped midway waits: the preview says so up front and
    offers to finish it, instead of a Confirm the load would then refuse."""
    load_records(backend, "crew.jsonl", CREW)
    stopped = _killed_midway(backend)
    visitor = Visitor(make_app(backend))
    listing = '{"title": "Waiting Show", "year": 2024, "cast": ["Ann Lee"]}'
    page = visitor.post("/ingest", token=INGEST_TOKEN, text=listing, action="preview")
    html = page.get_data(as_text=True)
    assert "A merge was stopped midway" in html and stopped in html and "Finish the merge" in html
    assert "Confirm and load" not in html
    twin = visitor.post("/ingest.json", token=INGEST_TOKEN, text=listing, action="preview")
    assert twin.get_json()["pending_decision"]["id"] == stopped
    preview = twin.get_json()["preview"]
    assert (preview["can_confirm"], preview["id"]) == (False, None)
