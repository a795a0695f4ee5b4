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
