"""A labelled set for the duplicate finder (queries/duplicates.py), generated: synthetic
people credited on synthetic shows, some credited again under a variant of their name
(a typo, two letters swapped, a letter dropped, initials, another transliteration, the
Cyrillic script, the words in another order), and true homonyms: other people with the
same name (or one letter off) and a different IMDb id, who must never be proposed.

A duplicate appears the way it does in real catalogues: another listing, naming some of
the person's usual collaborators, spells the person differently. Names are made of
syllables, so that distinct people are rarely near each other by accident (though they
can be, as in real data: those pairs count against precision). Used by the tests (a small
set) and by benchmarks/duplicates.py (10^5 people).
"""

from __future__ import annotations

import json
import random
from dataclasses import dataclass, field

from screengraph.graph.keys import person_key

FIRST_SYLLABLES = (
    "al",
    "an",
    "be",
    "bo",
    "ca",
    "da",
    "el",
    "fe",
    "gi",
    "ha",
    "is",
    "jo",
    "ka",
    "le",
    "ma",
    "ni",
    "ol",
    "pa",
    "ra",
    "se",
    "ta",
    "vi",
    "xa",
    "yu",
    "zo",
    "mi",
    "ro",
    "lu",
    "na",
    "te",
)
LAST_SYLLABLES = (
    "kov",
    "ski",
    "man",
    "berg",
    "son",
    "ner",
    "ford",
    "lin",
    "dov",
    "rich",
    "wald",
    "ton",
    "mar",
    "vel",
    "pha",
    "kro",
    "sch",
    "tchu",
    "yev",
    "ouk",
    "dra",
    "gal",
    "hor",
    "jin",
    "lus",
    "mos",
    "nik",
    "por",
    "quin",
    "ras",
    "stev",
    "tor",
    "ulm",
    "vax",
    "wen",
    "yar",
    "zel",
    "bra",
    "cor",
    "dex",
)
# Latin letters (and pairs) as Russian spells them, for the Cyrillic variants.
CYRILLIC = (
    ("sch", "щ"),
    ("ch", "ч"),
    ("sh", "ш"),
    ("kh", "х"),
    ("yu", "ю"),
    ("ya", "я"),
    ("a", "а"),
    ("b", "б"),
    ("v", "в"),
    ("w", "в"),
    ("g", "г"),
    ("d", "д"),
    ("e", "е"),
    ("z", "з"),
    ("i", "и"),
    ("y", "ы"),
    ("k", "к"),
    ("l", "л"),
    ("m", "м"),
    ("n", "н"),
    ("o", "о"),
    ("p", "п"),
    ("r", "р"),
    ("s", "с"),
    ("t", "т"),
    ("u", "у"),
    ("f", "ф"),
    ("h", "х"),
    ("c", "ц"),
    ("x", "кс"),
    ("q", "к"),
    ("j", "й"),
)
# Spellings transliteration systems trade (the generator's own table: the finder's is
# queries/similarity.TRANSLITERATION_FOLDS).
RESPELLINGS = (
    ("ks", "x"),
    ("x", "ks"),
    ("v", "w"),
    ("w", "v"),
    ("ph", "f"),
    ("f", "ph"),
    ("ch", "tch"),
    ("u", "ou"),
    ("y", "i"),
    ("i", "y"),
)
VARIANT_KINDS = ("typo", "swap", "drop", "initials", "transliteration", "cyrillic", "order")
TEAM = 12  # people who tend to work together
CREW = 8  # credits on one show
SHOWS_EACH = 2.5  # shows per person, on average


@dataclass
class LabelledSet:
    listings: list[dict] = field(default_factory=list)
    # Who each node is: `imdb:nm...` for an identified person, the key for a name-only one.
    truth: dict[str, int] = field(default_factory=dict)
    duplicates: int = 0  # true duplicate pairs (a person and one variant of their name)
    homonyms: int = 0  # people sharing a name (or nearly) with another, other IMDb id
    kinds: dict[str, int] = field(default_factory=dict)

    def jsonl(self) -> str:
        return "\n".join(json.dumps(listing, ensure_ascii=False) for listing in self.listings)


@dataclass
class _Person:
    truth: int
    name: str
    imdb: str | None


def _word(rng: random.Random, syllables: tuple[str, ...], low: int, high: int) -> str:
    return "".join(rng.choice(syllables) for _ in range(rng.randint(low, high))).capitalize()


