"""The duplicate finder: pairs of people (companies, shows) that are likely one entity
though the key rules kept them apart: typos, transpositions, initials, transliterations,
word order, company suffixes (queries/similarity.py says how alike two names are).

Every name of the label is read once, by key pages; pairs are only compared inside
blocks (names sharing a blocking key: the same folded words in any order; the first
word's initial and the last word; the first word and the last word's initial), and in
blocks of more than PREFILTERED names only pairs that rapidfuzz's vectorised ratio keeps
are compared. So the work grows with the names and their blocks, not with their square.
The pairs close enough to be proposed are then weighed with evidence read from the graph
for them alone: shows they share, collaborators (or people, for companies and shows)
they share, years that overlap. Two nodes with different identifiers of one scheme
(two IMDb ids) are different entities and are never proposed; two shows with known
years more than a year apart are remakes, two seasons or episodes of different numbers
are different shows.
"""

from __future__ import annotations

import time
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import asdict, dataclass, field
from itertools import combinations
from typing import Any

from rapidfuzz import fuzz, process

from screengraph.graph.backend import Backend
from screengraph.graph.schema import DISPLAY, Label
from screengraph.queries.errors import QueryParameterError
from screengraph.queries.similarity import Likeness, core_words, likeness

LABELS = (Label.PERSON.value, Label.COMPANY.value, Label.SHOW.value)
DEFAULT_MIN_SCORE = 0.9
# Names read per page, and how long one page may take (a full label is read).
PAGE = 20_000
READ_LIMIT_MS = 600_000
# Blocks bigger than this are compared through rapidfuzz's vectorised ratio first, and
# pairs below PREFILTER_RATIO (0..100) are not compared further.
PREFILTERED = 12
PREFILTER_RATIO = 75
# A block bigger than this (a name shared by thousands) is skipped, and counted.
BLOCK_MAX = 5_000
# What evidence adds to how alike the names are: each shared show, each shared
# neighbour (collaborator), overlapping years (weak: careers overlap by chance); and at
# most, in all. Names with nothing shared in the graph count a little less: distinct
# people one letter apart ("Rani" and "Ravi Tonvax") are common, and only the graph tells
# them from a typo (benchmarks/duplicates.py: at 0.02 per overlap and no discount,
# precision was 0.92 at the default least score).
SHARED_SHOW_BONUS, SHARED_SHOWS_MAX = 0.05, 0.10
SHARED_NEIGHBOUR_BONUS, SHARED_NEIGHBOURS_MAX = 0.02, 0.08
YEARS_OVERLAP_BONUS = 0.01
NAMES_ONLY_DISCOUNT = 0.04
MAX_BONUS = SHARED_SHOWS_MAX + SHARED_NEIGHBOURS_MAX + YEARS_OVERLAP_BONUS
EVIDENCE_BATCH = 500
SHOWN_TITLES = 3

# What the finder reads of each node, after its key (Backend.keyed_pages).
_NAMES = "n.{display}, coalesce(n.ids, []), n.year, n.season, n.episode_number, n.kind"
# Per node: the shows it is on, their years, and its neighbours of the kind that says
# two nodes are one (people on the same shows; for a show, its people and companies).
# Columns are named: FalkorDB refuses two unnamed `[]` columns (the same name twice).
_EVIDENCE = {
    Label.PERSON.value: (
        "UNWIND $keys AS k MATCH (p:Person {key: k})-->(s:Show) "
        "OPTIONAL MATCH (s)<--(c:Person) WHERE c <> p "
        "RETURN k, collect(DISTINCT s.key), collect(DISTINCT s.title), "
        "collect(DISTINCT s.year), collect(DISTINCT c.key)"
    ),
    Label.COMPANY.value: (
        "UNWIND $keys AS k MATCH (c:Company {key: k})<-[:MADE_BY]-(s:Show) "
        "OPTIONAL MATCH (s)<--(p:Person) "
        "RETURN k, collect(DISTINCT s.key), collect(DISTINCT s.title), "
        "collect(DISTINCT s.year), collect(DISTINCT p.key)"
    ),
    Label.SHOW.value: (
        "UNWIND $keys AS k MATCH (s:Show {key: k}) "
        "OPTIONAL MATCH (s)--(n) WHERE n:Person OR n:Company "
        "RETURN k, [] AS shows, [] AS titles, [s.year] AS years, "
        "collect(DISTINCT n.key) AS neighbours"
    ),
}


