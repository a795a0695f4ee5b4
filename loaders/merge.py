"""Merging two entities the key rules kept apart, and splitting them again: curation
decisions (loaders/decisions.py) that later loads honour.

A merge moves the merged entity's credits (its edges to shows), identifiers and spellings
onto the survivor and deletes it. It rewrites the provenance that named it (the edges in
the Assertions of its shows, the mentions of its listings), so that a later version of
those listings takes back what they asserted of the survivor, as the writer does for any
listing; edges both entities had become one, counted by the listings asserting it. Each
name key of the merged entity becomes an Alias of the survivor: a listing that spells the
old name lands on the survivor (graph/keys.py, loaders/identities.py), and so does one
carrying its identifiers (they are the survivor's now).

Everything a merge rewrites is kept as it was, on the Decision node, so a split puts it
back exactly: the canonical checksum (graph/checksum.py) is the one of before the merge.
A split refuses, saying what changed, when something has since changed what the merge
wrote (a load naming the survivor, a later merge): restoring the images then would lose
that change. People, companies, genres and shows can be merged; a show merge also moves
the listings naming the show (their Assertions on it, the shows they name) to the
survivor, and a load naming the merged title lands on it.

The decision is journalled: written, with the images both ways, before the first of its
statements applies (see merge_entities), so a merge or split stopped midway is taken back
or finished, never left half-done (the embedded store does not roll back).
"""

from __future__ import annotations

import hashlib
import json
from collections import Counter
from collections.abc import Callable, Mapping
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from typing import Any

from screengraph.graph.backend import Backend
from screengraph.graph.checksum import canonical
from screengraph.graph.keys import (
    alias_key,
    company_key,
    genre_key,
    normalize_name,
    person_key,
    show_key,
)
from screengraph.graph.schema import (
    ALIAS_LABEL,
    ASSERTED_BY,
    ASSERTION_LABEL,
    DECISION_LABEL,
    DISPLAY,
    LISTING_LABEL,
    LOAD_LABEL,
    NAME_KEY,
    RELATIONSHIPS,
    Label,
    RelType,
)
from screengraph.loaders.decisions import (
    FAILED,
    MERGE,
    MERGED,
    MERGING,
    SPLIT,
    SPLITTING,
    UNFINISHED,
    find_decision,
)
from screengraph.loaders.history import LoadOrigin, new_load_id

# How the planner joins two credits of one edge (characters, jobs, first billing).
from screengraph.loaders.plan import _merged_properties as merged_edge_properties
from screengraph.loaders.plan import assertion_key
from screengraph.loaders.spellings import SEP, SpellingBook, best, votes_from_text, votes_to_text
from screengraph.loaders.statements import DEGREE, DEGREES
from screengraph.queries.provenance import EDGE_SEP, edge_identity


def _show_name_key(title: str, node: dict[str, Any]) -> str:
    return show_key(title, node.get("year"))


# The labels a merge takes, and the key a name of each gives (graph/keys.py) for the node.
MERGEABLE: dict[str, Callable[[str, dict[str, Any]], str]] = {
    Label.PERSON.value: lambda name, _node: person_key(name),
    Label.COMPANY.value: lambda name, _node: company_key(name),
    Label.GENRE.value: lambda name, _node: genre_key(name),
    Label.SHOW.value: _show_name_key,
}

_NODE = "MATCH (n:{label} {{key: $key}}) RETURN properties(n)"
# An entity's edges, to the given neighbours (shows, for a person, company or genre; any
# entity for a show).
_EDGES = (
    "MATCH (n:{label} {{key: $key}})-[r]-(m) WHERE $shows IS NULL OR m.key IN $shows "
    "RETURN type(r), startNode(r).key, endNode(r).key, properties(r)"
)
_ASSERTIONS = (
    f"UNWIND $shows AS sk MATCH (a:{ASSERTION_LABEL} {{show: sk}}) "
    "RETURN a.key, a.listing, a.show, a.edges"
)
_ASSERTIONS_BY_KEY = (
    f"UNWIND $keys AS k MATCH (a:{ASSERTION_LABEL} {{key: k}}) RETURN a.key, a.edges"
)
_MENTIONS = f"UNWIND $keys AS k MATCH (l:{LISTING_LABEL} {{key: k}}) RETURN l.key, l.mentions"
_LISTING_SHOWS = f"UNWIND $keys AS k MATCH (l:{LISTING_LABEL} {{key: k}}) RETURN l.key, l.shows"
_ALIASES_BY_KEY = f"UNWIND $keys AS k MATCH (a:{ALIAS_LABEL} {{key: k}}) RETURN a.key, a.into"
_ALIASES_INTO = f"MATCH (a:{ALIAS_LABEL}) WHERE a.label = $label AND a.into = $key RETURN a.key"

