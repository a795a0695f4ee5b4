"""The key rules both loaders and queries rely on."""

from collections import Counter

import pytest

from graph.keys import best_spelling, normalize_name, parse_show_title, person_key, show_key


@pytest.mark.parametrize("spelling", ["Léa Drucker", "Lea Drucker", "LÉA  DRUCKER", "lea-drucker",
                                      " Léa\u00a0Drucker "])
def test_spellings_of_one_person_share_a_key(spelling):
    assert person_key(spelling) == "lea-drucker"


def test_apostrophes_vanish():
    assert normalize_name("O’Brien") == normalize_name("O'Brien") == normalize_name("OBrien")


def test_seasons_record_their_series_and_number():
    parsed = parse_show_title("Spiral - Season 7")
    assert (parsed.series, parsed.season) == ("Spiral", 7)
    assert show_key("Spiral - Season 7") == show_key("Spiral (Saison 7)") == "spiral-season-7"
    assert parse_show_title("Paris 1900, the City of Lights").season is None


def test_remakes_get_different_keys_and_numeric_titles_stay_text():
    assert show_key("King Kong", 1933) != show_key("King Kong", 1976)
    assert show_key("King Kong") == "king-kong"
    assert show_key("1941") == "1941" and show_key("300", 2006) == "300--2006"


def test_best_spelling_is_the_most_attested_then_the_richest():
    assert best_spelling(Counter({"Lea Drucker": 3, "Léa Drucker": 1})) == "Lea Drucker"
    assert best_spelling(Counter({"LEA DRUCKER": 1, "Lea Drucker": 1, "Léa Drucker": 1})) == "Léa Drucker"
