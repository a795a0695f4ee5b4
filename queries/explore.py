"""Entity details, related content and collaborator discovery.

Cypher (in queries/cypher) gathers the evidence; the scores are computed here,
in Python, so both backends rank identically.

Related-content score of a candidate show, summed over its evidence:
- each person credited on both shows: ROLE_WEIGHTS[their role on the candidate]
  / log(2 + the person's credit_count: their credits, one per role on a show, a
  series' episodes counting once) (Adamic-Adar: a prolific person says less about
  two shows than a rare one);
- each company that made both: 1.5 / log(2 + shows the company made);
- people and companies with more than HUB_DEGREE shows only re-rank candidates
  found otherwise: they connect too much to suggest anything (and would make
  the query slow);
- each shared genre: 0.5 / log(2 + shows in the genre), only for candidates
  found through people, companies or the series (genres alone are too broad);
- another season of the same series (seasons only: remakes, or two episodes called
  Pilot, share a title and no series): +5; for an episode, its series and the other
  episodes of its season: +5 each.
An episode's credits are written on its series (loaders/plan.py): its people are the
series' people its listings assert (queries/provenance.py), and a person in 40 episodes
of a series counts once for the series, like its regular cast.
Ties: title, then key.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from screengraph.graph.backend import Backend
from screengraph.graph.identifiers import try_identifier
from screengraph.graph.schema import CREDIT_TYPES, RELATIONSHIPS, Label, RelType
from screengraph.queries.catalogue import Param, catalogue, question
from screengraph.queries.counted import (
    COUNTED_SHOWS,
    NEWEST_SHOWS,
    CountedShows,
    planned_counted_shows,
)
from screengraph.queries.lists import (
    CREDITS_PAGE,
    KNOWN_FOR_RULE,
    KNOWN_FOR_SIZE,
    credits_page,
    given_filters,
    list_params,
    planned_credits_page,
    planned_prominent_shows,
    planned_shows_page,
)
from screengraph.queries.namesakes import displayed, distinguish, planned_distinctions
from screengraph.queries.provenance import planned_public_decisions
from screengraph.queries.search import check_label, planned_identified
from screengraph.queries.together import Part, Planned, read_planned

ROLE_WEIGHTS = {"DIRECTED": 3.0, "WROTE": 3.0, "PRODUCED": 2.0, "ACTED_IN": 1.0}
COMPANY_WEIGHT = 1.5
GENRE_WEIGHT = 0.5
SERIES_BONUS = 5.0
HUB_DEGREE = 200
SUGGESTION_REACH = 300

ROLE_WORDS = {
    "DIRECTED": "directed by",
    "WROTE": "written by",
    "PRODUCED": "produced by",
    "ACTED_IN": "with",
}
ROLE_NOUNS = {"DIRECTED": "director", "WROTE": "writer", "PRODUCED": "producer", "ACTED_IN": "cast"}
SECTION_TITLES = {
    "DIRECTED": "Directed by",
    "producer": "Produced by",
    "executive producer": "Executive producers",
    "WROTE": "Written by",
    "ACTED_IN": "Cast",
}


def role_name(rel_type: str, producer_role: str | None) -> str:
    """`DIRECTED` -> director; PRODUCED keeps its producer / executive producer role, and
    WORKED_ON its category (composer, editor...): both are the edge's `role`."""
    if rel_type == RelType.PRODUCED.value:
        return producer_role or "producer"
    if rel_type == RelType.WORKED_ON.value:
        return producer_role or "crew"
    return ROLE_NOUNS.get(rel_type, rel_type.lower())


def _credited_as(rel_type: str, role: str | None, name: str) -> str:
    """How a related show's reason names a person: `directed by X`, `composer X`."""
    if rel_type == RelType.WORKED_ON.value:
        return f"{role_name(rel_type, role)} {name}"
    return f"{ROLE_WORDS.get(rel_type, 'with')} {name}"


def _run(backend: Backend, name: str, **params) -> list[dict]:
    return catalogue().run(backend, name, params).records()


def _asked(backend: Backend, name: str, columns: tuple[str, ...], **params) -> Part:
    """A catalogue question as a part of a page's read (queries/together.py)."""
    asked = catalogue().get(name)
    # An empty list is a value here (nothing to look up: no rows), where a form's empty
    # field is a parameter not given.
    empty = {k: v for k, v in params.items() if isinstance(v, list) and not v}
    given = asked.bind({k: v for k, v in params.items() if k not in empty}, complete=not empty)
    return Part(backend.pick(asked.cypher), columns, {**given, **empty})


def _adamic_adar(weight: float, degree: int | None) -> float:
    return weight / math.log(2 + max(int(degree or 0), 1))


PROVENANCE_LIMIT = 100
# The most credits a show page lists (the database counts them all).
CREDITS_LIMIT = 1000  # also the default of `limit` in show.cypher (person pages page: lists.py)
# The most episodes a series page lists (the database counts them all).
EPISODES_LIMIT = 1000  # also the default of `limit` in episodes.cypher

# The order of credit sections on each page, by credit group (see _credit_group). The
# database sorts by it before cutting at CREDITS_LIMIT, so a long list keeps its first
# sections whole.
SHOW_CREDIT_ORDER = ("DIRECTED", "producer", "executive producer", "WROTE", "ACTED_IN")
PERSON_CREDIT_ORDER = ("DIRECTED", "WROTE", "producer", "executive producer", "ACTED_IN")

# A person, company or genre exists through its edges: the listings that named it are
# those asserting its edges (the Assertions of the shows at their other ends hold them,
# queries/provenance.py), the first PROVENANCE_LIMIT by id of those behind its edges to
# its COUNTED_SHOWS newest shows (queries/counted.py), so a hub's page stays small and fast.
_LISTINGS_BEHIND = (
    "MATCH (n:{label} {{key: $key}})--(s:Show) "
    f"WITH DISTINCT n, s {NEWEST_SHOWS} "
    "MATCH (n)-[r]-(s) "
    "WITH s, collect(type(r) + '|' + startNode(r).key + '|' + endNode(r).key + "
    "'|' + coalesce(r.role, '')) AS edges "
    "MATCH (a:Assertion {{show: s.key}}) WHERE any(e IN edges WHERE e IN a.edges) "
    "WITH DISTINCT a.listing AS source ORDER BY source LIMIT $limit "
    "MATCH (l:Listing {{key: source}}) "
    "RETURN l.key AS source, l.file AS file, l.line AS line, l.record AS record, "
    "l.loaded_at AS loaded_at ORDER BY file, line, record"
)