_DELETE_NODE = "MATCH (n:{label} {{key: $key}}) DETACH DELETE n"
_DELETE_EDGES = "MATCH (n:{label} {{key: $key}})-[r]-(m) WHERE m.key IN $shows DELETE r"
_CREATE_EDGES = (
    "UNWIND $rows AS e MATCH (a:{start} {{key: e[0]}}) MATCH (b:{end} {{key: e[1]}}) "
    "CREATE (a)-[r:{type}]->(b) SET r += e[2]"
)
_SET_NODE = "MATCH (n:{label} {{key: $key}}) SET n = $properties"
_PUT_NODE = "MERGE (n:{label} {{key: $key}}) SET n = $properties"
# Assertions as [key, listing, show, edges]; those a show merge re-keys go and come.
_PUT_ASSERTIONS = (
    f"UNWIND $rows AS a MERGE (x:{ASSERTION_LABEL} {{key: a[0]}}) "
    "SET x.listing = a[1], x.show = a[2], x.edges = a[3]"
)
_DELETE_ASSERTIONS = f"UNWIND $keys AS k MATCH (x:{ASSERTION_LABEL} {{key: k}}) DELETE x"
_SET_LISTING_SHOWS = f"UNWIND $rows AS l MATCH (x:{LISTING_LABEL} {{key: l[0]}}) SET x.shows = l[1]"
_SET_MENTIONS = f"UNWIND $rows AS l MATCH (x:{LISTING_LABEL} {{key: l[0]}}) SET x.mentions = l[1]"
_PUT_ALIASES = (
    f"UNWIND $rows AS a MERGE (x:{ALIAS_LABEL} {{key: a[0]}}) "
    "SET x.label = $label, x.name_key = a[1], x.title_key = a[2], x.into = $into, "
    "x.decision = $decision"
)
_DELETE_ALIASES = f"UNWIND $keys AS k MATCH (a:{ALIAS_LABEL} {{key: k}}) DELETE a"
_POINT_ALIASES = f"UNWIND $keys AS k MATCH (a:{ALIAS_LABEL} {{key: k}}) SET a.into = $into"
_RECORD = f"CREATE (d:{DECISION_LABEL}) SET d = $properties"
_RECORD_MORE = f"MATCH (d:{DECISION_LABEL} {{key: $key}}) SET d += $properties"
# Load and decision ids both begin with the moment they started, to the millisecond
# (loaders/history.py new_load_id): a later one has a greater id.
_LATER_LOADS = f"MATCH (l:{LOAD_LABEL}) WHERE l.key > $key RETURN l.key ORDER BY l.key LIMIT 5"
_LATER_DECISIONS = (
    f"MATCH (d:{DECISION_LABEL}) WHERE d.key > $key AND d.status <> '{FAILED}' "
    "RETURN d.key ORDER BY d.key LIMIT 5"
)
# A decision whose statements were journalled but not all applied (killed, or stopped by
# an error that its taking back did not survive either).
_UNFINISHED = f"MATCH (d:{DECISION_LABEL}) WHERE d.status IN $statuses RETURN properties(d)"

# Survivor properties a merge sets itself rather than taking from the merged entity.
_NOT_TAKEN = frozenset(
    {"key", "name", "title", "votes", "search_text", NAME_KEY, "ids", ASSERTED_BY}
)
# List properties of a show a merge joins: both shows' alternate titles.
_JOINED_LISTS = ("alternate_titles",)


class MergeRefused(ValueError):
    """A merge or split that would be wrong, with the reason and what to do instead."""


@dataclass
class MergePlan:
    """What a merge of `merged` into `survivor` would write, and what it would replace.
    `shows` are the merged entity's neighbours (shows, for a person, company or genre; any
    entity for a show). Edges are [type, start key, end key, properties]; Assertions map
    their key to their edges, listings theirs to their mentions (and, when a show merge
    changes them, to the shows they name)."""

    label: str
    survivor: dict[str, Any]
    merged: dict[str, Any]
    shows: list[str]
    edges_before: list[list[Any]]
    assertions_before: dict[str, list[str]]
    listings_before: dict[str, list[str]]
    survivor_after: dict[str, Any]
    edges_after: list[list[Any]]
    assertions_after: dict[str, list[str]]
    listings_after: dict[str, list[str]]
    aliases: list[str]  # name keys of the merged entity that become the survivor's aliases
    repointed: list[str]  # aliases an earlier merge made to the merged entity
    listing_shows_before: dict[str, list[str]] = field(default_factory=dict)
    listing_shows_after: dict[str, list[str]] = field(default_factory=dict)

    @property
    def survivor_key(self) -> str:
        return self.survivor["key"]

    @property
    def merged_key(self) -> str:
        return self.merged["key"]

    def preview(self) -> dict[str, Any]:
        """What a maintainer confirms: who survives, and what moves to them."""
        display = DISPLAY[self.label]
        merged_edges = [e for e in self.edges_before if self.merged_key in (e[1], e[2])]
        kept = {_identity(e) for e in self.edges_before if self.survivor_key in (e[1], e[2])}
        joined = sum(1 for e in merged_edges if _rekey(_identity(e), self) in kept)
        had = set(self.survivor.get("ids") or [])
        return {
            "label": self.label,
            "survivor": _entity(self.label, self.survivor),
            "merged": _entity(self.label, self.merged),
            "name_after": self.survivor_after[display],
            "credits_moved": len(merged_edges),
            "credits_joined": joined,
            "shows": len(self.shows),
            "identifiers_moved": [i for i in self.merged.get("ids") or [] if i not in had],
            "spellings_moved": sorted(_votes(self.merged, display)),
            "listings_rewritten": len(self.listings_after),
            "aliases": self.aliases,
        }


