"""The settled path (loaders/model.py `settled_listing`) gives exactly what the model's
validation gives: the same listing when it vouches for one, and nothing when the model
would repair or refuse a value (then the model validates it, in its own words)."""

from __future__ import annotations

import copy
import json
import pickle

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from pydantic import BaseModel, ValidationError

from benchmarks.synthetic_imdb import generate
from screengraph.loaders import imdb_format
from screengraph.loaders.imdb_files import ImdbDataset, table_of
from screengraph.loaders.model import (
    IDENTIFIERS_MAX,
    NAME_MAX_LENGTH,
    NAMES_MAX,
    SETTLED_FIELDS,
    CompanyRef,
    Credit,
    Listing,
    SeriesRef,
    settled_listing,
)
from screengraph.loaders.plan import content_hash

# Text the model keeps, repairs or refuses: clean names, spacing to clean, invisible and
# control characters, lone surrogates, names of punctuation only, accents and letters
# that only Unicode folding keeps, IMDb's `\N`, the limits and one past them.
TRICKY_TEXT = [
    "Indiana Jones",
    "Léa Drucker",
    "ǅemal",
    "Ø",
    "ı",
    "١٩٨٤",
    "e\u0301",
    "\u0301",
    "?!",
    "—",
    "_",
    "'",
    "",
    " ",
    " lead",
    "trail ",
    "two  spaces",
    "tab\there",
    "line\nbreak",
    "nbsp\u00a0here",
    "zero\u200bwidth",
    "NUL\x00",
    "\ud800",
    "half \udfff pair",
    "\\N",
    "x" * NAME_MAX_LENGTH,
    "x" * (NAME_MAX_LENGTH + 1),
    "A\u2028B",
    "\ufeffBOM",
]
GOOD_TEXT = ["Indiana Jones", "Léa Drucker", "ǅemal", "Ø", "١٩٨٤", "e\u0301", "x" * 500]


def mostly(good: st.SearchStrategy, tricky: st.SearchStrategy) -> st.SearchStrategy:
    """Good values 24 times in 25: a listing settles only if all of its values do, so a
    listing has a tricky value or two among good ones (each check is tried on its own)."""
    return st.sampled_from(range(25)).flatmap(lambda draw: good if draw else tricky)


texts = mostly(
    st.one_of(
        st.sampled_from(GOOD_TEXT),
        st.from_regex(r"[A-Zaéı'.-]{0,3}[bø]( [Abé]{1,3})?", fullmatch=True),
    ),
    st.one_of(st.sampled_from(TRICKY_TEXT), st.text(max_size=12)),
)
numbers = mostly(
    st.one_of(st.none(), st.integers(1870, 2100)),
    st.one_of(
        st.sampled_from([0, 1, 1869, 2101, -1, 1_000_000, 1_000_001, True, False]),
        st.integers(-5, 3000),
        st.sampled_from(["1999", " 2001 ", "", "\\N", 1999.0, 1999.5, [1999]]),
    ),
)
names = mostly(texts, st.sampled_from([None, 7, ["nested"]]))
name_lists = mostly(
    st.lists(texts, max_size=3),
    st.one_of(texts, st.sampled_from([None, [None], [3], ["a"] * (NAMES_MAX + 1), {"a": 1}])),
)


def identifiers(kind: str) -> st.SearchStrategy:
    good = st.builds(lambda n: f"imdb:{kind}{n:07d}", st.integers(0, 10**8))
    tricky = st.sampled_from(
        [
            f"{kind}0000229",  # bare: the model writes it `imdb:...`
            f"IMDB:{kind}0000229",
            f" imdb:{kind}0000229",
            f"imdb: {kind}0000229",
            f"imdb:{kind}00002",
            f"imdb:{kind}\u0661\u0662\u0663\u0664\u0665\u0666\u0667",
            "tmdb:person/488",
            "tmdb:movie/85",
            "tmdb:company/4",
            "wikidata:Q42",
            "imdb:co0023400",
            "nope",
            "",
            5,
        ]
    )
    return mostly(
        st.lists(good, max_size=3, unique=True),
        st.one_of(
            st.lists(st.one_of(good, tricky), max_size=4),
            st.lists(good, min_size=IDENTIFIERS_MAX, max_size=IDENTIFIERS_MAX + 1),
            st.just([f"imdb:{kind}0000229"] * 2),
            tricky,
        ),
    )


