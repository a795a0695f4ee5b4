"""The hostile sweep against a real `screengraph serve`: no 5xx, no hang, bounded memory.

    python -m benchmarks.hostile_sweep [--quick] [--clients 4]

Serves the sample data on a fresh embedded store the way users run it (`screengraph
serve`, waitress, its own process), then sends every request of the hostile corpus
(tests/webapp/hostile_corpus.py; --quick: the CI subset) byte for byte over HTTP from
--clients threads. Prints the answers by status, the slowest answer, and the web
process's memory: its peak resident size (VmHWM) after a warm-up of ordinary pages
(the baseline) and after the sweep, and its resident size at the end. Exits non-zero
if any answer is a 5xx or a request gets no answer within 60 s.
"""

from __future__ import annotations

import argparse
import http.client
import re
import sys
import tempfile
import threading
import time
from collections import Counter
from pathlib import Path

from benchmarks.web_load import Server
from tests.webapp import hostile_corpus

TIMEOUT_S = 60


def memory_kb(pid: int) -> dict[str, int]:
    """VmRSS and VmHWM (peak resident size) of a process, in kB."""
    found = {}
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        key, _, value = line.partition(":")
        if key in ("VmRSS", "VmHWM"):
            found[key] = int(value.split()[0])
    return found


def send(port: int, req: dict, cookie: str = "") -> tuple[int, float]:
    started = time.perf_counter()
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=TIMEOUT_S)
    try:
        conn.putrequest(req["method"], req["path"], skip_host=True, skip_accept_encoding=True)
        headers = {"Host": f"127.0.0.1:{port}", **req.get("headers", {})}
        if cookie:
            headers.setdefault("Cookie", cookie)
        body = req.get("body")
        if body is not None:
            headers["Content-Type"] = req["content_type"]
            headers["Content-Length"] = str(len(body))
        for name, value in headers.items():
            conn.putheader(name, value.encode("latin-1", "replace"))
        conn.endheaders(body)
        response = conn.getresponse()
        response.read()
        return response.status, time.perf_counter() - started
    except (ConnectionError, http.client.HTTPException) as exc:
        # waitress closes the connection on a request it will not read (e.g. over its limits)
        return -1 if "timed out" in str(exc) else 0, time.perf_counter() - started
    finally:
        conn.close()


def session(port: int) -> tuple[str, str]:
    """A session cookie and its CSRF token, as a browser gets them from /console."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=TIMEOUT_S)
    conn.request("GET", "/console")
    response = conn.getresponse()
    html = response.read().decode()
    cookie = response.getheader("Set-Cookie").split(";", 1)[0]
    conn.close()
    return cookie, re.search(r'name="csrf_token" value="([^"]+)"', html).group(1)


def seed(data_dir: Path, graph: str) -> None:
    from screengraph.graph.falkor_backend import FalkorBackend
    from tests.queries.conftest import load_records, load_seed
    from tests.webapp.conftest import HOSTILE

    backend = FalkorBackend(data_dir, graph)
    backend.ensure_schema()
    load_seed(backend)
    load_records(backend, "hostile.jsonl", [HOSTILE])
    backend.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="the CI subset of the corpus")
    parser.add_argument("--clients", type=int, default=4)
    args = parser.parse_args()

    from screengraph.queries.catalogue import catalogue
    from screengraph.webapp import create_app

    workdir = Path(tempfile.mkdtemp(prefix="sg-hostile-"))
    data_dir, graph = workdir / "store", "hostile"
    seed(data_dir, graph)
    server = Server("embedded", data_dir, graph, [], workdir / "serve.log")
    try:
        server.wait_ready("/show/the-bureau", timeout=120)
        port, pid = server.port, server.process.pid
        names = [q.name for q in catalogue().all()]
        url_map = create_app({"TESTING": True}, backend=object()).url_map  # routes only
        real, _ = hostile_corpus.concrete_paths(url_map, names)
        cookie, token = session(port)
        for path in real:  # warm-up: every page once, the way users see them
            send(port, {"method": "GET", "path": path}, cookie)
        baseline = memory_kb(pid)

        corpus = [
            *hostile_corpus.get_requests(url_map, names, full=not args.quick),
            *hostile_corpus.header_requests(),
            *hostile_corpus.post_requests(token),
        ]
        statuses: Counter[int] = Counter()
        slowest = [0.0, ""]
        failures: list[str] = []
        lock = threading.Lock()
        queue = iter(enumerate(corpus))

        def worker() -> None:
            while True:
                with lock:
                    item = next(queue, None)
                if item is None:
                    return
                _, req = item
                status, elapsed = send(port, req, cookie)
                with lock:
                    statuses[status] += 1
                    if elapsed > slowest[0]:
                        slowest[:] = [elapsed, hostile_corpus.describe(req)]
                    if status >= 500 or status == -1:
                        failures.append(f"{status} {hostile_corpus.describe(req)}")

        started = time.perf_counter()
        threads = [threading.Thread(target=worker) for _ in range(args.clients)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        took = time.perf_counter() - started
        after = memory_kb(pid)
        alive = server.get("/index.json") == 200
    finally:
        server.stop()

    print(
        f"hostile sweep ({'quick' if args.quick else 'full'} corpus): {len(corpus):,} requests "
        f"from {args.clients} clients in {took:.0f} s"
    )
    print(
        "  answers by status: "
        + ", ".join(f"{'closed' if s == 0 else s}: {n:,}" for s, n in sorted(statuses.items()))
    )
    print(f"  slowest answer: {slowest[0] * 1000:.0f} ms ({slowest[1]})")
    print(
        f"  web process memory: peak {baseline['VmHWM'] / 1024:.0f} MB after a warm-up of "
        f"{len(real)} ordinary pages (baseline), peak {after['VmHWM'] / 1024:.0f} MB after "
        f"the sweep, resident {after['VmRSS'] / 1024:.0f} MB at the end"
    )
    print(f"  server still answering after the sweep: {'yes' if alive else 'NO'}")
    for failure in failures[:20]:
        print(f"  FAILED: {failure}")
    sys.exit(1 if failures or not alive else 0)


if __name__ == "__main__":
    main()
