"""Every setting of screengraph, declared once.

The CLI, the web app and the README all read this list; a test checks that the
README documents each entry. Values come from the environment, and a CLI flag
or an explicit override beats the environment.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import platformdirs


@dataclass(frozen=True)
class Setting:
    name: str
    env: str
    default: Any
    help: str
    parse: Callable[[str], Any] = str
    choices: tuple[str, ...] = ()
    secret: bool = False  # never printed (`screengraph settings` says only whether it is set)


def _default_data_dir() -> str:
    return str(Path(platformdirs.user_data_dir("screengraph")) / "store")


def _positive_int(text: str) -> int:
    value = int(text)
    if value <= 0:
        raise ValueError(f"expected a positive whole number, got {text!r}")
    return value


def _non_negative_int(text: str) -> int:
    value = int(text)
    if value < 0:
        raise ValueError(f"expected 0 or a positive whole number, got {text!r}")
    return value


def _word(text: str) -> str:
    return text.strip().lower()


def _names(text: str) -> tuple[str, ...]:
    return tuple(name.strip().lower() for name in text.split(",") if name.strip())


# An ingest token is the web app's only lock on writing, and the right one is always let in
# (webapp/ingest_token.py): guessing must be hopeless without any rate limit, since client
# addresses are cheap to vary. 32 characters is secrets.token_hex(16), 128 random bits:
# 10,000 guesses a second for a century (2^45) find one with a chance under 2^-80. Half of
# that (64 bits) would fall with a chance of 1 in 500,000 under the same siege.
INGEST_TOKEN_MIN_CHARS = 32

SETTINGS: tuple[Setting, ...] = (
    Setting(
        "backend",
        "SCREENGRAPH_BACKEND",
        "auto",
        "Which store to use: 'embedded' (FalkorDB in a local folder), 'neo4j', or "
        "'auto' (Neo4j when NEO4J_URI is set, the embedded store otherwise).",
        choices=("auto", "embedded", "neo4j"),
    ),
    Setting(
        "data_dir",
        "SCREENGRAPH_DATA_DIR",
        None,
        "Folder of the embedded store (database files, append-only log, socket). "
        "Default: the user's data directory, e.g. ~/.local/share/screengraph/store.",
    ),
    Setting(
        "graph_name",
        "SCREENGRAPH_GRAPH",
        "screengraph",
        "Name of the graph inside the embedded store.",
    ),
    Setting(
        "fsync",
        "SCREENGRAPH_FSYNC",
        "always",
        "How often the embedded store syncs its append-only log to disk: 'always' "
        "(every acknowledged write survives a crash) or 'everysec' (at most one second lost).",
        choices=("always", "everysec"),
    ),
    Setting(
        "embedded_idle_s",
        "SCREENGRAPH_EMBEDDED_IDLE_S",
        300,
        "Seconds the embedded store's server stays up after its last client (a CLI "
        "command, the web app, a load) has gone, so that the next command finds it "
        "running instead of reading the whole store again; a small keeper process owns "
        "it meanwhile ('screengraph stop' stops it now). 0: the server stops with the "
        "process that started it.",
        _non_negative_int,
    ),
    Setting(
        "query_timeout_ms",
        "SCREENGRAPH_QUERY_TIMEOUT_MS",
        2000,
        "Time limit of a read query, in milliseconds, on both backends.",
        _positive_int,
    ),
    Setting(
        "write_timeout_ms",
        "SCREENGRAPH_WRITE_TIMEOUT_MS",
        60000,
        "Time limit of one write transaction (a loader batch), in milliseconds.",
        _positive_int,
    ),
    Setting(
        "query_memory_mb",
        "SCREENGRAPH_QUERY_MEMORY_MB",
        512,
        "Most memory one query may use, in megabytes: FalkorDB's QUERY_MEM_CAPACITY on the "
        "embedded store (and how far the ad-hoc sandbox may grow before its watchdog stops "
        "the query); db.memory.transaction.max in scripts/neo4j-local's Neo4j (set it in "
        "neo4j.conf for a packaged server).",
        _positive_int,
    ),
    Setting(
        "max_rows",
        "SCREENGRAPH_MAX_ROWS",
        1000,
        "Most rows an ad-hoc Cypher query returns; more are cut and the result is "
        "marked truncated.",
        _positive_int,
    ),
    Setting(
        "neo4j_uri",
        "NEO4J_URI",
        None,
        "Neo4j server address (bolt://, neo4j://, neo4j+s://...). Setting it selects Neo4j.",
    ),
    Setting("neo4j_username", "NEO4J_USERNAME", "neo4j", "Neo4j user name."),
    Setting("neo4j_password", "NEO4J_PASSWORD", None, "Neo4j password.", secret=True),
    Setting("neo4j_database", "NEO4J_DATABASE", "neo4j", "Neo4j database name."),
    Setting(
        "ingest_token",
        "SCREENGRAPH_INGEST_TOKEN",
        None,
        f"Secret that lets a web user add listings: at least {INGEST_TOKEN_MIN_CHARS} "
        "random characters (the web app refuses a shorter one); when unset, adding "
        "listings through the web app is switched off.",
        secret=True,
    ),
    Setting(
        "ingest_preview_ttl_s",
        "SCREENGRAPH_INGEST_PREVIEW_TTL_S",
        1800,
        "How long an ingest preview (and the files uploaded for it) can be confirmed, in "
        "seconds; older previews are deleted from the ingest stash.",
        _positive_int,
    ),
    Setting(
        "ingest_stash_max_mb",
        "SCREENGRAPH_INGEST_STASH_MAX_MB",
        256,
        "Most megabytes the ingest stash (previews waiting for confirmation) holds; a "
        "preview that would exceed it is refused until older ones expire.",
        _positive_int,
    ),
    Setting(
        "ingest_token_tries",
        "SCREENGRAPH_INGEST_TOKEN_TRIES",
        5,
        "Wrong ingest tokens a client address may send per minute; its further wrong "
        "tries are answered 429 until the minute has passed (the right token is always "
        "accepted, so others' wrong tries never lock its holder out).",
        _positive_int,
    ),
    Setting(
        "ingest_token_name",
        "SCREENGRAPH_INGEST_TOKEN_NAME",
        "ingest token",
        "Who the load history (`screengraph loads`) says ran a load confirmed on the web "
        "by a holder of SCREENGRAPH_INGEST_TOKEN.",
    ),
    Setting(
        "page_cache_mb",
        "SCREENGRAPH_PAGE_CACHE_MB",
        64,
        "Most megabytes of rendered pages the web app keeps in memory per process, "
        "each used only while the store is unchanged since it was rendered; 0 turns "
        "the cache off.",
        _non_negative_int,
    ),
    Setting(
        "secret_key",
        "SCREENGRAPH_SECRET_KEY",
        None,
        "Key that signs the web app's sessions and CSRF tokens. Default: a random key "
        "per process (sessions end when the app restarts); required with "
        "SCREENGRAPH_INGEST_TOKEN.",
        secret=True,
    ),
    Setting(
        "allowed_hosts",
        "SCREENGRAPH_ALLOWED_HOSTS",
        ("localhost",),
        "Comma-separated host names the web app answers to (an IP address always works; "
        "'screengraph serve --host NAME' adds NAME; '*' allows any). Other names get 400, "
        "which stops DNS rebinding against a server on loopback.",
        _names,
    ),
    Setting(
        "proxy_hops",
        "SCREENGRAPH_PROXY_HOPS",
        0,
        "Number of reverse proxies in front of the web app whose X-Forwarded-For/-Proto/"
        "-Host headers are trusted (0: none). Behind an HTTPS proxy, set it so session "
        "cookies are marked Secure.",
        _non_negative_int,
    ),
    Setting(
        "log_format",
        "SCREENGRAPH_LOG_FORMAT",
        "text",
        "How log lines are written to standard error: 'text' (for people) or 'json' "
        "(one object per line, for a log collector). 'screengraph serve' logs one line per "
        "request, per load and per slow query; other commands log only when "
        "SCREENGRAPH_LOG_LEVEL is set.",
        _word,
        choices=("text", "json"),
    ),
    Setting(
        "log_level",
        "SCREENGRAPH_LOG_LEVEL",
        None,
        "Least severe log lines written: 'debug', 'info', 'warning' or 'error'. Default: "
        "'info' for 'screengraph serve', nothing below warnings for other commands.",
        _word,
        choices=("debug", "info", "warning", "error"),
    ),
    Setting(
        "slow_query_ms",
        "SCREENGRAPH_SLOW_QUERY_MS",
        500,
        "Database calls taking at least this many milliseconds are logged as slow, with "
        "the query's name (or the function that asked) and time.",
        _positive_int,
    ),
    Setting(
        "metrics",
        "SCREENGRAPH_METRICS",
        "on",
        "Whether the web app answers /metrics (Prometheus' text format: requests and "
        "latency by route, database time, loads). 'off' answers 404 there.",
        _word,
        choices=("on", "off"),
    ),
)

SETTINGS_BY_NAME: dict[str, Setting] = {s.name: s for s in SETTINGS}


class SettingsError(ValueError):
    """A setting has a value screengraph cannot use."""


@dataclass(frozen=True)
class Settings:
    """Resolved values of every setting."""

    values: Mapping[str, Any] = field(default_factory=dict)

    def __getattr__(self, name: str) -> Any:
        try:
            return self.values[name]
        except KeyError:
            raise AttributeError(name) from None

    def with_overrides(self, **overrides: Any) -> Settings:
        merged = dict(self.values)
        merged.update({k: v for k, v in overrides.items() if v is not None})
        return Settings(merged)


def load_settings(env: Mapping[str, str] | None = None, **overrides: Any) -> Settings:
    """Read settings from the environment, then apply explicit overrides (CLI flags)."""
    env = os.environ if env is None else env
    values: dict[str, Any] = {}
    for setting in SETTINGS:
        raw = env.get(setting.env)
        if raw is None or raw == "":
            value = setting.default
        else:
            try:
                value = setting.parse(raw)
            except ValueError as exc:
                raise SettingsError(f"{setting.env}={raw!r} is not valid: {exc}") from None
        values[setting.name] = value
    for name, value in overrides.items():
        if name not in SETTINGS_BY_NAME:
            raise SettingsError(f"unknown setting {name!r}")
        if value is not None:
            values[name] = value
    for setting in SETTINGS:
        value = values[setting.name]
        if setting.choices and value is not None and value not in setting.choices:
            raise SettingsError(
                f"{setting.env}={value!r} is not valid: choose one of {', '.join(setting.choices)}"
            )
    if values["data_dir"] is None:
        values["data_dir"] = _default_data_dir()
    return Settings(values)
