"""The Cypher the listing writer sends: one statement per batch, built from parts.

Rows are lists, not maps: the parameters are text that FalkorDB parses, and half their
size went on repeated map keys. What the store did not have is CREATEd (cheaper than
MERGE and a SET per property); what it had is MERGEd.

Provenance is written on the listing's side (docs/data-model.md, "Provenance"): an
Assertion node per (listing, show) holds the edges of that show the listing asserts,
and a show or an edge only counts its listings (`asserted_by`). So what a batch writes
is what its listings assert: a show named by 80,000 listings costs each batch a count,
not a list of every listing before it (a list rewritten, and logged by the embedded
server, in every batch made loading one show quadratic).
"""

from __future__ import annotations

from functools import lru_cache
from itertools import count

from screengraph.graph.schema import (
    ALIAS_LABEL,
    ASSERTED_BY,
    ASSERTION_LABEL,
    CHANGE_LABEL,
    DISPLAY,
    LISTING_LABEL,
    NAME_KEY,
    RELATIONSHIPS,
    REPLACED_LABEL,
    ROLE_TYPES,
    Label,
)
from screengraph.loaders.plan import LISTING_PROPERTIES, NAMING_PROPERTIES
from screengraph.loaders.spellings import EDGE_IDENTITY

SHOW = Label.SHOW.value
HUB_LABELS = (Label.PERSON.value, Label.COMPANY.value, Label.GENRE.value)
# How connected each entity is, kept as a property so that ranking queries
# (Adamic-Adar weights) need not count a hub's edges on every request.
DEGREE = {
    Label.PERSON.value: "credit_count",
    Label.COMPANY.value: "show_count",
    Label.GENRE.value: "show_count",
}

# A load's journal: one node per batch, written in the batch's own statement, naming
# the listings it wrote (their `mentions` name every entity whose degree the batch
# changed) and the people, companies and genres a changed listing stopped naming. The
# load deletes its journal once it has written the degrees; a journal left behind (a
# load killed, or stopped by an error) tells the next load what to recount first.
JOURNAL_LABEL = "LoadJournal"

# Show properties with a row column of their own; the others travel as a map.
SHOW_COLUMNS = frozenset(("title",) + NAMING_PROPERTIES + LISTING_PROPERTIES)

# A show counts the listings asserting it: the writer knows which of its listings name a
# show for the first time (new listings, and changed ones whose old version did not).
_ADD_ASSERTED = f"x.{ASSERTED_BY} = coalesce(x.{ASSERTED_BY}, 0) + n[1]"

_LISTING_FIELDS = ("key", "file", "line", "record", "content_hash", "title", "shows", "mentions")
_SHOW_FIELDS = ("key", ASSERTED_BY, "votes", "title") + NAMING_PROPERTIES
_MAIN_SHOW_FIELDS = _SHOW_FIELDS + LISTING_PROPERTIES  # then a map of extra fields


def _set(variable: str, row: str, fields: tuple[str, ...], first: int = 1) -> str:
    return ", ".join(
        f"{variable}.{name} = {row}[{i}]" for i, name in enumerate(fields[first:], start=first)
    )


def _literal(row: str, fields: tuple[str, ...]) -> str:
    """A CREATE map: written at once, cheaper than MERGE and a SET per property."""
    return "{" + ", ".join(f"{name}: {row}[{i}]" for i, name in enumerate(fields)) + "}"


JOURNAL_ENTRY = (
    f"CREATE (:{JOURNAL_LABEL} "
    "{load: $load, batch: $batch, sources: $sources, hubs: $journal_hubs})"
)

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
    + " + ".join(
        [f"[n IN ${group}.created | '{SHOW}\t' + n[0]]" for group in ("shows", "related")]
        + [f"[n IN $created.{label} | '{label}\t' + n[0]]" for label in HUB_LABELS]
    )
    + ", created_edge_groups: "
    + " + ".join(
        f"[g IN ${group}.{rel} | '{rel}\t' + g[0] + '\t' + coalesce(g[3], '') + "
        "reduce(s = '', k IN g[2] | s + '\t' + k)]"
        for group in ("new_edges", "rich_edges")
        for rel in RELATIONSHIPS
    )
    + "})"
)
_CHANGE = f"MATCH (c:{CHANGE_LABEL} {{key: $batch}}) "


