"""The validated listing record every parser produces (pydantic v2).

It is the contract between parsing and writing: parsers turn text into
`ParsedRecord`s, the writer turns their listings into nodes and edges. Its JSON
Schema is published as loaders/listing.schema.json (`python -m
loaders.schema_export` regenerates it; a test keeps it current).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from copy import copy
from functools import lru_cache, partial
from typing import Annotated, Any, Final, Union, cast, overload

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    ValidationError,
    field_validator,
    model_validator,
)

from screengraph.graph.identifiers import SCHEMES, IdentifierError, parse_identifier
from screengraph.graph.keys import normalize_name
from screengraph.graph.schema import Label, credit_category

# Limits, declared here once: the parsers, the CSV header check and the published JSON
# Schema (loaders/listing.schema.json) all read them. A record beyond one is refused with
# the reason; the records around it load.
NAME_MAX_LENGTH = 500  # characters in a name (a person, a title, a genre...)
TEXT_MAX_LENGTH = 100_000  # characters in a synopsis or any other text value
URL_MAX_LENGTH = 2_000  # characters in a source_url: it can be a listing's id, and
#                               database indexes take keys of a few kilobytes at most
NAMES_MAX = 10_000  # names in one list field (cast, directors, genres...)
IDENTIFIERS_MAX = 20  # identifiers of one show, person or company
EXTRA_FIELDS_MAX = 200  # fields screengraph does not know, in one listing
RECORD_MAX_CHARS = 8_000_000  # one record as written (a JSON Lines line, a JSON array
#                               item, a CSV row, a page): a longer one is not even parsed
YEAR_MIN, YEAR_MAX = 1870, 2100
PERSON_YEAR_MIN = 1  # people's birth and death years: writers of source material
#                               were born long before cinema (IMDb: Shakespeare, 1564)

_SPACES = re.compile(r"\s+")
# Control characters (databases refuse NUL) and invisible ones that would split a name.
_INVISIBLE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\u00ad\u200b\u2060\ufeff]")

# Half of a UTF-16 pair on its own (JSON can write one: "\ud800"): no text encoding can
# store it, so no database can either.
_SURROGATE = re.compile(r"[\ud800-\udfff]")

ExtraValue = Union[  # noqa: UP007 (one expression, as pydantic reads it)
    Annotated[str, Field(max_length=TEXT_MAX_LENGTH)],
    int,
    Annotated[float, Field(allow_inf_nan=False)],
    bool,
    Annotated[list[Annotated[str, Field(max_length=TEXT_MAX_LENGTH)]], Field(max_length=NAMES_MAX)],
]


@overload
def clean_text(value: str) -> str: ...
@overload
def clean_text(value: object) -> object: ...
def clean_text(value: object) -> object:
    """NBSP, tabs and runs of spaces become one space; invisible characters go; ends are trimmed."""
    if isinstance(value, str):
        if already_clean(value):
            return value  # the common case, kept fast for big loads
        return _SPACES.sub(" ", _INVISIBLE.sub("", value)).strip()
    return value


def already_clean(value: str) -> bool:
    """Text `clean_text` keeps as it is: printable (so no control, invisible or lone
    surrogate character), no run of spaces, no space at either end."""
    return value.isprintable() and "  " not in value and value[:1] != " " != value[-1:]


def _too_long(value: str, limit: int, what: str = "") -> ValueError:
    return ValueError(f"{what}is {len(value):,} characters long; at most {limit:,} are allowed")


def _clean_paragraphs(value: object) -> object:
    """Long text keeps its line and paragraph breaks; blank text is no text."""
    if isinstance(value, str):
        if len(value) > TEXT_MAX_LENGTH:  # refused before any work on it
            raise _too_long(value, TEXT_MAX_LENGTH)
        lines = [
            clean_text(line) for line in value.replace("\r\n", "\n").replace("\r", "\n").split("\n")
        ]
        text = re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()
        return text or None
    return value


def _clean_optional(value: object) -> object:
    value = clean_text(value)
    return (value or None) if isinstance(value, str) else value


def _name(value: object) -> object:
    """A name must keep a letter or digit once cleaned, or it would have no key."""
    value = clean_text(value)
    if isinstance(value, str) and len(value) > NAME_MAX_LENGTH:
        raise _too_long(value, NAME_MAX_LENGTH)
    if isinstance(value, str) and value and not normalize_name(value):
        raise ValueError(f"'{value}' has no letters or digits")
    return value


def _names(value: object) -> object:
    """A single string is one name; blank names are refused with their position."""
    if isinstance(value, str):
        value = [value]
    if isinstance(value, list):
        if len(value) > NAMES_MAX:
            raise ValueError(f"holds {len(value):,} names; at most {NAMES_MAX:,} are allowed")
        cleaned = [clean_text(v) for v in value]
        for position, name in enumerate(cleaned, 1):
            if isinstance(name, str) and not name:
                raise ValueError(f"name {position} is empty")
            if isinstance(name, str) and len(name) > NAME_MAX_LENGTH:
                raise _too_long(name, NAME_MAX_LENGTH, f"name {position} ")
            if isinstance(name, str) and not normalize_name(name):
                raise ValueError(f"name {position} ('{name}') has no letters or digits")
        return cleaned
    return value


def _year(value: object) -> object:
    if isinstance(value, bool):
        raise ValueError("must be a whole number, got true/false")
    if isinstance(value, str) and value.strip().isdigit():
        return int(value.strip())
    return value


def property_name(field: str) -> str:
    """An unknown field's name as a property: `Episodes` -> `episodes`, `Original Title`
    -> `original_title` (its normalised words joined by `_`)."""
    return normalize_name(field).replace(" ", "_")


Name = Annotated[str, BeforeValidator(_name), Field(min_length=1, max_length=NAME_MAX_LENGTH)]
NameList = Annotated[
    list[Annotated[str, Field(min_length=1, max_length=NAME_MAX_LENGTH)]],
    BeforeValidator(_names),
    Field(max_length=NAMES_MAX),
]

ROLE_FIELDS = ("directors", "producers", "executive_producers", "writers", "cast")
LIST_FIELDS = (
    *ROLE_FIELDS,
    "genres",
    "companies",
    "related_shows",
    "people",
    "shows",
    "alternate_titles",
)
COUNT_MAX = 1_000_000  # a runtime in minutes, a season or episode number, a credit's order


def _identifiers(label: Label):
    """A list of identifiers of one label's kind, each written `<scheme>:<value>`."""

    def check(value: object) -> object:
        if isinstance(value, str):
            value = [value]
        if isinstance(value, list):
            if len(value) > IDENTIFIERS_MAX:
                raise ValueError(
                    f"holds {len(value):,} identifiers; at most {IDENTIFIERS_MAX} are allowed"
                )
            checked: list[str] = []
            for position, item in enumerate(value, 1):
                if not isinstance(item, str):
                    raise ValueError(f"identifier {position} must be text, got {_kind(item)}")
                try:
                    identifier = str(parse_identifier(item, label))
                except IdentifierError as exc:
                    raise ValueError(f"identifier {position}: {exc}") from None
                if identifier not in checked:
                    checked.append(identifier)
            return checked
        return value

    return BeforeValidator(check)


