"""Near-misses: the existing entities a new name is close to ("Matthieu Kassovitz" would be
new beside "Mathieu Kassovitz"; "Universal Pictures" beside "Universal").

Candidates come from the store's full-text index (Backend.fulltext_search, one engine's
index or the other's): the whole name (every word exact, a prefix, or one edit away), and
each word of three letters or more on its own (so "Universal Pictures" finds
"Universal", and "J. Smith" finds "John Smith"), at most CANDIDATES_PER_QUERY each. Nothing
scans a label: the cost is a few indexed reads per distinct word, whatever the store's
size. The candidates are then scored by queries/similarity.py, the measure the duplicate
finder uses.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from typing import NamedTuple

from screengraph.graph.backend import Backend
from screengraph.graph.keys import normalize_name, parse_show_title
from screengraph.graph.schema import Label
from screengraph.queries.similarity import likeness

NEAR_MISS_MIN = 0.85
CANDIDATES_PER_QUERY = 30
SHOWN = 3
_SHORTEST_WORD = 3


class NearMiss(NamedTuple):
    key: str
    name: str
    score: float
    reason: str


def near_misses(
    backend: Backend, label: str, names: dict[str, tuple[str, ...]]
) -> dict[str, list[NearMiss]]:
    """For each new name (with its identifiers), the closest existing entities of `label`,
    best first (at most SHOWN); names with none are left out."""
    queries: dict[str, set[str]] = defaultdict(set)  # query text -> names asking it
    for name in names:
        for text in _queries(name):
            queries[text].add(name)
    found: dict[str, dict[str, dict]] = defaultdict(dict)  # name -> key -> node
    for text, asking in queries.items():
        for node, _score in backend.fulltext_search(text, [label], CANDIDATES_PER_QUERY).rows:
            for name in asking:
                found[name][node["key"]] = node
    company = label == Label.COMPANY.value
    out: dict[str, list[NearMiss]] = {}
    for name, ids in names.items():
        close = []
        for key, node in found.get(name, {}).items():
            props = node["properties"]
            other = props.get("title") or props.get("name") or key
            if not _comparable(label, name, ids, other, props.get("ids") or []):
                continue
            alike = likeness(name, other, company=company)
            if alike.score >= NEAR_MISS_MIN:
                close.append(NearMiss(key, other, alike.score, alike.reason))
        if close:
            close.sort(key=lambda miss: (-miss.score, miss.key))
            out[name] = close[:SHOWN]
    return out


def _queries(name: str) -> Iterable[str]:
    text = normalize_name(name)
    if not text:
        return
    yield text
    words = [word for word in text.split() if len(word) >= _SHORTEST_WORD]
    if len(words) > 1 or (words and words[0] != text):
        yield from dict.fromkeys(words)


def _comparable(
    label: str, name: str, ids: tuple[str, ...], other: str, other_ids: list[str]
) -> bool:
    """False for what the key rules already tell apart: another identifier of the same
    scheme (a namesake), and for shows the same title (a remake: its year differs) or
    another season."""
    schemes = {text.partition(":")[0]: text for text in ids}
    if any(schemes.get(text.partition(":")[0], text) != text for text in other_ids):
        return False
    if label == Label.SHOW.value:
        if normalize_name(name) == normalize_name(other):
            return False
        if parse_show_title(name).season != parse_show_title(other).season:
            return False
    return True
