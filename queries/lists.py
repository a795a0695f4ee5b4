"""Long lists, paged in the database: a company's or a genre's shows, a person's credits.

Every list takes the same paging parameters, declared once here (`list_params`): a sort
among the list's own orders, a year range, a title filter, `offset` and `limit`. The
web pages, their JSON twins, the CLI and /openapi.json read them from the catalogue.

Each page is one bounded query that starts from the entity's key (an index) and sorts
with a heap of `limit` rows (Neo4j's Top, FalkorDB's Sort under a Limit): the "next" and
"previous" links carry the position of the page's last or first row (queries/keyset.py),
and the last page is the first one in the reversed order, so no page sorts offset + limit
rows (the last of 10^5 shows on Neo4j: 1.26 s by offset, 0.55 s by position). Each page
still reads every show of the list to sort it (~0.5 s at 10^5 on Neo4j, ~0.15 s
embedded: benchmarks/list_paging.py). `offset` still jumps (`SKIP`), up to MAX_OFFSET
(queries/paging.py); beside a cursor it only numbers the page. The year and title
filters narrow the list first. The total is counted apart, with the same filters, so a
page says "51–100 of 790" truthfully.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, TypedDict, Unpack

from screengraph.graph.backend import Backend
from screengraph.graph.keys import normalize_name
from screengraph.graph.schema import Label, RelType
from screengraph.queries.catalogue import Param, question
from screengraph.queries.counted import COUNTED_SHOWS, NEWEST_SHOWS
from screengraph.queries.errors import QueryParameterError
from screengraph.queries.keyset import Column, beyond, cursor, order_by, position, position_of
from screengraph.queries.paging import paging_params
from screengraph.queries.search import check_label
from screengraph.queries.together import Part, Planned

LIST_PAGE = 50  # rows on a page of a company's or a genre's shows
CREDITS_PAGE = 100  # credits on a page of a person's filmography
NO_YEAR_LAST = 99_999  # shows without a year sort after every year, both ways

# Each order a list can take: its name in the `sort` parameter and its columns on `s`,
# the show (ties by title then key, so every page is stable and a position is one row).
_TITLE = Column("coalesce(s.title, '')")
_KEY = Column("s.key")
SHOW_ORDERS: dict[str, tuple[Column, ...]] = {
    "title": (_TITLE, _KEY),
    "year": (Column(f"coalesce(s.year, {NO_YEAR_LAST})", kind=int), _TITLE, _KEY),
    "-year": (Column("coalesce(s.year, -1)", descending=True, kind=int), _TITLE, _KEY),
}
SORT_WORDS = {"title": "title", "year": "oldest first", "-year": "newest first"}


def list_params(default_sort: str, page: int) -> tuple[Param, ...]:
    """The paging parameters of a list: the same names, ranges and help on every list."""
    return (
        Param(
            "sort",
            "str",
            default_sort,
            required=False,
            choices=tuple(SHOW_ORDERS),
            help="By title, by year (oldest first) or by -year (newest first).",
        ),
        Param("year_from", "int", None, required=False, low=1, high=9999, help="From this year."),
        Param("year_to", "int", None, required=False, low=1, high=9999, help="Up to this year."),
        Param("title", "str", None, required=False, help="Only titles containing these words."),
        *paging_params(page),
        Param(
            "after",
            "str",
            None,
            required=False,
            help="The page after this position (a page's 'next' cursor): as quick deep in "
            "the list as at its start; 'offset' then only numbers the page.",
        ),
        Param(
            "before",
            "str",
            None,
            required=False,
            help="The page before this position (a page's 'previous' cursor).",
        ),
        Param("last", "bool", False, required=False, help="The list's last page."),
    )


class Window(TypedDict, total=False):
    """Which page of a list (`window_read`'s parameters beside the query)."""

    offset: int
    limit: int
    after: str | None
    before: str | None
    last: bool


@dataclass(frozen=True)
class WindowRead:
    """How a page's rows are read for its window (after a position, before one, the last
    page, or `offset` rows in), as one part of the page's read (queries/together.py), and
    how they become the page once the list's total, read in the same trip, is known."""

    reverse: bool  # read in the reversed order (before a position, the last page)
    params: dict  # `$cursor`, `$offset` and `$limit`
    offset: int
    limit: int
    last: bool

    def page(self, rows: list[dict], total: int) -> tuple[list[dict], int]:
        """The page's rows in the list's order, and how many rows come before them."""
        if self.last:  # the last `limit` rows, of which the last page holds the final few
            size = total - (max(total - 1, 0) // self.limit) * self.limit
            return rows[:size][::-1], total - min(size, len(rows))
        if self.reverse:
            return rows[::-1], self.offset if len(rows) == self.limit else 0
        return rows, self.offset


def window_read(columns: tuple[Column, ...], **window: Unpack[Window]) -> WindowRead:
    """The read of the window `window` names, in a list ordered by `columns`."""
    after, before, last = window.get("after"), window.get("before"), bool(window.get("last"))
    if sum((after is not None, before is not None, last)) > 1:
        raise QueryParameterError("give one of 'after', 'before' and 'last', not several")
    offset, limit = window.get("offset", 0), window.get("limit", LIST_PAGE)
    at = None
    if before is not None:
        at = position(before, columns, "before")
    elif after is not None:
        at = position(after, columns, "after")
    skip = offset if at is None and not last else 0
    return WindowRead(
        reverse=last or before is not None,
        params={"cursor": at, "offset": skip, "limit": limit},
        offset=offset,
        limit=limit,
        last=last,
    )


@dataclass
class ListPage:
    """One page of a list: its rows, how many rows the filters keep, and where it starts."""

    rows: list[dict]
    total: int
    offset: int
    limit: int
    sort: str
    filters: dict[str, Any] = field(default_factory=dict)

    def to_json(self) -> dict:
        return {
            "total": self.total,
            "offset": self.offset,
            "limit": self.limit,
            "sort": self.sort,
            "filters": self.filters,
            "shown": len(self.rows),
            "truncated": self.offset + len(self.rows) < self.total or self.offset > 0,
            # The cursors of the next and previous pages (the 'after' and 'before' parameters).
            "next": cursor(self.rows[-1]["position"])
            if self.rows and self.offset + len(self.rows) < self.total
            else None,
            "previous": cursor(self.rows[0]["position"]) if self.rows and self.offset else None,
        }


_FILTERS = (
    "($year_from IS NULL OR s.year >= $year_from) "
    "AND ($year_to IS NULL OR s.year <= $year_to) "
    "AND ($title IS NULL OR s.search_text CONTAINS $title)"
)


def filter_values(year_from: int | None, year_to: int | None, title: str | None) -> dict:
    """The filters as the queries take them: a title folded as `search_text` is."""
    folded = normalize_name(title) if title else None
    return {"year_from": year_from, "year_to": year_to, "title": folded or None}


def given_filters(year_from: int | None, year_to: int | None, title: str | None) -> dict:
    """The filters a list was given, as its page names them (those left empty out)."""
    given = {"year_from": year_from, "year_to": year_to, "title": title}
    return {k: v for k, v in given.items() if v not in (None, "")}


# -- a company's or a genre's shows ------------------------------------------------

_HOLDS = {Label.COMPANY.value: RelType.MADE_BY.value, Label.GENRE.value: RelType.IN_GENRE.value}

# The filters come after a WITH: given in the MATCH's WHERE, FalkorDB starts from every
# show and checks its genre (a label scan; benchmarks/list_paging.py prints the plans).
_SHOWS_PAGE = (
    "MATCH (n:{label} {{key: $key}})<-[:{rel}]-(s:Show) WITH s WHERE {filters} AND {beyond} "
    "WITH s ORDER BY {order} SKIP $offset LIMIT $limit "
    "RETURN s.key AS key, s.title AS title, s.year AS year, {position} AS position, "
    "[(s)-[e:EPISODE_OF]->(x:Show) | {{key: x.key, title: x.title, season: e.season, "
    "episode: e.episode}}][0] AS series"
)
_SHOWS_COUNT = (
    "MATCH (n:{label} {{key: $key}})<-[:{rel}]-(s:Show) WITH s WHERE {filters} "
    "RETURN count(s) AS total"
)


def shows_page_query(label: str, sort: str, reverse: bool = False) -> str:
    """The Cypher of one page of a company's or a genre's shows in the order `sort` (or
    its reverse), after the position `$cursor` when it is given."""
    columns = SHOW_ORDERS[sort]
    return _SHOWS_PAGE.format(
        label=check_label(label),
        rel=_HOLDS[label],
        filters=_FILTERS,
        beyond=beyond(columns, reverse),
        order=order_by(columns, reverse),
        position=position_of(columns),
    )


def shows_page(
    backend: Backend,
    label: str,
    key: str,
    sort: str = "title",
    year_from: int | None = None,
    year_to: int | None = None,
    title: str | None = None,
    **window: Unpack[Window],
) -> ListPage:
    """One page of the shows a company made or a genre holds (`window_read`'s window),
    and how many match."""
    return planned_shows_page(label, key, sort, year_from, year_to, title, **window).run(backend)


def planned_shows_page(
    label: str,
    key: str,
    sort: str = "title",
    year_from: int | None = None,
    year_to: int | None = None,
    title: str | None = None,
    **window: Unpack[Window],
) -> Planned[ListPage]:
    """`shows_page` as a part of a page's read (queries/together.py): the page and its
    count in one round trip, whatever the window."""
    params = {"key": key, **filter_values(year_from, year_to, title)}
    read = window_read(SHOW_ORDERS[sort], **window)
    parts = {
        "rows": Part(
            shows_page_query(label, sort, read.reverse),
            ("key", "title", "year", "position", "series"),
            {**params, **read.params},
        ),
        "total": Part(
            _SHOWS_COUNT.format(label=check_label(label), rel=_HOLDS[label], filters=_FILTERS),
            ("total",),
            params,
        ),
    }

    def finish(found: dict[str, list[dict]]) -> ListPage:
        total = found["total"][0]["total"] if found["total"] else 0
        rows, offset = read.page(found["rows"], total)
        return ListPage(
            rows, total, offset, read.limit, sort, given_filters(year_from, year_to, title)
        )

    return Planned(parts, finish)


def _show_list(label: str, noun: str):
    @question(
        label.lower(),
        f"The shows of a {noun}",
        f"One page of the shows a {noun} {'made' if label == 'Company' else 'holds'}, "
        "sorted and filtered in the database, with how many match.",
        Param(
            "key",
            "str",
            argument=True,
            metavar=label.upper(),
            entity=label,
            help=f"The {noun}: a name, {label}:key or an identifier.",
        ),
        *list_params("title", LIST_PAGE),
        columns=("key", "title", "year"),
    )
    def shows(backend: Backend, key: str, **paging) -> list[dict]:
        return shows_page(backend, label, key, **paging).rows

    return shows


company_shows = _show_list(Label.COMPANY.value, "company")
genre_shows = _show_list(Label.GENRE.value, "genre")


# -- a person's credits (their filmography) -----------------------------------------

# A credit's group: its relationship type, a producer's role, or the category of any
# other credit (composer, editor...: WORKED_ON's role). queries/cypher/show.cypher agrees.
_GROUP = (
    "CASE type(r) WHEN 'PRODUCED' THEN coalesce(r.role, 'producer') "
    "WHEN 'WORKED_ON' THEN coalesce(r.role, 'other') ELSE type(r) END"
)
_CREDITS_PAGE = (
    "MATCH (p:Person {{key: $key}})-[r]->(s:Show) "
    f"WITH r, s, {_GROUP} AS grp "
    "WHERE ($group IS NULL OR grp = $group) AND {filters} "
    "WITH r, s, grp, "
    "coalesce([i IN range(0, size($groups) - 1) WHERE $groups[i] = grp][0], size($groups)) AS rank "
    "WITH r, s, grp, rank WHERE {beyond} "
    "WITH r, s, grp, rank ORDER BY {order} SKIP $offset LIMIT $limit "
    "RETURN s.key AS key, s.title AS title, s.year AS year, grp AS grp, type(r) AS type, "
    "{position} AS position, "
    "r.role AS role, r.characters AS characters, r.job AS job, r.category AS category, "
    "r.order AS order, "
    "type(r) + '|' + startNode(r).key + '|' + endNode(r).key + '|' + coalesce(r.role, '') AS id, "
    "size([(s)<-[:EPISODE_OF]-(:Show) | 1]) > 0 AS has_episodes"
)
# Every group's credits within the filters (the role filter aside: the page links to
# each group), and the person's credits and shows in all.
_CREDIT_GROUPS = (
    "MATCH (p:Person {{key: $key}})-[r]->(s:Show) WITH r, s WHERE {filters} "
    f"RETURN {_GROUP} AS grp, count(r) AS credits"
)
_CREDIT_TOTALS = (
    "MATCH (p:Person {key: $key})-[r]->(s:Show) RETURN count(r) AS credits, "
    "count(DISTINCT s) AS shows"
)


def credit_columns(sort: str) -> tuple[Column, ...]:
    """A filmography's order: by group (those asked for first), then by `sort`, then by
    the credit's type and role (one show can hold two of a person's credits)."""
    return (
        Column("rank", kind=int),
        Column("grp"),
        *SHOW_ORDERS[sort],
        Column("type(r) + '|' + coalesce(r.role, '')"),
    )


def credits_page_query(sort: str, reverse: bool = False) -> str:
    columns = credit_columns(sort)
    return _CREDITS_PAGE.format(
        filters=_FILTERS,
        beyond=beyond(columns, reverse),
        order=order_by(columns, reverse),
        position=position_of(columns),
    )


@dataclass
class CreditsPage(ListPage):
    """A page of a person's credits, with every group's count (the filters applied) and
    the person's credits and shows in all."""

    groups: dict[str, int] = field(default_factory=dict)
    credits: int = 0
    shows: int = 0


_CREDIT_COLUMNS = (
    "key",
    "title",
    "year",
    "grp",
    "type",
    "role",
    "characters",
    "job",
    "category",
    "order",
    "id",
    "has_episodes",
)


def credits_page(
    backend: Backend,
    key: str,
    order: tuple[str, ...],
    group: str | None = None,
    sort: str = "-year",
    year_from: int | None = None,
    year_to: int | None = None,
    title: str | None = None,
    **window: Unpack[Window],
) -> CreditsPage:
    """One page of a person's credits (`window_read`'s window): by group (those of
    `order` first, the others by name), then by `sort`; only `group`'s when given."""
    return planned_credits_page(key, order, group, sort, year_from, year_to, title, **window).run(
        backend
    )


def planned_credits_page(
    key: str,
    order: tuple[str, ...],
    group: str | None = None,
    sort: str = "-year",
    year_from: int | None = None,
    year_to: int | None = None,
    title: str | None = None,
    **window: Unpack[Window],
) -> Planned[CreditsPage]:
    """`credits_page` as a part of a page's read (queries/together.py): the page, the
    groups' counts and the totals in one round trip, whatever the window."""
    window.setdefault("limit", CREDITS_PAGE)
    filters = filter_values(year_from, year_to, title)
    read = window_read(credit_columns(sort), **window)
    parts = {
        "rows": Part(
            credits_page_query(sort, read.reverse),
            (*_CREDIT_COLUMNS, "position"),
            {"key": key, **filters, "group": group, "groups": list(order), **read.params},
        ),
        "groups": Part(
            _CREDIT_GROUPS.format(filters=_FILTERS), ("grp", "credits"), {"key": key, **filters}
        ),
        "totals": Part(_CREDIT_TOTALS, ("credits", "shows"), {"key": key}),
    }

    def finish(found: dict[str, list[dict]]) -> CreditsPage:
        counted = {row["grp"]: row["credits"] for row in found["groups"]}
        totals = found["totals"][0] if found["totals"] else {}
        total = counted.get(group, 0) if group is not None else sum(counted.values())
        rows, offset = read.page(found["rows"], total)
        return CreditsPage(
            rows,
            total,
            offset,
            read.limit,
            sort,
            given_filters(year_from, year_to, title),
            groups=counted,
            credits=totals.get("credits", 0),
            shows=totals.get("shows", 0),
        )

    return Planned(parts, finish)


# -- what a person is known for -------------------------------------------------------

KNOWN_FOR_SIZE = 4
# The rule, declared once: the shows with the most credited people on them (the graph's
# measure of a show's prominence, the same for every source), then those where the person
# had the larger part (ROLE_RANKS), then the newest, among the person's COUNTED_SHOWS
# newest shows (queries/counted.py). A source's own known-for titles (IMDb's
# knownForTitles) come first when the graph holds them: queries/explore.py.
ROLE_RANKS = {"DIRECTED": 3, "WROTE": 3, "PRODUCED": 2, "ACTED_IN": 1, "WORKED_ON": 1}
KNOWN_FOR_RULE = (
    "the source's picks, then the shows with the most people credited (ties: the larger "
    "part, directing or writing before producing before acting, then the newest), among "
    f"their {COUNTED_SHOWS} newest shows"
)
_KNOWN_FOR = (
    # The newest shows first, then the person's part on those only: grouping every
    # credit of a hub's by show first took 2.5 times as long (6,373 credits, 10^6 store).
    "MATCH (p:Person {key: $key})-->(s:Show) "
    f"WITH DISTINCT p, s {NEWEST_SHOWS} "
    "MATCH (p)-[r]->(s) WITH s, max(CASE type(r) "
    + " ".join(f"WHEN '{t}' THEN {rank}" for t, rank in ROLE_RANKS.items())
    + " ELSE 1 END) AS part "
    "MATCH (s)<-[c]-(:Person) WITH s, part, count(c) AS credited "
    "ORDER BY credited DESC, part DESC, coalesce(s.year, -1) DESC, s.key LIMIT $limit "
    "RETURN s.key AS key, s.title AS title, s.year AS year, credited"
)


def prominent_shows(backend: Backend, key: str, limit: int = KNOWN_FOR_SIZE) -> list[dict]:
    """A person's most prominent shows by KNOWN_FOR_RULE: [{key, title, year, credited}]."""
    return planned_prominent_shows(key, limit).run(backend)


def planned_prominent_shows(key: str, limit: int = KNOWN_FOR_SIZE) -> Planned[list[dict]]:
    params = {"key": key, "limit": limit, "shows": COUNTED_SHOWS}
    part = Part(_KNOWN_FOR, ("key", "title", "year", "credited"), params)
    return Planned({"shows": part}, lambda found: found["shows"])


def planned_queries(list_key: str, person_key: str) -> dict[str, tuple[str, dict]]:
    """Every query behind the lists, with parameters (no filter given: the plan an
    unfiltered page gets), by name: what benchmarks/list_paging.py and
    tests/queries/test_list_plans.py ask each engine to plan."""
    filters = filter_values(None, None, None)
    genre = {"label": Label.GENRE.value, "rel": _HOLDS[Label.GENRE.value], "filters": _FILTERS}
    page = {"offset": 0, "limit": LIST_PAGE, "cursor": None}
    return {
        "shows page": (
            shows_page_query(Label.GENRE.value, "-year"),
            {"key": list_key, **filters, **page},
        ),
        "shows page after a position": (
            shows_page_query(Label.GENRE.value, "-year"),
            {"key": list_key, **filters, **page, "cursor": [1999, "night", "show-1"]},
        ),
        "last page": (
            shows_page_query(Label.GENRE.value, "-year", reverse=True),
            {"key": list_key, **filters, **page},
        ),
        "shows count": (_SHOWS_COUNT.format(**genre), {"key": list_key, **filters}),
        "credits page": (
            credits_page_query("-year"),
            {"key": person_key, **filters, "group": None, "groups": ["DIRECTED"], **page},
        ),
        "credit groups": (
            _CREDIT_GROUPS.format(filters=_FILTERS),
            {"key": person_key, **filters},
        ),
        "credit totals": (_CREDIT_TOTALS, {"key": person_key}),
        "known for": (
            _KNOWN_FOR,
            {"key": person_key, "limit": KNOWN_FOR_SIZE, "shows": COUNTED_SHOWS},
        ),
    }
