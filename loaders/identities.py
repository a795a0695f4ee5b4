"""Which node each name of a batch means: identifiers first, then names (graph/keys.py
`resolve_entity`, the one rule), with what the store and this load already hold.

Before a batch is planned, one read per label and scheme finds the nodes that have the
batch's identifiers, and one per label the namesakes of its names (nodes whose name gives
the same key: `david-smith` and `david-smith--nm0000229`). What this load resolves is
remembered, so a batch planned while the one before it is still being written sees it.
A store that has never held an identified node of a label (recorded on the StoreLayout
node) needs no namesake read for it: every name is its own key, as before identifiers.

A maintainer's merge (loaders/merge.py) leaves Alias nodes from the merged entity's name
keys to the survivor: the survivor is read as a namesake of those keys, so a name spelled
as the merged entity was lands on the survivor (graph/keys.py `resolve_entity`). A label
with aliases has its names' namesakes read even when none of its nodes is identified.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence

from screengraph.graph.backend import Backend
from screengraph.graph.identifiers import SCHEMES, Identifier, parse_identifier
from screengraph.graph.keys import (
    Namesake,
    Resolution,
    alias_key,
    company_key,
    genre_key,
    person_key,
    resolve_entity,
    show_key,
)
from screengraph.graph.schema import ALIAS_LABEL, LAYOUT_LABEL, NAME_KEY, Label
from screengraph.loaders.model import Listing
from screengraph.loaders.remembered import Remembered
from screengraph.loaders.yearless import Resolve

# Past remembered.REMEMBERED names or identifiers a load forgets the oldest:
# the store has them by then (only the batches prepared or in flight are not readable
# yet, and those are the newest). Forgotten ones are read again when met.

_IDENTIFIED = f"MATCH (l:{LAYOUT_LABEL} {{key: 'layout'}}) RETURN l.identified"
_RECORD_IDENTIFIED = f"MERGE (l:{LAYOUT_LABEL} {{key: 'layout'}}) SET l.identified = $labels"
_BY_ID = "UNWIND $values AS v MATCH (n:{label} {{{prop}: v}}) RETURN v, n.key"
_BY_KEY = "UNWIND $keys AS k MATCH (n:{label} {{key: k}}) RETURN k, n.key, coalesce(n.ids, [])"
_BY_NAME_KEY = (
    f"UNWIND $keys AS k MATCH (n:{{label}} {{{{{NAME_KEY}: k}}}}) "
    "RETURN k, n.key, coalesce(n.ids, [])"
)
_ALIASED = f"MATCH (a:{ALIAS_LABEL}) RETURN DISTINCT a.label"
# The survivor a merge left an alias to, by the alias's key (graph/keys.py alias_key).
_BY_ALIAS = (
    f"UNWIND $keys AS k MATCH (a:{ALIAS_LABEL} {{{{key: k}}}}) "
    "MATCH (n:{label} {{key: a.into}}) RETURN a.name_key, n.key, coalesce(n.ids, [])"
)


class Identities:
    """A load's memory of identified nodes and namesakes; `identify` is the planner's
    callback (loaders/plan.py). With no backend (a plan made offline, a dry run with no
    store) only what this object saw counts."""

    def __init__(self, backend: Backend | None = None, *, write: bool = False):
        self.backend = backend
        self.write = write
        self.known: Remembered[str, str] = Remembered()  # identifier text -> key
        # (label, base key) -> {key: ids} of the nodes whose name gives that base key
        self.namesakes: Remembered[tuple[str, str], dict[str, tuple[str, ...]]] = Remembered()
        self.identified: set[str] | None = None if backend is not None else set()
        self.aliased: set[str] = set()  # labels with merge aliases (read with `identified`)

    # -- reads before a batch --------------------------------------------------

    def next_batch(self) -> None:
        """A batch starts: what the one before the last resolved may now be forgotten."""
        self.known.tick()
        self.namesakes.tick()

    def prepare(self, listings: Sequence[Listing], resolvers: Sequence[Resolve]) -> None:
        """Read what the store holds for the names and identifiers of these listings.
        `resolvers` gives, listing by listing, the key each title without a year names
        (loaders/yearless.py)."""
        self.next_batch()
        if self.backend is None:
            return
        if self.identified is None:
            rows = self.backend.run_read(_IDENTIFIED, max_rows=0).rows
            self.identified = set(rows[0][0] or []) if rows else set()
            self.aliased = {row[0] for row in self.backend.run_read(_ALIASED, max_rows=0).rows}
        ids: dict[str, dict[str, set[str]]] = defaultdict(lambda: defaultdict(set))
        bases: dict[str, set[str]] = defaultdict(set)
        for listing, resolve in zip(listings, resolvers, strict=True):
            for label, base, texts in references(listing, resolve):
                unknown = [text for text in texts if text not in self.known]
                for text in unknown:
                    identifier = parse_identifier(text)
                    ids[label][identifier.scheme].add(identifier.value)
                if (label, base) not in self.namesakes and (
                    texts or label in self.identified or label in self.aliased
                ):
                    bases[label].add(base)
        newly = {label for label in ids if label not in self.identified}
        if newly and self.write:
            self.identified |= newly
            self.backend.run_write(_RECORD_IDENTIFIED, {"labels": sorted(self.identified)})
        for label, by_scheme in ids.items():
            if label not in self.identified - newly:
                continue  # the store has no identified node of this label yet
            for scheme, values in by_scheme.items():
                query = _BY_ID.format(label=label, prop=SCHEMES[scheme].property)
                for value, key in self.backend.run_read(
                    query, {"values": sorted(values)}, max_rows=0
                ).rows:
                    self.known.remember(f"{scheme}:{value}", key)
        for label, keys in bases.items():
            found: dict[str, dict[str, tuple[str, ...]]] = {key: {} for key in keys}
            for query in (_BY_KEY, _BY_NAME_KEY, _BY_ALIAS):
                if query is _BY_NAME_KEY and label not in self.identified:
                    continue
                if query is _BY_ALIAS and label not in self.aliased:
                    continue
                asked = (
                    [alias_key(label, key) for key in sorted(keys)]
                    if query is _BY_ALIAS
                    else sorted(keys)
                )
                for base, key, node_ids in self.backend.run_read(
                    query.format(label=label), {"keys": asked}, max_rows=0
                ).rows:
                    found[base][key] = tuple(node_ids)
            for base, nodes in found.items():
                self.namesakes.remember((label, base), nodes)

    # -- the planner's callback ----------------------------------------------

    def identify(
        self, label: str, base_key: str, ids: Sequence[Identifier], name: str
    ) -> Resolution:
        nodes = self.namesakes.get((label, base_key))
        if nodes is None:  # not read: a name this load meets first (or a yearless title)
            nodes = {}
        resolution = resolve_entity(
            base_key, ids, self.known, [Namesake(key, node_ids) for key, node_ids in nodes.items()]
        )
        texts = tuple(str(identifier) for identifier in ids)
        for text in texts:
            self.known.remember(text, resolution.key)
        if resolution.rule != "identifier" or texts:
            had = nodes.get(resolution.key, ())
            nodes[resolution.key] = had + tuple(t for t in texts if t not in had)
        # Remembered (again) as this batch's: the store will not have it until it is written.
        self.namesakes.remember((label, base_key), nodes)
        return resolution


def references(listing: Listing, resolve: Resolve) -> Iterable[tuple[str, str, tuple[str, ...]]]:
    """(label, base key, identifiers) of every show, person, company and genre a listing
    names (a genre is read only where a merge left aliases: it has no identifiers).
    `resolve` gives the key a title without a year names (loaders/yearless.py)."""
    show = Label.SHOW.value
    yield show, _show_base(listing.title, listing.year, resolve), tuple(listing.ids)
    series = listing.episode_of
    if series is not None:
        yield show, _show_base(series.title, series.year, resolve), tuple(series.ids)
    for title in listing.related_shows:
        yield show, resolve(title), ()
    for credit in listing.credits:
        yield Label.PERSON.value, person_key(credit.name), tuple(credit.ids)
    for name in listing.credited_people():
        yield Label.PERSON.value, person_key(name), ()
    for ref in listing.identified_companies:
        yield Label.COMPANY.value, company_key(ref.name), tuple(ref.ids)
    for name in listing.companies:
        yield Label.COMPANY.value, company_key(name), ()
    for name in listing.genres:
        yield Label.GENRE.value, genre_key(name), ()


def _show_base(title: str, year: int | None, resolve: Resolve) -> str:
    return show_key(title, year) if year is not None else resolve(title)