def _category(value: object) -> object:
    return credit_category(value) if isinstance(value, str) else value


def _show_kind(value: object) -> object:
    """`tvMiniSeries` (IMDb's titleType) and `TV mini-series` are both `tv mini series`."""
    if isinstance(value, str):
        return credit_category(re.sub(r"(?<=[a-z])(?=[A-Z])", " ", value)) or None
    return value


YearValue = Annotated[
    Annotated[int, Field(ge=YEAR_MIN, le=YEAR_MAX)] | None, BeforeValidator(_year)
]
Count = Annotated[Annotated[int, Field(ge=0, le=COUNT_MAX)] | None, BeforeValidator(_year)]
PersonYear = Annotated[
    Annotated[int, Field(ge=PERSON_YEAR_MIN, le=YEAR_MAX)] | None, BeforeValidator(_year)
]
ShortText = Annotated[
    Annotated[str, Field(max_length=NAME_MAX_LENGTH)] | None, BeforeValidator(_clean_optional)
]
PersonIds = Annotated[list[str], _identifiers(Label.PERSON)]
ShowIds = Annotated[list[str], _identifiers(Label.SHOW)]


class Credit(BaseModel):
    """One person's credit on the listing's show, as rich as the source gives it.

    `category` says what they did (graph.schema.CREDIT_CATEGORIES: director, producer,
    executive producer, writer, actor, actress, self; any other category, such as
    composer or editor, is kept as it is). The person's own facts (identifiers, years,
    professions) travel with each of their credits: the source gives them per person."""

    model_config = ConfigDict(extra="forbid")

    name: Name
    category: Annotated[
        str, BeforeValidator(_category), Field(min_length=1, max_length=NAME_MAX_LENGTH)
    ]
    job: ShortText = Field(
        default=None, description="The source's words for the job (IMDb's `job`, TMDB's `job`)."
    )
    characters: NameList = Field(
        default_factory=list, description="Characters played, for acting credits."
    )
    order: Count = Field(
        default=None, description="Billing order, from 0 or 1 as the source counts."
    )
    ids: PersonIds = Field(
        default_factory=list, description="The person's identifiers: imdb:nm..., tmdb:person/..."
    )
    birth_year: PersonYear = None
    death_year: PersonYear = None
    professions: NameList = Field(
        default_factory=list, description="Primary professions (IMDb's name.basics)."
    )
    known_for: ShowIds = Field(
        default_factory=list, description="Identifiers of the titles they are known for."
    )