# In how many episodes of a series each of its credits is: the episodes whose listings
# assert the credit (an episode listing's Assertion on the series holds its EPISODE_OF
# edge). [[series key, credit identity]].
_EPISODES_CREDITED = (
    "UNWIND $credits AS c MATCH (a:Assertion {show: c[0]}) WHERE c[1] IN a.edges "
    "WITH c, [e IN a.edges WHERE e STARTS WITH 'EPISODE_OF|'] AS episode WHERE size(episode) > 0 "
    "RETURN c[1] AS credit, count(DISTINCT episode[0]) AS episodes"
)
_PROVENANCE_COLUMNS = ("source", "file", "line", "record", "loaded_at")
# A show's listings: those with an Assertion about it (queries/provenance.py), the first
# PROVENANCE_LIMIT by id, as the `provenance` question gives them.
_LISTINGS_OF_SHOW = (
    "MATCH (a:Assertion {show: $key}) WITH a.listing AS source ORDER BY source LIMIT $limit "
    "MATCH (l:Listing {key: source}) "
    "RETURN l.key AS source, l.file AS file, l.line AS line, l.record AS record, "
    "l.loaded_at AS loaded_at ORDER BY file, line, record"
)


def _provenance(backend: Backend, show_key: str) -> list[dict]:
    return _provenance_part(show_key).run(backend)


def _provenance_part(show_key: str) -> Planned[list[dict]]:
    part = Part(
        _LISTINGS_OF_SHOW, _PROVENANCE_COLUMNS, {"key": show_key, "limit": PROVENANCE_LIMIT}
    )
    return Planned({"listings": part}, lambda found: found["listings"])


def _episodes_credited(backend: Backend, credits: list[list[str]]) -> dict[str, int]:
    """{credit identity: episodes} for [series key, credit identity] pairs."""
    return _episodes_credited_part(credits).run(backend)


def _episodes_credited_part(credits: list[list[str]]) -> Planned[dict[str, int]]:
    # Asked even for no credits (no rows then): a page's query keeps one text, which both
    # engines plan once and keep in their plan caches (FalkorDB's holds 25 by default).
    part = Part(_EPISODES_CREDITED, ("credit", "episodes"), {"credits": credits})
    return Planned(
        {"credited": part}, lambda found: {r["credit"]: r["episodes"] for r in found["credited"]}
    )


def _provenance_through_edges(backend: Backend, label: str, key: str) -> list[dict]:
    return _provenance_through_edges_part(label, key).run(backend)


def _provenance_through_edges_part(label: str, key: str) -> Planned[list[dict]]:
    query = _LISTINGS_BEHIND.format(label=check_label(label))
    params = {"key": key, "limit": PROVENANCE_LIMIT, "shows": COUNTED_SHOWS}
    part = Part(query, _PROVENANCE_COLUMNS, params)
    return Planned({"listings": part}, lambda found: found["listings"])


# -- details --------------------------------------------------------------


def _credit_group(credit: dict) -> str:
    """A credit's section: its type, a producer's role, or the category of any other credit
    (composer, editor...: WORKED_ON's role); show.cypher and queries/lists.py agree."""
    if credit["type"] in (RelType.PRODUCED.value, RelType.WORKED_ON.value):
        return credit["role"] or (
            "producer" if credit["type"] == RelType.PRODUCED.value else "other"
        )
    return credit["type"]


def _groups(order: tuple[str, ...], grouped: Mapping[str, Any]) -> list[str]:
    """The sections a page shows: those of `order` first, then every other category (a
    WORKED_ON credit's: composer, editor...) by name, so none is dropped."""
    return [g for g in order if grouped.get(g)] + sorted(g for g in grouped if g not in order)


def _billing(credit: dict) -> tuple:
    """Within a section: the source's billing order first (credits without one after)."""
    order = credit.get("order")
    return (order is None, order if order is not None else 0)


def _credit_facts(credit: dict) -> dict:
    """What a credit says beyond who and what: characters, the source's job and category,
    billing order."""
    return {
        "characters": list(credit.get("characters") or []),
        "job": credit.get("job"),
        "category": credit.get("category"),
        "order": credit.get("order"),
    }


def _cut(row: dict) -> dict:
    """How much of the credit list the database sent: the JSON twin's `shown`, `total`,
    `truncated` (as company and genre pages give `shows` and `total`)."""
    return {
        "shown": len(row["credits"]),
        "total": row["total"],
        "truncated": len(row["credits"]) < row["total"],
    }


SHOW_COLUMNS = ("show", "credits", "total", "people", "companies", "genres", "seasons", "series")
# How many related shows a show's page lists.
RELATED_ON_PAGE = 10


def show_detail(backend: Backend, key: str, limit: int | None = None) -> dict | None:
    """A show page: its first `limit` (CREDITS_LIMIT) credits by section then billing order
    and name, how many there are, and for a series its seasons and episodes."""
    return _show(backend, key, limit, related=None)


def show_page(backend: Backend, key: str) -> dict | None:
    """What a show's web page shows: its details, its related shows (`related`), and how
    its name is shown among namesakes (`detail`, `display`), read in three round trips:
    the show, its episodes, its listings and the evidence for related shows; then what
    those name (episode counts of a series' credits, the re-ranking of related shows);
    then every name on the page told from its namesakes."""
    return _show(backend, key, None, related=RELATED_ON_PAGE)


