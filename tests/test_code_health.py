"""Code health: mypy finds nothing in the product code. Its settings are pyproject.toml's
[tool.mypy] (run `mypy` from the repository's root, no arguments, to see the same report)."""

from __future__ import annotations

import importlib.util
import subprocess
import sys
import tomllib

import pytest

from tests.conftest import REPO

PYPROJECT = tomllib.loads((REPO / "pyproject.toml").read_text())


def test_mypy_checks_every_package_the_wheel_ships():
    assert sorted(PYPROJECT["tool"]["mypy"]["files"]) == \
        sorted(PYPROJECT["tool"]["setuptools"]["packages"])


@pytest.mark.slow
@pytest.mark.skipif(importlib.util.find_spec("mypy") is None,
                    reason="mypy is not installed: pip install -e '.[dev]'")
def test_mypy_finds_no_errors_in_the_product_code():
    result = subprocess.run([sys.executable, "-m", "mypy"], cwd=REPO, capture_output=True,
                            text=True, timeout=600)
    assert result.returncode == 0, f"mypy found errors:\n{result.stdout}{result.stderr}"
