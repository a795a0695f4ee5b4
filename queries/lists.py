"""Long lists, paged in the database: a company's or a genre's shows, a person's credits.

Every list takes the same paging parameters, declared once here (`list_params`): a sort
among the list's own orders, a year range, a title filter, `offset` and `limit`. The
web pages, their JSON twins, the CLI and /openapi.json read them from the catalogue.

Each page is one bounded query: `ORDER BY ... SKIP $offset LIMIT $limit` keeps only the
best `offset + limit` rows while it reads (Neo4j's Top, FalkorDB's sort with a limit: a
heap, never the whole list in memory); `offset` stops at MAX_OFFSET as search's does,
and the year and title filters narrow the list first. The total is counted apart, with
the same filters, so a page says "51–100 of 790" truthfully.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from screengraph.graph.backend import Backend
from screengraph.graph.keys import normalize_name
from screengraph.graph.schema import Label, RelType
from screengraph.queries.catalogue import Param, question
from screengraph.queries.search import check_label
from screengraph.queries.together import Part, Planned

MAX_OFFSET = 10_000  # as far as a list pages (search stops there too)
MAX_PAGE = 500
LIST_PAGE = 50  # rows on a page of a company's or a genre's shows
CREDITS_PAGE = 100  # credits on a page of a person's filmography
NO_YEAR_LAST = 99_999  # shows without a year sort after every year, both ways

# Each order a list can take: its name in the `sort` parameter and its ORDER BY on `s`,
# the show (ties by title then key, so every page is stable).
SHOW_ORDERS = {
    "title": "coalesce(s.title, ''), s.key",
    "year": f"coalesce(s.year, {NO_YEAR_LAST}), coalesce(s.title, ''), s.key",
    "-year": "coalesce(s.year, -1) DESC, coalesce(s.title, ''), s.key",
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
        Param(
            "offset",
            "int",
            0,
            required=False,
            low=0,
            high=MAX_OFFSET,
            help="How many rows to skip, for paging.",
        ),
        Param("limit", "int", page, required=False, low=1, high=MAX_PAGE, help="Rows on a page."),
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
    "MATCH (n:{label} {{key: $key}})<-[:{rel}]-(s:Show) WITH s WHERE {filters} "
    "WITH s ORDER BY {order} SKIP $offset LIMIT $limit "
    "RETURN s.key AS key, s.title AS title, s.year AS year, "
    "[(s)-[e:EPISODE_OF]->(x:Show) | {{key: x.key, title: x.title, season: e.season, "
    "episode: e.episode}}][0] AS series"
)
_SHOWS_COUNT = (
    "MATCH (n:{label} {{key: $key}})<-[:{rel}]-(s:Show) WITH s WHERE {filters} "
    "RETURN count(s) AS total"
)


def shows_page_query(label: str, sort: str) -> str:
    """The Cypher of one page of a company's or a genre's shows in the order `sort`."""
    return _SHOWS_PAGE.format(
        label=check_label(label), rel=_HOLDS[label], filters=_FILTERS, order=SHOW_ORDERS[sort]
    )


def shows_page(
    backend: Backend,
    label: str,
    key: str,
    sort: str = "title",
    year_from: int | None = None,
    year_to: int | None = None,
    title: str | None = None,
    offset: int = 0,
    limit: int = LIST_PAGE,
) -> ListPage:
    """One page of the shows a company made or a genre holds, and how many match."""
    return planned_shows_page(
        label, key, sort, year_from, year_to, title, offset=offset, limit=limit
    ).run(backend)


def planned_shows_page(
    label: str,
    key: str,
    sort: str = "title",
    year_from: int | None = None,
    year_to: int | None = None,
    title: str | None = None,
    offset: int = 0,
    limit: int = LIST_PAGE,
) -> Planned[ListPage]:
    """`shows_page` as a part of a page's read (queries/together.py): the page and its
    count in one round trip."""
    params = {"key": key, **filter_values(year_from, year_to, title)}
    parts = {
        "rows": Part(
            shows_page_query(label, sort),
            ("key", "title", "year", "series"),
            {**params, "offset": offset, "limit": limit},
        ),
        "total": Part(
            _SHOWS_COUNT.format(label=check_label(label), rel=_HOLDS[label], filters=_FILTERS),
            ("total",),
            params,
        ),
    }
    return Planned(
        parts,
        lambda found: ListPage(
            found["rows"],
            found["total"][0]["total"] if found["total"] else 0,
            offset,
            limit,
            sort,
            given_filters(year_from, year_to, title),
        ),
    )


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
    "ORDER BY rank, grp, {order} SKIP $offset LIMIT $limit "
    "RETURN s.key AS key, s.title AS title, s.year AS year, grp AS grp, type(r) AS type, "
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
    offset: int = 0,
    limit: int = CREDITS_PAGE,
) -> CreditsPage:
    """One page of a person's credits: by group (those of `order` first, the others by
    name), then by `sort`; only `group`'s when given."""
    return planned_credits_page(
        key, order, group, sort, year_from, year_to, title, offset=offset, limit=limit
    ).run(backend)


