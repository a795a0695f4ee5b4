"""`screengraph backup` and `restore` of the embedded store, as an operator uses them:
a backup taken while a load writes restores to a consistent store, and a restore refuses
what it cannot safely do."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tarfile
import time
from io import BytesIO
from pathlib import Path

from click.testing import CliRunner

from screengraph.cli import main
from screengraph.graph.checksum import LOAD_TIMES, describe_difference, graph_checksum
from screengraph.graph.falkor_backend import FalkorBackend
from screengraph.graph.falkor_snapshot import MANIFEST_NAME, read_manifest
from screengraph.graph.store_layout import LAYOUT_VERSION
from screengraph.loaders.pipeline import Loader
from screengraph.loaders.sources import read_all
from tests.conftest import REPO

LISTINGS = 4000
PEOPLE = 600


def listing(i: int) -> dict:
    """One listing: its own show, credits shared with others (hubs whose degrees a load
    recounts at its end), a company and a genre."""

    def person(k: int) -> str:
        return f"Person {k % PEOPLE:03d}"

    return {
        "title": f"Show {i:05d}",
        "year": 1950 + i % 70,
        "source_url": f"https://catalogue.example/show/{i}",
        "directors": [person(i * 7)],
        "writers": [person(i * 11 + 3)],
        "cast": [person(i * 13 + k) for k in range(4)],
        "companies": [f"Company {i % 40}"],
        "genres": [f"Genre {i % 12}"],
    }


def write_listings(folder: Path, count: int) -> list[Path]:
    folder.mkdir(parents=True)
    paths = []
    for i in range(count):
        path = folder / f"{i:05d}.json"
        path.write_text(json.dumps(listing(i)), encoding="utf-8")
        paths.append(path)
    return paths


def cli(data_dir: Path, *args: str):
    return CliRunner().invoke(
        main, ["--backend", "embedded", "--data-dir", str(data_dir), *args], catch_exceptions=False
    )


def listing_count(backend) -> int:
    return backend.run_read("MATCH (l:Listing) RETURN count(l)", max_rows=0).value()


def inconsistencies(backend) -> list:
    """Listings, shows, edges and Assertions that disagree: a show a listing names that is
    missing or has no Assertion of it, an Assertion naming no listing, no show or an edge
    not in the store, a count that is not the number of Assertions."""
    checks = {
        "listing names a missing show": "MATCH (l:Listing) UNWIND l.shows AS k "
        "OPTIONAL MATCH (s:Show {key: k}) WITH l, k, s WHERE s IS NULL RETURN l.key, k",
        "show does not name its listing": "MATCH (l:Listing) UNWIND l.shows AS k "
        "OPTIONAL MATCH (a:Assertion {listing: l.key, show: k}) WITH l, k, a "
        "WHERE a IS NULL RETURN l.key, k",
        "assertion names a missing listing": "MATCH (a:Assertion) "
        "OPTIONAL MATCH (l:Listing {key: a.listing}) WITH a, l WHERE l IS NULL "
        "RETURN a.key",
        "show counts other listings": "MATCH (s:Show) OPTIONAL MATCH (a:Assertion {show: s.key}) "
        "WITH s, count(a) AS n WHERE n <> s.asserted_by RETURN s.key, n",
        "edge counts other listings": "MATCH (s:Show)-[r]-() WITH s, r, type(r) + '|' + "
        "startNode(r).key + '|' + endNode(r).key + '|' + coalesce(r.role, '') AS id "
        "OPTIONAL MATCH (a:Assertion {show: s.key}) WHERE id IN a.edges "
        "WITH r, id, count(a) AS n WHERE n > 0 AND n <> r.asserted_by RETURN id, n",
        "load journal left": "MATCH (j:LoadJournal) RETURN j.load",
    }
    return [
        (what, row)
        for what, query in checks.items()
        for row in backend.run_read(query, max_rows=0).rows
    ]


def test_a_backup_taken_during_a_load_restores_every_listing_whole_or_absent(tmp_path, embedded):
    store = tmp_path / "store"
    paths = write_listings(tmp_path / "listings", LISTINGS)
    serving = FalkorBackend(store, "screengraph")  # the "web app": owns the store's server
    serving.ensure_schema()
    env = {**os.environ, "PYTHONPATH": str(REPO), "SCREENGRAPH_EMBEDDED_IDLE_S": "0"}
    load = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "screengraph",
            "--backend",
            "embedded",
            "--data-dir",
            str(store),
            "load",
            str(tmp_path / "listings"),
        ],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        while listing_count(serving) == 0 and load.poll() is None:
            time.sleep(0.01)
        backup = cli(store, "backup", str(tmp_path / "during-load.backup"))
        assert backup.exit_code == 0, backup.output
        assert "Backed up" in backup.output
        output, _ = load.communicate(timeout=600)
    finally:
        if load.poll() is None:
            load.kill()
    assert load.returncode == 0, output
    assert listing_count(serving) == LISTINGS
    serving.close()  # the web app stops: a restore replaces the whole store

    restore = cli(store, "restore", str(tmp_path / "during-load.backup"))
    assert restore.exit_code == 0, restore.output
    assert "taken during a load" in restore.output  # its degrees were recounted
    assert "previous files are kept" in restore.output

    restored = FalkorBackend(store, "screengraph")
    try:
        present = sorted(
            row[0] for row in restored.run_read("MATCH (l:Listing) RETURN l.key", max_rows=0).rows
        )
        assert 0 < len(present) < LISTINGS, "the backup was not taken during the load"
        assert inconsistencies(restored) == []
        # A clean load of exactly the listings present gives the same graph.
        by_url = {f"url:{listing(i)['source_url']}": path for i, path in enumerate(paths)}
        Loader(embedded).load(read_all([str(by_url[key]) for key in present]))
        ours, clean = (graph_checksum(b, LOAD_TIMES) for b in (restored, embedded))
        assert ours == clean, describe_difference(ours, clean, ("restored", "clean load"))
    finally:
        restored.close()


def test_a_restore_refuses_while_the_store_is_served(tmp_path):
    store = tmp_path / "store"
    serving = FalkorBackend(store, "screengraph")
    try:
        serving.run_write("CREATE (:Show {key: 'kept', title: 'Kept'})")
        assert cli(store, "backup", str(tmp_path / "b.backup")).exit_code == 0
        refused = cli(store, "restore", str(tmp_path / "b.backup"))
        assert refused.exit_code == 1
        assert "is in use" in refused.output and "stop them" in refused.output
        assert serving.run_read("MATCH (s:Show) RETURN s.key").rows == [["kept"]]
    finally:
        serving.close()


def test_an_idle_kept_server_is_stopped_for_a_restore(tmp_path, monkeypatch):
    store = tmp_path / "store"
    monkeypatch.setenv("SCREENGRAPH_EMBEDDED_IDLE_S", "60")
    assert cli(store, "load", str(REPO / "samples" / "the-bureau.txt")).exit_code == 0
    assert cli(store, "backup", str(tmp_path / "b.backup")).exit_code == 0
    assert cli(store, "reset", "--yes").exit_code == 0  # the keeper still keeps its server
    restored = cli(store, "restore", str(tmp_path / "b.backup"))
    assert restored.exit_code == 0, restored.output
    stats = json.loads(cli(store, "stats", "--json").output)
    assert stats["Show"] == 6
    assert cli(store, "stop").exit_code == 0


def _tar(path: Path, members: dict[str, bytes]) -> Path:
    with tarfile.open(path, "w") as archive:
        for name, data in members.items():
            info = tarfile.TarInfo(name)
            info.size = len(data)
            archive.addfile(info, BytesIO(data))
    return path


def _manifest(**changes) -> bytes:
    fields = {
        "format": "screengraph-backup",
        "format_version": 1,
        "graphs": {"screengraph": LAYOUT_VERSION},
        "created_at": "2026-01-01T00:00:00",
        "engine": "FalkorDB",
        "snapshot_bytes": 0,
        "snapshot_sha256": "0" * 64,
    }
    return json.dumps({**fields, **changes}).encode()


def test_a_restore_refuses_what_is_not_a_backup_it_can_read(tmp_path):
    store = tmp_path / "store"
    cases = {
        "no such file": (tmp_path / "missing.backup", "no such file"),
        "text": (tmp_path / "notes.txt", "not a tar archive"),
        "other tar": (
            _tar(tmp_path / "other.tar", {"readme": b"hi"}),
            f"does not start with {MANIFEST_NAME}",
        ),
        "other json": (
            _tar(tmp_path / "json.tar", {MANIFEST_NAME: b'{"format": "x"}'}),
            "does not say format",
        ),
        "newer format": (
            _tar(tmp_path / "f2.tar", {MANIFEST_NAME: _manifest(format_version=2)}),
            "written by a newer screengraph",
        ),
        "newer layout": (
            _tar(tmp_path / "l9.tar", {MANIFEST_NAME: _manifest(graphs={"screengraph": 99})}),
            (
                "has layout version 99, written by a newer screengraph; this one "
                f"understands layouts up to {LAYOUT_VERSION}"
            ),
        ),
    }
    (tmp_path / "notes.txt").write_text("not a backup\n")
    for name, (path, message) in cases.items():
        result = cli(store, "restore", str(path))
        assert result.exit_code == 1, name
        assert message in result.output, (name, result.output)
        assert str(path) in result.output, name
    assert not (store / "appendonly").exists()  # nothing was written


def test_a_damaged_backup_is_refused_and_the_store_left_as_it_was(tmp_path):
    store = tmp_path / "store"
    assert cli(store, "load", str(REPO / "samples" / "the-bureau.txt")).exit_code == 0
    assert cli(store, "backup", str(tmp_path / "b.backup")).exit_code == 0
    manifest = read_manifest(tmp_path / "b.backup")
    with tarfile.open(tmp_path / "b.backup") as archive:
        snapshot = archive.getmember("dump.rdb")
    data = bytearray((tmp_path / "b.backup").read_bytes())
    data[snapshot.offset_data + snapshot.size // 2] ^= 0xFF
    (tmp_path / "b.backup").write_bytes(bytes(data))
    assert read_manifest(tmp_path / "b.backup") == manifest  # only the snapshot is hit
    assert cli(store, "reset", "--yes").exit_code == 0
    result = cli(store, "restore", str(tmp_path / "b.backup"))
    assert result.exit_code == 1 and "is damaged" in result.output
    assert json.loads(cli(store, "stats", "--json").output)["Show"] == 0


def test_backup_and_restore_say_what_to_do_on_neo4j(tmp_path):
    for command in (["backup", str(tmp_path / "x.backup")], ["restore", str(tmp_path / "x")]):
        result = CliRunner().invoke(
            main, ["--backend", "neo4j", "--neo4j-uri", "bolt://127.0.0.1:1", *command]
        )
        assert result.exit_code == 1
        assert "neo4j-admin" in result.output and "docs/operations.md" in result.output


def test_a_backup_restored_into_a_new_folder_is_the_same_graph(tmp_path):
    store, elsewhere = tmp_path / "store", tmp_path / "new-machine" / "store"
    assert cli(store, "load", str(REPO / "samples" / "the-bureau.txt")).exit_code == 0
    assert cli(store, "backup", str(tmp_path / "b.backup")).exit_code == 0
    restored = cli(elsewhere, "restore", str(tmp_path / "b.backup"))
    assert restored.exit_code == 0, restored.output
    assert "previous files" not in restored.output  # it replaced nothing
    checksums = []
    for folder in (store, elsewhere):
        backend = FalkorBackend(folder, "screengraph")
        try:
            checksums.append(graph_checksum(backend))
        finally:
            backend.close()
    assert checksums[0] == checksums[1] and checksums[0].counts["node:Show"] == 6


def test_a_restore_moves_the_write_counter_past_every_earlier_value(tmp_path):
    """Caches keyed by the counter (graph/backend.py `generation`) must not take the
    restored store for the one they saw."""
    store = tmp_path / "store"
    backend = FalkorBackend(store, "screengraph")
    backend.run_write("CREATE (:Show {key: 'a', title: 'A'})")
    backend.backup(tmp_path / "b.backup")
    seen = {backend.generation()}
    for _ in range(3):
        backend.run_write("CREATE (:Show {key: randomUUID(), title: 'B'})")
        seen.add(backend.generation())
    backend.close()
    assert cli(store, "restore", str(tmp_path / "b.backup")).exit_code == 0
    restored = FalkorBackend(store, "screengraph")
    try:
        assert restored.generation() > max(seen)
        assert restored.run_read("MATCH (s:Show) RETURN s.key").rows == [["a"]]
    finally:
        restored.close()


_KILLED_MIDWAY = """
import os, signal, sys
from pathlib import Path
real_rename = os.rename

