"""The graph model, declared once: labels, relationship types, keys and indexes.

Every node carries `key`, a natural key of ours computed by `graph.keys`
(never the engine's internal id: FalkorDB reuses ids after deletes), a display
property (`title` for shows, `name` for the rest) and `search_text`, the
normalised text the full-text index covers on both backends.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class Label(StrEnum):
    """The domain labels."""

    SHOW = "Show"
    PERSON = "Person"
    COMPANY = "Company"
    GENRE = "Genre"


class RelType(StrEnum):
    DIRECTED = "DIRECTED"
    PRODUCED = "PRODUCED"
    WROTE = "WROTE"
    ACTED_IN = "ACTED_IN"
    WORKED_ON = "WORKED_ON"  # every other credit: composer, editor... (`role`: the category)
    MADE_BY = "MADE_BY"
    IN_GENRE = "IN_GENRE"
    EPISODE_OF = "EPISODE_OF"  # an episode to its series (`season`, `episode`)


KEY = "key"
SEARCH_TEXT = "search_text"

# The display property of each label (looked up by the label's name too).
DISPLAY: dict[str, str] = {
    Label.SHOW: "title",
    Label.PERSON: "name",
    Label.COMPANY: "name",
    Label.GENRE: "name",
}

# (start label, type, end label) of every relationship.
RELATIONSHIPS: dict[RelType, tuple[Label, Label]] = {
    RelType.DIRECTED: (Label.PERSON, Label.SHOW),
    RelType.PRODUCED: (Label.PERSON, Label.SHOW),
    RelType.WROTE: (Label.PERSON, Label.SHOW),
    RelType.ACTED_IN: (Label.PERSON, Label.SHOW),
    RelType.WORKED_ON: (Label.PERSON, Label.SHOW),
    RelType.MADE_BY: (Label.SHOW, Label.COMPANY),
    RelType.IN_GENRE: (Label.SHOW, Label.GENRE),
    RelType.EPISODE_OF: (Label.SHOW, Label.SHOW),
}

# Credits: the relationships from a person to a show.
CREDIT_TYPES: tuple[RelType, ...] = (
    RelType.DIRECTED,
    RelType.PRODUCED,
    RelType.WROTE,
    RelType.ACTED_IN,
    RelType.WORKED_ON,
)

# PRODUCED carries `role`: producer or executive producer, both kept.
PRODUCER_ROLES = ("producer", "executive producer")

# Relationships with a `role` that is part of the edge's identity: one edge per role.
ROLE_TYPES: tuple[RelType, ...] = (RelType.PRODUCED, RelType.WORKED_ON)

# A credit's category (IMDb's `category`, a TMDB job, a listing field) and what it
# becomes: the relationship and its role. Every category not named here is a WORKED_ON
# credit with the category as its role (composer, editor, casting director...): kept,
# never dropped. Categories are lower case with spaces (`production_designer` ->
# `production designer`, see credit_category).
CREDIT_CATEGORIES: dict[str, tuple[RelType, str | None]] = {
    "director": (RelType.DIRECTED, None),
    "producer": (RelType.PRODUCED, "producer"),
    "executive producer": (RelType.PRODUCED, "executive producer"),
    "writer": (RelType.WROTE, None),
    "actor": (RelType.ACTED_IN, None),
    "actress": (RelType.ACTED_IN, None),
    "self": (RelType.ACTED_IN, None),
}


def credit_category(text: str) -> str:
    """A category as the table spells it: lower case, words split by one space."""
    return " ".join(text.replace("_", " ").replace("-", " ").lower().split())


def credit_relationship(category: str) -> tuple[RelType, str | None]:
    """The relationship and role a credit of this category becomes."""
    category = credit_category(category)
    return CREDIT_CATEGORIES.get(category, (RelType.WORKED_ON, category))


# Secondary lookup indexes (label, property) besides the unique key.
# An identified node's key ends with its identifier (`david-smith--nm0000229`, see
# graph/keys.py): `name_key` is the key its name alone would give, where namesakes meet.
NAME_KEY = "name_key"
_BASE_LOOKUP_INDEXES: tuple[tuple[Label, str], ...] = (
    (Label.SHOW, "title_key"),  # title without year: finds remakes and yearless matches
    (Label.SHOW, "series_key"),  # every season of a series
    (Label.SHOW, NAME_KEY),
    (Label.PERSON, NAME_KEY),
    (Label.COMPANY, NAME_KEY),
)

# Provenance records, one per loaded listing (see docs/data-model.md); not a domain label.
LISTING_LABEL = "Listing"

# Provenance kept on the listing's side: one node per (listing, show it names), holding
# the identities of the edges of that show the listing asserts (docs/data-model.md,
# "Provenance"). Shows and edges keep only how many listings assert them (ASSERTED_BY),
# so a batch writes what its own listings assert, never a list that grows with every
# other listing naming the same show. Not connected by edges; found by `listing` (what a
# listing asserted) and by `show` (which listings assert a show or one of its edges).
ASSERTION_LABEL = "Assertion"
ASSERTED_BY = "asserted_by"

# The store's layout version, one node (see loaders/migrate.py); not a domain label.
LAYOUT_LABEL = "StoreLayout"

# A load's history (loaders/history.py, loaders/changes.py; docs/data-model.md), not
# domain labels: one `Load` node per load (who, when, which files, counts, outcome), one
# `LoadChange` node per batch it wrote (what the batch created), and a `Replaced` node per
# node, relationship or listing a batch changed or deleted, holding its properties as
# they were before. Not connected by edges, and not part of the catalogue: the canonical
# checksum (graph/checksum.py) leaves them out.
LOAD_LABEL = "Load"
CHANGE_LABEL = "LoadChange"
REPLACED_LABEL = "Replaced"
# An undo's journal (loaders/undo.py): the steps it has still to apply, one node each.
UNDO_STEP_LABEL = "UndoStep"
# The duplicate finder's state, shared by every web process (webapp/duplicates_state.py):
# the search running (a lease) and the last result of each label. Kept, and left out of
# the catalogue (checksum, exports, a bulk load's emptiness), as the load history is.
SEARCH_LABEL = "DuplicatesSearch"
HISTORY_LABELS: tuple[str, ...] = (
    LOAD_LABEL,
    CHANGE_LABEL,
    REPLACED_LABEL,
    UNDO_STEP_LABEL,
    SEARCH_LABEL,
)

# Curation decisions (graph/decisions.py, loaders/merge.py; docs/data-model.md): one
# `Decision` node per merge a maintainer made (who, when, why, and the before-images a
# split restores), and an `Alias` node per name key of a merged-away entity, naming the
# survivor, so that later loads spelling the old name land on it (loaders/identities.py).
# Not connected by edges. A decision is a record of how the catalogue was made, like the
# load history: the canonical checksum leaves it out (an alias is part of the catalogue:
# it changes what a load does).
DECISION_LABEL = "Decision"
ALIAS_LABEL = "Alias"
# What the canonical checksum leaves out: the records of how the catalogue was made.
RECORD_LABELS: tuple[str, ...] = (*HISTORY_LABELS, DECISION_LABEL)

# Labels whose `key` is unique.
KEYED_LABELS: tuple[str, ...] = (
    *(label.value for label in Label),
    LISTING_LABEL,
    ASSERTION_LABEL,
    LAYOUT_LABEL,
    LOAD_LABEL,
    CHANGE_LABEL,
    UNDO_STEP_LABEL,
    SEARCH_LABEL,
    DECISION_LABEL,
    ALIAS_LABEL,
)


# A load's changes are read by the load's id; what a node or edge was like before a
# later load changed it, by the node's key or the edge's identity.
_HISTORY_LOOKUP_INDEXES: tuple[tuple[str, str], ...] = (
    (CHANGE_LABEL, "load"),
    (REPLACED_LABEL, "_load"),
    (REPLACED_LABEL, KEY),
    (REPLACED_LABEL, "_edge"),
)


_PROVENANCE_LOOKUP_INDEXES: tuple[tuple[str, str], ...] = (
    (ASSERTION_LABEL, "listing"),
    (ASSERTION_LABEL, "show"),
)

# An entity's page lists the decisions that made it (by survivor) or took from it; a
# title without a year finds the show a merge took that title into (loaders/yearless.py).
_CURATION_LOOKUP_INDEXES: tuple[tuple[str, str], ...] = (
    (DECISION_LABEL, "survivor"),
    (DECISION_LABEL, "merged"),
    (ALIAS_LABEL, "title_key"),
)


def lookup_indexes() -> tuple[tuple[str, str], ...]:
    """Every lookup index besides the unique ones: (label, property)."""
    return (
        *((label.value, prop) for label, prop in _BASE_LOOKUP_INDEXES),
        *_PROVENANCE_LOOKUP_INDEXES,
        *_HISTORY_LOOKUP_INDEXES,
        *_CURATION_LOOKUP_INDEXES,
    )


def unique_properties() -> tuple[tuple[str, str], ...]:
    """(label, property) pairs unique among the nodes that have the property: every
    keyed label's key, and each identifier scheme on the labels it identifies (one node
    per `imdb:nm0000229`; graph/identifiers.py)."""
    from screengraph.graph.identifiers import IDENTIFIER_INDEXES  # it needs Label from here

    return tuple((label, KEY) for label in KEYED_LABELS) + tuple(
        (label.value, prop) for label, prop in IDENTIFIER_INDEXES
    )


FULLTEXT_INDEX = "entity_search"
FULLTEXT_LABELS: tuple[Label, ...] = (Label.SHOW, Label.PERSON, Label.COMPANY, Label.GENRE)


@dataclass(frozen=True)
class Schema:
    labels: tuple[str, ...]
    relationship_types: tuple[str, ...]

    def is_label(self, name: str) -> bool:
        return name in self.labels

    def is_relationship_type(self, name: str) -> bool:
        return name in self.relationship_types


SCHEMA = Schema(
    labels=tuple(label.value for label in Label),
    relationship_types=tuple(rel.value for rel in RelType),
)
