"""The analysts' commands: search, related, collaborators, suggest, path, query, cypher.

The question commands take their arguments and options from the catalogue
(screengraph/question_options.py); only how each prints its answer is here."""

from __future__ import annotations

import json

import click

from screengraph.context import CliContext, pass_context
from screengraph.graph.backend import Results
from screengraph.output import emit, emit_json, format_option
from screengraph.queries import explore
from screengraph.queries.catalogue import as_results, catalogue
from screengraph.queries.counted import counted_shows
from screengraph.queries.entity_params import EntityParameterError, resolve_entity_params
from screengraph.queries.errors import AmbiguousEntity, UnknownEntity
from screengraph.queries.namesakes import distinguish_one
from screengraph.queries.paths import connection_path
from screengraph.queries.search import resolve_entity, search_results
from screengraph.question_options import question_command


def _parse_params(pairs: tuple[str, ...]) -> dict:
    params = {}
    for pair in pairs:
        name, sep, value = pair.partition("=")
        if not sep or not name:
            raise click.UsageError(f"--param {pair!r}: write name=value")
        params[name.strip()] = value
    return params


def _resolve(cli: CliContext, text: str, label: str | None) -> dict:
    """An entity named as a user writes it; ambiguity and typos end the command clearly."""
    try:
        return resolve_entity(cli.backend(), text, label)
    except AmbiguousEntity as exc:
        click.echo(f"{text!r} is ambiguous; name one of these by its key:", err=True)
        for c in exc.candidates:
            year = f" ({c['year']})" if c.get("year") else ""
            click.echo(
                f"  {c['label']}:{c['key']}  {c.get('display') or c['name']}{year}", err=True
            )
        raise SystemExit(2) from None
    except UnknownEntity as exc:
        raise click.ClickException(str(exc)) from None


def _shown(cli: CliContext, entity: dict) -> str:
    """An entity's name as the command prints it: with its detail when it has namesakes."""
    return distinguish_one(cli.backend(), entity["label"], entity["key"], entity["name"])["display"]


def _emit_rows(rows: list[dict], columns: list[str], fmt: str, title: str) -> None:
    emit(Results(columns, [[row.get(c) for c in columns] for row in rows]), fmt, title=title)


def _tell_counted(cli: CliContext, person_key: str) -> None:
    """Say, beside the answer, when a ranking counted only a prolific person's newest
    shows (queries/counted.py); on standard error, so that JSON stays JSON."""
    note = counted_shows(cli.backend(), person_key).note()
    if note:
        click.echo(f"note: {note}", err=True)


@question_command("search")
@format_option
@pass_context
def search(cli: CliContext, text, label, limit, offset, fmt) -> None:
    results = search_results(cli.backend(), text, label, limit=limit, offset=offset)
    _emit_rows(
        results, ["label", "key", "name", "year", "detail", "matched_title"], fmt, f"Search: {text}"
    )


@question_command("related")
@format_option
@pass_context
def related(cli: CliContext, key, limit, fmt) -> None:
    entity = _resolve(cli, key, "Show")
    rows = [
        {**row, "name": row["display"]}
        for row in explore.related_shows(cli.backend(), entity["key"], limit=limit)
    ]
    _emit_rows(
        rows,
        ["key", "name", "year", "score", "explanation"],
        fmt,
        f"Related to {_shown(cli, entity)}",
    )


@question_command("collaborators_ranked", "collaborators")
@format_option
@pass_context
def collaborators(cli: CliContext, key, limit, fmt) -> None:
    entity = _resolve(cli, key, "Person")
    rows = explore.collaborators(cli.backend(), entity["key"], limit=limit)
    _tell_counted(cli, entity["key"])
    if fmt == "json":
        emit_json(rows)
        return
    flat = [
        {
            "key": r["key"],
            "name": r["display"],
            "shared shows": r["count"],
            "their roles": ", ".join(r["roles"]),
            "shows": "; ".join(
                f"{s['name']} ({'/'.join(s['their_roles'])} with "
                f"{entity['name']} as {'/'.join(s['roles'])})"
                for s in r["shows"]
            ),
        }
        for r in rows
    ]
    _emit_rows(
        flat,
        ["key", "name", "shared shows", "their roles", "shows"],
        fmt,
        f"Collaborators of {_shown(cli, entity)}",
    )