# Which part of the statement kept an image (`_step`): parts are built in the order the
# statement runs them (PARTS), so one node imaged by two parts of a batch (a show's
# title by `shows.known`, then its identifiers by `details_known`) has its state before
# the batch in the image of the lower step (loaders/change_record.py).
_STEPS = count()


def _kept(label: str, before: str = "before", variable: str = "v") -> str:
    """A Replaced node holding a node's properties as they were before this part."""
    return (
        f" CREATE ({variable}:{REPLACED_LABEL}) SET {variable} += {before}, "
        f"{variable}._change = $batch, {variable}._load = $load, "
        f"{variable}._label = '{label}', {variable}._step = {next(_STEPS)}"
    )


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
    f"SET {_set('x', 'l', _LISTING_FIELDS)}, x.loaded_at = $loaded_at" + _kept(LISTING_LABEL),
    # The shows listings are about: [*_MAIN_SHOW_FIELDS, {extra fields}]
    "shows.created": f"UNWIND $shows.created AS n CREATE (x:{SHOW} "
    f"{_literal('n', _MAIN_SHOW_FIELDS)}) "
    f"SET x += n[{len(_MAIN_SHOW_FIELDS)}]",
    "shows.known": f"UNWIND $shows.known AS n MERGE (x:{SHOW} {{key: n[0]}}) "
    "WITH n, x, properties(x) AS before "
    f"SET {_ADD_ASSERTED}, {_set('x', 'n', _MAIN_SHOW_FIELDS, 2)}, "
    f"x += n[{len(_MAIN_SHOW_FIELDS)}]" + _kept(SHOW),
    # Shows only named as related: [*_SHOW_FIELDS]
    "related.created": f"UNWIND $related.created AS n CREATE (:{SHOW} "
    f"{_literal('n', _SHOW_FIELDS)})",
    # A known show only named as related gets its count, votes and title: what its title
    # implies is there already, and its own listing's search text (its alternate titles
    # too) must stay whatever batch names it next.
    "related.known": f"UNWIND $related.known AS n MERGE (x:{SHOW} {{key: n[0]}}) "
    "WITH n, x, properties(x) AS before "
    f"SET {_ADD_ASSERTED}, {_set('x', 'n', _SHOW_FIELDS[:4], 2)}" + _kept(SHOW),
}
for _label in HUB_LABELS:
    _display, _degree = DISPLAY[_label], DEGREE[_label]
    # [key, votes (null while only one spelling is known), name, search text, degree]
    PARTS[f"created.{_label}"] = (
        f"UNWIND $created.{_label} AS n CREATE (:{_label} {{key: n[0], votes: n[1], "
        f"{_display}: n[2], search_text: n[3], {_degree}: n[4]}})"
    )
    # [key, votes, name]: the search text cannot change with the spelling (every
    # spelling of a key normalises alike)
    PARTS[f"renamed.{_label}"] = (
        f"UNWIND $renamed.{_label} AS n MERGE (x:{_label} {{key: n[0]}}) "
        f"WITH n, x, properties(x) AS before SET x.votes = n[1], x.{_display} = n[2]"
        + _kept(_label)
    )
    # [key, votes]: name and search text untouched (no full-text re-index)
    PARTS[f"revoted.{_label}"] = (
        f"UNWIND $revoted.{_label} AS n MERGE (x:{_label} {{key: n[0]}}) "
        "WITH n, x, properties(x) AS before SET x.votes = n[1]" + _kept(_label)
    )
# Identified nodes' details (identifiers, years, professions...): [key, {properties},
# [identifiers]]; identifiers join those the node has.
# The same for nodes the store had before the batch, kept as they were (a Replaced node).
for _label in (SHOW, *HUB_LABELS):
    _details_set = (
        "SET x += n[1], "
        "x.ids = coalesce(x.ids, []) + [i IN n[2] WHERE NOT i IN coalesce(x.ids, [])]"
    )
    PARTS[f"details.{_label}"] = (
        f"UNWIND $details.{_label} AS n MATCH (x:{_label} {{key: n[0]}}) {_details_set}"
    )
    PARTS[f"details_known.{_label}"] = (
        f"UNWIND $details_known.{_label} AS n MATCH (x:{_label} {{key: n[0]}}) "
        f"WITH n, x, properties(x) AS before {_details_set}" + _kept(_label)
    )
