"""Code health: mypy finds nothing in the product code, and ruff nothing anywhere (lint and
format). Their settings are pyproject.toml's [tool.mypy] and [tool.ruff]: run `mypy`,
`ruff check .` and `ruff format --check .` from the repository's root to see the same
reports (`ruff format .` rewrites what the check complains about)."""

from __future__ import annotations

import importlib.util
import subprocess
import sys
import tomllib

import pytest

from tests.conftest import REPO, shipped_packages

PYPROJECT = tomllib.loads((REPO / "pyproject.toml").read_text())


def test_mypy_checks_every_package_the_wheel_ships():
    assert sorted(PYPROJECT["tool"]["mypy"]["files"]) == sorted(shipped_packages())


@pytest.mark.slow
@pytest.mark.skipif(
    importlib.util.find_spec("mypy") is None,
    reason="mypy is not installed: pip install -e '.[dev]'",
)
def test_mypy_finds_no_errors_in_the_product_code():
    result = subprocess.run(
        [sys.executable, "-m", "mypy"], cwd=REPO, capture_output=True, text=True, timeout=600
    )
    assert result.returncode == 0, f"mypy found errors:\n{result.stdout}{result.stderr}"


@pytest.mark.skipif(
    importlib.util.find_spec("ruff") is None,
    reason="ruff is not installed: pip install -e '.[dev]'",
)
@pytest.mark.parametrize("command", [["check", "."], ["format", "--check", "."]])
def test_ruff_finds_nothing(command):
    result = subprocess.run(
        [sys.executable, "-m", "ruff", *command],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, f"ruff {' '.join(command)}:\n{result.stdout}{result.stderr}"
