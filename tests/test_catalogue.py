"""The command line, the web forms and checks, and /openapi.json ask the catalogue's
questions the same way: every listed question, every parameter, the same limits
(queries/catalogue.py declares each once)."""

from __future__ import annotations

import json
import re
from dataclasses import replace

import click
import pytest
from click.testing import CliRunner

from screengraph.cli import main
from screengraph.queries.catalogue import Param, Question, catalogue
from screengraph.question_options import QuestionCommand, option_name
from screengraph.webapp.views_connect import PATH_FIELDS
from screengraph.webapp.views_explore import LIST_QUESTIONS, NEIGHBOURHOOD_FIELDS, SEARCH_FIELDS
from tests.webapp.conftest import make_app

FORMAT_FLAGS = {"fmt"}  # --table / --json / --csv, every printing command's own


@pytest.fixture
def client(embedded):
    return make_app(embedded).test_client()


def _listed(backend) -> list[Question]:
    return catalogue().runnable_on(backend)


def _ranged(question: Question) -> list[Param]:
    return [p for p in question.parameters if p.type == "int" and p.high is not None]


def test_maintainer_notes_are_never_shown(client, embedded):
    noted = [q for q in _listed(embedded) if q.notes]
    assert noted, "no listed question has maintainer notes to keep out of sight"
    shown = [
        client.get("/queries").get_data(as_text=True),
        client.get("/openapi.json").get_data(as_text=True),
        json.dumps([q.to_json() for q in catalogue().all()]),
        *(client.get(f"/queries/{q.name}").get_data(as_text=True) for q in noted),
    ]
    for asked in noted:
        assert all(asked.notes not in text for text in shown), asked.name


# -- the command line -----------------------------------------------------------


def test_query_lists_every_question_as_the_catalogue_declares_it(tmp_path):
    result = CliRunner().invoke(
        main, ["--backend", "embedded", "--data-dir", str(tmp_path), "query", "--list", "--json"]
    )
    assert result.exit_code == 0, result.output
    assert json.loads(result.output) == [q.to_json() for q in catalogue().all()]


def test_question_commands_take_the_catalogues_parameters_and_limits():
    every = (main.get_command(None, name) for name in main.list_commands(None))
    commands = [c for c in every if isinstance(c, QuestionCommand)]
    assert {c.question for c in commands} >= {"search", "related", "path"}
    for command in commands:
        asked = catalogue().get(command.question)
        assert asked.listed, command.name
        given = {p.name: p for p in command.params if p.name not in FORMAT_FLAGS}
        assert set(given) == {p.name for p in asked.parameters}, command.name
        for param in asked.parameters:
            cli = given[param.name]
            where = f"{command.name} {param.name}"
            assert isinstance(cli, click.Argument) == param.argument, where
            assert cli.required == param.required, where
            assert cli.multiple == param.multiple, where
            if isinstance(cli, click.Option):
                assert cli.opts == [option_name(param)], where
                assert cli.default == param.default, where
            if param.choices:
                assert isinstance(cli.type, click.Choice)
                assert tuple(cli.type.choices) == param.choices, where
            if param.type == "int" and param.bounds():
                assert isinstance(cli.type, click.IntRange), where
                assert (cli.type.min, cli.type.max) == (param.low, param.high), where


def test_the_command_line_refuses_one_past_each_limit(tmp_path):
    def run(*args):
        return CliRunner().invoke(
            main, ["--backend", "embedded", "--data-dir", str(tmp_path), *args]
        )

    for asked in catalogue().all():
        for param in _ranged(asked):
            result = run("query", asked.name, "--param", f"{param.name}={param.high + 1}")
            assert result.exit_code != 0, (asked.name, param.name)
            assert f"'{param.name}' must be {param.bounds()}" in result.output, result.output


# -- the web forms and their checks ---------------------------------------------


def _field(html: str, name: str) -> str:
    found = re.search(rf'<(?:input|select)\b[^>]*\bname="{name}"[^>]*>', html)
    assert found, f"no field {name!r}"
    return found.group(0)


def test_every_question_has_a_form_with_the_catalogues_fields_and_limits(client, embedded):
    gallery = client.get("/queries").get_data(as_text=True)
    for asked in _listed(embedded):
        assert f'href="/queries/{asked.name}"' in gallery, asked.name
        html = client.get(f"/queries/{asked.name}").get_data(as_text=True)
        for param in asked.parameters:
            field = _field(html, param.name)
            where = f"{asked.name} {param.name}"
            assert (" required" in field) == param.required, where
            for attribute, value in (("min", param.low), ("max", param.high)):
                shown = re.search(rf'\b{attribute}="([^"]*)"', field)
                assert (shown and shown.group(1)) == (None if value is None else str(value)), where
            if param.choices:
                options = re.search(
                    rf'name="{param.name}"[^>]*>(.*?)</select>', html, re.DOTALL
                ).group(1)
                assert [o for o in re.findall(r'value="([^"]*)"', options) if o] == list(
                    param.choices
                ), where


