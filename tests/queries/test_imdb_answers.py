"""Collaborators, connection paths and related content on an IMDb-shaped catalogue, against
answers computed independently with networkx from the TSV files themselves.

The reference below reads the generator's files with the csv module and names everything
by IMDb's ids (nconst, tconst): it never goes through screengraph's parser, keys or writer.
The graph's answers are mapped back to IMDb ids through the nodes' `imdb_id` property.
What it encodes are the documented rules, not the code: an episode's credits count on its
series, so a series counts once (README, "Series, seasons and episodes"); the related-content
score of queries/explore.py's docstring.
"""

from __future__ import annotations

import itertools
import math
import random
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

import networkx as nx
import pytest

from benchmarks.synthetic_imdb import generate
from screengraph.graph import adjacency
from screengraph.queries import explore, paths
from tests.loaders.test_imdb_format import N, load, read_tsv
from tests.queries.conftest import load_records
from tests.queries.test_paths import MAX_HOPS, expected_length

TITLES, SEED = 300, 5
PATH_PAIRS = 120
SHOWS_SAMPLE = 150
RELATED_LIMIT = 10
# The documented weights of a shared person, by IMDb category (explore.py's docstring:
# directing and writing 3, producing 2, acting 1; every other credit 1).
CATEGORY_WEIGHT = {
    "director": 3.0,
    "writer": 3.0,
    "producer": 2.0,
    "executive producer": 2.0,
    "actor": 1.0,
    "actress": 1.0,
    "self": 1.0,
}
GENRE_WEIGHT = 0.5


def credit_kind(category: str) -> str:
    """What makes two credits of one person on one show distinct (docs/data-model.md): the
    cast is one credit whatever IMDb's category; producers and other crew one per role."""
    return "cast" if category in ("actor", "actress", "self") else category


@dataclass
class Reference:
    """The catalogue as the files give it, by IMDb id."""

    titles: dict[str, str] = field(default_factory=dict)  # loaded tconst -> title
    series_of: dict[str, str] = field(default_factory=dict)  # episode -> its series
    credits: dict[tuple[str, str], set[str]] = field(  # (nconst, show) -> categories
        default_factory=lambda: defaultdict(set)
    )
    genres: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))
    episode_cast: dict[str, set[str]] = field(  # episode -> people credited
        default_factory=lambda: defaultdict(set)
    )
    graph: nx.Graph = field(default_factory=nx.Graph)  # people, shows, EPISODE_OF


def reference(folder: Path, episodes: bool) -> Reference:
    ref = Reference()
    titles = read_tsv(folder / "title.basics.tsv")
    for row in titles:
        if episodes or row["titleType"] != "tvEpisode":
            ref.titles[row["tconst"]] = row["primaryTitle"].strip()
            ref.graph.add_node(row["tconst"])
            if row["genres"] != N:
                ref.genres[row["tconst"]] = set(row["genres"].split(","))
    if episodes:
        for row in read_tsv(folder / "title.episode.tsv"):
            if row["tconst"] in ref.titles and row["parentTconst"] in ref.titles:
                ref.series_of[row["tconst"]] = row["parentTconst"]
                ref.graph.add_edge(row["tconst"], row["parentTconst"])
    people = {row["nconst"] for row in read_tsv(folder / "name.basics.tsv")}
    named = set()

    def credit(tconst: str, nconst: str, category: str) -> None:
        if tconst in ref.titles and nconst in people:
            show = ref.series_of.get(tconst, tconst)  # an episode's credit is its series'
            if tconst in ref.series_of:
                ref.episode_cast[tconst].add(nconst)
            ref.credits[(nconst, show)].add(category)
            ref.graph.add_edge(nconst, show)

    for row in read_tsv(folder / "title.principals.tsv"):
        category = row["category"].replace("_", " ")
        if category == "producer" and row["job"] == "executive producer":
            category = "executive producer"
        credit(row["tconst"], row["nconst"], category)
        named.add((row["tconst"], row["nconst"], category))
    for row in read_tsv(folder / "title.crew.tsv"):
        for column, category in (("directors", "director"), ("writers", "writer")):
            for nconst in [] if row[column] == N else row[column].split(","):
                if (row["tconst"], nconst, category) not in named:
                    credit(row["tconst"], nconst, category)
    return ref


def collaborators(ref: Reference) -> dict[str, dict[str, set[str]]]:
    """nconst -> {collaborator's nconst -> the shows they share}."""
    cast: dict[str, set[str]] = defaultdict(set)
    for nconst, show in ref.credits:
        cast[show].add(nconst)
    shared: dict[str, dict[str, set[str]]] = defaultdict(lambda: defaultdict(set))
    for show, people in cast.items():
        for a, b in itertools.permutations(people, 2):
            shared[a][b].add(show)
    return shared


