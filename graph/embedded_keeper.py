"""The keeper process: owns a data folder's FalkorDB server between one-off commands.

Started detached by the first client that finds no server (graph/embedded_server.py,
when SCREENGRAPH_EMBEDDED_IDLE_S > 0), with the folder's lock handed over as an open
file, so that of two clients starting at once exactly one keeper exists. It then:

- starts the server as the owner of today does (EmbeddedServer: a keeper thread spawns
  it with PR_SET_PDEATHSIG, so a kill -9 of this process kills the server too; it is
  restarted after a crash within RestartPolicy, from its append-only file);
- every poll, tries to lock `server.clients.lock` exclusively: it can only while no
  process holds its shared lock as a client. Once that has been so for the idle time
  (counted from the later of when it first saw no client and when the last client left,
  the file's time), it stops the server *while still holding the exclusive lock*, so a
  client arriving meanwhile waits for the stop, then starts a new keeper;
- stops the server and exits on SIGTERM/SIGINT (`screengraph stop`), when the server
  crash-loops (the folder is released, as today), or when the folder is deleted.

    python -m graph.embedded_keeper '<json settings>'
"""

from __future__ import annotations

import fcntl
import json
import logging
import os
import signal
import subprocess
import sys
import threading
import time
from dataclasses import asdict, dataclass
from pathlib import Path

from screengraph.graph.embedded_server import (
    KEEPER_ROLE,
    PROCESS_ROLE,
    EmbeddedServer,
    RestartPolicy,
)
from screengraph.graph.embedded_server import server_pid as pid_of
from screengraph.graph.errors import BackendUnavailable

log = logging.getLogger("screengraph.graph.embedded_keeper")

STARTING = "starting"
_MAX_POLL_S = 1.0
_MIN_POLL_S = 0.05


def keeper_command(server: EmbeddedServer, lock_fd: int) -> list[str]:
    """The command line of a keeper for `server`'s folder, with its settings."""
    settings = {
        "data_dir": str(server.data_dir),
        "lock_fd": lock_fd,
        "fsync": server.fsync,
        "timeout_default_ms": server.timeout_default_ms,
        "timeout_max_ms": server.timeout_max_ms,
        "query_mem_capacity_mb": server.query_mem_capacity_mb,
        "restarts": asdict(server.restarts),
        "idle_s": server.idle_s,
    }
    return [sys.executable, "-m", "screengraph.graph.embedded_keeper", json.dumps(settings)]


def _folder_gone(server: EmbeddedServer, lock_inode: int) -> bool:
    """Whether the data folder was deleted (or its lock file replaced) under us."""
    try:
        return os.stat(server.lock_path).st_ino != lock_inode
    except FileNotFoundError:
        return True


_RELEASED = "its server kept crashing (see the server log); the folder is released"


def keep(server: EmbeddedServer, idle_s: float, stop: threading.Event) -> str:
    """Watch the clients until the server should stop; why it stops. The caller stops it,
    still holding the clients' lock when the reason is idleness."""
    poll = min(_MAX_POLL_S, max(_MIN_POLL_S, idle_s / 10))
    lock_fd = server.lock_fd
    if lock_fd is None:
        return _RELEASED
    clients = os.open(server.clients_path, os.O_RDWR | os.O_CREAT, 0o600)
    lock_inode = os.fstat(lock_fd).st_ino
    first_seen_idle: float | None = None
    while not stop.wait(poll):
        if not server.owner:
            return _RELEASED
        if _folder_gone(server, lock_inode):
            return f"its folder {server.data_dir} was deleted"
        try:
            fcntl.flock(clients, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            first_seen_idle = None  # somebody uses the server
            continue
        now = time.time()
        if first_seen_idle is None:
            first_seen_idle = now
        last_left = os.fstat(clients).st_mtime
        if now - max(first_seen_idle, last_left) >= idle_s:
            server.stop()  # clients wait on their shared lock until the server is down
            return f"no client for {idle_s:g} s"
        fcntl.flock(clients, fcntl.LOCK_UN)
    return "asked to stop"


@dataclass(frozen=True)
class Stopped:
    """What `stop_kept_server` found: `keeper_pid` None when no keeper kept a server;
    `owner_pid` set when a process that owns its server itself holds the folder."""

    keeper_pid: int | None = None
    server_pid: int | None = None
    owner_pid: int | None = None


def folder_holder(server: EmbeddedServer) -> tuple[int, str] | None:
    """(pid, role) of the process holding the folder's lock, or None when nobody does."""
    try:
        fd = os.open(server.lock_path, os.O_RDONLY)
    except FileNotFoundError:
        return None
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_SH | fcntl.LOCK_NB)
        except BlockingIOError:
            fields = os.pread(fd, 100, 0).decode(errors="replace").split()
            if fields and fields[0].isdigit():
                return int(fields[0]), (fields[1] if len(fields) > 1 else PROCESS_ROLE)
            return 0, STARTING  # a client took it to hand it to a keeper it is starting
        return None
    finally:
        os.close(fd)


def stop_kept_server(data_dir: str | Path, timeout_s: float = 60.0) -> Stopped:
    """Stop the server a keeper keeps for `data_dir` now, and wait until it is down."""
    server = EmbeddedServer(data_dir)
    deadline = time.monotonic() + timeout_s
    holder = folder_holder(server)
    while holder is not None and holder[1] == STARTING and time.monotonic() < deadline:
        time.sleep(0.02)
        holder = folder_holder(server)
    if holder is None:
        return Stopped()
    pid, role = holder
    if role != KEEPER_ROLE:
        return Stopped(owner_pid=pid)
    server_pid = pid_of(server.socket_path, server.password)
    try:
        os.kill(pid, signal.SIGTERM)
    except ProcessLookupError:
        pass
    while folder_holder(server) is not None:
        if time.monotonic() >= deadline:
            raise BackendUnavailable(
                f"The keeper process {pid} of {server.data_dir} did not stop within "
                f"{timeout_s:.0f} s; see {server.log_path}."
            )
        time.sleep(0.02)
    return Stopped(keeper_pid=pid, server_pid=server_pid)


def main(argv: list[str]) -> int:
    settings = json.loads(argv[1])
    logging.basicConfig(
        level=logging.INFO,
        stream=sys.stderr,
        format=f"%(asctime)s keeper {os.getpid()} %(levelname)s %(message)s",
    )
    server = EmbeddedServer(
        settings["data_dir"],
        fsync=settings["fsync"],
        timeout_default_ms=settings["timeout_default_ms"],
        timeout_max_ms=settings["timeout_max_ms"],
        query_mem_capacity_mb=settings["query_mem_capacity_mb"],
        restarts=RestartPolicy(**settings["restarts"]),
    )
    stop = threading.Event()
    for signum in (signal.SIGTERM, signal.SIGINT, signal.SIGHUP):
        signal.signal(signum, lambda *_: stop.set())
    server.adopt_lock(settings["lock_fd"], KEEPER_ROLE)
    try:
        server.start_owned()
    except (BackendUnavailable, OSError, subprocess.SubprocessError) as exc:
        log.error("could not start %s: %s", server.describe, exc)
        server.stop()
        return 1
    log.info(
        "%s started (pid %s); stops after %g s without a client",
        server.describe,
        server.pid,
        settings["idle_s"],
    )
    why = keep(server, settings["idle_s"], stop)
    server.stop()
    log.info("stopped %s: %s", server.describe, why)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
