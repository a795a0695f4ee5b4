"""Click commands generated from the catalogue: a question's parameters become the
command's arguments and options, with the catalogue's types, defaults, ranges and
choices (queries/catalogue.py), so the CLI cannot drift from the web app."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import click

from screengraph.queries.catalogue import Param, Question, catalogue


def option_name(param: Param) -> str:
    """`max_hops` -> `--max-hops`."""
    return "--" + param.name.replace("_", "-")


def click_type(param: Param) -> Any:
    if param.choices:
        return click.Choice(list(param.choices))
    if param.type == "int":
        return click.IntRange(param.low, param.high) if param.bounds() else int
    if param.type == "float":
        return click.FloatRange(param.low, param.high) if param.bounds() else float
    if param.type == "bool":
        return bool
    return str


def click_parameter(param: Param) -> Callable[[Callable], Callable]:
    """The click decorator declaring `param`: an argument or an option."""
    if param.argument:
        return click.argument(
            param.name,
            metavar=param.metavar or param.name.upper(),
            required=param.required,
            type=click_type(param),
        )
    return click.option(
        option_name(param),
        param.name,
        type=click_type(param),
        default=param.default,
        show_default=param.default not in (None, (), []),
        multiple=param.multiple,
        required=param.required,
        help=param.help + (" Repeatable." if param.multiple else ""),
    )


class QuestionCommand(click.Command):
    """A command that asks one question of the catalogue (`question` names it)."""

    question: str = ""


def question_command(name: str, command_name: str | None = None) -> Callable[[Callable], Any]:
    """A click command for the question `name`, its help and parameters from the catalogue."""
    asked: Question = catalogue().get(name)

    def decorate(func: Callable) -> QuestionCommand:
        for param in reversed(asked.parameters):
            func = click_parameter(param)(func)
        arguments = [
            f"{p.metavar or p.name.upper()}: {p.help}" for p in asked.parameters if p.argument
        ]
        text = "\n\n".join([asked.description, *arguments])
        command = click.command(command_name or name, cls=QuestionCommand, help=text)(func)
        command.question = name
        return command

    return decorate
