"""The screengraph web app: explore, connect, query and add listings, on either backend.

`create_app()` builds it; nothing connects until the first request needs the graph.
"""

from __future__ import annotations

import secrets
from collections.abc import Mapping
from typing import Any

from flask import Flask

from screengraph.graph.settings import SETTINGS_BY_NAME, Settings, SettingsError, load_settings
from screengraph.webapp.ingest_token import require_strong_token


def create_app(
    test_config: Mapping[str, Any] | None = None, *, settings: Settings | None = None, backend=None
) -> Flask:
    app = Flask(__name__)
    settings = settings or load_settings()
    require_secret_key_for_ingest(settings)
    require_strong_token(settings)
    app.config.update(
        SECRET_KEY=settings.secret_key or secrets.token_hex(32),
        SCREENGRAPH_SETTINGS=settings,
        INGEST_TOKEN=settings.ingest_token,
        JSON_SORT_KEYS=False,
    )
    if test_config:
        app.config.update(test_config)

    from screengraph.graph.result_text import cell_text, counted
    from screengraph.webapp import (
        csrf,
        errors,
        health,
        inputs,
        openapi,
        page_cache,
        security,
        store,
        telemetry,
        views_connect,
        views_console,
        views_duplicates,
        views_explore,
        views_export,
        views_graph,
        views_ingest,
        views_loads,
    )

    app.jinja_env.filters["cell"] = cell_text
    app.jinja_env.filters["counted"] = counted
    telemetry.init_app(app)  # first: every request is timed and logged, refused ones too
    store.init_app(app, backend)
    page_cache.init_app(app, settings.page_cache_mb)
    errors.init_app(app)
    # Before any view, cheapest first: the Host, where the request comes from, its size,
    # the CSRF token, then every form field.
    security.init_app(app, allowed_hosts=settings.allowed_hosts, proxy_hops=settings.proxy_hops)
    inputs.init_app(app)
    csrf.init_app(app)
    app.before_request(inputs.check_form)
    for module in (
        views_explore,
        views_graph,
        views_export,
        views_connect,
        views_console,
        views_ingest,
        views_loads,
        views_duplicates,
        openapi,
        health,
    ):
        app.register_blueprint(module.bp)
    return app


def require_secret_key_for_ingest(settings: Settings) -> None:
    """Adding listings needs a fixed secret key: its previews are confirmed through signed
    sessions, which a per-process random key breaks at each restart (and across processes)."""
    if settings.ingest_token and not settings.secret_key:
        token, key = SETTINGS_BY_NAME["ingest_token"].env, SETTINGS_BY_NAME["secret_key"].env
        raise SettingsError(
            f"{token} is set but {key} is not: adding listings needs both. Set {key} to a "
            "long random value (python -c 'import secrets; print(secrets.token_hex(32))'), "
            f"or unset {token} to switch adding listings off."
        )
