"""`screengraph load` as a maintainer uses it."""

from __future__ import annotations

import json

from click.testing import CliRunner

from screengraph.cli import main
from tests.conftest import SAMPLE_PAGE


def run(tmp_path, *args, input=None):
    runner = CliRunner()
    return runner.invoke(
        main,
        ["--backend", "embedded", "--data-dir", str(tmp_path / "store"), *args],
        input=input,
        catch_exceptions=False,
    )


def test_loading_the_seed_prints_the_summary_and_stores_the_graph(tmp_path):
    result = run(tmp_path, "load", str(SAMPLE_PAGE))
    assert result.exit_code == 0
    assert result.output.startswith("loaded 1, updated 0, unchanged 0, rejected 0, warnings 0")
    stats = json.loads(run(tmp_path, "stats", "--json").output)
    assert (stats["Show"], stats["Person"], stats["Company"], stats["Genre"]) == (6, 7, 1, 1)


def test_rejects_go_to_a_file_and_the_exit_status_says_so(tmp_path):
    bad = tmp_path / "films.jsonl"
    bad.write_text('{"title": "Good"}\n{"cast": ["No Title"]}\nnot json\n{"title": "Also good"}\n')
    rejects = tmp_path / "rejects.jsonl"
    result = run(tmp_path, "load", str(bad), "--rejects", str(rejects))
    assert result.exit_code == 1
    assert "loaded 2, updated 0, unchanged 0, rejected 2" in result.output
    lines = [json.loads(line) for line in rejects.read_text().splitlines()]
    assert [(r["line"], r["file"]) for r in lines] == [(2, str(bad)), (3, str(bad))]
    assert "no title" in lines[0]["reason"] and "not valid JSON" in lines[1]["reason"]
    assert (
        run(tmp_path, "load", str(bad), "--allow-rejects", "--rejects", str(rejects)).exit_code == 0
    )


def test_dry_run_writes_nothing_and_json_summary_is_machine_readable(tmp_path):
    result = run(tmp_path, "load", "--dry-run", "--json", str(SAMPLE_PAGE))
    summary = json.loads(result.output)
    assert (summary["loaded"], summary["dry_run"], summary["listings"][0]["status"]) == (
        1,
        True,
        "would create",
    )
    assert json.loads(run(tmp_path, "stats", "--json").output)["Show"] == 0


def test_stdin_globs_and_folders_are_accepted(tmp_path):
    result = run(tmp_path, "load", "-", input='{"title": "From stdin"}\n')
    assert result.exit_code == 0 and "loaded 1" in result.output
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "a.json").write_text('{"title": "A"}')
    (tmp_path / "in" / "b.csv").write_text("title,cast\nB,Someone;Other\n")
    assert "loaded 2" in run(tmp_path, "load", str(tmp_path / "in")).output
    assert "unchanged 1" in run(tmp_path, "load", str(tmp_path / "in" / "*.csv")).output
    missing = run(tmp_path, "load", str(tmp_path / "nope.txt"))
    assert missing.exit_code == 2 and "no such file" in missing.output


def test_a_file_of_bad_lines_costs_a_rejects_file_not_memory(tmp_path, monkeypatch):
    """Every reject reaches the rejects file while only the first few are held in memory
    (a 10-million-line file in the wrong format must not grow the loader)."""
    import gc

    import screengraph.graph.bounded_log
    from screengraph.loaders.pipeline import Loader, Reject

    monkeypatch.setattr(screengraph.graph.bounded_log, "KEPT", 20)
    held: list[int] = []
    finish = Loader._drain

    def counting(self):  # just before the load's end, while the summary is alive
        held.append(sum(isinstance(o, Reject) for o in gc.get_objects()))
        return finish(self)

    monkeypatch.setattr(Loader, "_drain", counting)
    bad = tmp_path / "films.jsonl"
    bad.write_text('{"title": "First"}\n' + "not json\n" * 3000 + '{"title": "Last"}\n')
    rejects = tmp_path / "rejects.jsonl"
    result = run(tmp_path, "load", str(bad), "--rejects", str(rejects), "--json")
    summary = json.loads(result.output)
    assert (summary["loaded"], summary["rejected"], summary["rejects_count"]) == (2, 3000, 3000)
    assert len(summary["rejects"]) == 20
    lines = [json.loads(line) for line in rejects.read_text().splitlines()]
    assert [r["line"] for r in lines] == list(range(2, 3002))
    assert held and max(held) <= 20 + 500  # the kept ones, and at most one batch in flight
