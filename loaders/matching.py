"""What a dry run says about matching: for every name in the input (shows, people,
companies, genres), whether it joins an existing entity (which one, by which rule) or
creates a new one, with near-misses (queries/near_misses.py) and suspicious values
(loaders/suspicious.py) flagged.

Rules, as the key rules decided them (graph/keys.py):
- `identifier`: the node has one of the identifiers the input gives;
- `exact key`: the name gives the node's key and is spelled as the node's name;
- `folded name`: the name gives the node's key once case, accents and punctuation are
  folded, spelled otherwise (`LEA DRUCKER` joins `Léa Drucker`), or the key rules chose the
  node by its name (a title without a year, an identified record adopting a name-only node);
- `merge decision`: the name was the key (for a show, the title) of an entity a
  maintainer merged into this one (loaders/merge.py left an alias from it);
- `this input`: a node this input creates, named again (perhaps spelled otherwise).
Names are listed up to MATCHES_LISTED (the counts cover more); near-misses are looked up
for listed new names only, with a few indexed reads per batch. What a dry run remembers
is bounded too: past NAMES_EXAMINED distinct names (a dump of millions) the rest are
counted, mention by mention, as `not examined`, so a dry run of IMDb's files keeps its flat memory.
"""

from __future__ import annotations

from collections import Counter
from typing import Any

from screengraph.graph.backend import Backend
from screengraph.graph.keys import alias_key, company_key, person_key, show_key
from screengraph.graph.schema import ALIAS_LABEL, DISPLAY, Label
from screengraph.loaders.plan import Entity, ListingPlan
from screengraph.loaders.suspicious import suspicious_name, suspicious_year
from screengraph.queries.near_misses import near_misses

MATCHES_LISTED = 1000
NAMES_EXAMINED = 200_000
NOT_EXAMINED = "not examined"
JOINS, NEW = "joins", "new"
IDENTIFIER, EXACT, FOLDED, THIS_INPUT = "identifier", "exact key", "folded name", "this input"
MERGE_DECISION = "merge decision"
# The labels a merge can take names from, and the key a spelling gives each (graph/keys.py).
_NAME_KEYS = {Label.PERSON.value: person_key, Label.COMPANY.value: company_key}

_STORED = (
    "UNWIND $keys AS k MATCH (n:{label} {{key: k}}) RETURN k, n.{display}, coalesce(n.ids, [])"
)
# What a merge left for a spelling: an alias of its name key (people, companies), or of
# its title without a year (shows, whatever year the listing gives: loaders/merge.py).
BY_KEY, BY_TITLE = "key", "title"
_ALIASES = {
    BY_KEY: f"UNWIND $keys AS k MATCH (a:{ALIAS_LABEL} {{key: k}}) RETURN a.key, a.into",
    BY_TITLE: (
        f"UNWIND $keys AS k MATCH (a:{ALIAS_LABEL} {{title_key: k}}) "
        f"WHERE a.label = '{Label.SHOW.value}' RETURN k, a.into"
    ),
}


