"""Rendered pages kept in memory, keyed by the store's write generation, and ETag/304.

A page of the explore area costs the web process 3-8 ms of CPU (several queries, then
a template), and the database as much again; the same page asked again costs a read of
the store's generation and a dictionary look-up, under 1 ms
(benchmarks/page_cache_cost.py). Nothing stale is ever served: an entry is only used while the generation it
was rendered at is the store's current one (Backend.generation(): the embedded store's
write counter, bumped in the same MULTI block as every write; on Neo4j the database's
last committed transaction, which any client's write moves). The generation is read
before the page's queries run, so an entry holds what the store held at that
generation or later; it is served only to requests that read the same generation,
that is, that began before the next write committed. When the generation moves, every
entry goes at once.

The cache is bounded by SCREENGRAPH_PAGE_CACHE_MB (the bodies' bytes plus a fixed
per-entry overhead), least recently used first out; 0 turns it off (ETags stay).

HTML pages carry a per-response CSP nonce (webapp/security.py): a page is rendered and
stored with a placeholder in its place, and each response gets a fresh nonce written
over it. Every response carries an ETag, a digest of the stored body (weak for HTML,
whose nonce differs), so a page a write did not change keeps its ETag, and
`Cache-Control: no-cache`: a browser keeps the page but asks each time, and an
unchanged page is a 304 without a body or a render. A 304 carries no
Content-Security-Policy, so that the browser keeps the one matching the nonce in its
copy.
"""

from __future__ import annotations

import hashlib
import secrets
import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from dataclasses import dataclass

from flask import Flask, Response, current_app, g, request

from screengraph.webapp.security import csp_nonce
from screengraph.webapp.store import get_backend

_KEY = "screengraph.page_cache"
# What an entry costs beyond its body's bytes: its key, the entry and its ETag, the
# dictionary's slot, the body's object header (measured with tracemalloc over 5,000
# entries of show pages: ~410 bytes; rounded up).
ENTRY_OVERHEAD_BYTES = 512
# The longest a request waits for another one rendering the same page (a page's queries
# stop at their own time limit well before).
RENDER_WAIT_S = 30.0
# Stands for the CSP nonce in stored pages; random per process, so no page's content
# (which its authors cannot know it from) can contain it. The same length as a nonce.
NONCE_PLACEHOLDER = secrets.token_urlsafe(16)


@dataclass(frozen=True)
class Entry:
    body: bytes
    mimetype: str | None  # None: the response's default (text/html)
    etag: str
    weak: bool  # the body holds NONCE_PLACEHOLDER: each response differs by its nonce

    @property
    def size(self) -> int:
        return len(self.body) + ENTRY_OVERHEAD_BYTES


class PageCache:
    """Entries of one generation, least recently used first out, at most `max_bytes`."""

    def __init__(self, max_bytes: int):
        self.max_bytes = max_bytes
        self._lock = threading.Lock()
        self._entries: OrderedDict[Hashable, Entry] = OrderedDict()
        self._generation: Hashable = None
        self._rendering: dict[Hashable, threading.Event] = {}
        self.bytes = 0
        self.hits = 0
        self.misses = 0

    def get(self, generation: Hashable, key: Hashable) -> Entry | None:
        with self._lock:
            self._follow(generation)
            entry = self._entries.get(key)
            if entry is None:
                self.misses += 1
                return None
            self._entries.move_to_end(key)
            self.hits += 1
            return entry

    def fetch(
        self, generation: Hashable, key: Hashable, render: Callable[[], Entry | Response]
    ) -> Entry | Response:
        """The entry for `key`, else what `render()` makes (an Entry is kept). One request
        renders a missing page while the others asking for it wait (after a write, every
        client reading a popular page would render it at once)."""
        entry = self.get(generation, key)
        if entry is not None:
            return entry
        if not self.max_bytes:  # nothing is kept: nothing to wait for
            return render()
        with self._lock:
            rendering = self._rendering.get((generation, key))
            mine = rendering is None
            if rendering is None:
                rendering = self._rendering[(generation, key)] = threading.Event()
        if not mine:
            rendering.wait(RENDER_WAIT_S)
            with self._lock:
                entry = self._entries.get(key) if generation == self._generation else None
                self.hits += entry is not None
            if entry is not None:
                return entry
            return render()  # the other render failed, or its page was not kept
        try:
            made = render()
            if isinstance(made, Entry):
                self.put(generation, key, made)
            return made
        finally:
            with self._lock:
                del self._rendering[(generation, key)]
            rendering.set()

    def put(self, generation: Hashable, key: Hashable, entry: Entry) -> None:
        """Keep `entry` if `generation` is still the one the latest look-up saw (a page
        rendered while a write committed is not kept)."""
        if entry.size > self.max_bytes:
            return
        with self._lock:
            if generation != self._generation:
                return
            old = self._entries.pop(key, None)
            if old is not None:
                self.bytes -= old.size
            self._entries[key] = entry
            self.bytes += entry.size
            while self.bytes > self.max_bytes:
                _key, evicted = self._entries.popitem(last=False)
                self.bytes -= evicted.size

    def _follow(self, generation: Hashable) -> None:
        """Another generation drops every entry of the one before (generations are only
        compared for equality: a Neo4j bookmark has no order)."""
        if generation != self._generation:
            self._entries.clear()
            self.bytes = 0
            self._generation = generation

    def figures(self) -> dict:
        with self._lock:
            return {
                "entries": len(self._entries),
                "bytes": self.bytes,
                "max_bytes": self.max_bytes,
                "hits": self.hits,
                "misses": self.misses,
            }


def init_app(app: Flask, max_mb: int) -> None:
    app.extensions[_KEY] = PageCache(max_mb * 2**20)


def page_cache() -> PageCache:
    return current_app.extensions[_KEY]


def cached(render: Callable[[], Response], representation: str) -> Response:
    """`render()`'s response for this request, from the cache when the store has not
    changed since it was stored; a 304 when the client's copy is the current one."""
    generation = get_backend().generation()
    if generation is None:  # a backend that tracks no writes: no cache, no ETag
        return render()
    key = (representation, request.script_root, request.path, request.query_string)
    found = page_cache().fetch(generation, key, lambda: _rendered(render))
    if isinstance(found, Response):  # an error, or a page that is not kept
        return found
    entry = found
    if request.if_none_match.contains_weak(entry.etag):
        not_modified = Response(status=304)
        _validators(not_modified, entry)
        return not_modified
    body = entry.body
    if entry.weak:
        body = body.replace(NONCE_PLACEHOLDER.encode(), csp_nonce().encode())
    response = Response(body, mimetype=entry.mimetype)
    _validators(response, entry)
    return response


def _rendered(render: Callable[[], Response]) -> Entry | Response:
    """The page as an entry to keep (its nonce a placeholder), or the response itself when
    it is not one to keep (an error)."""
    g.csp_nonce = NONCE_PLACEHOLDER
    try:
        response = render()
    finally:
        g.pop("csp_nonce", None)
    if response.status_code != 200 or response.is_streamed:
        return response
    body = response.get_data()
    return Entry(
        body,
        response.mimetype,
        hashlib.blake2b(body, digest_size=12).hexdigest(),
        NONCE_PLACEHOLDER.encode() in body,
    )


def _validators(response: Response, entry: Entry) -> None:
    response.set_etag(entry.etag, weak=entry.weak)
    response.headers["Cache-Control"] = "no-cache"
