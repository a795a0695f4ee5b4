"""`screengraph loads` and `screengraph diff`: what loads ran, and what each changed."""

from __future__ import annotations

import click

from screengraph.confirm_options import previewed
from screengraph.context import CliContext, pass_context
from screengraph.graph.backend import Backend, Results
from screengraph.graph.result_text import counted
from screengraph.loaders.changes import diff_counts, diff_rows, load_diff
from screengraph.loaders.history import (
    LISTED,
    UNDO_KIND,
    LoadNotFound,
    find_load,
    list_loads,
    unfinished_undo,
)
from screengraph.loaders.undo import Undo, UndoRefused, preview_undo, undo_rows
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
        emit(_narrow(results), title="Loads", whole=("id", "status", "listings"))


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
                _status(item),
                counts,
                item["seconds"],
            ]
        )
    return Results(
        ["id", "started", "by", "via", "status", "listings", "seconds"], rows, results.truncated
    )


def _status(item: dict) -> str:
    """A load's outcome as the list shows it: an undo says so, an undone load too."""
    status = item["status"] or ""
    if item.get("kind") == UNDO_KIND:
        status = f"undo: {status}"
    return f"{status} (undone)" if item.get("undone_by") else status


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
@click.argument("last_id", metavar="[LOAD_B]", required=False)
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@pass_context
def diff(cli: CliContext, load_id: str, last_id: str | None, as_json: bool) -> None:
    """What one load changed: listings created, updated and unchanged; nodes and edges
    (credits...) added and removed; properties changed, before -> after. With two loads,
    the net change from just before the first to just after the second (and every load
    between them)."""
    try:
        found = load_diff(cli.backend(), load_id, last_id)
    except LoadNotFound as exc:
        raise click.ClickException(str(exc)) from exc
    if as_json:
        emit_json({**found, "counts": diff_counts(found)})
        return
    _describe(found["load"])
    if found["last"]:
        click.echo(f"to load {found['last']['id']}: {len(found['loads'])} loads, net change")
    if not found["recorded"]:
        click.echo("a bulk load: it made the whole graph, and kept no change record", err=True)
    emit(diff_rows(found), title="Changes")
    click.echo(
        ", ".join(f"{name.replace('_', ' ')} {count}" for name, count in diff_counts(found).items())
    )


def _describe(record: dict) -> None:
    click.echo(
        f"load {record['id']} ({record.get('status')}, {record.get('via')}, "
        f"by {record.get('by')}, started {record.get('started_at')})"
    )


@click.command()
@click.argument("load_id", metavar="LOAD")
@click.option(
    "--cascade",
    is_flag=True,
    help="Also undo the later loads that depend on this one, newest first.",
)
@previewed("Undo")
@pass_context
def undo(cli: CliContext, load_id: str, yes: bool, cascade: bool, as_json: bool) -> None:
    """Undo a load: remove what it asserted that no other listing asserts and put back what
    it replaced, so the catalogue is as it was before it. Shows what it would undo first.
    Refuses when later loads changed the same listings, nodes or edges (it says which),
    unless --cascade. An undo that was stopped is finished by running it again."""
    backend = cli.backend()
    try:
        preview = preview_undo(backend, load_id, cascade)
        diffs = [load_diff(backend, target["id"]) for target in preview.targets]
    except LoadNotFound as exc:
        raise click.ClickException(str(exc)) from exc
    unfinished = preview.refusal and _unfinished_of(backend, preview.load["id"])
    if as_json and not yes:
        emit_json(
            {
                **preview.to_json(),
                "changes": [undo_rows(d).to_json() for d in diffs],
                "counts": [diff_counts(d) for d in diffs],
            }
        )
        return
    if not as_json:
        for found in diffs:
            _describe(found["load"])
            emit(undo_rows(found), title="Undo")
    if preview.refusal and not unfinished:
        raise click.ClickException(preview.refusal)
    if not yes:
        click.confirm(
            f"Undo {counted(len(preview.targets), 'load')}: "
            f"{', '.join(t['id'] for t in preview.targets)}?",
            abort=True,
        )
    try:
        result = Undo(backend).run(preview.load["id"], cascade)
    except UndoRefused as exc:
        raise click.ClickException(str(exc)) from exc
    if as_json:
        emit_json(result.to_json())
        return
    click.echo(
        f"{'finished undo' if result.resumed else 'undone by'} {result.undo_id}: "
        f"load {', '.join(result.undone)} ({result.seconds} s)"
    )


def _unfinished_of(backend: Backend, load_id: str) -> bool:
    """Whether an undo of this load was stopped midway (running it again finishes it)."""
    waiting = unfinished_undo(backend)
    return waiting is not None and load_id in waiting[1]


def register(group: click.Group) -> None:
    group.add_command(loads)
    group.add_command(diff)
    group.add_command(undo)
