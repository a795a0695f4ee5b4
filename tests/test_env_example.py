""".env.example documents every setting of graph/settings.py with its default.

tests/test_compose.py checks the other side: every variable docker-compose.yml reads is
here, and nothing here is neither a setting nor one of those.
"""

from __future__ import annotations

import re

import pytest

from screengraph.graph.settings import SETTINGS
from tests.conftest import REPO

ENV_EXAMPLE = REPO / ".env.example"
_ASSIGNMENT = re.compile(r"([A-Z][A-Z0-9_]*)=(.*)")


def parse_env_file(text: str) -> dict[str, str]:
    """NAME=VALUE lines of a dotenv file (comments and blank lines skipped); a line that is
    neither, or a name given twice, is an error in the file."""
    values: dict[str, str] = {}
    for number, line in enumerate(text.splitlines(), 1):
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        match = _ASSIGNMENT.fullmatch(line)
        assert match, f".env.example line {number} is not NAME=VALUE: {line!r}"
        name, value = match.groups()
        assert name not in values, f".env.example sets {name} twice (line {number})"
        values[name] = value
    return values


def env_example() -> dict[str, str]:
    return parse_env_file(ENV_EXAMPLE.read_text())


def test_every_setting_is_in_env_example():
    missing = [s.env for s in SETTINGS if s.env not in env_example()]
    assert not missing, f".env.example does not document {missing}"


def test_env_example_gives_each_setting_its_default():
    documented = env_example()
    wrong = {}
    for setting in SETTINGS:
        value = documented.get(setting.env)
        if value is None:
            continue  # reported by test_every_setting_is_in_env_example
        # Empty means "not set", which is right exactly for a setting without a default.
        shown = setting.parse(value) if value else None
        if shown != setting.default:
            wrong[setting.env] = (value, setting.default)
    assert not wrong, f".env.example values that are not the defaults (value, default): {wrong}"


def test_env_example_holds_no_secret():
    filled = [s.env for s in SETTINGS if s.secret and env_example().get(s.env)]
    assert not filled, f".env.example must leave secrets empty: {filled}"


def test_parse_env_file_reads_assignments_and_skips_comments():
    assert parse_env_file("# note\n\nA_B=1\nC=\n") == {"A_B": "1", "C": ""}


@pytest.mark.parametrize("broken", ["export A=1\n", "A = 1\n", "A=1\nA=2\n"])
def test_parse_env_file_refuses_what_is_not_one_assignment_per_name(broken):
    with pytest.raises(AssertionError):
        parse_env_file(broken)