categories = mostly(
    st.sampled_from(
        ["actor", "actress", "self", "director", "executive producer", "archive_footage"]
    ),
    st.one_of(
        st.sampled_from(["Actor", "production-designer", " writer ", "", "\x00", "\ud800"]),
        texts,
    ),
)
kinds = mostly(
    st.sampled_from(["movie", "tvSeries", "tvMiniSeries", "tvEpisode", "short", None]),
    st.one_of(st.sampled_from(["-", "", "x" * 501]), texts),
)


def optional(fields: dict) -> st.SearchStrategy:
    """Each field present or absent (required ones drawn apart)."""
    return st.fixed_dictionaries({}, optional=fields)


credits = st.builds(
    lambda required, rest: {**required, **rest},
    st.fixed_dictionaries({"name": names, "category": categories}),
    optional(
        {
            "job": st.one_of(st.none(), texts),
            "characters": name_lists,
            "order": numbers,
            "ids": identifiers("nm"),
            "birth_year": numbers,
            "death_year": numbers,
            "professions": name_lists,
            "known_for": identifiers("tt"),
        }
    ),
)
series = optional({"title": names, "year": numbers, "ids": identifiers("tt")})
# What IMDb's parser gives, and (one listing in four) fields it never gives.
imdb_fields = optional(
    {
        "year": numbers,
        "end_year": numbers,
        "runtime_minutes": numbers,
        "original_title": st.one_of(st.none(), texts),
        "kind": kinds,
        "genres": name_lists,
        "ids": identifiers("tt"),
        "alternate_titles": name_lists,
        "credits": mostly(st.lists(credits, max_size=4), st.just({})),
        "episode_of": mostly(st.one_of(st.none(), series), st.just("series")),
        "season_number": numbers,
        "episode_number": numbers,
    }
)
other_fields = optional(
    {
        "country": st.one_of(st.none(), texts),
        "synopsis": st.one_of(st.none(), texts),
        "source_url": st.sampled_from([None, "https://example.org/a"]),
        "extra": st.sampled_from([{}, {"Episodes": 3}]),
        "identified_companies": st.sampled_from(
            [[], [{"name": "Gaumont", "ids": ["tmdb:company/4"]}], [{"name": "?"}]]
        ),
        "people": st.one_of(st.none(), name_lists),
        "cast": name_lists,
        "episodes": st.just(10),
    }
)
listings = st.builds(
    lambda required, imdb, other: {**required, **imdb, **other},
    st.fixed_dictionaries({"title": names}),
    imdb_fields,
    mostly(st.just({}), other_fields),
)

WELL_FORMED = {
    "title": "Le Bureau des légendes",
    "year": 2015,
    "end_year": 2020,
    "runtime_minutes": 52,
    "original_title": None,
    "kind": "tvSeries",
    "genres": ["Drama", "Thriller"],
    "ids": ["imdb:tt3958062"],
    "alternate_titles": ["The Bureau"],
    "credits": [
        {
            "name": "Mathieu Kassovitz",
            "category": "actor",
            "job": None,
            "characters": ["Guillaume Debailly"],
            "order": 1,
            "ids": ["imdb:nm0440913"],
            "birth_year": 1967,
            "death_year": None,
            "professions": ["actor", "director"],
            "known_for": ["imdb:tt0113247", "imdb:tt3958062"],
        },
        {"name": "Éric Rochant", "category": "director"},
    ],
    "episode_of": {"title": "Le Bureau", "year": None, "ids": ["imdb:tt0000001"]},
    "season_number": 1,
    "episode_number": None,
}


def _fields_set(model: BaseModel) -> list:
    """Which fields each model (nested ones too) was given: pickles and dumps keep them."""
    found = [(type(model).__name__, sorted(model.model_fields_set))]
    for value in model.__dict__.values():
        for item in value if isinstance(value, list) else [value]:
            if isinstance(item, BaseModel):
                found += _fields_set(item)
    return found


def assert_settled_as_validated(data: object) -> Listing | None:
    settled = settled_listing(copy.deepcopy(data))
    try:
        validated = Listing.model_validate(copy.deepcopy(data))
    except ValidationError:
        assert settled is None, "the settled path accepted a listing the model refuses"
        return None
    if settled is not None:
        assert json.dumps(settled.model_dump()) == json.dumps(validated.model_dump())  # order too
        assert settled == validated
        assert _fields_set(settled) == _fields_set(validated)
        assert settled.__getstate__() == validated.__getstate__()  # pydantic's own state
        assert content_hash(settled) == content_hash(validated)
        assert pickle.loads(pickle.dumps(settled)) == validated
    return settled