def _entity(label: str, properties: dict[str, Any]) -> dict[str, Any]:
    return {
        "label": label,
        "key": properties["key"],
        "name": properties.get(DISPLAY[label]),
        "ids": list(properties.get("ids") or []),
        "credits": properties.get(DEGREE[label]) if label in DEGREE else None,
    }


def _identity(edge: list[Any]) -> str:
    rel_type, start, end, props = edge
    return edge_identity(rel_type, start, end, (props or {}).get("role"))


def _rekey(identity: str, plan: MergePlan) -> str:
    parts = identity.split(EDGE_SEP)
    for i in (1, 2):
        if parts[i] == plan.merged_key:
            parts[i] = plan.survivor_key
    return EDGE_SEP.join(parts)


def _votes(node: dict[str, Any], display: str, listings: int = 1) -> dict[str, int]:
    """An entity's spellings and how many listings wrote each (loaders/spellings.py: no
    `votes` means every listing spelled it as its name)."""
    if node.get("votes"):
        return votes_from_text(node["votes"])
    return {node.get(display) or node["key"]: listings}


# -- planning -------------------------------------------------------------------


def check_mergeable(label: str) -> str:
    if label not in MERGEABLE:
        raise MergeRefused(f"{label} entities cannot be merged: merges take {', '.join(MERGEABLE)}")
    return label


def plan_merge(backend: Backend, label: str, survivor_key: str, merged_key: str) -> MergePlan:
    """Read both entities and what names them; refuse what must not be merged."""
    check_mergeable(label)
    if survivor_key == merged_key:
        raise MergeRefused(f"both name the same {label.lower()} ({survivor_key}): nothing to merge")
    survivor = _node(backend, label, survivor_key)
    merged = _node(backend, label, merged_key)
    _check_identifiers(label, survivor, merged)
    merged_edges = _edges(backend, label, merged_key, None)
    shows = sorted({e[2] if e[1] == merged_key else e[1] for e in merged_edges})
    if survivor_key in shows:
        raise MergeRefused(
            f"{merged_key} and {survivor_key} are linked to each other (an episode and its "
            f"series?): they are two {label.lower()}s, so they are not merged"
        )
    survivor_edges = _edges(backend, label, survivor_key, shows) if shows else []
    plan = MergePlan(
        label,
        survivor,
        merged,
        shows,
        survivor_edges + merged_edges,
        {},
        {},
        {},
        [],
        {},
        {},
        [],
        [],
    )
    counts = _plan_provenance(backend, plan, {_identity(e) for e in merged_edges})
    _plan_edges(plan, counts)
    _plan_survivor(backend, plan)
    _plan_aliases(backend, plan)
    return plan


def _node(backend: Backend, label: str, key: str) -> dict[str, Any]:
    rows = backend.run_read(_NODE.format(label=label), {"key": key}, max_rows=0).rows
    if not rows:
        raise MergeRefused(f"no {label.lower()} has the key {key!r}")
    return dict(rows[0][0])


def _edges(backend: Backend, label: str, key: str, shows: list[str] | None) -> list[list[Any]]:
    rows = backend.run_read(
        _EDGES.format(label=label), {"key": key, "shows": shows}, max_rows=0
    ).rows
    return [[rel_type, start, end, dict(props or {})] for rel_type, start, end, props in rows]


