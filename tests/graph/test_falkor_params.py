"""Parameters reach FalkorDB intact, whichever serialisation path they take."""

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from screengraph.graph.errors import BadParameter

scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-(2**53), 2**53),
    # FalkorDB cannot take NUL in a parameter at all (its client neither):
    # the loaders strip control characters before they get here.
    st.text(st.characters(blacklist_characters="\x00", blacklist_categories=("Cs",)), max_size=20),
    st.sampled_from(
        [
            "a\\b",
            'q"q',
            "l1\nl2",
            "t\tx",
            "\\u00e9",
            "é",
            "\x07bell",
            "back\\",
            "x\ry",
            'a":b',
            ',"k":1',
            '{"k":',
        ]
    ),
)
values = st.recursive(
    scalars,
    lambda children: st.one_of(
        st.lists(children, max_size=4),
        st.dictionaries(
            st.one_of(
                st.from_regex(r"[a-z_][a-z0-9_]{0,8}", fullmatch=True),
                st.sampled_from(["odd key", "k-1", "1k", "é"]),
            ),
            children,
            max_size=4,
        ),
    ),
    max_leaves=20,
)


@settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(values)
def test_parameters_round_trip_through_falkordb(embedded, value):
    assert embedded.run_read("RETURN $value AS v", {"value": value}).value() == value


def _nested(depth):
    value = 1
    for _ in range(depth):
        value = [value]
    return value


@pytest.mark.parametrize(
    "value,reason",
    [
        ({"k`x": 1}, "map key"),
        ({"": 1}, "map key"),
        (["\ud800"], "lone surrogate"),
        ({"k": "a\udfffb"}, "lone surrogate"),
        (_nested(3000), "too deeply"),
    ],
    ids=["backtick-key", "empty-key", "surrogate", "surrogate-in-map", "deep"],
)
def test_values_falkordb_cannot_take_are_a_clear_error_on_every_path(embedded, value, reason):
    # Canned queries and loaders reach with_parameters without the ad-hoc vetting.
    with pytest.raises(BadParameter, match=reason):
        embedded.run_read("RETURN $value AS v", {"value": value})
    assert embedded.run_read("RETURN 1 AS one").value() == 1