@dataclass(frozen=True)
class Named:
    """One node as the finder sees it."""

    key: str
    name: str
    ids: tuple[str, ...]
    year: int | None = None
    season: int | None = None
    episode: int | None = None
    episode_kind: bool = False

    def schemes(self) -> dict[str, set[str]]:
        found: dict[str, set[str]] = defaultdict(set)
        for text in self.ids:
            scheme, _, value = text.partition(":")
            found[scheme].add(value)
        return found


@dataclass
class Evidence:
    shared_shows: int = 0
    shared_show_titles: list[str] = field(default_factory=list)
    shared_neighbours: int = 0
    years_overlap: bool = False

    def bonus(self) -> float:
        if not (self.shared_shows or self.shared_neighbours):
            return (YEARS_OVERLAP_BONUS if self.years_overlap else 0.0) - NAMES_ONLY_DISCOUNT
        return (
            min(SHARED_SHOWS_MAX, self.shared_shows * SHARED_SHOW_BONUS)
            + min(SHARED_NEIGHBOURS_MAX, self.shared_neighbours * SHARED_NEIGHBOUR_BONUS)
            + (YEARS_OVERLAP_BONUS if self.years_overlap else 0.0)
        )


@dataclass
class DuplicatePair:
    label: str
    a: dict[str, Any]
    b: dict[str, Any]
    score: float
    names_score: float
    reason: str
    evidence: Evidence

    def to_json(self) -> dict:
        return asdict(self)


@dataclass
class DuplicatesReport:
    label: str
    min_score: float
    pairs: list[DuplicatePair]
    examined: int  # nodes read
    compared: int  # pairs whose names were compared
    skipped_blocks: int  # blocks over BLOCK_MAX names, not compared
    seconds: float

    def to_json(self) -> dict:
        return {
            "label": self.label,
            "min_score": self.min_score,
            "examined": self.examined,
            "compared": self.compared,
            "skipped_blocks": self.skipped_blocks,
            "seconds": round(self.seconds, 3),
            "pairs": [pair.to_json() for pair in self.pairs],
        }


def check_duplicate_label(label: str) -> str:
    found = {name.lower(): name for name in LABELS}.get(str(label).strip().lower())
    if found is None:
        raise QueryParameterError(
            f"duplicates are looked for among {', '.join(LABELS)}; {label!r} is not one of them"
        )
    return found


def find_duplicates(
    backend: Backend,
    label: str = Label.PERSON.value,
    min_score: float = DEFAULT_MIN_SCORE,
    limit: int | None = None,
) -> DuplicatesReport:
    """Likely duplicates among the nodes of `label`, best first, each scoring at least
    `min_score` (how alike the names are, 0..1, plus evidence up to MAX_BONUS)."""
    label = check_duplicate_label(label)
    if not 0.0 < min_score <= 1.0 + MAX_BONUS:
        raise QueryParameterError(f"min_score must be above 0 and at most {1 + MAX_BONUS:g}")
    started = time.perf_counter()
    nodes = list(read_named(backend, label))
    company = label == Label.COMPANY.value
    words = [core_words(node.name, company) for node in nodes]
    candidates, compared, skipped = _candidate_pairs(words)
    close: list[tuple[int, int, Likeness]] = []
    for i, j in candidates:
        if not _may_be_one(nodes[i], nodes[j]):
            continue
        alike = likeness(nodes[i].name, nodes[j].name, company=company)
        if alike.score + MAX_BONUS >= min_score:
            close.append((i, j, alike))
    involved = sorted({nodes[k].key for i, j, _ in close for k in (i, j)})
    facts = _facts(backend, label, involved)
    pairs = []
    for i, j, alike in close:
        evidence = _evidence(facts.get(nodes[i].key), facts.get(nodes[j].key))
        score = round(alike.score + evidence.bonus(), 4)
        if score >= min_score:
            pairs.append(
                DuplicatePair(
                    label,
                    _shown(nodes[i]),
                    _shown(nodes[j]),
                    score,
                    alike.score,
                    alike.reason,
                    evidence,
                )
            )
    pairs.sort(key=lambda p: (-p.score, -p.names_score, p.a["key"], p.b["key"]))
    return DuplicatesReport(
        label,
        min_score,
        pairs[:limit] if limit else pairs,
        len(nodes),
        compared,
        skipped,
        time.perf_counter() - started,
    )


