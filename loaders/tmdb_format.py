"""TMDB's records of a movie or a TV show, as its API returns them, read as listings.

What is read: a movie as `/movie/{id}?append_to_response=credits,external_ids,
alternative_titles` returns it, a TV show as `/tv/{id}?append_to_response=credits,
aggregate_credits,external_ids,alternative_titles`, one object each (in a JSON array, a
JSON Lines file, or alone; beside our own listings if need be). They are told from our
listing shape by content (`is_tmdb_record`).

- The listing's identifiers are `tmdb:movie/<id>` or `tmdb:tv/<id>`, and `imdb:tt...` and
  `wikidata:Q...` when `imdb_id` / `external_ids` give them. The first is also the
  listing's own id (`SourceRef.own_id`, loaders/identity.py): the same record copied into
  another file is the same listing.
- A movie: `title`, `original_title` (kept when it differs), the year of `release_date`,
  `runtime`. A TV show: `name`, `original_name`, the years of `first_air_date` and, once it
  has ended (`status` Ended or Canceled), of `last_air_date`; `episode_run_time` (its first
  value); kind `tv mini series` when `type` is Miniseries, else `tv series`.
- Both: `overview`, `genres[].name`, `production_companies[].name` (TMDB's networks are
  broadcasters, not makers: not read), `production_countries[].name` as the country, and
  `alternative_titles` (`titles[]` for a movie, `results[]` for a show).
- Credits (a Credit each, the person `tmdb:person/<id>`): `credits.cast` and
  `credits.crew`, and for a show `aggregate_credits` (every season: `roles[]` with their
  characters, `jobs[]`) before `credits` (the latest season), and `created_by`. What each
  becomes is one table, loaders/tmdb_jobs.py. TMDB writes several characters as "A / B":
  they are split. A person credited twice alike (the same category and job) is one credit
  with the characters of both and the first billing.
- Seasons: a TV record is one listing, the series itself (`Spiral`, series key `spiral`,
  graph/keys.py), with the credits of all its seasons. TMDB's `seasons[]` are summaries
  with no credits of their own, so they do not become season shows (`Spiral - Season 7`),
  which would be nodes with no edges; the series keeps how many seasons and episodes it
  has as the properties `seasons` and `episodes` (`number_of_seasons` /
  `number_of_episodes`, else counted from `seasons[]` without season 0, the specials).

A field of the wrong type (a cast that is not a list, an id that is not a number, a
character that is not text...) rejects the record with where it is; its neighbours load.
A character, genre, company or other title with no letter or digit (TMDB's "?" or "-"
for an unknown one) is no name, and is left out. TMDB's other fields (popularity,
posters, votes...) are not kept.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any, Literal, overload

from pydantic import ValidationError

from screengraph.graph.identifiers import IdentifierError, parse_identifier
from screengraph.graph.keys import normalize_name
from screengraph.graph.schema import Label
from screengraph.loaders.model import (
    Credit,
    Listing,
    ParsedRecord,
    SourceRef,
    _kind,
    clean_text,
    explain,
)
from screengraph.loaders.tmdb_jobs import (
    CAST,
    CREATED_BY,
    CREATOR_JOB,
    SELF,
    credit_for,
    profession_for,
)

# Fields only TMDB writes, which our listing shape does not use: with an integer `id`, one
# of them makes an object a TMDB record.
TMDB_FIELDS = (
    "release_date",
    "first_air_date",
    "original_name",
    "production_companies",
    "external_ids",
    "alternative_titles",
    "episode_run_time",
    "created_by",
    "number_of_seasons",
)
CREDIT_SECTIONS = ("aggregate_credits", "credits")  # in this order: every season first
ENDED = ("Ended", "Canceled")  # a TV show's `status` once it has its last year
_DATE = re.compile(r"(\d{4})(?:-\d{2}(?:-\d{2})?)?")
# A character that is the person themself: "Self", "Himself - Host", "Herself (archive
# footage)"; not "Self-Driving Car".
_SELF = re.compile(
    r"(?:self|himself|herself|themselves|themself)(?:\s+[-–(].*|\s*\(.*)?",
    re.IGNORECASE | re.DOTALL,
)


class TmdbFieldError(ValueError):
    """A field of a TMDB record that cannot be read: its place and the reason."""


def is_tmdb_record(data: Any) -> bool:
    """A TMDB movie or TV show: a `credits` or `aggregate_credits` object (ours is a list),
    or an integer `id` with one of the fields only TMDB writes."""
    if not isinstance(data, dict):
        return False
    if any(isinstance(data.get(section), dict) for section in CREDIT_SECTIONS):
        return True
    number = data.get("id")
    return (
        isinstance(number, int)
        and not isinstance(number, bool)
        and any(field in data for field in TMDB_FIELDS)
    )


def tmdb_record(data: Mapping[str, Any], ref: SourceRef, where: str) -> ParsedRecord:
    """One TMDB record as a listing, or its rejection; `where` ("record 3 (line 4)") starts
    the reason. The record's own id (`tmdb:movie/603`) is set on `ref`."""
    try:
        media = _media(data)
        own = parse_identifier(
            f"tmdb:{media}/{_number(data.get('id'), _q('id'), True)}", Label.SHOW
        )
        fields = _movie(data) if media == "movie" else _show(data)
        if fields["original_title"] == fields["title"]:
            fields["original_title"] = None  # kept only when it differs
        fields.update(_common(data, fields["title"]))
        fields["ids"] = [str(own), *_external_ids(data)]
        fields["credits"], places = _credits(data)
        listing = _validated(fields, places)
    except TmdbFieldError as exc:
        return ParsedRecord(ref=ref, error=f"{where}: TMDB record: {exc}")
    except (IdentifierError, ValidationError) as exc:
        return ParsedRecord(ref=ref, error=f"{where}: TMDB record: {explain(exc)}")
    ref.own_id = str(own)
    return ParsedRecord(ref=ref, listing=listing)