class CompanyRef(BaseModel):
    """A company the source names with its identifiers (TMDB's production companies)."""

    model_config = ConfigDict(extra="forbid")

    name: Name
    ids: Annotated[list[str], _identifiers(Label.COMPANY)] = Field(default_factory=list)


class SeriesRef(BaseModel):
    """The series an episode belongs to."""

    model_config = ConfigDict(extra="forbid")

    title: Name
    year: YearValue = None
    ids: ShowIds = Field(default_factory=list)


class Listing(BaseModel):
    """One show as a catalogue lists it, with everyone credited on it."""

    model_config = ConfigDict(extra="forbid")

    @model_validator(mode="before")
    @classmethod
    def _encodable(cls, data: object) -> object:
        """Text that cannot be encoded is refused here, before anything reads it: a lone
        surrogate is a broken encoding at the source, and repairing it (U+FFFD) would
        store a name nobody wrote, under a key that the fixed source would not meet."""
        problem = unencodable(data)
        if problem:
            raise ValueError(problem)
        return data

    title: Name
    synopsis: Annotated[
        Annotated[str, Field(max_length=TEXT_MAX_LENGTH)] | None, BeforeValidator(_clean_paragraphs)
    ] = None
    directors: NameList = Field(default_factory=list)
    producers: NameList = Field(default_factory=list)
    executive_producers: NameList = Field(default_factory=list)
    writers: NameList = Field(default_factory=list)
    cast: NameList = Field(default_factory=list)
    genres: NameList = Field(default_factory=list)
    companies: NameList = Field(default_factory=list)
    related_shows: NameList = Field(
        default_factory=list,
        description="Titles of related shows; on catalogue pages, 'More shows from company': "
        "shows made by this listing's companies.",
    )
    year: Annotated[
        Annotated[int, Field(ge=YEAR_MIN, le=YEAR_MAX)] | None, BeforeValidator(_year)
    ] = None
    country: Annotated[
        Annotated[str, Field(max_length=NAME_MAX_LENGTH)] | None, BeforeValidator(_clean_optional)
    ] = None
    source_url: Annotated[
        Annotated[str, Field(max_length=URL_MAX_LENGTH)] | None, BeforeValidator(_clean_optional)
    ] = None
    extra: dict[str, ExtraValue] = Field(
        default_factory=dict,
        max_length=EXTRA_FIELDS_MAX,
        description="Fields screengraph does not know, kept as show properties; "
        "names are snake_case (`Episodes` -> `episodes`).",
    )
    ids: ShowIds = Field(
        default_factory=list,
        description="The show's identifiers: imdb:tt..., tmdb:movie/..., tmdb:tv/...",
    )
    kind: Annotated[
        Annotated[str, Field(max_length=NAME_MAX_LENGTH)] | None, BeforeValidator(_show_kind)
    ] = Field(
        default=None,
        description="movie, tv series, tv mini series, tv episode, short... "
        "(lower case, words split by spaces)",
    )
    end_year: YearValue = None
    runtime_minutes: Count = None
    original_title: ShortText = None
    alternate_titles: NameList = Field(
        default_factory=list, description="Other titles the show is known by."
    )
    identified_companies: list[CompanyRef] = Field(
        default_factory=list,
        max_length=NAMES_MAX,
        description="Companies with their identifiers (tmdb:company/...), beside `companies`.",
    )
    episode_of: SeriesRef | None = Field(default=None, description="For an episode: its series.")
    season_number: Count = None
    episode_number: Count = None
    credits: list[Credit] = Field(
        default_factory=list,
        max_length=NAMES_MAX,
        description="Credits with their category, job, characters and the person's "
        "identifiers; beside (and merged with) the name lists by role.",
    )
    people: NameList | None = Field(
        default=None, description="The page's cross-check list of everyone credited."
    )
    shows: NameList | None = Field(
        default=None, description="The page's cross-check list of shows."
    )

    @field_validator("extra", mode="before")
    @classmethod
    def _snake_case_extra(cls, value: object) -> object:
        """Property names are snake_case; two fields that would share one are refused."""
        if not isinstance(value, dict):
            return value
        if len(value) > EXTRA_FIELDS_MAX:
            raise ValueError(
                f"the listing has {len(value):,} fields screengraph does not know; "
                f"at most {EXTRA_FIELDS_MAX:,} are allowed"
            )
        renamed: dict[str, Any] = {}
        origin: dict[str, str] = {}
        for field, item in value.items():
            name = property_name(str(field))
            if not name:
                raise ValueError(f"the field name '{field}' has no letters or digits")
            if name in origin:
                raise ValueError(
                    f"the fields '{origin[name]}' and '{field}' would both be "
                    f"kept as property '{name}'; rename one"
                )
            origin[name] = str(field)
            if isinstance(item, list):
                item = [v for v in (clean_text(v) for v in item) if v != ""]
            renamed[name] = clean_text(item)
        return renamed

    def canonical(self) -> dict[str, Any]:
        """The listing as JSON, without the fields it leaves at their defaults among those
        added after version 1 (RICH_FIELDS): listings written before them keep their
        content hash, so reloading them is "unchanged"."""
        data = self.model_dump(mode="json")
        for name in RICH_FIELDS:
            if data.get(name) in (None, [], {}):
                data.pop(name, None)
        return data

    def weight(self) -> int:
        """What writing it costs, roughly: one for the listing, one per item of its lists
        (a credit, a genre, a company, a related show, an alternate title...). A film
        with 200 credits costs the engine forty times an episode with five, so batches
        that readers wait for are cut by weight, not by count (loaders/pipeline.py)."""
        return 1 + sum(len(value) for value in self.__dict__.values() if isinstance(value, list))

    def credited_people(self) -> list[str]:
        """Everyone with a role, once each (first spelling), in role order."""
        seen: dict[str, str] = {}
        for field_name in ROLE_FIELDS:
            for name in getattr(self, field_name):
                seen.setdefault(normalize_name(name), name)
        for credit in self.credits:
            seen.setdefault(normalize_name(credit.name), credit.name)
        return list(seen.values())

    def warnings(self, field_names: Mapping[str, str] | None = None) -> list[str]:
        """Cross-checks a maintainer wants to hear about; none stops the load.

        `field_names` maps extra properties back to the field names the source
        used, so that the message quotes what the user wrote.
        """
        found: list[str] = []
        if self.people is not None:
            listed = {normalize_name(p) for p in self.people}
            credited = self.credited_people()
            credited_keys = {normalize_name(p) for p in credited}
            found += [
                f"'{person}' is listed under People but has no role"
                for person in self.people
                if normalize_name(person) not in credited_keys
            ]
            found += [
                f"'{person}' has a role but is missing from People"
                for person in credited
                if normalize_name(person) not in listed
            ]
        if self.shows is not None and normalize_name(self.title) not in {
            normalize_name(s) for s in self.shows
        }:
            found.append(f"the title '{self.title}' is missing from Shows")
        for name in self.extra:
            original = (field_names or {}).get(name, name)
            found.append(f"unknown field '{original}' kept as property '{name}'")
        return found


