"""Explore: the home page, search, and a page for every show, person, company and genre."""

from __future__ import annotations

import json
from dataclasses import replace
from typing import NoReturn
from urllib.parse import urlencode

from flask import Blueprint, abort, jsonify, redirect, request, url_for

from screengraph.graph.identifiers import IDENTIFIED_LABELS, SCHEMES, try_identifier
from screengraph.graph.schema import NAME_KEY, Label
from screengraph.queries import explore
from screengraph.queries.catalogue import catalogue
from screengraph.queries.errors import (
    AmbiguousEntity,
    QueryParameterError,
    UnknownEntity,
    UnknownIdentifier,
)
from screengraph.queries.lists import SORT_WORDS
from screengraph.queries.namesakes import distinguish_one
from screengraph.queries.provenance import merged_into
from screengraph.queries.search import (
    SEARCH_LABELS,
    SearchPage,
    find_identified,
    identifier_in,
    resolve_entity,
    search_page,
)
from screengraph.webapp import limits
from screengraph.webapp.errors import ApiError
from screengraph.webapp.graphview import neighbourhood_view
from screengraph.webapp.inputs import question_values
from screengraph.webapp.links import entity_url
from screengraph.webapp.page_cache import cached
from screengraph.webapp.store import get_backend
from screengraph.webapp.twins import page

bp = Blueprint("explore", __name__)

LABEL_BY_SLUG = {label.value.lower(): label.value for label in Label}


@page(bp, "/", "home.html", json_rule="/index.json", cached=True)
def home():
    stats = explore.statistics(get_backend(), limit=8)
    figures = {
        "shows": stats["labels"]["Show"],
        "people": stats["labels"]["Person"],
        "companies": stats["labels"]["Company"],
        "genres": stats["labels"]["Genre"],
        "credits": stats["credits"],
    }
    return {
        "figures": figures,
        "top_people": stats["top_people"],
        "largest_companies": stats["largest_companies"],
    }


@bp.route("/favicon.ico")
def favicon():
    """Clients that ask the site root for its icon (pages link the SVG itself)."""
    return redirect(url_for("static", filename="dist/favicon.svg"), 301)


_KIND_WORDS = {"Show": "shows", "Person": "people", "Company": "companies", "Genre": "genres"}

# The routes that ask a catalogue question, each field as the route names it.
SEARCH_FIELDS = {"text": "q"}
# The neighbourhood's parameters a page's graph.json and downloads take from the query
# string (its label and key are in the path).
NEIGHBOURHOOD_FIELDS = ("depth", "limit")


@page(bp, "/search", "search.html", cached=True)
def search():
    asked = catalogue().get("search")
    values = question_values(asked, SEARCH_FIELDS, complete=False)
    q = values.get("text", "").strip()
    labels, limit, offset = values["label"], values["limit"], values["offset"]
    found = (
        search_page(get_backend(), q, labels or SEARCH_LABELS, offset=offset, limit=limit)
        if q
        else SearchPage()
    )
    last = min(found.total, asked.param("offset").high + 1)
    pages = {
        name: url_for("explore.search", **{**request.args, "offset": start})
        for name, start in (
            ("previous", max(offset - limit, 0) if offset else None),
            ("next", offset + limit if offset + limit < last else None),
        )
        if start is not None
    }
    label = labels[0] if len(labels) == 1 else None
    kinds = [
        {
            "title": "every kind" if kind is None else _KIND_WORDS[kind],
            "url": url_for(
                "explore.search",
                **{k: v for k, v in request.args.items() if k not in ("label", "offset")},
                **({"label": kind} if kind else {}),
            ),
            "current": kind == label,
        }
        for kind in (None, *SEARCH_LABELS)
    ]
    return {
        "q": q,
        "label": label,
        "kinds": kinds,
        "results": found.results,
        "total": found.total,
        "offset": offset,
        "limit": limit,
        "broadened": found.broadened,
        "pages": pages,
    }