# -- reading fields, each checked ------------------------------------------------------

# `where` below is a field as a reason names it: `'runtime'`, or within a list's item
# `'credits.cast' item 3: 'character'` (`_in`).


def _q(field: str) -> str:
    return f"'{field}'"


def _in(place: str, field: str) -> str:
    return f"{place}: '{field}'"


def _fail(where: str, reason: str, value: Any) -> TmdbFieldError:
    return TmdbFieldError(f"{where} {reason}, got {_kind(value)}")


def _number(value: Any, where: str, required: bool = False) -> int | None:
    if value is None and not required:
        return None
    if isinstance(value, bool) or not isinstance(value, int):
        raise _fail(where, "must be a whole number", value)
    return value


@overload
def _text(value: Any, where: str, required: Literal[True]) -> str: ...
@overload
def _text(value: Any, where: str, required: bool = False) -> str | None: ...
def _text(value: Any, where: str, required: bool = False) -> str | None:
    """Text, or None for null or "" (TMDB's empty value) unless it is required."""
    if value is None or value == "":
        if required:
            raise TmdbFieldError(f"{where} is required")
        return None
    if not isinstance(value, str):
        raise _fail(where, "must be text", value)
    return value


def _object(value: Any, path: str) -> Mapping[str, Any]:
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise _fail(_q(path), "must be an object", value)
    return value


def _objects(value: Any, where: str) -> list[tuple[str, Mapping[str, Any]]]:
    """A list of objects, each with its place (`'credits.cast' item 3`)."""
    if value is None:
        return []
    if not isinstance(value, list):
        raise _fail(where, "must be a list", value)
    items: list[tuple[str, Mapping[str, Any]]] = []
    for position, item in enumerate(value, 1):
        place = f"{where} item {position}"
        if not isinstance(item, dict):
            raise _fail(place, "must be an object", item)
        items.append((place, item))
    return items


def _year(value: Any, field: str) -> int | None:
    text = _text(value, _q(field))
    if text is None:
        return None
    found = _DATE.fullmatch(text.strip())
    if found is None:
        raise _fail(_q(field), "must be a date written YYYY-MM-DD", value)
    return int(found.group(1))


def _names(value: Any, path: str, field: str = "name") -> list[str]:
    """The `name` (or `field`) of each object of a list, once each."""
    names: list[str] = []
    for place, item in _objects(value, _q(path)):
        name = _text(item.get(field), _in(place, field))
        if name is not None and normalize_name(name) and name not in names:
            names.append(name)
    return names


def _companies(value: Any) -> list[dict[str, Any]]:
    """Production companies by name, with their TMDB id (`tmdb:company/4`) when given."""
    companies: list[dict[str, Any]] = []
    seen: set[str] = set()
    for place, item in _objects(value, _q("production_companies")):
        name = _text(item.get("name"), _in(place, "name"))
        if name is None or not normalize_name(name) or name in seen:
            continue
        seen.add(name)
        number = item.get("id")
        if number is not None and (isinstance(number, bool) or not isinstance(number, int)):
            raise TmdbFieldError(
                f"{_in(place, 'id')} must be a whole number, got {type(number).__name__}"
            )
        companies.append(
            {"name": name, "ids": [f"tmdb:company/{number}"] if number is not None else []}
        )
    return companies


