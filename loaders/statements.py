"""The Cypher the listing writer sends: one statement per batch, built from parts.

Rows are lists, not maps, and edges name their listing by its index in $sources:
the parameters are text that FalkorDB parses, and half their size went on repeated
map keys and source ids. What the store did not have is CREATEd (cheaper than MERGE
and a SET per property); what it had is MERGEd.
"""

from __future__ import annotations

from functools import lru_cache

from graph.schema import (CHANGE_LABEL, DISPLAY, LISTING_LABEL, RELATIONSHIPS, REPLACED_LABEL,
                          ROLE_TYPES, Label)
from loaders.plan import LISTING_PROPERTIES, NAMING_PROPERTIES

SHOW = Label.SHOW.value
HUB_LABELS = (Label.PERSON.value, Label.COMPANY.value, Label.GENRE.value)
# How connected each entity is, kept as a property so that ranking queries
# (Adamic-Adar weights) need not count a hub's edges on every request.
DEGREE = {Label.PERSON.value: "credit_count", Label.COMPANY.value: "show_count",
          Label.GENRE.value: "show_count"}

# A load's journal: one node per batch, written in the batch's own statement, naming
# the listings it wrote (their `mentions` name every entity whose degree the batch
# changed) and the people, companies and genres a changed listing stopped naming. The
# load deletes its journal once it has written the degrees; a journal left behind (a
# load killed, or stopped by an error) tells the next load what to recount first.
JOURNAL_LABEL = "LoadJournal"

# Show properties with a row column of their own; the others travel as a map.
SHOW_COLUMNS = frozenset(("title",) + NAMING_PROPERTIES + LISTING_PROPERTIES)

# A source id goes on a show once. A listing loaded for the first time cannot be
# there yet (its Listing node, written in the same statement, did not exist), so
# its id is appended unchecked; ids of listings loaded before only where missing.
_APPEND_SOURCES = ("x.sources = coalesce(x.sources, []) + n[1] + "
                   "[s IN n[2] WHERE NOT s IN coalesce(x.sources, [])]")

_LISTING_FIELDS = ("key", "file", "line", "record", "content_hash", "title", "shows", "mentions")
_SHOW_FIELDS = ("key", "sources", "sources_to_check", "votes", "title") + NAMING_PROPERTIES
_MAIN_SHOW_FIELDS = _SHOW_FIELDS + LISTING_PROPERTIES  # then a map of extra fields


def _set(variable: str, row: str, fields: tuple[str, ...], first: int = 1) -> str:
    return ", ".join(f"{variable}.{name} = {row}[{i}]"
                     for i, name in enumerate(fields[first:], start=first))


def _literal(row: str, fields: tuple[str, ...]) -> str:
    """A CREATE map: written at once, cheaper than MERGE and a SET per property. A new
    show's sources are all new to it: those to check (reloaded listings) join the others."""
    values = {name: f"{row}[{i}]" for i, name in enumerate(fields)}
    if "sources_to_check" in values:
        values["sources"] += " + " + values.pop("sources_to_check")
    return "{" + ", ".join(f"{name}: {value}" for name, value in values.items()) + "}"


JOURNAL_ENTRY = (f"CREATE (:{JOURNAL_LABEL} "
                 "{load: $load, batch: $batch, sources: $sources, hubs: $journal_hubs})")

# What a batch changed, written by its own statement so it is exactly what happened
# (docs/data-model.md, "Load history"; read back by loaders/changes.py): a LoadChange node
# naming the listings, nodes and edges the batch created, and a Replaced node per node,
# listing or edge it changed or deleted, holding its properties as they were before
# (`_label` and its key for a node, `_edge` the identity of an edge; `_removed` when the
# batch deleted it).
# The edges the batch CREATEs (new_edges, rich_edges: every edge of a show new to the store)
# are recorded from their rows, one text per row: "<type>\t<show key>\t<role>\t<other
# end's key>..." (a string per edge, collected as each was created, slowed a first load
# by a tenth).
CHANGE_ENTRY = (
    f"CREATE (:{CHANGE_LABEL} {{key: $batch, load: $load, at: $loaded_at, "
    "created_listings: [l IN $listings.created | l[0]], created_nodes: "
    + " + ".join([f"[n IN ${group}.created | '{SHOW}\t' + n[0]]" for group in ("shows", "related")]
                 + [f"[n IN $created.{label} | '{label}\t' + n[0]]" for label in HUB_LABELS])
    + ", created_edge_groups: "
    + " + ".join(f"[g IN ${group}.{rel} | '{rel}\t' + g[0] + '\t' + coalesce(g[3], '') + "
                 "reduce(s = '', k IN g[2] | s + '\t' + k)]"
                 for group in ("new_edges", "rich_edges") for rel in RELATIONSHIPS)
    + "})")
