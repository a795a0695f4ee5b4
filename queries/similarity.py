"""How alike two names are, and why: the one measure that the duplicate finder
(queries/duplicates.py) and the load preview's near-miss warnings (queries/near_misses.py)
share, so the two never disagree about what "close" means.

Names are compared as keys compare them (graph/keys.py: case, accents, punctuation and
spacing never count), after two further folds that keys deliberately do not make, since
they would merge different names for good:
- other scripts are spelled in Latin letters (anyascii: `Андрей Тарковский` ->
  `andrey tarkovskiy`);
- the spellings transliteration systems and careless typists trade for one another
  (TRANSLITERATION_FOLDS: `tch`/`ch`, `ph`/`f`, `ks`/`x`, `y`/`i`, `w`/`v`...), then
  doubled letters (`Matthieu`/`Mathieu`, `Kassovitz`/`Kasovitz`).
Edit distances come from rapidfuzz.
"""

from __future__ import annotations

from functools import lru_cache
from typing import NamedTuple

from anyascii import anyascii
from rapidfuzz.distance import OSA

from screengraph.graph.keys import normalize_name

# Pairs of spellings that stand for one sound across transliteration systems (applied in
# order, longest first so `tch` is not read as `t` + `ch`).
TRANSLITERATION_FOLDS: tuple[tuple[str, str], ...] = (
    ("tsch", "ch"),
    ("tch", "ch"),
    ("sch", "sh"),
    ("ph", "f"),
    ("kh", "h"),
    ("ks", "x"),
    ("ck", "k"),
    ("ou", "u"),
    ("dj", "j"),
    ("w", "v"),
    ("y", "i"),
    ("q", "k"),
)
# Words that say what kind of company a name is, not which one, and articles: "Universal
# Pictures" and "Universal" are likely one company. One table, read by the comparison and
# the blocking.
COMPANY_SUFFIXES = frozenset(
    {
        "pictures",
        "picture",
        "films",
        "film",
        "studios",
        "studio",
        "productions",
        "production",
        "entertainment",
        "media",
        "television",
        "tv",
        "company",
        "co",
        "corp",
        "corporation",
        "inc",
        "incorporated",
        "ltd",
        "limited",
        "llc",
        "plc",
        "gmbh",
        "ag",
        "sa",
        "sas",
        "sarl",
        "srl",
        "spa",
        "bv",
        "nv",
        "ab",
        "as",
        "oy",
        "kk",
        "group",
        "holdings",
        "international",
        "distribution",
        "releasing",
        # Articles, which a company's name carries in one source and not in another
        # ("Les Productions Lazennec" / "Lazennec Productions Ltd").
        "the",
        "les",
        "le",
        "la",
        "l",
        "los",
        "las",
        "el",
        "il",
        "lo",
        "gli",
        "die",
        "der",
        "das",
    }
)

# Scores of the kinds of likeness that are not a plain edit distance.
SAME_WHEN_FOLDED = 0.97  # one name in another transliteration, or a doubled letter
SAME_WORDS = 0.95  # the same words in another order
SAME_COMPANY_CORE = 0.94  # "Universal" / "Universal Pictures"
INITIALS = 0.92  # "J. Smith" / "John Smith"


class Likeness(NamedTuple):
    """How alike two names are (0..1) and, for people, why in a few words."""

    score: float
    reason: str


@lru_cache(maxsize=1 << 16)
def folded(name: str) -> str:
    """A name with every difference this module forgives folded away (word order kept)."""
    text = normalize_name(anyascii(normalize_name(name)))
    for spelling, fold in TRANSLITERATION_FOLDS:
        text = text.replace(spelling, fold)
    out: list[str] = []
    for ch in text:
        if not out or ch != out[-1] or ch == " ":
            out.append(ch)
    return "".join(out)


def core_words(name: str, company: bool) -> tuple[str, ...]:
    """The folded words that name the entity: a company's without its kind ("pictures")."""
    words = folded(name).split()
    if company:
        kept = tuple(word for word in words if word not in COMPANY_SUFFIXES)
        return kept or tuple(words)
    return tuple(words)


def _initials_match(short: tuple[str, ...], long: tuple[str, ...]) -> bool:
    """`j smith` and `john smith`: the same words in order, where one side gives only the
    initial of a word of the other (and at least one word is whole on both)."""
    if len(short) != len(long) or short == long:
        return False
    whole = 0
    for a, b in zip(short, long):
        if a == b:
            whole += len(a) > 1
        elif not ((len(a) == 1 and b.startswith(a)) or (len(b) == 1 and a.startswith(b))):
            return False
    return whole > 0


def likeness(a: str, b: str, *, company: bool = False) -> Likeness:
    """How alike names `a` and `b` are; `company` forgives words such as "Pictures"."""
    if normalize_name(a) == normalize_name(b):
        return Likeness(1.0, "the same name")
    fa, fb = folded(a), folded(b)
    if fa == fb:
        return Likeness(
            SAME_WHEN_FOLDED,
            "the same name in another spelling (transliteration, doubled letter or script)",
        )
    words_a, words_b = core_words(a, company), core_words(b, company)
    if company and words_a == words_b:
        return Likeness(
            SAME_COMPANY_CORE, "the same name with or without a word such as 'Pictures' or 'Ltd'"
        )
    if sorted(words_a) == sorted(words_b):
        return Likeness(SAME_WORDS, "the same words in another order")
    if _initials_match(words_a, words_b):
        return Likeness(INITIALS, "one gives initials where the other gives names")
    ja, jb = " ".join(words_a), " ".join(words_b)
    edits = OSA.distance(ja, jb)
    score = 1.0 - edits / max(len(ja), len(jb), 1)
    return Likeness(
        round(score, 4),
        f"{edits} letter{'s' if edits != 1 else ''} apart"
        if edits > 1
        else "one letter apart (or two swapped)",
    )
