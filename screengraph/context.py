"""What every CLI command shares: resolved settings and a lazily opened backend."""

from __future__ import annotations

from dataclasses import dataclass, field

import click

from graph.backend import Backend
from graph.connect import connect
from graph.errors import GraphError
from graph.settings import Settings


@dataclass
class CliContext:
    settings: Settings
    _backend: Backend | None = field(default=None, repr=False)

    def backend(self) -> Backend:
        if self._backend is None:
            try:
                self._backend = connect(self.settings)
            except GraphError as exc:
                raise click.ClickException(str(exc)) from exc
        return self._backend

    def close(self) -> None:
        if self._backend is not None:
            self._backend.close()
            self._backend = None


pass_context = click.make_pass_decorator(CliContext)
