"""`screengraph merge`, `split` (`unmerge`) and `decisions`: a maintainer's merges of
duplicates, previewed first, recorded as decisions, and reversible (loaders/merge.py)."""

from __future__ import annotations

import click

from screengraph.confirm_options import previewed
from screengraph.context import CliContext, pass_context
from screengraph.graph.backend import Results
from screengraph.graph.result_text import counted
from screengraph.loaders.decisions import (
    LISTED,
    SPLIT,
    DecisionNotFound,
    find_decision,
    list_decisions,
)
from screengraph.loaders.history import LoadOrigin
from screengraph.loaders.merge import (
    MergeRefused,
    check_mergeable,
    finish_decisions,
    merge_entities,
    plan_merge,
    split_decision,
    split_preview,
)
from screengraph.output import emit, emit_json
from screengraph.queries.errors import AmbiguousEntity, UnknownEntity
from screengraph.queries.search import resolve_entity


def _entity(cli: CliContext, text: str) -> dict:
    """An entity as the other commands take it: a name, `Label:key` or an identifier."""
    try:
        return resolve_entity(cli.backend(), text)
    except AmbiguousEntity as exc:
        names = ", ".join(f"{c['label']}:{c['key']}" for c in exc.candidates)
        raise click.ClickException(f"{text!r} is ambiguous: name one of {names}") from None
    except UnknownEntity as exc:
        raise click.ClickException(str(exc)) from None


def _say_preview(preview: dict) -> None:
    survivor, merged = preview["survivor"], preview["merged"]
    click.echo(
        f"{merged['label']} {merged['name']} [{merged['key']}] would be merged into "
        f"{survivor['name']} [{survivor['key']}], which survives as {preview['name_after']!r}:"
    )
    click.echo(
        f"  credits moved: {preview['credits_moved']} on "
        + counted(preview["shows"], "neighbour" if preview["label"] == "Show" else "show")
        + (
            f" ({preview['credits_joined']} the survivor already had: joined)"
            if preview["credits_joined"]
            else ""
        )
    )
    click.echo(f"  identifiers moved: {', '.join(preview['identifiers_moved']) or 'none'}")
    click.echo(f"  spellings moved: {', '.join(preview['spellings_moved'])}")
    click.echo(
        f"  listings whose provenance is rewritten: {preview['listings_rewritten']}; later "
        f"loads spelling {', '.join(preview['aliases']) or 'its name'} land on the survivor"
    )


@click.command()
@click.argument("survivor")
@click.argument("merged")
@click.option("--why", default=None, help="Why they are one: kept with the decision.")
@previewed("Merge")
@pass_context
def merge(
    cli: CliContext, survivor: str, merged: str, why: str | None, yes: bool, as_json: bool
) -> None:
    """Merge MERGED into SURVIVOR (two people, companies, genres or shows): its credits (a
    show's every edge and listing), identifiers and spellings move to SURVIVOR, which keeps its key; later loads that spell MERGED's
    name, or carry its identifiers, land on SURVIVOR. Each is a name, Label:key or an
    identifier. Shows the preview first; `screengraph split DECISION` undoes it. A merge
    or split stopped midway is finished first."""
    backend = cli.backend()
    finished = _finish(backend, as_json)
    one, other = _entity(cli, survivor), _entity(cli, merged)
    if finished and one["label"] == other["label"] and one["key"] == other["key"]:
        if as_json:
            emit_json({"finished": finished, "merged": True})
        return  # the merge asked for again was the one stopped midway: finished
    try:
        if one["label"] != other["label"]:
            raise MergeRefused(
                f"{survivor!r} is a {one['label']} and {merged!r} a {other['label']}: "
                "only two entities of one kind can be merged"
            )
        check_mergeable(one["label"])
        preview = plan_merge(backend, one["label"], one["key"], other["key"]).preview()
        if as_json and not yes:
            emit_json({"preview": preview, "merged": False})
            return
        if not as_json:
            _say_preview(preview)
        if not yes and not click.confirm("Merge them?", default=False):
            click.echo("Nothing merged.", err=True)
            return
        decision = merge_entities(
            backend, one["label"], one["key"], other["key"], LoadOrigin(), why
        )
    except MergeRefused as exc:
        raise click.ClickException(str(exc)) from None
    if as_json:
        emit_json({"decision": decision, "merged": True})
        return
    click.echo(
        f"Merged: decision {decision['id']} (`screengraph split {decision['id']}` undoes it)."
    )