def _credit_note(credit: dict, group_word: str, *, year: bool = False) -> str | None:
    """What a page says beside a credit: the year (person pages), in how many episodes
    (a credit on a series), the characters played, the source's job and category (when they add to the section's
    own word)."""
    parts = []
    if year and credit.get("year"):
        parts.append(str(credit["year"]))
    if credit.get("episodes"):
        parts.append(f"{credit['episodes']} episode{'s' if credit['episodes'] != 1 else ''}")
    if credit.get("characters"):
        parts.append("as " + " / ".join(credit["characters"]))
    for word in (credit.get("job"), credit.get("category")):
        if word and word.lower() != group_word.lower() and word not in parts:
            parts.append(word)
    return " · ".join(parts) or None


def _episode_code(numbers: dict) -> str:
    """`, S2E3` for an episode with its season and episode numbers, `` without them."""
    season, episode = numbers.get("season"), numbers.get("episode")
    if season is None and episode is None:
        return ""
    return f", S{season if season is not None else '?'}E{episode if episode is not None else '?'}"


def _episode_sections(detail: dict) -> list[dict]:
    """A series' episodes, one section per season, in episode order."""
    episodes = detail["episodes"]
    sections = []
    cut = (
        f" (the first {episodes['shown']:,} of {episodes['total']:,})"
        if episodes["truncated"]
        else ""
    )
    for season in episodes["seasons"]:
        title = (
            f"Season {season['season']} episodes"
            if season["season"] is not None
            else "Other episodes"
        )
        sections.append(
            {
                "title": title + cut,
                "items": [
                    {
                        **e,
                        "note": " · ".join(
                            str(x)
                            for x in (
                                f"episode {e['episode']}" if e["episode"] is not None else None,
                                e["year"],
                            )
                            if x
                        )
                        or None,
                    }
                    for e in season["episodes"]
                ],
            }
        )
    return sections


def _sections(detail: dict) -> list[dict]:
    label = detail["label"]
    sections: list[dict] = []
    if label == "Show":
        props = detail["properties"]
        for series in detail["series"]:
            sections.append(
                {
                    "title": "Episode of",
                    "items": [{**series, "note": _episode_code(series).lstrip(", ") or None}],
                }
            )
        for group in detail["credits"]:
            word = explore.ROLE_NOUNS.get(group["role"], group["role"])
            sections.append(
                {
                    "title": group["title"],
                    "items": [
                        {**person, "note": _credit_note(person, word)} for person in group["people"]
                    ],
                }
            )
        sections.append({"title": "Made by", "items": detail["companies"]})
        sections.append({"title": "Genres", "items": detail["genres"]})
        if detail["seasons"]:
            is_series = props.get("season") is None
            shown = (
                [s for s in detail["seasons"] if s["season"] is not None]
                if is_series
                else detail["seasons"]
            )
            if shown:
                sections.append(
                    {
                        "title": "Seasons" if is_series else "Other seasons",
                        "items": [
                            {**s, "note": f"season {s['season']}" if s["season"] else None}
                            for s in shown
                        ],
                    }
                )
        sections += _episode_sections(detail)
        related = detail["related"]
        sections.append(
            {
                "title": "Related shows",
                "empty": "No related shows yet.",
                "items": [
                    {
                        "label": "Show",
                        "key": r["key"],
                        "name": r["name"],
                        "display": r["display"],
                        "note": r["explanation"],
                    }
                    for r in related
                ],
            }
        )
    elif label == "Person":
        counted = {g["role"]: g["count"] for g in detail["credit_groups"]}
        for group in detail["credits"]:
            sections.append(
                {
                    "title": group["role"].capitalize(),
                    "listed": True,
                    "count": counted.get(group["role"], len(group["shows"])),
                    "count_url": _list_url(**FROM_THE_START, role=group["role"]),
                    "items": [
                        {**s, "note": _credit_note(s, group["role"], year=True)}
                        for s in group["shows"]
                    ],
                }
            )
        people = detail["collaborators"]
        sections.append(
            {
                "title": "Worked with",
                "empty": "Nobody yet.",
                "note": detail["counted_note"],
                "items": [
                    {
                        "label": "Person",
                        "key": p["key"],
                        "name": p["name"],
                        "display": p["display"],
                        "note": "; ".join(
                            f"{'/'.join(s['their_roles'])} on {s['name']}" for s in p["shows"][:3]
                        )
                        + (f" (+{p['count'] - 3} more)" if p["count"] > 3 else ""),
                    }
                    for p in people
                ],
            }
        )
        suggestions = detail["suggested_collaborators"]
        sections.append(
            {
                "title": "Might work with",
                "empty": "No suggestions yet.",
                "note": detail["counted_note"],
                "items": [
                    {
                        "label": "Person",
                        "key": s["key"],
                        "name": s["name"],
                        "display": s["display"],
                        "note": s["explanation"],
                    }
                    for s in suggestions
                ],
            }
        )
    else:
        sections.append(
            {
                "title": "Shows",
                "listed": True,
                "items": [{**s, "note": _show_note(s)} for s in detail["shows"]],
            }
        )
    return sections


