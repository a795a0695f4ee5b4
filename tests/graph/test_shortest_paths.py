"""The embedded search's choices that answers do not show: which end of a step is read."""

from __future__ import annotations

from screengraph.graph.shortest_paths import read_from_fewer


def test_each_step_is_read_from_its_end_with_fewer_relationships():
    """From a person with 3,000 credits to one of their shows, the show's dozen
    relationships are read rather than the person's 3,000 (a tie keeps the path's order)."""
    degrees = {1: 3000, 2: 12, 3: 12, 4: 1}
    pairs = [(1, 2), (2, 1), (2, 3), (3, 4)]
    assert read_from_fewer(pairs, degrees.__getitem__) == [(2, 1), (2, 1), (2, 3), (4, 3)]
