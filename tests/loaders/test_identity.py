"""A listing's identity: stable across loads, never shared by two sources (issue 18,
defect 1), and stores written with the old `<file name>#<record>` ids adopted."""

from __future__ import annotations

import json

from click.testing import CliRunner

from screengraph.cli import main
from screengraph.loaders.formats import parse
from screengraph.loaders.identity import file_identity, named_identity
from screengraph.loaders.migrate import LAYOUT_VERSION, layout, migrate
from screengraph.loaders.model import NAME_MAX_LENGTH, URL_MAX_LENGTH
from screengraph.loaders.pipeline import Loader
from screengraph.loaders.sources import SourceText, read_all
from screengraph.queries.provenance import every_assertion
from tests.conftest import SAMPLE_PAGE
from tests.loaders.layout3_store import to_layout3

ALPHA = {"title": "Alpha Show", "year": 2001, "directors": ["Ann Alpha"], "genres": ["Drama"]}
BETA = {"title": "Beta Show", "year": 2002, "directors": ["Ben Beta"], "genres": ["Comedy"]}


def write_json(path, *records):
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(list(records)), encoding="utf-8")
    return path


def load_files(backend, *paths, **options):
    return Loader(backend).load(read_all([str(p) for p in paths], **options))


def titles(backend):
    return [
        row[0]
        for row in backend.run_read(
            "MATCH (s:Show) RETURN s.title ORDER BY s.title", max_rows=0
        ).rows
    ]


def people(backend):
    return [
        row[0]
        for row in backend.run_read(
            "MATCH (p:Person) RETURN p.name ORDER BY p.name", max_rows=0
        ).rows
    ]


def test_a_file_of_the_same_name_elsewhere_is_another_source(backend, tmp_path):
    first = load_files(backend, write_json(tmp_path / "a" / "listings.json", ALPHA))
    second = load_files(backend, write_json(tmp_path / "b" / "listings.json", BETA))
    assert (first.loaded, second.loaded, second.updated) == (1, 1, 0)
    assert titles(backend) == ["Alpha Show", "Beta Show"]
    assert people(backend) == ["Ann Alpha", "Ben Beta"]
    assert backend.run_read("MATCH (l:Listing) RETURN l.key ORDER BY l.key", max_rows=0).rows == [
        [file_identity(tmp_path / "a" / "listings.json") + "#1"],
        [file_identity(tmp_path / "b" / "listings.json") + "#1"],
    ]


def test_same_named_files_in_two_folders_of_one_load_keep_both(backend, tmp_path):
    write_json(tmp_path / "in" / "a" / "listings.json", ALPHA)
    write_json(tmp_path / "in" / "b" / "listings.json", BETA)
    summary = load_files(backend, tmp_path / "in")
    assert (summary.loaded, summary.updated) == (2, 0)
    assert titles(backend) == ["Alpha Show", "Beta Show"]


def test_a_file_named_twice_in_one_load_is_read_once(backend, tmp_path):
    path = write_json(tmp_path / "listings.json", ALPHA)
    summary = load_files(backend, path, tmp_path, str(tmp_path / "*.json"))
    assert (summary.files, summary.loaded, summary.updated, summary.unchanged) == (1, 1, 0, 0)


def test_stdin_twice_with_different_content_keeps_both(backend):
    first = Loader(backend).load([SourceText("<stdin>", json.dumps(ALPHA))])
    second = Loader(backend).load([SourceText("<stdin>", json.dumps(BETA))])
    again = Loader(backend).load([SourceText("<stdin>", json.dumps(BETA))])
    assert (first.loaded, second.loaded, second.updated) == (1, 1, 0)
    assert (again.loaded, again.updated, again.unchanged) == (0, 0, 1)
    assert titles(backend) == ["Alpha Show", "Beta Show"]


def test_pasted_listings_never_replace_one_another(backend):
    for record in (ALPHA, BETA):
        Loader(backend).load([SourceText("pasted listing", json.dumps(record))])
    assert titles(backend) == ["Alpha Show", "Beta Show"]


def test_a_named_source_is_updated_by_a_later_load_of_the_same_name(backend, tmp_path):
    Loader(backend).load(read_all([str(write_json(tmp_path / "x.json", ALPHA))], source="feed"))
    summary = Loader(backend).load(
        read_all([str(write_json(tmp_path / "y.json", BETA))], source="feed")
    )
    assert summary.updated == 1
    assert titles(backend) == ["Beta Show"]
    assert backend.run_read("MATCH (l:Listing) RETURN l.key").rows == [["source:feed#1"]]


def test_a_source_url_is_the_listing_wherever_it_comes_from(backend, tmp_path):
    page = {**ALPHA, "source_url": "https://catalogue.example/alpha"}
    load_files(backend, write_json(tmp_path / "a.json", page))
    moved = load_files(backend, write_json(tmp_path / "elsewhere" / "b.json", page))
    assert moved.unchanged == 1
    assert backend.run_read("MATCH (l:Listing) RETURN l.key").rows == [
        ["url:https://catalogue.example/alpha"]
    ]


