"""Spelling votes: which of the spellings listings use for an entity is its display name.

Votes are kept on the node as `votes`, entries "<spelling>\\t<count>": how many
listings wrote the name that way. A show always keeps them. A person, company
or genre keeps them only once a second spelling has turned up: until then every
listing that named it spelled it as its display name, and how many did is the
number of listings on its edges (every listing that names a person, company or
genre gives it an edge), counted only when that second spelling arrives. So the
loader writes nothing to a busy, consistently spelled person as listings keep
naming them.

A `SpellingBook` remembers what the store holds for the entities it has read or
written lately during one load (loaders/remembered.py), so a busy entity is read once
per load, not per batch.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from screengraph.graph.backend import Backend
from screengraph.graph.keys import best_spelling
from screengraph.graph.schema import ASSERTION_LABEL, DISPLAY
from screengraph.loaders.remembered import Remembered

# An edge's identity in Cypher (loaders/plan.py `edge`).
EDGE_IDENTITY = (
    "type(r) + '|' + startNode(r).key + '|' + endNode(r).key + '|' + coalesce(r.role, '')"
)

SEP = "\t"
Votes = dict[str, int]

# One text per node ("<key>\n<name>\n<1 if it keeps votes>\n<vote>\n...": keys and cleaned
# names hold no line breaks) in one record: both drivers pay per record and per value.
_STORED = (
    "UNWIND $keys AS k MATCH (n:{label} {{key: k}}) "
    "RETURN collect(n.key + '\n' + coalesce(n.{display}, '') + '\n' + "
    "CASE WHEN n.votes IS NULL THEN '0' ELSE '1' END + '\n' + "
    "reduce(s = '', v IN coalesce(n.votes, []) | s + v + '\n'))"
)

# How many listings named each entity: the distinct listings asserting its edges (each
# edge of a person, company or genre is filed under the show at its other end). Read
# only when a second spelling first meets an entity.
_LISTINGS_NAMING = (
    "UNWIND $keys AS k MATCH (n:{label} {{key: k}})-[r]-(s:Show) "
    f"WITH k, s, collect({EDGE_IDENTITY}) AS edges "
    f"MATCH (a:{ASSERTION_LABEL} {{{{show: s.key}}}}) "
    "WHERE any(e IN edges WHERE e IN a.edges) "
    "WITH k, count(DISTINCT a.listing) AS listings "
    "RETURN collect(k + '\n' + toString(listings))"
)


@dataclass(frozen=True)
class Stored:
    """An entity as the store holds it: its display name, and its votes (None when
    every listing so far spelled it as its display name; the count is not kept)."""

    name: str
    votes: Votes | None


def votes_from_text(votes: Iterable[str] | None) -> Votes:
    counter: Votes = {}
    for entry in votes or []:
        spelling, _, count = entry.rpartition(SEP)
        counter[spelling] = counter.get(spelling, 0) + int(count)
    return counter


def votes_to_text(votes: Mapping[str, int]) -> list[str]:
    return [f"{spelling}{SEP}{count}" for spelling, count in sorted(votes.items()) if count > 0]


def best(votes: Mapping[str, int]) -> str:
    """best_spelling, without ranking ties when there is nothing to rank (most names)."""
    return next(iter(votes)) if len(votes) == 1 else best_spelling(votes)


def add(stored: Mapping[str, int] | None, delta: Mapping[str, int]) -> Votes:
    """Votes plus a batch's changes, positive counts only."""
    counts = dict(stored) if stored else {}
    for spelling, count in delta.items():
        counts[spelling] = counts.get(spelling, 0) + count
    return {s: c for s, c in counts.items() if c > 0}


def only(name: str, delta: Mapping[str, int]) -> bool:
    """Whether a batch's changes use no spelling but `name`."""
    if len(delta) == 1:  # the usual case, checked without a loop
        return name in delta or not next(iter(delta.values()))
    return all(spelling == name for spelling, count in delta.items() if count)


class SpellingBook:
    """What the store holds for the entities one load has met."""

    def __init__(self, backend: Backend):
        self.backend = backend
        self._known: Remembered[tuple[str, str], Stored] = Remembered()

    def stored(self, label: str, keys: Iterable[str]) -> dict[str, Stored]:
        """These entities as stored; those missing from the answer do not exist."""
        found: dict[str, Stored] = {}
        unknown = []
        for key in keys:
            known = self._known.get((label, key))
            if known is None:
                unknown.append(key)
            else:
                found[key] = known
        if unknown:
            query = _STORED.format(label=label, display=DISPLAY[label])
            for text in (
                self.backend.run_read(query, {"keys": sorted(unknown)}, max_rows=0).value() or []
            ):
                key, name, kept, *votes = text.split("\n")
                stored = Stored(name, votes_from_text(votes[:-1]) if kept == "1" else None)
                found[key] = self.remember(label, key, stored)
        return found

    def listings_naming(self, label: str, keys: list[str]) -> dict[str, int]:
        """How many listings named each of these people, companies or genres."""
        if not keys:
            return {}
        texts = (
            self.backend.run_read(
                _LISTINGS_NAMING.format(label=label), {"keys": keys}, max_rows=0
            ).value()
            or []
        )
        counts = dict.fromkeys(keys, 0)
        for text in texts:
            key, count = text.split("\n")
            counts[key] = int(count)
        return counts

    def remember(self, label: str, key: str, stored: Stored) -> Stored:
        return self._known.remember((label, key), stored)

    def next_batch(self) -> None:
        """A batch is prepared: what the one before the last wrote may now be forgotten."""
        self._known.tick()

    def clear(self) -> None:
        """Forget everything: after a failed write, what was counted as written was not."""
        self._known.clear()

    def forget(self, label: str, key: str) -> None:
        self._known.forget((label, key))
