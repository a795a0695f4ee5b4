"""The options of a command that changes the graph after a preview (merge, split, undo):
declared once so that every such command asks, skips the question and prints JSON alike."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import click


def previewed(verb: str) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """--yes (do it after the preview without asking) and --json (the preview only, unless
    --yes, then what was done)."""

    def decorate(command: Callable[..., Any]) -> Callable[..., Any]:
        command = click.option(
            "--json",
            "as_json",
            is_flag=True,
            help="Print JSON: the preview only, unless --yes, then what was done.",
        )(command)
        return click.option(
            "--yes", is_flag=True, help=f"{verb} without asking (after the preview)."
        )(command)

    return decorate