def rename(source, target, *args, **kwargs):
    if str(target).endswith("/appendonly") and "restore-staging" in str(source):
        os.kill(os.getpid(), signal.SIGKILL)  # between the swap's two renames
    return real_rename(source, target, *args, **kwargs)

os.rename = rename
from screengraph.graph.falkor_snapshot import restore_backup
restore_backup(Path(sys.argv[1]), Path(sys.argv[2]))
"""


def test_a_restore_killed_between_its_renames_is_finished_by_the_next_start(tmp_path):
    """Killed with the store's files moved aside and the restored ones not yet in place,
    the store must not come back empty: the next command finishes the swap."""
    store = tmp_path / "store"
    assert cli(store, "load", str(REPO / "samples" / "the-bureau.txt")).exit_code == 0
    backend = FalkorBackend(store, "screengraph")
    try:
        backed_up = graph_checksum(backend)
    finally:
        backend.close()
    assert cli(store, "backup", str(tmp_path / "b.backup")).exit_code == 0
    extra = tmp_path / "extra.jsonl"
    extra.write_text('{"title": "Loaded After The Backup", "year": 2020, "cast": ["Someone"]}\n')
    assert cli(store, "load", str(extra)).exit_code == 0
    killed = subprocess.run(
        [sys.executable, "-c", _KILLED_MIDWAY, str(store), str(tmp_path / "b.backup")],
        cwd=REPO,
        timeout=120,
        env={**os.environ, "PYTHONPATH": str(REPO)},
    )
    assert killed.returncode == -9
    assert not (store / "appendonly").exists()  # the moment the swap was journalled for
    backend = FalkorBackend(store, "screengraph")
    try:
        after = graph_checksum(backend)
    finally:
        backend.close()
    assert after == backed_up, describe_difference(backed_up, after)
    assert not (store / "restore-swap.json").exists()
    assert len(list(store.glob("appendonly.before-restore-*"))) == 1  # the previous files
