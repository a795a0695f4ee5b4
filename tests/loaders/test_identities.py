"""Identifiers first, then names (issue 13): namesakes stay apart, name-only records
never merge silently into one of several identified people, identified records adopt
the one name-only node they mean, and rich credits keep what the source says."""

from __future__ import annotations

import json

from screengraph.graph.checksum import LOAD_TIMES, describe_difference, graph_checksum
from screengraph.loaders.pipeline import Loader
from screengraph.loaders.sources import SourceText


def source(*listings: dict, name: str = "catalogue") -> SourceText:
    return SourceText(
        name,
        "\n".join(json.dumps(listing) for listing in listings) + "\n",
        identity=f"source:{name}",
    )


def load(backend, *listings: dict, name: str = "catalogue", **options):
    return Loader(backend, **options).load([source(*listings, name=name)], fmt="jsonl")


def rows(backend, query: str, **parameters):
    return backend.run_read(query, parameters, max_rows=0).rows


def people(backend):
    return rows(backend, "MATCH (p:Person) RETURN p.key, p.name, p.ids ORDER BY p.key")


def credit(name: str, nconst: str | None, category: str = "actor", **more) -> dict:
    found = {"name": name, "category": category, **more}
    if nconst:
        found["ids"] = [f"imdb:{nconst}"]
    return found


FIRST = {
    "title": "First Film",
    "year": 2001,
    "ids": ["imdb:tt0000001"],
    "credits": [
        credit(
            "David Smith",
            "nm0000001",
            characters=["Cop"],
            order=1,
            birth_year=1950,
            professions=["actor", "producer"],
        ),
        credit("Ann Lee", "nm0000003", "director"),
    ],
}
SECOND = {
    "title": "Second Film",
    "year": 2002,
    "ids": ["imdb:tt0000002"],
    "credits": [
        credit("David Smith", "nm0000002", "composer", job="original music"),
        credit("Ann Lee", "nm0000003", "writer", job="screenplay"),
    ],
}


def test_a_credit_given_twice_keeps_every_job_and_character(backend):
    load(
        backend,
        {
            **FIRST,
            "credits": [
                credit("Nora Quill", "nm0000020", "writer", job="creator", order=3),
                credit("Nora Quill", "nm0000020", "writer", job="teleplay", order=1),
                credit("Ann Lee", "nm0000003", characters=["Young Anne"], order=2),
                credit("Ann Lee", "nm0000003", characters=["Anne"], order=4),
            ],
        },
    )
    assert rows(
        backend,
        "MATCH (p:Person)-[r]->() RETURN p.key, r.job, r.characters, r.order ORDER BY p.key",
    ) == [
        ["ann-lee--nm0000003", None, ["Young Anne", "Anne"], 2],
        ["nora-quill--nm0000020", "creator, teleplay", None, 1],
    ]


def test_namesakes_with_different_identifiers_are_two_people(backend):
    summary = load(backend, FIRST, SECOND)
    assert (summary.loaded, summary.rejected, summary.warnings) == (2, 0, [])
    assert people(backend) == [
        ["ann-lee--nm0000003", "Ann Lee", ["imdb:nm0000003"]],
        ["david-smith--nm0000001", "David Smith", ["imdb:nm0000001"]],
        ["david-smith--nm0000002", "David Smith", ["imdb:nm0000002"]],
    ]
    assert rows(
        backend,
        "MATCH (p:Person {imdb_id: 'nm0000001'}) RETURN p.birth_year, p.professions, p.name_key",
    ) == [[1950, ["actor", "producer"], "david-smith"]]
    assert rows(backend, "MATCH (s:Show) RETURN s.key, s.imdb_id, s.ids ORDER BY s.key") == [
        ["first-film--2001--tt0000001", "tt0000001", ["imdb:tt0000001"]],
        ["second-film--2002--tt0000002", "tt0000002", ["imdb:tt0000002"]],
    ]