def test_the_web_refuses_one_past_each_limit_naming_the_parameter(client, embedded):
    routes = [(f"/queries/{q.name}.json", q, {}) for q in _listed(embedded)]
    routes += [
        ("/search.json", catalogue().get("search"), SEARCH_FIELDS),
        ("/connect.json", catalogue().get("path"), PATH_FIELDS),
        *((url, _around(), {}) for url in _NEIGHBOURHOOD_ROUTES),
    ]
    checked = 0
    for url, asked, names in routes:
        for param in _ranged(asked):
            field = names.get(param.name, param.name)
            for wrong in (param.high + 1, param.low - 1):
                response = client.get(url, query_string={field: wrong})
                assert response.status_code == 400, (url, field, wrong)
                message = response.get_json()["error"]["message"]
                assert f"'{param.name}' must be {param.bounds()}" in message, message
                checked += 1
            response = client.get(url, query_string={field: param.high})
            assert f"'{param.name}' must be" not in response.get_data(as_text=True), url
    assert checked >= 20


# A page's graph view and its downloads: the neighbourhood question, its entity in the path.
_NEIGHBOURHOOD_ROUTES = ("/show/the-bureau/graph.json", "/person/x/graph.json")


def _around() -> Question:
    asked = catalogue().get("neighbourhood")
    return replace(
        asked, parameters=tuple(p for p in asked.parameters if p.name in NEIGHBOURHOOD_FIELDS)
    )


def test_the_connect_form_offers_the_hop_limit_of_the_catalogue(client):
    hops = catalogue().get("path").param("max_hops")
    html = client.get("/connect").get_data(as_text=True)
    offered = re.search(r'<select id="max_hops"[^>]*>(.*?)</select>', html, re.DOTALL).group(1)
    assert [int(v) for v in re.findall(r'value="(\d+)"', offered)] == list(
        range(hops.low, hops.high + 1)
    )


# -- /openapi.json --------------------------------------------------------------


def _documented(param: Param, field: str) -> dict:
    schema: dict = {
        "type": {"int": "integer", "float": "number", "bool": "boolean"}.get(param.type, "string")
    }
    if param.choices:
        schema["enum"] = list(param.choices)
    if param.low is not None:
        schema["minimum"] = param.low
    if param.high is not None:
        schema["maximum"] = param.high
    return {"name": field, "required": param.required, "schema": schema}


def _as_described(parameter: dict) -> dict:
    schema = parameter["schema"].get("items", parameter["schema"])
    kept = {k: v for k, v in schema.items() if k in ("type", "enum", "minimum", "maximum")}
    return {"name": parameter["name"], "required": parameter["required"], "schema": kept}


def test_openapi_documents_every_question_with_the_catalogues_parameters(client, embedded):
    paths = client.get("/openapi.json").get_json()["paths"]
    questions = {p for p in paths if re.fullmatch(r"/queries/\w+\.json", p)}
    assert questions == {f"/queries/{q.name}.json" for q in _listed(embedded)}
    routes = [(f"/queries/{q.name}.json", q, {}) for q in _listed(embedded)]
    routes += [
        ("/search.json", catalogue().get("search"), SEARCH_FIELDS),
        ("/connect.json", catalogue().get("path"), PATH_FIELDS),
        *((f"/{label}/{{key}}/graph.json", _around(), {}) for label in ("show", "genre")),
        ("/person/{key}/export.graphml", _around(), {}),
    ]
    # An entity page's long list takes its list question's parameters (its key is the path's).
    routes += [
        (f"/{label.lower()}/{{key}}.json", catalogue().get(name), {})
        for label, name in LIST_QUESTIONS.items()
    ]
    for url, asked, names in routes:
        described = {p["name"]: _as_described(p) for p in paths[url]["get"]["parameters"]}
        for param in asked.parameters:
            if param.name == "key" and "{key}" in url:
                continue
            field = names.get(param.name, param.name)
            assert described.get(field) == _documented(param, field), (url, field)
            multiple = paths[url]["get"]["parameters"][list(described).index(field)]
            assert (multiple["schema"]["type"] == "array") == param.multiple, (url, field)
