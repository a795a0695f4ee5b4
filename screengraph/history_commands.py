"""`screengraph loads` and `screengraph diff`: what loads ran, and what each changed."""

from __future__ import annotations

import click

from graph.backend import Results
from loaders.changes import diff_counts, diff_rows, load_diff
from loaders.history import LISTED, LoadNotFound, find_load, list_loads
from screengraph.context import CliContext, pass_context
from screengraph.output import emit, emit_json


@click.group(invoke_without_command=True)
@click.option(
    "--limit",
    type=click.IntRange(1, 100_000),
    default=LISTED,
    show_default=True,
    help="How many loads to list, newest first.",
)
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@pass_context
@click.pass_context
def loads(ctx: click.Context, cli: CliContext, limit: int, as_json: bool) -> None:
    """List the loads into this graph, newest first: when, by whom, from where, their
    counts and outcome. The table's listings column reads loaded+ updated~ unchanged=
    rejected!. `screengraph loads show ID` gives one load."""
    if ctx.invoked_subcommand is not None:
        return
    results = list_loads(cli.backend(), limit)
    if as_json:
        emit_json([dict(zip(results.columns, row)) for row in results.rows])
    else:
        emit(_narrow(results), title="Loads")


def _narrow(results: Results) -> Results:
    """The list as a terminal shows it: the counts in one column (--json has each)."""
    rows = []
    for row in results.rows:
        item = dict(zip(results.columns, row))
        counts = " ".join(f"{item[name] or 0}{mark}" for name, mark in _COUNT_MARKS)
        rows.append(
            [
                item["id"],
                (item["started_at"] or "")[:19].replace("T", " "),
                item["by"],
                item["via"],
                item["status"],
                counts,
                item["seconds"],
            ]
        )
    return Results(
        ["id", "started", "by", "via", "status", "listings", "seconds"], rows, results.truncated
    )


# How `loads show` orders a record: what and who first, then when, counts and outcome.
RECORD_ORDER = (
    "id",
    "status",
    "error",
    "via",
    "by",
    "host",
    "pid",
    "started_at",
    "finished_at",
    "seconds",
    "files",
    "loaded",
    "updated",
    "unchanged",
    "rejected",
    "credits",
    "warnings",
    "changes",
)

# loaded, updated, unchanged, rejected: "3+ 1~ 5= 0!"
_COUNT_MARKS = (("loaded", "+"), ("updated", "~"), ("unchanged", "="), ("rejected", "!"))


@loads.command("show")
@click.argument("load_id", metavar="ID")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@pass_context
def show(cli: CliContext, load_id: str, as_json: bool) -> None:
    """One load's record: when, who, which inputs (with their SHA-256), counts, outcome.
    ID may be the start of a load's id, if only one load's id begins with it."""
    try:
        record = find_load(cli.backend(), load_id)
    except LoadNotFound as exc:
        raise click.ClickException(str(exc)) from exc
    if as_json:
        emit_json(record)
        return
    inputs = record.pop("inputs")
    record = {name: record.get(name) for name in RECORD_ORDER if name in record} | record
    width = max(len(name) for name in record)
    for name, value in record.items():
        click.echo(f"{name:<{width}}  {'' if value is None else value}")
    click.echo("inputs:" if inputs else "inputs: (none recorded)")
    for item in inputs:
        click.echo(f"  {item['sha256']}  {item['name']}")


@click.command()
@click.argument("load_id", metavar="LOAD")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@pass_context
def diff(cli: CliContext, load_id: str, as_json: bool) -> None:
    """What one load changed: listings created, updated and unchanged; nodes and edges
    (credits...) added and removed; properties changed, before -> after."""
    try:
        found = load_diff(cli.backend(), load_id)
    except LoadNotFound as exc:
        raise click.ClickException(str(exc)) from exc
    if as_json:
        emit_json({**found, "counts": diff_counts(found)})
        return
    record = found["load"]
    click.echo(
        f"load {record['id']} ({record.get('status')}, {record.get('via')}, "
        f"by {record.get('by')}, started {record.get('started_at')})"
    )
    if not found["recorded"]:
        click.echo("a bulk load: it made the whole graph, and kept no change record", err=True)
    emit(diff_rows(found), title="Changes")
    click.echo(
        ", ".join(f"{name.replace('_', ' ')} {count}" for name, count in diff_counts(found).items())
    )


def register(group: click.Group) -> None:
    group.add_command(loads)
    group.add_command(diff)