def _check_identifiers(label: str, survivor: dict[str, Any], merged: dict[str, Any]) -> None:
    """Two different identifiers of one scheme name two entities at their source: a merge
    would contradict it (and the next load by identifier would split them again)."""
    by_scheme: dict[str, set[str]] = {}
    for text in survivor.get("ids") or []:
        by_scheme.setdefault(text.partition(":")[0], set()).add(text)
    for text in merged.get("ids") or []:
        theirs = by_scheme.get(text.partition(":")[0], set())
        if theirs and text not in theirs:
            raise MergeRefused(
                f"{survivor['key']} ({', '.join(sorted(theirs))}) and {merged['key']} ({text}) "
                f"have different identifiers of one scheme: their source says they are two "
                f"{label.lower()}s, so they are not merged (correct the identifier at the "
                "source if it is wrong)"
            )


def _plan_provenance(
    backend: Backend, plan: MergePlan, merged_identities: set[str]
) -> Counter[str]:
    """The Assertions naming the merged entity (its edges; for a show, also the
    Assertions about it, which become the survivor's), and their listings' mentions and
    shows, with the merged key replaced by the survivor's; returns how many listings
    assert each edge of the neighbours once merged."""
    counts: Counter[str] = Counter()
    is_show = plan.label == Label.SHOW.value
    about = sorted({*plan.shows, plan.merged_key, plan.survivor_key}) if is_show else plan.shows
    if not about:
        return counts
    every: dict[str, list[str]] = {}
    moved: dict[str, set[str]] = {}  # after key: edges, of the Assertions that change
    for key, listing, show, edges in backend.run_read(
        _ASSERTIONS, {"shows": about}, max_rows=0
    ).rows:
        edges = list(edges or [])
        every[key] = edges
        if (is_show and show == plan.merged_key) or merged_identities & set(edges):
            plan.assertions_before[key] = edges
            after = assertion_key(listing, plan.survivor_key if show == plan.merged_key else show)
            moved.setdefault(after, set()).update(_rekey(e, plan) for e in edges)
    for key in moved:  # a listing naming both shows: its Assertion on the survivor joins
        if key in every and key not in plan.assertions_before:
            plan.assertions_before[key] = every[key]
            moved[key].update(every[key])
    plan.assertions_after = {key: sorted(edges) for key, edges in moved.items()}
    listings = sorted({_listing_of(key) for key in plan.assertions_before})
    mentioned = f"{plan.label}{SEP}{plan.merged_key}{SEP}"
    for key, mentions in backend.run_read(_MENTIONS, {"keys": listings}, max_rows=0).rows:
        if any(m.startswith(mentioned) for m in mentions or []):
            plan.listings_before[key] = list(mentions)
            plan.listings_after[key] = sorted(
                {
                    f"{plan.label}{SEP}{plan.survivor_key}{SEP}{m[len(mentioned) :]}"
                    if m.startswith(mentioned)
                    else m
                    for m in mentions
                }
            )
    if is_show:
        for key, shows in backend.run_read(_LISTING_SHOWS, {"keys": listings}, max_rows=0).rows:
            if plan.merged_key in (shows or []):
                plan.listing_shows_before[key] = list(shows)
                swapped = [plan.survivor_key if s == plan.merged_key else s for s in shows]
                plan.listing_shows_after[key] = list(dict.fromkeys(swapped))
    gone = set(plan.assertions_before) - set(plan.assertions_after)
    for key, edges in every.items():
        if key not in gone:
            counts.update(plan.assertions_after.get(key, edges))
    for key in set(plan.assertions_after) - set(every):
        counts.update(plan.assertions_after[key])
    return counts


def _listing_of(assertion: str) -> str:
    return assertion.rpartition("\t")[0]


def _show_of(assertion: str) -> str:
    return assertion.rpartition("\t")[2]


def _plan_edges(plan: MergePlan, counted: Counter[str]) -> None:
    """The survivor's edges to the merged entity's shows: both entities' edges, an edge
    they both had once, with what both said (characters, jobs, first billing)."""
    after: dict[str, list[Any]] = {}
    for edge in plan.edges_before:
        identity = _rekey(_identity(edge), plan)
        rel_type, start, end, props = edge
        start = plan.survivor_key if start == plan.merged_key else start
        end = plan.survivor_key if end == plan.merged_key else end
        said = {k: v for k, v in props.items() if k != ASSERTED_BY}
        if identity in after:
            after[identity][3] = merged_edge_properties(after[identity][3], said)
        else:
            after[identity] = [rel_type, start, end, said]
    for identity, edge in after.items():
        before = sum(
            (e[3].get(ASSERTED_BY) or 0)
            for e in plan.edges_before
            if _rekey(_identity(e), plan) == identity
        )
        edge[3][ASSERTED_BY] = counted.get(identity) or before
    plan.edges_after = sorted(after.values(), key=lambda e: _identity(e))


