"""Inputs that used to abort or mislead a load (issue 18, defects 12 and 17): text that
cannot be encoded, byte order marks, over-deep items, oversized records, big files."""

from __future__ import annotations

import json
import tempfile
import tracemalloc
from pathlib import Path

from click.testing import CliRunner

from screengraph.cli import main
from screengraph.graph.keys import company_key, person_key, show_key
from screengraph.loaders.catalogue_page import parse_page
from screengraph.loaders.csv_format import parse_csv
from screengraph.loaders.formats import parse
from screengraph.loaders.json_format import parse_json, parse_jsonl
from screengraph.loaders.model import EXTRA_FIELDS_MAX, NAMES_MAX, RECORD_MAX_CHARS, TEXT_MAX_LENGTH
from screengraph.loaders.pipeline import Loader
from screengraph.loaders.sources import SourceText, read_all
from tests.conftest import SAMPLE_PAGE

LONE = '{"title":"Lone \\ud800 Surrogate","year":2018}'


def cli(tmp_path, *args):
    return CliRunner().invoke(
        main,
        ["--backend", "embedded", "--data-dir", str(tmp_path / "store"), *args],
        catch_exceptions=False,
    )


# -- defect 12: a lone surrogate ----------------------------------------------------------


def test_a_lone_surrogate_rejects_its_record_only_with_where_and_why():
    text = "\n".join(
        [
            json.dumps({"title": "Before", "year": 2017}),
            LONE,
            json.dumps({"title": "After", "cast": ["Ann \udfff"]}, ensure_ascii=True),
            json.dumps({"title": "Field", "extra": {"a\udc00": 1}}, ensure_ascii=True),
        ]
    )
    records = list(parse(text, "films.jsonl"))
    assert [r.listing.title if r.listing else None for r in records] == ["Before", None, None, None]
    assert [r.ref.line for r in records[1:]] == [2, 3, 4]
    assert records[1].error.startswith(
        "record 2 (line 2): 'title' holds a lone surrogate (\\ud800, character 6)"
    )
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
    text = "\n".join(
        [
            json.dumps({"title": "Before", "year": 2017}),
            LONE,
            json.dumps({"title": "After", "year": 2019}),
        ]
    )
    summary = Loader(backend).load([SourceText("films.jsonl", text)])
    assert (summary.loaded, summary.rejected) == (2, 1)
    assert [r.line for r in summary.rejects] == [2]
    assert backend.run_read("MATCH (s:Show) RETURN s.title ORDER BY s.title").rows == [
        ["After"],
        ["Before"],
    ]


def test_the_cli_reports_a_lone_surrogate_without_a_traceback(tmp_path):
    films = tmp_path / "films.jsonl"
    films.write_text(
        json.dumps({"title": "Before", "year": 2017}) + "\n" + LONE + "\n", encoding="utf-8"
    )
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


# -- defect 17: encodings, over-deep items, limits, reading record by record ---------------


def load_paths(backend, *paths):
    return Loader(backend).load(read_all([str(p) for p in paths]))


def test_utf16_and_utf32_files_are_read_by_their_byte_order_mark(backend, tmp_path):
    text = 'title,cast\n"Café Society","Léa Drucker; Zoë Kravitz"\n'
    for name, encoding in (("le.csv", "utf-16"), ("be.csv", "utf-16-be"), ("w.csv", "utf-32")):
        data = text.replace("Café Society", f"Café {name}").encode(encoding)
        if encoding == "utf-16-be":
            data = b"\xfe\xff" + data
        (tmp_path / name).write_bytes(data)
    (tmp_path / "films.jsonl").write_bytes(
        json.dumps({"title": "Zoë", "year": 2000}, ensure_ascii=False).encode("utf-16")
    )
    summary = load_paths(backend, tmp_path)
    assert (summary.loaded, summary.rejected, summary.warnings) == (4, 0, [])
    assert backend.run_read("MATCH (s:Show) RETURN s.title ORDER BY s.title").rows == [
        ["Café be.csv"],
        ["Café le.csv"],
        ["Café w.csv"],
        ["Zoë"],
    ]
    assert backend.run_read("MATCH (p:Person) RETURN p.name ORDER BY p.name").rows == [
        ["Léa Drucker"],
        ["Zoë Kravitz"],
    ]


def test_a_utf16_file_with_a_broken_character_is_read_with_a_note(tmp_path):
    path = tmp_path / "films.jsonl"
    path.write_bytes('{"title": "A"}\n'.encode("utf-16") + b"\x00\xd8")
    [source] = read_all([str(path)])
    assert source.note.startswith(
        "not valid UTF-16 (byte 32) though it starts with a UTF-16 byte order mark"
    )