def _show(backend: Backend, key: str, limit: int | None, related: int | None) -> dict | None:
    first: dict[str, Planned[Any]] = {
        "episodes": _episodes_part(backend, key, None),
        "show": Planned(
            {
                "show": _asked(
                    backend,
                    "show",
                    SHOW_COLUMNS,
                    key=key,
                    roles=list(SHOW_CREDIT_ORDER),
                    limit=CREDITS_LIMIT if limit is None else limit,
                )
            },
            lambda found: found["show"],
        ),
        "provenance": _provenance_part(key),
        "decisions": planned_public_decisions(Label.SHOW.value, key),
    }
    if related is not None:
        first["related"] = _related_evidence_part(backend, key)
    read = read_planned(backend, first)
    rows, episodes = read["show"], read["episodes"]
    if not rows:
        return None
    row = rows[0]
    second: dict[str, Planned[Any]] = {
        "in_episodes": _episodes_credited_part(
            [[key, c["id"]] for c in row["credits"]] if episodes["total"] else []
        )
    }
    if related is not None:
        read["related"] = _score_evidence(read["related"], related)
        second["reranking"] = _reranking_part(backend, key, read["related"])
    later = read_planned(backend, second)
    in_episodes = later["in_episodes"]
    show = row["show"]["properties"]
    credits: dict[str, list[dict]] = defaultdict(list)
    # The database chose which credits; within a section the page sorts by billing order,
    # then by code point, as it always has (Neo4j compares strings by UTF-16 unit).
    for credit in sorted(row["credits"], key=lambda c: (*_billing(c), c["name"] or "", c["key"])):
        credits[_credit_group(credit)].append(
            {
                "key": credit["key"],
                "name": credit["name"],
                "label": "Person",
                **_credit_facts(credit),
                "episodes": in_episodes.get(credit["id"], 0),
            }
        )
    detail = {
        "label": "Show",
        "key": key,
        "name": show.get("title"),
        "properties": show,
        "credits": [
            {
                "role": group,
                "title": SECTION_TITLES.get(group, group.capitalize()),
                "people": credits[group],
            }
            for group in _groups(SHOW_CREDIT_ORDER, credits)
        ],
        **_cut(row),
        "companies": _entities("Company", row["companies"]),
        "genres": _entities("Genre", row["genres"]),
        "seasons": sorted(
            (
                {
                    "key": s["key"],
                    "name": s["title"],
                    "season": s["season"],
                    "year": s["year"],
                    "label": "Show",
                }
                for s in row["seasons"]
                if s.get("key")
            ),
            key=lambda s: (s["season"] is None, s["season"] or 0, s["key"]),
        ),
        "series": [
            {
                "key": x["key"],
                "name": x["title"],
                "year": x["year"],
                "season": x["season"],
                "episode": x["episode"],
                "label": "Show",
            }
            for x in sorted(row["series"], key=lambda x: x["key"])
        ],
        "provenance": read["provenance"],
        "decisions": read["decisions"],
    }
    detail["episodes"] = episodes
    # The episode list is not told apart: each episode is placed there by its season and
    # number, and generic titles (`Episode #1.1`) have thousands of namesakes to read.
    named = [person for group in detail["credits"] for person in group["people"]]
    named += detail["seasons"] + detail["series"]
    if related is not None:
        ranked = _ranked_related(read["related"], later["reranking"])
        people = _reason_people(ranked)
        itself = {"label": Label.SHOW.value, "key": key, "name": detail["name"]}
        named += [*ranked, *people, itself]
    distinguish(backend, named)
    if related is not None:
        detail["related"] = _explained(ranked, people)
        detail["detail"], detail["display"] = itself["detail"], itself["display"]
    detail["counts"] = {
        "credits": row["total"],
        "people": row["people"],
        "companies": len(detail["companies"]),
        "genres": len(detail["genres"]),
        "seasons": len(detail["seasons"]),
        "episodes": detail["episodes"]["total"],
    }
    return detail


def series_episodes(backend: Backend, key: str, limit: int | None = None) -> dict:
    """A series' first `limit` (EPISODES_LIMIT) episodes grouped by season, in episode
    order: {"seasons": [{"season", "episodes": [...]}], "shown", "total", "truncated"};
    unnumbered seasons last."""
    return _episodes_part(backend, key, limit).run(backend)


def _episodes_part(backend: Backend, key: str, limit: int | None) -> Planned[dict]:
    part = _asked(
        backend,
        "episodes",
        ("episodes", "total"),
        key=key,
        limit=EPISODES_LIMIT if limit is None else limit,
    )
    return Planned({"episodes": part}, lambda found: _by_season(found["episodes"]))


def _by_season(rows: list[dict]) -> dict:
    found: dict[str, Any] = rows[0] if rows else {"episodes": [], "total": 0}
    seasons: dict[int | None, list[dict]] = {}
    for episode in found["episodes"]:
        seasons.setdefault(episode["season"], []).append(
            {
                "key": episode["key"],
                "name": episode["title"],
                "year": episode["year"],
                "season": episode["season"],
                "episode": episode["episode"],
                "label": "Show",
            }
        )
    return {
        "seasons": [
            {"season": season, "episodes": episodes} for season, episodes in seasons.items()
        ],
        "shown": len(found["episodes"]),
        "total": found["total"],
        "truncated": len(found["episodes"]) < found["total"],
    }


SHOW_KEY = Param(
    "key",
    "str",
    argument=True,
    metavar="SHOW",
    entity="Show",
    help="The show: a title, Show:key or an identifier such as tt0082971.",
)
PERSON_KEY = Param(
    "key",
    "str",
    argument=True,
    metavar="PERSON",
    entity="Person",
    help="The person: a name, Person:key or an identifier such as nm0000229.",
)


# A filmography's groups as its page names them (`role=cast`): the types whose group is the
# type itself by their noun; a producer's role and a crew category are their own names.
GROUP_BY_NOUN = {ROLE_NOUNS[t]: t for t in ("DIRECTED", "WROTE", "ACTED_IN")}


def group_noun(group: str) -> str:
    return ROLE_NOUNS.get(group, group)


@question(
    "filmography",
    "A person's credits",
    "One page of a person's credits, grouped by role (director, writer, producer, executive "
    "producer, cast, then the others by name) and ordered by year, newest first, with how "
    "many match.",
    PERSON_KEY,
    Param(
        "role",
        "str",
        None,
        required=False,
        help="Only this role's credits: director, writer, producer, cast, composer...",
    ),
    *list_params("-year", CREDITS_PAGE),
    columns=("key", "title", "year", "credit", "characters", "job", "category"),
)
def filmography(backend: Backend, key: str, role: str | None = None, **paging) -> list[dict]:
    listed = credits_page(
        backend, key, PERSON_CREDIT_ORDER, GROUP_BY_NOUN.get(role or "", role), **paging
    )
    return [{**row, "credit": group_noun(row["grp"])} for row in listed.rows]


def person_detail(
    backend: Backend,
    key: str,
    limit: int | None = None,
    role: str | None = None,
    **paging,
) -> dict | None:
    """A person's details: one page of their credits (`limit`, CREDITS_PAGE by default)
    grouped by role and ordered by year (or `paging`'s sort and filters), how many there
    are, and what they are known for."""
    return _person(backend, key, limit, role, paging, people=False)


# How many collaborators and suggested collaborators a person's page lists.
COLLABORATORS_ON_PAGE = 30
SUGGESTIONS_ON_PAGE = 10


def person_page(
    backend: Backend, key: str, limit: int | None = None, role: str | None = None, **paging
) -> dict | None:
    """What a person's web page shows: their details, their closest collaborators
    (`collaborators`) and suggested ones (`suggested_collaborators`), and how their name is
    shown among namesakes (`detail`, `display`), read in three round trips: the person,
    their credits, known-for picks, listings, decisions and the ranking of everyone they
    worked with; then what those name (known-for titles, episode counts, the shared
    shows of the closest collaborators, people two steps away); then every name on the
    page told from its namesakes."""
    return _person(backend, key, limit, role, paging, people=True)