# Listing fields added with identifiers and rich credits (see Listing.canonical).
RICH_FIELDS = (
    "ids",
    "kind",
    "end_year",
    "runtime_minutes",
    "original_title",
    "alternate_titles",
    "identified_companies",
    "episode_of",
    "season_number",
    "episode_number",
    "credits",
)


# Listings already in the model's form, proved cheaply.
#
# A bulk load of IMDb's files validates millions of listings whose values are already
# what the model would make of them (clean names, whole-number years, identifiers as
# `_identifiers` writes them): pydantic's validation of those was half of reading the
# files. `settled_listing` proves it value by value, with the model's own limits and
# validators, and builds the listing without validating it again. Anything it cannot
# vouch for (a value to clean, convert or refuse; a field it does not check) is left to
# `Listing.model_validate`, so every refusal and every repair stays the model's own.
# tests/loaders/test_settled.py holds the two equal, listing by listing.

_UNSETTLED: Final = object()  # a value the model might change or refuse
_ASCII_WORD = re.compile(r"[0-9A-Za-z]")
Settle = Callable[[Any], Any]  # a value as the model would keep it, or _UNSETTLED


def _is_settled_name(value: object) -> bool:
    """A name `_name` (and `_names`, for each of its names) keeps as it is and accepts."""
    return (
        type(value) is str
        and 0 < len(value) <= NAME_MAX_LENGTH
        and already_clean(value)
        # an ASCII letter or digit survives normalize_name: only other names need it
        and (_ASCII_WORD.search(value) is not None or normalize_name(value) != "")
    )


