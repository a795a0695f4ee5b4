"""A canned question's results a page at a time, instead of cut at the row cap.

The page takes the lists' own paging parameters (`offset`, `limit`: queries/paging.py),
checked by the same declaration. A question that declares them itself
(the long lists, search) pages itself; for every other one the page reads `offset + limit`
rows and shows the last `limit` of them (`offset` stops at MAX_OFFSET, as the lists'
does). The total is true when the rows ran out on this page or before it; otherwise the
page offers "more" (a next page), never a count it would have to read every row for.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from flask import request, url_for

from screengraph.graph.backend import Backend, Results
from screengraph.queries.catalogue import Param, Question, catalogue
from screengraph.queries.paging import MAX_OFFSET, paging_params
from screengraph.webapp.inputs import question_values

CANNED_PAGE = 100  # rows on a page of a canned question's results


def window_params(question: Question) -> tuple[Param, ...]:
    """The paging parameters the page applies to `question`'s rows: the lists', less
    those the question declares itself."""
    own = {p.name for p in question.parameters}
    return tuple(p for p in paging_params(CANNED_PAGE) if p.name not in own)


@dataclass
class ResultPage:
    """One page of a question's results, where it starts, and what lies beyond it."""

    results: Results
    offset: int
    limit: int
    total: int | None  # None: more rows than this page, not counted
    more: bool
    pages: dict[str, str] = field(default_factory=dict)

    def to_json(self) -> dict[str, Any]:
        shown = len(self.results.rows)
        return {
            "offset": self.offset,
            "limit": self.limit,
            "shown": shown,
            "first": self.offset + 1 if shown else self.offset,
            "last": self.offset + shown,
            "total": self.total,
            "more": self.more,
            "pages": self.pages,
        }


def run_page(backend: Backend, question: Question, bound: dict[str, Any]) -> ResultPage:
    """`question`'s results for `bound`, the page the request asks for."""
    window = window_params(question)
    if any(p.name == "offset" for p in window):
        asked = question_values(Question(question.name, question.title, "", window), complete=False)
        # A question with a `limit` of its own (its top N) is shown CANNED_PAGE at a time.
        offset, limit = asked["offset"], asked.get("limit", CANNED_PAGE)
        found = catalogue().run(backend, question.name, bound, max_rows=offset + limit)
        more = found.truncated or len(found.rows) > offset + limit
        rows = found.rows[offset : offset + limit]
        total = None if more else len(found.rows)
    else:  # the question pages itself (the lists, search): a full page may have a next one
        offset, limit = bound["offset"], bound["limit"]
        found = catalogue().run(backend, question.name, bound, max_rows=limit)
        rows = found.rows
        more = len(rows) >= limit
        total = None if more else offset + len(rows)
    page = ResultPage(Results(found.columns, rows, more), offset, limit, total, more)
    page.pages = _links(question, page)
    return page


def _links(question: Question, page: ResultPage) -> dict[str, str]:
    """The previous and next pages' addresses: this request's, `offset` changed."""
    args: dict[str, Any] = {
        k: ",".join(request.args.getlist(k)) for k in request.args if k != "offset"
    }

    def at(offset: int) -> str:
        changed = {**args, "offset": offset} if offset else args
        return url_for(request.endpoint or "console.canned", name=question.name, **changed)

    links = {}
    if page.offset:
        links["previous"] = at(max(page.offset - page.limit, 0))
    if page.more and page.offset + page.limit <= MAX_OFFSET:
        links["next"] = at(page.offset + page.limit)
    return links