def test_credits_keep_characters_order_category_and_job(backend):
    load(
        backend,
        FIRST,
        SECOND,
        {
            **FIRST,
            "title": "Third Film",
            "year": 2003,
            "ids": ["imdb:tt0000004"],
            "credits": [
                credit("Eve Roe", "nm0000009", "producer", job="executive producer"),
                credit("Eve Roe", "nm0000009", "executive producer"),
                credit("Max Ray", "nm0000010", "self", characters=["Himself", "Narrator"]),
                credit("Old Star", "nm0000011", "archive_footage", characters=["Herself"]),
            ],
        },
    )
    found = rows(
        backend,
        "MATCH (p:Person)-[r]->(s:Show) RETURN p.key, type(r), r.role, "
        "r.characters, r.order, r.category, r.job ORDER BY p.key, type(r), "
        "r.role",
    )
    assert found == [
        ["ann-lee--nm0000003", "DIRECTED", None, None, None, None, None],
        ["ann-lee--nm0000003", "WROTE", None, None, None, None, "screenplay"],
        ["david-smith--nm0000001", "ACTED_IN", None, ["Cop"], 1, "actor", None],
        ["david-smith--nm0000002", "WORKED_ON", "composer", None, None, None, "original music"],
        ["eve-roe--nm0000009", "PRODUCED", "executive producer", None, None, None, None],
        ["eve-roe--nm0000009", "PRODUCED", "producer", None, None, None, "executive producer"],
        ["max-ray--nm0000010", "ACTED_IN", None, ["Himself", "Narrator"], None, "self", None],
        ["old-star--nm0000011", "WORKED_ON", "archive footage", ["Herself"], None, None, None],
    ]


def test_a_name_only_record_with_several_identified_namesakes_is_reported_not_merged(backend):
    load(backend, FIRST, SECOND)
    summary = load(
        backend,
        {"title": "Catalogue Show", "year": 2010, "cast": ["David Smith", "Ann Lee"]},
        name="page",
    )
    assert summary.loaded == 1
    [warning] = summary.warnings
    assert "'David Smith' could be any of 2" in warning
    assert "david-smith--nm0000001" in warning and "david-smith--nm0000002" in warning
    cast = rows(
        backend,
        "MATCH (p:Person)-[:ACTED_IN]->(:Show {key: 'catalogue-show--2010'}) "
        "RETURN p.key ORDER BY p.key",
    )
    # The only Ann Lee is joined; David Smith is a node of his own, merged into neither.
    assert cast == [["ann-lee--nm0000003"], ["david-smith"]]
    again = load(
        backend, {"title": "Other Show", "year": 2011, "cast": ["David Smith"]}, name="page2"
    )
    assert "could be any of 2" in again.warnings[0]
    assert rows(
        backend, "MATCH (p:Person)-[:ACTED_IN]->(:Show {key: 'other-show--2011'}) RETURN p.key"
    ) == [["david-smith"]]


def test_an_identified_record_adopts_the_one_name_only_node_it_means(backend):
    load(backend, {"title": "Page Show", "year": 1999, "directors": ["Jane Doe"]}, name="page")
    summary = load(
        backend,
        {
            "title": "Film",
            "year": 2005,
            "ids": ["tt0000005"],
            "credits": [credit("Jane Doe", "nm0000005", "director")],
        },
    )
    assert summary.warnings == []
    assert people(backend) == [["jane-doe", "Jane Doe", ["imdb:nm0000005"]]]
    assert rows(
        backend,
        "MATCH (p:Person {imdb_id: 'nm0000005'})-[:DIRECTED]->(s) RETURN s.key ORDER BY s.key",
    ) == [["film--2005--tt0000005"], ["page-show--1999"]]
    # A second, different Jane Doe of the same scheme is a namesake, not the same node.
    load(
        backend,
        {"title": "Film 2", "year": 2006, "credits": [credit("Jane Doe", "nm0000006", "writer")]},
        name="other",
    )
    assert [p[0] for p in people(backend)] == ["jane-doe", "jane-doe--nm0000006"]


def test_one_identifier_under_two_spellings_is_one_person(backend):
    load(backend, FIRST, {**SECOND, "credits": [credit("Dave Smith", "nm0000001", "writer")]})
    assert rows(
        backend, "MATCH (p:Person {imdb_id: 'nm0000001'})-[r]->() RETURN p.key, count(r)"
    ) == [["david-smith--nm0000001", 2]]


