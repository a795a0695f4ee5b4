"""Printing results for people (tables) and for programs (JSON, CSV)."""

from __future__ import annotations

import csv
import json
import sys
from typing import Any

import click
from rich.console import Console
from rich.table import Table

from screengraph.graph.backend import Results
from screengraph.graph.result_text import cell_text, csv_cell

FORMATS = ("table", "json", "csv")


def format_option(func):
    """--json / --csv flags shared by every command that prints results."""
    func = click.option("--csv", "fmt", flag_value="csv", help="Print CSV.")(func)
    func = click.option("--json", "fmt", flag_value="json", help="Print JSON.")(func)
    func = click.option(
        "--table", "fmt", flag_value="table", default=True, help="Print a table (the default)."
    )(func)
    return func


def emit(
    results: Results,
    fmt: str = "table",
    *,
    title: str | None = None,
    whole: tuple[str, ...] = (),
) -> None:
    """`whole`: columns a table never folds (ids a user copies into the next command)."""
    if fmt == "json":
        click.echo(json.dumps(results.to_json(), ensure_ascii=False, indent=2))
        return
    if fmt == "csv":
        writer = csv.writer(sys.stdout)
        writer.writerow([csv_cell(str(c)) for c in results.columns])
        for row in results.rows:
            writer.writerow([csv_cell(cell_text(v)) for v in row])
        return
    console = Console(soft_wrap=False)
    table = Table(title=title, show_lines=False)
    for column in results.columns:
        table.add_column(column, overflow="fold", no_wrap=column in whole)
    for row in results.rows:
        table.add_row(
            *(cell_text(v) for v in row),
        )
    console.print(table)
    note = f"{len(results.rows)} row{'s' if len(results.rows) != 1 else ''}"
    if results.truncated:
        note += " (truncated at the row cap; raise SCREENGRAPH_MAX_ROWS or add a LIMIT)"
    console.print(note, style="dim")


def emit_json(data: Any) -> None:
    click.echo(json.dumps(data, ensure_ascii=False, indent=2, default=str))
