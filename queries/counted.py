"""How much of a hub's shows its page counts.

A person's known-for shows (queries/lists.py), their collaborators and the suggestions
made through them (queries/explore.py), and the listings behind any person's, genre's or
company's edges (the "Where this comes from" of their pages) are counted over the
entity's COUNTED_SHOWS newest shows, which for almost every entity is all of them.
Counting a hub's whole neighbourhood grew with the hub and had no bound: at 10^6 credits
one person's 5,821 shows had 93,375 people on them, ranked in 1.9 s on the embedded store
(0.07 s over their 200 newest), and a genre's 14,298 shows' listings took 0.32 s (0.02 s);
at 10^7, 33 of 40 requests for the collaborators of the 20 most credited people ran past
the 2 s limit. So the cost follows COUNTED_SHOWS, and whatever shows such a count says
that it counted fewer shows than the entity has (`CountedShows.note`, `listings_note`).

Every query that counts an entity's shows orders them the same way, newest first (a show
without a year last), then by key, and takes `$shows` of them (NEWEST_SHOWS).
"""

from __future__ import annotations

from dataclasses import dataclass

from screengraph.graph.backend import Backend
from screengraph.queries.together import Part, Planned

COUNTED_SHOWS = 200
# Which shows those are, after `WITH DISTINCT ..., s`: every query that counts them says this
# (the catalogue's .cypher files too, held to it by tests/queries/test_counted_shows.py).
NEWEST_SHOWS = "ORDER BY coalesce(s.year, -1) DESC, s.key LIMIT $shows"

_SHOWS_OF_PERSON = "MATCH (:Person {key: $key})-->(s:Show) RETURN count(DISTINCT s) AS shows"


@dataclass(frozen=True)
class CountedShows:
    """How many shows an entity has (`shows`), and how many of them its page counts."""

    shows: int

    @property
    def counted(self) -> int:
        return min(self.shows, COUNTED_SHOWS)

    @property
    def partial(self) -> bool:
        return self.shows > COUNTED_SHOWS

    def note(self) -> str | None:
        """What a page or an answer says under a ranking that did not count everything."""
        if not self.partial:
            return None
        return f"Counted over the {self.counted:,} newest of {self.shows:,} shows."

    def listings_note(self) -> str | None:
        """What a page says above the listings behind an entity's edges, when it has more
        shows than were counted."""
        if not self.partial:
            return None
        return f"The listings behind the {self.counted:,} newest of {self.shows:,} shows."

    def to_json(self) -> dict:
        return {"shows": self.shows, "counted": self.counted, "partial": self.partial}


def planned_counted_shows(key: str) -> Planned[CountedShows]:
    part = Part(_SHOWS_OF_PERSON, ("shows",), {"key": key})
    return Planned({"shows": part}, lambda found: CountedShows(found["shows"][0]["shows"]))


def counted_shows(backend: Backend, key: str) -> CountedShows:
    return planned_counted_shows(key).run(backend)