def _echo_split_preview(preview: dict) -> None:
    merged, survivor = preview["merged"], preview["survivor"]
    click.echo(
        f"{preview['label']} {merged['name']} [{merged['key']}] would come back beside "
        f"{survivor['name']} [{survivor['key']}] (decision {preview['decision']}):"
    )
    click.echo(f"  credits back: {preview['credits_back']}")
    click.echo(f"  identifiers back: {', '.join(preview['identifiers_back']) or 'none'}")
    click.echo(f"  spellings back: {', '.join(preview['spellings_back']) or 'none'}")
    click.echo(
        f"  later loads spelling {', '.join(preview['aliases_removed']) or merged['key']} "
        f"make or join {merged['name']} again"
    )


@click.command()
@click.argument("decision_id", metavar="DECISION")
@click.option("--why", default=None, help="Why the merge was wrong: kept with the decision.")
@previewed("Split")
@pass_context
def split(cli: CliContext, decision_id: str, why: str | None, yes: bool, as_json: bool) -> None:
    """Undo a merge exactly: both entities, their credits, identifiers and spellings back as
    they were before it. DECISION may be the start of a decision's id. Previewed first.
    A merge or split stopped midway is finished first."""
    backend = cli.backend()
    finished = _finish(backend, as_json)
    try:
        if any(decision_id and d["id"].startswith(decision_id) for d in finished):
            found = find_decision(backend, decision_id)
            if found["status"] == SPLIT:
                if as_json:
                    emit_json({"finished": finished, "split": True})
                return  # the split asked for again was the one stopped midway: finished
        preview = split_preview(backend, decision_id)
        if as_json and not yes:
            emit_json({"preview": preview, "split": False})
            return
        if not as_json:
            _echo_split_preview(preview)
        if not yes and not click.confirm("Split them?", default=False):
            click.echo("Nothing split.", err=True)
            return
        decision = split_decision(backend, decision_id, LoadOrigin(), why)
    except (MergeRefused, DecisionNotFound) as exc:
        raise click.ClickException(str(exc)) from None
    if as_json:
        emit_json({k: v for k, v in decision.items() if k not in ("images", "after")})
        return
    click.echo(
        f"Split: {decision['merged_name']} [{decision['merged']}] and "
        f"{decision['survivor_name']} [{decision['survivor']}] are two again "
        f"(decision {decision['id']})."
    )


@click.command()
@click.option(
    "--limit",
    type=click.IntRange(1, 100_000),
    default=LISTED,
    show_default=True,
    help="How many decisions to list, newest first.",
)
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@click.option(
    "--finish",
    is_flag=True,
    help="First finish the merges and splits stopped midway (killed); loads wait for it.",
)
@pass_context
def decisions(cli: CliContext, limit: int, as_json: bool, finish: bool) -> None:
    """The curation decisions (merges, and whether they were split), newest first."""
    if finish:
        _finish(cli.backend(), as_json)
    results = list_decisions(cli.backend(), limit)
    if as_json:
        emit_json([dict(zip(results.columns, row)) for row in results.rows])
        return
    shown = ("id", "at", "by", "status", "label", "survivor", "merged", "why")
    index = [results.columns.index(name) for name in shown]
    emit(
        Results(list(shown), [[row[i] for i in index] for row in results.rows]),
        title="Decisions",
        whole=("id",),
    )


def _finish(backend, quiet: bool) -> list[dict]:
    """Finish the merges and splits stopped midway, saying so; returns them."""
    finished = [
        {k: d.get(k) for k in ("id", "status", "label", "survivor", "merged")}
        for d in finish_decisions(backend)
    ]
    for done in finished:
        if not quiet:
            click.echo(
                f"Finished decision {done['id']}, stopped midway: {done['merged']} and "
                f"{done['survivor']} are now {done['status']}."
            )
    return finished


def register(group: click.Group) -> None:
    group.add_command(merge)
    group.add_command(split)
    group.add_command(split, name="unmerge")
    group.add_command(decisions)
