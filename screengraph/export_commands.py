"""`screengraph export` and `screengraph import`: the graph out to other tools and
stores, and back in."""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Protocol

import click

from screengraph.context import CliContext, pass_context
from screengraph.graph.bounded_log import KEPT
from screengraph.graph.export_formats import FORMATS, STDIO, export_store, format_for, text_file
from screengraph.graph.export_jsonl import parse_lines
from screengraph.graph.export_read import ExportReader
from screengraph.graph.graph_import import BATCH, GraphImport
from screengraph.output import emit_json

MAX_PRINTED = 20


def _format_for(path: Path, fmt: str | None) -> str:
    found = fmt or format_for(path)
    if found is None:
        endings = " or ".join(f.suffix for f in FORMATS.values() if not f.folder)
        raise click.UsageError(
            f"cannot tell the format from the name {str(path)!r}: give --format "
            f"({', '.join(FORMATS)}), or a name ending in {endings} (and .gz to compress)"
        )
    return found


class _Advance(Protocol):
    """Counts `n` more items (one by default: the export counts one at a time)."""

    def __call__(self, n: int = 1) -> None: ...


@contextmanager
def _progress(show: bool, what: str, total: int | None) -> Iterator[_Advance]:
    """A callback to count items by, drawing a bar on stderr when asked."""

    def uncounted(n: int = 1) -> None:
        pass

    if not show:
        yield uncounted
        return
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    with Progress(
        TextColumn(what),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=Console(stderr=True),
        transient=True,
    ) as bar:
        task = bar.add_task(what, total=total)

        def advance(n: int = 1) -> None:
            bar.advance(task, n)

        yield advance


def _show_progress(progress: bool | None) -> bool:
    return sys.stderr.isatty() if progress is None else progress


@click.command("export")
@click.argument("path", type=click.Path(path_type=Path))
@click.option(
    "--format",
    "fmt",
    type=click.Choice(list(FORMATS)),
    default=None,
    help="jsonl: screengraph's own, for `screengraph import`; graphml: Gephi, "
    "Cytoscape, NetworkX; csv: a folder for `neo4j-admin database import` "
    "(default: from PATH's ending).",
)
@click.option("--json", "as_json", is_flag=True, help="Print the summary as JSON.")
@click.option(
    "--progress/--no-progress",
    default=None,
    help="Show a progress bar (default: only on a terminal).",
)
@pass_context
def export(
    cli: CliContext, path: Path, fmt: str | None, as_json: bool, progress: bool | None
) -> None:
    """Write the whole graph to PATH, streamed from the store a page at a time: a file (a
    name ending in .gz is gzipped; - is standard output), or for csv a new folder."""
    fmt = _format_for(path, fmt)
    backend = cli.backend()
    show = _show_progress(progress)
    total = sum(ExportReader(backend).counts()) if show else None
    with _progress(show, f"exporting {path.name}", total) as advance:
        result = export_store(backend, fmt, path, advance, cli.settings.neo4j_database)
    summary = {
        "path": str(path),
        "format": fmt,
        "nodes": result.nodes,
        "relationships": result.relationships,
        "keyless_nodes_left_out": result.keyless,
    }
    to_stdout = str(path) == STDIO  # the export is on standard output: tell on stderr
    if as_json and to_stdout:
        click.echo(json.dumps(summary), err=True)
    elif as_json:
        emit_json(summary)
    else:
        click.echo(
            f"exported {result.nodes:,} nodes and {result.relationships:,} "
            f"relationships to {'standard output' if to_stdout else path} "
            f"({FORMATS[fmt].title})",
            err=to_stdout,
        )
        if result.keyless:
            click.echo(f"warning: {result.keyless:,} nodes without a key were left out", err=True)
        if result.next_steps:
            click.echo(result.next_steps)


@click.command("import")
@click.argument(
    "path", type=click.Path(exists=True, dir_okay=False, allow_dash=True, path_type=Path)
)
@click.option(
    "--batch-size",
    type=click.IntRange(1, 100_000),
    default=BATCH,
    show_default=True,
    help="Most nodes or relationships per write.",
)
@click.option("--json", "as_json", is_flag=True, help="Print the summary as JSON.")
@click.option(
    "--progress/--no-progress",
    default=None,
    help="Show a progress bar (default: only on a terminal).",
)
@pass_context
def import_graph(
    cli: CliContext, path: Path, batch_size: int, as_json: bool, progress: bool | None
) -> None:
    """Import a graph export (`screengraph export --format jsonl`) into this empty store,
    embedded or Neo4j: PATH is the file (gzipped when its name ends in .gz), or - for
    standard input."""
    backend = cli.backend()
    name = "<stdin>" if str(path) == STDIO else str(path)
    with (
        text_file(path, "r") as lines,
        _progress(_show_progress(progress), f"importing {name}", None) as advance,
    ):
        summary = GraphImport(backend, batch_size, advance).run(parse_lines(lines, name))
    if as_json:
        emit_json(summary.to_json())
    else:
        for reject in summary.rejects[:MAX_PRINTED]:
            click.echo(f"rejected: {name} line {reject.line}: {reject.reason}", err=True)
        if len(summary.rejects) > MAX_PRINTED:
            click.echo(
                f"... and {len(summary.rejects) - MAX_PRINTED:,} more (--json lists the "
                f"first {min(len(summary.rejects), KEPT):,})",
                err=True,
            )
        for problem in summary.problems:
            click.echo(f"warning: {name}: {problem}", err=True)
        click.echo(summary.line())
    if summary.rejects or summary.problems:
        raise SystemExit(1)


def register(group: click.Group) -> None:
    group.add_command(export)
    group.add_command(import_graph)