def related_scores(ref: Reference, tconst: str, counts: dict[str, int]) -> dict[str, float]:
    """explore.py's documented score, from the files: each person credited on both shows
    weighs their strongest role on the other show / log(2 + their credit count);
    each shared genre 0.5 / log(2 + shows in it), for shows found through people. IMDb
    has no companies, and no show here is a catalogue page's season of another."""
    shows_of: dict[str, set[str]] = defaultdict(set)
    for nconst, show in ref.credits:
        shows_of[nconst].add(show)
    in_genre: dict[str, int] = defaultdict(int)
    for genres in ref.genres.values():
        for genre in genres:
            in_genre[genre] += 1
    scores: dict[str, float] = defaultdict(float)
    for nconst, shows in shows_of.items():
        if tconst not in shows:
            continue
        for other in shows - {tconst}:
            weight = max(CATEGORY_WEIGHT.get(c, 1.0) for c in ref.credits[(nconst, other)])
            scores[other] += weight / math.log(2 + counts[nconst])
    for other in scores:
        for genre in ref.genres.get(tconst, set()) & ref.genres.get(other, set()):
            scores[other] += GENRE_WEIGHT / math.log(2 + in_genre[genre])
    return scores


def credit_counts(ref: Reference) -> dict[str, int]:
    """Each person's credits as the score counts them (explore.py; `credit_count`,
    docs/data-model.md): one per role on a show, a series' episodes counting once."""
    counts: dict[str, int] = defaultdict(int)
    for (nconst, _show), categories in ref.credits.items():
        counts[nconst] += len({credit_kind(category) for category in categories})
    return counts


# -- the graph, by IMDb id ----------------------------------------------------------------


def imdb_ids(backend, label: str) -> dict[str, str]:
    """Key -> IMDb id of every node of a label (each has one: the source names them so)."""
    rows = backend.run_read(f"MATCH (n:{label}) RETURN n.key, n.imdb_id", max_rows=0).rows
    assert all(imdb_id for _key, imdb_id in rows), label
    return dict(rows)


@pytest.fixture(params=[False, True], ids=["titles", "with-episodes"])
def catalogue(request, backend, tmp_path):
    episodes = request.param
    manifest = generate(tmp_path / "imdb", TITLES, seed=SEED)
    summary = load(backend, manifest.folder, episodes=episodes)
    assert summary.rejected == 0
    ref = reference(manifest.folder, episodes)
    people, shows = imdb_ids(backend, "Person"), imdb_ids(backend, "Show")
    assert sorted(shows.values()) == sorted(ref.titles)
    namesakes = defaultdict(set)
    for row in read_tsv(manifest.folder / "name.basics.tsv"):
        namesakes[row["primaryName"]].add(row["nconst"])
    credited = {nconst for nconst, _ in ref.credits}
    assert any(len(ids & credited) > 1 for ids in namesakes.values()), (
        "the fixture must credit namesakes"
    )
    assert sorted(people.values()) == sorted(credited)
    assert bool(ref.series_of) == episodes
    # The score below has no series bonus: no show of the files is a catalogue page's season.
    assert (
        backend.run_read(
            "MATCH (s:Show) WHERE s.season IS NOT NULL RETURN count(s)", max_rows=0
        ).value()
        == 0
    )
    return backend, ref, people, shows


def test_everyone_s_collaborators_and_shared_shows_match_the_files(catalogue):
    backend, ref, people, shows = catalogue
    expected = collaborators(ref)
    sample = set(random.Random(SEED).sample(sorted(people.values()), SHOWS_SAMPLE))
    for key, nconst in sorted(people.items()):
        ranking = explore.collaborator_ranking(backend, key)
        assert {people[r["key"]]: r["count"] for r in ranking} == {
            other: len(common) for other, common in expected[nconst].items()
        }, nconst
        assert ranking == sorted(ranking, key=lambda r: (-r["count"], r["name"], r["key"]))
        if nconst in sample:  # which shows they share: a deterministic sample, for speed
            everyone = explore.collaborators(backend, key, limit=None)
            assert {
                people[p["key"]]: {shows[s["key"]] for s in p["shows"]} for p in everyone
            } == expected[nconst], nconst
    if ref.series_of:  # the files hold what counting a series once is about
        together = defaultdict(int)  # (series, one, other) -> episodes they share
        for episode, cast in ref.episode_cast.items():
            for pair in itertools.combinations(sorted(cast), 2):
                together[(ref.series_of[episode], *pair)] += 1
        assert max(together.values()) > 1


