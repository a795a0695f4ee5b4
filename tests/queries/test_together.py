"""Several read queries in one round trip (queries/together.py), on both backends."""

from __future__ import annotations

import pytest

from screengraph.queries.together import Part, read_together
from tests.webapp.round_trips import counting


def test_parts_keep_their_own_parameters_rows_and_order_in_one_trip(seeded):
    people = "MATCH (p:Person) WHERE p.name STARTS WITH $start RETURN p.key AS key ORDER BY key"
    parts = {
        "e": Part(people, ("key",), {"start": "E"}),
        "a": Part(people, ("key",), {"start": "A"}),
        "none": Part("MATCH (s:Show {key: $start}) RETURN s AS show", ("show",), {"start": "x"}),
        "count": Part(
            "MATCH (s:Show {key: $key})-[r]-() RETURN count(r) AS edges, s.title AS `order`",
            ("edges", "order"),
            {"key": "the-bureau"},
        ),
    }
    with counting(seeded) as asked:
        found = read_together(seeded, parts)
    assert len(asked) == 1
    assert found["e"] == [{"key": "eric-rochant"}]
    assert [row["key"] for row in found["a"]] == sorted(row["key"] for row in found["a"])
    assert found["a"] and all(row["key"].startswith("a") for row in found["a"])
    assert found["none"] == []
    assert found["count"][0]["order"] == "The Bureau" and found["count"][0]["edges"] > 5


def test_a_column_that_is_no_plain_name_is_refused_with_what_to_do():
    with pytest.raises(ValueError, match="alias them in the query"):
        Part("MATCH (n) RETURN count(n)", ("count(n)",))