_ROLE_TYPES = {rel.value for rel in ROLE_TYPES}


def _counted_at_once(label: str) -> str:
    """For the MERGEd edges of a hub (`grown`: the other end of each new one, once per
    edge), the hub's degree grows by one per edge, in the batch's own statement. Recounted
    at the end of the load instead, a genre's recount read every edge it has (a write of
    ~20 ms per 2,000 shows, whatever the pace, that readers waited for). Both engines run
    a FOREACH's updates one element after the other: a hub met twice is added to twice
    (a test holds them to it)."""
    if label not in DEGREE:
        return ""
    degree = DEGREE[label]
    return f"FOREACH (h IN grown | SET h.{degree} = coalesce(h.{degree}, 0) + 1) "


for _type, (_start, _end) in RELATIONSHIPS.items():
    _match = f"MATCH (a:{_start.value} {{key: e[0]}}) MATCH (b:{_end.value} {{key: e[1]}}) "
    _role = _type.value in _ROLE_TYPES
    # New edges, grouped by show and listing (one show lookup per group), each asserted
    # by its one listing: [show key, index of the listing in $sources, [other ends' keys],
    # role or null]
    _show, _other = ("b", "a") if _end is Label.SHOW else ("a", "b")
    _other_label = (_start if _end is Label.SHOW else _end).value
    _create = (
        f"CREATE (a)-[r:{_type.value} {{{'role: g[3], ' if _role else ''}{ASSERTED_BY}: 1}}]->(b)"
    )

    PARTS[f"new_edges.{_type.value}"] = (
        f"UNWIND $new_edges.{_type.value} AS g MATCH ({_show}:{SHOW} {{key: g[0]}}) "
        f"UNWIND g[2] AS k MATCH ({_other}:{_other_label} {{key: k}}) {_create}"
    )
    # The same with what the source says of each credit (characters, order, job):
    # [show key, listing index, [other ends' keys], role or null, [{properties}, ...]]
    PARTS[f"rich_edges.{_type.value}"] = (
        f"UNWIND $rich_edges.{_type.value} AS g MATCH ({_show}:{SHOW} {{key: g[0]}}) "
        f"UNWIND range(0, size(g[2]) - 1) AS i MATCH ({_other}:{_other_label} {{key: g[2][i]}}) "
        f"{_create} SET r += g[4][i]"
    )
    # One row per edge, whatever the number of listings asserting it: [start key, end key,
    # how many of the batch's listings assert it for the first time, role or null,
    # {properties}]. An edge MERGE created (it had no count) joins the batch's record; one
    # whose properties the row changes is kept as it was (a Replaced node: its properties
    # and count, nothing that grows with the listings asserting it).
    _identity = f"'{_type.value}|' + e[0] + '|' + e[1] + '|' + coalesce(e[3], '')"
    PARTS[f"edges.{_type.value}"] = (
        f"UNWIND $edges.{_type.value} AS e {_match}"
        f"MERGE (a)-[r:{_type.value}{' {role: e[3]}' if _role else ''}]->(b) "
        f"WITH e, r, {_other} AS other, r.{ASSERTED_BY} IS NULL AS fresh, properties(r) AS before "
        f"SET r.{ASSERTED_BY} = coalesce(r.{ASSERTED_BY}, 0) + e[2], r += e[4] "
        f"WITH collect(CASE WHEN fresh THEN {_identity} END) AS made, "
        "collect(CASE WHEN fresh THEN other END) AS grown, "
        "collect(CASE WHEN NOT fresh AND any(name IN keys(e[4]) WHERE before[name] IS NULL "
        f"OR before[name] <> e[4][name]) THEN [{_identity}] END) AS changed, "
        "collect(CASE WHEN NOT fresh AND any(name IN keys(e[4]) WHERE before[name] IS NULL "
        "OR before[name] <> e[4][name]) THEN before END) AS images "
        f"{_CHANGE}SET c.created_edges = coalesce(c.created_edges, []) + made "
        f"{_counted_at_once(_other_label)}"
        "WITH changed, images UNWIND range(0, size(images) - 1) AS i "
        f"CREATE (v:{REPLACED_LABEL}) SET v += images[i], v._change = $batch, "
        "v._load = $load, v._edge = changed[i][0]"
    )