# -- the show ------------------------------------------------------------------------


def _media(data: Mapping[str, Any]) -> str:
    """`movie` or `tv`: TMDB's `media_type` when given, else a movie has a `title` and a
    TV show a `name`."""
    media = _text(data.get("media_type"), _q("media_type"))
    if media is not None:
        if media not in ("movie", "tv"):
            raise TmdbFieldError(f"'media_type' must be movie or tv, got '{media[:40]}'")
        return media
    if data.get("title") is not None:
        return "movie"
    if data.get("name") is not None:
        return "tv"
    raise TmdbFieldError("has neither 'title' (a movie) nor 'name' (a TV show)")


def _movie(data: Mapping[str, Any]) -> dict[str, Any]:
    return {
        "title": _text(data.get("title"), _q("title"), True),
        "kind": "movie",
        "original_title": _text(data.get("original_title"), _q("original_title")),
        "year": _year(data.get("release_date"), "release_date"),
        "runtime_minutes": _number(data.get("runtime"), _q("runtime")) or None,
    }


def _show(data: Mapping[str, Any]) -> dict[str, Any]:
    status = _text(data.get("status"), _q("status"))
    kind = _text(data.get("type"), _q("type"))
    runtimes = data.get("episode_run_time")
    if runtimes is not None and not isinstance(runtimes, list):
        raise _fail(_q("episode_run_time"), "must be a list of minutes", runtimes)
    minutes = [
        _number(m, f"{_q('episode_run_time')} item {i}", True)
        for i, m in enumerate(runtimes or [], 1)
    ]
    seasons = [
        _number(item.get("season_number"), _in(place, "season_number"))
        for place, item in _objects(data.get("seasons"), _q("seasons"))
    ]
    season_count = _number(data.get("number_of_seasons"), _q("number_of_seasons"))
    if season_count is None and seasons:
        season_count = sum(1 for number in seasons if number)
    episode_count = _number(data.get("number_of_episodes"), _q("number_of_episodes"))
    extra = {
        name: count
        for name, count in (("seasons", season_count), ("episodes", episode_count))
        if count
    }
    return {
        "title": _text(data.get("name"), _q("name"), True),
        "kind": "tv mini series" if kind == "Miniseries" else "tv series",
        "original_title": _text(data.get("original_name"), _q("original_name")),
        "year": _year(data.get("first_air_date"), "first_air_date"),
        "end_year": (
            _year(data.get("last_air_date"), "last_air_date") if status in ENDED else None
        ),
        "runtime_minutes": next((m for m in minutes if m), None),
        "extra": extra,
    }


def _common(data: Mapping[str, Any], title: str) -> dict[str, Any]:
    """What movies and shows share: synopsis, genres, companies, country, other titles."""
    alternatives = _object(data.get("alternative_titles"), "alternative_titles")
    listed = "titles" if "titles" in alternatives else "results"
    names = _names(alternatives.get(listed), f"alternative_titles.{listed}", "title")
    countries = _names(data.get("production_countries"), "production_countries")
    return {
        "synopsis": _text(data.get("overview"), _q("overview")),
        "genres": _names(data.get("genres"), "genres"),
        "identified_companies": _companies(data.get("production_companies")),
        "country": ", ".join(countries) or None,
        "alternate_titles": [name for name in names if name != title],
    }


def _external_ids(data: Mapping[str, Any]) -> list[str]:
    """`imdb:tt...` and `wikidata:Q...`: a movie gives `imdb_id` at the top too."""
    external = _object(data.get("external_ids"), "external_ids")
    found: list[str] = []
    for scheme, value, path in (
        ("imdb", data.get("imdb_id"), "imdb_id"),
        ("imdb", external.get("imdb_id"), "external_ids.imdb_id"),
        ("wikidata", external.get("wikidata_id"), "external_ids.wikidata_id"),
    ):
        text = _text(value, _q(path))
        if text is None:
            continue
        try:
            identifier = str(parse_identifier(f"{scheme}:{text.strip()}", Label.SHOW))
        except IdentifierError as exc:
            raise TmdbFieldError(f"{_q(path)}: {exc}") from None
        if identifier not in found:
            found.append(identifier)
    return found


