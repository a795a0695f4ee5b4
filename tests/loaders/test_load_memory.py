"""What a load holds does not grow with its input (issue 13: memory stays flat). Past
remembered.REMEMBERED entities a load forgets the oldest (and reads them again when it
meets them) and writes the degrees it has been counting; the graph is exactly the one a
load that forgets nothing makes (both backends)."""

from __future__ import annotations

import gc

from screengraph.graph.checksum import LOAD_TIMES, describe_difference, graph_checksum
from screengraph.loaders.pacing import Pace
from screengraph.loaders.pipeline import Loader
from tests.loaders.test_bulk import BATCH, _inputs, _sources

BOUND = 16


def _load(backend, paths, watch=None):
    loader = Loader(backend, batch_size=BATCH)
    loader.writer.batch_pace = Pace(BATCH, None)  # the same cuts on both engines
    if watch is not None:
        watch(loader)
    summary = loader.load(_sources(paths))
    return summary, graph_checksum(backend, LOAD_TIMES)


def test_a_load_that_forgets_makes_the_graph_of_one_that_remembers(backend, tmp_path, monkeypatch):
    paths = _inputs(tmp_path)
    remembering, expected = _load(backend, paths)
    backend.clear()
    backend.ensure_schema()
    monkeypatch.setattr("screengraph.loaders.remembered.REMEMBERED", BOUND)
    held: list[dict[str, int]] = []
    named: list[set] = []  # the entities each batch names

    def watch(loader: Loader) -> None:
        writer = loader.writer
        prepare, written = writer.prepare, writer._written

        def counting_prepare(plans, *args, **kwargs):
            named.append({entity[:2] for plan in plans for entity in plan.mentioned})
            return prepare(plans, *args, **kwargs)

        def measured(batch) -> None:
            written(batch)
            held.append(
                {
                    "identifiers": len(loader.identities.known),
                    "namesakes": len(loader.identities.namesakes),
                    "spellings": len(writer.book._known),
                    "details": len(writer._details_written),
                    "degrees": sum(map(len, writer.added_degrees.values()))
                    + sum(map(len, writer.stale_degrees.values())),
                }
            )

        writer.prepare, writer._written = counting_prepare, measured

    forgetting, found = _load(backend, paths, watch)
    assert found == expected, describe_difference(expected, found, ("remembering", "forgetting"))
    assert (forgetting.loaded, forgetting.credits, sorted(forgetting.warnings)) == (
        remembering.loaded,
        remembering.credits,
        sorted(remembering.warnings),
    )
    # Many more entities than the bound went through; what was held stayed near it: the
    # bound, plus the two batches that must be remembered until they are written.
    most = BOUND + 2 * max(map(len, named))
    assert len(set().union(*named)) > most
    for memory in held[0]:
        assert max(step[memory] for step in held) <= most, memory
    assert max(step["degrees"] for step in held) <= BOUND


def test_a_neo4j_load_leaves_none_of_its_rows_to_the_cyclic_collector(neo4j, tmp_path, monkeypatch):
    """A load runs the cyclic collector rarely (pipeline._rare_collections): whatever it
    leaves in reference cycles stays in memory until then. On Neo4j every batch's rows
    did (the driver keeps a query's parameters in its own cycles), so the loader's peak
    grew with its input (131 -> 325 MB from 2,000 to 20,000 IMDb-shaped titles). With the
    collector off, what a load leaves is the driver's bookkeeping, a few lists a query,
    not the hundreds of rows a batch writes."""
    paths = _inputs(tmp_path)
    queries = 0

    def counted(method):
        def call(*args, **kwargs):
            nonlocal queries
            queries += 1
            return method(*args, **kwargs)

        return call

    for name in ("run_read", "run_write", "run_write_many"):
        monkeypatch.setattr(neo4j, name, counted(getattr(neo4j, name)))
    loader = Loader(neo4j, batch_size=BATCH * 10)
    loader.writer.batch_pace = Pace(BATCH * 10, None)
    collecting = gc.isenabled()
    gc.collect()
    gc.disable()
    try:
        summary = loader.load(_sources(paths))
        gc.set_debug(gc.DEBUG_SAVEALL)
        gc.collect()
        lists = sum(type(found) is list for found in gc.garbage)
    finally:
        gc.set_debug(0)
        gc.garbage.clear()
        if collecting:
            gc.enable()
    assert summary.credits > 1000
    assert lists <= 5 * queries, f"{lists} lists left in reference cycles by {queries} queries"
