"""Values that load but look wrong: a preview flags them so a person looks before confirming.

A year in the future or before cinema existed; a name or title that looks mis-encoded
(UTF-8 read as Latin-1, `CafÃ©`, as ftfy detects it; or an upper-case accented letter
inside a lower-case word, `LÈon`, what Mac Roman read as Windows-1252 makes); control
characters; a name implausibly long or short. None of these is refused: real titles can
be odd, and the model (loaders/model.py) already refuses what cannot be stored.
"""

from __future__ import annotations

import re
import unicodedata
from datetime import UTC, datetime

import ftfy
from ftfy.badness import is_bad

FIRST_FILM_YEAR = 1888  # Roundhay Garden Scene: an earlier year is a typo
# Longest plausible name (a person's or a company's) and title, in characters and words.
NAME_LONGEST, NAME_MOST_WORDS = 80, 10
TITLE_LONGEST = 200
_CAPITAL_INSIDE_WORD = re.compile(r"(?<=[^\W\d_])[À-ÖØ-Þ](?=[a-zß-ÿ])")


def suspicious_year(year: int | None, today: datetime | None = None) -> str | None:
    if year is None:
        return None
    now = (today or datetime.now(UTC)).year
    if year > now:
        return f"the year {year} is in the future"
    if year < FIRST_FILM_YEAR:
        return f"the year {year} is before the first film ({FIRST_FILM_YEAR})"
    return None


def suspicious_name(text: str, *, title: bool = False) -> list[str]:
    """Why a name (or, with `title`, a show's title) looks wrong; empty when it does not."""
    reasons = []
    fixed = ftfy.fix_text(
        text,
        normalization=None,
        unescape_html=False,
        fix_line_breaks=False,
        remove_control_chars=False,
    )
    if fixed != text and ftfy.fix_encoding(text) != text:
        reasons.append(f"looks mis-encoded (probably '{fixed}')")
    elif is_bad(text) or _CAPITAL_INSIDE_WORD.search(text):
        reasons.append(
            "looks mis-encoded (an accented capital inside a word, or "
            "characters UTF-8 read in another encoding makes)"
        )
    controls = sorted(
        {
            f"U+{ord(ch):04X}"
            for ch in text
            if unicodedata.category(ch) in ("Cc", "Cf") and ch not in "\u200d"
        }
    )
    if controls:
        reasons.append(f"holds control or invisible characters ({', '.join(controls[:5])})")
    longest = TITLE_LONGEST if title else NAME_LONGEST
    if len(text) > longest:
        reasons.append(f"is {len(text)} characters long (names are rarely over {longest})")
    elif not title and len(text.split()) > NAME_MOST_WORDS:
        reasons.append(f"has {len(text.split())} words (a list pasted as one name?)")
    if len(text.strip()) < 2:
        reasons.append("is a single character")
    return reasons
