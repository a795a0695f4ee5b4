"""The scaling table (markdown) and plot (PNG) from benchmarks/scaling.py's results.

    python -m benchmarks.scaling_report RESULTS.json [MORE.json ...] [--merge OUT.json]
        [--markdown docs/scaling.md] [--png docs/scaling.png]

Several results files (runs made separately, e.g. one backend each) are read as one; with
--merge they are also written as one. --markdown replaces the table at the top of that file
(between the TABLE_BEGIN and TABLE_END comments; added at the top if absent).
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

TABLE_BEGIN = "<!-- scaling table: benchmarks/scaling_report.py writes from here -->"
TABLE_END = "<!-- scaling table: to here -->"
QUESTIONS = ("search", "related content", "collaborators", "path")
HUBS = "; hubs p50 / max"


# What a run measured on a store loaded already (benchmarks/on_store.py) replaces of the
# run that loaded it; the load's own figures stay.
MEASURED_ON_STORE = (
    "open_seconds",
    "sample",
    "queries",
    "queries_database_peak_mb",
    "cli",
    "on_store",
)


def merged(reports: list[dict]) -> dict:
    """One report from several: the runs of all (of a backend and size measured more than
    once, the run of the report given last; a run measured on a loaded store, `on_store`,
    replaces only its figures, MEASURED_ON_STORE, of the run before it, and what stopped
    that run once its load was done, kept as `measuring_stopped_by`), the first one's
    settings and targets."""
    if not reports:
        raise ValueError("no results given")
    latest: dict[tuple, dict] = {}
    for run in (run for r in reports for run in r["runs"]):
        slot = (run["backend"], run["credits_nominal"])
        # Alone (a report merged before, or one with no load of that size given) it
        # stands as it is.
        if run.get("on_store") and slot in latest:
            earlier = {k: v for k, v in latest[slot].items() if k not in MEASURED_ON_STORE}
            if _loaded_then_stopped(earlier) and "stopped_by" not in run:
                # It stopped measuring what this run measured again: not what stops it now.
                earlier["measuring_stopped_by"] = earlier.pop("stopped_by")
            run = {**earlier, **{k: v for k, v in run.items() if k in MEASURED_ON_STORE}}
            run.update(backend=slot[0], credits_nominal=slot[1])
        latest[slot] = run
    report = {**reports[0], "runs": list(latest.values())}
    report["parts"] = [part for r in reports for part in _parts(r)]
    return report


def _loaded_then_stopped(run: dict) -> bool:
    """A run whose bulk load finished and whose measuring after it stopped."""
    return "stopped_by" in run and bool(run.get("bulk", {}).get("seconds"))


def _parts(report: dict) -> list[dict]:
    """The runs a report was made of (itself, unless it was merged), each with its machine."""
    return [
        {"machine": report.get("machine", {}), **part}
        for part in report.get("parts")
        or [{k: report.get(k) for k in ("started", "finished", "command")}]
    ]


def _number(value, digits: int = 0) -> str:
    return "—" if value is None else f"{value:,.{digits}f}"


def _target(report: dict, name: str, backend: str, key: str) -> str:
    target = report["targets"].get(name, {})
    limit = target.get(key, target.get(backend))
    if limit is None:
        return ""
    return f" (≤ {limit:g} {target['unit']} at {target['at']:.0e})".replace("e+0", "e")


def _latency(run: dict, question: str) -> str:
    """p50 / p95 over the uniform sample, then the hubs' p50 / max; a run from before the
    hubs were measured apart (its sample a tenth hubs) says so."""
    figures = run.get("queries", {}).get(question)
    if not figures:
        return "—"
    text = f"{figures['p50']:.1f} / {figures['p95']:.1f}{_timeouts(figures)}"
    hubs = figures.get("hubs")
    if hubs:
        return text + f"; hubs {hubs['p50']:.0f} / {hubs['max']:.0f}{_timeouts(hubs)}"
    if question != "search" and not _uniform(run):
        return text + " (a tenth hubs)"
    return text


def _uniform(run: dict) -> bool:
    """Whether the run's sample was drawn uniformly, hubs apart (not a tenth hubs)."""
    return "hub_people" in run.get("sample", {})


