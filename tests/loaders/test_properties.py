"""Property-based tests: mangled pages, random records and random text never crash a
parser, every reject says why, every accepted listing is valid and survives a round trip."""

from __future__ import annotations

import json

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from screengraph.loaders.formats import FORMATS, listing_to_json, parse
from screengraph.loaders.model import Listing
from screengraph.loaders.pipeline import Loader
from screengraph.loaders.sources import SourceText
from tests.conftest import SAMPLE_PAGE

SEED_LINES = SAMPLE_PAGE.read_text(encoding="utf-8").splitlines()

junk = st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=40)


def check(records, expected_count=None):
    """What every parser promises, whatever it was given."""
    records = list(records)
    if expected_count is not None:
        assert len(records) == expected_count
    for record in records:
        assert (record.listing is None) == bool(record.error)
        if record.error:
            assert record.error.strip()
        else:
            data = listing_to_json(record.listing)
            assert Listing.model_validate(data) == record.listing
            assert Listing.model_validate_json(json.dumps(data)) == record.listing
        assert all(w.strip() for w in record.warnings)
    return records


@st.composite
def mangled_pages(draw):
    lines = list(SEED_LINES)
    for _ in range(draw(st.integers(0, 8))):
        action = draw(
            st.sampled_from(["delete", "duplicate", "swap", "junk", "commas", "unicode", "spaces"])
        )
        i = draw(st.integers(0, max(0, len(lines) - 1)))
        if action == "delete" and lines:
            del lines[i]
        elif action == "duplicate" and lines:
            lines.insert(i, lines[i])
        elif action == "swap" and len(lines) > 1:
            j = draw(st.integers(0, len(lines) - 1))
            lines[i], lines[j] = lines[j], lines[i]
        elif action == "junk":
            lines.insert(i, draw(junk))
        elif action == "commas" and lines:
            lines[i] = lines[i].replace(",", draw(st.sampled_from([",,", " , ", ",\u00a0", ""])))
        elif action == "unicode" and lines:
            at = draw(st.integers(0, len(lines[i])))
            lines[i] = lines[i][:at] + draw(junk) + lines[i][at:]
        elif action == "spaces" and lines:
            lines[i] = lines[i].replace(" ", draw(st.sampled_from(["  ", "\t", "\u00a0", ""])))
    ending = draw(st.sampled_from(["\n", "\r\n", "\r"]))
    return draw(st.sampled_from(["", "\ufeff"])) + ending.join(lines)


@settings(max_examples=200, deadline=None)
@given(mangled_pages())
def test_mangled_pages_never_crash_and_rejects_say_why(text):
    check(parse(text, "mangled.txt", "page"), expected_count=1)


names = st.lists(st.one_of(junk, st.integers(), st.none()), max_size=4)
values = st.one_of(
    junk,
    st.integers(-5, 3000),
    st.floats(),
    names,
    st.none(),
    st.booleans(),
    st.dictionaries(st.text(max_size=5), st.integers(), max_size=2),
)
records = st.dictionaries(
    st.one_of(
        st.sampled_from(
            [
                "title",
                "year",
                "cast",
                "directors",
                "Director",
                "genres",
                "companies",
                "synopsis",
                "related_shows",
                "people",
                "shows",
                "extra",
                "Episodes",
                "language",
                "Language",
            ]
        ),
        junk,
    ),
    values,
    max_size=8,
)


@settings(max_examples=200, deadline=None)
@given(st.lists(records, min_size=1, max_size=5))
def test_random_json_records_are_accepted_or_rejected_with_a_reason(items):
    lines = [json.dumps(item) for item in items]
    check(parse("\n".join(lines), "random.jsonl", "jsonl"), expected_count=len(items))
    check(parse(json.dumps(items), "random.json", "json"), expected_count=len(items))


@settings(max_examples=150, deadline=None)
@given(st.text(max_size=300), st.sampled_from(FORMATS))
def test_any_text_in_any_format_never_crashes(text, fmt):
    check(parse(text, "random", fmt))


@settings(max_examples=100, deadline=None)
@given(st.lists(st.lists(junk, min_size=0, max_size=5), max_size=5))
def test_random_csv_rows_never_crash(rows):
    text = "title,cast,Episodes,year\n" + "\n".join(
        ",".join('"' + cell.replace('"', '""') + '"' for cell in row) for row in rows
    )
    check(parse(text, "random.csv", "csv"))


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(st.lists(records, min_size=1, max_size=4))
def test_every_valid_random_record_loads(embedded, items):
    embedded.clear()
    text = "\n".join(json.dumps(item) for item in items)
    valid = [r for r in parse(text, "random.jsonl", "jsonl") if r.listing]
    summary = Loader(embedded).load([SourceText("random.jsonl", text)])
    assert summary.loaded + summary.unchanged == len(valid)
    assert summary.rejected == len(items) - len(valid)
    assert all(r.reason for r in summary.rejects)