def test_two_records_claiming_one_source_url_with_other_content_reject_the_second(
    backend, tmp_path
):
    url = "https://catalogue.example/alpha"
    summary = load_files(
        backend,
        write_json(tmp_path / "a.json", {**ALPHA, "source_url": url}, {**BETA, "source_url": url}),
    )
    assert (summary.loaded, summary.rejected) == (1, 1)
    assert "is also the source_url of" in summary.rejects[0].reason
    assert titles(backend) == ["Alpha Show"]


def test_reloading_the_same_file_is_unchanged(backend, tmp_path):
    path = write_json(tmp_path / "listings.json", ALPHA, BETA)
    load_files(backend, path)
    summary = load_files(backend, path)
    assert (summary.loaded, summary.updated, summary.unchanged) == (0, 0, 2)


def test_an_edited_record_updates_only_what_that_listing_alone_asserted(backend, tmp_path):
    shared = {"title": "Alpha Show", "year": 2001, "directors": ["Ann Alpha"]}
    load_files(backend, write_json(tmp_path / "other.json", shared))
    path = write_json(tmp_path / "listings.json", ALPHA, BETA)
    load_files(backend, path)
    edited = {**ALPHA, "directors": ["Carl Gamma"], "genres": []}
    summary = load_files(backend, write_json(path, edited, BETA))
    assert (summary.updated, summary.unchanged) == (1, 1)
    # Ann Alpha is still asserted by other.json; Drama was asserted by the edited listing alone.
    directors = backend.run_read(
        "MATCH (p:Person)-[:DIRECTED]->(:Show {key: 'alpha-show--2001'}) "
        "RETURN p.name ORDER BY p.name"
    ).rows
    assert directors == [["Ann Alpha"], ["Carl Gamma"]]
    assert backend.run_read("MATCH (g:Genre) RETURN g.name ORDER BY g.name").rows == [["Comedy"]]


def cli(tmp_path, *args, input=None):
    return CliRunner().invoke(
        main,
        ["--backend", "embedded", "--data-dir", str(tmp_path / "store"), *args],
        input=input,
        catch_exceptions=False,
    )


def test_load_from_standard_input_twice_keeps_both(tmp_path):
    assert cli(tmp_path, "load", "-", input=json.dumps(ALPHA)).output.startswith("loaded 1")
    assert cli(tmp_path, "load", "-", input=json.dumps(BETA)).output.startswith(
        "loaded 1, updated 0"
    )
    assert cli(tmp_path, "load", "-", input=json.dumps(BETA)).output.startswith(
        "loaded 0, updated 0, unchanged 1"
    )
    assert json.loads(cli(tmp_path, "stats", "--json").output)["Show"] == 2


def test_load_source_names_standard_input(tmp_path):
    def run(*args, input=None):
        return cli(tmp_path, *args, input=input)

    assert run("load", "--source", "feed", "-", input=json.dumps(ALPHA)).exit_code == 0
    result = run("load", "--source", "feed", "-", input=json.dumps(BETA))
    assert result.output.startswith("loaded 0, updated 1")
    refused = run(
        "load",
        "--source",
        "feed",
        str(write_json(tmp_path / "a.json", ALPHA)),
        str(write_json(tmp_path / "b.json", BETA)),
    )
    assert refused.exit_code == 2 and "--source names one input" in refused.output


# -- stores written by earlier versions ------------------------------------------------


def write_old_store(backend, tmp_path):
    """What version 1 wrote for a/listings.json (Alpha, loaded from `a/`) and a paste:
    ids `<file name>#<record>`, no layout node."""
    path = write_json(tmp_path / "a" / "listings.json", ALPHA)
    Loader(backend).load([SourceText("a/listings.json", path.read_text())])
    Loader(backend).load([SourceText("pasted listing", json.dumps(BETA))])
    to_layout3(backend)  # provenance as `sources` lists, as version 1 kept it too
    # Version 1's ids, on the listings and in every `sources` list.
    for title, old in (("Alpha Show", "listings.json#1"), ("Beta Show", "pasted listing#1")):
        backend.run_write(
            "MATCH (l:Listing {title: $t}) SET l.key = $old", {"t": title, "old": old}
        )
        backend.run_write(
            "MATCH (s:Show {title: $t}) SET s.sources = [$old]", {"t": title, "old": old}
        )
        backend.run_write(
            "MATCH (s:Show {title: $t})-[r]-() SET r.sources = [$old]", {"t": title, "old": old}
        )
    backend.run_write("MATCH (l:StoreLayout) DELETE l")
    return path


