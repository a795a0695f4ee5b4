"""What an analyst's own query may do, whichever surface sends it.

The console, `screengraph cypher` and the JSON API take Cypher from whoever types it;
`Backend.run_adhoc` vets it here before it runs. Canned queries are ours and skip this.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any, Mapping

from graph.errors import QueryRefused

if TYPE_CHECKING:
    from graph.backend import Backend

_IDENTIFIER = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


def vet_adhoc(backend: "Backend", cypher: str, params: Mapping[str, Any] | None) -> None:
    """Raise QueryRefused, saying why, when an ad-hoc query may not run."""
    for name in params or {}:
        if not isinstance(name, str) or not _IDENTIFIER.fullmatch(name):
            raise QueryRefused(
                f"{name!r} cannot be a parameter name: use letters, digits and underscores, "
                "starting with a letter (then write $name in the query).")