def _person(
    backend: Backend, key: str, limit: int | None, role: str | None, paging: dict, people: bool
) -> dict | None:
    first: dict[str, Planned[Any]] = {
        "node": _node_part(Label.PERSON.value, key),
        "listed": planned_credits_page(
            key,
            PERSON_CREDIT_ORDER,
            GROUP_BY_NOUN.get(role or "", role),
            limit=CREDITS_PAGE if limit is None else limit,
            **paging,
        ),
        # Enough for KNOWN_FOR_SIZE beside the source's picks that the graph holds (at most
        # KNOWN_FOR_SIZE of them count): the order is total, so this is the same prefix.
        "prominent": planned_prominent_shows(key, 2 * KNOWN_FOR_SIZE),
        "provenance": _provenance_through_edges_part(Label.PERSON.value, key),
        "decisions": planned_public_decisions(Label.PERSON.value, key),
        "counted": planned_counted_shows(key),
    }
    if people:
        first["ranking"] = _collaborator_ranking_part(backend, key)
    read = read_planned(backend, first)
    found, listed = read["node"], read["listed"]
    if found is None:
        return None
    person = found["properties"]
    if role:
        listed.filters["role"] = role  # as the page names it
    picks = [(text, try_identifier(text, Label.SHOW)) for text in person.get("known_for") or []]
    second: dict[str, Planned[Any]] = {
        "in_episodes": _episodes_credited_part(
            [[c["key"], c["id"]] for c in listed.rows if c["has_episodes"]]
        ),
        "picks": planned_identified(Label.SHOW.value, [i for _t, i in picks if i is not None]),
    }
    if people:
        ranking = read["ranking"]
        second["collaborators"] = _shared_credits_part(
            backend, key, ranking[:COLLABORATORS_ON_PAGE]
        )
        second["suggestions"] = _second_degree_part(backend, key, ranking, SUGGESTIONS_ON_PAGE)
    later = read_planned(backend, second)
    in_episodes = later["in_episodes"]
    by_role: dict[str, list[dict]] = defaultdict(list)
    for credit in listed.rows:  # in the database's order: by group, then by year
        by_role[credit["grp"]].append(
            {
                "key": credit["key"],
                "name": credit["title"],
                "year": credit["year"],
                "label": "Show",
                **_credit_facts(credit),
                "episodes": in_episodes.get(credit["id"], 0),
            }
        )
    known = _known_for_of(picks, later["picks"], read["prominent"])
    named = [show for shows in by_role.values() for show in shows]
    named += [show for show in known if show["key"]]
    if people:
        worked_with = _collaborators_of(later["collaborators"], COLLABORATORS_ON_PAGE)
        suggested = _suggestions_of(later["suggestions"], ranking, SUGGESTIONS_ON_PAGE)
        itself = {"label": Label.PERSON.value, "key": key, "name": person.get("name")}
        named += [*worked_with, *suggested, *(v for s in suggested for v in s["via"]), itself]
    distinguish(backend, named, Label.SHOW.value)
    detail = {
        "label": "Person",
        "key": key,
        "name": person.get("name"),
        "properties": person,
        "credits": [
            {"role": group_noun(group), "shows": by_role[group]}
            for group in _groups(PERSON_CREDIT_ORDER, by_role)
        ],
        "credit_groups": [
            {"role": group_noun(group), "count": listed.groups[group]}
            for group in _groups(PERSON_CREDIT_ORDER, listed.groups)
        ],
        "credit_count": listed.credits,
        "shown": len(listed.rows),
        "total": listed.credits,
        "truncated": len(listed.rows) < listed.credits,
        "list": listed.to_json(),
        "counts": {"credits": listed.credits, "shows": listed.shows},
        "known_for": known,
        "known_for_rule": KNOWN_FOR_RULE,
        "provenance": read["provenance"],
        "provenance_note": read["counted"].listings_note(),
        "decisions": read["decisions"],
    }
    if people:
        detail["collaborators"] = worked_with
        detail["counted_shows"] = read["counted"].to_json()
        detail["counted_note"] = read["counted"].note()
        detail["suggested_collaborators"] = _suggestions_explained(suggested)
        detail["detail"], detail["display"] = itself["detail"], itself["display"]
    return detail


def _known_for_of(
    picks: list[tuple[str, Any]], found: dict[str, dict], prominent: list[dict]
) -> list[dict]:
    """`known_for` of the source's picks, the shows holding them, and the person's most
    prominent shows (at least KNOWN_FOR_SIZE more than the picks the graph holds)."""
    result = []
    for text, identifier in picks:
        show = found.get(str(identifier)) if identifier is not None else None
        result.append(
            {
                "id": text,
                "key": show and show["key"],
                "name": show and show["name"],
                "year": show and show["year"],
                "label": Label.SHOW.value,
            }
        )
    held = {item["key"] for item in result if item["key"]}
    for show in prominent:
        if len(held) < KNOWN_FOR_SIZE and show["key"] not in held:
            held.add(show["key"])
            result.append(
                {
                    "id": None,
                    "key": show["key"],
                    "name": show["title"],
                    "year": show["year"],
                    "label": Label.SHOW.value,
                }
            )
    return result


def company_detail(backend: Backend, key: str, **paging) -> dict | None:
    return _entity_with_shows(backend, "Company", key, paging)


def genre_detail(backend: Backend, key: str, **paging) -> dict | None:
    return _entity_with_shows(backend, "Genre", key, paging)


def _entity_with_shows(backend: Backend, label: str, key: str, paging: dict) -> dict | None:
    """A company or genre page: one page of its shows (by title, or `paging`'s sort and
    filters: queries/lists.py), how many there are, its listings and the decisions about
    it, and how its name is shown among namesakes (`detail`, `display`): one round trip."""
    itself = {"label": label, "key": key, "name": None}
    plans: dict[str, Planned[Any]] = {
        "node": _node_part(label, key),
        "listed": planned_shows_page(label, key, **paging),
        "provenance": _provenance_through_edges_part(label, key),
        "decisions": planned_public_decisions(label, key),
        "namesakes": planned_distinctions([itself]),
    }
    if given_filters(paging.get("year_from"), paging.get("year_to"), paging.get("title")):
        plans["everything"] = planned_shows_page(label, key, limit=1)
    read = read_planned(backend, plans)
    found, listed = read["node"], read["listed"]
    if found is None:
        return None
    props = found["properties"]
    everything = read["everything"].total if "everything" in read else listed.total
    return {
        "label": label,
        "key": key,
        "name": props.get("name"),
        "properties": props,
        "shows": [
            {
                "key": s["key"],
                "name": s["title"],
                "year": s["year"],
                "label": "Show",
                "series": s["series"],  # an episode's series, season and number
            }
            for s in listed.rows
        ],
        "total": listed.total,
        "list": listed.to_json(),
        "counts": {"shows": everything},
        "provenance": read["provenance"],
        "provenance_note": CountedShows(everything).listings_note(),
        "decisions": read["decisions"],
        "detail": itself["detail"],
        "display": displayed(props.get("name"), itself["detail"]),
    }


def _node_part(label: str, key: str) -> Planned[dict | None]:
    part = Part(
        f"MATCH (n:{check_label(label)} {{key: $key}}) RETURN n AS node", ("node",), {"key": key}
    )
    return Planned(
        {"node": part}, lambda found: found["node"][0]["node"] if found["node"] else None
    )


