"""A listing's identity (its `source_id`): stable across loads, never shared by two sources.

A reload of the same listing must find the listing it loaded before (and replace only
what that listing asserted); a listing from anywhere else must never be taken for it.
So the id is, first that applies (docs/data-model.md, "Listing identity"):

- `<scheme>:<value>` (`tmdb:movie/603`, `imdb:tt0082971`): the record carries its own
  identifier at its source (`SourceRef.own_id`, set by the parser: a TMDB record, a title
  of IMDb's dataset files), which names it wherever it is copied: loading a newer IMDb
  dump, wherever its files are, updates the listings of the older one;
- `url:<source_url>`: the record names its page at the source; that page is the listing,
  whichever file or paste it comes from;
- `<source identity>#<record>` (a catalogue page, one listing a file: `<source identity>`):
  the source has a name of its own, `file:<resolved absolute path>` for a file,
  `source:<NAME>` for `screengraph load --source NAME`;
- `content:<hash of the listing>`: the source has no name (standard input, a pasted text,
  an upload): the same text is the same listing, a different text another one.

Every id has a prefix, so no kind of id can collide with another, nor with the
`<file name>#<record>` ids of stores written before (loaders/migrate.py adopts those).
"""

from __future__ import annotations

from pathlib import Path, PurePath

from screengraph.graph.identifiers import SCHEMES
from screengraph.loaders.model import NAME_MAX_LENGTH, ParsedRecord, SourceRef
from screengraph.loaders.plan import content_hash

URL, FILE, SOURCE, CONTENT = "url:", "file:", "source:", "content:"
# A record's own identifier is `<scheme>:<value>`: a prefix per identifier scheme.
OWN = tuple(f"{scheme}:" for scheme in SCHEMES)
PREFIXES = (URL, FILE, SOURCE, CONTENT, *OWN)
# The identity of an IMDb dataset source: each of its titles is its own listing, by id.
IMDB = "imdb:"


def file_identity(path: str | Path) -> str:
    """A file's identity: its resolved absolute path (the same file however it is named)."""
    return FILE + Path(path).resolve().as_posix()


def named_identity(name: str) -> str:
    """The identity of a source the user named (`load --source NAME`)."""
    name = name.strip()
    if not name:
        raise ValueError("a source name must not be blank")
    if len(name) > NAME_MAX_LENGTH:
        raise ValueError(f"a source name is at most {NAME_MAX_LENGTH} characters long")
    return SOURCE + name


def is_current(source_id: str) -> bool:
    """Whether an id has this version's shape (ids of older stores have no prefix)."""
    return source_id.startswith(PREFIXES)


def legacy_id(ref: SourceRef) -> str:
    """The id earlier versions gave this record: its file's base name, `#record` unless
    it was a catalogue page (one listing a file, no record number)."""
    base = PurePath(ref.file).name or ref.file
    return base if ref.record is None else f"{base}#{ref.record}"


class Claims:
    """The identities given so far in one load: a record's own identifier or its
    `source_url` names one listing, so a second record with the same one but other
    content is refused, not let replace the first."""

    def __init__(self) -> None:
        self._claimed: dict[str, tuple[str, str]] = {}  # id -> (content hash, where)

    def identify(self, record: ParsedRecord, identity: str | None) -> ParsedRecord:
        """The record with its stable `source_id`; `identity` is its source's, if it has one."""
        ref = record.ref
        listing = record.listing
        if identity == IMDB and ref.own_id:
            # One row per title in IMDb's sorted files: nothing to claim (and a claim per
            # title would grow with the dump).
            source_id = ref.own_id
        elif listing is not None and (ref.own_id or listing.source_url):
            source_id = ref.own_id or f"{URL}{listing.source_url}"  # one of them is set
            digest = content_hash(listing)
            where = _where(ref)
            first = self._claimed.setdefault(source_id, (digest, where))
            if first[0] != digest and ref.own_id:
                return ParsedRecord(
                    ref=ref.model_copy(update={"source_id": source_id}),
                    warnings=record.warnings,
                    error=f"{_position(ref)}: {source_id} is also the record of {first[1]}, "
                    "with other content: one identifier names one listing; keep one "
                    "of the two records",
                )
            if first[0] != digest:
                return ParsedRecord(
                    ref=ref.model_copy(update={"source_id": source_id}),
                    warnings=record.warnings,
                    error=f"{_position(ref)}: source_url '{listing.source_url}' is also the "
                    f"source_url of {first[1]}, with other content: a source_url names "
                    "one listing; correct it, or remove it to identify the listing by "
                    "its file",
                )
        elif identity is not None:
            source_id = identity if ref.record is None else f"{identity}#{ref.record}"
        elif listing is not None:
            source_id = CONTENT + content_hash(listing)
        else:
            source_id = legacy_id(ref)  # a reject: named for the user only
        ref.source_id = source_id  # the parser's own record: stamped in place (a load has millions)
        return record


def _position(ref: SourceRef) -> str:
    """`record 3 (line 4)`, as parsers start a reason."""
    position = f"record {ref.record}" if ref.record is not None else "the page"
    return position + (f" (line {ref.line})" if ref.line is not None else "")


def _where(ref: SourceRef) -> str:
    return ref.file if ref.record is None else f"{ref.file} {_position(ref)}"
