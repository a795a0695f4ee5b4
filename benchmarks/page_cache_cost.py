"""What a page costs the web process rendered and from the page cache, and what the cache
holds per page, on an existing graph.

    python -m benchmarks.page_cache_cost --store DIR [--graph bench-web] [--pages 100]
        [--backend embedded|neo4j]

DIR is a `benchmarks.web_load --store DIR` folder (its `store` below it, graph bench-web;
on Neo4j the database NEO4J_* names). In this process, through Flask's test client (no
HTTP server: what the app itself costs), for --pages show, person and company pages each
(the first keys of benchmarks.web_load's uniform mix): the CPU time of a render (cache
off), of an answer from the cache, and of a 304; the cache's bytes per page. CPU time,
not wall time: on a shared machine other people's work inflates wall time, not our CPU.
The database's own CPU is not counted here (benchmarks.web_load reports it).
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

from benchmarks.bulk import open_backend
from benchmarks.web_load import MIX, page_mix
from screengraph.graph.settings import load_settings
from screengraph.webapp import create_app
from screengraph.webapp.page_cache import ENTRY_OVERHEAD_BYTES


def cpu_ms_per_request(client, paths: list[str], headers: dict | None = None) -> float:
    started = time.process_time()
    for path in paths:
        status = client.get(path, headers=headers or {}).status_code
        assert status in (200, 304), (path, status)
    return (time.process_time() - started) * 1000 / len(paths)


def warm(client, paths: list[str]) -> None:
    """Plans compiled and store pages read once; a cold page may overrun the read limit."""
    for path in paths:
        client.get(path)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--store", type=Path, required=True)
    parser.add_argument("--graph", default="bench-web")
    parser.add_argument("--pages", type=int, default=100)
    parser.add_argument("--backend", choices=("embedded", "neo4j"), default="embedded")
    args = parser.parse_args()
    backend = open_backend(args.backend, args.store / "store", args.graph)
    kinds = {kind["kind"]: kind["paths"][: args.pages] for kind in page_mix(backend, 0.0)}
    rendering = create_app(
        {"TESTING": True}, backend=backend, settings=load_settings(env={}, page_cache_mb=0)
    ).test_client()
    app = create_app(
        {"TESTING": True}, backend=backend, settings=load_settings(env={}, page_cache_mb=1024)
    )
    caching = app.test_client()
    print(f"== {args.backend}, {args.store}: CPU of the web process per request, ms ==")
    print(f"  {'':<16} {'rendered':>9} {'from cache':>11} {'304':>7} {'KB/page':>8}")
    for slug, _label, _share in MIX:
        paths = kinds[slug]
        warm(rendering, paths)
        rendered = cpu_ms_per_request(rendering, paths)
        cache = app.extensions["screengraph.page_cache"]
        before = cache.figures()
        cpu_ms_per_request(caching, paths)  # fills the cache
        held = cache.figures()
        from_cache = cpu_ms_per_request(caching, paths)
        etags = [caching.get(path).headers["ETag"] for path in paths[:1]]
        not_modified = cpu_ms_per_request(
            caching, paths[:1] * len(paths), headers={"If-None-Match": etags[0]}
        )
        per_page = (held["bytes"] - before["bytes"]) / max(held["entries"] - before["entries"], 1)
        print(
            f"  {slug + ' pages':<16} {rendered:9.2f} {from_cache:11.2f} {not_modified:7.2f} "
            f"{per_page / 1024:8.1f}",
            flush=True,
        )
    figures = app.extensions["screengraph.page_cache"].figures()
    print(
        f"  the cache holds {figures['entries']:,} pages in {figures['bytes'] / 2**20:.1f} MB "
        f"(bodies plus {ENTRY_OVERHEAD_BYTES} bytes each)"
    )
    backend.close()


if __name__ == "__main__":
    main()