_CHANGE = f"MATCH (c:{CHANGE_LABEL} {{key: $batch}}) "


def _kept(label: str, before: str = "before", variable: str = "v") -> str:
    """A Replaced node holding a node's properties as they were before the batch."""
    return (f" CREATE ({variable}:{REPLACED_LABEL}) SET {variable} += {before}, "
            f"{variable}._change = $batch, {variable}._load = $load, "
            f"{variable}._label = '{label}'")


# Whether a batch was applied: after a lost connection the backend sends a write once
# more, and a batch whose reply was lost (applied, then the server died) is refused the
# second time (its CREATEs meet their own nodes).
BATCH_APPLIED = f"MATCH (j:{JOURNAL_LABEL} {{batch: $batch}}) RETURN count(j)"

PARTS: dict[str, str] = {
    # [*_LISTING_FIELDS]
    "listings.created": f"UNWIND $listings.created AS l CREATE (:{LISTING_LABEL} "
                        f"{_literal('l', _LISTING_FIELDS)[:-1]}, loaded_at: $loaded_at}})",
    "listings.known": f"UNWIND $listings.known AS l MERGE (x:{LISTING_LABEL} {{key: l[0]}}) "
                      "WITH l, x, properties(x) AS before "
                      f"SET {_set('x', 'l', _LISTING_FIELDS)}, x.loaded_at = $loaded_at"
                      + _kept(LISTING_LABEL),
    # The shows listings are about: [*_MAIN_SHOW_FIELDS, {extra fields}]
    "shows.created": f"UNWIND $shows.created AS n CREATE (x:{SHOW} "
                     f"{_literal('n', _MAIN_SHOW_FIELDS)}) "
                     f"SET x += n[{len(_MAIN_SHOW_FIELDS)}]",
    "shows.known": f"UNWIND $shows.known AS n MERGE (x:{SHOW} {{key: n[0]}}) "
                   "WITH n, x, properties(x) AS before "
                   f"SET {_APPEND_SOURCES}, {_set('x', 'n', _MAIN_SHOW_FIELDS, 3)}, "
                   f"x += n[{len(_MAIN_SHOW_FIELDS)}]" + _kept(SHOW),
    # Shows only named as related: [*_SHOW_FIELDS]
    "related.created": f"UNWIND $related.created AS n CREATE (:{SHOW} "
                       f"{_literal('n', _SHOW_FIELDS)})",
    # A known show only named as related gets its sources, votes and title: what its title
    # implies is there already, and its own listing's search text (its alternate titles
    # too) must stay whatever batch names it next.
    "related.known": f"UNWIND $related.known AS n MERGE (x:{SHOW} {{key: n[0]}}) "
                     "WITH n, x, properties(x) AS before "
                     f"SET {_APPEND_SOURCES}, {_set('x', 'n', _SHOW_FIELDS[:5], 3)}"
                     + _kept(SHOW),
}
for _label in HUB_LABELS:
    _display, _degree = DISPLAY[_label], DEGREE[_label]
    # [key, votes (null while only one spelling is known), name, search text, degree]
    PARTS[f"created.{_label}"] = (
        f"UNWIND $created.{_label} AS n CREATE (:{_label} {{key: n[0], votes: n[1], "
        f"{_display}: n[2], search_text: n[3], {_degree}: n[4]}})")
    # [key, votes, name]: the search text cannot change with the spelling (every
    # spelling of a key normalises alike)
    PARTS[f"renamed.{_label}"] = (
        f"UNWIND $renamed.{_label} AS n MERGE (x:{_label} {{key: n[0]}}) "
        f"WITH n, x, properties(x) AS before SET x.votes = n[1], x.{_display} = n[2]"
        + _kept(_label))
    # [key, votes]: name and search text untouched (no full-text re-index)
    PARTS[f"revoted.{_label}"] = (
        f"UNWIND $revoted.{_label} AS n MERGE (x:{_label} {{key: n[0]}}) "
        "WITH n, x, properties(x) AS before SET x.votes = n[1]" + _kept(_label))