def _timeouts(figures: dict) -> str:
    return f", {figures['timeouts']} timeouts" if figures.get("timeouts") else ""


def _incremental(run: dict) -> str:
    done = run.get("incremental")
    if not done:
        return "—"
    if "failed" in done:
        return _one_line(done["failed"], 160)
    if not done.get("run"):
        estimate = done.get("estimated_seconds")
        return "not run" + (f": **est.** {estimate / 60:,.0f} min" if estimate else "")
    return f"{done['seconds']:,.1f} s ({done['credits_per_s']:,.0f}/s)"


def _one_line(text: str, keep: int = 300) -> str:
    """The end of a message (where a stopped load's last progress line is), on one line."""
    line = " ".join(text.split()).replace("|", "\\|")
    return line if len(line) <= keep else "…" + line[-keep:]


def table(report: dict) -> str:
    """The README's table: one row per backend and size, the targets in the header."""
    bulk = report["targets"]["bulk_seconds"]
    header = [
        "backend",
        "credits",
        "incremental load",
        f"bulk load (≤ {bulk['neo4j']:g} s Neo4j, ≤ {bulk['embedded']:g} s embedded at "
        f"{bulk['at']:.0e}; credits/s)".replace("e+0", "e"),
        "loader peak MB (bulk / incr.)",
        "database peak MB",
        "store on disk MB",
        "CLI cold s",
        "CLI warm s" + _target(report, "cli_warm_seconds", "embedded", ""),
        "search p50 / p95 ms",
        "related p50 / p95 ms" + _target(report, "related content", "", "p95") + HUBS,
        "collaborators p50 / p95 ms" + _target(report, "collaborators", "", "p95") + HUBS,
        "paths p50 / p95 ms" + _target(report, "path", "", "p95") + HUBS,
        "what stopped it",
    ]
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    for run in sorted(report["runs"], key=lambda r: (r["backend"], r["credits_nominal"])):
        bulk = run.get("bulk", {})
        incremental = run.get("incremental", {})
        database = (
            max(
                bulk.get("database_peak_mb", 0),
                incremental.get("database_peak_mb", 0),
                run.get("queries_database_peak_mb", 0),
            )
            or None
        )
        cli = run.get("cli", {})
        cells = [
            run["backend"],
            _number(run.get("credits", run["credits_nominal"])),
            _incremental(run),
            f"{bulk['seconds']:,.1f} s ({bulk['credits_per_s']:,.0f}/s)" if bulk else "—",
            f"{_number(bulk.get('loader_peak_mb'))} / {_number(incremental.get('loader_peak_mb'))}",
            _number(database),
            _number(run.get("store_mb")),
            _number(cli.get("cold_seconds"), 2),
            _number(cli.get("warm_seconds"), 2),
            *(_latency(run, q) for q in QUESTIONS),
            _one_line(run.get("stopped_by", "")),
        ]
        lines.append("| " + " | ".join(cells) + " |")
    notes = [
        f"Measured {part['started']} – {part.get('finished') or '?'}: `{part['command']}`; "
        + _machine(part.get("machine") or report.get("machine", {}))
        for part in _parts(report)
    ]
    notes.append(
        "p50 / p95: over entities drawn uniformly from the store (a typical request); hubs: "
        "the most credited people and shows they are on, measured apart (their credits in "
        "the results' `sample`), whose latency follows their neighbourhoods. "
        "Embedded paths: on the in-memory copy `screengraph serve` keeps. "
        "**est.** marks an estimate from the measured rate, not a measurement."
    )
    return "\n".join(lines) + "\n\n" + "\n".join(f"- {note}" for note in notes) + "\n"


