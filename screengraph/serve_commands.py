"""`screengraph serve`: the web app behind a production WSGI server (waitress)."""

from __future__ import annotations

import logging
import time

import click

from screengraph.context import CliContext, pass_context


class OncePerMinute(logging.Filter):
    """Waitress warns "Task queue depth is N" for every request that waits for a thread:
    under load, a line per request, which cost ~12 % of the web process's CPU (py-spy,
    50 clients that never pause). The first warning of each minute is kept."""

    def __init__(self) -> None:
        super().__init__()
        self.last = float("-inf")

    def filter(self, record: logging.LogRecord) -> bool:
        now = time.monotonic()
        if now - self.last < 60:
            return False
        self.last = now
        return True


@click.command()
@click.option(
    "--host",
    default="127.0.0.1",
    show_default=True,
    help="Address to bind; loopback unless you say otherwise.",
)
@click.option("--port", type=click.IntRange(0, 65535), default=8000, show_default=True)
@click.option(
    "--threads",
    type=click.IntRange(1, 256),
    default=8,
    show_default=True,
    help="Request threads of the WSGI server.",
)
@click.option(
    "--debug", is_flag=True, help="Flask's development server with reloading and tracebacks."
)
@pass_context
def serve(cli: CliContext, host: str, port: int, threads: int, debug: bool) -> None:
    """Serve the web app: explore, connect, Cypher console, add listings."""
    from screengraph.graph import adjacency
    from screengraph.webapp import create_app

    backend = cli.backend(check_layout=False)  # opened only once the settings are checked
    # The name it is told to bind is one the app answers to (IP addresses always are).
    settings = cli.settings.with_overrides(
        allowed_hosts=(*cli.settings.allowed_hosts, host.strip("[]").lower())
    )
    # Settings are checked (and refused) before the store is opened or anything loaded.
    app = create_app(settings=settings, backend=backend)
    from screengraph.graph import oplog

    oplog.configure(settings, serving=True)  # a line per request, load and slow query
    cli.check_layout()
    backend.ensure_schema()
    adjacency.enable()  # a long-running server keeps an in-memory copy for connection paths
    backend.prepare_adhoc()  # and has its console's sandbox ready before the first query
    from screengraph.webapp import limits

    info = backend.info()
    click.echo(f"screengraph on {info.backend} ({info.location}): http://{host}:{port}/")
    if debug:
        app.run(host=host, port=port, debug=True, use_reloader=False)
        return
    from waitress import serve as waitress_serve

    logging.getLogger("waitress.queue").addFilter(OncePerMinute())
    waitress_serve(
        app,
        host=host,
        port=port,
        threads=threads,
        ident="screengraph",
        max_request_header_size=limits.MAX_HEADER_BYTES,
        max_request_body_size=limits.MAX_UPLOAD_BYTES,
    )


def register(group: click.Group) -> None:
    group.add_command(serve)
