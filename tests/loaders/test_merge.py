"""Merging duplicates as a maintainer does: the merge moves credits, identifiers and
spellings, lasts through every later load, and a split puts both entities back exactly
(the canonical checksum of before the merge). Real stores, both backends."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from screengraph.cli import main
from screengraph.graph.checksum import LOAD_TIMES, graph_checksum
from screengraph.loaders.decisions import SPLIT, decisions_about, find_decision, list_decisions
from screengraph.loaders.history import LoadOrigin
from screengraph.loaders.merge import MergeRefused, merge_entities, plan_merge, split_decision
from screengraph.loaders.pipeline import Loader
from screengraph.loaders.sources import SourceText
from tests.maintainers import load_named, newest

LA_HAINE = {
    "title": "La Haine",
    "year": 1995,
    "directors": ["Mathieu Kassovitz"],
    "cast": ["Mathieu Kassovitz", "Vincent Cassel"],
    "companies": ["Les Productions Lazennec"],
}
ASSASSINS = {
    "title": "Assassin(s)",
    "year": 1997,
    "directors": ["Matthieu Kassovitz"],
    "cast": ["Vincent Cassel"],
    "companies": ["Lazennec Productions"],
}
# The same show named by a second catalogue, spelling the director the other way: once
# merged, the two credits are one edge asserted by two listings.
LA_HAINE_ELSEWHERE = {
    "title": "La Haine",
    "year": 1995,
    "directors": ["Matthieu Kassovitz"],
    "cast": ["Hubert Koundé"],
}


def _load(backend, name: str, records: list[dict]):
    return load_named(backend, name, *records)


def _checksum(backend):
    return graph_checksum(backend, LOAD_TIMES)


def _credits(backend, key: str) -> list[tuple]:
    rows = backend.run_read(
        "MATCH (p:Person {key: $key})-[r]->(s:Show) "
        "RETURN type(r), s.key, r.asserted_by ORDER BY type(r), s.key",
        {"key": key},
    ).rows
    return [tuple(row) for row in rows]


def _person(backend, key: str) -> dict | None:
    rows = backend.run_read("MATCH (p:Person {key: $key}) RETURN properties(p)", {"key": key}).rows
    return dict(rows[0][0]) if rows else None


def _people_named(backend, folded: str) -> list[str]:
    rows = backend.run_read(
        "MATCH (p:Person) WHERE p.key STARTS WITH $k RETURN p.key ORDER BY p.key", {"k": folded}
    ).rows
    return [row[0] for row in rows]


def _loaded(backend):
    _load(backend, "paris.jsonl", [LA_HAINE])
    _load(backend, "lyon.jsonl", [ASSASSINS, LA_HAINE_ELSEWHERE])


def test_merge_moves_credits_and_spellings_and_split_restores_the_checksum(backend):
    _loaded(backend)
    before = _checksum(backend)
    decision = merge_entities(
        backend,
        "Person",
        "mathieu-kassovitz",
        "matthieu-kassovitz",
        LoadOrigin("cli", "curator"),
        "same director, two spellings",
    )
    assert _person(backend, "matthieu-kassovitz") is None
    assert _credits(backend, "mathieu-kassovitz") == [
        ("ACTED_IN", "la-haine--1995", 1),
        ("DIRECTED", "assassin-s--1997", 1),
        ("DIRECTED", "la-haine--1995", 2),  # one edge, asserted by both catalogues
    ]
    person = _person(backend, "mathieu-kassovitz")
    assert sorted(person["votes"]) == ["Mathieu Kassovitz\t1", "Matthieu Kassovitz\t2"]
    assert person["name"] == "Matthieu Kassovitz"  # the most attested spelling
    assert person["credit_count"] == 3
    assert decision["credits_moved"] == 2 and decision["credits_joined"] == 1
    recorded = find_decision(backend, decision["id"])
    assert (recorded["by"], recorded["why"], recorded["status"]) == (
        "curator",
        "same director, two spellings",
        "merged",
    )
    assert [d["id"] for d in decisions_about(backend, "Person", "mathieu-kassovitz")] == [
        decision["id"]
    ]
    assert _checksum(backend) != before

    split = split_decision(backend, decision["id"][:12], LoadOrigin("cli", "curator"))
    assert split["status"] == SPLIT and split["split_by"] == "curator"
    assert _checksum(backend) == before
    assert list_decisions(backend).rows[0][5] == SPLIT


def test_a_merge_survives_reloading_every_listing_and_the_old_spelling_lands_on_it(backend):
    _loaded(backend)
    merge_entities(backend, "Person", "mathieu-kassovitz", "matthieu-kassovitz")
    merged = _checksum(backend)
    # Every listing again, unchanged: nothing moves.
    _load(backend, "paris.jsonl", [LA_HAINE])
    _load(backend, "lyon.jsonl", [ASSASSINS, LA_HAINE_ELSEWHERE])
    assert _checksum(backend) == merged
    # Every listing changed: each is rewritten, and still names the survivor.
    _load(backend, "paris.jsonl", [{**LA_HAINE, "synopsis": "Vingt-quatre heures."}])
    _load(
        backend,
        "lyon.jsonl",
        [{**ASSASSINS, "synopsis": "Un tueur."}, {**LA_HAINE_ELSEWHERE, "synopsis": "Banlieue."}],
    )
    assert _people_named(backend, "mat") == ["mathieu-kassovitz"]
    assert _credits(backend, "mathieu-kassovitz") == [
        ("ACTED_IN", "la-haine--1995", 1),
        ("DIRECTED", "assassin-s--1997", 1),
        ("DIRECTED", "la-haine--1995", 2),
    ]
    # A new catalogue, name only, with the merged spelling: it lands on the survivor.
    _load(
        backend, "new.jsonl", [{"title": "Métisse", "year": 1993, "cast": ["MATTHIEU KASSOVITZ"]}]
    )
    assert _people_named(backend, "mat") == ["mathieu-kassovitz"]
    assert ("ACTED_IN", "metisse--1993", 1) in _credits(backend, "mathieu-kassovitz")
    assert _person(backend, "mathieu-kassovitz")["credit_count"] == 4
    # A listing dropping a credit takes back what it asserted of the survivor.
    _load(
        backend,
        "lyon.jsonl",
        [
            {**ASSASSINS, "synopsis": "Un tueur."},
            {"title": "La Haine", "year": 1995, "cast": ["Hubert Koundé"], "synopsis": "Banlieue."},
        ],
    )
    assert ("DIRECTED", "la-haine--1995", 1) in _credits(backend, "mathieu-kassovitz")


def test_identifiers_move_with_the_merge_and_find_the_survivor(backend):
    _load(backend, "paris.jsonl", [LA_HAINE])
    _load(
        backend,
        "imdb.jsonl",
        [
            {
                "title": "Amélie",
                "year": 2001,
                "credits": [
                    {"name": "Mathieu Kasovitz", "category": "actor", "ids": ["imdb:nm0440913"]}
                ],
            }
        ],
    )
    before = _checksum(backend)
    preview = plan_merge(
        backend, "Person", "mathieu-kassovitz", "mathieu-kasovitz--nm0440913"
    ).preview()
    assert preview["identifiers_moved"] == ["imdb:nm0440913"]
    decision = merge_entities(backend, "Person", "mathieu-kassovitz", "mathieu-kasovitz--nm0440913")
    person = _person(backend, "mathieu-kassovitz")
    assert person["ids"] == ["imdb:nm0440913"] and person["imdb_id"] == "nm0440913"
    # By identifier, under a third spelling: the survivor.
    _load(
        backend,
        "imdb2.jsonl",
        [
            {
                "title": "Le Fabuleux Destin",
                "year": 2002,
                "credits": [{"name": "M. Kassovitz", "category": "actor", "ids": ["nm0440913"]}],
            }
        ],
    )
    assert ("ACTED_IN", "le-fabuleux-destin--2002", 1) in _credits(backend, "mathieu-kassovitz")
    assert _people_named(backend, "m") == ["mathieu-kassovitz"]
    with pytest.raises(MergeRefused, match="has changed since decision"):
        split_decision(backend, decision["id"])
    assert _checksum(backend) != before


def test_refusals_say_why(backend):
    _load(
        backend,
        "two.jsonl",
        [
            {
                "title": "A",
                "year": 2000,
                "credits": [{"name": "David Smith", "category": "actor", "ids": ["nm0000001"]}],
            },
            {
                "title": "B",
                "year": 2001,
                "credits": [{"name": "Dave Smith", "category": "actor", "ids": ["nm0000002"]}],
            },
        ],
    )
    before = _checksum(backend)
    with pytest.raises(MergeRefused, match="different identifiers of one scheme"):
        merge_entities(backend, "Person", "david-smith--nm0000001", "dave-smith--nm0000002")
    with pytest.raises(MergeRefused, match="the same person"):
        merge_entities(backend, "Person", "dave-smith--nm0000002", "dave-smith--nm0000002")
    with pytest.raises(MergeRefused, match="Listing entities cannot be merged"):
        merge_entities(backend, "Listing", "two.jsonl:1", "two.jsonl:2")
    with pytest.raises(MergeRefused, match="no person has the key 'nobody'"):
        merge_entities(backend, "Person", "david-smith--nm0000001", "nobody")
    assert _checksum(backend) == before


def test_companies_merge_and_split(backend):
    _loaded(backend)
    before = _checksum(backend)
    decision = merge_entities(
        backend, "Company", "les-productions-lazennec", "lazennec-productions"
    )
    rows = backend.run_read(
        "MATCH (s:Show)-[:MADE_BY]->(c:Company) RETURN c.key, count(s), c.show_count"
    ).rows
    assert rows == [["les-productions-lazennec", 2, 2]]
    _load(
        backend,
        "more.jsonl",
        [{"title": "Cut", "year": 2003, "companies": ["LAZENNEC PRODUCTIONS"]}],
    )
    rows = backend.run_read("MATCH (c:Company) RETURN c.key, c.show_count").rows
    assert rows == [["les-productions-lazennec", 3]]
    with pytest.raises(MergeRefused, match="since then: load"):
        split_decision(backend, decision["id"])
    assert _checksum(backend) != before


def test_the_commands_preview_merge_list_and_split(tmp_path):
    runner = CliRunner()
    base = ["--backend", "embedded", "--data-dir", str(tmp_path / "store")]
    listing = tmp_path / "crew.jsonl"
    listing.write_text("\n".join(json.dumps(r) for r in [LA_HAINE, ASSASSINS]))
    assert runner.invoke(main, [*base, "load", str(listing)]).exit_code == 0

    preview = runner.invoke(
        main, [*base, "merge", "Mathieu Kassovitz", "Matthieu Kassovitz"], input="n\n"
    )
    assert preview.exit_code == 0, preview.output
    assert "Matthieu Kassovitz [matthieu-kassovitz] would be merged into" in preview.output
    assert "credits moved: 1 on 1 show\n" in preview.output
    assert "Nothing merged" in preview.output
    dry = json.loads(
        runner.invoke(
            main, [*base, "merge", "Person:mathieu-kassovitz", "matthieu kassovitz", "--json"]
        ).output
    )
    assert dry["merged"] is False and dry["preview"]["spellings_moved"] == ["Matthieu Kassovitz"]

    refused = runner.invoke(main, [*base, "merge", "Mathieu Kassovitz", "Lazennec Productions"])
    assert refused.exit_code == 1
    assert "is a Person and 'Lazennec Productions' a Company" in refused.output

    done = runner.invoke(
        main,
        [
            *base,
            "merge",
            "Mathieu Kassovitz",
            "Matthieu Kassovitz",
            "--why",
            "one man",
            "--json",
            "--yes",
        ],
    )
    decision = json.loads(done.output)["decision"]
    assert decision["survivor"]["key"] == "mathieu-kassovitz" and decision["why"] == "one man"
    listed = json.loads(runner.invoke(main, [*base, "decisions", "--json"]).output)
    assert [(d["id"], d["status"], d["merged"]) for d in listed] == [
        (decision["id"], "merged", "matthieu-kassovitz")
    ]
    gone = runner.invoke(main, [*base, "merge", "Mathieu Kassovitz", "Person:matthieu-kassovitz"])
    # The merged key now means the survivor: merging it again is merging one person.
    assert gone.exit_code == 1 and "nothing to merge" in gone.output

    kept = runner.invoke(main, [*base, "split", decision["id"][:15]], input="n\n")
    assert "Matthieu Kassovitz [matthieu-kassovitz] would come back beside" in kept.output
    assert "credits back: 1" in kept.output and "Nothing split" in kept.output
    dry = json.loads(runner.invoke(main, [*base, "split", decision["id"], "--json"]).output)
    assert dry["split"] is False and dry["preview"]["spellings_back"] == ["Matthieu Kassovitz"]
    split = runner.invoke(main, [*base, "unmerge", decision["id"][:15]], input="y\n")
    assert split.exit_code == 0 and "are two again" in split.output
    again = runner.invoke(main, [*base, "split", decision["id"]])
    assert again.exit_code == 1 and "was already split" in again.output
    unknown = runner.invoke(main, [*base, "split", "1999"])
    assert (
        unknown.exit_code == 1 and "no decision has an id beginning with '1999'" in unknown.output
    )


def test_the_tables_of_decisions_and_loads_keep_ids_whole_in_a_narrow_terminal(tmp_path):
    """The ids a maintainer copies into `split` or `undo` are never folded over two lines,
    even in an 80-column terminal."""
    runner = CliRunner(env={"COLUMNS": "80"})
    base = ["--backend", "embedded", "--data-dir", str(tmp_path / "store")]
    listing = tmp_path / "crew.jsonl"
    listing.write_text("\n".join(json.dumps(r) for r in [LA_HAINE, ASSASSINS]))
    assert runner.invoke(main, [*base, "load", str(listing)]).exit_code == 0
    merged = runner.invoke(
        main,
        [*base, "merge", "Mathieu Kassovitz", "Matthieu Kassovitz", "--why", "one", "--yes"],
    )
    assert merged.exit_code == 0, merged.output
    decision = json.loads(runner.invoke(main, [*base, "decisions", "--json"]).output)[0]["id"]
    load = json.loads(runner.invoke(main, [*base, "loads", "--json"]).output)[0]["id"]
    assert f"│ {decision} │" in runner.invoke(main, [*base, "decisions"]).output
    assert f"│ {load} │" in runner.invoke(main, [*base, "loads"]).output


def test_merges_chain_and_split_back_in_reverse_order(backend):
    _loaded(backend)
    _load(backend, "more.jsonl", [{"title": "Cut", "year": 2003, "cast": ["Mathieu Kasovitz"]}])
    original = _checksum(backend)
    first = merge_entities(backend, "Person", "mathieu-kassovitz", "matthieu-kassovitz")
    after_first = _checksum(backend)
    second = merge_entities(backend, "Person", "mathieu-kasovitz", "mathieu-kassovitz")
    with pytest.raises(MergeRefused, match=f"since then: decision {second['id']}"):
        split_decision(backend, first["id"])
    split_decision(backend, second["id"])
    assert _checksum(backend) == after_first  # the first merge's alias points back
    split_decision(backend, first["id"])
    assert _checksum(backend) == original


def test_a_chained_merge_takes_the_earlier_aliases_along(backend):
    _loaded(backend)
    _load(backend, "more.jsonl", [{"title": "Cut", "year": 2003, "cast": ["Mathieu Kasovitz"]}])
    merge_entities(backend, "Person", "mathieu-kassovitz", "matthieu-kassovitz")
    merge_entities(backend, "Person", "mathieu-kasovitz", "mathieu-kassovitz")
    _load(
        backend, "new.jsonl", [{"title": "Métisse", "year": 1993, "cast": ["Matthieu Kassovitz"]}]
    )
    assert _people_named(backend, "mat") == ["mathieu-kasovitz"]
    assert ("ACTED_IN", "metisse--1993", 1) in _credits(backend, "mathieu-kasovitz")


def test_the_merged_name_and_key_still_find_the_survivor_until_split(backend):
    """A researcher's old link, `Person:old-key` or the old spelling, asked of any command
    or page after a merge (chained too), means the entity it was merged into."""
    from screengraph.queries.search import resolve_entity

    _loaded(backend)
    _load(backend, "more.jsonl", [{"title": "Cut", "year": 2003, "cast": ["Mathieu Kasovitz"]}])
    first = merge_entities(backend, "Person", "mathieu-kassovitz", "matthieu-kassovitz")
    for text in ("Matthieu Kassovitz", "Person:matthieu-kassovitz"):
        assert resolve_entity(backend, text, "Person")["key"] == "mathieu-kassovitz"
    second = merge_entities(backend, "Person", "mathieu-kasovitz", "mathieu-kassovitz")
    for text in ("Matthieu Kassovitz", "Person:matthieu-kassovitz", "Person:mathieu-kassovitz"):
        assert resolve_entity(backend, text, "Person")["key"] == "mathieu-kasovitz"
    split_decision(backend, second["id"])
    split_decision(backend, first["id"])
    assert resolve_entity(backend, "Person:matthieu-kassovitz")["key"] == "matthieu-kassovitz"


def test_a_dry_run_says_the_old_spelling_joins_the_survivor_by_a_merge_decision(backend):
    _loaded(backend)
    merge_entities(backend, "Person", "mathieu-kassovitz", "matthieu-kassovitz")
    record = {"title": "Métisse", "year": 1993, "cast": ["Matthieu Kassovitz", "Mathieu KASSOVITZ"]}
    summary = Loader(backend, dry_run=True).load(
        [SourceText("new.jsonl", json.dumps(record, ensure_ascii=False))]
    )
    rules = {item["name"]: (item["key"], item["rule"]) for item in summary.matching["names"]}
    assert rules["Matthieu Kassovitz"] == ("mathieu-kassovitz", "merge decision")
    assert rules["Mathieu KASSOVITZ"] == ("mathieu-kassovitz", "folded name")


# Two catalogues name one series differently ("The Wire" / "Wire, The"): one has its
# episodes, the other its companies, genres and alternate titles; both credit its lead.
WIRE = {
    "title": "The Wire",
    "year": 2002,
    "kind": "tvSeries",
    "cast": ["Dominic West"],
    "genres": ["Crime"],
}
WIRE_EPISODE = {
    "title": "The Target",
    "year": 2002,
    "season_number": 1,
    "episode_number": 1,
    "episode_of": {"title": "Wire, The", "year": 2002},
    "cast": ["Idris Elba"],
}
WIRE_ELSEWHERE = {
    "title": "Wire, The",
    "year": 2002,
    "alternate_titles": ["Sur écoute"],
    "cast": ["Dominic West", "Idris Elba"],
    "companies": ["HBO"],
    "genres": ["Drama"],
    "related": ["Oz"],
}


def _wire(backend):
    _load(backend, "hbo.jsonl", [WIRE])
    _load(backend, "guide.jsonl", [WIRE_ELSEWHERE, WIRE_EPISODE])


def _show_edges(backend, key: str) -> list[tuple]:
    rows = backend.run_read(
        "MATCH (s:Show {key: $key})-[r]-(n) "
        "RETURN type(r), n.key, startNode(r) = s, r.asserted_by ORDER BY type(r), n.key",
        {"key": key},
    ).rows
    return [tuple(row) for row in rows]


def test_shows_merge_with_credits_episodes_genres_companies_and_split_restores(backend):
    _wire(backend)
    before = _checksum(backend)
    decision = merge_entities(backend, "Show", "the-wire--2002", "wire-the--2002")
    assert backend.run_read("MATCH (s:Show {key: 'wire-the--2002'}) RETURN s").rows == []
    assert _show_edges(backend, "the-wire--2002") == [
        ("ACTED_IN", "dominic-west", False, 2),  # both catalogues: one credit
        ("ACTED_IN", "idris-elba", False, 2),  # the guide, and its episode at series level
        ("EPISODE_OF", "the-target--2002", False, 1),
        ("IN_GENRE", "crime", True, 1),
        ("IN_GENRE", "drama", True, 1),
        ("MADE_BY", "hbo", True, 1),
    ]
    show = backend.run_read("MATCH (s:Show {key: 'the-wire--2002'}) RETURN properties(s)").value()
    assert show["asserted_by"] == 3  # hbo, the guide, and the guide's episode
    assert show["alternate_titles"] == ["Sur écoute"]
    assert "sur ecoute" in show["search_text"]
    degrees = backend.run_read(
        "MATCH (p:Person {key: 'dominic-west'}) RETURN p.credit_count"
    ).value()
    assert degrees == 1
    assert decision["credits_moved"] == 5  # the edges of "Wire, The"

    split = split_decision(backend, decision["id"])
    assert split["status"] == SPLIT
    assert _checksum(backend) == before


def test_a_show_merge_survives_reloading_every_listing(backend):
    _wire(backend)
    merge_entities(backend, "Show", "the-wire--2002", "wire-the--2002")
    merged = _checksum(backend)
    _wire(backend)  # every listing again, unchanged
    assert _checksum(backend) == merged
    # Every listing changed: the old title still lands on the survivor.
    _load(backend, "hbo.jsonl", [{**WIRE, "synopsis": "Baltimore."}])
    _load(
        backend,
        "guide.jsonl",
        [
            {**WIRE_ELSEWHERE, "synopsis": "Drugs."},
            {**WIRE_EPISODE, "synopsis": "The first."},
        ],
    )
    shows = backend.run_read(
        "MATCH (s:Show) WHERE s.key CONTAINS 'wire' RETURN s.key ORDER BY s.key"
    ).rows
    assert shows == [["the-wire--2002"]]
    assert ("MADE_BY", "hbo", True, 1) in _show_edges(backend, "the-wire--2002")
    assert ("EPISODE_OF", "the-target--2002", False, 1) in _show_edges(backend, "the-wire--2002")
    # A new catalogue naming the merged title: it lands on the survivor.
    _load(backend, "new.jsonl", [{"title": "Wire, The", "year": 2002, "cast": ["Wood Harris"]}])
    shows = backend.run_read(
        "MATCH (s:Show) WHERE s.key CONTAINS 'wire' RETURN s.key ORDER BY s.key"
    ).rows
    assert shows == [["the-wire--2002"]]
    assert ("ACTED_IN", "wood-harris", False, 1) in _show_edges(backend, "the-wire--2002")
    # The guide dropping the merged show's genre takes back what it asserted.
    _load(
        backend,
        "guide.jsonl",
        [
            {**WIRE_ELSEWHERE, "synopsis": "Drugs.", "genres": []},
            {**WIRE_EPISODE, "synopsis": "The first."},
        ],
    )
    assert ("IN_GENRE", "drama", True, 1) not in _show_edges(backend, "the-wire--2002")


def test_an_episode_is_not_merged_into_its_series(backend):
    _wire(backend)
    with pytest.raises(MergeRefused, match="linked to each other"):
        merge_entities(backend, "Show", "wire-the--2002", "the-target--2002")


def test_genres_merge_last_through_reloads_and_split_back(backend):
    _load(backend, "a.jsonl", [{"title": "Heat", "year": 1995, "genres": ["Crime"]}])
    _load(
        backend,
        "b.jsonl",
        [
            {"title": "Thief", "year": 1981, "genres": ["Crime Film"]},
            {"title": "Heat", "year": 1995, "genres": ["Crime Film"]},
        ],
    )
    before = _checksum(backend)
    decision = merge_entities(backend, "Genre", "crime", "crime-film")
    rows = backend.run_read(
        "MATCH (s:Show)-[r:IN_GENRE]->(g:Genre) "
        "RETURN g.key, s.key, r.asserted_by, g.show_count ORDER BY s.key"
    ).rows
    assert rows == [["crime", "heat--1995", 2, 2], ["crime", "thief--1981", 1, 2]]
    merged = _checksum(backend)
    _load(backend, "a.jsonl", [{"title": "Heat", "year": 1995, "genres": ["Crime"]}])
    assert _checksum(backend) == merged
    _load(backend, "c.jsonl", [{"title": "Collateral", "year": 2004, "genres": ["crime film"]}])
    genres = backend.run_read("MATCH (g:Genre) RETURN g.key, g.show_count").rows
    assert genres == [["crime", 3]]
    with pytest.raises(MergeRefused, match="since then: load"):
        split_decision(backend, decision["id"])
    # Undone, that load gives the merged graph back, and the split the original.
    from screengraph.loaders.undo import Undo

    Undo(backend).run(newest(backend))
    assert _checksum(backend) == merged
    split_decision(backend, decision["id"])
    assert _checksum(backend) == before


def test_a_yearless_listing_of_the_merged_title_lands_on_the_survivor(backend):
    """The merged show's title without a year names the survivor, as it named the merged
    show before: one show of that title existed, one still does (by the merge)."""
    _wire(backend)
    merge_entities(backend, "Show", "the-wire--2002", "wire-the--2002")
    record = {"title": "Wire, The", "cast": ["Wood Harris"]}
    preview = Loader(backend, dry_run=True).load([SourceText("new.jsonl", json.dumps(record))])
    shows = {
        item["name"]: (item["key"], item["outcome"], item["rule"])
        for item in preview.matching["names"]
        if item["label"] == "Show"
    }
    assert shows["Wire, The"] == ("the-wire--2002", "joins", "merge decision")
    _load(backend, "yearless.jsonl", [record])
    shows = backend.run_read(
        "MATCH (s:Show) WHERE s.key CONTAINS 'wire' RETURN s.key ORDER BY s.key"
    ).rows
    assert shows == [["the-wire--2002"]]
    assert ("ACTED_IN", "wood-harris", False, 1) in _show_edges(backend, "the-wire--2002")


def test_a_yearless_title_of_a_merged_show_and_another_show_is_ambiguous(backend):
    """A second show of the merged title (another year) makes the yearless title
    ambiguous, as two live shows of one title do: it stays a show of its own."""
    _wire(backend)
    merge_entities(backend, "Show", "the-wire--2002", "wire-the--2002")
    _load(backend, "remake.jsonl", [{"title": "Wire, The", "year": 2031, "cast": ["A. N. Other"]}])
    summary = _load(backend, "yearless.jsonl", [{"title": "Wire, The", "cast": ["Wood Harris"]}])
    assert any("could be any of the-wire--2002, wire-the--2031" in w for w in summary.warnings)
    shows = backend.run_read(
        "MATCH (s:Show) WHERE s.key CONTAINS 'wire' RETURN s.key ORDER BY s.key"
    ).rows
    assert shows == [["the-wire--2002"], ["wire-the"], ["wire-the--2031"]]
