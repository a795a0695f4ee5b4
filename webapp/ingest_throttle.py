"""Wrong ingest tokens are limited per client address, so that noise costs next to nothing.

A sliding window: an address that sent `tries` wrong tokens within the last
`window_s` seconds has its further wrong tokens refused with 429 until the
oldest of them leaves the window. The right token is never refused (a shared
address, loopback or an undeclared proxy, must not let others lock its holder
out): the token's length, not this limit, is what makes guessing hopeless
(webapp/ingest_token.py). Only failures count; memory is bounded by forgetting
the least recently failing addresses beyond `max_addresses`.
"""

from __future__ import annotations

import threading
import time
from collections import OrderedDict, deque
from collections.abc import Callable

WINDOW_S = 60


class TokenThrottle:
    def __init__(
        self,
        tries: int,
        window_s: int = WINDOW_S,
        max_addresses: int = 10_000,
        clock: Callable[[], float] = time.monotonic,
    ):
        self.tries, self.window_s, self.max_addresses, self.clock = (
            tries,
            window_s,
            max_addresses,
            clock,
        )
        self._failures: OrderedDict[str, deque[float]] = OrderedDict()
        self._lock = threading.Lock()

    def wait_s(self, address: str) -> int:
        """Seconds this address must wait before its next try (0: it may try now)."""
        with self._lock:
            recent = self._recent(address) if address in self._failures else deque()
            if len(recent) < self.tries:
                return 0
            return max(1, int(recent[0] + self.window_s - self.clock()) + 1)

    def failed(self, address: str) -> None:
        with self._lock:
            self._recent(address).append(self.clock())
            self._failures.move_to_end(address)
            while len(self._failures) > self.max_addresses:
                self._failures.popitem(last=False)

    def _recent(self, address: str) -> deque[float]:
        recent = self._failures.setdefault(address, deque())
        while recent and recent[0] <= self.clock() - self.window_s:
            recent.popleft()
        return recent