def _show_note(show: dict) -> str | None:
    """Beside a show in a list: an episode's series, season and number, and the year."""
    series = show.get("series")
    parts = (
        f"episode of {series['title']}{_episode_code(series)}" if series else None,
        show.get("year"),
    )
    return " · ".join(str(p) for p in parts if p) or None


# The question whose parameters page each kind of entity's long list (queries/lists.py).
LIST_QUESTIONS = {"Person": "filmography", "Company": "company", "Genre": "genre"}
LIST_NOUNS = {"Person": "credits", "Company": "shows", "Genre": "shows"}


def list_paging(label: str) -> dict:
    """The list parameters of the request (sort, filters, offset, limit), checked by the
    list's own question in the catalogue; {} for a page without a long list."""
    name = LIST_QUESTIONS.get(label)
    if name is None:
        return {}
    values = question_values(catalogue().get(name), complete=False)
    values.pop("key", None)  # the page's address names the entity
    return values


# A list's paging parameters, dropped wherever a link starts the list again (another
# sort, role or filter: a position belongs to one order and one set of filters).
FROM_THE_START: dict[str, str | None] = {
    "offset": None,
    "after": None,
    "before": None,
    "last": None,
}


def _list_url(**changes) -> str:
    """This page's address with some list parameters changed (None drops one): the
    pager's, the sort's and the filters' links keep every other parameter."""
    args = {k: v for k, v in request.args.items() if k not in changes}
    args.update({k: v for k, v in changes.items() if v not in (None, "")})
    return request.path + ("?" + urlencode(args) if args else "")


def _list_controls(label: str, detail: dict) -> dict:
    """What a long list's page shows about it: "1–50 of 790", the pager's links, the
    sorts, the filters as given, and the address without them. "Next" and "previous"
    carry the position of the row they start after or end before (queries/keyset.py),
    with the offset that numbers their page; "last" reads the list backwards."""
    listed = detail["list"]
    offset, limit, shown = listed["offset"], listed["limit"], listed["shown"]
    question = catalogue().get(LIST_QUESTIONS[label])
    pages = {}
    if offset:
        pages["first"] = _list_url(**FROM_THE_START)
        back = {"offset": offset - limit if offset > limit else None}
        if offset > limit and listed["previous"]:
            back["before"] = listed["previous"]
        pages["previous"] = _list_url(**{**FROM_THE_START, **back})
    if listed["next"]:
        pages["next"] = _list_url(
            **{**FROM_THE_START, "after": listed["next"], "offset": offset + shown}
        )
        pages["last"] = _list_url(**{**FROM_THE_START, "last": "1"})
    return {
        **listed,
        "noun": LIST_NOUNS[label],
        "first": offset + 1 if shown else offset,
        "last": offset + shown,
        "pages": pages,
        "sorts": [
            {
                "value": value,
                "title": SORT_WORDS[value],
                "url": _list_url(**FROM_THE_START, sort=value),
                "current": value == listed["sort"],
            }
            for value in question.param("sort").choices
        ],
        "groups": [
            {**g, "url": _list_url(**FROM_THE_START, role=g["role"])}
            for g in detail.get("credit_groups", [])
        ],
        "clear_url": _list_url(
            **FROM_THE_START, year_from=None, year_to=None, title=None, role=None
        ),
    }


