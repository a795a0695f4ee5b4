"""Every page has a JSON twin at the same path plus `.json` (Datasette's habit).

A view returns plain data; `page()` registers it twice, once rendered with a
template and once as JSON, so the UI and the API cannot drift apart.
"""

from __future__ import annotations

from functools import wraps
from typing import Callable

from flask import Blueprint, jsonify, render_template


def page(bp: Blueprint, rule: str, template: str, *, json_rule: str | None = None,
         methods: tuple[str, ...] = ("GET",)) -> Callable:
    def decorator(view: Callable[..., dict]) -> Callable:
        @wraps(view)
        def as_html(**kwargs):
            data = view(**kwargs)
            return render_template(template, **data)

        def as_json(**kwargs):
            data = view(**kwargs)
            return jsonify({k: v for k, v in data.items() if not k.startswith("_")})

        bp.add_url_rule(rule, view.__name__, as_html, methods=list(methods))
        bp.add_url_rule(json_rule or f"{rule}.json", f"{view.__name__}_json", as_json,
                        methods=list(methods))
        return view

    return decorator
