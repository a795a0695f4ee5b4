"""A small closed-loop HTTP load generator, run in its own process by benchmarks.web_load.

    python -m benchmarks.http_load --port 8000 --paths paths.json [--clients 50]
        [--seconds 20] [--think 1.0] [--seed 1]

--clients keep-alive HTTP/1.1 connections in one asyncio loop. Each client picks a
path from the file (a JSON list of {"kind", "share", "paths", "zipf"}: a kind by its
share of requests, then one of its paths, uniformly when "zipf" is 0, else the path of
rank r (from 1, in the list's order) with probability proportional to 1 / r ** zipf,
as popularity on the web goes), sends GET, reads the whole
body, and records the latency from sending the request to the body's last byte;
then, with --think > 0, it pauses for an exponentially distributed time of that
mean (seeded per client, so a run repeats) and starts again, like a person reading
a page. With --think 0 the clients send back to back: the server's saturation.
Clients with think time start at a random point of their first pause, so they do
not arrive in one burst.

Prints one JSON object: per kind, the latencies (ms) of the requests completed
within --seconds and the count of errors (non-200 answers, broken connections);
the elapsed time; the CPU seconds this process used (to see whether the
generator itself was a bottleneck).
"""

from __future__ import annotations

import argparse
import asyncio
import itertools
import json
import random
import resource
import sys
import time


class Client:
    """One keep-alive connection that reads Content-Length or chunked bodies."""

    def __init__(self, host: str, port: int):
        self.host, self.port = host, port
        self.reader: asyncio.StreamReader | None = None
        self.writer: asyncio.StreamWriter | None = None

    async def get(self, path: str) -> int:
        reused = self.writer is not None
        try:
            return await self._get(path)
        except (ConnectionError, asyncio.IncompleteReadError) as exc:
            if not reused or getattr(exc, "partial", b""):
                raise
            # The server closed an idle keep-alive connection: resend on a new one, as a
            # browser does (the latency includes the failed attempt).
            self.close()
            return await self._get(path)

    async def _get(self, path: str) -> int:
        if self.writer is None:
            self.reader, self.writer = await asyncio.open_connection(self.host, self.port)
        self.writer.write(
            f"GET {path} HTTP/1.1\r\nHost: {self.host}:{self.port}\r\n"
            "Accept: text/html\r\n\r\n".encode()
        )
        head = await self.reader.readuntil(b"\r\n\r\n")
        lines = head.decode("latin-1").split("\r\n")
        status = int(lines[0].split(" ", 2)[1])
        headers = {}
        for line in lines[1:]:
            if ":" in line:
                name, value = line.split(":", 1)
                headers[name.strip().lower()] = value.strip()
        if "content-length" in headers:
            await self.reader.readexactly(int(headers["content-length"]))
        elif headers.get("transfer-encoding", "").lower() == "chunked":
            while True:
                size = int((await self.reader.readuntil(b"\r\n")).split(b";")[0], 16)
                await self.reader.readexactly(size + 2)
                if size == 0:
                    break
        else:
            await self.reader.read()  # body ends when the server closes
            self.close()
        if headers.get("connection", "").lower() == "close":
            self.close()
        return status

    def close(self) -> None:
        if self.writer is not None:
            self.writer.close()
        self.reader = self.writer = None


class Mix:
    """Draws [kind, path] from the paths file's kinds, shares and popularity."""

    def __init__(self, kinds: list[dict]):
        self.kinds = kinds
        self.shares = [kind["share"] for kind in kinds]
        self.cumulative = [
            list(
                itertools.accumulate(
                    rank ** -kind["zipf"] for rank in range(1, len(kind["paths"]) + 1)
                )
            )
            if kind["zipf"]
            else None
            for kind in kinds
        ]

    def draw(self, rng: random.Random) -> tuple[str, str]:
        index = rng.choices(range(len(self.kinds)), weights=self.shares)[0]
        kind, cumulative = self.kinds[index], self.cumulative[index]
        if cumulative is None:
            return kind["kind"], kind["paths"][rng.randrange(len(kind["paths"]))]
        return kind["kind"], rng.choices(kind["paths"], cum_weights=cumulative)[0]


async def run(
    host: str, port: int, mix: Mix, clients: int, seconds: float, think: float, seed: int
) -> dict:
    kinds = sorted({kind["kind"] for kind in mix.kinds})
    samples: dict[str, list[float]] = {kind: [] for kind in kinds}
    errors: dict[str, int] = {kind: 0 for kind in kinds}
    examples: list[str] = []
    started = time.perf_counter()
    deadline = started + seconds

    async def one(index: int) -> None:
        rng = random.Random(seed * 1000 + index)
        client = Client(host, port)
        if think > 0:
            await asyncio.sleep(rng.uniform(0, think))
        while time.perf_counter() < deadline:
            kind, path = mix.draw(rng)
            sent = time.perf_counter()
            try:
                status = await asyncio.wait_for(client.get(path), timeout=60)
            except (
                TimeoutError,
                OSError,
                asyncio.IncompleteReadError,
                asyncio.LimitOverrunError,
                ValueError,
                IndexError,
            ) as exc:
                client.close()
                status = f"{type(exc).__name__}: {exc}"
            done = time.perf_counter()
            if done <= deadline:
                if status == 200:
                    samples[kind].append((done - sent) * 1000)
                else:
                    errors[kind] += 1
                    if len(examples) < 5:
                        examples.append(f"{path}: {status}")
            if think > 0:
                await asyncio.sleep(rng.expovariate(1 / think))
        client.close()

    await asyncio.gather(*(one(i) for i in range(clients)))
    return {
        "elapsed": min(time.perf_counter(), deadline) - started,
        "samples": samples,
        "errors": errors,
        "error_examples": examples,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument(
        "--paths", required=True, help='JSON file: a list of {"kind", "share", "paths", "zipf"}'
    )
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--seconds", type=float, default=20)
    parser.add_argument(
        "--think",
        type=float,
        default=0.0,
        help="mean think time in seconds (exponential); 0 = back to back",
    )
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    with open(args.paths, encoding="utf-8") as f:
        mix = Mix(json.load(f))
    result = asyncio.run(
        run(args.host, args.port, mix, args.clients, args.seconds, args.think, args.seed)
    )
    usage = resource.getrusage(resource.RUSAGE_SELF)
    result["cpu"] = usage.ru_utime + usage.ru_stime
    json.dump(result, sys.stdout)


if __name__ == "__main__":
    main()
