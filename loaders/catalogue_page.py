"""Parser of screening-catalogue pages saved as text (see samples/the-bureau.txt).

A page is one listing. Top to bottom: noise ("Please wait..."), a breadcrumb
(`Home > ... > Title`), `Key: value` fields whose values are comma-separated
lists, the title as a heading, a synopsis of several paragraphs, then `related
content` / `More shows from company` with each item twice (a bullet, then a
caption). Browsers save such pages with any line ending, a BOM, non-breaking
spaces and stray spacing; all of that reads the same.

Rules worth knowing when a page reads oddly:
- Only lines before the heading are fields; afterwards `Key: value` is synopsis text.
- A heading with a colon (`Star Trek: Discovery`) is recognised when it matches
  the breadcrumb's last item or the `Shows` field; otherwise it reads as a field.
- The title is the `Title` field, else the heading, else the breadcrumb's last
  item, else the `Shows` field when it names exactly one show.
- Items under `More shows from company` (or `related content` with no sub-heading)
  are the listing's related shows: shows made by its companies.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import PurePath
from typing import TextIO

from pydantic import ValidationError

from screengraph.graph.keys import normalize_name
from screengraph.loaders.model import (
    NAME_MAX_LENGTH,
    RECORD_MAX_CHARS,
    YEAR_MAX,
    YEAR_MIN,
    Listing,
    ParsedRecord,
    SourceRef,
    clean_text,
    explain,
    property_name,
)
from screengraph.loaders.records import text_value

NOISE = re.compile(r"^(please wait|loading)\s*(\.*|…)$", re.IGNORECASE)
BREADCRUMB = re.compile(r"^home\s*[>›»]", re.IGNORECASE)
CRUMB_SEPARATOR = re.compile(r"\s*[>›»]\s*")
FIELD = re.compile(r"^(?P<key>[^\W\d_][\w .'’()/&-]{0,40}?)\s*:\s*(?P<value>.*)$")
URL_LIKE = re.compile(r"^[a-z][a-z0-9+.-]*://", re.IGNORECASE)
RELATED_START = re.compile(r"^related content\s*:?$", re.IGNORECASE)
# Starts the related section even when the "related content" line was lost.
RELATED_HEADING = re.compile(r"^more (shows|titles|series|films) from\b.{0,60}$", re.IGNORECASE)
SUB_HEADING = re.compile(
    r"^(more\b.*|you may also like|similar (shows|titles)|see also)\s*:?$", re.IGNORECASE
)
NOT_COMPANY = re.compile(
    r"\b(genre|director|writer|cast|actor|creator|people|similar|like)", re.IGNORECASE
)
BULLET = re.compile(r"^[•·▪‣◦*–-]\s*(?P<item>.*)$")
HEADING_MAX = 150  # longer free lines are synopsis, not a title

# Page field (lower case, single spaces) -> listing field.
LIST_FIELDS = {
    "director": "directors",
    "directors": "directors",
    "directed by": "directors",
    "producer": "producers",
    "producers": "producers",
    "executive producer": "executive_producers",
    "executive producers": "executive_producers",
    "writer": "writers",
    "writers": "writers",
    "written by": "writers",
    "screenplay": "writers",
    "cast": "cast",
    "actor": "cast",
    "actors": "cast",
    "starring": "cast",
    "genre": "genres",
    "genres": "genres",
    "company": "companies",
    "companies": "companies",
    "production company": "companies",
    "production companies": "companies",
    "people": "people",
    "person": "people",
    "shows": "shows",
    "show": "shows",
}
SCALAR_FIELDS = {
    "year": "year",
    "country": "country",
    "source url": "source_url",
    "url": "source_url",
    "title": "title",
}
# A comma inside a name: "Federation Entertainment, Inc.", "Martin Luther King, Jr."
NAME_SUFFIXES = {
    "inc",
    "ltd",
    "llc",
    "llp",
    "plc",
    "co",
    "corp",
    "gmbh",
    "ag",
    "sa",
    "sas",
    "sarl",
    "srl",
    "spa",
    "bv",
    "nv",
    "pty",
    "jr",
    "sr",
    "ii",
    "iii",
    "iv",
}
YEAR_TEXT = "year_text"


@dataclass
class _Page:
    """What has been read so far; `_finish` turns it into a record."""

    file: str
    warnings: list[str] = field(default_factory=list)
    lists: dict[str, list[str]] = field(default_factory=dict)
    scalars: dict[str, tuple[str, int]] = field(default_factory=dict)
    extra: dict[str, object] = field(default_factory=dict)
    extra_names: dict[str, str] = field(default_factory=dict)
    breadcrumb: tuple[str, int] | None = None
    heading: tuple[str, int] | None = None
    paragraphs: list[list[str]] = field(default_factory=lambda: [[]])
    related: list[str] = field(default_factory=list)
    section: str = "fields"  # then "synopsis" after the heading, then "related"
    from_company: bool = True  # whether related items are shows by the same company
    previous_bullet: str | None = None

    def warn(self, message: str, line: int | None = None) -> None:
        where = f"{self.file} line {line}" if line else self.file
        self.warnings.append(f"{where}: {message}")

    def known_titles(self) -> set[str]:
        titles = list(self.lists.get("shows", []))
        titles += [found[0] for found in (self.breadcrumb, self.scalars.get("title")) if found]
        return {normalize_name(t) for t in titles}


def _lines(text: str) -> list[str]:
    """Lines with any line ending; BOMs, control characters, NBSP, tabs and runs of
    spaces evened out."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    return [clean_text(line) for line in text.split("\n")]


