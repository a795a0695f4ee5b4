"""Natural keys: the one function family that loaders and queries both use.

Rules (also in the README):
- A name is normalised by Unicode NFKC, accents stripped, case folded;
  apostrophes vanish (`O'Brien` = `OBrien`), every other non-letter, non-digit
  becomes a space, spaces collapse. `Léa Drucker`, `Lea Drucker`,
  `LÉA  DRUCKER` and `lea-drucker` all normalise to `lea drucker`.
- A person, company or genre key is the normalised words joined by `-`
  (`lea-drucker`); the label keeps people and companies of the same name apart.
- A show key is its normalised title joined by `-`, plus `--<year>` when the
  year is known: `King Kong` (1933) is `king-kong--1933`, (1976) is
  `king-kong--1976`, and a yearless `King Kong` is `king-kong`. Titles that look
  like numbers (`1941`, `300`) are text like any other.
- A season is part of its show's title (`Spiral - Season 7` is its own show,
  key `spiral-season-7`) and records its series (`Spiral`, series key `spiral`)
  and season number, so all seasons of a series are found together; every
  spelling of a season (`Saison 7`, `(Season 7)`, `S07`) gets the same key.
- When several spellings meet in one key, the display name is the most
  attested one (ties: accented and mixed-case spellings beat bare or ALL-CAPS ones).
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from dataclasses import dataclass
from functools import lru_cache

_APOSTROPHES = re.compile(r"['\u2019\u2018\u02bc`´]")
_NON_WORD = re.compile(r"[^\w]+|_+")
_SPACES = re.compile(r"\s+")

_SEASON_PATTERNS = (
    # "Spiral - Season 7", "Spiral – Saison 7", "Spiral: Series 2", "Spiral, Staffel 3"
    re.compile(r"^(?P<series>.+?)\s*[-–—:,]\s*(?:season|saison|series|staffel|temporada|stagione)"
               r"\s*(?P<season>\d{1,3})\s*$", re.IGNORECASE),
    # "Spiral (Season 7)"
    re.compile(r"^(?P<series>.+?)\s*\(\s*(?:season|saison|series|staffel|temporada|stagione)"
               r"\s*(?P<season>\d{1,3})\s*\)\s*$", re.IGNORECASE),
    # "Spiral Season 7"
    re.compile(r"^(?P<series>.+?)\s+(?:season|saison|staffel|temporada|stagione)"
               r"\s+(?P<season>\d{1,3})\s*$", re.IGNORECASE),
    # "Spiral S07"
    re.compile(r"^(?P<series>.+?)\s+S(?P<season>\d{1,3})\s*$"),
)


@lru_cache(maxsize=200_000)
def normalize_name(text: str) -> str:
    """Case-, accent-, punctuation- and spacing-insensitive form of a name."""
    text = unicodedata.normalize("NFKC", text or "")
    text = "".join(ch for ch in unicodedata.normalize("NFKD", text)
                   if not unicodedata.combining(ch))
    text = text.casefold()
    text = _APOSTROPHES.sub("", text)
    text = _NON_WORD.sub(" ", text)
    return _SPACES.sub(" ", text).strip()


def _slug(text: str) -> str:
    return normalize_name(text).replace(" ", "-")


def person_key(name: str) -> str:
    return _slug(name)


def company_key(name: str) -> str:
    return _slug(name)


def genre_key(name: str) -> str:
    return _slug(name)


def series_key(series: str) -> str:
    return _slug(series)


@dataclass(frozen=True)
class ShowTitle:
    display: str
    series: str
    season: int | None


@lru_cache(maxsize=100_000)
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
    base = (f"{series_key(parsed.series)}-season-{parsed.season}" if parsed.season is not None
            else _slug(title))
    return f"{base}--{int(year)}" if year is not None else base


def is_show_key_with_year(key: str) -> bool:
    return re.search(r"--\d{4}$", key) is not None


def _spelling_rank(spelling: str) -> tuple:
    letters = [ch for ch in spelling if ch.isalpha()]
    accented = sum(1 for ch in spelling if ch != unicodedata.normalize("NFKD", ch)[:1])
    all_caps = bool(letters) and all(ch.isupper() for ch in letters)
    all_lower = bool(letters) and all(ch.islower() for ch in letters)
    return (accented, not all_caps, not all_lower, -len(_SPACES.findall(spelling)))


def best_spelling(spellings: Counter) -> str:
    """The most attested spelling; ties go to accents and mixed case, then alphabetical."""
    if not spellings:
        raise ValueError("no spelling to choose from")
    return sorted(spellings.items(),
                  key=lambda item: (-item[1], tuple(-x for x in _spelling_rank(item[0])), item[0]))[0][0]