def _kept(is_settled: Callable[[Any], bool]) -> Settle:
    return lambda value: value if is_settled(value) else _UNSETTLED


def _only_default(default: object) -> Settle:
    """A field settled only at its default (the model's cleaning of it is not mirrored)."""
    return lambda value: value if value == default and type(value) is type(default) else _UNSETTLED


def _settled_names(value: object) -> object:
    """`NameList`: a list (not a single name) of settled names."""
    if type(value) is list and len(value) <= NAMES_MAX and all(map(_is_settled_name, value)):
        return value
    return _UNSETTLED


def _settled_short_text(limit: int) -> Settle:
    """`_clean_optional` text (`ShortText`, country): None, or clean text within `limit`."""

    def settle(value: object) -> object:
        if value is None or (
            type(value) is str and 0 < len(value) <= limit and already_clean(value)
        ):
            return value
        return _UNSETTLED

    return settle


def _settled_number(low: int, high: int) -> Settle:
    """`_year` numbers (`YearValue`, `Count`, `PersonYear`): None or an int in range."""

    def settle(value: object) -> object:
        if value is None or (type(value) is int and low <= value <= high):
            return value
        return _UNSETTLED

    return settle


def _settled_identifiers(label: Label) -> Settle:
    """`_identifiers(label)`: a list of distinct identifiers each written as
    `parse_identifier` writes it back (`imdb:nm0000229`: a scheme's name, `:`, a value
    of that scheme's shape for the label)."""
    written = re.compile(
        "|".join(
            f"{re.escape(name)}:(?:{scheme.values[label].pattern})"
            for name, scheme in SCHEMES.items()
            if label in scheme.values
        )
    )

    def settle(value: object) -> object:
        if type(value) is not list or len(value) > IDENTIFIERS_MAX:
            return _UNSETTLED
        for item in value:
            if type(item) is not str or written.fullmatch(item) is None:
                return _UNSETTLED
        if len(value) > 1 and len(set(value)) < len(value):
            return _UNSETTLED  # the model keeps each once
        return value

    return settle


def _settled_by(validator: Callable[[object], object], limit: int, *, optional: bool) -> Settle:
    """A field whose validator maps a small vocabulary (IMDb's `tvMiniSeries`, a credit's
    category): the validator itself applied, remembered, and its result checked (None
    only where the field is `optional`)."""

    @lru_cache(maxsize=1024)
    def settle_text(value: str) -> object:
        settled = validator(value)
        if (settled is None and optional) or (
            type(settled) is str and 0 < len(settled) <= limit and settled.isprintable()
        ):
            return settled
        return _UNSETTLED

    return lambda value: settle_text(value) if type(value) is str else _UNSETTLED


def _constructor(model: type[BaseModel]) -> Callable[[dict[str, Any], set[str]], BaseModel]:
    """`model.model_construct(given, **values)` when every field has its value: what it
    does then, without its search of every field for aliases and defaults (a third of
    building a settled listing). Models with a post-init hook or a root take the search."""
    if model.__pydantic_post_init__ or model.__pydantic_root_model__:
        return lambda values, given: model.model_construct(given, **values)

    def construct(values: dict[str, Any], given: set[str]) -> BaseModel:
        built = model.__new__(model)
        object.__setattr__(built, "__dict__", values)
        object.__setattr__(built, "__pydantic_fields_set__", given)
        object.__setattr__(built, "__pydantic_extra__", None)
        object.__setattr__(built, "__pydantic_private__", None)
        return built

    return construct


