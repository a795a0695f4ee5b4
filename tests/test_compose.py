"""docker-compose.yml, checked without a Docker engine (none runs here, nor in CI).

- It follows the Compose Specification: its JSON schema as check-jsonschema ships it
  (a dev dependency, so no network at test time).
- Every variable it reads is documented in .env.example, with the same default, and
  .env.example names nothing that is neither a setting nor one of those variables.
- It has the shape the README promises (Neo4j healthy before the app and the loader,
  secrets from the env file, a one-shot loader profile).
"""

from __future__ import annotations

import copy
import importlib.resources
import json
import re

import jsonschema
import pytest
import yaml

from screengraph.graph.settings import SETTINGS
from tests.conftest import REPO
from tests.test_env_example import env_example

COMPOSE_TEXT = (REPO / "docker-compose.yml").read_text()
COMPOSE = yaml.safe_load(COMPOSE_TEXT)

# Compose interpolation: $$ is a literal dollar; ${NAME}, ${NAME:-default}, ${NAME-default},
# ${NAME:?error}, ${NAME?error}, ${NAME:+alt}, ${NAME+alt} and $NAME read a variable.
_INTERPOLATION = re.compile(
    r"\$\$"
    r"|\$\{(?P<braced>[A-Za-z_]\w*)(?:(?P<op>:?[-?+])(?P<arg>[^}]*))?\}"
    r"|\$(?P<bare>[A-Za-z_]\w*)"
)


def compose_variables(text: str) -> dict[str, set[str]]:
    """Each variable the compose file reads, with the defaults it gives it (`:-` and `-`)."""
    variables: dict[str, set[str]] = {}
    for match in _INTERPOLATION.finditer(text):
        name = match["braced"] or match["bare"]
        if name is None:
            continue  # $$
        defaults = variables.setdefault(name, set())
        if match["op"] in (":-", "-"):
            defaults.add(match["arg"])
    return variables


def compose_schema() -> dict:
    vendor = importlib.resources.files("check_jsonschema.builtin_schemas.vendor")
    return json.loads((vendor / "compose-spec.json").read_text())


def schema_errors(document: dict) -> list[str]:
    schema = compose_schema()
    validator = jsonschema.validators.validator_for(schema)(schema)
    return [
        f"{'/'.join(map(str, error.absolute_path)) or '(top)'}: {error.message}"
        for error in validator.iter_errors(document)
    ]


def test_compose_file_follows_the_compose_specification():
    assert compose_schema()["title"] == "Compose Specification"
    errors = schema_errors(COMPOSE)
    assert not errors, "docker-compose.yml breaks the Compose Specification:\n" + "\n".join(errors)


@pytest.mark.parametrize(
    "break_it",
    [
        lambda doc: doc["services"]["app"].update(helthcheck={"test": ["NONE"]}),
        lambda doc: doc["services"]["app"]["depends_on"]["neo4j"].update(
            condition="service_heathy"
        ),
        lambda doc: doc["services"]["neo4j"].update(ports="7687:7687"),
    ],
)
def test_the_schema_check_catches_a_broken_compose_file(break_it):
    broken = copy.deepcopy(COMPOSE)
    break_it(broken)
    assert schema_errors(broken)


def test_compose_variables_are_found_past_escaped_dollars():
    text = 'a: "${A:-1} $B ${C:?say} $${NOT_ONE#x} $$D"'
    assert compose_variables(text) == {"A": {"1"}, "B": set(), "C": set()}


def test_every_compose_variable_is_documented_in_env_example():
    missing = sorted(set(compose_variables(COMPOSE_TEXT)) - set(env_example()))
    assert not missing, f".env.example does not document {missing}, which docker-compose.yml reads"


def test_compose_defaults_are_the_ones_in_env_example():
    documented = env_example()
    differing = {
        name: (defaults, documented.get(name))
        for name, defaults in compose_variables(COMPOSE_TEXT).items()
        if defaults and defaults != {documented.get(name)}
    }
    assert not differing, f"compose default vs .env.example: {differing}"


def test_env_example_names_only_settings_and_compose_variables():
    known = {s.env for s in SETTINGS} | set(compose_variables(COMPOSE_TEXT))
    unknown = sorted(set(env_example()) - known)
    assert not unknown, f".env.example documents {unknown}, which nothing reads"


def test_neo4j_is_5_26_with_named_volumes_and_a_healthcheck():
    neo4j = COMPOSE["services"]["neo4j"]
    assert neo4j["image"].startswith("neo4j:5.26")
    assert {"neo4j-data:/data", "neo4j-logs:/logs"} <= set(neo4j["volumes"])
    assert {"neo4j-data", "neo4j-logs"} <= set(COMPOSE["volumes"])
    assert "RETURN 1" in " ".join(neo4j["healthcheck"]["test"])
    environment = neo4j["environment"]
    assert environment["NEO4J_dbms_security_allow__csv__import__from__file__urls"] == "false"
    assert "SCREENGRAPH_QUERY_MEMORY_MB" in environment["NEO4J_db_memory_transaction_max"]


@pytest.mark.parametrize("service", ["app", "loader"])
def test_app_and_loader_wait_for_a_healthy_neo4j_and_read_settings_from_the_env_file(service):
    spec = COMPOSE["services"][service]
    assert spec["depends_on"]["neo4j"]["condition"] == "service_healthy"
    assert spec["env_file"] == ".env"
    assert spec["build"] == "."
    assert spec["environment"]["NEO4J_URI"] == "bolt://neo4j:7687"
    # The secrets come from the env file only, never written into the compose file.
    secrets = {s.env for s in SETTINGS if s.secret}
    assert not secrets & set(spec["environment"])


def test_the_loader_is_a_one_shot_profile_loading_a_mounted_folder():
    loader = COMPOSE["services"]["loader"]
    assert loader["profiles"] == ["loader"]
    assert loader["command"][:2] == ["load", "/listings"]
    assert any(volume.endswith(":/listings:ro") for volume in loader["volumes"])
    assert loader["restart"] == "no"
    assert "profiles" not in COMPOSE["services"]["app"]
