"""Which show a title without a year means: one rule for the incremental and bulk loads.

A title without a year (a listing's own, its series', a related show's) names a show of
that title when exactly one existed as the listing was read: in the store, or earlier in
the load. Otherwise it is a show of its own, keyed by the title alone, and the ambiguity is
warned once a load.

Shows are counted by the key their title and year give (their `name_key`, where namesakes
meet), and the answer is that key: which node of it the listing means is then the
identities' rule (graph/keys.py `resolve_entity`), as for any name. Counting nodes instead
made the answer depend on where a batch boundary fell: written, two identified shows of
one title and year are two nodes, while in the batch being planned they are still one key.
A listing sees the store and the listings before it, never those after it, so a load cut
into batches of one gives the same graph as one batch.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Mapping

from screengraph.graph.keys import show_key
from screengraph.loaders.model import Listing, ParsedRecord
from screengraph.loaders.remembered import Remembered

# title -> the key it names: a listing's resolver.
Resolve = Callable[[str], str]
# title keys -> the name keys of the shows of each (the store's, or a bulk plan's so far).
ShowsByTitle = Callable[[set[str]], Mapping[str, Iterable[str]]]


def yearless_titles(listing: Listing) -> Iterator[str]:
    """The titles a listing gives without a year, in the order it gives them."""
    if listing.year is None:
        yield listing.title
    if listing.episode_of is not None and listing.episode_of.year is None:
        yield listing.episode_of.title
    yield from listing.related_shows


def _dated_shows(listing: Listing) -> Iterator[tuple[str, str]]:
    """(title key, name key) of each show with a year that a listing writes."""
    if listing.year is not None:
        yield show_key(listing.title), show_key(listing.title, listing.year)
    series = listing.episode_of
    if series is not None and series.year is not None:
        yield show_key(series.title), show_key(series.title, series.year)


def no_yearless(title: str) -> str:
    raise AssertionError(f"{title!r}: this listing was planned as having no title without a year")


class Answers:
    """One listing's resolver, and the warnings its titles gave (the caller reports them
    with the listing's other warnings, in input order)."""

    def __init__(self, answers: dict[str, str], warnings: list[str]):
        self.answers = answers
        self.warnings = warnings

    def __call__(self, title: str) -> str:
        return self.answers[show_key(title)]


class YearlessTitles:
    """One load's answers: `batch` gives each listing of a batch its resolver."""

    def __init__(self) -> None:
        # Titles warned about (bounded: past it, a title may be warned about again).
        self._warned: Remembered[str, None] = Remembered()

    def batch(self, records: list[ParsedRecord], shows_by_title: ShowsByTitle) -> list[Answers]:
        """A resolver per record, in order. `shows_by_title` answers for what is stored,
        batches before this one included; this batch's listings count in file order."""
        self._warned.tick()
        listings = [record.valid_listing for record in records]
        asked = {show_key(title) for listing in listings for title in yearless_titles(listing)}
        known: dict[str, set[str]] = defaultdict(set)
        if asked:
            for title_key, name_keys in shows_by_title(asked).items():
                known[title_key].update(name_keys)
        resolvers: list[Answers] = []
        for record, listing in zip(records, listings, strict=True):
            warnings: list[str] = []
            answers = {
                show_key(title): self._answer(record, title, known, warnings)
                for title in yearless_titles(listing)
            }
            resolvers.append(Answers(answers, warnings))
            for title_key, name_key in _dated_shows(listing):
                known[title_key].add(name_key)
        return resolvers

    def _answer(
        self, record: ParsedRecord, title: str, known: dict[str, set[str]], warnings: list[str]
    ) -> str:
        title_key = show_key(title)
        candidates = known.get(title_key, set()) - {title_key}
        if len(candidates) == 1:
            return next(iter(candidates))
        if len(candidates) > 1 and title_key not in self._warned:
            self._warned.remember(title_key, None)
            warnings.append(
                record.located(
                    f"'{title}' without a year could be any of "
                    f"{', '.join(sorted(candidates))}: kept as its own show '{title_key}' "
                    "(give its year to settle it)"
                )
            )
        return title_key
