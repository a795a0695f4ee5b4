"""A real server and a real Chromium (Debian's, driven by Playwright; no browser download)."""

from __future__ import annotations

import os
import shutil
import tempfile
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from screengraph.graph.falkor_backend import FalkorBackend
from tests.queries.conftest import load_records, load_seed
from tests.webapp.conftest import HOSTILE, make_app

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
CHROMIUM_FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def chromium_path() -> str | None:
    return (
        os.environ.get("SCREENGRAPH_CHROMIUM")
        or shutil.which("chromium")
        or shutil.which("chromium-browser")
    )


@contextmanager
def served(app, threads: int = 4) -> Iterator[str]:
    """`app` served by waitress on loopback for a browser, as a context: its base URL.

    The server's loop is stopped before its sockets are closed, and closed in this thread.
    waitress's own `close()` from another thread closed them under its loop's running
    select(): their file numbers went to the next test's store connections, which the
    still running loop then read from (a reply stolen, the next command reading another's:
    "'str' object has no attribute 'insert'" in a later fixture's set-up)."""
    from waitress import wasyncore
    from waitress.server import create_server

    server = create_server(app, host="127.0.0.1", port=0, threads=threads)
    stopping = threading.Event()

    def loop() -> None:
        while not stopping.is_set():
            wasyncore.loop(timeout=0.05, map=server._map, count=1)

    thread = threading.Thread(target=loop, name="e2e-waitress", daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.effective_port}"
    finally:
        stopping.set()
        thread.join()
        server.task_dispatcher.shutdown()
        wasyncore.close_all(server._map)


@pytest.fixture(scope="session")
def server(tmp_path_factory):
    """The app on the embedded store with the sample data, served by waitress on loopback."""
    backend = FalkorBackend(tmp_path_factory.mktemp("e2e-store"), "e2e")
    backend.ensure_schema()
    load_seed(backend)
    load_records(backend, "hostile.jsonl", [HOSTILE])
    with served(make_app(backend), threads=4) as url:
        yield url
    backend.close()


@pytest.fixture(scope="session")
def catalogue_server(tmp_path_factory):
    """The app on the embedded store with a catalogue of identified people, namesakes and a
    series (tests/queries/catalogue_graph.py)."""
    from tests.queries.catalogue_graph import load_catalogue

    backend = FalkorBackend(tmp_path_factory.mktemp("e2e-catalogue"), "e2e-catalogue")
    backend.ensure_schema()
    load_catalogue(backend)
    with served(make_app(backend), threads=4) as url:
        yield url
    backend.close()


@pytest.fixture(scope="session")
def browser():
    executable = chromium_path()
    if not executable:
        if os.environ.get("CI", "").lower() in ("1", "true"):
            pytest.fail(
                "CI=true but Chromium is missing: 'make browser' installs Debian's chromium"
            )
        pytest.skip("Chromium is not installed: run 'make browser' (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        user_data = tempfile.mkdtemp(prefix="sg-chromium-")
        context = playwright.chromium.launch_persistent_context(
            user_data, executable_path=executable, headless=True, args=CHROMIUM_FLAGS
        )
        yield context.browser or context
        context.close()
        shutil.rmtree(user_data, ignore_errors=True)


@pytest.fixture
def page(browser, server, request):
    yield from _page(browser, server)


@pytest.fixture
def catalogue_page(browser, catalogue_server):
    """A page on the catalogue server."""
    yield from _page(browser, catalogue_server)


def _page(browser, server):
    context = browser.new_context(
        base_url=server, viewport={"width": 1200, "height": 900}, accept_downloads=True
    )
    page = context.new_page()
    dialogs: list[str] = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.dialogs = dialogs
    page.js_errors = errors
    ARTIFACTS.mkdir(exist_ok=True)
    yield page
    context.close()


def shot(page, name: str) -> None:
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)


def record_problems(page) -> list[str]:
    """What a user would call broken on a page, as it happens: console errors and warnings,
    uncaught errors, failed requests (not those a later keystroke aborts) and HTTP errors."""
    problems: list[str] = []
    page.on(
        "console",
        lambda m: (
            problems.append(f"console {m.type}: {m.text} @{m.location.get('url', '')}")
            if m.type in ("error", "warning")
            else None
        ),
    )
    page.on("pageerror", lambda exc: problems.append(f"uncaught: {exc}"))
    page.on(
        "requestfailed",
        lambda r: (
            problems.append(f"failed: {r.url} {r.failure}")
            if r.failure != "net::ERR_ABORTED"
            else None
        ),
    )
    page.on(
        "response",
        lambda r: problems.append(f"HTTP {r.status}: {r.url}") if r.status >= 400 else None,
    )
    return problems


class UnderPrefix:
    """What a reverse proxy mounting the app at PREFIX does: strips the prefix from the path
    and says so in X-Forwarded-Prefix (the app trusts one proxy hop)."""

    PREFIX = "/sg"

    def __init__(self, app):
        self.app = app

    def __call__(self, environ, start_response):
        path = environ.get("PATH_INFO", "")
        if not path.startswith(self.PREFIX + "/"):
            start_response("404 Not Found", [("Content-Type", "text/plain")])
            return [b"outside the prefix"]
        environ["PATH_INFO"] = path[len(self.PREFIX) :]
        environ["HTTP_X_FORWARDED_PREFIX"] = self.PREFIX
        environ["HTTP_X_FORWARDED_FOR"] = environ.get("REMOTE_ADDR", "127.0.0.1")
        return self.app(environ, start_response)


@pytest.fixture(params=["embedded", "neo4j"])
def prefixed_site(request):
    """The app with the sample data on each backend, mounted under UnderPrefix.PREFIX."""
    from tests.conftest import open_backend

    backend = open_backend(request.param, request)
    load_seed(backend)
    app = make_app(backend, proxy_hops=1)
    with served(UnderPrefix(app.wsgi_app), threads=4) as url:
        yield url
