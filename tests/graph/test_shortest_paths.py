"""The embedded search's choices that answers do not show: which end of a step is read,
how a frontier's rows are read."""

from __future__ import annotations

import pytest

from screengraph.graph.errors import QueryError
from screengraph.graph.shortest_paths import read_from_fewer


def test_each_step_is_read_from_its_end_with_fewer_relationships():
    """From a person with 3,000 credits to one of their shows, the show's dozen
    relationships are read rather than the person's 3,000 (a tie keeps the path's order)."""
    degrees = {1: 3000, 2: 12, 3: 12, 4: 1}
    pairs = [(1, 2), (2, 1), (2, 3), (3, 4)]
    assert read_from_fewer(pairs, degrees.__getitem__) == [(2, 1), (2, 1), (2, 3), (4, 3)]


def test_integer_rows_come_back_as_integers_on_every_engine(backend):
    rows = backend.int_rows("UNWIND range(1, $n) AS i RETURN i, i * 2", {"n": 3})
    assert rows == [[1, 2], [2, 4], [3, 6]]
    assert all(type(value) is int for row in rows for value in row)


def test_the_embedded_reader_of_integer_rows_refuses_other_values(embedded):
    """The compact reply is read as it comes: a text column would be read as garbage."""
    with pytest.raises(QueryError, match="int_rows reads integer columns only"):
        embedded.int_rows("RETURN 1, 'one'")
