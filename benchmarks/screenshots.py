"""The README tours' screenshots, taken again: `python -m benchmarks.screenshots [--out docs]`.

Loads two throwaway graphs in an embedded store: the bundled sample listing (samples/),
which the tours walk, and a synthetic catalogue of about CREDITS credits with IMDb's shapes
(benchmarks/synthetic.py, seeded: identifiers, genres of hundreds of shows, prolific
people) for the long lists. Serves the app on each (waitress, loopback) and photographs
each page of `shots` in Debian's Chromium through Playwright (no browser download;
SCREENGRAPH_CHROMIUM names another). Each picture is the top of its page at its viewport, reduced to a palette
of COLOURS, so docs/ stays at a few hundred KB. Runs in a minute or two; the data is
seeded, so only the graph views' layouts differ from one run to the next.
"""

from __future__ import annotations

import argparse
import tempfile
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from benchmarks.synthetic import generate
from screengraph.graph.falkor_backend import FalkorBackend
from screengraph.graph.settings import load_settings
from screengraph.loaders.pipeline import Loader
from screengraph.loaders.sources import read_all
from screengraph.queries.catalogue import catalogue

CREDITS = 40_000
COLOURS = 96
SAMPLES = Path(__file__).resolve().parents[1] / "samples"


@dataclass(frozen=True)
class Shot:
    """One picture: docs/NAME.png, of `path` on the `store` ("sample" or "catalogue") at
    `width` x `height`, after `then` (typing, clicking) when a page needs a gesture to show
    what the tour describes."""

    name: str
    shows: str
    path: str
    store: str = "sample"
    width: int = 1100
    height: int = 760
    then: Callable[[Any], None] | None = None


def _suggest(page) -> None:
    page.fill("#home-q", "lea druk")
    page.locator(".listbox li").first.wait_for()


def _run_query(page) -> None:
    page.click("button:has-text('Run')")
    page.locator(".console-results table").first.wait_for()


def shots(person: str, genre: str) -> tuple[Shot, ...]:
    """The tours' pictures; `person` and `genre` are the catalogue's most credited person
    and its largest genre (the longest lists)."""
    return (
        Shot("tour-search", "Search suggestions for a typo (lea druk)", "/", then=_suggest),
        Shot("tour-show", "A show page: info box, credits, graph", "/show/the-bureau"),
        Shot(
            "tour-show-phone",
            "The same page on a phone (390 px): credits before the synopsis",
            "/show/the-bureau",
            width=390,
            height=844,
        ),
        Shot(
            "tour-genre",
            "A long list: a genre's shows, page 2, newest first",
            f"/genre/{genre}?sort=-year&offset=50",
            store="catalogue",
        ),
        Shot(
            "tour-person",
            "A filmography: known for, roles with counts, grouped and newest first",
            f"/person/{person}",
            store="catalogue",
        ),
        Shot(
            "tour-connect",
            "Connect: the path read as a sentence",
            "/connect?from=L%C3%A9a+Drucker&to=Federation+Entertainment",
        ),
        Shot(
            "tour-console",
            "The Cypher console with a result table",
            "/console?query="
            + "MATCH (p:Person)-[r]->(s:Show) RETURN p.name, type(r) AS credit, s.title "
            "ORDER BY credit, p.name".replace(" ", "+"),
            height=1100,  # the result table below the editor
            then=_run_query,
        ),
    )


def build_stores(folder: Path) -> dict[str, FalkorBackend]:
    """The sample graph and the synthetic catalogue, loaded as `screengraph load` would."""
    stores = {}
    for name, paths in (
        ("sample", [str(SAMPLES)]),
        ("catalogue", [str(generate(folder / "catalogue", CREDITS, "ours", seed=7))]),
    ):
        backend = FalkorBackend(folder / "store", f"screenshots-{name}")
        backend.ensure_schema()
        Loader(backend).load(read_all(paths))
        stores[name] = backend
    return stores


def _largest(backend: FalkorBackend, question: str) -> str:
    return catalogue().run(backend, question, {"limit": 1}).records()[0]["key"]


def shrink(path: Path) -> None:
    """The PNG with a palette of COLOURS: text and flat colours stay sharp, a third the size."""
    from PIL import Image

    with Image.open(path) as image:
        reduced = image.convert("RGB").quantize(COLOURS, method=Image.Quantize.MEDIANCUT)
    reduced.save(path, optimize=True)


def take(out: Path) -> list[tuple[Shot, int]]:
    from playwright.sync_api import sync_playwright
    from waitress.server import create_server

    from screengraph.webapp import create_app
    from tests.e2e.conftest import CHROMIUM_FLAGS, chromium_path

    out.mkdir(parents=True, exist_ok=True)
    executable = chromium_path()
    if not executable:
        raise SystemExit("Chromium is not installed: run 'make browser' (apt-get install chromium)")
    taken = []
    with tempfile.TemporaryDirectory(prefix="sg-screenshots-") as scratch:
        stores = build_stores(Path(scratch))
        big = stores["catalogue"]
        genre = big.run_read(
            "MATCH (g:Genre)<-[:IN_GENRE]-(s) RETURN g.key, count(s) AS n ORDER BY n DESC, g.key "
            "LIMIT 1"
        ).value()
        settings = load_settings(env={}, secret_key="screenshots")
        servers, bases = [], {}
        for name, backend in stores.items():
            server = create_server(
                create_app(settings=settings, backend=backend), host="127.0.0.1", port=0
            )
            threading.Thread(target=server.run, daemon=True).start()
            servers.append(server)
            bases[name] = f"http://127.0.0.1:{server.effective_port}"
        try:
            with sync_playwright() as playwright:
                browser = playwright.chromium.launch(
                    executable_path=executable, headless=True, args=CHROMIUM_FLAGS
                )
                for shot in shots(_largest(big, "top_people"), genre):
                    context = browser.new_context(
                        base_url=bases[shot.store],
                        viewport={"width": shot.width, "height": shot.height},
                    )
                    page = context.new_page()
                    page.goto(shot.path)
                    page.wait_for_load_state("networkidle")
                    if shot.then:
                        shot.then(page)
                    time.sleep(0.5)  # the graph's layout settles
                    target = out / f"{shot.name}.png"
                    page.screenshot(path=str(target))
                    shrink(target)
                    taken.append((shot, target.stat().st_size))
                    context.close()
                browser.close()
        finally:
            for server in servers:
                server.close()
            for backend in stores.values():
                backend.drop_graph()
                backend.close()
    return taken


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", type=Path, default=Path("docs"), help="Where the PNGs go.")
    args = parser.parse_args()
    taken = take(args.out)
    for shot, size in taken:
        print(f"{args.out / shot.name}.png  {size / 1024:6.1f} KB  {shot.shows}")
    print(f"total {sum(size for _shot, size in taken) / 1024:.0f} KB")


if __name__ == "__main__":
    main()
