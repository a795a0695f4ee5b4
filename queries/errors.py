"""Errors of the query layer, worded for the person who typed the request."""

from __future__ import annotations

from screengraph.graph.errors import GraphError


class QueryParameterError(GraphError):
    """A canned query was given a parameter it does not take, or a value of the wrong type."""


class UnknownQuery(GraphError):
    """No canned query has that name."""


class UnknownEntity(GraphError):
    """Nothing in the graph matches the name; `suggestions` holds near matches (search results)."""

    def __init__(self, text: str, suggestions: list[dict]):
        self.text = text
        self.suggestions = suggestions
        if suggestions:
            hint = (
                " Did you mean: "
                + "; ".join(
                    f"{s.get('display') or s['name']} ({s['label']}:{s['key']})"
                    for s in suggestions[:5]
                )
                + "?"
            )
        else:
            hint = " Check the spelling, or search for part of the name."
        super().__init__(f"Nothing in the graph is called {text!r}.{hint}")


class UnknownIdentifier(UnknownEntity):
    """An identifier (`imdb:nm0000229`) that no entity in the graph has."""

    def __init__(self, identifier, labels):
        self.identifier = identifier
        self.text = str(identifier)
        self.suggestions = []
        kinds = " or ".join(str(label).lower() for label in labels)
        GraphError.__init__(
            self,
            f"No {kinds} in the graph has the identifier {identifier}. Load the "
            "catalogue that names it, or search by name.",
        )


class AmbiguousEntity(GraphError):
    """Several entities match the name; `candidates` lists them (label, key, name, year)."""

    def __init__(self, text: str, candidates: list[dict]):
        self.text = text
        self.candidates = candidates
        listed = "; ".join(
            f"{c.get('display') or c['name']}{' (' + str(c['year']) + ')' if c.get('year') else ''} "
            f"= {c['label']}:{c['key']}"
            for c in candidates
        )
        example = f"{candidates[0]['label']}:{candidates[0]['key']}" if candidates else "Label:key"
        super().__init__(
            f"{text!r} could mean several entities: {listed}. Name one by its key, e.g. {example}."
        )
