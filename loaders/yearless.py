"""Which show a title without a year means: one rule for the incremental and bulk loads."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping

from screengraph.graph.bounded_log import BoundedLog
from screengraph.graph.keys import show_key
from screengraph.loaders.model import ParsedRecord


def yearless_resolver(
    records: list[ParsedRecord],
    shows_by_title: Callable[[set[str]], Mapping[str, Iterable[str]]],
    warnings: list[str] | BoundedLog[str],
) -> Callable[[str], str]:
    """A title without a year names an existing show of that title only when exactly one
    exists (in the store, as `shows_by_title` reads it, or in this batch); otherwise it is
    a show of its own, and the ambiguity is added to `warnings` once per title."""
    listings = [r.valid_listing for r in records]
    yearless = {show_key(listing.title) for listing in listings if listing.year is None}
    yearless |= {show_key(t) for listing in listings for t in listing.related_shows}
    known: dict[str, set[str]] = defaultdict(set)
    if yearless:
        for title_key, keys in shows_by_title(yearless).items():
            known[title_key].update(keys)
    for listing in listings:
        if listing.year is not None:
            known[show_key(listing.title)].add(show_key(listing.title, listing.year))
    reported: set[str] = set()

    def resolve(title: str) -> str:
        title_key = show_key(title)
        candidates = known.get(title_key, set()) - {title_key}
        if len(candidates) == 1:
            return next(iter(candidates))
        if len(candidates) > 1 and title_key not in reported:
            reported.add(title_key)
            warnings.append(
                f"'{title}' without a year could be any of "
                f"{', '.join(sorted(candidates))}: kept as its own show '{title_key}'"
            )
        return title_key

    return resolve
