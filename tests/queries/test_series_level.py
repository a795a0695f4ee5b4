"""Series, seasons and episodes in collaboration and related content (both backends): an
episode's credits count once, at its series' level; an episode is related to its series
and its season's other episodes; shows that only share a title are not one series."""

from __future__ import annotations

import pytest

from screengraph.queries import explore
from tests.queries.catalogue_graph import load_catalogue

SPIRAL_KEY = "spiral--2005--tt0000100"
PILOT_KEY = "pilot--2005--tt0000101"


@pytest.fixture
def catalogue(backend):
    load_catalogue(backend)
    return backend


def test_four_episodes_together_are_one_shared_show(catalogue):
    (lead,) = [
        p
        for p in explore.collaborators(catalogue, "gregory-fitoussi--nm0000501")
        if p["key"] == "caroline-proust--nm0000500"
    ]
    assert (lead["count"], [s["key"] for s in lead["shows"]]) == (1, [SPIRAL_KEY])
    ranking = explore.collaborator_ranking(catalogue, "caroline-proust--nm0000500")
    assert [(p["key"], p["count"]) for p in ranking] == [("gregory-fitoussi--nm0000501", 1)]


def test_an_episode_is_related_to_its_series_and_its_seasons_other_episodes(catalogue):
    related = {r["key"]: r["explanation"] for r in explore.related_shows(catalogue, PILOT_KEY)}
    assert related[SPIRAL_KEY].startswith("its series")
    assert related["second-body--2005--tt0000102"] == "another episode of Spiral, season 1"
    assert "ripple-effect--2008--tt0000103" not in related  # season 2
    # Through the people its listing names (credits written on the series):
    assert "with Caroline Proust" in related["spiral-season-7--2019"]


def test_related_shows_that_share_a_name_are_told_apart(catalogue):
    related = {
        r["key"]: r["display"]
        for r in explore.related_shows(catalogue, "second-body--2005--tt0000102")
    }
    # Two 2005 episodes are called Pilot: the related one says which.
    assert related[PILOT_KEY] == "Pilot (imdb:tt0000101)"
    assert related[SPIRAL_KEY] == "Spiral"


def test_shows_that_only_share_a_title_are_not_seasons_of_one_series(catalogue):
    # Two episodes called Pilot (of two series) share a title, and so a series key.
    related = {r["key"] for r in explore.related_shows(catalogue, PILOT_KEY)}
    assert "pilot--2005--tt0000201" not in related
    page = explore.show_detail(catalogue, PILOT_KEY)
    assert page["seasons"] == []
    # A season and its series still are.
    season = {
        r["key"]: r["explanation"]
        for r in explore.related_shows(catalogue, "spiral-season-7--2019")
    }
    assert season[SPIRAL_KEY].startswith("another season of Spiral")
