"""The floor under every page: waitress and Flask answering a trivial route, nothing else.

    python -m benchmarks.flask_floor --port 8000 [--threads 8]

benchmarks.web_load runs it beside `screengraph serve` to show what a request costs
before screengraph does anything: its p95 with 50 clients that never pause is the
lowest any page of ours could reach on the same machine.
"""

from __future__ import annotations

import argparse

from flask import Flask


def create_app() -> Flask:
    app = Flask(__name__)

    @app.get("/")
    def hello() -> str:
        return "<!doctype html><title>floor</title><p>hello</p>"

    return app


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--threads", type=int, default=8)
    args = parser.parse_args()
    from waitress import serve

    serve(create_app(), host="127.0.0.1", port=args.port, threads=args.threads, ident="floor")


if __name__ == "__main__":
    main()