# Identified nodes' details (identifiers, years, professions...): [key, {properties},
# [identifiers]]; identifiers join those the node has.
# The same for nodes the store had before the batch, kept as they were (a Replaced node).
for _label in (SHOW, *HUB_LABELS):
    _details_set = ("SET x += n[1], "
                    "x.ids = coalesce(x.ids, []) + [i IN n[2] WHERE NOT i IN coalesce(x.ids, [])]")
    PARTS[f"details.{_label}"] = (
        f"UNWIND $details.{_label} AS n MATCH (x:{_label} {{key: n[0]}}) {_details_set}")
    PARTS[f"details_known.{_label}"] = (
        f"UNWIND $details_known.{_label} AS n MATCH (x:{_label} {{key: n[0]}}) "
        f"WITH n, x, properties(x) AS before {_details_set}" + _kept(_label))
_ROLE_TYPES = {rel.value for rel in ROLE_TYPES}
for _type, (_start, _end) in RELATIONSHIPS.items():
    _match = (f"MATCH (a:{_start.value} {{key: e[0]}}) MATCH (b:{_end.value} {{key: e[1]}}) ")
    _role = _type.value in _ROLE_TYPES
    # New edges, grouped by show and listing (one show lookup per group):
    # [show key, index of the listing in $sources, [other ends' keys], role or null]
    _show, _other = ("b", "a") if _end is Label.SHOW else ("a", "b")
    _other_label = (_start if _end is Label.SHOW else _end).value
    _create = (f"CREATE (a)-[r:{_type.value} {{{'role: g[3], ' if _role else ''}"
               "sources: [$sources[g[1]]]}]->(b)")

    PARTS[f"new_edges.{_type.value}"] = (
        f"UNWIND $new_edges.{_type.value} AS g MATCH ({_show}:{SHOW} {{key: g[0]}}) "
        f"UNWIND g[2] AS k MATCH ({_other}:{_other_label} {{key: k}}) {_create}")
    # The same with what the source says of each credit (characters, order, job):
    # [show key, listing index, [other ends' keys], role or null, [{properties}, ...]]
    PARTS[f"rich_edges.{_type.value}"] = (
        f"UNWIND $rich_edges.{_type.value} AS g MATCH ({_show}:{SHOW} {{key: g[0]}}) "
        f"UNWIND range(0, size(g[2]) - 1) AS i MATCH ({_other}:{_other_label} {{key: g[2][i]}}) "
        f"{_create} SET r += g[4][i]")
    # One row per edge, whatever the number of listings asserting it: [start key, end key,
    # [indexes in $sources of first-time listings], [of listings loaded before], role or
    # null, {properties}]. Its sources are rewritten once per batch, not once per listing:
    # many listings of one show made that quadratic (each append copied, checked and
    # logged the whole list). First-time listings cannot be there yet and are appended
    # unchecked. An edge MERGE created (it had no sources) joins the batch's record; one
    # whose properties the row changes is kept as it was (a Replaced node).
    _identity = f"'{_type.value}|' + e[0] + '|' + e[1] + '|' + coalesce(e[4], '')"
    PARTS[f"edges.{_type.value}"] = (
        f"UNWIND $edges.{_type.value} AS e {_match}"
        f"MERGE (a)-[r:{_type.value}{' {role: e[4]}' if _role else ''}]->(b) "
        "WITH e, r, r.sources IS NULL AS fresh, properties(r) AS before "
        "SET r.sources = coalesce(r.sources, []) + [i IN e[2] | $sources[i]] + "
        "[i IN e[3] WHERE NOT $sources[i] IN coalesce(r.sources, []) | $sources[i]], "
        "r += e[5] "
        f"WITH collect(CASE WHEN fresh THEN {_identity} END) AS made, "
        "collect(CASE WHEN NOT fresh AND any(name IN keys(e[5]) WHERE before[name] IS NULL "
        f"OR before[name] <> e[5][name]) THEN [{_identity}] END) AS changed, "
        "collect(CASE WHEN NOT fresh AND any(name IN keys(e[5]) WHERE before[name] IS NULL "
        "OR before[name] <> e[5][name]) THEN before END) AS images "
        f"{_CHANGE}SET c.created_edges = coalesce(c.created_edges, []) + made "
        "WITH changed, images UNWIND range(0, size(images) - 1) AS i "
        f"CREATE (v:{REPLACED_LABEL}) SET v += images[i], v._change = $batch, "
        "v._load = $load, v._edge = changed[i][0]")

