"""Adding listings needs an ingest token too long to guess and a fixed secret key, or the
app refuses to start."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from screengraph.graph.settings import INGEST_TOKEN_MIN_CHARS, SettingsError, load_settings
from screengraph.webapp import create_app
from tests.conftest import REPO

TOKEN = "a-token-" + "x" * (INGEST_TOKEN_MIN_CHARS - 8)


def test_an_ingest_token_without_a_secret_key_is_refused_naming_both():
    settings = load_settings(env={"SCREENGRAPH_INGEST_TOKEN": TOKEN})
    with pytest.raises(SettingsError) as refused:
        create_app(settings=settings, backend=object())
    assert "SCREENGRAPH_INGEST_TOKEN" in str(refused.value)
    assert "SCREENGRAPH_SECRET_KEY" in str(refused.value)


@pytest.mark.parametrize(
    "env",
    [
        {},  # adding listings off: a per-process key is enough for the console's CSRF tokens
        {"SCREENGRAPH_INGEST_TOKEN": TOKEN, "SCREENGRAPH_SECRET_KEY": "a-key"},
        {"SCREENGRAPH_SECRET_KEY": "a-key"},
    ],
)
def test_the_app_starts_with_both_or_without_the_token(env):
    app = create_app(settings=load_settings(env=env), backend=object())
    assert bool(app.config["INGEST_TOKEN"]) == ("SCREENGRAPH_INGEST_TOKEN" in env)


@pytest.mark.parametrize("length", [1, 16, INGEST_TOKEN_MIN_CHARS - 1])
def test_an_ingest_token_too_short_to_be_safe_is_refused_saying_how_to_make_one(length):
    token = "Q" * length
    settings = load_settings(
        env={"SCREENGRAPH_INGEST_TOKEN": token, "SCREENGRAPH_SECRET_KEY": "a-key"}
    )
    with pytest.raises(SettingsError) as refused:
        create_app(settings=settings, backend=object())
    message = str(refused.value)
    assert "SCREENGRAPH_INGEST_TOKEN" in message and f"{length} characters" in message
    assert f"at least {INGEST_TOKEN_MIN_CHARS}" in message
    assert "secrets.token_urlsafe(32)" in message
    assert token not in message.replace("SCREENGRAPH_INGEST_TOKEN", "")
    assert "\n" not in message


def test_a_token_made_as_the_message_says_is_taken():
    made = subprocess.run(
        [sys.executable, "-c", "import secrets; print(secrets.token_urlsafe(32))"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    settings = load_settings(
        env={"SCREENGRAPH_INGEST_TOKEN": made, "SCREENGRAPH_SECRET_KEY": "a-key"}
    )
    assert create_app(settings=settings, backend=object()).config["INGEST_TOKEN"] == made


@pytest.mark.parametrize(
    "settings, says",
    [
        ({"SCREENGRAPH_INGEST_TOKEN": TOKEN}, "SCREENGRAPH_SECRET_KEY"),
        (
            {"SCREENGRAPH_INGEST_TOKEN": "a-token", "SCREENGRAPH_SECRET_KEY": "a-key"},
            "SCREENGRAPH_INGEST_TOKEN has 7 characters",
        ),
    ],
)
def test_serve_refuses_to_start_before_opening_the_store(tmp_path, settings, says):
    store = tmp_path / "store"
    env = {
        name: value
        for name, value in os.environ.items()
        if not name.startswith(("NEO4J_", "SCREENGRAPH_"))
    }
    env.update(
        PYTHONPATH=str(REPO),
        SCREENGRAPH_BACKEND="embedded",
        SCREENGRAPH_DATA_DIR=str(store),
        **settings,
    )
    # Before the check, this served (and never exited): the timeout fails the test.
    done = subprocess.run(
        [sys.executable, "-m", "screengraph", "serve", "--port", "0"],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode != 0
    assert says in done.stderr, done.stderr
    assert not store.exists(), "the store was opened before the settings were checked"
