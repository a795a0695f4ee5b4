"""The embedded store's server kept warm between commands (SCREENGRAPH_EMBEDDED_IDLE_S):
reused, stopped after the idle time or by `screengraph stop`, never orphaned, durable,
one per folder. Real servers and real processes throughout."""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import textwrap
import threading
import time
from pathlib import Path

import pytest

from screengraph.graph.embedded_keeper import KEEPER_ROLE, folder_holder, keep, stop_kept_server
from screengraph.graph.embedded_server import EmbeddedServer, RestartPolicy, ping, server_pid
from screengraph.graph.falkor_backend import FalkorBackend
from tests.conftest import SAMPLE_PAGE
from tests.graph.test_embedded_lifecycle import _alive, _wait_gone

REPO = Path(__file__).resolve().parents[2]


def _cli(data_dir: Path, *args: str, idle_s: float = 30, check: bool = True):
    env = dict(
        os.environ,
        PYTHONPATH=str(REPO),
        SCREENGRAPH_EMBEDDED_IDLE_S=str(idle_s),
        SCREENGRAPH_BACKEND="embedded",
    )
    return subprocess.run(
        [sys.executable, "-m", "screengraph", "--data-dir", str(data_dir), *args],
        capture_output=True,
        text=True,
        timeout=120,
        env=env,
        check=check,
    )


def _running(data_dir: Path) -> tuple[int | None, int | None]:
    """(keeper pid, server pid) of the folder, None for what is not running."""
    server = EmbeddedServer(data_dir)
    holder = folder_holder(server)
    keeper = holder[0] if holder and holder[1] == KEEPER_ROLE else None
    return keeper, server_pid(server.socket_path, server.password)


@pytest.fixture
def store(tmp_path):
    """A data folder whose keeper, if the test left one running, is stopped afterwards."""
    folder = tmp_path / "store"
    yield folder
    keeper, server = _running(folder)
    if keeper:
        stop_kept_server(folder)
    for pid in (keeper, server):
        if pid:
            assert _wait_gone(pid), f"process {pid} survived the test's clean-up"


def test_the_next_commands_reuse_the_server_and_stop_stops_it(store):
    _cli(store, "load", str(SAMPLE_PAGE))
    keeper, server = _running(store)
    assert keeper and server, "a keeper should keep the server after the command"
    assert _alive(keeper) and _alive(server)
    related = _cli(store, "related", "the bureau").stdout
    assert "Team Dronix" in related
    _cli(store, "stats")
    assert _running(store) == (keeper, server), "a warm command must not start a new server"
    stopped = _cli(store, "stop").stdout
    assert f"pid {server}" in stopped and f"pid {keeper}" in stopped
    assert _wait_gone(server) and _wait_gone(keeper)
    assert "No embedded server was running" in _cli(store, "stop").stdout
    # And what was loaded is there for the next command, from the append-only file.
    assert "Team Dronix" in _cli(store, "related", "the bureau").stdout


def test_the_server_stops_after_the_idle_time_without_a_client_and_not_before(store):
    client = FalkorBackend(store, "idle", idle_s=1)
    client.run_write("CREATE (:Show {key: 'kept'})")
    keeper, server = _running(store)
    time.sleep(3)  # three idle times with a client connected
    assert _running(store) == (keeper, server), "stopped while a client was connected"
    client.close()
    assert _wait_gone(server, 15) and _wait_gone(keeper, 15)
    assert folder_holder(EmbeddedServer(store)) is None, "the folder's lock was not released"
    with FalkorBackend(store, "idle", idle_s=1) as again:
        assert again.run_read("MATCH (s:Show) RETURN count(s)").value() == 1


def test_a_client_killed_with_kill_9_does_not_keep_the_server_up(store):
    script = textwrap.dedent(f"""
        import sys, time
        sys.path.insert(0, {str(REPO)!r})
        from screengraph.graph.falkor_backend import FalkorBackend
        client = FalkorBackend({str(store)!r}, "gone", idle_s=1)
        client.run_read("RETURN 1")
        print("ready", flush=True)
        time.sleep(60)
    """)
    child = subprocess.Popen([sys.executable, "-c", script], stdout=subprocess.PIPE, text=True)
    assert child.stdout.readline().strip() == "ready"
    keeper, server = _running(store)
    child.kill()
    child.wait()
    assert _wait_gone(server, 15) and _wait_gone(keeper, 15)


def test_kill_9_of_the_keeper_leaves_no_server_and_loses_no_acknowledged_write(store):
    backend = FalkorBackend(store, "durable", idle_s=30)
    try:
        for i in range(100):
            backend.run_write("CREATE (:Show {key: $key})", {"key": f"show-{i}"})
        keeper, server = _running(store)
        os.kill(keeper, signal.SIGKILL)
        assert _wait_gone(server), "the server outlived its keeper"
        # The next query starts a new keeper, whose server replays the append-only file.
        assert backend.run_read("MATCH (s:Show) RETURN count(s)").value() == 100
        new_keeper, new_server = _running(store)
        assert new_keeper not in (None, keeper) and new_server not in (None, server)
    finally:
        backend.close()


def test_the_keeper_restarts_a_server_killed_with_kill_9(store):
    backend = FalkorBackend(store, "restarted", idle_s=30)
    try:
        backend.run_write("CREATE (:Show {key: 'kept'})")
        keeper, server = _running(store)
        os.kill(server, signal.SIGKILL)
        assert _wait_gone(server)
        assert backend.run_read("MATCH (s:Show) RETURN count(s)").value() == 1
        assert _running(store)[0] == keeper, "the keeper itself should bring the server back"
    finally:
        backend.close()


