"""What each TMDB credit becomes: the one table, read by loaders/tmdb_format.py.

TMDB names a credit by the list it is in (`cast`, `crew`, `created_by`), a department and
a job (`Writing` / `Screenplay`); IMDb, and graph.schema.CREDIT_CATEGORIES after it, by a
category and a job (`writer` / `screenplay`). The table maps TMDB's words onto IMDb's
categories, so that the same credit given by either source becomes the same relationship
and role where the two overlap (the director, the writers, the producers, the cast).

A job with no row of its own is kept as its own category, in lower case
(`Sound Designer` -> `sound designer`, a WORKED_ON credit): never dropped.
"""

from __future__ import annotations

from dataclasses import dataclass

from screengraph.graph.schema import credit_category

ANY = "*"
CAST, CREATED_BY = "cast", "created_by"  # TMDB's lists, used as departments in the table
SELF = "Self"  # the job of a cast credit whose character is the person (see tmdb_format)


@dataclass(frozen=True)
class CreditRule:
    category: str  # graph.schema.CREDIT_CATEGORIES, or a category of its own
    keep_job: bool  # whether TMDB's job stays as the credit's job
    why: str


# (department, job) -> the credit it becomes; ANY matches every department or job. Looked
# up as (department, job), then (ANY, job), then (department, ANY): a job keeps its
# category whichever department TMDB files it under.
CREDIT_RULES: dict[tuple[str, str], CreditRule] = {
    (CAST, ANY): CreditRule(
        "actor",
        False,
        "TMDB's cast are the actors; IMDb's `actor` "
        "and `actress` are both ACTED_IN, and TMDB's cast does not say "
        "which, so `actor`",
    ),
    (CAST, SELF): CreditRule(
        "self",
        False,
        "a character `Self`, `Himself`, `Herself` or "
        "`Themselves` is the person appearing as themself: IMDb's `self`",
    ),
    (ANY, "Director"): CreditRule("director", False, "IMDb's `director` (its job is empty)"),
    (ANY, "Producer"): CreditRule("producer", False, "IMDb's `producer`"),
    (ANY, "Executive Producer"): CreditRule(
        "executive producer", False, "a PRODUCED credit with role `executive producer`"
    ),
    **{
        (ANY, job): CreditRule(
            "producer",
            True,
            "IMDb's `producer` with this job (IMDb "
            "files co-producers, line producers... under `producer`, and "
            "only `executive producer` as an executive producer)",
        )
        for job in (
            "Co-Producer",
            "Associate Producer",
            "Line Producer",
            "Co-Executive Producer",
            "Supervising Producer",
            "Consulting Producer",
        )
    },
    ("Writing", ANY): CreditRule(
        "writer",
        True,
        "every job of the Writing department "
        "(Screenplay, Writer, Story, Novel, Teleplay, Author, "
        "Characters...) is IMDb's `writer`, with the job kept as IMDb "
        "keeps `screenplay` or `novel`",
    ),
    (CREATED_BY, ANY): CreditRule(
        "writer",
        True,
        "a series' `created_by` are its creators: "
        "IMDb lists them as `writer` with the job `created by`, and "
        "TMDB as the Writing department's job `Creator`, the job "
        "they are given",
    ),
    (ANY, "Original Music Composer"): CreditRule("composer", False, "IMDb's `composer`"),
    (ANY, "Music"): CreditRule("composer", False, "IMDb's `composer`"),
    (ANY, "Director of Photography"): CreditRule(
        "cinematographer", False, "IMDb's `cinematographer`"
    ),
    (ANY, "Editor"): CreditRule("editor", False, "IMDb's `editor`"),
    (ANY, "Production Design"): CreditRule(
        "production designer", False, "IMDb's `production_designer`"
    ),
    (ANY, "Casting"): CreditRule("casting director", False, "IMDb's `casting_director`"),
}
CREATOR_JOB = "Creator"  # the job of a `created_by` credit (TMDB's word, Writing department)

_RULES = {
    (credit_category(department), credit_category(job)): rule
    for (department, job), rule in CREDIT_RULES.items()
}
_ANY = credit_category(ANY)


def credit_for(department: str, job: str) -> tuple[str, str | None]:
    """The category and job of a TMDB credit (`department` is `cast` or `created_by` for
    those lists)."""
    dept, name = credit_category(department), credit_category(job)
    rule = _RULES.get((dept, name)) or _RULES.get((_ANY, name)) or _RULES.get((dept, _ANY))
    if rule is None:
        return name, None  # its own category: the job says it all
    return rule.category, (job if rule.keep_job else None)


# TMDB's `known_for_department` as a profession in IMDb's words (`primaryProfession`), so
# that namesakes are told apart the same way whichever source named them. A department
# with no row is kept in lower case (`Visual Effects` -> `visual effects`).
KNOWN_FOR: dict[str, str] = {
    "Acting": "actor",
    "Directing": "director",
    "Writing": "writer",
    "Production": "producer",
    "Editing": "editor",
    "Camera": "cinematographer",
    "Creator": "writer",
}


def profession_for(department: str) -> str:
    return KNOWN_FOR.get(department.strip(), credit_category(department))
