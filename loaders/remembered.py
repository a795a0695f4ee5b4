"""How much a load remembers of what it met: a bound, so that its memory stays flat.

A load remembers what the store holds for the entities it met (which node a name or an
identifier means, display names and spelling votes, the details it already wrote), so
that a busy person named in thousands of titles is read once, not once a batch. What it
forgets is read again when met, in the reads every batch makes anyway (one query per
label for all its names): forgetting costs a longer list in a query, never a query.

A dump's people are mostly met once or twice (careers are heavy-tailed), so what pays is
remembering the recent and the busy, not everyone. With everything remembered up to
100,000 entries (and 400,000 spellings), the loader's peak memory grew from 107 to 185 MB
between 2,000 and 20,000 IMDb-shaped titles (benchmarks/imdb_load.py, embedded store);
bounded at REMEMBERED (which a 2,000-title load already reaches), it went from 100 to
115 MB, and a batch's reads are a little longer lists.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Hashable

# Entities (or names, identifiers...) each memory of a load holds at most.
REMEMBERED = 5_000


class Remembered[K: Hashable, V](OrderedDict[K, V]):
    """A mapping that forgets what was written longest ago once it holds `most` entries,
    but never what was written during this batch or the one before (`tick` starts a
    batch): a batch in flight is not readable in the store yet, so what it wrote must be
    remembered until the next one is planned. So it holds at most `most` entries, or two
    batches' worth when a batch alone names more."""

    def __init__(self, most: int | None = None):
        super().__init__()
        self.most = max(1, REMEMBERED if most is None else most)
        self._this_batch: set[K] = set()
        self._last_batch: set[K] = set()

    def remember(self, key: K, value: V) -> V:
        self[key] = value
        self.move_to_end(key)
        self._this_batch.add(key)
        self._forget_oldest()
        return value

    def tick(self) -> None:
        """A new batch starts: what the one before the last wrote may now be forgotten."""
        self._last_batch, self._this_batch = self._this_batch, set()
        self._forget_oldest()

    def forget(self, key: K) -> None:
        self.pop(key, None)

    def clear(self) -> None:
        super().clear()
        self._this_batch.clear()
        self._last_batch.clear()

    def _forget_oldest(self) -> None:
        while len(self) > self.most:
            oldest = next(iter(self))
            if oldest in self._this_batch or oldest in self._last_batch:
                return  # the rest is newer still
            del self[oldest]
