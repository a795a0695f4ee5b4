"""`screengraph load`: the catalogue maintainers' command."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path

import click

from screengraph.context import CliContext, pass_context
from screengraph.graph.bounded_log import KEPT
from screengraph.graph.errors import BulkImportRefused
from screengraph.graph.neo4j_import import MANIFEST
from screengraph.loaders.bulk import BulkLoader
from screengraph.loaders.imdb_files import ImdbFileError
from screengraph.loaders.pipeline import DEFAULT_BATCH_SIZE, Loader, write_rejects
from screengraph.loaders.sources import SourceError, SourceText, expand, read_all, source_count
from screengraph.output import emit_json

FORMAT_CHOICES = ("page", "json", "jsonl", "csv")
MAX_PRINTED = 20
# Where a bulk load writes the files of an offline import (Neo4j's neo4j-admin).
BULK_FOLDER = Path("screengraph-import")


@click.command()
@click.argument("paths", nargs=-1, required=True)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(FORMAT_CHOICES),
    default=None,
    help="Input format (default: from the file name, else from the content).",
)
@click.option(
    "--source",
    "source_name",
    metavar="NAME",
    default=None,
    help="Name the input for good (stdin or one file): its listings are NAME#1, "
    "NAME#2..., so a later load with the same name updates them. Without it "
    "a file is named by its absolute path, and stdin's listings by their content.",
)
@click.option(
    "--episodes",
    is_flag=True,
    help="With IMDb's files: load the episodes (tvEpisode titles) too, each linked "
    "to its series (needs title.episode.tsv.gz); skipped by default.",
)
@click.option("--dry-run", is_flag=True, help="Validate and report; write nothing.")
@click.option(
    "--batch-size",
    type=click.IntRange(1, 100_000),
    default=DEFAULT_BATCH_SIZE,
    show_default=True,
    help="Most listings per write transaction (the embedded store writes fewer when a batch would keep readers waiting more than ~100 ms).",
)
@click.option(
    "--rejects",
    "rejects_path",
    type=click.Path(dir_okay=False, path_type=Path),
    default=Path("screengraph-rejects.jsonl"),
    show_default=True,
    help="Where rejected records go (JSON Lines), when there are any.",
)
@click.option("--allow-rejects", is_flag=True, help="Exit 0 even when records were rejected.")
@click.option(
    "--bulk",
    is_flag=True,
    help="First load into an empty graph with the engine's bulk import (GRAPH.BULK on "
    "the embedded store; on Neo4j, files for neo4j-admin and what to run). "
    "Given the folder that wrote, finishes a Neo4j import.",
)
@click.option("--json", "as_json", is_flag=True, help="Print the summary as JSON.")
@click.option(
    "--progress/--no-progress",
    default=None,
    help="Show a progress bar (default: only on a terminal).",
)
@pass_context
def load(
    cli: CliContext,
    paths,
    fmt,
    source_name,
    episodes,
    dry_run,
    batch_size,
    rejects_path,
    allow_rejects,
    bulk,
    as_json,
    progress,
) -> None:
    """Load listing files (catalogue pages, JSON, JSON Lines, CSV) or IMDb's dataset files
    (title.basics.tsv.gz, name.basics.tsv.gz, title.principals.tsv.gz...) into the graph.

    PATHS are files, folders, globs, or - for standard input.
    """
    if bulk and dry_run:
        raise click.UsageError(
            "--bulk and --dry-run do not go together: a dry run of a "
            "first load is `load --dry-run` alone"
        )
    if bulk and len(paths) == 1 and (Path(paths[0]) / MANIFEST).is_file():
        _finish_import(cli, Path(paths[0]))
        return
    try:
        files = expand(list(paths))
        sources = read_all(files, source_name, episodes)
    except SourceError as exc:
        raise click.UsageError(str(exc)) from exc
    show_progress = sys.stderr.isatty() if progress is None else progress
    backend = cli.backend() if not dry_run else _backend_if_reachable(cli)
    loader = (
        BulkLoader(batch_size=batch_size)
        if bulk
        else Loader(backend, batch_size=batch_size, dry_run=dry_run)
    )
    try:
        summary = _run(
            loader, backend if bulk else None, sources, source_count(files), fmt, show_progress
        )
    except (ImdbFileError, BulkImportRefused) as exc:
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
        hidden = max(0, len(summary.rejects) - MAX_PRINTED) + max(
            0, len(summary.warnings) - MAX_PRINTED
        )
        if hidden:
            click.echo(
                f"... and {hidden} more (every reject is in the rejects file; --json "
                f"lists the first {KEPT:,} of each)",
                err=True,
            )
        if summary.rejects:
            click.echo(f"Rejected records written to {rejects_path}", err=True)
        if summary.matching is not None:
            _echo_matching(summary.matching)
        click.echo(summary.line())
    if isinstance(loader, BulkLoader) and loader.next_steps:
        click.echo(loader.next_steps, err=as_json)
    if summary.rejected and not allow_rejects:
        raise SystemExit(1)


def _echo_matching(matching: dict) -> None:
    """A dry run's matching, a line a name: the new names and the near-misses first."""
    counts = matching["counts"]
    click.echo(
        "names: "
        + ", ".join(
            f"{counts[name]} {name}"
            for name in ("joins", "new", "near misses", "suspicious")
            if counts.get(name)
        )
        if counts
        else "names: none"
    )
    names = sorted(matching["names"], key=lambda n: (not n["near_misses"], n["outcome"] != "new"))
    for item in names[:MAX_PRINTED]:
        if item["outcome"] == "new":
            said = "new"
            if item["near_misses"]:
                miss = item["near_misses"][0]
                said += f" (near-miss: {miss['name']!r}, {miss['key']}, {miss['score']:.2f})"
        else:
            said = f"joins {item['key']} by {item['rule']}"
        click.echo(f"  {item['label']:<8} {item['name']!r}: {said}")
    if len(names) > MAX_PRINTED:
        click.echo(f"  ... and {len(names) - MAX_PRINTED} more names (use --json for all)")


