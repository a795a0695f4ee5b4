"""Commands that keep the store safe across time: backup, restore, upgrade."""

from __future__ import annotations

from pathlib import Path

import click

from screengraph.context import CliContext, pass_context
from screengraph.graph.connect import require_embedded
from screengraph.graph.store_layout import LAYOUT_VERSION, check_openable, read_layout
from screengraph.loaders.upgrade import steps_to_run, upgrade, what_will_change


def _size(n: int) -> str:
    if n < 1024:
        return f"{n:,} bytes"
    size = float(n)
    for unit in ("KB", "MB", "GB"):
        size /= 1024
        if size < 1024 or unit == "GB":
            break
    return f"{size:,.1f} {unit}"


def _graphs(graphs: dict[str, int]) -> str:
    return ", ".join(f"{name} (layout {layout})" for name, layout in sorted(graphs.items()))


@click.command()
@click.argument("path", type=click.Path(dir_okay=False, path_type=Path))
@pass_context
def backup(cli: CliContext, path: Path) -> None:
    """Back up the embedded store to PATH while it serves (a consistent snapshot: every
    load batch whole or absent). Neo4j: see docs/operations.md."""
    manifest = cli.backend().backup(path)
    click.echo(
        f"Backed up {cli.settings.data_dir} to {path} "
        f"({_size(manifest.snapshot_bytes)}; graphs: {_graphs(manifest.graphs)})."
    )


@click.command()
@click.argument("path", type=click.Path(dir_okay=False, path_type=Path))
@pass_context
def restore(cli: CliContext, path: Path) -> None:
    """Replace the embedded store by the backup PATH. Refuses while any process uses the
    store (stop the web app and loads first); an idle server is stopped for it."""
    require_embedded(
        cli.settings,
        "restore",
        "restores the embedded store",
        "restore a dump with neo4j-admin database load, as docs/operations.md says.",
    )
    from screengraph.graph.falkor_snapshot import restore_backup
    from screengraph.loaders.writer import ListingWriter

    restored = restore_backup(cli.settings.data_dir, path)
    manifest = restored.manifest
    click.echo(
        f"Restored {path} (taken {manifest.created_at}; graphs: "
        f"{_graphs(restored.graphs)}) into {cli.settings.data_dir}."
    )
    backend = cli.backend()
    with backend.one_load_at_a_time():
        recounted = ListingWriter(backend).recover()
    if recounted:
        click.echo(
            f"The backup was taken during a load: its batches are whole, and the "
            f"degrees of the {recounted:,} entities they touched were recounted, as the "
            "next load would have."
        )
    if restored.replaced is not None:
        click.echo(
            f"The store's previous files are kept in {restored.replaced}: delete that "
            "folder once you no longer need it."
        )


@click.command("upgrade")
@click.option("--dry-run", is_flag=True, help="Say what would change, and change nothing.")
@pass_context
def upgrade_command(cli: CliContext, dry_run: bool) -> None:
    """Bring a store written by an earlier version to this version's layout (safe to repeat
    and to interrupt: the next run finishes)."""
    backend = cli.backend(check_layout=False)  # it says what will change itself
    found = check_openable(backend)
    if not steps_to_run(found):
        click.echo(f"The store is at layout {found.version}, this version's: nothing to do.")
        return
    click.echo(
        f"The store is at layout {found.version}; this version writes layout {LAYOUT_VERSION}."
    )
    for line in what_will_change(backend):
        click.echo(line)
    if dry_run:
        click.echo("Nothing was changed (--dry-run).")
        return
    totals: dict[str, int] = {}

    def progress(what: str, changed: int) -> None:
        totals[what] = totals.get(what, 0) + changed
        click.echo(f"  ... {what.format(n=f'{totals[what]:,}')}", err=True)

    with backend.one_load_at_a_time():
        changed = upgrade(backend, progress)
    click.echo(f"Upgraded to layout {read_layout(backend).version} ({changed:,} nodes changed).")


def register(group: click.Group) -> None:
    for command in (backup, restore, upgrade_command):
        group.add_command(command)
