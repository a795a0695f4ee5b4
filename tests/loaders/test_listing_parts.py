"""A listing taken apart to cross between processes (loaders/bulk_read.py) is put
together again as the same listing: values, nested models, which fields were given."""

from __future__ import annotations

import json
import pickle

from pydantic import BaseModel

from screengraph.loaders.model import Listing, listing_from_parts, listing_parts

RICH = {
    "title": "Le Bureau des légendes",
    "synopsis": "Spies.\n\nIn Paris.",
    "cast": ["Mathieu Kassovitz"],
    "year": "2015",
    "extra": {"Episodes": 50, "Colour": True, "Languages": ["French", "Arabic"]},
    "ids": ["tt3958062"],
    "kind": "tvSeries",
    "identified_companies": [{"name": "TOP - The Oligarchs Productions"}],
    "episode_of": {"title": "Le Bureau", "ids": ["imdb:tt0000001"]},
    "credits": [
        {"name": "Mathieu Kassovitz", "category": "Actor", "characters": "Malotru"},
        {"name": "Éric Rochant", "category": "director", "ids": ["imdb:nm0733722"], "order": 2},
    ],
    "people": ["Mathieu Kassovitz", "Éric Rochant"],
}


def _state(model: BaseModel) -> list:
    """Each model's pydantic state (its values in order, the fields it was given), nested too."""
    found = [(type(model).__name__, json.dumps(model.model_dump()), model.__getstate__())]
    for value in model.__dict__.values():
        for item in value if isinstance(value, list) else [value]:
            if isinstance(item, BaseModel):
                found += _state(item)
    return found


def test_a_listing_crosses_as_parts_and_comes_back_the_same():
    for data in (RICH, {"title": "Alone"}, {**RICH, "episode_of": None, "credits": []}):
        listing = Listing.model_validate(data)
        parts = pickle.loads(pickle.dumps(listing_parts(listing)))
        again = listing_from_parts(parts)
        assert again == listing
        assert _state(again) == _state(listing)