def _settled_model(model: type[BaseModel], fields: dict[str, Settle]) -> Settle:
    """A dict of a model's fields, each settled, as the model built without validation
    (its fields in the model's order, as validation orders them). `fields` names every
    field of the model, in its order."""
    if list(fields) != list(model.model_fields):
        raise TypeError(f"the settled fields of {model.__name__} are not its fields, in order")
    known = frozenset(fields)
    required = frozenset(name for name, info in model.model_fields.items() if info.is_required())
    construct = _constructor(model)
    # Every default given here: model_construct, left to find one, inspects the default
    # factory's signature each time (most of its cost). Ours (list, dict) take no argument.
    defaults: dict[str, Callable[[], Any]] = {}
    for name, info in model.model_fields.items():
        if info.default_factory is not None:
            defaults[name] = cast(Callable[[], Any], info.default_factory)
        elif not info.is_required():
            defaults[name] = partial(copy, info.default)  # ours are None

    def settle(value: object) -> object:
        if type(value) is not dict or not value.keys() <= known:
            return _UNSETTLED
        values: dict[str, Any] = {}
        for name, check in fields.items():
            if name in value:
                settled = check(value[name])
                if settled is _UNSETTLED:
                    return _UNSETTLED
                values[name] = settled
            elif name in required:
                return _UNSETTLED
            else:
                values[name] = defaults[name]()
        return construct(values, set(value))

    return settle


def _settled_list(settle_item: Settle, limit: int) -> Settle:
    def settle(value: object) -> object:
        if type(value) is not list or len(value) > limit:
            return _UNSETTLED
        items = [settle_item(item) for item in value]
        return _UNSETTLED if any(item is _UNSETTLED for item in items) else items

    return settle


def _or_none(settle: Settle) -> Settle:
    return lambda value: None if value is None else settle(value)


_YEAR = _settled_number(YEAR_MIN, YEAR_MAX)
_COUNT = _settled_number(0, COUNT_MAX)
_PERSON_YEAR = _settled_number(PERSON_YEAR_MIN, YEAR_MAX)
_SHORT_TEXT = _settled_short_text(NAME_MAX_LENGTH)
_NAME = _kept(_is_settled_name)
_SHOW_IDS = _settled_identifiers(Label.SHOW)

# Every field of each model, settled as its validators would leave it (the same order).
SETTLED_FIELDS: dict[type[BaseModel], dict[str, Settle]] = {
    Credit: {
        "name": _NAME,
        "category": _settled_by(_category, NAME_MAX_LENGTH, optional=False),
        "job": _SHORT_TEXT,
        "characters": _settled_names,
        "order": _COUNT,
        "ids": _settled_identifiers(Label.PERSON),
        "birth_year": _PERSON_YEAR,
        "death_year": _PERSON_YEAR,
        "professions": _settled_names,
        "known_for": _SHOW_IDS,
    },
    CompanyRef: {"name": _NAME, "ids": _settled_identifiers(Label.COMPANY)},
    SeriesRef: {"title": _NAME, "year": _YEAR, "ids": _SHOW_IDS},
}
SETTLED_FIELDS[Listing] = {
    "title": _NAME,
    "synopsis": _only_default(None),
    **dict.fromkeys(
        ("directors", "producers", "executive_producers", "writers", "cast"), _settled_names
    ),
    **dict.fromkeys(("genres", "companies", "related_shows"), _settled_names),
    "year": _YEAR,
    "country": _SHORT_TEXT,
    "source_url": _only_default(None),
    "extra": _only_default({}),
    "ids": _SHOW_IDS,
    "kind": _settled_by(_show_kind, NAME_MAX_LENGTH, optional=True),
    "end_year": _YEAR,
    "runtime_minutes": _COUNT,
    "original_title": _SHORT_TEXT,
    "alternate_titles": _settled_names,
    "identified_companies": _settled_list(
        _settled_model(CompanyRef, SETTLED_FIELDS[CompanyRef]), NAMES_MAX
    ),
    "episode_of": _or_none(_settled_model(SeriesRef, SETTLED_FIELDS[SeriesRef])),
    "season_number": _COUNT,
    "episode_number": _COUNT,
    "credits": _settled_list(_settled_model(Credit, SETTLED_FIELDS[Credit]), NAMES_MAX),
    "people": _or_none(_settled_names),
    "shows": _or_none(_settled_names),
}
_SETTLE_LISTING = _settled_model(Listing, SETTLED_FIELDS[Listing])


def settled_listing(data: object) -> Listing | None:
    """The listing `Listing.model_validate(data)` would give, built without validating,
    when every value of `data` is provably in the model's form already; else None (then
    validate it: the model repairs or refuses it in its own words)."""
    listing = _SETTLE_LISTING(data)
    return None if listing is _UNSETTLED else listing


# A listing's parts, to cross a pipe between processes (loaders/bulk_read.py): pickling a
# pydantic model runs Python code for each one (a listing and each of its credits) on
# both sides; its parts (each model's values and which fields were given) pickle as
# plain data, and are put together again by the constructors of the settled listings.
_NESTED_MODELS: dict[str, type[BaseModel]] = {
    "credits": Credit,
    "identified_companies": CompanyRef,
    "episode_of": SeriesRef,
}
_CONSTRUCTORS = {model: _constructor(model) for model in SETTLED_FIELDS}
ModelParts = tuple[dict[str, Any], set[str]]


