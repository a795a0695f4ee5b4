"""Deterministic synthetic listings that look like a real catalogue.

People, companies and genres are drawn with a skew (a few very prolific
people and companies, many occasional ones), as in real credits data.
"""

from __future__ import annotations

import json
import random
from collections.abc import Iterator
from pathlib import Path

FIRST = [
    "Anna",
    "Eric",
    "Léa",
    "Mathieu",
    "Sara",
    "Jean",
    "Pascal",
    "Alex",
    "Marie",
    "Louis",
    "Chloé",
    "Hugo",
    "Inès",
    "Paul",
    "Zoé",
    "Omar",
    "Yara",
    "Kenji",
    "Ana",
    "Lars",
]
LAST = [
    "Rochant",
    "Drucker",
    "Berger",
    "Breton",
    "Giraudeau",
    "Kassovitz",
    "Durand",
    "Martin",
    "Bernard",
    "Dubois",
    "Moreau",
    "Laurent",
    "Simon",
    "Michel",
    "Lefèvre",
    "Garcia",
    "Nakamura",
    "Okafor",
    "Silva",
    "Novak",
]
WORDS = [
    "Bureau",
    "Spiral",
    "Dream",
    "Future",
    "Paris",
    "Queen",
    "Night",
    "River",
    "Shadow",
    "Legend",
    "Garden",
    "Winter",
    "Signal",
    "Harbour",
    "Empire",
    "Storm",
    "Letters",
    "Code",
]
GENRES = [
    "Drama",
    "Thriller",
    "Comedy",
    "Documentary",
    "Crime",
    "Animation",
    "Romance",
    "Science Fiction",
    "History",
    "Horror",
    "Family",
    "War",
    "Western",
    "Musical",
]


def _skewed(rng: random.Random, n: int) -> int:
    """An index in [0, n) where low indexes are much more likely (prolific hubs)."""
    return min(n - 1, int(n * rng.random() ** 2.5))


def listings(
    count: int, seed: int = 7, people: int | None = None, companies: int | None = None
) -> Iterator[dict]:
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


# --- one command for synthetic data at any size ------------------------------------------

# Credits (relationships a load writes) per title.basics row of benchmarks/synthetic_imdb.py,
# episodes loaded: 30,000 titles (seed 11) parsed into 289,180 credits.
CREDITS_PER_TITLE = 9.6
FORMATS = ("imdb", "ours")


def titles_for(credits: int) -> int:
    """Rows of title.basics that make about `credits` credits."""
    return max(1, round(credits / CREDITS_PER_TITLE))


def generate(
    folder: Path, credits: int, fmt: str = "imdb", seed: int = 7, compress: bool = False
) -> Path:
    """About `credits` credits with IMDb's shapes (benchmarks/synthetic_imdb.py: heavy-tailed
    careers, companies... series, seasons and episodes, namesakes, alternate titles), in
    IMDb's six files or as our JSON Lines (`listings.jsonl`): the same titles read by the
    IMDb loader's parser and written one listing a line, plus what IMDb's files lack:
    production companies, a few very large and many small. Returns what to load (the
    folder, or the JSON Lines file)."""
    from benchmarks.synthetic_imdb import generate as generate_imdb

    if fmt not in FORMATS:
        raise ValueError(f"unknown format {fmt!r}: choose one of {', '.join(FORMATS)}")
    if fmt == "imdb":
        generate_imdb(folder, titles_for(credits), seed, compress)
        return folder
    import tempfile

    folder.mkdir(parents=True, exist_ok=True)
    target = folder / "listings.jsonl"
    with tempfile.TemporaryDirectory(prefix=".imdb-", dir=folder) as imdb:
        generate_imdb(Path(imdb), titles_for(credits), seed)
        with target.open("w", encoding="utf-8") as out:
            for listing in imdb_listings(Path(imdb), seed, titles_for(credits) // 20):
                out.write(json.dumps(listing, ensure_ascii=False, sort_keys=True) + "\n")
    return target


def imdb_listings(folder: Path, seed: int, companies: int) -> Iterator[dict]:
    """IMDb's files as our listings, streamed (episodes included), each made by one or two
    companies drawn with a skew (company sizes heavy-tailed, as careers are)."""
    from screengraph.loaders.formats import read_records
    from screengraph.loaders.identity import Claims
    from screengraph.loaders.sources import read_all

    rng = random.Random(seed)
    claims = Claims()
    for source in read_all([str(folder)], None, True):
        for record in read_records(source, None, claims):
            if record.listing is None:
                continue
            listing = record.listing.model_dump(mode="json", exclude_defaults=True)
            listing["companies"] = sorted(
                {
                    f"{WORDS[i % len(WORDS)]} Pictures {i}"
                    for i in (_skewed(rng, max(10, companies)) for _ in range(rng.randint(1, 2)))
                }
            )
            yield listing


def main() -> None:
    import argparse

    parser = argparse.ArgumentParser(
        description="Synthetic catalogue data, seeded and deterministic, at any size."
    )
    parser.add_argument("out_dir", type=Path)
    parser.add_argument(
        "--credits", type=float, default=1e4, help="About how many credits (1e4 ... 1e7)."
    )
    parser.add_argument(
        "--format",
        choices=FORMATS,
        default="imdb",
        help="IMDb's six dataset files, or our JSON Lines.",
    )
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--gzip", action="store_true", help="IMDb's files as .tsv.gz.")
    args = parser.parse_args()
    if args.credits < 1:
        parser.error("--credits must be at least 1")
    made = generate(args.out_dir, int(args.credits), args.format, args.seed, args.gzip)
    print(
        f"{made}: about {int(args.credits):,} credits "
        f"({titles_for(int(args.credits)):,} titles, {args.format})"
    )


if __name__ == "__main__":
    main()