def test_one_over_deep_item_of_a_json_array_is_rejected_alone(backend):
    deep = "[" * 5000 + "]" * 5000
    for text in (
        f'[{{"title": "A"}}, {deep}, {{"title": "B"}}]',
        f'{{"listings": [{{"title": "A"}}, {deep}, {{"title": "B"}}]}}',
    ):
        records = list(parse(text, "films.json"))
        assert [r.listing.title if r.listing else None for r in records] == ["A", None, "B"]
        assert records[1].error == (
            "record 2 (line 1): not valid JSON: item 2 of the array is nested too deeply"
        )


def test_records_over_a_limit_are_refused_with_the_limit_and_the_others_load(backend):
    lines = [
        json.dumps({"title": "Fine", "year": 2000}),
        json.dumps({"title": "Long synopsis", "synopsis": "x" * (TEXT_MAX_LENGTH + 1)}),
        json.dumps({"title": "Huge cast", "cast": [f"Actor {i}" for i in range(NAMES_MAX + 1)]}),
        json.dumps({"title": "Huge line", "synopsis": "y" * RECORD_MAX_CHARS}),
        json.dumps({"title": "Also fine", "year": 2001}),
    ]
    summary = Loader(backend).load([SourceText("films.jsonl", "\n".join(lines))])
    assert (summary.loaded, summary.rejected) == (2, 3)
    reasons = [r.reason for r in summary.rejects]
    assert reasons[0] == (
        f"record 2 (line 2): 'synopsis' is {TEXT_MAX_LENGTH + 1:,} characters "
        f"long; at most {TEXT_MAX_LENGTH:,} are allowed"
    )
    assert reasons[1] == (
        f"record 3 (line 3): 'cast' holds {NAMES_MAX + 1:,} names; at most "
        f"{NAMES_MAX:,} are allowed"
    )
    assert reasons[2].startswith(
        f"record 4 (line 4): the record is over {RECORD_MAX_CHARS:,} characters long"
    )
    assert backend.run_read("MATCH (s:Show) RETURN s.title ORDER BY s.title").rows == [
        ["Also fine"],
        ["Fine"],
    ]


def test_a_csv_header_with_thousands_of_unknown_columns_is_refused_with_the_limit():
    header = "title," + ",".join(f"c{i}" for i in range(10_000))
    [record] = parse(header + "\nA\n", "wide.csv")
    assert record.error == (
        "the header has 10,001 columns, 10,000 of them fields screengraph "
        f"does not know; a listing keeps at most {EXTRA_FIELDS_MAX}: drop "
        "the columns you do not need"
    )


def test_files_are_read_record_by_record_not_whole(tmp_path):
    rows = 40_000
    jsonl = tmp_path / "big.jsonl"
    jsonl.write_text("\n".join(json.dumps({"title": f"Show {i}"}) for i in range(rows)))
    csv_path = tmp_path / "big.csv"
    csv_path.write_text("title\n" + "\n".join(f"Show {i}" for i in range(rows)))
    for path, parser, newline in ((jsonl, parse_jsonl, "\n"), (csv_path, parse_csv, "")):
        [source] = read_all([str(path)])
        assert source.text is None  # not read into memory
        with source.open(newline) as stream:
            first = next(parser(stream, source.name))
            assert first.listing.title == "Show 0"
            assert stream.buffer.tell() < path.stat().st_size / 10


def test_the_items_of_a_json_array_are_decoded_one_at_a_time():
    text = json.dumps([{"title": f"Show {i}", "synopsis": "s" * 1000} for i in range(10_000)])
    tracemalloc.start()
    try:
        records = parse_json(text, "big.json")
        assert next(records).listing.title == "Show 0"
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < len(text) / 4  # all items decoded at once held more than the text


def test_standard_input_is_read_like_a_file_and_its_copy_removed(tmp_path):
    def spools():
        return set(Path(tempfile.gettempdir()).glob("screengraph-stdin-*"))

    before = spools()
    text = "\n".join(json.dumps({"title": f"Zoë {i}"}, ensure_ascii=False) for i in range(3))
    result = CliRunner().invoke(
        main,
        ["--backend", "embedded", "--data-dir", str(tmp_path / "store"), "load", "--json", "-"],
        input=text.encode("utf-16"),
        catch_exceptions=False,
    )
    summary = json.loads(result.output)
    assert (summary["loaded"], summary["rejected"], summary["warnings"]) == (3, 0, [])
    assert spools() == before
