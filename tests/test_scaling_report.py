"""benchmarks/scaling_report.py: the README's scaling table and plot from a results file,
with estimates marked as such and what stopped a size shown in its row."""

from __future__ import annotations

import json

from benchmarks.scaling import TARGETS, previous_rates
from benchmarks.scaling_report import (
    TABLE_BEGIN,
    TABLE_END,
    main,
    merged,
    series,
    table,
    write_markdown,
)


def _latency(p50: float, p95: float) -> dict:
    return {"p50": p50, "p95": p95, "max": p95 * 2, "timeouts": 0, "over_limit": 0}


def _run(backend: str, credits: int, incremental: dict, stopped: str = "") -> dict:
    run = {
        "backend": backend,
        "credits_nominal": credits,
        "credits": credits + 7,
        "incremental": incremental,
        "bulk": {
            "seconds": credits / 5000,
            "credits_per_s": 5000.0,
            "loader_peak_mb": 300.0,
            "database_peak_mb": 900.0,
        },
        "store_mb": credits / 1000,
        "queries_database_peak_mb": 950.0,
        "queries": {
            q: _latency(3.0, 9.5) for q in ("search", "related content", "collaborators", "path")
        },
        "cli": {"cold_seconds": 4.25, "warm_seconds": 0.41},
    }
    if stopped:
        run = {k: v for k, v in run.items() if k in ("backend", "credits_nominal", "incremental")}
        run["stopped_by"] = stopped
    return run


def _report() -> dict:
    measured = {
        "run": True,
        "seconds": 12.0,
        "credits_per_s": 8333.0,
        "credits": 100007,
        "loader_peak_mb": 120.0,
        "database_peak_mb": 700.0,
    }
    estimated = {"run": False, "estimated_seconds": 1500.0, "why": "not run: est. 25 min"}
    return {
        "started": "2026-11-30T04:00:00+00:00",
        "finished": "2026-11-30T04:30:00+00:00",
        "command": "benchmarks/scaling.py --credits 1e5 1e7",
        "targets": TARGETS,
        "machine": {"cpus": 2, "memory_mb": {"MemTotal": 24000}},
        "runs": [
            _run("embedded", 100_000, measured),
            _run(
                "neo4j",
                10_000_000,
                estimated,
                "SystemExit: the bulk load failed:\nMemoryError | at planning",
            ),
        ],
    }


def test_table_has_each_run_with_targets_estimates_and_what_stopped_a_size():
    text = table(_report())
    rows = [line for line in text.splitlines() if line.startswith("| ")]
    assert len(rows) == 3  # header and two runs
    header, embedded, neo4j = rows
    assert "≤ 20 ms" in header and "≤ 10 ms" in header and "≤ 50 ms" in header
    assert "≤ 300 s Neo4j" in header and "≤ 600 s embedded" in header
    assert "100,007" in embedded and "12.0 s (8,333/s)" in embedded
    assert "3.0 / 9.5" in embedded and "0.41" in embedded and "950" in embedded
    assert "**est.** 25 min" in neo4j  # an estimate says it is one
    assert "MemoryError \\| at planning" in neo4j  # one line, the pipe kept out of the table
    assert len(neo4j.split(" | ")) == len(header.split(" | "))


def test_markdown_table_replaces_the_previous_one_and_keeps_the_text(tmp_path):
    doc = tmp_path / "scaling.md"
    doc.write_text("# Scaling\n\nWhat it takes.\n", encoding="utf-8")
    write_markdown(doc, "| old |\n")
    write_markdown(doc, "| new |\n")
    text = doc.read_text(encoding="utf-8")
    assert text.startswith("# Scaling\n\n" + TABLE_BEGIN)
    assert "| new |" in text and "| old |" not in text
    assert text.count(TABLE_END) == 1 and text.rstrip().endswith("What it takes.")


def test_separate_runs_merge_and_render_a_png(tmp_path, capsys):
    report = _report()
    one, two = dict(report, runs=report["runs"][:1]), dict(report, runs=report["runs"][1:])
    paths = []
    for name, part in (("one.json", one), ("two.json", two)):
        paths.append(tmp_path / name)
        paths[-1].write_text(json.dumps(part), encoding="utf-8")
    assert len(merged([one, two])["runs"]) == 2
    png = tmp_path / "scaling.png"
    import sys

    argv, sys.argv = (
        sys.argv,
        [
            "scaling_report",
            *map(str, paths),
            "--png",
            str(png),
            "--merge",
            str(tmp_path / "all.json"),
        ],
    )
    try:
        main()
    finally:
        sys.argv = argv
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and png.stat().st_size > 10_000
    assert len(json.loads((tmp_path / "all.json").read_text())["runs"]) == 2
    assert "neo4j" in capsys.readouterr().out


def test_a_size_measured_again_replaces_the_earlier_run_of_it():
    report = _report()
    again = dict(report["runs"][0], store_mb=12345.0)
    runs = merged([report, dict(report, runs=[again])])["runs"]
    assert len(runs) == len(report["runs"])
    assert again in runs and report["runs"][0] not in runs


