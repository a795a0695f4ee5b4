"""The command line's table of commands: every command is found where the table says, and a
one-off query does not pay for the loaders' imports at its start."""

from __future__ import annotations

import importlib
import subprocess
import sys

import click

from screengraph.cli import COMMAND_MODULES, main


def test_the_table_names_exactly_the_commands_each_module_registers():
    registered = {}
    for module_name in sorted(set(COMMAND_MODULES.values())):
        group = click.Group()
        importlib.import_module(f"screengraph.{module_name}").register(group)
        registered.update(dict.fromkeys(group.commands, module_name))
    assert registered == COMMAND_MODULES


def test_help_lists_every_command():
    shown = main.list_commands(None)
    assert shown == sorted(COMMAND_MODULES)
    assert all(main.get_command(None, name) is not None for name in shown)


# What a load needs and a query does not: about 0.3 s of imports together.
HEAVY = ("pydantic", "duckdb", "screengraph.loaders.model", "screengraph.loaders.pipeline")


def test_a_query_command_starts_without_importing_the_loaders(tmp_path):
    probe = (
        "import sys\n"
        "from screengraph.cli import main\n"
        "try:\n"
        "    main(['--backend', 'embedded', '--data-dir', sys.argv[1], 'related', '--help'])\n"
        "except SystemExit:\n"
        "    pass\n"
        f"print(sorted(m for m in {HEAVY!r} if m in sys.modules))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", probe, str(tmp_path)], capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 0, done.stderr
    assert "Usage:" in done.stdout  # the command was found and asked for its help
    assert done.stdout.strip().splitlines()[-1] == "[]"


def test_a_query_command_that_asks_for_no_path_imports_no_numpy(tmp_path):
    """Paths' in-memory copy needs numpy (0.17 s of imports): `related` asks for none."""
    store = tmp_path / "store"
    listing = tmp_path / "one.jsonl"
    listing.write_text('{"title": "Alpha", "year": 2001, "cast": ["Ann"]}\n', encoding="utf-8")
    base = [sys.executable, "-m", "screengraph", "--backend", "embedded", "--data-dir", str(store)]
    loaded = subprocess.run([*base, "load", str(listing)], capture_output=True, timeout=120)
    assert loaded.returncode == 0, loaded.stderr
    probe = (
        "import sys\n"
        "from screengraph.cli import main\n"
        "try:\n"
        "    main(sys.argv[1:])\n"
        "except SystemExit:\n"
        "    pass\n"
        "print('numpy' in sys.modules)\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", probe, *base[3:], "related", "Show:alpha--2001"],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    assert "Related to Alpha" in done.stdout  # the command ran against the store
    assert done.stdout.strip().splitlines()[-1] == "False"
