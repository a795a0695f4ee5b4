"""Backups of the embedded store while it serves, and restoring one.

A backup is a snapshot the server makes itself (BGSAVE): it forks, and the child writes
the whole dataset as it was at the fork to an RDB file while the parent goes on serving
reads and writes (memory is shared copy-on-write). A fork happens between two commands,
never inside a MULTI block, and every write screengraph makes is one MULTI block (a
load's batch: its listings, shows, credits and journal entry; graph/falkor_backend.py
`_write_block`), so a snapshot holds each batch whole or not at all. Copying the
append-only files instead is not consistent: a rewrite replaces the base file and the
manifest under the copy, and the last increment may end half way through a block.

The backup file is a tar archive (`tar tf` lists it): `screengraph-backup.json` first
(what it is, its format, each graph's layout version, when, the engine, the snapshot's
size and SHA-256), then the snapshot, `dump.rdb`.

A restore replaces the whole store, so it refuses while any process uses the store (a
load in flight would go on writing batches computed from the data it read before; the web
app's caches and ad-hoc replica would describe the old data): only a server that a
keeper keeps with no client is stopped for it, as `screengraph stop` would. Holding the
folder's lock and the clients' lock, it loads the snapshot into a separate server in a
staging folder with persistence off, checks what it holds, has that server write its
dataset as fresh append-only files (switching `appendonly` on rewrites them from memory,
redis' own way from an RDB to an AOF), and swaps those in; the files it replaces are kept
beside them until the user deletes them. Clients that arrive meanwhile wait for it.
"""

from __future__ import annotations

import fcntl
import hashlib
import json
import os
import shutil
import tarfile
import time
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from io import BytesIO
from pathlib import Path
from typing import Any

import redis

from screengraph.graph.embedded_keeper import KEEPER_ROLE, folder_holder, stop_kept_server
from screengraph.graph.embedded_server import APPEND_DIR, EmbeddedServer, redis_binaries
from screengraph.graph.errors import BackendUnavailable, BackupRefused
from screengraph.graph.falkor_log import persistence, wait_for_rewrite
from screengraph.graph.store_layout import LAYOUT_QUERY, layout_from_rows, refuse_newer
from screengraph.graph.store_swap import finish_interrupted_swap, swap_in

BACKUP_FORMAT = "screengraph-backup"
# The archive's own format (not the store's layout): a newer one is refused.
FORMAT_VERSION = 1
MANIFEST_NAME = "screengraph-backup.json"
SNAPSHOT_NAME = "dump.rdb"
_STAGING = "restore-staging"
_POLL_S = 0.05
# How long a backup or restore waits for a snapshot or a rewrite that makes no progress.
_STALL_S = 600.0
_CHUNK = 1 << 20