# -- credits -------------------------------------------------------------------------


def _credits(data: Mapping[str, Any]) -> tuple[list[dict[str, Any]], list[str]]:
    """Every credit, once each: cast, then crew, then creators, in TMDB's order; and the
    place of each."""
    found: list[tuple[str, dict[str, Any]]] = []
    for section in CREDIT_SECTIONS:
        credits = _object(data.get(section), section)
        for place, item in _objects(credits.get("cast"), _q(f"{section}.cast")):
            found.append((place, _cast(item, place)))
    for section in CREDIT_SECTIONS:
        credits = _object(data.get(section), section)
        for place, item in _objects(credits.get("crew"), _q(f"{section}.crew")):
            found.extend((place, credit) for credit in _crew(item, place))
    for place, item in _objects(data.get("created_by"), _q(CREATED_BY)):
        found.append((place, {**_person(item, place), **_category(CREATED_BY, CREATOR_JOB)}))
    return _merged(found)


def _person(item: Mapping[str, Any], place: str) -> dict[str, Any]:
    person = _number(item.get("id"), _in(place, "id"), True)
    department = _text(item.get("known_for_department"), _in(place, "known_for_department"))
    return {
        "name": _text(item.get("name"), _in(place, "name"), True),
        "ids": [f"tmdb:person/{person}"],
        "professions": [profession_for(department)] if department else [],
    }


def _category(department: str, job: str) -> dict[str, Any]:
    category, kept = credit_for(department, job)
    return {"category": category, "job": kept}


def _cast(item: Mapping[str, Any], place: str) -> dict[str, Any]:
    """A cast member: `character` (a movie, a show's latest season) or `roles[]` (every
    season), each "A / B" split."""
    if "roles" in item:
        written = [
            _text(role.get("character"), _in(role_place, "character"))
            for role_place, role in _objects(item.get("roles"), _in(place, "roles"))
        ]
    else:
        written = [_text(item.get("character"), _in(place, "character"))]
    characters: list[str] = []
    for text in written:
        for character in (text or "").split(" / "):
            character = character.strip()
            if normalize_name(character) and character not in characters:
                characters.append(character)
    itself = bool(characters) and all(_SELF.fullmatch(c) for c in characters)
    return {
        **_person(item, place),
        **_category(CAST, SELF if itself else CAST),
        "characters": characters,
        "order": _number(item.get("order"), _in(place, "order")),
    }


def _crew(item: Mapping[str, Any], place: str) -> list[dict[str, Any]]:
    """A crew member: `job` (a movie, a show's latest season) or `jobs[]` (every season)."""
    department = _text(item.get("department"), _in(place, "department")) or ""
    if "jobs" in item:
        jobs = [
            _text(job.get("job"), _in(job_place, "job"), True)
            for job_place, job in _objects(item.get("jobs"), _in(place, "jobs"))
        ]
    else:
        jobs = [_text(item.get("job"), _in(place, "job"), True)]
    person = _person(item, place)
    return [{**person, **_category(department, job)} for job in jobs]


def _merged(found: list[tuple[str, dict[str, Any]]]) -> tuple[list[dict[str, Any]], list[str]]:
    """One credit per person, category and job: TMDB lists a person twice for two
    characters, and a show's `credits` repeat its `aggregate_credits`. Each keeps the
    place of its first mention, for a reason to name."""
    merged: dict[tuple, dict[str, Any]] = {}
    places: dict[tuple, str] = {}
    for place, fields in found:
        key = (fields["ids"][0], fields["category"], clean_text(fields["job"]))
        first = merged.setdefault(key, fields)
        places.setdefault(key, place)
        if first is fields:
            continue
        characters = first.setdefault("characters", [])
        characters += [c for c in fields.get("characters", ()) if c not in characters]
        if first.get("order") is None:
            first["order"] = fields.get("order")
    return list(merged.values()), list(places.values())


def _validated(fields: dict[str, Any], places: list[str]) -> Listing:
    """The listing, checked once whole; a credit at fault is named by its TMDB place."""
    try:
        return Listing.model_validate(fields)
    except ValidationError as exc:
        for error in exc.errors():
            location = error.get("loc", ())
            if location[:1] == ("credits",) and len(location) > 1 and isinstance(location[1], int):
                try:
                    Credit.model_validate(fields["credits"][location[1]])
                except ValidationError as credit_error:
                    raise TmdbFieldError(
                        f"{places[location[1]]}: {explain(credit_error)}"
                    ) from None
        raise
