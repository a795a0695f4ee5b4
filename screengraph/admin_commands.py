"""Commands that look after the store itself: init, doctor, stats, settings, reset, stop."""

from __future__ import annotations

import click

from screengraph.context import CliContext, pass_context
from screengraph.graph.connect import chosen_backend, chosen_by, require_embedded
from screengraph.graph.settings import SETTINGS
from screengraph.loaders.migrate import migrate
from screengraph.output import emit_json


@click.command()
@pass_context
def init(cli: CliContext) -> None:
    """Create constraints, lookup indexes and the full-text index, and bring a store
    written by an earlier version to this one's layout (safe to repeat)."""
    backend = cli.backend()
    backend.ensure_schema()
    with backend.one_load_at_a_time():
        waiting = migrate(backend)
    info = backend.info()
    click.echo(f"Schema ready on {info.backend} ({info.location}).")
    if waiting:
        click.echo(
            f"{waiting} listing(s) loaded by an earlier version keep their old ids "
            "until their files are loaded again."
        )


@click.command()
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@pass_context
def doctor(cli: CliContext, as_json: bool) -> None:
    """Say which backend is in use, its version, where its data lives and whether it answers."""
    backend = cli.backend(check_layout=False)
    info = backend.info()
    if as_json:
        emit_json(
            {
                "backend": info.backend,
                "server_version": info.server_version,
                "location": info.location,
                "reachable": info.reachable,
                "details": dict(info.details),
            }
        )
    else:
        click.echo(
            f"backend:   {info.backend}"
            + (f" (chosen by {why})" if (why := chosen_by(cli.settings)) else "")
        )
        click.echo(f"server:    {info.server_version}")
        click.echo(f"data:      {info.location}")
        click.echo(f"reachable: {'yes' if info.reachable else 'NO'}")
        for name, value in info.details.items():
            click.echo(f"{name}: {value}")
    if not info.reachable:
        raise SystemExit(1)


@click.command()
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@pass_context
def stats(cli: CliContext, as_json: bool) -> None:
    """Count nodes by label and relationships by type."""
    counts = cli.backend().counts()
    if as_json:
        emit_json(counts)
        return
    width = max(len(k) for k in counts)
    for name, count in counts.items():
        click.echo(f"{name:<{width}}  {count:>9,}")


@click.command("settings")
@pass_context
def show_settings(cli: CliContext) -> None:
    """List every setting, its environment variable and its current value."""
    for setting in SETTINGS:
        value = cli.settings.values[setting.name]
        if setting.secret:
            value = "(set)" if value else "(not set)"
        click.echo(f"{setting.env:<30} {value!s:<40} {setting.help}")
    click.echo(f"\nbackend in use: {chosen_backend(cli.settings)}")


@click.command()
@click.option("--yes", is_flag=True, help="Do not ask for confirmation.")
@pass_context
def reset(cli: CliContext, yes: bool) -> None:
    """Delete every node and relationship of the store (the schema stays)."""
    if not yes:
        click.confirm("Delete everything in the store?", abort=True)
    cli.backend().clear()
    click.echo("The store is empty.")


@click.command()
@pass_context
def stop(cli: CliContext) -> None:
    """Stop the embedded store's server now, instead of after SCREENGRAPH_EMBEDDED_IDLE_S
    seconds without a client."""
    require_embedded(
        cli.settings,
        "stop",
        "stops the embedded store's server",
        "start and stop the Neo4j server yourself",
    )
    from screengraph.graph.embedded_keeper import stop_kept_server

    folder = cli.settings.data_dir
    stopped = stop_kept_server(folder)
    if stopped.owner_pid is not None:
        raise click.ClickException(
            f"The embedded server of {folder} belongs to process {stopped.owner_pid} (a "
            "screengraph command or web app running with SCREENGRAPH_EMBEDDED_IDLE_S=0); it "
            "stops when that process ends."
        )
    if stopped.keeper_pid is None:
        click.echo(f"No embedded server was running for {folder}.")
        return
    server = f"server (pid {stopped.server_pid})" if stopped.server_pid else "server"
    click.echo(
        f"Stopped the embedded {server} of {folder} and its keeper process "
        f"(pid {stopped.keeper_pid})."
    )


def register(group: click.Group) -> None:
    for command in (init, doctor, stats, show_settings, reset, stop):
        group.add_command(command)
