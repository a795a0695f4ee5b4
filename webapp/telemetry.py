"""What operators watch: one log line per request, and `/metrics` for Prometheus.

Each request is timed from the first check to the last byte of its headers and
logged once (graph/oplog.py writes it as text or JSON) with its route, status, time,
database time, database calls (its round trips: each waits its turn behind a write in
flight, queries/together.py) and request id; the same facts feed the metrics below, with the
database calls and loads that graph/observe.py reports. Labels are bounded: a route
is the URL rule that matched (`/person/<key>`), never the path asked for.
"""

from __future__ import annotations

import logging
import re
import secrets
import time

from flask import Blueprint, Flask, Response, abort, current_app, g, has_request_context, request
from prometheus_client import (
    CONTENT_TYPE_LATEST,
    CollectorRegistry,
    Counter,
    Histogram,
    disable_created_metrics,
    generate_latest,
)

from screengraph.graph.observe import DatabaseCall, LoadFinished, on_database_call, on_load

disable_created_metrics()  # no `_created` twin of every series: scrapers do not need them
request_log = logging.getLogger("screengraph.request")
bp = Blueprint("telemetry", __name__)

REGISTRY = CollectorRegistry(auto_describe=True)
REQUESTS = Counter(
    "screengraph_http_requests",
    "HTTP requests answered, by route, method and status.",
    ("route", "method", "status"),
    registry=REGISTRY,
)
REQUEST_SECONDS = Histogram(
    "screengraph_http_request_duration_seconds",
    "Time to answer a request, by route.",
    ("route",),
    registry=REGISTRY,
)
DATABASE_SECONDS = Histogram(
    "screengraph_db_call_duration_seconds",
    "Time of database calls, by kind (read, adhoc, write).",
    ("kind",),
    registry=REGISTRY,
)
DATABASE_FAILURES = Counter(
    "screengraph_db_call_failures",
    "Database calls that raised, by kind.",
    ("kind",),
    registry=REGISTRY,
)
LOADS = Counter(
    "screengraph_loads",
    "Loads finished, by origin (web, cli, bulk) and outcome (loaded, dry run, failed).",
    ("origin", "outcome"),
    registry=REGISTRY,
)
LOAD_LISTINGS = Counter(
    "screengraph_load_listings",
    "Listings handled by loads, by what happened to them.",
    ("status",),
    registry=REGISTRY,
)
LOAD_SECONDS = Histogram(
    "screengraph_load_duration_seconds",
    "Time of loads.",
    buckets=(0.1, 0.5, 1, 5, 15, 60, 300, 1800),
    registry=REGISTRY,
)

UNMATCHED = "unmatched"
# A client's own request id is kept when it looks like one; otherwise a new one is made.
_REQUEST_ID = re.compile(r"[A-Za-z0-9._-]{1,64}")


def init_app(app: Flask) -> None:
    """Register first, so that a request refused by a later check is timed and logged."""
    app.before_request(_start)
    app.after_request(_finish)
    app.register_blueprint(bp)
    on_database_call(_count_database_call)
    on_load(_count_load)


def _start() -> None:
    g.request_started = time.perf_counter()
    g.db_seconds = 0.0
    g.db_calls = 0
    sent = request.headers.get("X-Request-Id", "")
    g.request_id = sent if _REQUEST_ID.fullmatch(sent) else secrets.token_hex(8)


def _finish(response: Response) -> Response:
    seconds = time.perf_counter() - g.get("request_started", time.perf_counter())
    route = request.url_rule.rule if request.url_rule is not None else UNMATCHED
    REQUESTS.labels(route, request.method, str(response.status_code)).inc()
    REQUEST_SECONDS.labels(route).observe(seconds)
    response.headers["X-Request-Id"] = g.get("request_id", "")
    level = logging.WARNING if response.status_code >= 500 else logging.INFO
    request_log.log(
        level,
        "request",
        extra={
            "fields": {
                "method": request.method,
                "route": route,
                "path": request.path[:200],
                "status": response.status_code,
                "ms": round(seconds * 1000, 1),
                "db_ms": round(g.get("db_seconds", 0.0) * 1000, 1),
                "db_calls": g.get("db_calls", 0),
                "bytes": response.calculate_content_length(),
                "client": request.remote_addr,
                "request_id": g.get("request_id", ""),
            }
        },
    )
    return response


def _count_database_call(call: DatabaseCall) -> None:
    DATABASE_SECONDS.labels(call.kind).observe(call.seconds)
    if call.failed:
        DATABASE_FAILURES.labels(call.kind).inc()
    if has_request_context() and "db_seconds" in g:
        g.db_seconds += call.seconds
        g.db_calls += 1


def _count_load(load: LoadFinished) -> None:
    LOADS.labels(load.origin, load.outcome).inc()
    LOAD_SECONDS.observe(load.seconds)
    if load.outcome == "loaded":
        for status in ("loaded", "updated", "unchanged", "rejected"):
            LOAD_LISTINGS.labels(status).inc(load.counts.get(status, 0))


@bp.get("/metrics")
def metrics():
    if current_app.config["SCREENGRAPH_SETTINGS"].metrics != "on":
        abort(404)
    return Response(
        generate_latest(REGISTRY),
        mimetype=CONTENT_TYPE_LATEST,
        headers={"Cache-Control": "no-store"},
    )