def _variant(rng: random.Random, name: str, kind: str) -> str | None:
    first, last = name.split(" ", 1)
    if kind == "initials":
        return f"{first[0]}. {last}"
    if kind == "order":
        return f"{last} {first}"
    if kind == "cyrillic":
        text = name.lower()
        for latin, cyrillic in CYRILLIC:
            text = text.replace(latin, cyrillic)
        return " ".join(word.capitalize() for word in text.split())
    if kind == "transliteration":
        lower = last.lower()
        options = [(a, b) for a, b in RESPELLINGS if a in lower[1:]]
        if not options:
            return None
        a, b = rng.choice(options)
        at = lower.index(a, 1)
        return f"{first} {(lower[:at] + b + lower[at + len(a) :]).capitalize()}"
    word_index = rng.randrange(2)
    words = [first, last]
    word = words[word_index]
    if len(word) < 5:
        return None
    at = rng.randrange(1, len(word) - 2)
    if kind == "typo":
        letter = rng.choice("aeioubdgklmnprst".replace(word[at].lower(), ""))
        word = word[:at] + letter + word[at + 1 :]
    elif kind == "swap":
        if word[at] == word[at + 1]:
            return None
        word = word[:at] + word[at + 1] + word[at] + word[at + 2 :]
    else:  # drop
        word = word[:at] + word[at + 1 :]
    words[word_index] = word
    return " ".join(words)


def labelled_people(
    people: int,
    seed: int = 15,
    duplicate_share: float = 0.05,
    homonym_share: float = 0.03,
    identified_share: float = 0.5,
) -> LabelledSet:
    """Listings crediting about `people` people (plus their variants and homonyms)."""
    rng = random.Random(seed)
    out = LabelledSet()
    taken: set[str] = set()
    persons: list[_Person] = []

    def new_person(name: str, identified: bool) -> _Person:
        truth = len(persons)
        imdb = f"imdb:nm{7_000_000 + truth}" if identified else None
        person = _Person(truth, name, imdb)
        persons.append(person)
        if imdb is None:
            taken.add(person_key(name))
        return person

    while len(persons) < people:
        name = f"{_word(rng, FIRST_SYLLABLES, 2, 2)} {_word(rng, LAST_SYLLABLES, 2, 3)}"
        if person_key(name) in taken or any(p.name == name for p in persons[-3:]):
            continue
        taken.add(person_key(name))
        new_person(name, rng.random() < identified_share)
    teams = [persons[i : i + TEAM] for i in range(0, len(persons), TEAM)]
    shows = 0

    def listing(crew: list[tuple[str, str | None]]) -> None:
        nonlocal shows
        shows += 1
        out.listings.append(
            {
                "title": f"Show {shows:06d}",
                "year": 1950 + shows % 70,
                "source_url": f"https://example.org/labelled/{shows}",
                "credits": [
                    {"name": name, "category": "actor", **({"ids": [imdb]} if imdb else {})}
                    for name, imdb in crew
                ],
            }
        )

    for team in teams:
        for _ in range(max(1, round(len(team) * SHOWS_EACH / CREW))):
            listing([(p.name, p.imdb) for p in rng.sample(team, min(CREW, len(team)))])
    originals = list(persons)
    # True homonyms: another person, other IMDb id, the same name or one letter off.
    homonym_of = set()
    for person in rng.sample([p for p in originals if p.imdb], int(people * homonym_share)):
        name = (
            person.name
            if rng.random() < 0.7
            else (_variant(rng, person.name, "typo") or person.name)
        )
        other = new_person(name, True)
        homonym_of.add(person.truth)
        out.homonyms += 1
        strangers = rng.sample(originals, CREW - 1)
        listing([(other.name, other.imdb)] + [(p.name, p.imdb) for p in strangers])
    # Duplicates: a listing naming the person differently, among their team.
    for person in rng.sample(originals, int(people * duplicate_share)):
        if person.truth in homonym_of:
            continue
        kind = rng.choice(VARIANT_KINDS)
        variant = _variant(rng, person.name, kind)
        if variant is None or person_key(variant) in taken:
            continue
        taken.add(person_key(variant))
        team = teams[person.truth // TEAM]
        mates = rng.sample([p for p in team if p is not person], min(3, len(team) - 1))
        listing([(variant, None)] + [(p.name, p.imdb) for p in mates])
        out.truth[person_key(variant)] = person.truth
        out.duplicates += 1
        out.kinds[kind] = out.kinds.get(kind, 0) + 1
    for person in persons:
        out.truth[person.imdb or person_key(person.name)] = person.truth
    return out


def truth_of(labelled: LabelledSet, node: dict) -> int | None:
    """Which generated person a Person node is (its IMDb id, else its key)."""
    for text in node.get("ids") or []:
        if text in labelled.truth:
            return labelled.truth[text]
    return labelled.truth.get(node["key"])


def precision_recall(labelled: LabelledSet, pairs) -> tuple[float, float, int, int]:
    """(precision, recall, true positives, proposed) of proposed DuplicatePairs."""
    hits = sum(
        1
        for pair in pairs
        if truth_of(labelled, pair.a) is not None
        and truth_of(labelled, pair.a) == truth_of(labelled, pair.b)
    )
    proposed = len(pairs)
    precision = hits / proposed if proposed else 1.0
    recall = hits / labelled.duplicates if labelled.duplicates else 1.0
    return precision, recall, hits, proposed