def test_a_crash_loop_stops_the_keeper_and_the_next_query_starts_a_new_one(store):
    backend = FalkorBackend(store, "crashloop", idle_s=30)
    backend.server.restarts = RestartPolicy(max_restarts=1, window_s=60, healthy_after_s=30)
    try:
        backend.run_write("CREATE (:Show {key: 'kept'})")
        keeper, server = _running(store)
        for _ in range(2):
            os.kill(server, signal.SIGKILL)
            assert _wait_gone(server)
            deadline = time.monotonic() + 10
            while time.monotonic() < deadline and _running(store)[1] in (None, server):
                if not _alive(keeper):
                    break
                time.sleep(0.02)
            server = _running(store)[1]
        assert _wait_gone(keeper), "the keeper should give up on a crash loop and exit"
        assert "not restarting it again" in EmbeddedServer(store).keeper_log_path.read_text()
        assert backend.run_read("MATCH (s:Show) RETURN count(s)").value() == 1
        assert _running(store)[0] not in (None, keeper)
    finally:
        backend.close()


def test_a_keeper_whose_server_crashed_before_it_watched_says_why_it_stops(store):
    """A crash loop at the very start releases the folder before the keeper begins to
    watch: it stops saying so (it raised TypeError on the released lock before)."""
    store.mkdir(parents=True, exist_ok=True)
    server = EmbeddedServer(store)  # owns nothing: the folder was released
    assert (
        keep(server, 30, threading.Event())
        == "its server kept crashing (see the server log); the folder is released"
    )


def test_processes_starting_at_once_share_one_server(store):
    script = textwrap.dedent(f"""
        import sys
        sys.path.insert(0, {str(REPO)!r})
        from screengraph.graph.falkor_backend import FalkorBackend
        with FalkorBackend({str(store)!r}, "crowd", idle_s=30) as backend:
            backend.run_write("CREATE (:Show {{key: 'x'}})")
            print(backend.server.pid, flush=True)
    """)
    children = [
        subprocess.Popen(
            [sys.executable, "-c", script],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for _ in range(4)
    ]
    outputs = [child.communicate(timeout=120) for child in children]
    assert all(child.returncode == 0 for child in children), [err for _, err in outputs]
    pids = {int(out) for out, _ in outputs}
    assert len(pids) == 1, f"several servers for one folder: {pids}"
    assert EmbeddedServer(store).keeper_log_path.read_text().count("started") == 1
    with FalkorBackend(store, "crowd", idle_s=30) as backend:
        assert backend.run_read("MATCH (s:Show) RETURN count(s)").value() == 4


def test_clients_arriving_as_the_keeper_stops_never_fail(store):
    """Each visit lands at a random moment around the end of the idle time."""
    rng = random.Random(5)
    servers = set()
    for i in range(12):
        with FalkorBackend(store, "boundary", idle_s=0.3) as backend:
            backend.run_write("CREATE (:Show {key: $key})", {"key": f"visit-{i}"})
            assert backend.run_read("MATCH (s:Show) RETURN count(s)").value() == i + 1
            servers.add(backend.server.pid)
        time.sleep(rng.uniform(0.1, 0.8))
    assert len(servers) > 1, "the idle time never passed: the test did not test the stop"


def test_a_deleted_folder_stops_its_keeper_and_server(store):
    import shutil

    _cli(store, "stats")
    keeper, server = _running(store)
    shutil.rmtree(store)
    assert _wait_gone(server, 15) and _wait_gone(keeper, 15)


def test_idle_0_stops_the_server_with_the_command(store):
    _cli(store, "stats", idle_s=0)
    assert _running(store) == (None, None)
    assert not EmbeddedServer(store).keeper_log_path.exists()
    assert not ping(EmbeddedServer(store).socket_path)


def test_stop_names_a_process_that_owns_its_server(store):
    owner = FalkorBackend(store, "owned")  # idle 0: this process owns the server
    try:
        owner.run_read("RETURN 1")
        result = _cli(store, "stop", check=False)
        assert result.returncode == 1
        assert f"belongs to process {os.getpid()}" in result.stderr
        assert _alive(owner.server.pid)
    finally:
        owner.close()


def test_ad_hoc_queries_run_on_the_sandbox_of_a_kept_server(store):
    with FalkorBackend(store, "adhoc", idle_s=30) as backend:
        backend.run_write("CREATE (:Show {key: 'a'}), (:Show {key: 'b'})")
        assert backend.run_adhoc("MATCH (s:Show) RETURN count(s)").value() == 2
        assert not backend.server.owner and backend._sandbox.server.owner


def test_the_idle_time_is_a_setting_that_reaches_the_store(tmp_path):
    from screengraph.graph.connect import connect
    from screengraph.graph.settings import SettingsError, load_settings

    env = {"SCREENGRAPH_BACKEND": "embedded", "SCREENGRAPH_DATA_DIR": str(tmp_path)}
    assert load_settings(env=env).embedded_idle_s > 0, "one-off commands should find it warm"
    backend = connect(load_settings(env={**env, "SCREENGRAPH_EMBEDDED_IDLE_S": "7"}))
    assert backend.server.idle_s == 7
    with pytest.raises(SettingsError, match="SCREENGRAPH_EMBEDDED_IDLE_S"):
        load_settings(env={**env, "SCREENGRAPH_EMBEDDED_IDLE_S": "-1"})