@settings(max_examples=600, suppress_health_check=[HealthCheck.too_slow], deadline=None)
@given(listings)
@example(WELL_FORMED)
def test_a_settled_listing_is_the_listing_the_model_validates(data):
    assert_settled_as_validated(data)


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("title", "  The Bureau"),
        ("title", "?!"),
        ("title", "\ud800"),
        ("year", "2015"),
        ("year", 1869),
        ("year", True),
        ("kind", "x" * (NAME_MAX_LENGTH + 1)),
        ("genres", "Drama"),
        ("ids", ["tt3958062"]),
        ("ids", ["imdb:tt3958062", "imdb:tt3958062"]),
        ("synopsis", "A spy."),
        ("extra", {"Episodes": 3}),
        ("episodes", 3),
    ],
)
def test_what_the_model_would_change_or_refuse_is_left_to_it(field, value):
    assert settled_listing(WELL_FORMED) is not None
    assert settled_listing({**WELL_FORMED, field: value}) is None


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("name", "NUL\x00"),
        ("name", "x" * (NAME_MAX_LENGTH + 1)),
        ("category", "\ud800"),
        ("job", ""),
        ("characters", '["Indiana Jones"]'),
        ("characters", ["—"]),
        ("order", -1),
        ("order", True),
        ("birth_year", 0),
        ("known_for", ["imdb:nm0000229"]),
        ("ids", [f"imdb:nm{n:07d}" for n in range(IDENTIFIERS_MAX + 1)]),
    ],
)
def test_a_credit_the_model_would_change_or_refuse_is_left_to_it(field, value):
    credit = {**WELL_FORMED["credits"][0], field: value}
    assert settled_listing({**WELL_FORMED, "credits": [credit]}) is None


def test_kinds_and_categories_are_settled_by_the_models_own_validators():
    listing = assert_settled_as_validated(
        {**WELL_FORMED, "kind": "tvMiniSeries", "credits": [{"name": "A", "category": "Actor"}]}
    )
    assert listing is not None
    assert (listing.kind, listing.credits[0].category) == ("tv mini series", "actor")


def test_every_field_of_every_model_has_its_settled_form():
    """A field added to a model without its settled form would leave every listing that
    has it to the model (correct, but slow): this says so at once."""
    for model in (Listing, Credit, SeriesRef, CompanyRef):
        assert list(SETTLED_FIELDS[model]) == list(model.model_fields), model.__name__


def _records(folder, monkeypatch, settled: bool) -> list:
    if not settled:
        monkeypatch.setattr(imdb_format, "settled_listing", lambda data: None)
    files = {table_of(path): str(path) for path in sorted(folder.iterdir()) if table_of(path)}
    found = []
    for record in imdb_format.parse_imdb(ImdbDataset(files, episodes=True)):
        listing = record.listing
        found.append(
            (
                record.ref.model_dump(),
                record.error,
                record.warnings,
                listing and listing.model_dump(),
                listing and _fields_set(listing),
                listing and content_hash(listing),
            )
        )
    monkeypatch.undo()
    return found


def test_imdb_files_read_the_same_with_the_settled_path_as_without(tmp_path, monkeypatch):
    """Synthetic IMDb files, with a malformed line and values the model refuses or
    repairs on their own lines: the same records, rejects and warnings, in order."""
    generate(tmp_path, 300, seed=3, malformed=True)
    principals = tmp_path / "title.principals.tsv"
    lines = principals.read_text(encoding="utf-8").splitlines()
    tconst, nconst = lines[5].split("\t")[0], lines[5].split("\t")[2]
    lines[6:6] = [
        f'{tconst}\t91\t{nconst}\tactor\t\\N\t["?!"]',
        f'{tconst}\t92\t{nconst}\tArchive_Footage\t\\N\t["  Two  spaces "]',
        f'{tconst}\t93\t{nconst}\tself\t\\N\t["\u00a0"]',
    ]
    principals.write_text("\n".join(lines) + "\n", encoding="utf-8")
    reference = _records(tmp_path, monkeypatch, settled=False)
    assert _records(tmp_path, monkeypatch, settled=True) == reference
    assert any(error for _, error, *_ in reference)
    assert sum(1 for *_, listing, _, _ in reference if listing) > 250
