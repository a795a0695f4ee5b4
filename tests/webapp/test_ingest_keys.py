"""Adding listings needs the ingest token and a fixed secret key, or the app refuses to start."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from graph.settings import SettingsError, load_settings
from tests.conftest import REPO
from webapp import create_app


def test_an_ingest_token_without_a_secret_key_is_refused_naming_both():
    settings = load_settings(env={"SCREENGRAPH_INGEST_TOKEN": "a-token"})
    with pytest.raises(SettingsError) as refused:
        create_app(settings=settings, backend=object())
    assert "SCREENGRAPH_INGEST_TOKEN" in str(refused.value)
    assert "SCREENGRAPH_SECRET_KEY" in str(refused.value)


@pytest.mark.parametrize("env", [
    {},  # adding listings off: a per-process key is enough for the console's CSRF tokens
    {"SCREENGRAPH_INGEST_TOKEN": "a-token", "SCREENGRAPH_SECRET_KEY": "a-key"},
    {"SCREENGRAPH_SECRET_KEY": "a-key"},
])
def test_the_app_starts_with_both_or_without_the_token(env):
    app = create_app(settings=load_settings(env=env), backend=object())
    assert bool(app.config["INGEST_TOKEN"]) == ("SCREENGRAPH_INGEST_TOKEN" in env)


def test_serve_refuses_to_start_before_opening_the_store(tmp_path):
    store = tmp_path / "store"
    env = {name: value for name, value in os.environ.items()
           if not name.startswith(("NEO4J_", "SCREENGRAPH_"))}
    env.update(PYTHONPATH=str(REPO), SCREENGRAPH_BACKEND="embedded",
               SCREENGRAPH_DATA_DIR=str(store), SCREENGRAPH_INGEST_TOKEN="a-token")
    # Before the check, this served (and never exited): the timeout fails the test.
    done = subprocess.run([sys.executable, "-m", "screengraph", "serve", "--port", "0"],
                          env=env, capture_output=True, text=True, timeout=60)
    assert done.returncode != 0
    assert "SCREENGRAPH_SECRET_KEY" in done.stderr, done.stderr
    assert not store.exists(), "the store was opened before the settings were checked"