def exists(backend: Backend, label: str, key: str) -> bool:
    """Whether an entity of `label` has the key `key`."""
    return bool(
        backend.run_read(
            f"MATCH (n:{check_label(label)} {{key: $key}}) RETURN n.key", {"key": key}, max_rows=0
        ).rows
    )


DETAILS: dict[str, Callable[..., dict | None]] = {
    "Show": show_page,
    "Person": person_page,
    "Company": company_detail,
    "Genre": genre_detail,
}


def _entities(label: str, items: list[dict]) -> list[dict]:
    items = [i for i in items if i.get("key")]
    return [
        {"label": label, "key": i["key"], "name": i["name"]}
        for i in sorted(items, key=lambda i: (i["name"] or "", i["key"]))
    ]


# -- related content ------------------------------------------------------

# Related content tells its candidates from their namesakes in the re-ranking's trip when
# there are at most this many (a bounded extra read saves a trip); past it, only the
# chosen ones are told apart, in a trip of their own.
TOLD_WITH_RERANKING = 100


@question(
    "related",
    "Related shows",
    "Shows related to a show, ranked, each with why.",
    SHOW_KEY,
    Param("limit", "int", 10, required=False, low=1, high=500),
)
def related_shows(backend: Backend, key: str, limit: int = 10) -> list[dict]:
    """The `limit` best related shows, scored as the module docstring says, with their reasons.

    Two round trips: the evidence (people, companies, series, and the show's own
    companies and genres), then the large companies and genres shared with the
    candidates that can still reach the top `limit` (a candidate whose score plus
    the most those could add stays below the `limit`-th best score is left out) with
    those candidates and the people their reasons name told from their namesakes. Past
    TOLD_WITH_RERANKING candidates, only the chosen ones are told apart, in a third trip.
    """
    scored = _score_evidence(_related_evidence_part(backend, key).run(backend), limit)
    if len(scored.contenders) > TOLD_WITH_RERANKING:
        ranked = _ranked_related(scored, _reranking_part(backend, key, scored).run(backend))
        people = _reason_people(ranked)
        distinguish(backend, [*ranked, *people])
        return _explained(ranked, people)
    contenders = [scored.candidates[k] for k in scored.contenders]
    named = _reason_people(contenders)
    read = read_planned(
        backend,
        {
            "extra": _reranking_part(backend, key, scored),
            "told": planned_distinctions([*contenders, *named]),
        },
    )
    ranked = _ranked_related(scored, read["extra"])
    shown = {person["key"]: person for person in named}
    return _explained(ranked, [shown[person["key"]] for person in _reason_people(ranked)])


def _related_evidence_part(backend: Backend, key: str) -> Planned[list[dict]]:
    part = _asked(backend, "related_evidence", ("kind", "rows"), key=key, max_degree=HUB_DEGREE)
    return Planned({"evidence": part}, lambda found: _evidence_rows(found["evidence"]))


def _evidence_rows(records: list[dict]) -> list[dict]:
    """related_evidence's records as rows of EVIDENCE_FIELDS, its people's rows unpacked
    from their per-person groups."""
    people = [record for record in records if record["kind"] == "person"]
    rows = _unpacked([r for r in records if r["kind"] != "person"], EVIDENCE_FIELDS)
    for record in people:
        for person_key, person_name, degree, shows in record["rows"]:
            rows.extend(
                {
                    "key": show_key,
                    "title": None,  # the contenders' are read with their re-ranking
                    "year": None,
                    "via_key": person_key,
                    "via_name": person_name,
                    "role": role,
                    "producer_role": producer_role,
                    "degree": degree,
                    "kind": "person",
                }
                for show_key, role, producer_role in shows
            )
    return rows


@dataclass
class _Scored:
    """Related content between its round trips: the candidates that can still reach the
    top `limit` (contenders, with their reasons), and what re-ranking can add at most."""

    candidates: dict[str, dict[str, Any]]
    contenders: list[str]
    limit: int


# One piece of evidence for a candidate: its show's row, what it adds to the score, and
# `_reason`'s other arguments.
_Evidence = tuple[dict, float, tuple]


def _score_evidence(evidence: list[dict], limit: int) -> _Scored:
    """The contenders and their reasons from the evidence; a person's reason names them as
    the page shows them, so its text waits for their namesakes (`_explained`).

    Every candidate is scored, but only the contenders get their reasons written: a
    series' evidence is a thousand or more shows, of which a few dozen can still reach the
    top (writing every reason was a third of related content's time at 10^7 credits).
    Scores are summed in one fixed order (series and episodes as the evidence gives them,
    then people by show and key, then companies), so that they are the same to the last
    bit however the database ordered its rows."""
    found: list[_Evidence] = []
    people: dict[tuple[str, str], tuple[float, dict]] = {}
    companies: list[dict] = []
    weighed: dict[tuple[float, Any], float] = {}

    def adamic_adar(weight: float, degree: Any) -> float:
        if (weight, degree) not in weighed:
            weighed[weight, degree] = _adamic_adar(weight, degree)
        return weighed[weight, degree]

    bonus_bound = 0.0
    for row in evidence:
        kind = row["kind"]
        if kind == "own":
            if row["role"] == RelType.IN_GENRE.value:
                bonus_bound += _adamic_adar(GENRE_WEIGHT, row["degree"])
            elif (row["degree"] or 1) > HUB_DEGREE:
                bonus_bound += _adamic_adar(COMPANY_WEIGHT, row["degree"])
        elif kind == "person":
            # One reason per person and show, at the person's strongest role there.
            slot = (row["key"], row["via_key"])
            weight = ROLE_WEIGHTS.get(row["role"], 1.0)
            if slot not in people or weight > people[slot][0]:
                people[slot] = (weight, row)
        elif kind == "company":
            companies.append(row)
        elif kind == "episode":
            # An episode's series, and the other episodes of its season (`producer_role`
            # holds the season).
            season = f", season {row['producer_role']}" if row["producer_role"] is not None else ""
            text = (
                "its series"
                if row["role"] == "series"
                else f"another episode of {row['via_name']}{season}"
            )
            found.append((row, SERIES_BONUS, ("series", row["via_key"], row["via_name"], text)))
        else:
            text = f"another season of {row['via_name']}"
            found.append((row, SERIES_BONUS, ("series", None, row["via_name"], text)))
    for (_show, person_key), (weight, row) in sorted(people.items(), key=lambda item: item[0]):
        # _explained writes the text, with the person's name as shown.
        found.append(
            (row, adamic_adar(weight, row["degree"]), ("person", person_key, row["via_name"], None))
        )
    for row in sorted(companies, key=lambda r: (r["key"], r["via_name"] or "", r["via_key"])):
        reason = ("company", row["via_key"], row["via_name"], f"also made by {row['via_name']}")
        found.append((row, adamic_adar(COMPANY_WEIGHT, row["degree"]), reason))
    scores: dict[str, float] = {}
    for row, score, _reason_args in found:
        scores[row["key"]] = scores.get(row["key"], 0.0) + score
    contenders = _contenders(scores, limit, bonus_bound)
    chosen = set(contenders)
    candidates: dict[str, dict[str, Any]] = {}
    for row, score, (kind, via_key, via_name, text) in found:
        if row["key"] not in chosen:
            continue
        extra = {}
        if kind == "person":
            extra = {
                "role": role_name(row["role"], row["producer_role"]),
                "credited": (row["role"], row["producer_role"]),
            }
        _reason(candidates, row, score, kind, via_key, via_name, text, **extra)
    return _Scored(candidates, contenders, limit)