@dataclass(frozen=True)
class BackupManifest:
    """What a backup holds. `graphs`: each graph's layout version."""

    graphs: dict[str, int]
    created_at: str
    engine: str
    snapshot_bytes: int
    snapshot_sha256: str
    format: str = BACKUP_FORMAT
    format_version: int = FORMAT_VERSION

    def to_json(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class Restored:
    manifest: BackupManifest
    replaced: Path | None  # where the store's previous files were kept (None: it had none)
    graphs: dict[str, int] = field(default_factory=dict)


# -- backup -------------------------------------------------------------------


def graph_layouts(client: redis.Redis) -> dict[str, int]:
    """Each graph of the server and its layout version."""
    layouts = {}
    for raw in client.execute_command("GRAPH.LIST"):
        name = raw.decode() if isinstance(raw, bytes) else str(raw)
        reply = client.execute_command("GRAPH.RO_QUERY", name, LAYOUT_QUERY, "--compact")
        rows = [[value for _type, value in row] for row in reply[1]]
        layouts[name] = layout_from_rows(rows).version
    return layouts


def _engine(client: redis.Redis) -> str:
    version = "?"
    for module in client.execute_command("MODULE", "LIST"):
        fields = {
            (k.decode() if isinstance(k, bytes) else k): v
            for k, v in zip(module[::2], module[1::2])
        }
        if fields.get("name") in ("graph", b"graph"):
            ver = int(fields.get("ver", 0))
            version = f"{ver // 10000}.{ver // 100 % 100}.{ver % 100}"
    return f"FalkorDB {version} (redis-server {client.info('server').get('redis_version', '?')})"


def _snapshot(client: redis.Redis, folder: Path) -> Path:
    """Have the server write a snapshot into its folder (BGSAVE); its path once written.
    Its file name is the server's (a protected setting, so not ours to change); it writes
    none but ours (`--save ""`, replicas synced without a file)."""
    config = {**client.config_get("dir"), **client.config_get("dbfilename")}
    path = Path(str(config["dir"])) / str(config["dbfilename"])
    with suppress(FileNotFoundError):
        path.unlink()
    before = persistence(client)
    deadline = time.monotonic() + _STALL_S
    while True:
        try:
            # SCHEDULE: if an append-only rewrite runs, the snapshot starts after it.
            client.execute_command("BGSAVE", "SCHEDULE")
            break
        except redis.exceptions.ResponseError as exc:
            # Another snapshot runs (a replica's first sync): take ours after it.
            if "in progress" not in str(exc) or time.monotonic() > deadline:
                raise BackupRefused(f"The embedded server refused to snapshot: {exc}") from exc
            time.sleep(_POLL_S)
    while True:
        now = persistence(client)
        if now["rdb_saves"] > before["rdb_saves"] and not now["rdb_bgsave_in_progress"]:
            return path
        if now["rdb_saves_consecutive_failures"] > before.get("rdb_saves_consecutive_failures", 0):
            raise BackupRefused(
                "The embedded server could not write its snapshot (a full disk? see "
                f"{folder / 'server.log'}); no backup was written."
            )
        if now["rdb_bgsave_in_progress"]:
            deadline = time.monotonic() + _STALL_S
        elif time.monotonic() > deadline:
            raise BackupRefused(
                "The embedded server did not start its snapshot within "
                f"{_STALL_S:.0f} s; no backup was written."
            )
        time.sleep(_POLL_S)


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        while chunk := handle.read(_CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


@contextmanager
def _one_backup_at_a_time(folder: Path) -> Iterator[None]:
    """Backups of one store take turns: they share the server's snapshot file name."""
    with open(folder / "backup.lock", "a") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def take_backup(server: EmbeddedServer, client: redis.Redis, target: Path) -> BackupManifest:
    """Write a backup of the running store to `target` (replaced only once it is whole)."""
    target = Path(target).expanduser()
    if target.is_dir():
        raise BackupRefused(
            f"{target} is a folder: give the backup file's name "
            f"({target / 'screengraph.backup'}, say)."
        )
    target.parent.mkdir(parents=True, exist_ok=True)
    with _one_backup_at_a_time(server.data_dir):
        layouts = graph_layouts(client)
        snapshot = _snapshot(client, server.data_dir)
        try:
            if graph_layouts(client) != layouts:
                raise BackupRefused(
                    "The store was upgraded while the backup was taken: run the backup again."
                )
            manifest = BackupManifest(
                graphs=layouts,
                created_at=datetime.now(UTC).isoformat(),
                engine=_engine(client),
                snapshot_bytes=snapshot.stat().st_size,
                snapshot_sha256=_sha256(snapshot),
            )
            partial = target.with_name(target.name + ".partial")
            with tarfile.open(partial, "w", format=tarfile.PAX_FORMAT) as archive:
                text = json.dumps(manifest.to_json(), indent=2).encode()
                info = tarfile.TarInfo(MANIFEST_NAME)
                info.size, info.mtime = len(text), int(time.time())
                archive.addfile(info, BytesIO(text))
                archive.add(snapshot, arcname=SNAPSHOT_NAME)
            with open(partial, "rb") as handle:
                os.fsync(handle.fileno())
            os.replace(partial, target)
        finally:
            with suppress(FileNotFoundError):
                snapshot.unlink()
    return manifest


# -- reading a backup -----------------------------------------------------------


def _not_a_backup(path: Path, why: str) -> BackupRefused:
    return BackupRefused(
        f"{path} is not a screengraph backup ({why}). Give a file that "
        "'screengraph backup PATH' wrote."
    )


def read_manifest(path: Path) -> BackupManifest:
    """The manifest of a backup file, checked: BackupRefused when it is no backup or a
    newer screengraph's, StoreLayoutTooNew when it holds a layout this one cannot read."""
    path = Path(path).expanduser()
    if not path.is_file():
        raise BackupRefused(
            f"{path}: no such file. Give the path of a backup that 'screengraph backup PATH' wrote."
        )
    try:
        with tarfile.open(path, "r:") as archive:
            first = archive.next()
            if first is None or first.name != MANIFEST_NAME:
                raise _not_a_backup(path, f"it does not start with {MANIFEST_NAME}")
            handle = archive.extractfile(first)
            raw = json.loads(handle.read(1 << 20)) if handle else None
    except tarfile.TarError:
        raise _not_a_backup(path, "not a tar archive") from None
    except (UnicodeDecodeError, json.JSONDecodeError):
        raise _not_a_backup(path, f"its {MANIFEST_NAME} is not JSON") from None
    if not isinstance(raw, dict) or raw.get("format") != BACKUP_FORMAT:
        raise _not_a_backup(path, f"its {MANIFEST_NAME} does not say format {BACKUP_FORMAT!r}")
    version = raw.get("format_version")
    if not isinstance(version, int) or version > FORMAT_VERSION:
        raise BackupRefused(
            f"{path} is a backup in format {version!r}, written by a newer screengraph; this "
            f"one reads format {FORMAT_VERSION}. Restore it with that newer version."
        )
    try:
        manifest = BackupManifest(**raw)
    except TypeError as exc:
        raise _not_a_backup(path, f"its {MANIFEST_NAME} lacks a field: {exc}") from None
    for graph, layout in manifest.graphs.items():
        refuse_newer(int(layout), f"The backup {path} (graph {graph!r})")
    return manifest


def _extract_snapshot(path: Path, manifest: BackupManifest, into: Path) -> Path:
    target = into / SNAPSHOT_NAME
    digest = hashlib.sha256()
    with tarfile.open(path, "r:") as archive:
        member = next((m for m in archive if m.name == SNAPSHOT_NAME and m.isfile()), None)
        source = archive.extractfile(member) if member else None
        if source is None:
            raise _not_a_backup(path, f"it holds no {SNAPSHOT_NAME}")
        with open(target, "wb") as out:
            while chunk := source.read(_CHUNK):
                digest.update(chunk)
                out.write(chunk)
    if digest.hexdigest() != manifest.snapshot_sha256:
        raise BackupRefused(
            f"{path} is damaged: its snapshot's SHA-256 is not the one its "
            "manifest recorded. Restore another backup."
        )
    return target


# -- restore --------------------------------------------------------------------


class StagingServer(EmbeddedServer):
    """A server of its own in the staging folder, persistence off, that loads the snapshot."""

    name = "restore"
    describe = "the server that reads the backup being restored"

    @property
    def password(self) -> str | None:
        return None  # only its Unix socket listens, and only this user may open it

    def _command(self) -> list[str]:
        redis_server, module = redis_binaries()
        return [
            redis_server,
            "--port",
            "0",
            "--unixsocket",
            str(self.socket_path),
            "--unixsocketperm",
            "700",
            "--dir",
            str(self.data_dir),
            "--dbfilename",
            SNAPSHOT_NAME,
            "--daemonize",
            "no",
            "--save",
            "",
            "--appendonly",
            "no",
            "--appenddirname",
            APPEND_DIR,
            "--appendfsync",
            "always",
            "--logfile",
            str(self.log_path),
            "--loadmodule",
            module,
        ]


@contextmanager
def _unserved(server: EmbeddedServer) -> Iterator[None]:
    """Hold the store so that nobody uses it: the clients' lock exclusively (arrivals wait)
    and the folder's lock. BackupRefused when a process uses it."""
    server.data_dir.mkdir(parents=True, exist_ok=True)
    clients = os.open(server.clients_path, os.O_RDWR | os.O_CREAT, 0o600)
    lock: int | None = None
    try:
        # A keeper takes this lock for an instant on each poll: try for a second.
        for _ in range(20):
            try:
                fcntl.flock(clients, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                time.sleep(_POLL_S)
        else:
            raise _in_use(server)
        holder = folder_holder(server)
        if holder is not None and holder[1] == KEEPER_ROLE:
            stop_kept_server(server.data_dir)  # idle: it has no client, and none can join
        lock = server._take_lock()
        if lock is None:
            raise _in_use(server)
        yield
    finally:
        if lock is not None:
            os.close(lock)
        os.close(clients)


def _in_use(server: EmbeddedServer) -> BackupRefused:
    holder = folder_holder(server)
    who = f" (process {holder[0]} holds it)" if holder and holder[0] else ""
    return BackupRefused(
        f"The embedded store in {server.data_dir} is in use{who}. A restore replaces the "
        "whole store, so it does not run under a web app or a load: stop them (and any "
        "screengraph command using this folder), then run the restore again."
    )


def _advance_generation(client: redis.Redis, graph: str) -> None:
    """Move a graph's write counter past every value it had before the restore (the time
    in microseconds: a store makes far fewer writes than that), so that nothing cached
    against an earlier value of the replaced store is taken for the restored one."""
    from screengraph.graph.falkor_backend import GENERATION_KEY

    key = GENERATION_KEY.format(graph=graph)
    restored = int(client.get(key) or 0)
    client.set(key, max(restored, time.time_ns() // 1000) + 1)


def _convert_to_append_only(client: redis.Redis, folder: Path) -> None:
    """Switch the staging server's append-only files on: it writes them from memory."""
    rewrites = persistence(client)["aof_rewrites"]
    client.config_set("appendonly", "yes")
    wait_for_rewrite(
        client,
        rewrites,
        "The restore could not write the store's append-only files (a full disk? "
        f"see {folder / 'restore.log'}); the store was not changed.",
    )


def restore_backup(data_dir: str | Path, path: Path) -> Restored:
    """Replace the embedded store in `data_dir` by the backup `path` (see the docstring)."""
    manifest = read_manifest(path)
    server = EmbeddedServer(data_dir)
    with _unserved(server):
        finish_interrupted_swap(server.data_dir)  # an earlier restore's, before its files go
        staging_dir = server.data_dir / _STAGING
        shutil.rmtree(staging_dir, ignore_errors=True)
        staging_dir.mkdir(mode=0o700)
        staging = StagingServer(staging_dir)
        try:
            _extract_snapshot(Path(path).expanduser(), manifest, staging_dir)
            staging.ensure_running()
            client = redis.Redis(unix_socket_path=str(staging.socket_path), decode_responses=False)
            try:
                graphs = graph_layouts(client)
                for graph, layout in graphs.items():
                    refuse_newer(layout, f"The backup {path} (graph {graph!r})")
                    _advance_generation(client, graph)
                _convert_to_append_only(client, staging_dir)
            finally:
                client.close()
            staging.stop()
            if not (staging_dir / APPEND_DIR).is_dir():
                raise BackendUnavailable(
                    f"The restore wrote no append-only files (see "
                    f"{staging.log_path}); the store was not changed."
                )
            replaced = _swap_in(server.data_dir, staging_dir / APPEND_DIR)
        finally:
            staging.stop()
            shutil.rmtree(staging_dir, ignore_errors=True)
    return Restored(manifest, replaced, graphs)


def _swap_in(data_dir: Path, files: Path) -> Path | None:
    """Put the restored append-only files in place; where the previous ones were kept."""
    return swap_in(data_dir, APPEND_DIR, files)