def _normal_key(key: str) -> str:
    return re.sub(r"[\s._/-]+", " ", key).strip().lower()


def _where_empty(position: int, count: int) -> str:
    if position == 1:
        return "before its first comma"
    if position == count:
        return "after its last comma"
    return "between two commas"


def _split_names(value: str, key: str, line: int, page: _Page) -> list[str]:
    """Comma-separated names, with or without spaces; empty and unreadable names are
    skipped with a warning naming the line."""
    parts = value.split(",")
    names: list[str] = []
    for position, part in enumerate(parts, 1):
        name = part.strip()
        if not name:
            if len(parts) > 1:
                page.warn(
                    f"'{key}' has an empty name {_where_empty(position, len(parts))}; skipped", line
                )
            continue
        if names and normalize_name(name).replace(" ", "") in NAME_SUFFIXES:
            names[-1] = f"{names[-1]}, {name}"
            continue
        names.append(name)
    return [name for name in names if _usable(name, key, line, page)]


def _usable(name: str, key: str, line: int, page: _Page) -> bool:
    if not normalize_name(name):
        page.warn(f"'{key}' has a name with no letters or digits ('{name}'); skipped", line)
        return False
    if len(name) > NAME_MAX_LENGTH:
        page.warn(
            f"'{key}' has a name of {len(name)} characters (at most {NAME_MAX_LENGTH}); skipped",
            line,
        )
        return False
    return True


def _read_field(key: str, value: str, line: int, page: _Page) -> None:
    norm = _normal_key(key)
    if norm in LIST_FIELDS:
        target = page.lists.setdefault(LIST_FIELDS[norm], [])
        if not value:
            page.warn(f"'{key}' names nobody; ignored", line)
        seen = {normalize_name(n) for n in target}
        for name in _split_names(value, key, line, page):
            if normalize_name(name) not in seen:  # the same name twice is one credit
                seen.add(normalize_name(name))
                target.append(name)
    elif norm in SCALAR_FIELDS:
        scalar = SCALAR_FIELDS[norm]
        if scalar in page.scalars:
            page.warn(
                f"'{key}' is given again (first on line {page.scalars[scalar][1]}); "
                "the first value is kept",
                line,
            )
        elif value:
            page.scalars[scalar] = (value, line)
    elif value:
        name = property_name(key)
        if name in page.extra:
            page.warn(
                f"'{key}' is given again (as '{page.extra_names[name]}'); the first value is kept",
                line,
            )
            return
        page.extra[name] = text_value(value, ",")
        page.extra_names[name] = key


def _read_year(page: _Page) -> int | None:
    if "year" not in page.scalars:
        return None
    value, line = page.scalars["year"]
    if re.fullmatch(r"\d{4}", value) and YEAR_MIN <= int(value) <= YEAR_MAX:
        return int(value)
    page.warn(
        f"'Year' is '{value}', not a year from {YEAR_MIN} to {YEAR_MAX}; kept as "
        f"property '{YEAR_TEXT}'",
        line,
    )
    page.extra[YEAR_TEXT] = value
    return None


def parse_page(source: str | TextIO, file: str) -> Iterator[ParsedRecord]:
    """One page is one listing, read whole (up to RECORD_MAX_CHARS: a longer file is
    refused unread)."""
    text = source if isinstance(source, str) else source.read(RECORD_MAX_CHARS + 1)
    if len(text) > RECORD_MAX_CHARS:
        yield ParsedRecord(
            ref=_page_ref(file),
            error=(
                f"the page is over {RECORD_MAX_CHARS:,} characters long: a catalogue page is one "
                "listing, and this is too long to be one (is it the right file?)"
            ),
        )
        return
    page = _Page(file)
    for number, line in enumerate(_lines(text), 1):
        if not line:
            if page.section == "synopsis" and page.paragraphs[-1]:
                page.paragraphs.append([])
        elif NOISE.match(line):
            continue
        elif page.section != "related" and (
            RELATED_START.match(line) or RELATED_HEADING.match(line)
        ):
            page.section = "related"
            page.from_company = bool(RELATED_START.match(line)) or _is_company_list(line)
        elif page.section == "related":
            _read_related(line, number, page)
        elif page.section == "fields":
            _read_head(line, number, page)
        else:
            page.paragraphs[-1].append(line)
    yield _finish(page)