def read_named(backend: Backend, label: str) -> Iterator[Named]:
    """Every node of `label` with its name, in pages of PAGE in key order."""
    returns = _NAMES.format(display=DISPLAY[Label(label)])
    for rows in backend.keyed_pages(label, returns, PAGE, timeout_ms=READ_LIMIT_MS):
        for key, name, ids, year, season, episode, kind in rows:
            yield Named(
                key,
                name or key,
                tuple(ids),
                year,
                season,
                episode,
                "episode" in str(kind or "").lower(),
            )


def block_keys(words: tuple[str, ...]) -> Iterator[str]:
    """The blocks a name is compared within (see the module's docstring)."""
    if not words:
        return
    yield "S" + " ".join(sorted(words))
    first, last = words[0], words[-1]
    if len(words) > 1:
        yield f"F{first[0]}|{last}"
        yield f"L{first}|{last[0]}"
    else:
        yield f"P{first[:3]}"


def _candidate_pairs(words: list[tuple[str, ...]]) -> tuple[set[tuple[int, int]], int, int]:
    blocks: dict[str, list[int]] = defaultdict(list)
    for index, name_words in enumerate(words):
        for key in block_keys(name_words):
            blocks[key].append(index)
    pairs: set[tuple[int, int]] = set()
    skipped = 0
    for key, members in blocks.items():
        if len(members) < 2:
            continue
        if len(members) > BLOCK_MAX:
            skipped += 1
            continue
        if key.startswith("S") or len(members) <= PREFILTERED:
            pairs.update(combinations(members, 2))  # members are in ascending order
            continue
        texts = [" ".join(words[m]) for m in members]
        scores = process.cdist(
            texts, texts, scorer=fuzz.ratio, score_cutoff=PREFILTER_RATIO, dtype="uint8"
        )
        for i, j in zip(*scores.nonzero()):
            if i < j:
                pairs.add((members[i], members[j]))
    return pairs, len(pairs), skipped


def _may_be_one(a: Named, b: Named) -> bool:
    """False when the graph says outright that these are two entities."""
    schemes_a, schemes_b = a.schemes(), b.schemes()
    if any(schemes_a[s].isdisjoint(schemes_b[s]) for s in schemes_a.keys() & schemes_b.keys()):
        return False  # two identifiers of one scheme: two entities
    if a.year is not None and b.year is not None and abs(a.year - b.year) > 1:
        return False  # a remake
    if a.season != b.season or a.episode != b.episode:
        return False
    return not (a.episode_kind and b.episode_kind)


def _facts(backend: Backend, label: str, keys: list[str]) -> dict[str, tuple]:
    """Per key: (show keys, show titles, show years, neighbour keys)."""
    found = {}
    for start in range(0, len(keys), EVIDENCE_BATCH):
        rows = backend.run_read(
            _EVIDENCE[label],
            {"keys": keys[start : start + EVIDENCE_BATCH]},
            max_rows=0,
            timeout_ms=READ_LIMIT_MS,
        ).rows
        for key, shows, titles, years, neighbours in rows:
            found[key] = (shows, titles, [y for y in years if y is not None], set(neighbours))
    return found


def _evidence(a: tuple | None, b: tuple | None) -> Evidence:
    if a is None or b is None:
        return Evidence()
    shared = [title for show, title in zip(a[0], a[1]) if show in set(b[0])]
    years_overlap = bool(a[2] and b[2]) and min(a[2]) <= max(b[2]) and min(b[2]) <= max(a[2])
    return Evidence(len(shared), sorted(shared)[:SHOWN_TITLES], len(a[3] & b[3]), years_overlap)


def _shown(node: Named) -> dict[str, Any]:
    shown: dict[str, Any] = {"key": node.key, "name": node.name, "ids": list(node.ids)}
    if node.year is not None:
        shown["year"] = node.year
    return shown


def pairs_as_keys(pairs: Iterable[DuplicatePair]) -> set[frozenset[str]]:
    """The proposed pairs as unordered key pairs (for comparing with a labelled set)."""
    return {frozenset((pair.a["key"], pair.b["key"])) for pair in pairs}
