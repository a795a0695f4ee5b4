"""Write sizes under a time budget (loaders/pacing.py): what fits, grown gently, cut at once."""

from __future__ import annotations

from screengraph.loaders.pacing import Pace, Paces, pace_for


def test_with_a_budget_the_next_write_holds_what_fits_in_it():
    pace = Pace(500, budget_s=0.1, first=50)
    assert pace.size == 50
    pace.took(50, 0.010)  # 0.2 ms a listing: 300 would fit, but grow at most twofold
    assert pace.size == 100
    pace.took(100, 0.020)
    assert pace.size == 200
    pace.took(200, 0.040)
    assert pace.size == 300  # 0.6 of the budget, at 0.2 ms a listing
    pace.took(300, 0.600)  # a slow write (2 ms a listing): cut at once
    assert pace.size < 60


def _load(
    pace: Pace, listings: int, fixed_s: float, per_listing_s: float
) -> list[tuple[int, float]]:
    """Writes of a load whose every write costs `fixed_s` plus `per_listing_s` a listing:
    (listings, seconds) of each."""
    writes = []
    while listings > 0:
        size = min(pace.size, listings)
        seconds = fixed_s + per_listing_s * size
        pace.took(size, seconds)
        writes.append((size, seconds))
        listings -= size
    return writes


def test_a_write_dearer_than_the_budget_whatever_its_size_is_not_cut_to_nothing():
    """On a busy machine a write's fixed cost (its statement, journal, fsync) can pass the
    aim alone: read as a dear listing, it cut every write again, and a 40,000-listing load
    went down to 21 listings a write. Below half fixed cost a write is not cut: readers
    wait at most twice what no size avoids, and the load writes what it asked."""
    writes = _load(Pace(500, budget_s=0.1, first=50), 40_000, fixed_s=0.08, per_listing_s=1e-4)
    assert len(writes) <= 2 * 40_000 // 500, len(writes)
    assert max(seconds for _, seconds in writes[5:]) <= 2 * 0.08 + 1e-9


def test_a_write_with_a_small_fixed_cost_still_fits_the_budget():
    """A fixed cost under the aim leaves the rest to listings: writes fill the aim (0.6 of
    the budget), not more."""
    writes = _load(Pace(500, budget_s=0.1, first=50), 20_000, fixed_s=0.01, per_listing_s=5e-4)
    assert all(seconds <= 0.06 + 1e-9 for _, seconds in writes[5:])
    assert all(95 <= size <= 100 for size, _ in writes[5:-1])


def test_each_statement_is_sized_from_its_own_cost():
    """A cheap statement's rows say nothing of a dear one's: one shared pace wrote a
    person's degrees 430 rows at a time, sized from a genre's, and took 381 ms."""
    paces = Paces(10_000, budget_s=0.1, first=100)
    paces["cheap"].took(100, 0.005)
    paces["cheap"].took(200, 0.010)
    assert paces["cheap"].size == 400
    assert paces["dear"].size == 100
    paces["dear"].took(100, 0.080)
    assert paces["dear"].size == 75
    assert sorted(paces.seconds) == [0.005, 0.01, 0.08]


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


def test_a_write_is_sized_from_the_engines_own_time_when_it_says():
    """Readers wait for the engine, not for the loader to get its reply: a write the
    engine ran in 10 ms is not cut because the loader's busy process read the reply late."""
    import time

    from screengraph.graph.backend import Results

    pace = Pace(500, budget_s=0.1, first=50)

    def write() -> Results:
        time.sleep(0.3)  # the reply reaches a descheduled loader late
        return Results([], [], engine_seconds=0.010)

    pace.timed(50, write)
    assert pace.size == 100  # grown, as a 10 ms write allows
    pace.timed(100, lambda: time.sleep(0.3))  # no engine time: the caller's own timing
    assert pace.size < 100


class _Held(Pace):
    """A pace that stays at its first size, whatever the writes take: the cuts it makes
    are then the test's to predict."""

    def took(self, items: int, seconds: float) -> None:
        self.seconds.append(seconds)


def _listing(number: int, cast: int) -> str:
    import json

    names = [f"Actor {number}-{i}" for i in range(cast)]
    return json.dumps({"title": f"Show {number}", "year": 2000, "cast": names}) + "\n"


def _batches(backend, budget_s: float | None, tmp_path) -> list[int]:
    """Listings per batch of a load of 10 films of 150 credits, then 40 of one, with a
    batch pace held at 400 (of weight, where there is a budget; of listings where not)."""
    from screengraph.graph.backend import Statement
    from screengraph.loaders.pipeline import Loader
    from screengraph.loaders.sources import read_all

    path = tmp_path / "mixed.jsonl"
    path.write_text("".join(_listing(n, 150 if n < 10 else 1) for n in range(50)))
    loader = Loader(backend, batch_size=500)
    loader.writer.batch_pace = _Held(500, budget_s, first=400)
    sizes: list[int] = []
    run_write = backend.run_write

    def counted(statement, params=None, **options):
        if isinstance(statement, Statement):
            sizes.append(len(statement.params["sources"]))
        return run_write(statement, params, **options)

    backend.run_write = counted
    try:
        loader.load(read_all([str(path)]), "jsonl")
    finally:
        del backend.run_write
    return sizes


def test_where_reads_wait_batches_are_cut_by_what_their_listings_weigh(backend, tmp_path):
    """A film with 150 credits costs the engine fifty times a listing with one: batches
    cut by count held ten such films in one write that readers waited for. Cut by weight
    (Listing.weight), a batch holds what fits: three films, or the last film and the forty small listings."""
    assert _batches(backend, budget_s=0.1, tmp_path=tmp_path) == [3, 3, 3, 41]


def test_without_a_budget_batches_hold_their_count(backend, tmp_path):
    assert _batches(backend, budget_s=None, tmp_path=tmp_path) == [50]
