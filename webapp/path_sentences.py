"""A connection path read aloud: each step in the direction of its relationship.

"Léa Drucker acted in The Bureau, directed by Eric Rochant": the second step walks a
DIRECTED edge backwards (Eric Rochant directed The Bureau), so it reads in the passive.
A sentence is a list of parts, each {"text"} or {"entity"} (a path node), so templates
link the names and never build HTML from text.
"""

from __future__ import annotations

from typing import NamedTuple

from screengraph.graph.schema import RELATIONSHIPS, RelType


class Wording(NamedTuple):
    forward: str  # the edge's start is the subject: "Eric Rochant directed The Bureau"
    forward_chain: str  # the same, continuing a sentence: "…, who directed The Bureau"
    backward: str  # the edge's end is the subject: "The Bureau was directed by Eric Rochant"
    backward_chain: str  # "…, directed by Eric Rochant"


WORDING: dict[RelType, Wording] = {
    RelType.DIRECTED: Wording("directed", "who directed", "was directed by", "directed by"),
    RelType.WROTE: Wording("wrote", "who wrote", "was written by", "written by"),
    RelType.PRODUCED: Wording("produced", "who produced", "was produced by", "produced by"),
    RelType.ACTED_IN: Wording("acted in", "who acted in", "stars", "starring"),
    RelType.WORKED_ON: Wording("worked on", "who worked on", "had on its crew", "with"),
    RelType.MADE_BY: Wording("was made by", "made by", "made", "which made"),
    RelType.IN_GENRE: Wording("is in the genre", "in the genre", "includes", "which includes"),
    RelType.EPISODE_OF: Wording(
        "is an episode of", "an episode of", "has the episode", "which has the episode"
    ),
}


def _forward(rel: dict, before: dict) -> bool:
    """Whether the path walks this relationship from its start (keys are unique per label)."""
    start_label = RELATIONSHIPS[RelType(rel["type"])][0].value
    return rel["start"] == before["key"] and before["label"] == start_label


def _role(rel: dict) -> list[dict]:
    return [{"text": f" (as {rel['role']})"}] if rel.get("role") else []


def step_sentences(path: list[dict]) -> list[list[dict]]:
    """One sentence per step: `[entity, verb, entity, (role)]`."""
    sentences: list[list[dict]] = []
    for index in range(1, len(path), 2):
        before, rel, after = path[index - 1], path[index], path[index + 1]
        wording = WORDING[RelType(rel["type"])]
        verb = wording.forward if _forward(rel, before) else wording.backward
        sentence: list[dict] = [{"entity": before}, {"text": f" {verb} "}, {"entity": after}]
        sentences.append(sentence + _role(rel))
    return sentences


def path_sentence(path: list[dict]) -> list[dict]:
    """The whole path as one sentence: the first step, then each next step as a clause."""
    parts: list[dict] = []
    for index in range(1, len(path), 2):
        before, rel, after = path[index - 1], path[index], path[index + 1]
        wording = WORDING[RelType(rel["type"])]
        forward = _forward(rel, before)
        if index == 1:
            parts += [
                {"entity": before},
                {"text": f" {wording.forward if forward else wording.backward} "},
            ]
        else:
            parts.append(
                {"text": f", {wording.forward_chain if forward else wording.backward_chain} "}
            )
        parts += [{"entity": after}, *_role(rel)]
    return parts


def plain_text(parts: list[dict]) -> str:
    """A sentence as plain text (titles, tests)."""
    return "".join(
        part.get("text") or part["entity"].get("display") or part["entity"]["name"]
        for part in parts
    )