# What each listing asserts, one Assertion per (listing, show): [key ("<listing>\t<show>"),
# listing id, show key, [identities of the edges of that show it asserts, sorted]].
# A changed listing's are rewritten (kept as they were: a Replaced node the size of the
# listing), and those of shows it no longer names deleted: [key].
PARTS["assertions.created"] = (
    f"UNWIND $assertions.created AS a CREATE (:{ASSERTION_LABEL} "
    "{key: a[0], listing: a[1], show: a[2], edges: a[3]})"
)
PARTS["assertions.known"] = (
    f"UNWIND $assertions.known AS a MERGE (x:{ASSERTION_LABEL} {{key: a[0]}}) "
    "WITH a, x, properties(x) AS before "
    "SET x.listing = a[1], x.show = a[2], x.edges = a[3]" + _kept(ASSERTION_LABEL)
)
PARTS["assertions.gone"] = (
    f"UNWIND $assertions.gone AS k MATCH (x:{ASSERTION_LABEL} {{key: k}}) "
    "WITH x, properties(x) AS before" + _kept(ASSERTION_LABEL) + " SET v._removed = true DELETE x"
)

# Replacing a changed listing: what its previous version asserted and the new one does
# not is taken back in the batch's own statement, after the new version is written, so
# the listing is replaced whole or not at all (a loader killed between two statements
# left old and new edges side by side, under the new content hash: never pruned).
# The writer read the old version's edges from its Assertions: per show, the edges no
# listing of the batch asserts any more and how many of its listings stopped asserting
# each: [show key, [edge identities], [counts]]. An edge no listing asserts is deleted.
PARTS["pruned"] = (
    "UNWIND $pruned AS p MATCH (:Show {key: p[0]})-[r]-() "
    f"WITH p, r, {EDGE_IDENTITY} AS id WHERE id IN p[1] "
    "WITH r, id, properties(r) AS before, "
    "[i IN range(0, size(p[1]) - 1) WHERE p[1][i] = id | p[2][i]][0] AS gone "
    f"SET r.{ASSERTED_BY} = r.{ASSERTED_BY} - gone "
    f"CREATE (v:{REPLACED_LABEL}) SET v += before, v._change = $batch, v._load = $load, "
    "v._edge = id "
    f"WITH r, v WHERE r.{ASSERTED_BY} <= 0 SET v._removed = true DELETE r"
)
# Entities a changed listing no longer names: [key, ids of the listings that stopped
# naming it, votes as they stand after the batch (null: not kept), display name (null:
# unchanged)]. Each is deleted once nothing links to it (and, for a show, no listing names it).
PARTS[f"dropped.{SHOW}"] = (
    f"UNWIND $dropped.{SHOW} AS d MATCH (n:{SHOW} {{key: d[0]}}) "
    "WITH d, n, properties(n) AS before "
    f"SET n.{ASSERTED_BY} = coalesce(n.{ASSERTED_BY}, 0) - size(d[1]), n.votes = d[2], "
    "n.title = coalesce(d[3], n.title)" + _kept(SHOW) + " "
    f"WITH n, v WHERE n.{ASSERTED_BY} <= 0 AND NOT (n)--() SET v._removed = true DELETE n"
)
for _label in HUB_LABELS:
    PARTS[f"dropped.{_label}"] = (
        f"UNWIND $dropped.{_label} AS d MATCH (n:{_label} {{key: d[0]}}) "
        "WITH d, n, properties(n) AS before "
        f"SET n.votes = d[2], n.{DISPLAY[_label]} = coalesce(d[3], n.{DISPLAY[_label]})"
        + _kept(_label)
        + " WITH n, v WHERE NOT (n)--() SET v._removed = true DELETE n"
    )