# Properties the page shows in its own words (heading, subtitle, facts), or never.
_SHOWN_ELSEWHERE = {
    "key",
    "votes",
    "asserted_by",
    "search_text",
    "title",
    "name",
    "title_key",
    "series_key",
    "series",
    "season",
    "synopsis",
    "year",
    "ids",
    NAME_KEY,
    "birth_year",
    "death_year",
    "professions",
    "known_for",
    "kind",
    "end_year",
    "runtime_minutes",
    "original_title",
    "alternate_titles",
    "season_number",
    "episode_number",
    *(scheme.property for scheme in SCHEMES.values()),
}


def _years(start, end) -> str | None:
    """`2005–2020`; `2011` for a series that ended the year it began."""
    if start and end:
        return f"{start}–{end}" if start != end else str(start)
    return str(start) if start else (f"until {end}" if end else None)


def _subtitle(label: str, props: dict, detail: dict) -> str:
    if label == "Person":
        born, died = props.get("birth_year"), props.get("death_year")
        years = (
            f"{born}–{died}"
            if born and died
            else f"born {born}"
            if born
            else f"died {died}"
            if died
            else None
        )
        professions = ", ".join(p.replace("_", " ") for p in props.get("professions") or [])
        parts: tuple[object, ...] = (years, professions or None)
    elif label == "Show":
        runtime = props.get("runtime_minutes")
        series = detail["series"][0] if detail.get("series") else None
        parts = (
            _years(props.get("year"), props.get("end_year")),
            props.get("kind"),
            f"{runtime} min" if runtime else None,
            props.get("country"),
            f"season {props['season']} of {props['series']}" if props.get("season") else None,
            f"episode of {series['name']}{_episode_code(series)}" if series else None,
        )
    else:
        parts = (props.get("year"), props.get("country"))
    return " · ".join(str(x) for x in parts if x)


def _facts(label: str, props: dict) -> list[dict]:
    """The facts the subtitle leaves out: each {"name", "items": [{"text", "url"}]} (url
    None: plain text). Identifiers link to their source."""
    facts = []
    identifiers = []
    for text in props.get("ids") or []:
        identifier = try_identifier(text, label) if Label(label) in IDENTIFIED_LABELS else None
        identifiers.append(
            {
                "text": text,
                "url": identifier.url() if identifier else None,
                "scheme": SCHEMES[identifier.scheme].title if identifier else None,
            }
        )
    if identifiers:
        facts.append({"name": "Identifiers", "items": identifiers})
    if label == "Show":
        if props.get("original_title") and props["original_title"] != props.get("title"):
            facts.append(
                {
                    "name": "Original title",
                    "items": [{"text": props["original_title"], "url": None}],
                }
            )
        if props.get("alternate_titles"):
            facts.append(
                {
                    "name": "Also known as",
                    "items": [{"text": t, "url": None} for t in props["alternate_titles"]],
                }
            )
    return facts


def _known_for(detail: dict) -> dict | None:
    """A person page's summary at its top: their best-known shows and how they were chosen."""
    if not detail.get("known_for"):
        return None
    return {
        "rule": detail["known_for_rule"],
        "items": [
            {
                **k,
                "name": k["name"] or k["id"],
                "note": (str(k["year"]) if k["year"] else None) if k["key"] else "not in the graph",
            }
            for k in detail["known_for"]
        ],
    }


def _page_title(label: str, props: dict, detail: dict) -> str:
    """The browser's title for the page: `The Bureau (2015)`, `David Smith (b. 1962)`,
    `Drama (genre)`."""
    display = detail.get("display") or detail["name"] or detail["key"]
    if label == "Show":
        year = props.get("year")
        return f"{display} ({year})" if year and f"({year}" not in display else display
    if label == "Person":
        return display
    return f"{display} ({label.lower()})"