@question_command("suggest")
@format_option
@pass_context
def suggest(cli: CliContext, key, limit, fmt) -> None:
    entity = _resolve(cli, key, "Person")
    rows = explore.suggested_collaborators(cli.backend(), entity["key"], limit=limit)
    _tell_counted(cli, entity["key"])
    _emit_rows(
        [{**row, "name": row["display"]} for row in rows],
        ["key", "name", "count", "score", "explanation"],
        fmt,
        f"Suggested collaborators for {_shown(cli, entity)}",
    )


@question_command("path")
@format_option
@pass_context
def path(cli: CliContext, source, target, max_hops, paths, fmt) -> None:
    start, end = _resolve(cli, source, None), _resolve(cli, target, None)
    answer = connection_path(cli.backend(), start, end, max_hops=max_hops, paths=paths)
    if fmt == "json":
        emit_json(answer)
    elif not answer["found"]:
        click.echo(f"{_shown(cli, start)} and {_shown(cli, end)}: {answer['message']}.")
    else:
        for found in answer["paths"]:
            steps = []
            for step in found:
                if "label" in step:
                    steps.append(f"{step.get('display') or step['name']} ({step['label']})")
                else:
                    role = f" as {step['role']}" if step.get("role") else ""
                    steps.append(f"-[{step['type']}{role}]-")
            click.echo(f"{answer['length']} hops: " + " ".join(steps))
    if not answer["found"]:
        raise SystemExit(1)


@click.command()
@click.argument("name", required=False)
@click.option("--param", "-p", "pairs", multiple=True, help="name=value (repeatable).")
@click.option("--list", "list_queries", is_flag=True, help="List the canned queries.")
@format_option
@pass_context
def query(cli: CliContext, name, pairs, list_queries, fmt) -> None:
    """Run a canned query by NAME (see --list)."""
    reg = catalogue()
    if list_queries or not name:
        items = [q.to_json() for q in reg.all()]
        if fmt == "json":
            emit_json(items)
            return
        for q in items:
            params = ", ".join(
                f"{p['name']}:{p['type']}"
                + ("" if p["required"] else f"={p['default']}")
                + (f" ({p['minimum']}..{p['maximum']})" if "maximum" in p else "")
                for p in q["parameters"]
            )
            click.echo(f"{q['name']:<24} {q['title']}  ({params or 'no parameters'})")
        return
    asked = reg.get(name)
    try:
        bound = resolve_entity_params(cli.backend(), asked, asked.bind(_parse_params(pairs)))
    except EntityParameterError as exc:
        raise click.ClickException(str(exc)) from None
    results = reg.run(cli.backend(), name, bound, max_rows=cli.settings.max_rows)
    emit(results, fmt, title=asked.title)


@click.command()
@click.argument("statement")
@click.option(
    "--param", "-p", "pairs", multiple=True, help="name=value; values are JSON when they parse."
)
@format_option
@pass_context
def cypher(cli: CliContext, statement, pairs, fmt) -> None:
    """Run read-only Cypher, time-limited and row-capped (a write is refused)."""
    params = {}
    for name, value in _parse_params(pairs).items():
        try:
            params[name] = json.loads(value)
        except json.JSONDecodeError:
            params[name] = value
        except RecursionError:
            raise click.BadParameter(
                f"{name}: the JSON value is nested too deeply", param_hint="--param"
            ) from None
    results = cli.backend().run_adhoc(statement, params)
    emit(results, fmt)
    if results.truncated and fmt == "csv":
        # Tables say so themselves and JSON carries "truncated"; CSV has no room for a note.
        click.echo(
            f"truncated at {len(results.rows)} rows (the row cap); raise "
            "SCREENGRAPH_MAX_ROWS or add a LIMIT",
            err=True,
        )


def register(group: click.Group) -> None:
    for command in (search, related, collaborators, suggest, path, query, cypher):
        group.add_command(command)


__all__ = ["register", "as_results"]
