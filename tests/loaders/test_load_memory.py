"""What a load holds does not grow with its input (issue 13: memory stays flat). Past
remembered.REMEMBERED entities a load forgets the oldest (and reads them again when it
meets them) and writes the degrees it has been counting; the graph is exactly the one a
load that forgets nothing makes (both backends)."""

from __future__ import annotations

from graph.checksum import LOAD_TIMES, describe_difference, graph_checksum
from loaders.pacing import Pace
from loaders.pipeline import Loader
from tests.loaders.test_bulk import BATCH, _inputs, _sources

BOUND = 16


def _load(backend, paths, watch=None):
    loader = Loader(backend, batch_size=BATCH)
    loader.writer.batch_pace = Pace(BATCH, None)  # the same cuts on both engines
    if watch is not None:
        watch(loader)
    summary = loader.load(_sources(paths))
    return summary, graph_checksum(backend, LOAD_TIMES)


def test_a_load_that_forgets_makes_the_graph_of_one_that_remembers(backend, tmp_path,
                                                                    monkeypatch):
    paths = _inputs(tmp_path)
    remembering, expected = _load(backend, paths)
    backend.clear()
    backend.ensure_schema()
    monkeypatch.setattr("loaders.remembered.REMEMBERED", BOUND)
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
            held.append({
                "identifiers": len(loader.identities.known),
                "namesakes": len(loader.identities.namesakes),
                "spellings": len(writer.book._known),
                "details": len(writer._details_written),
                "degrees": sum(map(len, writer.added_degrees.values()))
                + sum(map(len, writer.stale_degrees.values()))})

        writer.prepare, writer._written = counting_prepare, measured

    forgetting, found = _load(backend, paths, watch)
    assert found == expected, describe_difference(expected, found, ("remembering", "forgetting"))
    assert (forgetting.loaded, forgetting.credits, sorted(forgetting.warnings)) == \
        (remembering.loaded, remembering.credits, sorted(remembering.warnings))
    # Many more entities than the bound went through; what was held stayed near it: the
    # bound, plus the two batches that must be remembered until they are written.
    most = BOUND + 2 * max(map(len, named))
    assert len(set().union(*named)) > most
    for memory in held[0]:
        assert max(step[memory] for step in held) <= most, memory
    assert max(step["degrees"] for step in held) <= BOUND
