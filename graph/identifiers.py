"""External identifiers: the schemes screengraph knows, declared once.

A source that names its people and shows by identifier (IMDb's `nm0000229`, TMDB's
person 488) gives screengraph what names cannot: two people called David Smith stay
two nodes, and a person keeps their node whatever the spelling. An identifier is
written `<scheme>:<value>` (`imdb:nm0000229`, `tmdb:person/488`); IMDb's own ids are
also taken bare (`nm0000229`, `tt0082971`), as IMDb's files and URLs give them.

Each scheme is kept on nodes as the property `<scheme>_id` (indexed: one lookup finds a
node by identifier) and in `ids`, the list of every identifier a node has.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from typing import NamedTuple

from screengraph.graph.schema import Label


@dataclass(frozen=True)
class Scheme:
    name: str
    # The shape of a value for each label that can carry one of this scheme.
    values: dict[Label, re.Pattern]
    title: str  # how pages name the scheme
    url: str  # a value's page at the source ("{value}")

    @property
    def property(self) -> str:
        return f"{self.name}_id"


SCHEMES: dict[str, Scheme] = {
    scheme.name: scheme
    for scheme in (
        Scheme(
            "imdb",
            {
                Label.PERSON: re.compile(r"nm\d{7,10}"),
                Label.SHOW: re.compile(r"tt\d{7,10}"),
                Label.COMPANY: re.compile(r"co\d{7,10}"),
            },
            "IMDb",
            "https://www.imdb.com/{kind}/{value}/",
        ),
        Scheme(
            "tmdb",
            {
                Label.PERSON: re.compile(r"person/\d{1,12}"),
                Label.SHOW: re.compile(r"(?:movie|tv)/\d{1,12}"),
                Label.COMPANY: re.compile(r"company/\d{1,12}"),
            },
            "TMDB",
            "https://www.themoviedb.org/{value}",
        ),
        Scheme(
            "wikidata",
            {
                label: re.compile(r"Q\d{1,12}")
                for label in (Label.PERSON, Label.SHOW, Label.COMPANY)
            },
            "Wikidata",
            "https://www.wikidata.org/wiki/{value}",
        ),
    )
}

# (label, property) of every identifier lookup index: graph.schema adds them to its own.
IDENTIFIER_INDEXES: tuple[tuple[Label, str], ...] = tuple(
    (label, scheme.property) for scheme in SCHEMES.values() for label in scheme.values
)

IDENTIFIED_LABELS = (Label.SHOW, Label.PERSON, Label.COMPANY)
_BARE_IMDB = re.compile(r"(?:nm|tt|co)\d{7,10}")


class Identifier(NamedTuple):
    scheme: str
    value: str

    def __str__(self) -> str:
        return f"{self.scheme}:{self.value}"

    @property
    def key_suffix(self) -> str:
        """The part of an identified node's key that keeps namesakes apart: IMDb's ids as
        they are (`nm0000229`: unique on their own and known to users), the others with
        their scheme (`tmdb-person-488`)."""
        if self.scheme == "imdb":
            return self.value
        return f"{self.scheme}-{re.sub(r'[^0-9A-Za-z]+', '-', self.value)}".lower()

    def url(self) -> str:
        scheme = SCHEMES[self.scheme]
        kind = {"nm": "name", "tt": "title", "co": "company"}.get(self.value[:2], "")
        return scheme.url.format(value=self.value, kind=kind)


class IdentifierError(ValueError):
    """Text that is not an identifier of a known scheme for a label."""


@lru_cache(maxsize=1 << 12)  # the busy ones; more only grows a long load's memory
def parse_identifier(text: str, label: Label | str | None = None) -> Identifier:
    """`imdb:nm0000229`, `nm0000229` or `tmdb:person/488` as an Identifier; raises
    IdentifierError with the reason (and the schemes' shapes) otherwise. Cached: a dump
    names a busy person's id, and the titles they are known for, in every title."""
    raw = (text or "").strip()
    label = Label(label) if label is not None else None
    scheme_name, sep, value = raw.partition(":")
    if not sep:
        if _BARE_IMDB.fullmatch(raw):
            scheme_name, value = "imdb", raw
        else:
            raise IdentifierError(
                f"'{raw[:80]}' is not an identifier: write it as "
                f"<scheme>:<value>, e.g. {examples(label)}"
            )
    scheme = SCHEMES.get(scheme_name.strip().lower())
    if scheme is None:
        raise IdentifierError(
            f"'{raw[:80]}': unknown identifier scheme '{scheme_name[:40]}' "
            f"(known: {', '.join(SCHEMES)})"
        )
    value = value.strip()
    shapes = (
        ([scheme.values[label]] if label in scheme.values else [])
        if label
        else list(scheme.values.values())
    )
    if not any(shape.fullmatch(value) for shape in shapes):
        what = f"a {label.value.lower()}" if label else "anything"
        raise IdentifierError(
            f"'{raw[:80]}' is not {scheme.title}'s identifier of {what}: "
            f"e.g. {examples(label, scheme.name)}"
        )
    return Identifier(scheme.name, value)


def try_identifier(text: str, label: Label | str | None = None) -> Identifier | None:
    """The identifier `text` is, or None: for input that may be a name or an identifier."""
    try:
        return parse_identifier(text, label)
    except IdentifierError:
        return None


_EXAMPLES = {
    ("imdb", Label.PERSON): "imdb:nm0000229",
    ("imdb", Label.SHOW): "imdb:tt0082971",
    ("imdb", Label.COMPANY): "imdb:co0023400",
    ("tmdb", Label.PERSON): "tmdb:person/488",
    ("tmdb", Label.SHOW): "tmdb:movie/85",
    ("tmdb", Label.COMPANY): "tmdb:company/4",
    ("wikidata", Label.PERSON): "wikidata:Q8006",
    ("wikidata", Label.SHOW): "wikidata:Q174284",
    ("wikidata", Label.COMPANY): "wikidata:Q242446",
}


def examples(label: Label | None = None, scheme: str | None = None) -> str:
    return ", ".join(
        example
        for (name, of), example in _EXAMPLES.items()
        if (label is None or of == label) and (scheme is None or name == scheme)
    )


def node_identifier_properties(identifiers: list[Identifier]) -> dict[str, str]:
    """`<scheme>_id` properties for a node's identifiers (the first of each scheme)."""
    found: dict[str, str] = {}
    for identifier in identifiers:
        found.setdefault(SCHEMES[identifier.scheme].property, identifier.value)
    return found
