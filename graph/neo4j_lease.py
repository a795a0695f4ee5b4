"""A lease on a Neo4j database for one load at a time, across processes and machines.

A load remembers what it wrote (loaders/writer.py): two loads at once could both create
the credits of a show new to both. The embedded store has a lock file; a Neo4j server
can be loaded into from anywhere, so the lease is a node, `(:LoadLease {key})`, that a
load takes, keeps alive while it runs and gives back when it ends. A holder that dies
without giving it back (killed, machine gone) loses it when it expires: the server's clock
decides, so clients' clocks need not agree.
"""

from __future__ import annotations

import logging
import os
import socket
import threading
import time
import uuid
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from screengraph.graph.neo4j_backend import Neo4jBackend

LEASE_LABEL = "LoadLease"
log = logging.getLogger(__name__)

# Setting a property first takes the node's write lock, so the holder read after it is
# the latest committed one: two loads asking at once cannot both see the lease free.
_TAKE = (
    f"MERGE (l:{LEASE_LABEL} {{key: $key}}) SET l.asked_at = timestamp() "
    "WITH l, l.holder IS NULL OR l.holder = $me OR l.expires_at < timestamp() AS free "
    "SET l.holder = CASE WHEN free THEN $me ELSE l.holder END, "
    "    l.since = CASE WHEN free THEN datetime() ELSE l.since END, "
    "    l.expires_at = CASE WHEN free THEN timestamp() + $ttl_ms ELSE l.expires_at END "
    "RETURN free, l.holder AS holder, toString(l.since) AS since"
)
_RENEW = (
    f"MATCH (l:{LEASE_LABEL} {{key: $key}}) WHERE l.holder = $me "
    "SET l.expires_at = timestamp() + $ttl_ms RETURN count(l) AS kept"
)
# Given back, not deleted: a load waiting on the node's lock would wake up to a deleted
# node, read no holder and take it while the next load creates a new one (seen in tests);
# creating the node to take the lease and deleting it to give it back starved the delete
# behind the waiters' attempts (also seen). Between loads the node keeps only its key.
_RELEASE = (
    f"MATCH (l:{LEASE_LABEL} {{key: $key}}) WHERE l.holder = $me "
    "SET l.holder = null, l.since = null, l.expires_at = null, l.asked_at = null"
)


class LoadLease:
    """Held with `with`: waits for the lease, renews it in a thread, gives it back at the end."""

    def __init__(
        self,
        backend: Neo4jBackend,
        key: str = "load",
        *,
        ttl_s: float = 60.0,
        poll_s: float = 1.0,
        renew: bool = True,
    ):
        self.backend = backend
        self.key = key
        self.ttl_ms = int(ttl_s * 1000)
        self.poll_s = poll_s
        self.renew = renew  # tests turn it off to stand for a holder that died
        self.holder = f"{socket.gethostname()} pid {os.getpid()} ({uuid.uuid4().hex[:8]})"
        self._params = {"key": key, "me": self.holder, "ttl_ms": self.ttl_ms}
        self._stop = threading.Event()
        self._renewer: threading.Thread | None = None

    def __enter__(self) -> LoadLease:
        said = False
        while True:
            row = self.backend.run_write(_TAKE, self._params).rows[0]
            if row[0]:
                break
            if not said:
                log.warning(
                    "Another load into this Neo4j database is running (%s, since %s): "
                    "waiting for it to finish.",
                    row[1],
                    row[2],
                )
                said = True
            time.sleep(self.poll_s)
        if self.renew:
            self._renewer = threading.Thread(
                target=self._keep_alive, daemon=True, name="screengraph-load-lease"
            )
            self._renewer.start()
        return self

    def _keep_alive(self) -> None:
        while not self._stop.wait(self.ttl_ms / 3000):
            try:
                if not self.backend.run_write(_RENEW, self._params).value(0):
                    log.error(
                        "The load lease on this Neo4j database expired and was taken "
                        "by another load: the two may have written the same credits."
                    )
                    return
            except Exception as exc:  # the next renewal may succeed; the load goes on
                log.warning("Could not renew the load lease: %s", exc)

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        if self._renewer is not None:
            self._renewer.join()
        try:
            self.backend.run_write(_RELEASE, self._params)
        except Exception as exc:  # the load's own outcome matters more; the lease expires
            log.warning(
                "Could not give back the load lease (it expires in %d s): %s",
                self.ttl_ms // 1000,
                exc,
            )