class MatchReport:
    """Filled batch by batch during a dry run (Loader._count); read at its end."""

    def __init__(self, backend: Backend | None):
        self.backend = backend
        self.entries: list[dict[str, Any]] = []
        self.counts: Counter = Counter()
        self.warnings: list[str] = []
        self._seen: set[tuple[str, str, str]] = set()  # (label, key, spelling)
        self._created: set[tuple[str, str]] = set()  # (label, key) this input creates

    def add(self, plans: list[ListingPlan]) -> None:
        named: list[tuple[Entity, tuple[str, ...], ListingPlan]] = []
        for plan in plans:
            self._check_year(plan)
            for entity in (plan.show, *plan.related, *plan.entities):
                seen = (entity.label, entity.key, entity.spelling)
                if seen in self._seen:
                    continue
                if len(self._seen) >= NAMES_EXAMINED:
                    self.counts[NOT_EXAMINED] += 1
                    continue
                self._seen.add(seen)
                ids = tuple(plan.details.get((entity.label, entity.key), ({}, []))[1])
                named.append((entity, ids, plan))
        stored = self._stored({(entity.label, entity.key) for entity, _, _ in named})
        aliases = self._aliases([entity for entity, _, _ in named])
        new: dict[str, dict[str, tuple[str, ...]]] = {}
        listed: list[dict[str, Any]] = []
        for entity, ids, plan in named:
            entry = self._entry(entity, ids, stored.get((entity.label, entity.key)))
            alias = _alias_of(entity)
            if entry["rule"] in (EXACT, FOLDED) and entity.key in aliases.get(alias, ()):
                entry["rule"] = MERGE_DECISION
            self.counts[entry["outcome"]] += 1
            if entry["rule"]:
                self.counts[entry["rule"]] += 1
            if entry["suspicious"]:
                self.counts["suspicious"] += 1
                self.warnings.extend(
                    f"{_where(plan)}: {entity.label} '{entity.spelling}' {reason}"
                    for reason in entry["suspicious"]
                )
            if len(self.entries) + len(listed) >= MATCHES_LISTED:
                continue
            entry["where"] = _where(plan)
            listed.append(entry)
            if entry["outcome"] == NEW:
                new.setdefault(entity.label, {})[entity.spelling] = ids
        self._near_misses(new, listed)
        self.entries.extend(listed)

    def _entry(self, entity: Entity, ids: tuple[str, ...], node: tuple | None) -> dict:
        entry: dict[str, Any] = {
            "label": entity.label,
            "name": entity.spelling,
            "key": entity.key,
            "outcome": NEW,
            "rule": None,
            "existing_name": None,
            "near_misses": [],
            "suspicious": suspicious_name(entity.spelling, title=entity.label == Label.SHOW.value),
        }
        ident = (entity.label, entity.key)
        if node is not None:
            name, node_ids = node
            entry.update(outcome=JOINS, existing_name=name)
            if set(ids) & set(node_ids):
                entry["rule"] = IDENTIFIER
            elif name == entity.spelling:
                entry["rule"] = EXACT
            else:
                entry["rule"] = FOLDED
        elif ident in self._created:
            entry.update(outcome=JOINS, rule=THIS_INPUT)
        else:
            self._created.add(ident)
        return entry

    def _aliases(self, entities: list[Entity]) -> dict[tuple[str, str] | None, set[str]]:
        """(how, alias key) -> survivor keys, for the names of this batch a merge took."""
        wanted = {alias for alias in map(_alias_of, entities) if alias is not None}
        found: dict[tuple[str, str] | None, set[str]] = {}
        if self.backend is None:
            return found
        for how, query in _ALIASES.items():
            keys = sorted(key for each, key in wanted if each == how)
            if keys:
                for key, into in self.backend.run_read(query, {"keys": keys}, max_rows=0).rows:
                    found.setdefault((how, key), set()).add(into)
        return found

    def _stored(self, idents: set[tuple[str, str]]) -> dict[tuple[str, str], tuple]:
        """(label, key) -> (display name, identifiers) of the nodes the store has."""
        if self.backend is None:
            return {}
        found = {}
        for label in {label for label, _ in idents}:
            keys = sorted(key for each, key in idents if each == label)
            query = _STORED.format(label=label, display=DISPLAY[Label(label)])
            for key, name, ids in self.backend.run_read(query, {"keys": keys}, max_rows=0).rows:
                found[(label, key)] = (name, tuple(ids))
        return found

    def _near_misses(
        self, new: dict[str, dict[str, tuple[str, ...]]], listed: list[dict[str, Any]]
    ) -> None:
        if self.backend is None or not new:
            return
        found = {label: near_misses(self.backend, label, names) for label, names in new.items()}
        for entry in listed:
            misses = (
                found.get(entry["label"], {}).get(entry["name"])
                if entry["outcome"] == NEW
                else None
            )
            if not misses:
                continue
            entry["near_misses"] = [miss._asdict() for miss in misses]
            self.counts["near misses"] += 1
            best = misses[0]
            self.warnings.append(
                f"{entry['where']}: {entry['label']} '{entry['name']}' would be new, but "
                f"'{best.name}' ({best.key}) exists and is close: {best.reason}. If they are "
                "one, spell it as stored (or give its identifier) and preview again"
            )

    def _check_year(self, plan: ListingPlan) -> None:
        reason = suspicious_year(plan.listing.year)
        if reason:
            self.counts["suspicious"] += 1
            self.warnings.append(f"{_where(plan)}: Show '{plan.listing.title}': {reason}")

    def to_json(self) -> dict:
        return {
            "counts": dict(sorted(self.counts.items())),
            "listed": len(self.entries),
            "names": self.entries,
        }


def _where(plan: ListingPlan) -> str:
    ref = plan.ref
    if ref.line is not None:
        return f"{ref.file} line {ref.line}"
    return ref.file if ref.record is None else f"{ref.file} record {ref.record}"


def _alias_of(entity: Entity) -> tuple[str, str] | None:
    """How to find the alias a merge would have left for this spelling, when it is not the
    entity's own key (graph.keys.alias_key): by name key, or for a show by its title."""
    if entity.label == Label.SHOW.value:
        return BY_TITLE, show_key(entity.spelling)
    name_key = _NAME_KEYS.get(entity.label)
    if name_key is None:
        return None
    key = name_key(entity.spelling)
    return (BY_KEY, alias_key(entity.label, key)) if key and key != entity.key else None
