"""Choosing and opening the backend: the one place that decides which database runs."""

from __future__ import annotations

from screengraph.graph.backend import Backend
from screengraph.graph.settings import Settings, load_settings


def chosen_backend(settings: Settings) -> str:
    """'neo4j' or 'embedded', following SCREENGRAPH_BACKEND then NEO4J_URI."""
    if settings.backend == "auto":
        return "neo4j" if settings.neo4j_uri else "embedded"
    return settings.backend


def chosen_by(settings: Settings) -> str | None:
    """What chose Neo4j when nobody named a backend (`NEO4J_URI`), else None."""
    return "NEO4J_URI" if settings.backend == "auto" and settings.neo4j_uri else None


def require_embedded(settings: Settings, command: str, does: str, instead: str) -> None:
    """Refuse `command` (which `does` something to the embedded store's own server or
    files) when the configuration uses Neo4j, saying what to do there `instead`."""
    if chosen_backend(settings) != "embedded":
        from screengraph.graph.errors import EmbeddedOnly

        raise EmbeddedOnly(
            f"'screengraph {command}' {does}; this configuration uses Neo4j (NEO4J_URI is "
            f"set): {instead}"
        )


def connect(settings: Settings | None = None) -> Backend:
    """Open the configured backend. Nothing connects until the first query."""
    settings = settings or load_settings()
    common = dict(
        query_timeout_ms=settings.query_timeout_ms,
        write_timeout_ms=settings.write_timeout_ms,
        max_rows=settings.max_rows,
    )
    if chosen_backend(settings) == "neo4j":
        from screengraph.graph.errors import BackendUnavailable
        from screengraph.graph.neo4j_backend import Neo4jBackend

        if not settings.neo4j_uri:
            raise BackendUnavailable(
                "SCREENGRAPH_BACKEND=neo4j needs NEO4J_URI (and NEO4J_USERNAME / NEO4J_PASSWORD). "
                "For a local server without Docker: scripts/neo4j-local start && "
                'eval "$(scripts/neo4j-local env)".'
            )
        return Neo4jBackend(
            settings.neo4j_uri,
            settings.neo4j_username,
            settings.neo4j_password,
            settings.neo4j_database,
            **common,
        )
    from screengraph.graph.falkor_backend import FalkorBackend

    return FalkorBackend(
        settings.data_dir,
        settings.graph_name,
        fsync=settings.fsync,
        query_memory_mb=settings.query_memory_mb,
        idle_s=settings.embedded_idle_s,
        **common,
    )
