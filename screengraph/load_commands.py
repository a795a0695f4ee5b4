"""`screengraph load`: the catalogue maintainers' command."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Iterator

import click

from loaders.imdb_files import ImdbFileError
from loaders.pipeline import DEFAULT_BATCH_SIZE, Loader, write_rejects
from loaders.sources import SourceError, SourceText, expand, read_all, source_count
from screengraph.context import CliContext, pass_context
from screengraph.output import emit_json

FORMAT_CHOICES = ("page", "json", "jsonl", "csv")
MAX_PRINTED = 20


@click.command()
@click.argument("paths", nargs=-1, required=True)
@click.option("--format", "fmt", type=click.Choice(FORMAT_CHOICES), default=None,
              help="Input format (default: from the file name, else from the content).")
@click.option("--source", "source_name", metavar="NAME", default=None,
              help="Name the input for good (stdin or one file): its listings are NAME#1, "
                   "NAME#2..., so a later load with the same name updates them. Without it "
                   "a file is named by its absolute path, and stdin's listings by their content.")
@click.option("--episodes", is_flag=True,
              help="With IMDb's files: load the episodes (tvEpisode titles) too, each linked "
                   "to its series (needs title.episode.tsv.gz); skipped by default.")
@click.option("--dry-run", is_flag=True, help="Validate and report; write nothing.")
@click.option("--batch-size", type=click.IntRange(1, 100_000), default=DEFAULT_BATCH_SIZE,
              show_default=True, help="Most listings per write transaction (the embedded store writes fewer when a batch would keep readers waiting more than ~100 ms).")
@click.option("--rejects", "rejects_path", type=click.Path(dir_okay=False, path_type=Path),
              default=Path("screengraph-rejects.jsonl"), show_default=True,
              help="Where rejected records go (JSON Lines), when there are any.")
@click.option("--allow-rejects", is_flag=True, help="Exit 0 even when records were rejected.")
@click.option("--json", "as_json", is_flag=True, help="Print the summary as JSON.")
@click.option("--progress/--no-progress", default=None,
              help="Show a progress bar (default: only on a terminal).")
@pass_context
def load(cli: CliContext, paths, fmt, source_name, episodes, dry_run, batch_size, rejects_path,
         allow_rejects, as_json, progress) -> None:
    """Load listing files (catalogue pages, JSON, JSON Lines, CSV) or IMDb's dataset files
    (title.basics.tsv.gz, name.basics.tsv.gz, title.principals.tsv.gz...) into the graph.

    PATHS are files, folders, globs, or - for standard input.
    """
    try:
        files = expand(list(paths))
        sources = read_all(files, source_name, episodes)
    except SourceError as exc:
        raise click.UsageError(str(exc)) from exc
    show_progress = sys.stderr.isatty() if progress is None else progress
    backend = cli.backend() if not dry_run else _backend_if_reachable(cli)
    try:
        summary = _run(Loader(backend, batch_size=batch_size, dry_run=dry_run), sources,
                       source_count(files), fmt, show_progress)
    except ImdbFileError as exc:
        raise click.ClickException(str(exc)) from exc
    if summary.rejects:
        write_rejects(summary.rejects, rejects_path)
    if as_json:
        data = summary.to_json()
        data["rejects_file"] = str(rejects_path) if summary.rejects else None
        emit_json(data)
    else:
        for reject in summary.rejects[:MAX_PRINTED]:
            click.echo(f"rejected: {reject.describe()}", err=True)
        for warning in summary.warnings[:MAX_PRINTED]:
            click.echo(f"warning: {warning}", err=True)
        hidden = max(0, len(summary.rejects) - MAX_PRINTED) + max(0, len(summary.warnings) - MAX_PRINTED)
        if hidden:
            click.echo(f"... and {hidden} more (use --json for all)", err=True)
        if summary.rejects:
            click.echo(f"Rejected records written to {rejects_path}", err=True)
        click.echo(summary.line())
    if summary.rejected and not allow_rejects:
        raise SystemExit(1)


def _backend_if_reachable(cli: CliContext):
    """A dry run compares with the store when there is one, and works without it."""
    backend = cli.backend()
    return backend if backend.info().reachable else None


def _run(loader: Loader, sources: Iterator[SourceText], count: int, fmt: str | None,
         show_progress: bool):
    if not show_progress:
        return loader.load(sources, fmt)
    from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn
    with Progress(TextColumn("{task.description}"), BarColumn(), TextColumn("{task.completed} listings"),
                  TimeElapsedColumn(), transient=True) as bar:
        task = bar.add_task("loading", total=None)
        loader.on_progress = lambda n: bar.advance(task, n)

        def shown():
            for i, source in enumerate(sources, 1):
                bar.update(task, description=f"{source.name} ({i}/{count})")
                yield source

        return loader.load(shown(), fmt)


def register(group: click.Group) -> None:
    group.add_command(load)