def _plan_survivor(backend: Backend, plan: MergePlan) -> None:
    """The survivor's properties once merged: its spellings and the merged entity's, the
    most attested displayed; identifiers and details it lacked taken from the merged; a
    show's alternate titles joined, and how many listings name it counted again."""
    label, display = plan.label, DISPLAY[plan.label]
    survivor, merged = plan.survivor, plan.merged
    is_show = label == Label.SHOW.value
    unvoted = [node["key"] for node in (survivor, merged) if not node.get("votes")]
    if is_show:  # every listing naming a show without votes spelled it as its title
        naming = {node["key"]: node.get(ASSERTED_BY) or 1 for node in (survivor, merged)}
    else:
        naming = SpellingBook(backend).listings_naming(label, unvoted) if unvoted else {}
    votes = Counter(_votes(survivor, display, naming.get(survivor["key"], 1)))
    votes.update(_votes(merged, display, naming.get(merged["key"], 1)))
    after = dict(survivor)
    for name, value in merged.items():
        if name not in after and name not in _NOT_TAKEN:
            after[name] = value
    for name in _JOINED_LISTS:
        joined = list(dict.fromkeys([*(survivor.get(name) or []), *(merged.get(name) or [])]))
        if joined:
            after[name] = joined
    ids = list(survivor.get("ids") or [])
    ids += [text for text in merged.get("ids") or [] if text not in ids]
    if ids:
        after["ids"] = ids
    name = best(dict(votes)) if len(votes) > 1 else str(survivor.get(display) or "")
    after[display] = name
    if len(votes) > 1:
        after["votes"] = votes_to_text(votes)
    spellings = sorted(votes, key=lambda s: (s != name, -votes[s], s))
    words = [normalize_name(s) for s in spellings]
    if is_show:  # a show's search text also covers its alternate titles
        words += [node.get("search_text") or "" for node in (survivor, merged)]
        naming_now = {
            _listing_of(key) for key in plan.assertions_after if _show_of(key) == plan.survivor_key
        }
        untouched = _listings_about(backend, plan.survivor_key) - {
            _listing_of(key) for key in plan.assertions_before
        }
        after[ASSERTED_BY] = len(naming_now | untouched)
    after["search_text"] = " ".join(dict.fromkeys(w for w in words if w))
    plan.survivor_after = after


def _listings_about(backend: Backend, show: str) -> set[str]:
    rows = backend.run_read(_ASSERTIONS, {"shows": [show]}, max_rows=0).rows
    return {listing for _key, listing, _show, _edges in rows}


def _name_keys(label: str, node: dict[str, Any]) -> set[str]:
    """Every name key a load could give this entity: its key, the key its name gives, and
    that of each spelling listings used."""
    key_of = MERGEABLE[label]
    keys = {node["key"], node.get(NAME_KEY)} | {
        key_of(spelling, node) for spelling in _votes(node, DISPLAY[label])
    }
    return {key for key in keys if key}


def _alias_titles(label: str, node: dict[str, Any]) -> dict[str, str]:
    """For a show, the title without a year (`title_key`) behind each of its name keys: a
    listing giving that title without a year meant this show when it was the only one of
    its title, so the alias keeps the title for the loaders' yearless rule
    (loaders/yearless.py). Other labels have no titles."""
    if label != Label.SHOW.value:
        return {}
    titles = {node["key"]: node.get("title_key"), node.get(NAME_KEY): node.get("title_key")}
    titles.update(
        {
            _show_name_key(spelling, node): show_key(spelling)
            for spelling in _votes(node, DISPLAY[label])
        }
    )
    return {key: title for key, title in titles.items() if key and title}


def _plan_aliases(backend: Backend, plan: MergePlan) -> None:
    label = plan.label
    wanted = sorted(_name_keys(label, plan.merged) - _name_keys(label, plan.survivor))
    taken = {
        key
        for key, _into in backend.run_read(
            _ALIASES_BY_KEY, {"keys": [alias_key(label, k) for k in wanted]}, max_rows=0
        ).rows
    }
    plan.aliases = [k for k in wanted if alias_key(label, k) not in taken]
    plan.repointed = sorted(
        row[0]
        for row in backend.run_read(
            _ALIASES_INTO, {"label": label, "key": plan.merged_key}, max_rows=0
        ).rows
    )


# -- writing ----------------------------------------------------------------------


