"""What every CLI command shares: resolved settings and a lazily opened backend."""

from __future__ import annotations

from dataclasses import dataclass, field

import click

from screengraph.graph.backend import Backend
from screengraph.graph.connect import connect
from screengraph.graph.errors import BackendUnavailable, GraphError
from screengraph.graph.settings import Settings


@dataclass
class CliContext:
    settings: Settings
    _backend: Backend | None = field(default=None, repr=False)
    _layout_checked: bool = field(default=False, repr=False)

    def backend(self, *, check_layout: bool = True) -> Backend:
        """The backend, opened on first use. Opening checks the store's layout: one written
        by a newer screengraph is refused, an older one is described (what `screengraph
        upgrade` will change) on stderr. `check_layout=False` for commands that must work
        on any store (doctor) or check it later (`check_layout`)."""
        if self._backend is None:
            try:
                self._backend = connect(self.settings)
            except GraphError as exc:
                raise click.ClickException(str(exc)) from exc
        if check_layout:
            self.check_layout()
        return self._backend

    def check_layout(self) -> None:
        """Refuse a store written by a newer screengraph; describe an older one (once)."""
        if not self._layout_checked:
            self._layout_checked = True
            _say_layout(self.backend(check_layout=False))

    def close(self) -> None:
        if self._backend is not None:
            self._backend.close()
            self._backend = None


def _say_layout(backend: Backend) -> None:
    from screengraph.graph.store_layout import LAYOUT_VERSION, check_openable

    try:
        layout = check_openable(backend)
    except BackendUnavailable:
        return  # the command itself says so, in its own words
    if layout.older:
        from screengraph.loaders.upgrade import what_will_change  # the loaders' imports: only here

        changes = "\n".join(f"  {line}" for line in what_will_change(backend, counted=False))
        click.echo(
            f"This store has layout {layout.version}, written by an earlier screengraph; "
            f"this version writes layout {LAYOUT_VERSION}. 'screengraph upgrade' (or the "
            f"next load) will change it:\n{changes}\n"
            "'screengraph upgrade --dry-run' counts what will change.",
            err=True,
        )


pass_context = click.make_pass_decorator(CliContext)