# Replacing a changed listing: what its previous version asserted and the new one does
# not is taken back in the batch's own statement, after the new version is written, so
# the listing is replaced whole or not at all (a loader killed between two statements
# left old and new edges side by side, under the new content hash: never pruned).
# [source id, shows its old and new versions assert, identities of the edges it keeps]
_EDGE_IDENTITY = ("type(r) + '|' + startNode(r).key + '|' + endNode(r).key + '|' + "
                  "coalesce(r.role, '')")
PARTS["pruned"] = (
    "UNWIND $pruned AS p UNWIND p[1] AS sk MATCH (:Show {key: sk})-[r]-() "
    f"WHERE p[0] IN coalesce(r.sources, []) AND NOT ({_EDGE_IDENTITY}) IN p[2] "
    f"WITH r, collect(DISTINCT p[0]) AS gone, properties(r) AS before, {_EDGE_IDENTITY} AS id "
    "SET r.sources = [x IN r.sources WHERE NOT x IN gone] "
    f"CREATE (v:{REPLACED_LABEL}) SET v += before, v._change = $batch, v._load = $load, "
    "v._edge = id "
    "WITH r, v WHERE size(r.sources) = 0 SET v._removed = true DELETE r")
# Entities a changed listing no longer names: [key, ids of the listings that stopped
# naming it, votes as they stand after the batch (null: not kept), display name (null:
# unchanged)]. Each is deleted once nothing links to it (and, for a show, no listing names it).
PARTS[f"dropped.{SHOW}"] = (
    f"UNWIND $dropped.{SHOW} AS d MATCH (n:{SHOW} {{key: d[0]}}) "
    "WITH d, n, properties(n) AS before "
    "SET n.sources = [x IN coalesce(n.sources, []) WHERE NOT x IN d[1]], n.votes = d[2], "
    "n.title = coalesce(d[3], n.title)" + _kept(SHOW) + " "
    "WITH n, v WHERE size(n.sources) = 0 AND NOT (n)--() SET v._removed = true DELETE n")
for _label in HUB_LABELS:
    PARTS[f"dropped.{_label}"] = (
        f"UNWIND $dropped.{_label} AS d MATCH (n:{_label} {{key: d[0]}}) "
        "WITH d, n, properties(n) AS before "
        f"SET n.votes = d[2], n.{DISPLAY[_label]} = coalesce(d[3], n.{DISPLAY[_label]})"
        + _kept(_label) + " WITH n, v WHERE NOT (n)--() SET v._removed = true DELETE n")


@lru_cache(maxsize=256)
def upsert_statement(parts: tuple[str, ...]) -> str:
    """The batch's statement, with only the parts it has rows for (a handful of
    shapes per load, each planned once by the engine), and its journal entry."""
    return (" WITH count(*) AS _ ".join([JOURNAL_ENTRY, CHANGE_ENTRY,
                                         *(PARTS[p] for p in parts)])
            + " WITH count(*) AS _ RETURN 1")


JOURNALS = f"MATCH (j:{JOURNAL_LABEL}) RETURN j.load AS load, j.sources AS sources, j.hubs AS hubs"

LISTING_MENTIONS = (f"UNWIND $keys AS k MATCH (l:{LISTING_LABEL} {{key: k}}) "
                    "UNWIND l.mentions AS mention RETURN collect(mention)")

DROP_JOURNALS = f"MATCH (j:{JOURNAL_LABEL}) WHERE j.load IN $loads DELETE j"


EXISTING_LISTINGS = (
    f"UNWIND $keys AS k MATCH (x:{LISTING_LABEL} {{key: k}}) "
    "RETURN x.key AS key, x.content_hash AS hash, x.shows AS shows, x.mentions AS mentions")

SHOWS_BY_TITLE = (
    "UNWIND $title_keys AS tk MATCH (s:Show {title_key: tk}) "
    "RETURN tk AS title_key, collect(s.key) AS keys")

# A recount: people, companies and genres have edges to shows only.
DEGREES = {label: (f"UNWIND $keys AS k MATCH (n:{label} {{key: k}}) "
                   f"OPTIONAL MATCH (n)-[r]-(:{SHOW}) "
                   f"WITH n, count(r) AS degree SET n.{DEGREE[label]} = degree")
           for label in HUB_LABELS}

# Degrees added by CREATEd edges, written once per load: [key, edges added]
ADD_DEGREES = {label: (f"UNWIND $rows AS n MATCH (x:{label} {{key: n[0]}}) "
                       f"SET x.{DEGREE[label]} = coalesce(x.{DEGREE[label]}, 0) + n[1]")
               for label in HUB_LABELS}