def _edge_statements(label: str, edges: list[list[Any]]) -> list[tuple[str, Mapping[str, Any]]]:
    by_type: dict[str, list[list[Any]]] = {}
    for rel_type, start, end, props in edges:
        by_type.setdefault(rel_type, []).append([start, end, props])
    statements: list[tuple[str, Mapping[str, Any]]] = []
    for rel_type, rows in sorted(by_type.items()):
        start_label, end_label = RELATIONSHIPS[RelType(rel_type)]
        statements.append(
            (
                _CREATE_EDGES.format(start=start_label, end=end_label, type=rel_type),
                {"rows": rows},
            )
        )
    return statements


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def _forward(plan: MergePlan, decision_id: str) -> list[tuple[str, Mapping[str, Any]]]:
    """The statements of a merge. Each sets absolute values (deletes what is there,
    creates what was deleted first, MERGEs aliases), so the list applied again from its
    start, whatever part of it (or of its split) was applied, ends in the merged graph."""
    label, nodes = plan.label, {"label": plan.label}
    titles = _alias_titles(label, plan.merged)
    return [
        (_DELETE_NODE.format(**nodes), {"key": plan.merged_key}),
        (_DELETE_EDGES.format(**nodes), {"key": plan.survivor_key, "shows": plan.shows}),
        (_SET_NODE.format(**nodes), {"key": plan.survivor_key, "properties": plan.survivor_after}),
        *_edge_statements(label, plan.edges_after),
        *_recounts(plan),
        *_assertion_statements(plan.assertions_before, plan.assertions_after),
        (_SET_MENTIONS, {"rows": [list(i) for i in plan.listings_after.items()]}),
        (_SET_LISTING_SHOWS, {"rows": [list(i) for i in plan.listing_shows_after.items()]}),
        (
            _PUT_ALIASES,
            {
                "rows": [[alias_key(label, k), k, titles.get(k)] for k in plan.aliases],
                "label": label,
                "into": plan.survivor_key,
                "decision": decision_id,
            },
        ),
        (_POINT_ALIASES, {"keys": plan.repointed, "into": plan.survivor_key}),
    ]


def _backward(plan: MergePlan) -> list[tuple[str, Mapping[str, Any]]]:
    """The statements of a split: the before-images, each set absolutely, so the list
    applied again from its start, after any part of it or of the merge, ends in the graph
    of before the merge."""
    label, nodes = plan.label, {"label": plan.label}
    return [
        (_DELETE_EDGES.format(**nodes), {"key": plan.survivor_key, "shows": plan.shows}),
        (_DELETE_EDGES.format(**nodes), {"key": plan.merged_key, "shows": plan.shows}),
        (_SET_NODE.format(**nodes), {"key": plan.survivor_key, "properties": plan.survivor}),
        (_PUT_NODE.format(**nodes), {"key": plan.merged_key, "properties": plan.merged}),
        *_edge_statements(label, plan.edges_before),
        *_recounts(plan),
        *_assertion_statements(plan.assertions_after, plan.assertions_before),
        (_SET_MENTIONS, {"rows": [list(i) for i in plan.listings_before.items()]}),
        (_SET_LISTING_SHOWS, {"rows": [list(i) for i in plan.listing_shows_before.items()]}),
        (_DELETE_ALIASES, {"keys": [alias_key(label, k) for k in plan.aliases]}),
        (_POINT_ALIASES, {"keys": plan.repointed, "into": plan.merged_key}),
    ]


def _recounts(plan: MergePlan) -> list[tuple[str, Mapping[str, Any]]]:
    """Degree recounts of the people, companies and genres at either end of the edges the
    merge rewrites (the two entities themselves, for those labels)."""
    hubs: dict[str, set[str]] = {label: set() for label in DEGREES}
    if plan.label in DEGREES:
        hubs[plan.label] |= {plan.survivor_key, plan.merged_key}
    for rel_type, start, end, _props in (*plan.edges_before, *plan.edges_after):
        start_label, end_label = RELATIONSHIPS[RelType(rel_type)]
        for label, key in ((start_label.value, start), (end_label.value, end)):
            if label in hubs:
                hubs[label].add(key)
    return [(DEGREES[label], {"keys": sorted(keys)}) for label, keys in hubs.items() if keys]


def _assertion_statements(
    old: dict[str, list[str]], new: dict[str, list[str]]
) -> list[tuple[str, Mapping[str, Any]]]:
    """From one set of Assertions to the other: those only in `old` deleted, `new` set."""
    rows = [[key, _listing_of(key), _show_of(key), edges] for key, edges in new.items()]
    return [
        (_DELETE_ASSERTIONS, {"keys": sorted(set(old) - set(new))}),
        (_PUT_ASSERTIONS, {"rows": rows}),
    ]


# Called with each statement's number once it is applied (tests stop a merge midway).
OnStep = Callable[[int], None]


def _apply(
    backend: Backend, statements: list[tuple[str, Mapping[str, Any]]], on_step: OnStep | None
) -> None:
    """One statement per write: each applies whole or not at all on both engines (a
    FalkorDB MULTI block does not roll back), and the journal covers the rest."""
    for number, (cypher, params) in enumerate(statements, start=1):
        backend.run_write(cypher, params)
        if on_step is not None:
            on_step(number)


