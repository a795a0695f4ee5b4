"""The `screengraph` command: one group, commands grouped by room in sibling modules."""

from __future__ import annotations

import importlib
import signal
import sys

import click

from screengraph import __version__
from screengraph.context import CliContext
from screengraph.graph.errors import GraphError
from screengraph.graph.settings import SettingsError, load_settings

# Which module holds each command. A one-off command imports its own module only: the
# loaders (pydantic's models, DuckDB) took about 0.3 s of every command's start, a query's
# included. `--help` imports them all. tests/test_cli_commands.py holds this table to what
# each module's register() adds.
COMMAND_MODULES = {
    **dict.fromkeys(("init", "doctor", "stats", "settings", "reset", "stop"), "admin_commands"),
    **dict.fromkeys(("load",), "load_commands"),
    **dict.fromkeys(("loads", "diff", "undo"), "history_commands"),
    **dict.fromkeys(
        ("search", "related", "collaborators", "suggest", "path", "query", "cypher"),
        "query_commands",
    ),
    **dict.fromkeys(("serve",), "serve_commands"),
    **dict.fromkeys(("backup", "restore", "upgrade"), "store_commands"),
    **dict.fromkeys(("export", "import"), "export_commands"),
    **dict.fromkeys(("duplicates",), "duplicates_commands"),
    **dict.fromkeys(("merge", "split", "unmerge", "decisions"), "curation_commands"),
}


class ScreengraphCommands(click.Group):
    """The commands, each imported when it is asked for; graph-layer errors become one
    clean line instead of a traceback."""

    def list_commands(self, ctx: click.Context | None) -> list[str]:
        return sorted({*COMMAND_MODULES, *self.commands})

    def get_command(self, ctx: click.Context | None, cmd_name: str) -> click.Command | None:
        if cmd_name not in self.commands and cmd_name in COMMAND_MODULES:
            module = importlib.import_module(f"screengraph.{COMMAND_MODULES[cmd_name]}")
            module.register(self)
        return self.commands.get(cmd_name)

    def invoke(self, ctx: click.Context):
        try:
            return super().invoke(ctx)
        except (GraphError, SettingsError) as exc:
            raise click.ClickException(str(exc)) from exc


def _exit_on_sigterm(signum, frame):  # pragma: no cover - exercised by subprocess tests
    # SystemExit runs the exit handlers, which stop an owned embedded server.
    sys.exit(128 + signum)


@click.group(cls=ScreengraphCommands)
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