def _reranking_part(backend: Backend, key: str, scored: _Scored) -> Planned[list[dict]]:
    # Asked even without contenders (no rows then), so a page's query keeps one text.
    part = _asked(
        backend,
        "related_reranking",
        ("kind", "key", "via_key", "via_name", "degree"),
        key=key,
        candidates=scored.contenders,
        min_degree=HUB_DEGREE + 1,
    )
    titles = Part(_SHOW_TITLES, ("key", "title", "year"), {"keys": scored.contenders})

    def finish(found: dict[str, list[dict]]) -> list[dict]:
        for row in found["titles"]:
            scored.candidates[row["key"]].update(name=row["title"], year=row["year"])
        return found["extra"]

    return Planned({"extra": part, "titles": titles}, finish)


# The contenders' titles and years, read with their re-ranking: the evidence leaves them
# out of its people's rows, which are every show of every person of the show (reading a
# title and year for each of a busy series' 2,000 rows was 1.7 ms of its p95 at 10^7).
_SHOW_TITLES = (
    "UNWIND $keys AS k MATCH (s:Show {key: k}) RETURN s.key AS key, s.title AS title, "
    "s.year AS year"
)


def _ranked_related(scored: _Scored, extra: list[dict]) -> list[dict]:
    """The best `limit` candidates once the large companies and genres are added."""
    candidates = scored.candidates
    for row in sorted(
        extra,
        key=lambda r: (r["kind"] != "company", r["key"], r["via_name"] or "", r["via_key"]),
    ):
        weight = COMPANY_WEIGHT if row["kind"] == "company" else GENRE_WEIGHT
        text = (
            f"also made by {row['via_name']}"
            if row["kind"] == "company"
            else f"also {row['via_name']}"
        )
        _reason(
            candidates,
            {"key": row["key"]},
            _adamic_adar(weight, row["degree"]),
            row["kind"],
            row["via_key"],
            row["via_name"],
            text,
        )
    ranked = sorted(
        (candidates[k] for k in scored.contenders),
        key=lambda c: (-round(c["score"], 9), c["name"] or "", c["key"]),
    )[: scored.limit]
    for item in ranked:
        item["score"] = round(item["score"], 4)
    return ranked


def _reason_people(ranked: list[dict]) -> list[dict]:
    """The people the related shows' reasons name, to be told from their namesakes."""
    return [
        {"label": Label.PERSON.value, "key": reason["key"], "name": reason["name"]}
        for item in ranked
        for reason in item["reasons"]
        if reason["kind"] == "person"
    ]


def _explained(ranked: list[dict], people: list[dict]) -> list[dict]:
    """The related shows with their reasons' texts, once `distinguish` has given the shows
    and the people of `_reason_people` their `display`."""
    shown = {person["key"]: person["display"] for person in people}
    for item in ranked:
        for reason in item["reasons"]:
            if reason["kind"] == "person":
                rel_type, role = reason.pop("credited")
                reason["text"] = _credited_as(rel_type, role, shown[reason["key"]])
        item["explanation"] = ", ".join(reason["text"] for reason in item["reasons"])
    return ranked


EVIDENCE_FIELDS = ("key", "title", "year", "via_key", "via_name", "role", "producer_role", "degree")


def _unpacked(records: list[dict], fields: tuple[str, ...]) -> list[dict]:
    """Row dicts from records whose `rows` hold packed lists of `fields` values.

    Hot queries pack their rows into one record per kind (Neo4j's Python driver
    pays per record; see docs/cypher-dialects.md); a record's `kind` goes on its rows.
    """
    unpacked = []
    for record in records:
        for values in record["rows"]:
            row = dict(zip(fields, values))
            if "kind" in record:
                row["kind"] = record["kind"]
            unpacked.append(row)
    return unpacked


def _reason(
    candidates: dict,
    row: dict,
    score: float,
    kind: str,
    via_key: str | None,
    via_name: str | None,
    text: str | None,
    **extra,
) -> None:
    item = candidates.setdefault(
        row["key"],
        {
            "key": row["key"],
            "name": row.get("title"),
            "year": row.get("year"),
            "label": "Show",
            "score": 0.0,
            "reasons": [],
        },
    )
    item["score"] += score
    item["reasons"].append({"kind": kind, "key": via_key, "name": via_name, **extra, "text": text})


def _contenders(scores: dict[str, float], limit: int, bonus_bound: float) -> list[str]:
    """Candidates that can still be among the top `limit` once re-ranking adds at most bonus_bound."""
    ranked = sorted(scores.values(), reverse=True)
    if len(ranked) <= limit:
        return sorted(scores)
    threshold = ranked[limit - 1] - bonus_bound - 1e-9
    return sorted(k for k, score in scores.items() if score >= threshold)


# -- people ---------------------------------------------------------------


def _most_shared_first(person: dict) -> tuple:
    return -person["count"], person["name"] or "", person["key"]


def collaborator_ranking(backend: Backend, key: str, limit: int | None = None) -> list[dict]:
    """Everyone who worked with a person on the shows their rankings count (all of them,
    but a prolific person's COUNTED_SHOWS newest: queries/counted.py), as {key, name,
    credit_count, count (shows shared)}, most shared first, then name and key: what a page
    needs of all of them (or the first `limit`)."""
    return _collaborator_ranking_part(backend, key, limit).run(backend)


def _collaborator_ranking_part(
    backend: Backend, key: str, limit: int | None = None
) -> Planned[list[dict]]:
    def finish(found: dict[str, list[dict]]) -> list[dict]:
        ranked = _unpacked(found["ranking"], ("key", "name", "credit_count", "count"))
        ranked.sort(key=_most_shared_first)
        return ranked

    ranking = _asked(
        backend, "collaborator_ranking", ("rows",), key=key, shows=COUNTED_SHOWS, limit=limit or 0
    )
    return Planned({"ranking": ranking}, finish)


