"""Write sizes under a time budget (loaders/pacing.py): what fits, grown gently, cut at once."""

from __future__ import annotations

from loaders.pacing import Pace, pace_for


def test_with_a_budget_the_next_write_holds_what_fits_in_it():
    pace = Pace(500, budget_s=0.1, first=50)
    assert pace.size == 50
    pace.took(50, 0.010)   # 0.2 ms a listing: 300 would fit, but grow at most twofold
    assert pace.size == 100
    pace.took(100, 0.020)
    assert pace.size == 200
    pace.took(200, 0.040)
    assert pace.size == 300  # 0.6 of the budget, at 0.2 ms a listing
    pace.took(300, 0.600)    # a slow write (2 ms a listing): cut at once
    assert pace.size < 60


def test_without_a_budget_sizes_stay_as_asked():
    pace = Pace(500, budget_s=None, first=50)
    pace.took(500, 5.0)
    assert pace.size == 500


def test_parts_cover_every_item_once_in_order():
    pace = Pace(7, budget_s=0.1, first=3)
    written: list[list[int]] = []
    pace.in_parts(list(range(40)), lambda part: written.append(list(part)))
    assert [item for part in written for item in part] == list(range(40))
    assert all(len(part) <= 7 for part in written)


def test_only_a_backend_whose_reads_wait_for_writes_gets_a_budget(backend):
    pace = pace_for(backend, 500, first=50)
    assert (pace.budget_s is not None) == backend.reads_wait_for_writes
