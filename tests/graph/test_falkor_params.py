"""Parameters reach FalkorDB intact, whichever serialisation path they take."""

from hypothesis import HealthCheck, given, settings, strategies as st

scalars = st.one_of(st.none(), st.booleans(), st.integers(-2**53, 2**53),
                    # FalkorDB cannot take NUL in a parameter at all (its client neither):
                    # the loaders strip control characters before they get here.
                    st.text(st.characters(blacklist_characters="\x00", blacklist_categories=("Cs",)),
                            max_size=20), st.sampled_from(["a\\b", 'q"q', "l1\nl2", "t\tx", "\\u00e9",
                                                           "é", "\x07bell", "back\\", "x\ry",
                                                           'a":b', ',"k":1', '{"k":']))
values = st.recursive(scalars, lambda children: st.one_of(
    st.lists(children, max_size=4),
    st.dictionaries(st.one_of(st.from_regex(r"[a-z_][a-z0-9_]{0,8}", fullmatch=True),
                              st.sampled_from(["odd key", "k-1", "1k", "é"])), children, max_size=4)),
    max_leaves=20)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(values)
def test_parameters_round_trip_through_falkordb(embedded, value):
    assert embedded.run_read("RETURN $value AS v", {"value": value}).value() == value
