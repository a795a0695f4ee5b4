"""Pages of a graph loaded from IMDb-format files (generated, never IMDb's own), checked
against an independent reading of the files (both backends): every namesake's page says
who they are, distinctly, and every series page lists its episodes as title.episode does."""

from __future__ import annotations

import csv
from collections import defaultdict
from pathlib import Path

import pytest

from benchmarks.synthetic_imdb import generate
from screengraph.loaders.pipeline import Loader
from screengraph.loaders.sources import read_all
from tests.webapp.conftest import make_app

TITLES = 300


def rows(folder: Path, table: str) -> list[dict]:
    with open(folder / f"{table}.tsv", encoding="utf-8", newline="") as file:
        return list(csv.DictReader(file, delimiter="\t", quoting=csv.QUOTE_NONE))


@pytest.fixture
def imdb(backend, tmp_path):
    folder = tmp_path / "imdb"
    generate(folder, TITLES, seed=11)
    summary = Loader(backend).load(read_all([str(folder)], None, True))
    assert summary.rejected == 0
    return make_app(backend).test_client(), folder


def test_pages_of_imdb_files_tell_namesakes_apart_and_list_episodes_as_the_files_do(imdb):
    """One load per backend (300 titles), both checks."""
    client, folder = imdb
    every_namesake_page_says_distinctly_who_it_is(client, folder)
    every_series_page_lists_its_episodes_as_title_episode_does(client, folder)


def every_namesake_page_says_distinctly_who_it_is(client, folder: Path) -> None:
    by_name: dict[str, list[str]] = defaultdict(list)
    for person in rows(folder, "name.basics"):
        by_name[person["primaryName"]].append(person["nconst"])
    groups = 0
    for name, nconsts in sorted(by_name.items()):
        if len(nconsts) < 2:
            continue
        pages = [client.get(f"/person/{nconst}.json") for nconst in nconsts]
        shown = [page.get_json()["entity"] for page in pages if page.status_code == 200]
        if len(shown) < 2:
            continue  # a namesake credited on nothing loaded has no page
        groups += 1
        displays = [entity["display"] for entity in shown]
        assert len(set(displays)) == len(displays), (name, displays)
        assert all(d.startswith(f"{name} (") for d in displays), displays
    assert groups >= 2  # the generator makes namesakes


def every_series_page_lists_its_episodes_as_title_episode_does(client, folder: Path) -> None:
    expected: dict[str, dict] = defaultdict(lambda: defaultdict(list))
    for row in rows(folder, "title.episode"):
        season = None if row["seasonNumber"] == r"\N" else int(row["seasonNumber"])
        number = None if row["episodeNumber"] == r"\N" else int(row["episodeNumber"])
        expected[row["parentTconst"]][season].append(number)
    assert expected
    for parent, seasons in sorted(expected.items()):
        page = client.get(f"/show/{parent}.json")
        assert page.status_code == 200, parent
        listed = {
            season["season"]: [e["episode"] for e in season["episodes"]]
            for season in page.get_json()["detail"]["episodes"]["seasons"]
        }
        want = {
            season: sorted(numbers, key=lambda n: (n is None, n or 0))
            for season, numbers in seasons.items()
        }
        assert listed == want, parent
        order = list(listed)
        assert order == sorted(order, key=lambda s: (s is None, s or 0)), parent
