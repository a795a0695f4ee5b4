"""The screengraph web app: explore, connect, query and add listings, on either backend.

`create_app()` builds it; nothing connects until the first request needs the graph.
"""

from __future__ import annotations

import secrets
from typing import Any, Mapping

from flask import Flask

from graph.settings import Settings, load_settings


def create_app(test_config: Mapping[str, Any] | None = None, *,
               settings: Settings | None = None, backend=None) -> Flask:
    app = Flask(__name__)
    settings = settings or load_settings()
    app.config.update(
        SECRET_KEY=settings.secret_key or secrets.token_hex(32),
        SCREENGRAPH_SETTINGS=settings,
        INGEST_TOKEN=settings.ingest_token,
        JSON_SORT_KEYS=False,
    )
    if test_config:
        app.config.update(test_config)

    from webapp import (csrf, errors, health, inputs, openapi, security, store, views_connect,
                        views_console, views_explore, views_ingest)
    from webapp.cells import cell_text
    app.jinja_env.filters["cell"] = cell_text
    store.init_app(app, backend)
    errors.init_app(app)
    # Before any view, cheapest first: the Host, where the request comes from, its size,
    # the CSRF token, then every form field.
    security.init_app(app, allowed_hosts=settings.allowed_hosts, proxy_hops=settings.proxy_hops)
    inputs.init_app(app)
    csrf.init_app(app)
    app.before_request(inputs.check_form)
    for module in (views_explore, views_connect, views_console, views_ingest, openapi, health):
        app.register_blueprint(module.bp)
    return app