def test_connection_paths_have_the_shortest_length_networkx_finds(catalogue):
    backend, ref, people, shows = catalogue
    keys = {
        **{("Person", nconst): key for key, nconst in people.items()},
        **{("Show", tconst): key for key, tconst in shows.items()},
    }
    ends = sorted(keys)
    rng = random.Random(SEED)
    pairs = [tuple(rng.sample(ends, 2)) for _ in range(PATH_PAIRS)]
    outcomes = defaultdict(int)
    searches = [("default", lambda: None)]
    if backend.dialect != "neo4j":  # the embedded store also answers from its in-memory copy
        searches.append(
            (
                "in-memory copy",
                lambda: adjacency.wait_until_fresh(backend, tuple(paths.WITHOUT_GENRES.split("|"))),
            )
        )
    for name, prepare in searches:
        adjacency.enable(name != "default")
        try:
            prepare()
            for a, b in pairs:
                want = expected_length(ref.graph, a[1], b[1])
                answer = paths.connection_path(
                    backend, paths.Ref(a[0], keys[a]), paths.Ref(b[0], keys[b]), max_hops=MAX_HOPS
                )
                assert answer["length"] == want, (name, a, b, answer)
                if answer["found"]:
                    steps = answer["path"]
                    ids = [
                        people.get(s["key"]) if s["label"] == "Person" else shows.get(s["key"])
                        for s in steps[::2]
                    ]
                    assert all(ref.graph.has_edge(x, y) for x, y in zip(ids, ids[1:])), ids
                outcomes["found" if want is not None else "none"] += 1
        finally:
            adjacency.enable(False)
    assert outcomes["found"] > PATH_PAIRS / 2


def test_related_shows_rank_and_score_as_documented(catalogue):
    backend, ref, _people, shows = catalogue
    key_of = {tconst: key for key, tconst in shows.items()}
    checked = 0
    counts = credit_counts(ref)
    for tconst in sorted(ref.titles):
        if tconst in ref.series_of:
            # An episode has no credits of its own (they are its series'); what relates it
            # is its series (pages' rule, not this score's). What it must never be related
            # to is another series' episode that only shares its title (`Episode #1.1`).
            related = explore.related_shows(backend, key_of[tconst], limit=RELATED_LIMIT)
            assert not [
                r
                for r in related
                if shows[r["key"]] in ref.series_of
                and ref.titles[shows[r["key"]]] == ref.titles[tconst]
                and ref.series_of[shows[r["key"]]] != ref.series_of[tconst]
            ], tconst
            continue
        scores = related_scores(ref, tconst, counts)
        expected = sorted(
            scores.items(),
            key=lambda item: (-round(item[1], 9), ref.titles[item[0]], key_of[item[0]]),
        )
        related = explore.related_shows(backend, key_of[tconst], limit=RELATED_LIMIT)
        assert [(shows[r["key"]], r["score"]) for r in related] == [
            (other, round(score, 4)) for other, score in expected[:RELATED_LIMIT]
        ], tconst
        checked += bool(related)
    assert checked > (len(ref.titles) - len(ref.series_of)) / 3


def test_shows_that_only_share_a_title_are_not_seasons_of_one_series(backend):
    """IMDb names thousands of episodes `Episode #1.1`; every show has a series key (its own
    title's when it is no season), and related content took two same-titled shows for two
    seasons of one series (+5, "another season of Episode #1.1"). Remakes too."""
    load_records(
        backend,
        "same-titles.jsonl",
        [
            {
                "title": "Episode #1.1",
                "year": 2001,
                "ids": ["tt0000101"],
                "cast": ["Ann Able"],
                "episode_of": {"title": "Night Signal", "year": 2001, "ids": ["tt0000100"]},
            },
            {
                "title": "Episode #1.1",
                "year": 2010,
                "ids": ["tt0000201"],
                "cast": ["Bob Baker"],
                "episode_of": {"title": "River Code", "year": 2010, "ids": ["tt0000200"]},
            },
            {"title": "King Kong", "year": 1933, "directors": ["Merian Cooper"]},
            {"title": "King Kong", "year": 1976, "directors": ["John Guillermin"]},
            {"title": "Spiral - Season 1", "year": 2005, "cast": ["Caroline Proust"]},
            {"title": "Spiral - Season 7", "year": 2019, "cast": ["Audrey Fleurot"]},
            {"title": "Spiral", "year": 2005, "genres": ["Crime"]},
        ],
    )
    for episode, other in (
        ("episode-1-1--2001--tt0000101", "episode-1-1--2010--tt0000201"),
        ("episode-1-1--2010--tt0000201", "episode-1-1--2001--tt0000101"),
    ):
        assert other not in [r["key"] for r in explore.related_shows(backend, episode)]
    assert explore.related_shows(backend, "king-kong--1933") == []
    season = explore.related_shows(backend, "spiral-season-1--2005")
    assert [(r["key"], r["explanation"]) for r in season] == [
        ("spiral--2005", "another season of Spiral"),
        ("spiral-season-7--2019", "another season of Spiral"),
    ]
    assert [r["key"] for r in explore.related_shows(backend, "spiral--2005")] == [
        "spiral-season-1--2005",
        "spiral-season-7--2019",
    ]