def test_episodes_link_to_their_series_and_their_credits_count_at_its_level(backend):
    series = {
        "title": "The Show",
        "year": 2015,
        "kind": "tvSeries",
        "end_year": 2019,
        "ids": ["tt0000100"],
        "cast": ["Lead Actor"],
    }
    episodes = [
        {
            "title": f"Episode #{s}.{e}",
            "year": 2015 + s,
            "kind": "tvEpisode",
            "ids": [f"tt00002{s}{e}"],
            "season_number": s,
            "episode_number": e,
            "episode_of": {"title": "The Show", "year": 2015, "ids": ["tt0000100"]},
            "credits": [
                credit("Lead Actor", "nm0000200", characters=["Lead"]),
                credit("Regular", "nm0000201", characters=["Sidekick"]),
            ],
        }
        for s in (1, 2)
        for e in (1, 2)
    ]
    summary = load(backend, *episodes, series)
    assert (summary.loaded, summary.rejected) == (5, 0)
    assert rows(
        backend,
        "MATCH (e:Show)-[r:EPISODE_OF]->(s:Show) RETURN s.key, s.kind, "
        "s.end_year, r.season, r.episode, e.kind ORDER BY r.season, "
        "r.episode",
    ) == [
        ["the-show--2015--tt0000100", "tv series", 2019, s, e, "tv episode"]
        for s in (1, 2)
        for e in (1, 2)
    ]
    assert rows(backend, "MATCH (s:Show) RETURN count(s)") == [[5]]
    # Four episodes together are one show shared, not four; the series' name-only cast
    # member is the one identified Lead Actor.
    assert rows(
        backend,
        "MATCH (p:Person)-[r:ACTED_IN]->(s:Show) RETURN p.key, s.key, "
        "p.credit_count, r.asserted_by ORDER BY p.key",
    ) == [
        ["lead-actor--nm0000200", "the-show--2015--tt0000100", 1, 5],
        ["regular--nm0000201", "the-show--2015--tt0000100", 1, 4],
    ]
    from screengraph.queries import explore

    [worked_with] = explore.collaborators(backend, "regular--nm0000201")
    assert (worked_with["key"], worked_with["count"]) == ("lead-actor--nm0000200", 1)


def test_show_details_and_alternate_titles_are_kept_and_searchable(backend):
    load(
        backend,
        {
            **FIRST,
            "kind": "movie",
            "runtime_minutes": 101,
            "original_title": "Premier Film",
            "alternate_titles": ["Premier Film", "Erster Film"],
        },
    )
    [[kind, runtime, original, alternates]] = rows(
        backend,
        "MATCH (s:Show {imdb_id: 'tt0000001'}) RETURN s.kind, s.runtime_minutes, "
        "s.original_title, s.alternate_titles",
    )
    assert (kind, runtime, original, alternates) == (
        "movie",
        101,
        "Premier Film",
        ["Premier Film", "Erster Film"],
    )
    found = backend.fulltext_search("erster", ["Show"], 5)
    assert [row[0]["properties"]["title"] for row in found.rows] == ["First Film"]


def test_loading_identified_listings_twice_leaves_the_graph_identical(backend):
    load(backend, FIRST, SECOND)
    before = graph_checksum(backend)
    again = load(backend, FIRST, SECOND)
    assert (again.loaded, again.unchanged) == (0, 2)
    assert graph_checksum(backend).digest == before.digest


def test_a_changed_listing_takes_back_the_credits_it_dropped(backend):
    load(backend, FIRST, SECOND)
    load(backend, FIRST, {**SECOND, "credits": SECOND["credits"][1:]})
    assert [p[0] for p in people(backend)] == ["ann-lee--nm0000003", "david-smith--nm0000001"]
    assert rows(backend, "MATCH ()-[r:WORKED_ON]->() RETURN count(r)") == [[0]]


SERIES = {
    "title": "The Show",
    "year": 2015,
    "kind": "tvSeries",
    "ids": ["tt0000100"],
    "alternate_titles": ["La Serie"],
    "cast": ["Lead Actor"],
}


def episode(number: int) -> dict:
    return {
        "title": f"Episode #1.{number}",
        "year": 2016,
        "ids": [f"tt00003{number:02d}"],
        "season_number": 1,
        "episode_number": number,
        "episode_of": {"title": "The Show", "year": 2015, "ids": ["tt0000100"]},
        "credits": [credit("Lead Actor", "nm0000200", characters=["Lead"])],
    }


def test_a_series_stays_searchable_by_its_other_titles_after_its_episodes_load(backend):
    load(backend, SERIES, name="series")
    load(backend, episode(1), episode(2), name="episodes")
    found = backend.fulltext_search("serie", ["Show"], 5)
    assert [row[0]["properties"]["title"] for row in found.rows] == ["The Show"]


def test_the_graph_does_not_depend_on_where_batches_are_cut(backend):
    listings = [SERIES, *(episode(n) for n in range(1, 8)), FIRST, SECOND]
    load(backend, *listings, batch_size=3)
    cut_in_threes = graph_checksum(backend, LOAD_TIMES)  # the two loads' clocks differ
    backend.clear()
    load(backend, *listings, batch_size=500)
    whole = graph_checksum(backend, LOAD_TIMES)
    assert whole.digest == cut_in_threes.digest, describe_difference(cut_in_threes, whole)
