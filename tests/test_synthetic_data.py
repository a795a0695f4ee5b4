"""`python -m benchmarks.synthetic`: the same seed makes the same bytes, and the data has
the shapes real catalogues have (benchmarks measured on it would flatter us otherwise)."""

from __future__ import annotations

import gzip
import json
import statistics
from collections import Counter
from pathlib import Path

import pytest

from benchmarks.synthetic import CREDITS_PER_TITLE, generate, titles_for
from benchmarks.synthetic_imdb import MAX_TITLES
from benchmarks.synthetic_imdb import generate as generate_imdb

CREDITS = 10_000


def _tree(folder: Path) -> dict[str, bytes]:
    return {
        p.relative_to(folder).as_posix(): p.read_bytes()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


def _rows(folder: Path, table: str) -> list[list[str]]:
    path = folder / f"{table}.tsv.gz"
    with gzip.open(path, "rt", encoding="utf-8") as text:
        return [line.rstrip("\n").split("\t") for line in text][1:]


@pytest.mark.parametrize("fmt", ["imdb", "ours"])
def test_one_seed_makes_the_same_bytes_twice_and_another_seed_other_data(tmp_path, fmt):
    for name, seed in (("one", 5), ("two", 5), ("three", 6)):
        generate(tmp_path / name, CREDITS, fmt, seed=seed, compress=True)
    one, two, three = (_tree(tmp_path / name) for name in ("one", "two", "three"))
    assert one and one == two
    assert one != three


def test_imdb_files_have_real_shapes(tmp_path):
    folder = generate(tmp_path / "imdb", CREDITS, "imdb", seed=7, compress=True)
    principals = _rows(folder, "title.principals")
    careers = sorted(Counter(row[2] for row in principals).values())
    # heavy tail: the busiest person is credited far more often than the typical one
    assert careers[-1] >= 20 * statistics.median(careers)
    assert sum(1 for c in careers if c == 1) > len(careers) // 5  # many one-off careers
    names = Counter(row[1] for row in _rows(folder, "name.basics"))
    assert sum(1 for count in names.values() if count > 1) >= 3  # namesakes: own ids
    basics = {row[0]: row[1] for row in _rows(folder, "title.basics")}
    episodes = _rows(folder, "title.episode")
    assert {basics[parent] for _, parent, _, _ in episodes} <= {"tvSeries", "tvMiniSeries"}
    assert max(int(season) for _, _, season, _ in episodes if season != r"\N") >= 3
    akas = Counter(row[0] for row in _rows(folder, "title.akas"))
    assert max(akas.values()) >= 4  # alternate titles in several regions
    assert titles_for(CREDITS) == len(basics)


def test_our_format_holds_the_same_shapes_and_skewed_companies(tmp_path):
    path = generate(tmp_path / "ours", CREDITS, "ours", seed=7)
    listings = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]
    credits = sum(len(listing.get("credits", [])) for listing in listings)
    assert 0.7 * CREDITS <= credits <= 1.3 * CREDITS  # CREDITS_PER_TITLE holds
    companies = sorted(Counter(c for listing in listings for c in listing["companies"]).values())
    assert companies[-1] >= 10 * statistics.median(companies)
    assert any(listing.get("episode_of") for listing in listings)
    assert any(listing.get("alternate_titles") for listing in listings)
    people = {}
    for listing in listings:
        for credit in listing.get("credits", []):
            people.setdefault(credit["name"], set()).update(credit.get("ids", []))
    assert sum(1 for ids in people.values() if len(ids) > 1) >= 3  # namesakes


def test_a_size_past_what_keeps_imdb_order_is_refused(tmp_path):
    with pytest.raises(ValueError, match="several folders"):
        generate_imdb(tmp_path / "too-big", MAX_TITLES + 1)
    assert CREDITS_PER_TITLE > 1