def _parts(model: BaseModel) -> ModelParts:
    return dict(model.__dict__), set(model.__pydantic_fields_set__)


def listing_parts(listing: Listing) -> ModelParts:
    """A listing as plain values, to be pickled (until then they share its lists);
    `listing_from_parts` makes it again."""
    values = dict(listing.__dict__)
    values["credits"] = [_parts(credit) for credit in listing.credits]
    values["identified_companies"] = [_parts(company) for company in listing.identified_companies]
    if listing.episode_of is not None:
        values["episode_of"] = _parts(listing.episode_of)
    return values, set(listing.__pydantic_fields_set__)


def listing_from_parts(parts: ModelParts) -> Listing:
    """The listing `listing_parts` took apart (a trusted one: nothing is validated)."""
    values, given = parts
    for name, model in _NESTED_MODELS.items():
        value = values[name]
        if isinstance(value, list):
            values[name] = [_CONSTRUCTORS[model](*item) for item in value]
        elif value is not None:
            values[name] = _CONSTRUCTORS[model](*value)
    return cast(Listing, _CONSTRUCTORS[Listing](values, given))


class SourceRef(BaseModel):
    """Where a record came from: provenance for every node and edge it asserts."""

    source_id: str = Field(
        description="Stable id of the listing (loaders/identity.py): "
        "its `own_id`, `url:<source_url>`, "
        "`file:<absolute path>#<record>`, "
        "`source:<name>#<record>` or `content:<hash>`; a page, "
        "one listing a file, has no `#<record>`."
    )
    file: str
    line: int | None = Field(default=None, description="Line where the record starts.")
    record: int | None = Field(default=None, description="Record number, from 1.")
    own_id: str | None = Field(
        default=None,
        description="The record's own identifier at its source, "
        "`<scheme>:<value>` (`tmdb:movie/603`), set by the parser "
        "of a source that identifies its records: the listing's "
        "id wherever the record is copied (loaders/identity.py).",
    )


class ParsedRecord(BaseModel):
    """A parser's verdict on one record: a listing, or the plain reason it was rejected."""

    ref: SourceRef
    listing: Listing | None = None
    error: str | None = None
    warnings: list[str] = Field(default_factory=list)

    @model_validator(mode="after")
    def _listing_or_reason(self) -> ParsedRecord:
        if (self.listing is None) == (not (self.error or "").strip()):
            raise ValueError(
                "a parsed record holds either a listing or the reason it was "
                "rejected, not both and not neither"
            )
        return self

    @property
    def valid_listing(self) -> Listing:
        """The listing of a record that was not rejected (asking a rejected one is a bug)."""
        if self.listing is None:
            raise ValueError(f"{self.ref.file}: a rejected record has no listing ({self.error})")
        return self.listing

    def located(self, warning: str) -> str:
        """A warning about this record, prefixed with its file and line (once)."""
        if warning.startswith(self.ref.file):
            return warning
        where = self.ref.file if self.ref.line is None else f"{self.ref.file} line {self.ref.line}"
        return f"{where}: {warning}"


def unencodable(value: object, where: str = "") -> str | None:
    """Where a value (text, or lists and objects of it, keys included) holds a lone
    surrogate, in words a user can act on; None when all of it can be encoded. The words
    are made only for a value that holds one."""
    return _located_surrogate(value, where) if _holds_surrogate(value) else None


def _holds_surrogate(value: object) -> bool:
    """Whether a value holds a lone surrogate, building no words: every record pays for
    this check (ASCII text, most of it, cannot hold one). Text inside lists and objects
    is checked in place: a call per string was most of its time."""
    if isinstance(value, str):
        return not value.isascii() and _SURROGATE.search(value) is not None
    if isinstance(value, dict):
        for key, item in value.items():
            if isinstance(key, str):
                if not key.isascii() and _SURROGATE.search(key):
                    return True
            elif _holds_surrogate(str(key)):
                return True
            if isinstance(item, str):
                if not item.isascii() and _SURROGATE.search(item):
                    return True
            elif item is not None and _holds_surrogate(item):
                return True
        return False
    if isinstance(value, list):
        for item in value:
            if isinstance(item, str):
                if not item.isascii() and _SURROGATE.search(item):
                    return True
            elif item is not None and _holds_surrogate(item):
                return True
    return False


