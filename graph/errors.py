"""The errors the graph layer raises, whatever the backend.

Callers (CLI, web app, loaders) catch these and never a driver's own exception,
so each message says what happened and what the user can do about it.
"""


class GraphError(Exception):
    """Base of every error raised by the graph layer."""


class EmbeddedOnly(GraphError):
    """A command for the embedded store's own server or files, asked of a configuration
    that uses Neo4j."""


class QueryTimeout(GraphError):
    """A query ran past its time limit and was stopped by the database."""

    def __init__(self, limit_ms: int, backend: str):
        self.limit_ms = limit_ms
        self.backend = backend
        super().__init__(
            f"The query ran longer than its {limit_ms} ms limit on {backend} and was stopped. "
            "Narrow it (add a LIMIT, anchor it on a key, lower the hop count) or raise the "
            "limit with SCREENGRAPH_QUERY_TIMEOUT_MS."
        )


class ReadOnlyViolation(GraphError):
    """A write was attempted through the read-only path."""

    def __init__(self, backend: str):
        self.backend = backend
        super().__init__(
            f"This query would change the graph, and only read queries are allowed here ({backend}). "
            "Load data with 'screengraph load' instead."
        )


class BackendUnavailable(GraphError):
    """The database could not be reached or started."""


class QueryError(GraphError):
    """The database rejected a query (syntax, unknown function, bad parameter...)."""


class ConstraintViolation(QueryError):
    """A write broke a uniqueness constraint."""


class QueryRefused(GraphError):
    """An ad-hoc query asks for something analysts may not do (see graph/adhoc_policy.py)."""


class BadParameter(QueryError):
    """A parameter value the engine cannot take (nested too deep, too large, broken text...)."""


class QueryMemoryExceeded(QueryError):
    """A query needed more memory than one query may use, and was stopped."""

    def __init__(self, limit: str, backend: str):
        self.limit = limit
        self.backend = backend
        super().__init__(
            f"The query needed more memory than one query may use on {backend} ({limit}) "
            "and was stopped. Build a smaller result (add a LIMIT, aggregate, or narrow a "
            "range) or raise the limit."
        )


class BulkImportRefused(GraphError):
    """A bulk import this graph cannot take (not empty, a server running on its files...)."""


class StoreLayoutTooNew(GraphError):
    """The store (or a backup) was written by a newer screengraph than this one."""

    def __init__(self, found: int, understood: int, where: str):
        self.found = found
        self.understood = understood
        super().__init__(
            f"{where} has layout version {found}, written by a newer screengraph; this one "
            f"understands layouts up to {understood}. Upgrade screengraph (pip install -U "
            "screengraph, or pull and 'make setup') before opening it; nothing was changed."
        )


class BackupRefused(GraphError):
    """A backup or restore that cannot go ahead (not a backup, the store in use...)."""


class ExportRefused(GraphError):
    """An export this graph cannot be written in, or an export file that cannot be imported."""
