"""Long lists: pages of a genre's shows, on both backends, by offset and by position.

    python -m benchmarks.list_paging [--shows 100000] [--genre 790] [--backend both]

Builds --shows shows (bulk UNWIND writes), all in the genre Drama and --genre of them in
War too, then times pages of each genre through queries/lists.py (the web pages' own
function), newest first: page 1, page 200 and the last page, each reached by `offset`
(SKIP: a heap of offset + limit rows; what the links did before) and by position (the
'after' cursor the 'next' link carries, and 'last': a heap of limit rows), plus a filtered
page. Baselines in the same run: an indexed lookup, and the query the pages used before
paging (collect every show of the genre, sorted, then slice). Each query's plan is printed
as the engine gives it (Neo4j EXPLAIN, FalkorDB GRAPH.EXPLAIN): a page starts from the
genre's key index and shows Neo4j's Top or FalkorDB's Sort under a Limit, never a
whole-list Collect.
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from collections.abc import Callable

from benchmarks.bulk import chosen_backends, open_backend, write_edges, write_nodes
from benchmarks.synthetic import WORDS
from screengraph.graph.backend import Backend
from screengraph.graph.errors import QueryTimeout
from screengraph.graph.keys import normalize_name
from screengraph.queries import lists

# The genre page's query before paging (queries/cypher/genre.cypher until then).
WHOLE_LIST = (
    "MATCH (g:Genre {key: $key}) OPTIONAL MATCH (s:Show)-[:IN_GENRE]->(g) "
    "WITH g, s ORDER BY s.title, s.key "
    "WITH g, collect({key: s.key, title: s.title, year: s.year}) AS shows "
    "RETURN g AS genre, shows[0..$limit] AS shows, size(shows) AS total"
)
LOOKUP = "MATCH (s:Show {key: $key}) RETURN s.title"


def build(backend: Backend, shows: int, in_war: int) -> None:
    backend.ensure_schema()
    write_nodes(backend, "Genre", [{"key": k, "name": k.title()} for k in ("drama", "war")])
    rows = []
    for i in range(shows):
        title = f"{WORDS[i % len(WORDS)]} {WORDS[(i // len(WORDS)) % len(WORDS)]} {i}"
        rows.append(
            {
                "key": f"show-{i}",
                "title": title,
                "year": 1920 + i % 100,
                "search_text": normalize_name(title),
            }
        )
    write_nodes(backend, "Show", rows)
    write_edges(backend, "IN_GENRE", [{"s": r["key"], "e": "drama"} for r in rows], merge=False)
    step = max(1, shows // in_war)
    war = [{"s": r["key"], "e": "war"} for r in rows[::step][:in_war]]
    write_edges(backend, "IN_GENRE", war, merge=False)


def timed(run: Callable[[], object], repeat: int) -> str:
    """Median milliseconds of `repeat` runs, after one warm-up; or the time limit it passed
    (a timeout is a failure, never a fast answer)."""
    try:
        run()
        times = []
        for _ in range(repeat):
            started = time.perf_counter()
            run()
            times.append((time.perf_counter() - started) * 1000)
    except QueryTimeout as exc:
        return f"stopped at its {exc.limit_ms:,} ms limit"
    return f"{statistics.median(times):8.1f} ms"


def operators(backend: Backend, cypher: str, params: dict) -> str:
    return " > ".join(backend.adhoc_plan(cypher, params).operators)


def warmed(backend: Backend, genre: str, tries: int = 20) -> int:
    """The genre's size, once the engine answers within its time limit (a store just
    written may not at first: Neo4j right after 10^5 writes)."""
    for _ in range(tries - 1):
        try:
            return lists.shows_page(backend, "Genre", genre, limit=1).total
        except QueryTimeout:
            time.sleep(10)
    return lists.shows_page(backend, "Genre", genre, limit=1).total


def measure(backend: Backend, name: str, genre: str, repeat: int) -> None:
    limit = lists.LIST_PAGE
    total = warmed(backend, genre)
    deep = min(199 * limit, total - 1)  # page 200's first row (or the list's last)
    # The position the 'next' link of page 199 carries: the row before page 200's first.
    before_deep = lists.shows_page(backend, "Genre", genre, "-year", offset=deep - 1, limit=1)
    after = lists.ListPage(before_deep.rows, total, deep - 1, 1, "-year").to_json()["next"]
    last_offset = total - (max(total - 1, 0) // limit) * limit
    cases = {
        "page 1": ({}, {}),
        f"page {deep // limit + 1} (row {deep + 1:,})": (
            {"offset": deep},
            {"after": after, "offset": deep},
        ),
        f"last page (row {total - last_offset + 1:,})": (
            {"offset": total - last_offset},
            {"last": True},
        ),
    }
    print(f"\n{name}: genre {genre!r}, {total:,} shows, newest first, {limit} a page")
    lookup = timed(lambda: backend.run_read(LOOKUP, {"key": "show-1"}), repeat)
    print(f"  {'indexed lookup (baseline)':<36} {lookup}")
    whole = timed(
        lambda: backend.run_read(WHOLE_LIST, {"key": genre, "limit": limit}, max_rows=0), repeat
    )
    print(f"  {'whole list, then slice (baseline)':<36} {whole}")
    print(f"  {'':<36} {'by offset (before)':>20} {'by position (after)':>20}")
    for case, (by_offset, by_position) in cases.items():
        figures = [
            timed(
                lambda paging=paging: lists.shows_page(backend, "Genre", genre, "-year", **paging),
                repeat,
            )
            for paging in (by_offset, by_position)
        ]
        print(f"  {case:<36} {figures[0]:>20} {figures[1]:>20}")
    filtered = {"year_from": 1990, "year_to": 1999, "title": "night"}
    print(
        f"  {'1990-1999, title night':<36} "
        f"{timed(lambda: lists.shows_page(backend, 'Genre', genre, **filtered), repeat):>20}"
    )
    planned = lists.planned_queries(genre, "nobody")
    for query in ("shows page", "shows page after a position", "last page"):
        print(f"  plan, {query + ':':<30} {operators(backend, *planned[query])}")
    print(f"  plan, whole list: {operators(backend, WHOLE_LIST, {'key': genre, 'limit': 50})}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--shows", type=int, default=100_000)
    parser.add_argument("--genre", type=int, default=790, help="Shows in the smaller genre.")
    parser.add_argument("--repeat", type=int, default=9)
    parser.add_argument("--backend", choices=("both", "embedded", "neo4j"), default="both")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="sg-list-paging-") as scratch:
        for name in chosen_backends(args.backend):
            backend = open_backend(name, scratch, "list-paging")
            try:
                if name == "neo4j":
                    backend.clear()
                started = time.perf_counter()
                build(backend, args.shows, args.genre)
                print(
                    f"{name}: built {args.shows:,} shows in {time.perf_counter() - started:.1f} s"
                )
                for genre in ("war", "drama"):
                    measure(backend, name, genre, args.repeat)
            finally:
                if name == "neo4j":
                    backend.clear()
                backend.close()


if __name__ == "__main__":
    main()
