"""Every page has a JSON twin at the same path plus `.json` (Datasette's habit).

A view returns plain data (entities by label and key: links are added here, by
webapp/links.py); `page()` registers it twice, once rendered with a
template and once as JSON, so the UI and the API cannot drift apart. With `cached`,
both go through the page cache (webapp/page_cache.py): for pages that only read the
graph and the request's path and query string.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps

from flask import Blueprint, jsonify, make_response, render_template

from screengraph.webapp.links import with_urls
from screengraph.webapp.page_cache import cached as through_cache


def _as_it_is(data: dict) -> dict:
    return data


def page(
    bp: Blueprint,
    rule: str,
    template: str,
    *,
    json_rule: str | None = None,
    methods: tuple[str, ...] = ("GET",),
    cached: bool = False,
    links: bool = True,
) -> Callable:
    """`links`: give the entities the view names their page's `url` (off where the data
    is an analyst's own results, passed on as the database returned them)."""
    add_links = with_urls if links else _as_it_is

    def decorator(view: Callable[..., dict]) -> Callable:
        def html(**kwargs):
            return make_response(render_template(template, **add_links(view(**kwargs))))

        def json(**kwargs):
            data = add_links(view(**kwargs))
            return jsonify({k: v for k, v in data.items() if not k.startswith("_")})

        @wraps(view)
        def as_html(**kwargs):
            return through_cache(lambda: html(**kwargs), "html") if cached else html(**kwargs)

        def as_json(**kwargs):
            return through_cache(lambda: json(**kwargs), "json") if cached else json(**kwargs)

        bp.add_url_rule(rule, view.__name__, as_html, methods=list(methods))
        bp.add_url_rule(
            json_rule or f"{rule}.json", f"{view.__name__}_json", as_json, methods=list(methods)
        )
        return view

    return decorator