@question(
    "collaborators_ranked",
    "Collaborators",
    "Everyone who shares a show with a person, with shared shows and roles on both sides, "
    f"most shared first (over their {COUNTED_SHOWS} newest shows when they have more).",
    PERSON_KEY,
    Param("limit", "int", 50, required=False, low=1, high=1000),
)
def collaborators(backend: Backend, key: str, limit: int | None = 50) -> list[dict]:
    """The `limit` people who shared the most shows with a person (everyone if None), each
    with those shows and both people's roles: one walk (`top_collaborators` ranks them and
    reads the chosen ones' roles), then their namesakes."""
    if limit is None:
        evidence = _run(backend, "collaborators", key=key, shows=COUNTED_SHOWS)
    else:
        evidence = _run(backend, "top_collaborators", key=key, limit=limit, shows=COUNTED_SHOWS)
    return distinguish(backend, _collaborators_of(evidence, limit), Label.PERSON.value)


def _shared_credits_part(backend: Backend, key: str, chosen: list[dict]) -> Planned[list[dict]]:
    """The shows a person shares with each of `chosen` (ranked collaborators), both roles."""
    # Asked even for nobody (a person without collaborators: nothing to match), so a
    # page's query keeps one text.
    others = [p["key"] for p in chosen]
    part = _asked(backend, "shared_credits", ("rows",), key=key, others=others, shows=COUNTED_SHOWS)
    return Planned({"shared": part}, lambda found: found["shared"])


def _collaborators_of(evidence: list[dict], limit: int | None) -> list[dict]:
    """`collaborators` of the shared credits' records, before their namesakes are read.
    Their rows are packed as collaborators.cypher says: [key, name, credit_count, show_key,
    show_title, person_role, person_producer_role, role, producer_role]."""
    people: dict[str, dict[str, Any]] = {}
    for record in evidence:
        for values in record["rows"]:
            key, name, credit_count, show_key, show_title, *roles = values
            person = people.get(key)
            if person is None:
                person = people[key] = {
                    "key": key,
                    "name": name,
                    "label": "Person",
                    "credit_count": credit_count,
                    "shows": {},
                }
            show = person["shows"].get(show_key)
            if show is None:
                show = person["shows"][show_key] = {
                    "key": show_key,
                    "name": show_title,
                    "label": "Show",
                    "their_roles": set(),
                    "roles": set(),
                }
            person_role, person_producer_role, role, producer_role = roles
            show["their_roles"].add(role_name(role, producer_role))
            show["roles"].add(role_name(person_role, person_producer_role))
    result = []
    for person in people.values():
        shows = sorted(person["shows"].values(), key=lambda s: (s["name"] or "", s["key"]))
        for show in shows:
            show["their_roles"] = sorted(show["their_roles"])
            show["roles"] = sorted(show["roles"])
        result.append(
            {
                **person,
                "shows": shows,
                "count": len(shows),
                "roles": sorted({r for s in shows for r in s["their_roles"]}),
            }
        )
    result.sort(key=_most_shared_first)
    return result if limit is None else result[:limit]


@question(
    "suggest",
    "Suggested collaborators",
    "People a person has not worked with but their collaborators have, ranked and explained "
    f"(over their {COUNTED_SHOWS} newest shows when they have more).",
    PERSON_KEY,
    Param("limit", "int", 20, required=False, low=1, high=500),
)
def suggested_collaborators(
    backend: Backend, key: str, limit: int = 20, known_collaborators: list[dict] | None = None
) -> list[dict]:
    """Triadic closure: people my collaborators worked with and I have not.

    Followed through my closest collaborators (most shared shows first) of ordinary
    reach (hubs are two steps from everyone and say nothing), as many as fit in
    SUGGESTION_REACH credits between them, so a prolific person's page stays fast.
    Pass the person's `collaborator_ranking` when you have it already.
    """
    rows = (
        known_collaborators
        if known_collaborators is not None
        else collaborator_ranking(backend, key)
    )
    ranked = _suggestions_of(
        _second_degree_part(backend, key, rows, limit).run(backend), rows, limit
    )
    # Suggestions and the people they come through, namesakes told apart, in one round trip.
    distinguish(backend, ranked + [v for item in ranked for v in item["via"]], Label.PERSON.value)
    return _suggestions_explained(ranked)


def _second_degree_part(
    backend: Backend, key: str, ranking: list[dict], limit: int
) -> Planned[list[dict]]:
    """The people two steps away through the closest collaborators of ordinary reach."""
    through, reach = [], 0
    for row in ranking:
        if row["credit_count"] <= HUB_DEGREE and reach + row["credit_count"] <= SUGGESTION_REACH:
            through.append(row["key"])
            reach += row["credit_count"]
    # Asked even through nobody (no rows then), so a page's query keeps one text.
    part = _asked(
        backend,
        "second_degree",
        ("rows",),
        key=key,
        collaborators=through,
        limit=limit + len(ranking),
    )
    return Planned(
        {"found": part},
        lambda found: _unpacked(found["found"], ("key", "name", "shared", "score", "via")),
    )


def _suggestions_of(people: list[dict], ranking: list[dict], limit: int) -> list[dict]:
    """The best `limit` people two steps away that the person has not worked with."""
    known = {row["key"] for row in ranking}
    ranked: list[dict] = []
    for row in sorted(people, key=lambda r: (-r["shared"], -r["score"], r["name"] or "", r["key"])):
        if len(ranked) == limit:
            break
        if row["key"] in known:
            continue
        via = sorted((tuple(pair) for pair in row["via"]), key=lambda nk: (nk[0] or "", nk[1]))
        ranked.append(
            {
                "key": row["key"],
                "name": row["name"],
                "label": "Person",
                "score": row["score"],
                "count": row["shared"],
                "via": [{"label": "Person", "key": k, "name": n} for n, k in via],
            }
        )
    return ranked


def _suggestions_explained(ranked: list[dict]) -> list[dict]:
    """The suggestions with who they come through, once their namesakes are known."""
    for item in ranked:
        names = [v["display"] for v in item["via"]]
        shown = (
            " and ".join(names[:2])
            if len(names) <= 2
            else f"{', '.join(names[:2])} and {len(names) - 2} more"
        )
        item["explanation"] = f"worked with {shown}"
    return ranked


# -- graph views and figures ------------------------------------------------

_TYPES = "|".join(rel.value for rel in RELATIONSHIPS)
NEIGHBOURHOOD_COUNT_CAP = 10_000
# The graph view's parameters, declared once: the web's graph.json and downloads, the
# gallery, the CLI and /openapi.json read them from the `neighbourhood` question.
NEIGHBOURHOOD_DEPTH = Param(
    "depth", "int", 1, required=False, low=1, high=2, help="How many hops out to draw."
)
NEIGHBOURHOOD_LIMIT = Param(
    "limit", "int", 60, required=False, low=1, high=500, help="The most entities drawn."
)