def _set_decision(backend: Backend, decision_id: str, properties: dict[str, Any]) -> None:
    backend.run_write(_RECORD_MORE, {"key": decision_id, "properties": properties})


def _take_back(backend: Backend, steps: list[tuple[str, Mapping[str, Any]]]) -> bool:
    """After an error midway: the other direction's statements, so the graph is as
    before. False when that fails too: the journal stays for the next run to finish."""
    try:
        _apply(backend, steps, None)
    except Exception:  # the first error is the one to report
        return False
    return True


def merge_entities(
    backend: Backend,
    label: str,
    survivor_key: str,
    merged_key: str,
    origin: LoadOrigin | None = None,
    why: str | None = None,
    on_step: OnStep | None = None,
) -> dict[str, Any]:
    """Merge `merged_key` into `survivor_key` and record the decision; returns it (its id,
    who, when, and the preview of what moved). Runs while no load writes.

    The decision, with every image its statements need both ways, is written first
    (status `merging`); the statements then apply one by one. Stopped by an error, the
    merge is taken back (status `failed`) and the error raised; killed, it is finished by
    the next merge or split (`finish_interrupted`)."""
    origin = origin or LoadOrigin()
    with backend.one_load_at_a_time():
        finish_interrupted(backend)
        plan = plan_merge(backend, label, survivor_key, merged_key)
        decision_id = new_load_id()
        preview = plan.preview()
        record = {
            "key": decision_id,
            "kind": MERGE,
            "status": MERGING,
            "label": label,
            "survivor": survivor_key,
            "merged": merged_key,
            "survivor_name": preview["survivor"]["name"],
            "merged_name": preview["merged"]["name"],
            "by": origin.by,
            "via": origin.via,
            "at": _now(),
            "why": why or None,
            "summary": canonical(preview),
            "images": canonical(asdict(plan)),
        }
        backend.run_write(_RECORD, {"properties": {k: v for k, v in record.items() if v}})
        try:
            _apply(backend, _forward(plan, decision_id), on_step)
        except Exception as exc:
            if _take_back(backend, _backward(plan)):
                _set_decision(backend, decision_id, {"status": FAILED, "error": str(exc)})
            raise
        _set_decision(backend, decision_id, {"status": MERGED, "after": _state(backend, plan)})
    return {"id": decision_id, **{k: record[k] for k in ("by", "via", "at", "why")}, **preview}


def finish_interrupted(backend: Backend) -> list[dict[str, Any]]:
    """Finish the decisions stopped midway (killed while their statements applied), as
    they were going: a merge is completed, a split too. Run under the load lock; returns
    them, finished."""
    finished = []
    rows = backend.run_read(_UNFINISHED, {"statuses": list(UNFINISHED)}, max_rows=0).rows
    for decision in sorted((dict(row[0]) for row in rows), key=lambda d: d["key"]):
        plan = _plan_of(decision)
        if decision["status"] == MERGING:
            _apply(backend, _forward(plan, decision["key"]), None)
            done = {"status": MERGED, "after": _state(backend, plan)}
        else:
            _apply(backend, _backward(plan), None)
            done = {"status": SPLIT}
        _set_decision(backend, decision["key"], done)
        finished.append({**decision, **done, "id": decision["key"]})
    return finished


def finish_decisions(backend: Backend) -> list[dict[str, Any]]:
    """`finish_interrupted` under the load lock (`screengraph decisions --finish`)."""
    with backend.one_load_at_a_time():
        return finish_interrupted(backend)


def _plan_of(decision: dict[str, Any]) -> MergePlan:
    """The plan a decision journalled (decisions of earlier versions kept only the
    before-images: enough to split them)."""
    images = json.loads(decision["images"])
    return MergePlan(**{"survivor_after": {}, "edges_after": [], **images})


def _state(backend: Backend, plan: MergePlan) -> str:
    """A digest of what the merge wrote, as the store holds it now: a split restores the
    images only while this is unchanged."""
    label, key = plan.label, plan.survivor_key
    rows = backend.run_read(_NODE.format(label=label), {"key": key}, max_rows=0).rows
    edges = _edges(backend, label, key, plan.shows) if plan.shows and rows else []
    assertions = backend.run_read(
        _ASSERTIONS_BY_KEY, {"keys": sorted(plan.assertions_after)}, max_rows=0
    ).rows
    mentions = backend.run_read(_MENTIONS, {"keys": sorted(plan.listings_after)}, max_rows=0).rows
    aliases = backend.run_read(
        _ALIASES_BY_KEY,
        {"keys": sorted(alias_key(label, k) for k in (*plan.aliases, *plan.repointed))},
        max_rows=0,
    ).rows
    state = [
        dict(rows[0][0]) if rows else None,
        sorted(canonical(edge) for edge in edges),
        sorted([k, sorted(v or [])] for k, v in assertions),
        sorted([k, v] for k, v in mentions),
        sorted([k, v] for k, v in aliases),
    ]
    if plan.listing_shows_after:  # a show merge: the shows its listings name
        shown = backend.run_read(
            _LISTING_SHOWS, {"keys": sorted(plan.listing_shows_after)}, max_rows=0
        ).rows
        state.append(sorted([k, v] for k, v in shown))
    text = canonical(state)
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()


