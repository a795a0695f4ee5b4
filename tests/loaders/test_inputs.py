"""Inputs that used to abort or mislead a load (issue 18, defects 12 and 17): text that
cannot be encoded, byte order marks, over-deep items, oversized records, big files."""

from __future__ import annotations

import json

from click.testing import CliRunner

from graph.keys import company_key, person_key, show_key
from loaders.catalogue_page import parse_page
from loaders.csv_format import parse_csv
from loaders.formats import parse
from loaders.pipeline import Loader
from loaders.sources import SourceText, read_all
from screengraph.cli import main
from tests.conftest import SAMPLE_PAGE

LONE = '{"title":"Lone \\ud800 Surrogate","year":2018}'


def cli(tmp_path, *args):
    return CliRunner().invoke(main, ["--backend", "embedded", "--data-dir", str(tmp_path / "store"),
                                     *args], catch_exceptions=False)


# -- defect 12: a lone surrogate ----------------------------------------------------------

def test_a_lone_surrogate_rejects_its_record_only_with_where_and_why():
    text = "\n".join([json.dumps({"title": "Before", "year": 2017}), LONE,
                      json.dumps({"title": "After", "cast": ["Ann \udfff"]}, ensure_ascii=True),
                      json.dumps({"title": "Field", "extra": {"a\udc00": 1}}, ensure_ascii=True)])
    records = list(parse(text, "films.jsonl"))
    assert [r.listing.title if r.listing else None for r in records] == ["Before", None, None, None]
    assert [r.ref.line for r in records[1:]] == [2, 3, 4]
    assert records[1].error.startswith("record 2 (line 2): 'title' holds a lone surrogate "
                                       "(\\ud800, character 6)")
    assert "'cast' item 1 holds a lone surrogate (\\udfff" in records[2].error
    assert "the field name 'a\\udc00' holds a lone surrogate" in records[3].error
    for record in records[1:]:
        record.error.encode("utf-8")  # the reason itself can be printed and written


def test_a_lone_surrogate_in_a_csv_row_or_a_page_is_rejected_too():
    rows = list(parse_csv("title,cast\nGood,Ann\nBad,Ann \ud800\n", "films.csv"))
    assert rows[0].listing is not None
    assert rows[1].listing is None and "'cast' item 1 holds a lone surrogate" in rows[1].error
    page = SAMPLE_PAGE.read_text(encoding="utf-8").replace("Drama", "Dra\ud800ma")
    [record] = parse_page(page, "the-bureau.txt")
    assert record.listing is None and "'genres' item 1 holds a lone surrogate" in record.error


def test_keys_never_hold_a_surrogate():
    for key in (person_key("Zo\ud800e"), company_key("\udc80 Films"), show_key("X\udfff", 2000)):
        key.encode("utf-8")


def test_the_good_records_around_a_lone_surrogate_load(backend):
    text = "\n".join([json.dumps({"title": "Before", "year": 2017}), LONE,
                      json.dumps({"title": "After", "year": 2019})])
    summary = Loader(backend).load([SourceText("films.jsonl", text)])
    assert (summary.loaded, summary.rejected) == (2, 1)
    assert [r.line for r in summary.rejects] == [2]
    assert backend.run_read("MATCH (s:Show) RETURN s.title ORDER BY s.title").rows == [
        ["After"], ["Before"]]


def test_the_cli_reports_a_lone_surrogate_without_a_traceback(tmp_path):
    films = tmp_path / "films.jsonl"
    films.write_text(json.dumps({"title": "Before", "year": 2017}) + "\n" + LONE + "\n",
                     encoding="utf-8")
    rejects = tmp_path / "rejects.jsonl"
    result = cli(tmp_path, "load", str(films), "--rejects", str(rejects))
    assert result.exit_code == 1 and "Traceback" not in result.output
    assert "loaded 1, updated 0, unchanged 0, rejected 1" in result.output
    [reject] = [json.loads(line) for line in rejects.read_text(encoding="utf-8").splitlines()]
    assert reject["line"] == 2 and "lone surrogate" in reject["reason"]


def test_a_file_name_that_is_not_utf8_is_still_a_source(backend, tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "caf\udce9.json").write_text(json.dumps({"title": "Cafe", "year": 2000}))
    summary = Loader(backend).load(read_all([str(folder)]))
    assert summary.loaded == 1
    [[key]] = backend.run_read("MATCH (l:Listing) RETURN l.key").rows
    assert key.endswith("caf\ufffd.json#1")