@lru_cache(maxsize=256)
def upsert_statement(parts: tuple[str, ...]) -> str:
    """The batch's statement, with only the parts it has rows for (a handful of
    shapes per load, each planned once by the engine), and its journal entry."""
    return (
        " WITH count(*) AS _ ".join([JOURNAL_ENTRY, CHANGE_ENTRY, *(PARTS[p] for p in parts)])
        + " WITH count(*) AS _ RETURN 1"
    )


JOURNALS = f"MATCH (j:{JOURNAL_LABEL}) RETURN j.load AS load, j.sources AS sources, j.hubs AS hubs"

LISTING_MENTIONS = (
    f"UNWIND $keys AS k MATCH (l:{LISTING_LABEL} {{key: k}}) "
    "UNWIND l.mentions AS mention RETURN collect(mention)"
)

DROP_JOURNALS = f"MATCH (j:{JOURNAL_LABEL}) WHERE j.load IN $loads DELETE j"


# What the previous versions of changed listings asserted, show by show.
OLD_ASSERTIONS = (
    f"UNWIND $keys AS k MATCH (a:{ASSERTION_LABEL} {{listing: k}}) "
    "RETURN a.listing, a.show, a.edges"
)

EXISTING_LISTINGS = (
    f"UNWIND $keys AS k MATCH (x:{LISTING_LABEL} {{key: k}}) "
    "RETURN x.key AS key, x.content_hash AS hash, x.shows AS shows, x.mentions AS mentions"
)

# The shows each title names, by their name keys (loaders/yearless.py counts those): a
# show's key is its name key unless namesakes made it another (graph/keys.py).
SHOWS_BY_TITLE = (
    f"UNWIND $title_keys AS tk MATCH (s:Show {{title_key: tk}}) "
    f"RETURN tk AS title_key, collect(DISTINCT coalesce(s.{NAME_KEY}, s.key)) AS keys"
)
# The shows a merge took a title into: the merged show's title names its survivor
# (loaders/merge.py leaves the title on the alias of each of the merged show's name keys).
SHOWS_MERGED_BY_TITLE = (
    f"UNWIND $title_keys AS tk MATCH (a:{ALIAS_LABEL} {{title_key: tk}}) "
    f"WHERE a.label = '{Label.SHOW.value}' "
    f"MATCH (s:Show {{key: a.into}}) "
    f"RETURN tk AS title_key, collect(DISTINCT coalesce(s.{NAME_KEY}, s.key)) AS keys"
)


def degree_count(label: str) -> str:
    """`... WITH n, degree`: the edges between `n` (a `label`) and shows, matched by the
    types and directions the schema gives them, the other end not looked at. Matching any
    edge to a `:Show` checked every edge's type, direction and other end: on the embedded
    store six times dearer (five genres of ~2,200 shows: 133 ms against 16.5), and a
    hub's recount is one write that readers wait for, whatever its size."""
    sides = {"outgoing": ("-[r:{}]->", (label, SHOW)), "incoming": ("<-[r:{}]-", (SHOW, label))}
    parts: list[str] = []
    counts: list[str] = []
    for name, (arrow, ends) in sides.items():
        types = "|".join(t for t, pair in RELATIONSHIPS.items() if pair == ends)
        if types:
            carried = "".join(f"{c}, " for c in counts)
            parts.append(
                f"OPTIONAL MATCH (n){arrow.format(types)}() WITH n, {carried}count(r) AS {name}"
            )
            counts.append(name)
    return " ".join(parts) + f" WITH n, {' + '.join(counts) or '0'} AS degree"


# A recount: people, companies and genres have edges to shows only.
DEGREES = {
    label: (
        f"UNWIND $keys AS k MATCH (n:{label} {{key: k}}) "
        f"{degree_count(label)} SET n.{DEGREE[label]} = degree"
    )
    for label in HUB_LABELS
}

# Degrees added by CREATEd edges, written once per load: [key, edges added]
ADD_DEGREES = {
    label: (
        f"UNWIND $rows AS n MATCH (x:{label} {{key: n[0]}}) "
        f"SET x.{DEGREE[label]} = coalesce(x.{DEGREE[label]}, 0) + n[1]"
    )
    for label in HUB_LABELS
}
