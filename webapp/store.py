"""The app's backend: opened once on first use, shared by request threads, closed at exit.

The embedded store runs one server per process, and the Neo4j driver is a
thread-safe pool, so one backend per app (not per request) is the right grain.
"""

from __future__ import annotations

import atexit
import threading

from flask import Flask, current_app

from screengraph.graph.backend import Backend
from screengraph.graph.connect import connect
from screengraph.graph.errors import StoreLayoutTooNew
from screengraph.graph.store_layout import check_openable
from screengraph.loaders.upgrade import what_will_change

_KEY = "screengraph.backend"
_lock = threading.Lock()


def init_app(app: Flask, backend: Backend | None = None) -> None:
    app.extensions[_KEY] = backend


def get_backend() -> Backend:
    app = current_app._get_current_object()  # type: ignore[attr-defined]  # a LocalProxy typed Flask
    backend = app.extensions.get(_KEY)
    if backend is None:
        with _lock:
            backend = app.extensions.get(_KEY)
            if backend is None:
                backend = connect(app.config["SCREENGRAPH_SETTINGS"])
                try:
                    layout = check_openable(backend)  # a newer screengraph's is refused
                except StoreLayoutTooNew:
                    backend.close()
                    raise
                if layout.older:
                    app.logger.warning(
                        "The store has an earlier version's layout; pages work, and "
                        "'screengraph upgrade' (or the next load) brings it up to date: %s",
                        "; ".join(what_will_change(backend, counted=False)),
                    )
                backend.ensure_schema()
                app.extensions[_KEY] = backend
                atexit.register(backend.close)
    return backend