def planned_credits_page(
    key: str,
    order: tuple[str, ...],
    group: str | None = None,
    sort: str = "-year",
    year_from: int | None = None,
    year_to: int | None = None,
    title: str | None = None,
    offset: int = 0,
    limit: int = CREDITS_PAGE,
) -> Planned[CreditsPage]:
    """`credits_page` as a part of a page's read (queries/together.py): the page, the
    groups' counts and the totals in one round trip."""
    filters = filter_values(year_from, year_to, title)
    parts = {
        "rows": Part(
            _CREDITS_PAGE.format(filters=_FILTERS, order=SHOW_ORDERS[sort]),
            _CREDIT_COLUMNS,
            {
                "key": key,
                **filters,
                "group": group,
                "groups": list(order),
                "offset": offset,
                "limit": limit,
            },
        ),
        "groups": Part(
            _CREDIT_GROUPS.format(filters=_FILTERS), ("grp", "credits"), {"key": key, **filters}
        ),
        "totals": Part(_CREDIT_TOTALS, ("credits", "shows"), {"key": key}),
    }

    def finish(found: dict[str, list[dict]]) -> CreditsPage:
        counted = {row["grp"]: row["credits"] for row in found["groups"]}
        totals = found["totals"][0] if found["totals"] else {}
        return CreditsPage(
            found["rows"],
            counted.get(group, 0) if group is not None else sum(counted.values()),
            offset,
            limit,
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
# had the larger part (ROLE_RANKS), then the newest. A source's own known-for titles
# (IMDb's knownForTitles) come first when the graph holds them: queries/explore.py.
ROLE_RANKS = {"DIRECTED": 3, "WROTE": 3, "PRODUCED": 2, "ACTED_IN": 1, "WORKED_ON": 1}
KNOWN_FOR_RULE = (
    "the source's picks, then the shows with the most people credited (ties: the larger "
    "part, directing or writing before producing before acting, then the newest)"
)
_KNOWN_FOR = (
    "MATCH (p:Person {key: $key})-[r]->(s:Show) "
    "WITH s, max(CASE type(r) "
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
    part = Part(_KNOWN_FOR, ("key", "title", "year", "credited"), {"key": key, "limit": limit})
    return Planned({"shows": part}, lambda found: found["shows"])


def planned_queries(list_key: str, person_key: str) -> dict[str, tuple[str, dict]]:
    """Every query behind the lists, with parameters (no filter given: the plan an
    unfiltered page gets), by name: what benchmarks/list_paging.py and
    tests/queries/test_list_plans.py ask each engine to plan."""
    filters = filter_values(None, None, None)
    genre = {"label": Label.GENRE.value, "rel": _HOLDS[Label.GENRE.value], "filters": _FILTERS}
    page = {"offset": 0, "limit": LIST_PAGE}
    return {
        "shows page": (
            shows_page_query(Label.GENRE.value, "-year"),
            {"key": list_key, **filters, **page},
        ),
        "shows count": (_SHOWS_COUNT.format(**genre), {"key": list_key, **filters}),
        "credits page": (
            _CREDITS_PAGE.format(filters=_FILTERS, order=SHOW_ORDERS["-year"]),
            {"key": person_key, **filters, "group": None, "groups": ["DIRECTED"], **page},
        ),
        "credit groups": (
            _CREDIT_GROUPS.format(filters=_FILTERS),
            {"key": person_key, **filters},
        ),
        "credit totals": (_CREDIT_TOTALS, {"key": person_key}),
        "known for": (_KNOWN_FOR, {"key": person_key, "limit": KNOWN_FOR_SIZE}),
    }