def _located_surrogate(value: object, where: str = "") -> str | None:
    if isinstance(value, str):
        found = _SURROGATE.search(value)
        if found:
            return (
                f"{where or 'the text'} holds a lone surrogate ({ascii(found.group())[1:-1]}, "
                f"character {found.start() + 1}), which is not valid Unicode text: the "
                "source was written with a broken encoding; fix that character and load "
                "it again"
            )
        return None
    if isinstance(value, dict):
        for key, item in value.items():
            name = key if isinstance(key, str) else str(key)
            inner = f"{where} field '{name}'" if where else f"'{name}'"
            problem = _located_surrogate(
                name, f"the field name '{ascii(name)[1:-1]}'"
            ) or _located_surrogate(item, inner)
            if problem:
                return problem
        return None
    if isinstance(value, list):
        for position, item in enumerate(value, 1):
            problem = _located_surrogate(
                item, f"{where} item {position}" if where else f"item {position}"
            )
            if problem:
                return problem
    return None


def _kind(value: object) -> str:
    """A value's type in the words of a JSON or CSV author."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true/false"
    if isinstance(value, (int, float)):
        return f"a number ({value})"
    if isinstance(value, str):
        return f"text ('{value[:40]}')" if value else "empty text"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "an object"
    return type(value).__name__


def _describe(error: Mapping[str, Any]) -> str:
    kind, context = error.get("type", ""), error.get("ctx") or {}
    value: Any = error.get("input")  # pydantic types it Any: whatever was given
    if kind == "missing":
        return "is required"
    if kind == "extra_forbidden":
        return "is not a listing field"
    if kind == "list_type":
        return f"must be a list of names, got {_kind(value)}"
    if kind == "string_type":
        return f"must be text, got {_kind(value)}"
    if kind in ("string_too_short", "too_short"):
        return "must not be blank"
    if kind == "string_too_long":
        return (
            f"is {len(value):,} characters long; at most {context.get('max_length'):,} are allowed"
        )
    if kind == "too_long":
        return (
            f"holds {context.get('actual_length', len(value)):,} items; at most "
            f"{context.get('max_length'):,} are allowed"
        )
    if kind in ("int_type", "int_parsing", "int_from_float"):
        return f"must be a whole number, got {_kind(value)}"
    if kind in ("greater_than_equal", "less_than_equal"):
        field = next(
            (str(part) for part in reversed(error.get("loc", ())) if not isinstance(part, int)), ""
        )
        if field in ("birth_year", "death_year"):
            return f"must be between {PERSON_YEAR_MIN} and {YEAR_MAX}, got {value}"
        if field.endswith("year"):
            return f"must be between {YEAR_MIN} and {YEAR_MAX}, got {value}"
        if kind == "greater_than_equal":
            return f"must be at least {context.get('ge')}, got {value}"
        return f"must be at most {context.get('le')}, got {value}"
    if kind == "dict_type":
        return f"must be an object of field names and values, got {_kind(value)}"
    if kind == "extra_value":
        return "must be text, a number, true/false or a list of text"
    return str(error.get("msg", "is not valid")).removeprefix("Value error, ")


def explain(exc: Exception) -> str:
    """A pydantic ValidationError in plain English: "'cast' name 2 is empty"."""
    if not isinstance(exc, ValidationError):
        return str(exc)
    parts: list[str] = []
    reported: set[tuple] = set()
    errors = exc.errors()
    # A value over a limit fails every member of a union; the length is the reason to give.
    too_long = {
        tuple(e.get("loc", ())[:2]): e
        for e in errors
        if e.get("type") in ("string_too_long", "too_long")
    }
    for error in errors:
        described: Mapping[str, Any] = error
        location = error.get("loc", ())
        field = str(location[0]) if location else "listing"
        where = f"'{field}'"
        if not location:
            where = ""  # the listing as a whole: the message says where
        elif field == "extra" and len(location) == 1 and error.get("type") == "value_error":
            where = ""  # the message names the fields itself
        elif field == "extra" and len(location) > 1:
            where, location = f"extra field '{location[1]}'", location[:2]
            described = too_long.get(tuple(location), {"type": "extra_value"})
        elif len(location) > 1 and isinstance(location[1], int):
            where += f" item {location[1] + 1}"
        if location[:2] in reported:
            continue  # a union reports every member it tried; one reason is enough
        reported.add(location[:2])
        parts.append(f"{where} {_describe(described)}".strip())
    return "; ".join(parts)