def neighbourhood(
    backend: Backend,
    label: str,
    key: str,
    depth: int = NEIGHBOURHOOD_DEPTH.default,
    limit: int = NEIGHBOURHOOD_LIMIT.default,
) -> dict:
    """Nodes and edges around an entity for graph views, capped at `limit` nodes.

    {"nodes": [{key, label, name}], "edges": [{start, end, type, role}] (each end a
    {label, key}), "shown", "total", "total_capped", "center" ({label, key})}: entities by
    label and key, the web app gives them their ids and links. `total` counts every
    entity within `depth` hops (the center included), up to NEIGHBOURHOOD_COUNT_CAP per
    level, so a hub answers quickly; `total_capped` says the count stopped there.
    """
    label = check_label(label)
    depth = NEIGHBOURHOOD_DEPTH.coerce(depth)
    limit = NEIGHBOURHOOD_LIMIT.coerce(limit)
    center = {"label": label, "key": key}
    found = backend.run_read(f"MATCH (n:{label} {{key: $key}}) RETURN n", {"key": key}, max_rows=0)
    if not found.rows:
        return {
            "nodes": [],
            "edges": [],
            "shown": 0,
            "total": 0,
            "total_capped": False,
            "center": center,
        }
    nodes: dict[tuple[str, str], dict] = {}
    edges: dict[tuple, dict] = {}

    def add_node(node: dict) -> tuple[str, str]:
        nid = (node["label"], node["key"])
        if nid not in nodes:
            props = node["properties"]
            nodes[nid] = {
                "key": node["key"],
                "label": node["label"],
                "name": props.get("title") or props.get("name") or node["key"],
            }
        return nid

    add_node(found.rows[0][0])
    frontier = {label: [key]}
    for _level in range(depth):
        next_frontier: dict[str, list[str]] = defaultdict(list)
        for frontier_label, keys in frontier.items():
            rows = backend.run_read(
                f"UNWIND $keys AS k MATCH (n:{frontier_label} {{key: k}})-[r:{_TYPES}]-(m) "
                "RETURN n.key, m, type(r), r.role, startNode(r) = n AS outgoing "
                "ORDER BY m.key LIMIT $limit",
                {"keys": keys, "limit": max(limit * 4, 50)},
                max_rows=0,
            ).rows
            for n_key, other, rel_type, role, outgoing in rows:
                source = (frontier_label, n_key)
                is_new = (other["label"], other["key"]) not in nodes
                if len(nodes) >= limit and is_new:
                    continue
                target = add_node(other)
                if is_new:
                    next_frontier[other["label"]].append(other["key"])
                start, end = (source, target) if outgoing else (target, source)
                edges[(start, rel_type, end, role or "")] = {
                    "start": {"label": start[0], "key": start[1]},
                    "end": {"label": end[0], "key": end[1]},
                    "type": rel_type,
                    "role": role,
                }
        frontier = next_frontier
    total, capped = _count_within(backend, label, key, depth)
    distinguish(backend, list(nodes.values()))
    return {
        "nodes": list(nodes.values()),
        "edges": list(edges.values()),
        "shown": len(nodes),
        "total": max(total, len(nodes)),
        "total_capped": capped,
        "center": center,
    }


@question(
    "neighbourhood",
    "Neighbourhood",
    "The relationships around an entity, one or two hops out: what its page's graph view draws.",
    Param(
        "label", "str", choices=tuple(label.value for label in Label), help="The kind of entity."
    ),
    Param("key", "str", help="The entity's key."),
    NEIGHBOURHOOD_DEPTH,
    NEIGHBOURHOOD_LIMIT,
    columns=("start_label", "start_key", "start", "type", "role", "end_label", "end_key", "end"),
)
def neighbourhood_relationships(
    backend: Backend,
    label: str,
    key: str,
    depth: int = NEIGHBOURHOOD_DEPTH.default,
    limit: int = NEIGHBOURHOOD_LIMIT.default,
) -> list[dict]:
    """The neighbourhood as a table: one row per relationship, each end named."""
    view = neighbourhood(backend, label, key, depth, limit)
    names = {(n["label"], n["key"]): n.get("display") or n["name"] for n in view["nodes"]}
    rows = [
        {
            "start_label": edge["start"]["label"],
            "start_key": edge["start"]["key"],
            "start": names[(edge["start"]["label"], edge["start"]["key"])],
            "type": edge["type"],
            "role": edge["role"],
            "end_label": edge["end"]["label"],
            "end_key": edge["end"]["key"],
            "end": names[(edge["end"]["label"], edge["end"]["key"])],
        }
        for edge in view["edges"]
    ]
    # In one order on both engines (each returns a node's relationships in its own order).
    return sorted(
        rows,
        key=lambda r: (
            r["start_label"],
            r["start_key"],
            r["type"],
            r["role"] or "",
            r["end_label"],
            r["end_key"],
        ),
    )


def _count_within(backend: Backend, label: str, key: str, depth: int) -> tuple[int, bool]:
    """Entities within `depth` (1 or 2) hops of one, the entity included, and whether a cap hit.

    Every relationship but EPISODE_OF joins a Show to a non-Show; an episode's series is
    a Show next to a Show, so something two hops away can be one hop away too (the
    series' regular cast): the second level leaves out what the first counted.
    """
    params = {"key": key, "cap": NEIGHBOURHOOD_COUNT_CAP}
    first = backend.run_read(
        f"MATCH (n:{label} {{key: $key}})-[:{_TYPES}]-(m) "
        "WITH DISTINCT m LIMIT $cap RETURN count(m)",
        params,
        max_rows=0,
    ).value(0)
    second = 0
    if depth >= 2:
        second = backend.run_read(
            f"MATCH (n:{label} {{key: $key}})-[:{_TYPES}]-(a) WITH DISTINCT n, a "
            f"MATCH (a)-[:{_TYPES}]-(b) WHERE b <> n AND NOT (n)-[:{_TYPES}]-(b) "
            "WITH DISTINCT b LIMIT $cap RETURN count(b)",
            params,
            max_rows=0,
        ).value(0)
    capped = NEIGHBOURHOOD_COUNT_CAP in (first, second)
    return 1 + first + second, capped


def statistics(backend: Backend, limit: int = 10) -> dict:
    counts = backend.counts()
    return {
        "labels": {label: counts[label] for label in (label.value for label in Label)},
        "relationships": {rel.value: counts[rel.value] for rel in RelType},
        "credits": sum(counts[rel.value] for rel in CREDIT_TYPES),
        "top_people": distinguish(
            backend,
            [{**r, "label": "Person"} for r in _run(backend, "top_people", limit=limit)],
            Label.PERSON.value,
        ),
        "largest_companies": [
            {**r, "label": "Company"} for r in _run(backend, "largest_companies", limit=limit)
        ],
        "genres": [{**r, "label": "Genre"} for r in _run(backend, "genre_distribution", limit=50)],
    }