def _machine(machine: dict) -> str:
    return (
        f"{machine.get('cpus')} CPUs, "
        f"{machine.get('memory_mb', {}).get('MemTotal', 0) / 1024:.0f} GB; Neo4j heap "
        f"{machine.get('neo4j_heap')}, page cache {machine.get('neo4j_pagecache')}."
    )


def write_markdown(path: Path, text: str) -> None:
    block = f"{TABLE_BEGIN}\n{text}{TABLE_END}\n"
    old = path.read_text(encoding="utf-8") if path.exists() else ""
    if TABLE_BEGIN in old and TABLE_END in old:
        before, rest = old.split(TABLE_BEGIN, 1)
        after = rest.split(TABLE_END, 1)[1].lstrip("\n")
        new = before + block + ("\n" + after if after else "")
    else:
        title, _, body = old.partition("\n") if old.startswith("# ") else ("", "", old)
        new = (title + "\n\n" if title else "") + block + ("\n" + body.lstrip("\n") if body else "")
    path.write_text(new, encoding="utf-8")


def series(report: dict) -> dict[str, dict[tuple[str, str], list[tuple[int, float]]]]:
    """What the plot draws: per panel, per (what, backend), its (credits, value) points in
    order of size; p95 latency per question (runs whose sample was uniform: an older
    sample's p95 was its hubs'), credits/s per kind of load."""
    drawn: dict[str, dict[tuple[str, str], list[tuple[int, float]]]] = {
        "latency": {},
        "throughput": {},
    }
    for backend in sorted({run["backend"] for run in report["runs"]}):
        runs = sorted(
            (r for r in report["runs"] if r["backend"] == backend),
            key=lambda r: r["credits_nominal"],
        )
        for question in QUESTIONS:
            points = [
                (r["credits"], r["queries"][question]["p95"])
                for r in runs
                if question in r.get("queries", {}) and _uniform(r)
            ]
            if points:
                drawn["latency"][(question, backend)] = points
        for kind in ("bulk", "incremental"):
            points = [
                (r.get("credits", r["credits_nominal"]), r[kind]["credits_per_s"])
                for r in runs
                if r.get(kind, {}).get("credits_per_s")
            ]
            if points:
                drawn["throughput"][(kind, backend)] = points
    return drawn


def plot(report: dict, path: Path) -> None:
    """Latency (p95 per question) and bulk throughput against size, per backend."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    figure, (latency, throughput) = plt.subplots(1, 2, figsize=(12, 4.5))
    styles = {"embedded": "-", "neo4j": "--"}
    panels = {"latency": latency, "throughput": throughput}
    for panel, lines in series(report).items():
        for (what, backend), points in lines.items():
            panels[panel].plot(
                *zip(*points), styles.get(backend, "-"), marker="o", label=f"{what}, {backend}"
            )
    latency.set(
        xscale="log",
        yscale="log",
        xlabel="credits",
        ylabel="p95 latency (ms)",
        title="Query latency (p95) against size",
    )
    throughput.set(
        xscale="log",
        xlabel="credits",
        ylabel="credits per second",
        title="Load throughput against size",
    )
    for axes in (latency, throughput):
        axes.grid(True, which="both", alpha=0.3)
        if axes.get_legend_handles_labels()[0]:  # a panel may have nothing to draw
            axes.legend(fontsize=7)
    figure.tight_layout()
    figure.savefig(path, dpi=110)
    plt.close(figure)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("results", type=Path, nargs="+")
    parser.add_argument("--merge", type=Path, help="Write the results, as one, here.")
    parser.add_argument("--markdown", type=Path, help="Put the table at the top of this file.")
    parser.add_argument("--png", type=Path, help="Draw the plot into this file.")
    args = parser.parse_args()
    report = merged([json.loads(p.read_text(encoding="utf-8")) for p in args.results])
    if args.merge:
        args.merge.write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")
    text = table(report)
    print(text)
    if args.markdown:
        write_markdown(args.markdown, text)
    if args.png:
        plot(report, args.png)


if __name__ == "__main__":
    main()
