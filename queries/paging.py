"""How paged answers page: `offset` and `limit`, declared once for every surface (the
lists, search, the canned questions' results; the CLI's options and /openapi.json too).

`offset` stops at MAX_OFFSET: past it a list's pages follow their 'next' cursors
(queries/keyset.py), and other answers ask to be narrowed.
"""

from __future__ import annotations

from screengraph.queries.catalogue import Param

MAX_OFFSET = 10_000  # as far as an offset reaches
MAX_PAGE = 500  # rows on a page at the most


def paging_params(page: int, most: int = MAX_PAGE) -> tuple[Param, Param]:
    """`offset` and `limit`: how every paged answer pages (the lists, search, the canned
    questions' results), with the same names, ranges and help; `page` rows by default,
    `most` at the most."""
    return (
        Param(
            "offset",
            "int",
            0,
            required=False,
            low=0,
            high=MAX_OFFSET,
            help=f"How many rows to skip, for paging (up to {MAX_OFFSET:,}).",
        ),
        Param("limit", "int", page, required=False, low=1, high=most, help="Rows on a page."),
    )
