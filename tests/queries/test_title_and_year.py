"""`Title (year)` parsing: the same answers as the plain pattern, in linear time."""

from __future__ import annotations

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from screengraph.queries.search import title_and_year

# The straightforward pattern (quadratic on runs of separators): the reference on short texts.
REFERENCE = re.compile(r"^(?P<title>.+?)[\s,]*\(?(?P<year>1[89]\d\d|2[01]\d\d)\)?$")


def reference(text: str) -> tuple[str, int] | None:
    found = REFERENCE.match(text)
    return (found.group("title"), int(found.group("year"))) if found else None


@pytest.mark.parametrize(
    "text, expected",
    [
        ("King Kong (1933)", ("King Kong", 1933)),
        ("King Kong 1933", ("King Kong", 1933)),
        ("King Kong, 1933", ("King Kong", 1933)),
        ("King Kong ,, (1933", ("King Kong", 1933)),
        ("1984 2024", ("1984", 2024)),
        (" 1999", (" ", 1999)),
        ("King Kong", None),
        ("1933", None),
    ],
)
def test_examples(text, expected):
    assert title_and_year(text) == reference(text) == expected


@settings(max_examples=3000, deadline=None)
@given(st.text(alphabet=" ,\t\n()ab1289\u00a0", max_size=16))
def test_same_answers_as_the_reference(text):
    assert title_and_year(text) == reference(text)


@settings(max_examples=300, deadline=None)
@given(
    st.lists(
        st.sampled_from(["a", "King", " ", ",", "  ,, ", "(", ")", "1933", "2019)", "\n"]),
        max_size=12,
    )
)
def test_same_answers_on_title_like_texts(parts):
    text = "".join(parts)
    assert title_and_year(text) == reference(text)


@pytest.mark.timeout(10)
@pytest.mark.parametrize("run", [",", " ", ", ", "\t,", "1999"])
def test_long_runs_of_separators_finish(run):
    """The reference takes minutes on these; each must answer well within the timeout."""
    body = run * (200_000 // len(run))
    assert title_and_year(f"a{body}b") is None
    assert title_and_year(f"a{body}b (2001)") == (f"a{body}b", 2001)
    assert title_and_year(f"{body}x") is None
