"""`screengraph serve` under load: waitress's queue-depth warning, once a minute, not per request."""

from __future__ import annotations

import logging

from screengraph.serve_commands import OncePerMinute


def record() -> logging.LogRecord:
    return logging.LogRecord(
        "waitress.queue", logging.WARNING, __file__, 1, "Task queue depth is %d", (42,), None
    )


def test_the_queue_depth_warning_is_kept_once_a_minute(monkeypatch):
    clock = [1000.0]
    monkeypatch.setattr("screengraph.serve_commands.time.monotonic", lambda: clock[0])
    kept = OncePerMinute()
    assert [kept.filter(record()) for _ in range(50)] == [True] + [False] * 49
    clock[0] += 61
    assert kept.filter(record()) and not kept.filter(record())