_COUNT_WORDS = {
    "credits": "credit",
    "people": "person",
    "shows": "show",
    "companies": "company",
    "genres": "genre",
    "seasons": "season",
    "episodes": "episode",
}


def _infobox(label: str, props: dict, detail: dict) -> list[dict]:
    """The box at the top of a page, compact: kind, years, the series or season it belongs
    to (linked), identifiers and other names, then its counts. Rows as _facts gives them."""

    def row(name: str, *items: tuple[str, str | None]) -> dict:
        return {"name": name, "items": [{"text": t, "url": u} for t, u in items]}

    rows = [row("Kind", (str(props.get("kind") or label.lower()).replace("_", " "), None))]
    if label == "Show":
        years = _years(props.get("year"), props.get("end_year"))
        if years:
            rows.append(row("Years" if props.get("end_year") else "Year", (years, None)))
        for series in detail.get("series", []):
            rows.append(
                row(
                    "Episode of",
                    (
                        f"{series['display']}{_episode_code(series)}",
                        entity_url("Show", series["key"]),
                    ),
                )
            )
        if props.get("season") is not None:
            whole: list[tuple[str, str | None]] = [
                (s["display"], entity_url("Show", s["key"]))
                for s in detail.get("seasons", [])
                if s["season"] is None
            ]
            rows.append(row("Season of", *(whole or [(str(props.get("series")), None)])))
    elif label == "Person":
        born, died = props.get("birth_year"), props.get("death_year")
        if born or died:
            years = (
                f"{born}–{died}" if born and died else f"born {born}" if born else f"died {died}"
            )
            rows.append(row("Years", (years, None)))
    rows += _facts(label, props)
    counts = [
        (f"{n:,} {word if n == 1 else name}", None)
        for name, word in _COUNT_WORDS.items()
        if (n := detail.get("counts", {}).get(name))
    ]
    if counts:
        rows.append(row("Counts", *counts))
    return rows


def _source(listing: dict) -> dict:
    """A listing behind a page, linked: to the source's own page when its key is a source's
    identifier (IMDb, TMDB), else to the provenance query that shows its record."""
    identifier = try_identifier(listing["source"], Label.SHOW)
    url = (
        identifier.url()
        if identifier is not None
        else url_for("console.canned", name="provenance", keys=json.dumps([listing["source"]]))
    )
    return {**listing, "url": url, "external": identifier is not None}


def _page_key(backend, label: str, text: str) -> str:
    """The key of the entity a page address names: its key, or an identifier
    (`/person/imdb:nm0000229`, `/show/tt0082971`, `/person/tmdb:person/488`)."""
    if Label(label) not in IDENTIFIED_LABELS:
        return text
    found = find_identified(backend, text, [label])
    if found:
        return found[0]["key"]
    identifier = identifier_in(text, [label])
    if identifier is not None and not explore.exists(backend, label, text):
        raise UnknownIdentifier(identifier, [label])
    return text


def missing_entity(backend, label: str, text: str) -> NoReturn:
    """No entity has this key: redirect to the one it means in another case, after a
    maintainer's merge, or by its name (`/person/Eric-Rochant`, `/person/Eric Rochant`,
    `/show/the bureau`), else a 404 that offers the namesakes, the closest names and a
    search."""
    candidates: list[dict] = []
    words = " ".join(text.replace("-", " ").split())[: limits.TEXT_CHARS["q"]]
    if text.lower() != text and explore.exists(backend, label, text.lower()):
        _redirect_to(entity_url(label, text.lower()))
    survivor = merged_into(backend, label, text)
    if survivor is not None:
        _redirect_to(entity_url(label, survivor))
    if len(text) <= limits.TEXT_CHARS["q"]:  # what a search takes; longer is no name
        try:
            found = resolve_entity(backend, text, label)
        except AmbiguousEntity as exc:
            candidates = exc.candidates
        except UnknownEntity as exc:
            candidates = exc.suggestions
        except (QueryParameterError, UnknownIdentifier):
            candidates = search_page(backend, words, [label], limit=5).results
        else:
            _redirect_to(entity_url(found["label"], found["key"]))
    raise ApiError(
        404,
        "not_found",
        f"There is no {label.lower()} with the key {text!r}.",
        candidates=candidates,
        search_url=url_for("explore.search", q=words, label=label),
    )


