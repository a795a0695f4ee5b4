"""Parameters that name an entity (`Param.entity`): what a user types, a name, `Label:key`
or an identifier as well as a key, becomes the key the question's Cypher matches on.

The surfaces that take a user's values (the web's canned-query forms, `screengraph
query`) call this before running the question; the catalogue's own callers pass keys.
An exact key is taken as it is; anything else is resolved as the CLI's commands resolve
their arguments (queries/search.py `resolve_entity`), so an ambiguous or unknown name
fails with its candidates or suggestions, the parameter named. A parameter that takes an
entity of any label (ANY_ENTITY: a connection's ends) becomes `Label:key`.
"""

from __future__ import annotations

from typing import Any

from screengraph.graph.backend import Backend
from screengraph.queries.catalogue import ANY_ENTITY, Question
from screengraph.queries.errors import AmbiguousEntity, UnknownEntity
from screengraph.queries.explore import exists
from screengraph.queries.search import resolve_entity


class EntityParameterError(Exception):
    """A parameter's text names no single entity: `cause` (AmbiguousEntity or UnknownEntity)
    holds the candidates or suggestions."""

    def __init__(self, parameter: str, label: str, cause: AmbiguousEntity | UnknownEntity):
        self.parameter, self.label, self.cause = parameter, label, cause
        super().__init__(f"'{parameter}' ({label.lower()}): {cause}")

    @property
    def choices(self) -> list[dict]:
        if isinstance(self.cause, AmbiguousEntity):
            return self.cause.candidates
        return self.cause.suggestions


def resolve_entity_params(
    backend: Backend, question: Question, bound: dict[str, Any]
) -> dict[str, Any]:
    """`bound` with each entity parameter's text replaced by the key it names (by
    `Label:key` where any label will do)."""
    resolved = dict(bound)
    for param in question.parameters:
        text = bound.get(param.name)
        if not param.entity or not isinstance(text, str) or not text.strip():
            continue
        label = None if param.entity == ANY_ENTITY else param.entity
        if label is not None and exists(backend, label, text):
            continue
        try:
            found = resolve_entity(backend, text, label)
        except (AmbiguousEntity, UnknownEntity) as exc:
            raise EntityParameterError(param.name, param.entity, exc) from None
        resolved[param.name] = found["key"] if label else f"{found['label']}:{found['key']}"
    return resolved