def _read_head(line: str, number: int, page: _Page) -> None:
    """Before the heading: the breadcrumb, fields, then the heading itself."""
    if BREADCRUMB.match(line):
        crumbs = [c for c in CRUMB_SEPARATOR.split(line) if c]
        if len(crumbs) > 1:
            page.breadcrumb = (crumbs[-1], number)
        return
    match = FIELD.match(line) if not URL_LIKE.match(line) else None
    if match:
        key = _normal_key(match.group("key"))
        if (
            key in LIST_FIELDS
            or key in SCALAR_FIELDS
            or normalize_name(line) not in page.known_titles()
        ):
            _read_field(match.group("key").strip(), match.group("value").strip(), number, page)
            return
    if not normalize_name(line):
        return  # a rule or a stray bullet, not a heading
    page.section = "synopsis"
    if len(line) <= HEADING_MAX or normalize_name(line) in page.known_titles():
        page.heading = (line, number)
    else:
        page.paragraphs[-1].append(line)  # no heading: the synopsis has begun


def _read_related(line: str, number: int, page: _Page) -> None:
    """Each item comes twice, a bullet then a caption; sub-headings say whose shows follow."""
    bullet = BULLET.match(line)
    item = (bullet.group("item") if bullet else line).strip()
    is_caption = (
        not bullet
        and page.previous_bullet is not None
        and normalize_name(item) == normalize_name(page.previous_bullet)
    )
    page.previous_bullet = item if bullet else None
    if not bullet and not is_caption and SUB_HEADING.match(line):
        page.from_company = _is_company_list(line)
        if not page.from_company:
            page.warn(
                f"the shows under '{line}' are not said to share a company; not loaded", number
            )
    elif item and not is_caption and page.from_company:
        _add_related(item, number, page)


def _is_company_list(heading: str) -> bool:
    """`More shows from company` (or from a company's name), not from a genre or person."""
    return heading.lower().startswith("more") and not NOT_COMPANY.search(heading)


def _add_related(item: str, line: int, page: _Page) -> None:
    key = normalize_name(item)
    if (
        key
        and key not in {normalize_name(r) for r in page.related}
        and _usable(item, "related content", line, page)
    ):
        page.related.append(item)


def _title(page: _Page) -> tuple[str | None, str | None]:
    """The title, and why there is none when there is none."""
    heading = page.heading[0] if page.heading else None
    crumb = page.breadcrumb[0] if page.breadcrumb else None
    title_field = page.scalars.get("title", (None, 0))[0]
    shows = page.lists.get("shows", [])
    title = title_field or heading or crumb or (shows[0] if len(shows) == 1 else None)
    if title is None:
        if len(shows) > 1:
            return None, (
                f"no title found: the page has no heading or breadcrumb, and its "
                f"'Shows' field names {len(shows)} shows"
            )
        return None, (
            "no title found: the page has no heading, breadcrumb or 'Shows' field naming the show"
        )
    for found, what in ((page.heading, "heading"), (page.breadcrumb, "breadcrumb")):
        other, line = found or (None, 0)
        if other and normalize_name(other) != normalize_name(title):
            used = "Title field" if title_field else "heading"
            page.warn(
                f"the {what} says '{other}' but the {used} says '{title}'; '{title}' is used", line
            )
    if not heading and not title_field:
        page.warn(
            f"the page has no heading; the title '{title}' comes from the "
            f"{'breadcrumb' if crumb else 'Shows field'}"
        )
    return title, None


def _page_ref(file: str) -> SourceRef:
    return SourceRef(source_id=PurePath(file).name or file, file=file, line=1)


def _finish(page: _Page) -> ParsedRecord:
    ref = _page_ref(page.file)
    title, missing = _title(page)
    if missing:
        return ParsedRecord(ref=ref, error=missing, warnings=page.warnings)
    data: dict[str, object] = {
        name: names
        for name, names in page.lists.items()
        if names or name not in ("people", "shows")
    }
    data.update(
        title=title,
        year=_read_year(page),
        country=page.scalars.get("country", (None, 0))[0],
        source_url=page.scalars.get("source_url", (None, 0))[0],
        synopsis="\n\n".join("\n".join(p) for p in page.paragraphs if p) or None,
        related_shows=page.related,
        extra=page.extra,
    )
    try:
        listing = Listing.model_validate(data)
    except ValidationError as exc:
        return ParsedRecord(ref=ref, error=explain(exc), warnings=page.warnings)
    names = {**page.extra_names, YEAR_TEXT: "Year"}
    # The Year warning above already says why it was kept as a property.
    cross_checks = [
        w for w in listing.warnings(names) if not w.endswith(f"kept as property '{YEAR_TEXT}'")
    ]
    return ParsedRecord(
        ref=ref,
        listing=listing,
        warnings=page.warnings + [f"{page.file}: {w}" for w in cross_checks],
    )