def _merged_decision(backend: Backend, decision_id: str) -> tuple[dict[str, Any], MergePlan]:
    """A merge in force and its plan, or MergeRefused saying why it cannot be split."""
    decision = find_decision(backend, decision_id)
    if decision.get("kind") != MERGE or decision.get("status") != MERGED:
        if decision.get("status") == FAILED:
            raise MergeRefused(
                f"decision {decision['id']} was stopped by an error and taken back: "
                f"nothing to split ({decision.get('error')})"
            )
        raise MergeRefused(
            f"decision {decision['id']} was already split "
            f"(at {decision.get('split_at')} by {decision.get('split_by')})"
        )
    return decision, _plan_of(decision)


def split_preview(backend: Backend, decision_id: str) -> dict[str, Any]:
    """What a split would give back, for the maintainer to confirm; MergeRefused when it
    cannot be split (already split, or changed since)."""
    decision, plan = _merged_decision(backend, decision_id)
    _check_unchanged(backend, plan, decision)
    back = [e for e in plan.edges_before if plan.merged_key in (e[1], e[2])]
    return {
        "decision": decision["id"],
        "label": plan.label,
        "survivor": _entity(plan.label, plan.survivor),
        "merged": _entity(plan.label, plan.merged),
        "credits_back": len(back),
        "identifiers_back": list(plan.merged.get("ids") or []),
        "spellings_back": sorted(_votes(plan.merged, DISPLAY[plan.label])),
        "aliases_removed": plan.aliases,
    }


def split_decision(
    backend: Backend,
    decision_id: str,
    origin: LoadOrigin | None = None,
    why: str | None = None,
    on_step: OnStep | None = None,
) -> dict[str, Any]:
    """Undo a merge exactly: both entities, their credits, identifiers and spellings, and
    the provenance it rewrote, as they were before it; its aliases removed. Journalled as
    a merge is (status `splitting` while its statements apply)."""
    origin = origin or LoadOrigin()
    with backend.one_load_at_a_time():
        finish_interrupted(backend)
        decision, plan = _merged_decision(backend, decision_id)
        _check_unchanged(backend, plan, decision)
        who = {
            "split_at": _now(),
            "split_by": origin.by,
            "split_via": origin.via,
            "split_why": why or None,
        }
        _set_decision(
            backend,
            decision["id"],
            {"status": SPLITTING, **{k: v for k, v in who.items() if v}},
        )
        try:
            _apply(backend, _backward(plan), on_step)
        except Exception:
            if plan.survivor_after and _take_back(backend, _forward(plan, decision["id"])):
                _set_decision(backend, decision["id"], {"status": MERGED, **dict.fromkeys(who)})
            raise
        _set_decision(backend, decision["id"], {"status": SPLIT})
    return find_decision(backend, decision["id"]) | {"images": None, "after": None}


def _check_unchanged(backend: Backend, plan: MergePlan, decision: dict[str, Any]) -> None:
    label = plan.label
    if backend.run_read(_NODE.format(label=label), {"key": plan.merged_key}, max_rows=0).rows:
        raise MergeRefused(
            f"a {label.lower()} with the key {plan.merged_key} exists again: splitting "
            f"decision {decision['id']} would make two; merge them first"
        )
    later = [
        f"load {row[0]}"
        for row in backend.run_read(_LATER_LOADS, {"key": decision["id"]}, max_rows=0).rows
    ] + [
        f"decision {row[0]}"
        for row in backend.run_read(_LATER_DECISIONS, {"key": decision["id"]}, max_rows=0).rows
    ]
    # Without the digest (the process stopped right after the merge), only a store that
    # nothing has written to since can be known unchanged.
    if _state(backend, plan) == decision.get("after") or (
        decision.get("after") is None and not later
    ):
        return
    raise MergeRefused(
        f"{plan.survivor_key} has changed since decision {decision['id']} merged "
        f"{plan.merged_key} into it"
        + (f" (since then: {', '.join(later)})" if later else "")
        + ": a split would lose those changes. Undo them first (`screengraph undo LOAD`, "
        "`screengraph split DECISION`), then split this one"
    )