def test_an_old_store_is_migrated_and_a_reload_adopts_its_listings(backend, tmp_path):
    path = write_old_store(backend, tmp_path)
    assert layout(backend) == (1, None)
    before = backend.counts()
    summary = load_files(backend, path)
    assert (summary.loaded, summary.updated, summary.unchanged) == (0, 0, 1)
    assert layout(backend) == (LAYOUT_VERSION, 1)  # the paste waits for its text
    pasted = Loader(backend).load([SourceText("pasted listing", json.dumps(BETA))])
    assert pasted.unchanged == 1 and layout(backend) == (LAYOUT_VERSION, 0)
    assert backend.counts() == before
    alpha_id = file_identity(path) + "#1"
    keys = backend.run_read("MATCH (l:Listing) RETURN l.title, l.key ORDER BY l.title").rows
    assert keys[0] == ["Alpha Show", alpha_id] and keys[1][1].startswith("content:")
    shows, edges = every_assertion(backend)
    assert all(
        listing.startswith(("file:", "content:"))
        for listings in [*shows.values(), *edges.values()]
        for listing in listings
    )
    assert shows["alpha-show--2001"] == [alpha_id]


def test_a_same_named_file_with_other_content_does_not_adopt_an_old_listing(backend, tmp_path):
    write_old_store(backend, tmp_path)
    other = write_json(tmp_path / "b" / "listings.json", {**BETA, "title": "Gamma Show"})
    summary = load_files(backend, other)
    assert (summary.loaded, summary.updated) == (1, 0)
    assert titles(backend) == ["Alpha Show", "Beta Show", "Gamma Show"]
    assert backend.run_read("MATCH (l:Listing {key: 'listings.json#1'}) RETURN l.title").rows == [
        ["Alpha Show"]
    ]


def test_migration_is_idempotent_and_a_check_writes_nothing(backend, tmp_path):
    path = write_old_store(backend, tmp_path)
    checked = Loader(backend, dry_run=True).load(read_all([str(path)]))
    assert checked.unchanged == 1 and layout(backend) == (1, None)
    for _ in range(2):
        Loader(backend).load([])
        assert layout(backend) == (LAYOUT_VERSION, 2)


def test_migrate_as_init_runs_it_records_the_layout_once(backend, tmp_path):
    write_old_store(backend, tmp_path)
    before = backend.run_read("MATCH (n) RETURN count(n)").value()
    assert migrate(backend) == 2 and migrate(backend) == 2
    assert layout(backend) == (LAYOUT_VERSION, 2)
    # The layout node, and an Assertion for each of the two listings' shows (layout 4).
    assert backend.run_read("MATCH (n) RETURN count(n)").value() == before + 1 + 2
    assert backend.counts()["Show"] == 2  # the layout node is no domain node


def make_old(backend, title, old_id, file=None):
    """Give the listing about `title` the id version 1 gave it, everywhere (and the file
    it was loaded from as given), and forget the layout: a store of version 1."""
    to_layout3(backend)
    backend.run_write(
        "MATCH (l:Listing {title: $t}) SET l.key = $old, l.file = coalesce($f, l.file)",
        {"t": title, "old": old_id, "f": file},
    )
    backend.run_write(
        "MATCH (s:Show) WHERE s.sources IS NOT NULL SET s.sources = [$old]", {"old": old_id}
    )
    backend.run_write("MATCH ()-[r]->() SET r.sources = [$old]", {"old": old_id})
    backend.run_write("MATCH (l:StoreLayout) DELETE l")


def test_an_old_catalogue_page_is_adopted_by_its_reload(backend):
    Loader(backend).load([SourceText("the-bureau.txt", SAMPLE_PAGE.read_text(encoding="utf-8"))])
    make_old(backend, "The Bureau", "the-bureau.txt")
    summary = load_files(backend, SAMPLE_PAGE)
    assert (summary.loaded, summary.unchanged) == (0, 1)
    assert backend.run_read("MATCH (l:Listing) RETURN l.key").rows == [[file_identity(SAMPLE_PAGE)]]
    _shows, edges = every_assertion(backend)
    assert len(edges) == backend.run_read("MATCH ()-[r]->() RETURN count(r)").value()
    assert set(map(tuple, edges.values())) == {(file_identity(SAMPLE_PAGE),)}


def test_an_old_listing_loaded_from_an_absolute_path_is_updated_by_its_edited_file(
    backend, tmp_path
):
    path = write_json(tmp_path / "listings.json", ALPHA)
    Loader(backend).load([SourceText(str(path), path.read_text())])
    make_old(backend, "Alpha Show", "listings.json#1", str(path))
    summary = load_files(backend, write_json(path, {**ALPHA, "directors": ["Carl Gamma"]}))
    assert (summary.loaded, summary.updated) == (0, 1)
    assert people(backend) == ["Carl Gamma"]
    assert backend.run_read("MATCH (l:Listing) RETURN l.key").rows == [[file_identity(path) + "#1"]]


def test_ids_stay_short_enough_for_any_database_index():
    url = "https://x.example/" + "a" * URL_MAX_LENGTH
    [record] = parse(json.dumps({**ALPHA, "source_url": url}), "a.json")
    assert f"'source_url' is {URL_MAX_LENGTH + 18:,} characters long" in record.error
    try:
        named_identity("n" * (NAME_MAX_LENGTH + 1))
    except ValueError as exc:
        assert "at most 500 characters" in str(exc)
    else:
        raise AssertionError("an over-long source name was taken")
