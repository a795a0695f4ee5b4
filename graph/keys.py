"""Natural keys: the one function family that loaders and queries both use.

Two spellings of a name meet in one node only if they get the same key, so
every place that computes a key calls these functions.

Rules (also in the README):
- A name is normalised by: Unicode NFKC; accents stripped (NFKD, combining marks
  dropped; letters with a stroke or ligature fold too: ø→o, ł→l, đ→d, æ→ae, œ→oe);
  case folded (ß→ss); apostrophes dropped, not spaced (' ’ ‘ ʼ ` ´: `O'Brien`,
  `O’Brien` and `OBrien` are all `obrien`); every other character that is not a
  letter or digit becomes a space (hyphens, dots, quotes, NBSP, underscores);
  spaces collapse and the ends are trimmed. `Léa Drucker`, `Lea Drucker`,
  `LÉA  DRUCKER` and `lea-drucker` all normalise to `lea drucker`.
- A person, company or genre key is the normalised words joined by `-`
  (`lea-drucker`), with no label prefix: the label keeps a person and a company
  of the same name apart. Keys hold only letters, digits and `-`, so they are
  URL-safe (letters outside ASCII are kept; browsers percent-encode them).
- A show key is its normalised title joined by `-`, plus `--<year>` when the
  year is known: `King Kong` (1933) is `king-kong--1933`, (1976) is
  `king-kong--1976`, and a yearless `King Kong` is `king-kong`. Titles that look
  like numbers (`1941`, `300`) are text like any other: `1941`, `300--2006`.
  Whether a yearless title means an existing show with a year is decided by the
  writer (only when exactly one such show exists), not here.
- A season is part of its show's title: `Spiral - Season 7` is its own show. Its
  series (`Spiral`, series key `spiral`) and season number (7) are recorded, and
  every spelling of the season gets the same key, `spiral-season-7`:
  `Spiral – Saison 7`, `Spiral (Season 7)`, `Spiral: Series 7`, `Spiral S07`.
- When several spellings meet in one key, the display name is the most attested
  one; ties go to the spelling with the most accented or other non-ASCII
  letters, then to mixed case over ALL CAPS and all lower case, then alphabetical.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import NamedTuple

from screengraph.graph.identifiers import Identifier

_APOSTROPHES = re.compile(r"['\u2019\u2018\u02bc`\u00b4]")
_NON_WORD = re.compile(r"[^\w]+|_+")
_SPACES = re.compile(r"\s+")
# Letters that NFKD leaves whole, though readers see them as accented or joined.
_FOLDS = str.maketrans(
    {
        "ø": "o",
        "ł": "l",
        "đ": "d",
        "ħ": "h",
        "ŧ": "t",
        "ı": "i",
        "æ": "ae",
        "œ": "oe",
        "ð": "d",
        "þ": "th",
    }
)

_SEASON_WORD = r"(?:season|saison|series|staffel|temporada|stagione)"
_SEASON_PATTERNS = (
    # "Spiral - Season 7", "Spiral – Saison 7", "Spiral: Series 2", "Spiral - S07"
    re.compile(
        r"^(?P<series>.+?)\s*[-–—:,]\s*(?:" + _SEASON_WORD + r"\s*|(?-i:S))"
        r"(?P<season>\d{1,3})$",
        re.IGNORECASE,
    ),
    # "Spiral (Season 7)", "Spiral (S07)"
    re.compile(
        r"^(?P<series>.+?)\s*\(\s*(?:" + _SEASON_WORD + r"\s*|(?-i:S))"
        r"(?P<season>\d{1,3})\s*\)$",
        re.IGNORECASE,
    ),
    # "Spiral Season 7" ("Series" needs a separator: "The Series 7" could be a title)
    re.compile(
        r"^(?P<series>.+?)\s+(?:season|saison|staffel|temporada|stagione)"
        r"\s+(?P<season>\d{1,3})$",
        re.IGNORECASE,
    ),
    # "Spiral S07"
    re.compile(r"^(?P<series>.+?)\s+S(?P<season>\d{1,3})$"),
)

# Names (and titles) each key function remembers: the busy ones of a load (genres, a
# prolific person, a series' title) are met again and again, most names once or twice.
# Enough to keep those hits, small enough that a long load's memory does not grow with
# the names it meets (benchmarks/imdb_load.py; 200,000 entries took tens of MB).
CACHED_NAMES = 1 << 12


@lru_cache(maxsize=CACHED_NAMES)
def normalize_name(text: str) -> str:
    """Case-, accent-, punctuation- and spacing-insensitive form of a name."""
    text = text or ""
    # ASCII text has nothing to compose, decompose or fold but case: most names, and the
    # Unicode steps were a tenth of a load's Python time.
    text = text.lower() if text.isascii() else _without_accents(text)
    text = _APOSTROPHES.sub("", text)
    text = _NON_WORD.sub(" ", text)
    return _SPACES.sub(" ", text).strip()


def _without_accents(text: str) -> str:
    text = unicodedata.normalize("NFKC", text).casefold()
    return "".join(
        ch for ch in unicodedata.normalize("NFKD", text) if not unicodedata.combining(ch)
    ).translate(_FOLDS)


def _slug(text: str) -> str:
    return normalize_name(text).replace(" ", "-")


def person_key(name: str) -> str:
    return _slug(name)


def company_key(name: str) -> str:
    return _slug(name)


def genre_key(name: str) -> str:
    return _slug(name)


def series_key(series: str) -> str:
    """Key shared by all seasons of a series: `Spiral - Season 7` has series key `spiral`."""
    return _slug(series)


@dataclass(frozen=True)
class ShowTitle:
    display: str
    series: str
    season: int | None


@lru_cache(maxsize=CACHED_NAMES)
def parse_show_title(title: str) -> ShowTitle:
    """Split `Spiral - Season 7` into its series and season; other titles are their own series."""
    display = _SPACES.sub(" ", unicodedata.normalize("NFKC", title or "")).strip()
    for pattern in _SEASON_PATTERNS:
        match = pattern.match(display)
        if match and normalize_name(match.group("series")):
            return ShowTitle(display, match.group("series").strip(), int(match.group("season")))
    return ShowTitle(display, display, None)


def show_key(title: str, year: int | None = None) -> str:
    """Key of a show: its title, and its year when known (remakes stay apart).

    Seasons get one canonical form whatever the spelling: `Spiral (Saison 7)`
    and `Spiral - Season 7` are both `spiral-season-7`.
    """
    parsed = parse_show_title(title)
    base = (
        f"{series_key(parsed.series)}-season-{parsed.season}"
        if parsed.season is not None
        else _slug(title)
    )
    return f"{base}--{int(year)}" if year is not None else base


def is_show_key_with_year(key: str) -> bool:
    return re.search(r"--\d{4}$", key) is not None


def _tie_rank(spelling: str) -> tuple:
    """Lower is better: more accented letters, then mixed case, then alphabetical."""
    enriched = sum(
        1 for ch in spelling if not ch.isascii() and (ch.isalpha() or unicodedata.combining(ch))
    )
    cased = [ch for ch in spelling if ch.isupper() or ch.islower()]
    all_caps = bool(cased) and all(ch.isupper() for ch in cased)
    all_lower = bool(cased) and all(ch.islower() for ch in cased)
    return (-enriched, all_caps, all_lower, spelling)


def best_spelling(spellings: Mapping[str, int]) -> str:
    """The most attested spelling; ties go to accents and mixed case, then alphabetical."""
    attested = [(spelling, count) for spelling, count in spellings.items() if count > 0]
    if not attested:
        raise ValueError("best_spelling needs at least one spelling with a positive count")
    return min(attested, key=lambda item: (-item[1], *_tie_rank(item[0])))[0]


# -- identities: identifiers first, then names ------------------------------------------


class Namesake(NamedTuple):
    """A node a name alone would give: its key and its identifiers (`imdb:nm...`)."""

    key: str
    ids: tuple[str, ...] = ()


class Resolution(NamedTuple):
    """Which node a record's name (and identifiers) means, and by which rule:
    `identifier` (a node has one of them), `name` (the only node of that name),
    `new` (no node yet), `ambiguous` (several namesakes: kept apart, `namesakes` lists
    them). `adopted`: an identified record joined a node by name; its ids are added."""

    key: str
    rule: str
    namesakes: tuple[str, ...] = ()
    adopted: bool = False


UNIDENTIFIED = "unidentified"  # the suffix of a name-only node whose plain key is taken


def identified_key(base_key: str, suffix: str) -> str:
    """The key of an identified node: the key its name gives, then its identifier
    (`david-smith--nm0000229`), so namesakes never share one and URLs stay readable."""
    return f"{base_key}--{suffix}"


def alias_key(label: str, name_key: str) -> str:
    """The key of the Alias a merge leaves for one name key of the merged entity
    (`Person\tmatthieu-kassovitz`): one per label and name key, looked up as a load
    reads the namesakes of its names."""
    return f"{label}\t{name_key}"


def resolve_entity(
    base_key: str,
    ids: Sequence[Identifier],
    known: Mapping[str, str],
    namesakes: Sequence[Namesake],
) -> Resolution:
    """The one rule that decides which node a record means (loaders and queries alike).

    `base_key` is the key the name alone gives (person_key, show_key...); `ids` the
    record's identifiers (the first gives a new node's key suffix); `known` maps an
    identifier's text (`imdb:nm0000229`) to the key of the node that has it; `namesakes`
    are the nodes whose name gives `base_key`.

    1. An identifier a node has: that node.
    2. An identified record no node has: it joins the only namesake when that one has no
       identifier of the same scheme (a name-only node from a catalogue page, or a node
       another source identified); otherwise it is a new node, keyed by its identifier.
       Two records with one name and different identifiers of a scheme are two nodes.
    3. A name-only record: the only namesake, identified or not; with several, it is
       not merged into any identified one: it joins (or becomes) the name-only node of
       that name, and the caller reports the namesakes.

    A maintainer's merge (loaders/merge.py) deleted the merged entity and left an alias
    from each of its name keys to the survivor (`alias_key`): the caller counts the
    survivor among the namesakes of those keys, so a record spelling the old name, which
    would otherwise be `new`, joins the survivor by rule 2 or 3 (its identifiers moved to
    the survivor, so rule 1 finds it for them).
    """
    for identifier in ids:
        key = known.get(str(identifier))
        if key is not None:
            return Resolution(key, "identifier")
    if ids:
        schemes = {identifier.scheme for identifier in ids}
        if len(namesakes) == 1 and not any(
            other.partition(":")[0] in schemes for other in namesakes[0].ids
        ):
            return Resolution(namesakes[0].key, "name", adopted=True)
        return Resolution(identified_key(base_key, ids[0].key_suffix), "new")
    if len(namesakes) == 1:
        return Resolution(namesakes[0].key, "name")
    if not namesakes:
        return Resolution(base_key, "new")
    unidentified = sorted(
        (n.key for n in namesakes if not n.ids), key=lambda key: (key != base_key, key)
    )
    if unidentified:
        key = unidentified[0]
    elif any(n.key == base_key for n in namesakes):
        key = identified_key(base_key, UNIDENTIFIED)
    else:
        key = base_key
    return Resolution(key, "ambiguous", tuple(sorted(n.key for n in namesakes if n.key != key)))
