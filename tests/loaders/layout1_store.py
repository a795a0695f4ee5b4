"""A store as layout 1 wrote it, for the upgrade tests (no binary store is committed).

Layout 1 is every store written before layouts were recorded (before listing ids were
made stable). Its last writer (commit 5f4b40d, before e7f970a took per-listing lists off
hubs) wrote, for the same listings as this version:
- no StoreLayout node;
- a listing's id `<file base name>#<record>` (a catalogue page: its file name), on the
  Listing and in every `sources` list;
- `sources` on every node, people, companies and genres included (every listing that
  named it), and `votes` on every node (`"<spelling>\\t<count>"`, one entry per spelling
  listings used, even when there is one).

`build_layout1_store` loads the listings with this version and rewrites what layout 1 did
differently. Checked once against that commit's own loader on the same inputs (the
sample page and a JSON file with two spellings of a name): the same graph checksum.
"""

from __future__ import annotations

from pathlib import PurePath

from screengraph.graph.backend import Backend
from screengraph.graph.schema import LAYOUT_LABEL, LISTING_LABEL
from screengraph.loaders.pipeline import Loader
from screengraph.loaders.sources import SourceText
from screengraph.loaders.statements import HUB_LABELS
from tests.loaders.layout3_store import to_layout3

_HUB_SOURCES = (
    "MATCH (n:{label}) OPTIONAL MATCH (n)-[r]-() UNWIND coalesce(r.sources, []) AS s "
    "WITH n, collect(DISTINCT s) AS sources "
    "SET n.sources = sources, "
    "n.votes = coalesce(n.votes, [n.name + '\t' + toString(size(sources))])"
)


def build_layout1_store(backend: Backend, sources: list[SourceText]) -> None:
    """Write into the (empty) backend the store layout 1 wrote for `sources`."""
    Loader(backend).load(sources)
    to_layout3(backend)  # layout 1 kept `sources` on shows and edges, as layout 3 did
    renames = backend.run_read(
        f"MATCH (l:{LISTING_LABEL}) RETURN l.key, l.file, l.record", max_rows=0
    ).rows
    old_ids = {key: _old_id(file, record) for key, file, record in renames}
    backend.run_write(
        f"UNWIND $pairs AS p MATCH (l:{LISTING_LABEL} {{key: p[0]}}) SET l.key = p[1]",
        {"pairs": [[new, old] for new, old in old_ids.items()]},
    )
    renamed = "[s IN {0} | CASE WHEN s = $new THEN $old ELSE s END]"
    for new, old in old_ids.items():
        backend.run_write(
            f"MATCH (s:Show) WHERE $new IN s.sources SET s.sources = {renamed.format('s.sources')}",
            {"new": new, "old": old},
        )
        backend.run_write(
            f"MATCH ()-[r]->() WHERE $new IN r.sources "
            f"SET r.sources = {renamed.format('r.sources')}",
            {"new": new, "old": old},
        )
    for label in HUB_LABELS:
        backend.run_write(_HUB_SOURCES.format(label=label))
    backend.run_write(f"MATCH (l:{LAYOUT_LABEL}) DELETE l")


def _old_id(file: str, record: int | None) -> str:
    base = PurePath(file).name or file
    return base if record is None else f"{base}#{record}"
