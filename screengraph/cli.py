"""The `screengraph` command: one group, commands grouped by room in sibling modules."""

from __future__ import annotations

import signal
import sys

import click

from screengraph import __version__
from screengraph.context import CliContext
from screengraph.graph.errors import GraphError
from screengraph.graph.settings import SettingsError, load_settings


class GraphErrorsAsMessages(click.Group):
    """Turn graph-layer errors into one clean line instead of a traceback."""

    def invoke(self, ctx: click.Context):
        try:
            return super().invoke(ctx)
        except (GraphError, SettingsError) as exc:
            raise click.ClickException(str(exc)) from exc


def _exit_on_sigterm(signum, frame):  # pragma: no cover - exercised by subprocess tests
    # SystemExit runs the exit handlers, which stop an owned embedded server.
    sys.exit(128 + signum)


@click.group(cls=GraphErrorsAsMessages)
@click.version_option(__version__, prog_name="screengraph")
@click.option(
    "--backend",
    type=click.Choice(["auto", "embedded", "neo4j"]),
    default=None,
    help="Override SCREENGRAPH_BACKEND.",
)
@click.option("--data-dir", default=None, help="Override SCREENGRAPH_DATA_DIR (embedded store).")
@click.option("--neo4j-uri", default=None, help="Override NEO4J_URI.")
@click.option(
    "--timeout-ms",
    "query_timeout_ms",
    type=int,
    default=None,
    help="Override SCREENGRAPH_QUERY_TIMEOUT_MS.",
)
@click.pass_context
def main(ctx: click.Context, backend, data_dir, neo4j_uri, query_timeout_ms) -> None:
    """screengraph: a knowledge graph of TV and film listings."""
    signal.signal(signal.SIGTERM, _exit_on_sigterm)
    try:
        settings = load_settings(
            backend=backend,
            data_dir=data_dir,
            neo4j_uri=neo4j_uri,
            query_timeout_ms=query_timeout_ms,
        )
    except SettingsError as exc:
        raise click.UsageError(str(exc)) from exc
    if settings.log_level:  # one-off commands log only when asked to
        from screengraph.graph import oplog

        oplog.configure(settings, serving=False)
    cli_context = CliContext(settings)
    ctx.obj = cli_context
    ctx.call_on_close(cli_context.close)


def _register_commands() -> None:
    from screengraph import admin_commands

    admin_commands.register(main)
    for module_name in (
        "load_commands",
        "history_commands",
        "query_commands",
        "serve_commands",
        "store_commands",
        "export_commands",
        "duplicates_commands",
        "curation_commands",
    ):
        try:
            module = __import__(f"screengraph.{module_name}", fromlist=["register"])
        except ModuleNotFoundError as exc:
            if exc.name != f"screengraph.{module_name}":
                raise
            continue
        module.register(main)


_register_commands()