def _on_store(**more) -> dict:
    """Questions measured again on the store of `_report`'s embedded run."""
    return {
        "backend": "embedded",
        "credits_nominal": 100_000,
        "on_store": True,
        "queries": {"related content": _latency(1.5, 4.5)},
        **more,
    }


def test_figures_measured_on_a_loaded_store_replace_only_those_of_the_run_that_loaded_it():
    report = _report()
    on_store = _on_store(
        queries_database_peak_mb=1234.0,
        cli={"cold_seconds": 9.0, "warm_seconds": 0.2},
        store_mb=1.0,  # not a figure of the queries: the load's stays
    )
    runs = merged([report, dict(report, runs=[on_store])])["runs"]
    [run] = [r for r in runs if r["backend"] == "embedded"]
    assert run["queries"] == on_store["queries"] and run["cli"] == on_store["cli"]
    assert run["bulk"] == report["runs"][0]["bulk"]
    assert run["incremental"] == report["runs"][0]["incremental"]
    assert run["store_mb"] == report["runs"][0]["store_mb"]
    row = next(
        line for line in table({**report, "runs": runs}).splitlines() if "| embedded" in line
    )
    assert "1.5 / 4.5" in row and "12.0 s (8,333/s)" in row and "1,234" in row


def test_a_merged_report_merges_again_as_it_is():
    report = _report()
    on_store = _on_store()
    once = merged([report, dict(report, runs=[on_store])])
    assert merged([once])["runs"] == once["runs"]
    [run] = [r for r in merged([once])["runs"] if r["backend"] == "embedded"]
    assert run["bulk"] == report["runs"][0]["bulk"] and run["queries"] == on_store["queries"]


def test_a_stop_after_the_load_gives_way_to_the_figures_measured_again_on_that_store():
    report = _report()
    loaded = report["runs"][0]
    stopped = {**loaded, "queries": {}, "stopped_by": "ValueError: while measuring"}
    again = _on_store()
    [run] = [
        r
        for r in merged([dict(report, runs=[stopped]), dict(report, runs=[again])])["runs"]
        if r["backend"] == loaded["backend"]
    ]
    assert "stopped_by" not in run and run["measuring_stopped_by"] == stopped["stopped_by"]
    assert run["bulk"] == loaded["bulk"] and run["queries"] == again["queries"]
    # A load that did not finish still says what stopped it.
    unloaded = {**stopped, "bulk": {"run": False}}
    [kept] = merged([dict(report, runs=[unloaded]), dict(report, runs=[again])])["runs"]
    assert kept["stopped_by"] == stopped["stopped_by"]


def test_the_incremental_rate_of_the_largest_earlier_size_predicts_the_next(tmp_path):
    report = _report()
    report["runs"].append(_run("embedded", 1_000_000, {"run": True, "credits_per_s": 6000.0}))
    path = tmp_path / "earlier.json"
    path.write_text(json.dumps(report), encoding="utf-8")
    assert previous_rates([path]) == {"embedded": 6000.0}


def test_a_size_whose_incremental_load_was_skipped_without_a_rate_still_renders():
    report = _report()
    report["runs"][0]["incremental"] = {
        "run": False,
        "estimated_seconds": None,
        "why": "not run (--incremental-budget 0)",
    }
    row = table(report).splitlines()[2]
    assert "| not run |" in row


def test_hubs_are_shown_apart_from_the_uniform_sample_and_an_older_mixed_sample_says_so():
    report = _report()
    uniform = report["runs"][0]
    uniform["sample"] = {"hub_people": 20, "ordinary_people": 180}
    uniform["queries"]["collaborators"]["hubs"] = {
        **_latency(1200.0, 2300.0),
        "timeouts": 3,
    }
    older = _run("neo4j", 100_000, report["runs"][0]["incremental"])
    text = table({**report, "runs": [uniform, older]})
    header, new_row, old_row = [line for line in text.splitlines() if line.startswith("| ")]
    assert "hubs p50 / max" in header
    assert "3.0 / 9.5; hubs 1200 / 4600, 3 timeouts" in new_row
    assert "3.0 / 9.5 (a tenth hubs)" in old_row  # its p95 was the hubs', not a typical one
    assert "(a tenth hubs)" not in new_row


def test_each_line_of_the_plot_holds_its_own_backends_points_in_order_of_size():
    report = _report()
    report["runs"].append(_run("neo4j", 100_000, report["runs"][0]["incremental"]))
    report["runs"][0]["sample"] = {"hub_people": 20}  # uniform, hubs apart
    drawn = series(report)
    assert drawn["throughput"][("bulk", "embedded")] == [(100_007, 5000.0)]
    assert [x for x, _ in drawn["throughput"][("bulk", "neo4j")]] == [100_007]  # 1e7 stopped
    assert drawn["throughput"][("incremental", "neo4j")] == [(100_007, 8333.0)]
    assert [x for x, _ in drawn["latency"][("path", "embedded")]] == [100_007]
    assert ("path", "neo4j") not in drawn["latency"]  # a tenth hubs: its p95 is theirs