def _backend_if_reachable(cli: CliContext):
    """A dry run compares with the store when there is one, and works without it."""
    backend = cli.backend()
    return backend if backend.info().reachable else None


def _finish_import(cli: CliContext, folder: Path) -> None:
    try:
        cli.backend().finish_bulk_import(folder)
    except BulkImportRefused as exc:
        raise click.ClickException(str(exc)) from exc
    click.echo(f"finished the import of {folder}: the graph is ready")


def _run(
    loader: Loader | BulkLoader,
    bulk_target,
    sources: Iterator[SourceText],
    count: int,
    fmt: str | None,
    show_progress: bool,
    console=None,
):
    """Run a load (into `bulk_target` when bulk), with a progress bar if asked (on
    `console`, rich's default when None)."""

    def run(texts):
        if isinstance(loader, BulkLoader):
            return loader.load(bulk_target, texts, fmt, BULK_FOLDER)
        return loader.load(texts, fmt)

    if not show_progress:
        return run(sources)
    from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

    with Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        TextColumn("{task.completed} listings"),
        TimeElapsedColumn(),
        transient=True,
        console=console,
    ) as bar:
        task = bar.add_task("loading", total=None)
        shown_source = ["loading"]

        def listings_done(n: int) -> None:
            bar.update(task, advance=n, description=shown_source[0])

        def people_indexed(lines: int) -> None:
            # IMDb's people are indexed before the first title loads (minutes for the
            # real name.basics): say so, or the bar would sit still at 0 listings.
            bar.update(
                task, description=f"{shown_source[0]}: indexing name.basics, {lines:,} people"
            )
            bar.refresh()

        loader.on_progress = listings_done
        loader.on_indexed = people_indexed

        def shown():
            for i, source in enumerate(sources, 1):
                shown_source[0] = f"{source.name} ({i}/{count})"
                bar.update(task, description=shown_source[0])
                yield source

        return run(shown())


def register(group: click.Group) -> None:
    group.add_command(load)
