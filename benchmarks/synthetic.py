"""Deterministic synthetic listings that look like a real catalogue.

People, companies and genres are drawn with a skew (a few very prolific
people and companies, many occasional ones), as in real credits data.
"""

from __future__ import annotations

import json
import random
from pathlib import Path
from typing import Iterator

FIRST = ["Anna", "Eric", "Léa", "Mathieu", "Sara", "Jean", "Pascal", "Alex", "Marie", "Louis",
         "Chloé", "Hugo", "Inès", "Paul", "Zoé", "Omar", "Yara", "Kenji", "Ana", "Lars"]
LAST = ["Rochant", "Drucker", "Berger", "Breton", "Giraudeau", "Kassovitz", "Durand", "Martin",
        "Bernard", "Dubois", "Moreau", "Laurent", "Simon", "Michel", "Lefèvre", "Garcia",
        "Nakamura", "Okafor", "Silva", "Novak"]
WORDS = ["Bureau", "Spiral", "Dream", "Future", "Paris", "Queen", "Night", "River", "Shadow",
         "Legend", "Garden", "Winter", "Signal", "Harbour", "Empire", "Storm", "Letters", "Code"]
GENRES = ["Drama", "Thriller", "Comedy", "Documentary", "Crime", "Animation", "Romance",
          "Science Fiction", "History", "Horror", "Family", "War", "Western", "Musical"]


def _skewed(rng: random.Random, n: int) -> int:
    """An index in [0, n) where low indexes are much more likely (prolific hubs)."""
    return min(n - 1, int(n * rng.random() ** 2.5))


def listings(count: int, seed: int = 7, people: int | None = None,
             companies: int | None = None) -> Iterator[dict]:
    rng = random.Random(seed)
    people = people or max(50, count * 2)
    companies = companies or max(10, count // 20)

    def person() -> str:
        i = _skewed(rng, people)
        return f"{FIRST[i % len(FIRST)]} {LAST[(i // len(FIRST)) % len(LAST)]} {i}"

    def company() -> str:
        return f"{WORDS[_skewed(rng, companies) % len(WORDS)]} Pictures {_skewed(rng, companies)}"

    for i in range(count):
        title = f"{rng.choice(WORDS)} {rng.choice(WORDS)} {i}"
        made_by = [company()]
        yield {
            "title": title,
            "year": 1950 + i % 75,
            "synopsis": f"Synthetic listing number {i}.",
            "directors": [person()],
            "producers": [person()],
            "executive_producers": [person() for _ in range(rng.randint(0, 2))],
            "writers": [person() for _ in range(rng.randint(1, 2))],
            "cast": [person() for _ in range(rng.randint(3, 8))],
            "genres": sorted({rng.choice(GENRES) for _ in range(rng.randint(1, 2))}),
            "companies": made_by,
            "related_shows": [],
        }


def write_jsonl(path: Path, count: int, seed: int = 7) -> Path:
    with path.open("w", encoding="utf-8") as out:
        for record in listings(count, seed):
            out.write(json.dumps(record, ensure_ascii=False) + "\n")
    return path