def _redirect_to(url: str) -> NoReturn:
    """To the entity's own page, or its JSON twin when that was asked for."""
    abort(redirect(url + (".json" if request.path.endswith(".json") else ""), 302))


def entity_page(label: str, key: str) -> dict:
    backend = get_backend()
    key = _page_key(backend, label, key)
    detail = explore.DETAILS[label](backend, key, **list_paging(label))
    if detail is None:
        missing_entity(backend, label, key)
    sections = _sections(detail)
    props = detail["properties"]
    if "display" not in detail:  # the details of a show or person read it with the rest
        detail.update(distinguish_one(backend, label, key, detail["name"]))
    entity = {
        "label": label,
        "key": key,
        "name": detail["name"],
        "display": detail["display"],
        "detail": detail["detail"],
        "subtitle": _subtitle(label, props, detail),
        "synopsis": props.get("synopsis"),
        "facts": _facts(label, props),
        "infobox": _infobox(label, props, detail),
        "title": _page_title(label, props, detail),
        "connect_url": url_for(
            "connect.connect", **{"from": detail["name"], "from_key": f"{label}:{key}"}
        ),
        "properties": [
            (k, v if not isinstance(v, list) else ", ".join(map(str, v)))
            for k, v in sorted(props.items())
            if k not in _SHOWN_ELSEWHERE
        ],
    }
    graph_src = url_for(f"explore.{label.lower()}_graph", key=key)
    from screengraph.webapp.views_export import download_links  # it imports this module

    return {
        "entity": entity,
        "sections": sections,
        "provenance": [_source(p) for p in detail.get("provenance", [])],
        "provenance_note": detail.get("provenance_note"),
        "list": _list_controls(label, detail) if "list" in detail else None,
        "known_for": _known_for(detail),
        "graph_src": graph_src,
        "downloads": download_links(label, key),
        "detail": detail,
    }


def _register_entity_routes() -> None:
    # `path:` because a TMDB identifier holds a slash (`/person/tmdb:person/488`); keys
    # hold none, and the `.json` and `/graph.json` rules still win over the page's.
    for slug, label in LABEL_BY_SLUG.items():

        def view(key: str, label: str = label) -> dict:
            return entity_page(label, key)

        view.__name__ = f"{slug}_page"
        page(bp, f"/{slug}/<path:key>", "entity.html", cached=True)(view)

        def graph(key: str, label: str = label):
            return cached(lambda: neighbourhood_json(label, key), "json")

        graph.__name__ = f"{slug}_graph"
        bp.add_url_rule(f"/{slug}/<path:key>/graph.json", graph.__name__, graph)


def requested_neighbourhood(label: str, key: str) -> tuple[str, dict]:
    """The entity's key as resolved and its neighbourhood as the graph view draws it, with
    the request's depth and limit checked by the `neighbourhood` question's declaration;
    404 when there is no such entity. The graph view and the downloads read the same one."""
    asked = catalogue().get("neighbourhood")
    around = replace(
        asked, parameters=tuple(p for p in asked.parameters if p.name in NEIGHBOURHOOD_FIELDS)
    )
    values = question_values(around)
    backend = get_backend()
    key = _page_key(backend, label, key)
    data = explore.neighbourhood(backend, label, key, depth=values["depth"], limit=values["limit"])
    if not data["nodes"]:
        raise ApiError(404, "not_found", f"There is no {label.lower()} with the key {key!r}.")
    return key, neighbourhood_view(data)


def neighbourhood_json(label: str, key: str):
    return jsonify(requested_neighbourhood(label, key)[1])


_register_entity_routes()
