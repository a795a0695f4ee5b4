"""The operational log: one line per request, per load and per slow database call.

Lines go to standard error, as text for people or as one JSON object per line for a
log collector (SCREENGRAPH_LOG_FORMAT). A line's fields travel as the record's
`fields` (logging's `extra`), so both formats carry the same facts. The slow-query
log listens to graph/observe.py; the web app adds its request lines
(webapp/telemetry.py); loads report through `observe.load_finished`.
"""

from __future__ import annotations

import json
import logging
import sys
from datetime import UTC, datetime
from typing import Any

from screengraph.graph.observe import DatabaseCall, LoadFinished, forget, on_database_call, on_load
from screengraph.graph.settings import Settings

ROOT = "screengraph"
log = logging.getLogger(ROOT)
slow_log = logging.getLogger(f"{ROOT}.slow_query")
load_log = logging.getLogger(f"{ROOT}.load")


class JsonLines(logging.Formatter):
    """One JSON object per line: time, level, logger, message and the line's fields."""

    def format(self, record: logging.LogRecord) -> str:
        line: dict[str, Any] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname.lower(),
            "logger": record.name,
            "message": record.getMessage(),
        }
        line.update(getattr(record, "fields", {}))
        if record.exc_info:
            line["error"] = self.formatException(record.exc_info)
        return json.dumps(line, ensure_ascii=False, default=str)


class Text(logging.Formatter):
    """`time level message key=value ...`: the same fields, for people."""

    def format(self, record: logging.LogRecord) -> str:
        stamp = datetime.fromtimestamp(record.created, UTC).strftime("%H:%M:%S")
        fields = " ".join(
            f"{key}={_text(value)}" for key, value in getattr(record, "fields", {}).items()
        )
        text = f"{stamp} {record.levelname.lower():7} {record.getMessage()}"
        text = f"{text} {fields}" if fields else text
        if record.exc_info:
            text = f"{text}\n{self.formatException(record.exc_info)}"
        return text


def _text(value: Any) -> str:
    text = str(value)
    return json.dumps(text) if (" " in text or not text) else text


_HANDLER_NAME = "screengraph-oplog"


def configure(settings: Settings, *, serving: bool) -> None:
    """Send screengraph's log lines to standard error, in the chosen format and level.
    One-off commands stay quiet below warnings unless a level is set; the server logs
    its requests, loads and slow queries. Calling it again replaces the handler."""
    level_name = settings.log_level or ("info" if serving else "warning")
    handler = logging.StreamHandler(sys.stderr)
    handler.set_name(_HANDLER_NAME)
    handler.setFormatter(JsonLines() if settings.log_format == "json" else Text())
    for old in [h for h in log.handlers if h.get_name() == _HANDLER_NAME]:
        log.removeHandler(old)
    log.addHandler(handler)
    log.setLevel(level_name.upper())
    log.propagate = False
    install_slow_query_log(settings.slow_query_ms)
    on_load(_log_load)


_threshold_s: dict[str, float | None] = {"value": None}


def install_slow_query_log(threshold_ms: int) -> None:
    _threshold_s["value"] = threshold_ms / 1000
    on_database_call(_log_slow)


def uninstall() -> None:
    """Stop listening (tests)."""
    forget(_log_slow)
    forget(_log_load)


def _log_slow(call: DatabaseCall) -> None:
    threshold = _threshold_s["value"]
    if threshold is not None and call.seconds >= threshold:
        slow_log.warning(
            "slow query",
            extra={
                "fields": {
                    "query": call.name,
                    "kind": call.kind,
                    "backend": call.backend,
                    "ms": round(call.seconds * 1000, 1),
                    "failed": call.failed,
                }
            },
        )


def _log_load(load: LoadFinished) -> None:
    level = logging.WARNING if load.outcome == "failed" else logging.INFO
    load_log.log(
        level,
        "load",
        extra={
            "fields": {
                "origin": load.origin,
                "outcome": load.outcome,
                "seconds": round(load.seconds, 3),
                **load.counts,
            }
        },
    )
