"""Property-based tests: mangled pages and random records never crash the loaders,
every reject has a reason, every valid record loads."""

from __future__ import annotations

import json

from hypothesis import HealthCheck, given, settings, strategies as st

from loaders.formats import parse
from loaders.pipeline import Loader
from loaders.sources import SourceText
from tests.conftest import SAMPLE_PAGE

SEED_LINES = SAMPLE_PAGE.read_text(encoding="utf-8").splitlines()

junk = st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=40)


@st.composite
def mangled_pages(draw):
    lines = list(SEED_LINES)
    for _ in range(draw(st.integers(0, 8))):
        action = draw(st.sampled_from(["delete", "duplicate", "swap", "junk", "commas"]))
        i = draw(st.integers(0, max(0, len(lines) - 1))) if lines else 0
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
    return draw(st.sampled_from(["\n", "\r\n"])).join(lines)


@settings(max_examples=150, deadline=None)
@given(mangled_pages())
def test_mangled_pages_never_crash_and_rejects_say_why(text):
    for record in parse(text, "mangled.txt", "page"):
        assert (record.listing is None) == bool(record.error)
        if record.error:
            assert record.error.strip()


names = st.lists(st.one_of(st.text(max_size=30), st.integers(), st.none()), max_size=4)
records = st.dictionaries(
    st.sampled_from(["title", "year", "cast", "directors", "genres", "companies", "synopsis",
                     "related_shows", "Episodes", "language"]),
    st.one_of(st.text(max_size=30), st.integers(-5, 3000), names, st.none(), st.booleans()),
    max_size=8)


@settings(max_examples=200, deadline=None)
@given(st.lists(records, min_size=1, max_size=5))
def test_random_json_records_are_loaded_or_rejected_with_a_reason(items):
    text = "\n".join(json.dumps(item) for item in items)
    parsed = list(parse(text, "random.jsonl", "jsonl"))
    assert len(parsed) == len(items)
    for record in parsed:
        assert (record.listing is None) == bool(record.error)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(records, min_size=1, max_size=4))
def test_every_valid_random_record_loads(embedded, items):
    embedded.clear()
    text = "\n".join(json.dumps(item) for item in items)
    valid = [r for r in parse(text, "random.jsonl", "jsonl") if r.listing]
    summary = Loader(embedded).load([SourceText("random.jsonl", text)])
    assert summary.loaded + summary.unchanged == len(valid)
    assert summary.rejected == len(items) - len(valid)
    assert all(r.reason for r in summary.rejects)
