"""What a preview's dry run promised, and whether a later run of the same inputs keeps it.

A confirmation is refused when the store would no longer take the preview's
listings the way it showed them: a listing's fate (create, update, leave), its
show or its number of credits, the counts, which node each name joins (or that it
is new), or the warnings (a near-miss that appeared or went). Writes elsewhere do
not matter.
"""

from __future__ import annotations

from screengraph.loaders.pipeline import LoadSummary


def promised(summary: LoadSummary) -> dict:
    """JSON-ready, kept in the preview's manifest."""
    return {
        "counts": [
            summary.loaded,
            summary.updated,
            summary.unchanged,
            summary.rejected,
            summary.credits,
        ],
        "listings": [
            [item["source_id"], item["title"], item["status"], item.get("show"), item["credits"]]
            for item in summary.listings
        ],
        "names": [
            [item["label"], item["name"], item["outcome"], item["key"]]
            for item in (summary.matching or {}).get("names", [])
        ],
        "warnings": sorted(summary.warnings),
    }


def broken_promise(previewed: dict, now: dict) -> str | None:
    """Why confirming would not do what the preview said; None when it would."""
    before = {item[0]: item for item in previewed["listings"]}
    for item in now["listings"]:
        old = before.pop(item[0], None)
        if old is None:
            return f"{item[1]!r} was not in the preview"
        if old[2] != item[2]:
            return f"{item[1]!r} was previewed as '{old[2]}' and would now be '{item[2]}'"
        if old[3:] != item[3:]:
            return (
                f"{item[1]!r} would now be written differently (show {item[3]}, "
                f"{item[4]} credits; the preview said show {old[3]}, {old[4]} credits)"
            )
    if before:
        return f"{next(iter(before.values()))[1]!r} is no longer part of what would load"
    if previewed["counts"] != now["counts"]:
        return "the numbers of listings to create, update, leave or reject changed"
    if "names" in previewed:  # previews stored before names were part of the promise
        names = {tuple(item[:2]): item for item in previewed["names"]}
        for item in now["names"]:
            old = names.get(tuple(item[:2]))
            if old is not None and old != item:
                was = "new" if old[2] == "new" else f"joining {old[3]}"
                return (
                    f"{item[0]} {item[1]!r} was previewed as {was} and would now be "
                    f"{'new' if item[2] == 'new' else 'joining ' + item[3]}"
                )
        if set(previewed["warnings"]) != set(now["warnings"]):
            return (
                "the warnings changed ("
                + "; ".join(sorted(set(now["warnings"]) ^ set(previewed["warnings"]))[:2])
                + ")"
            )
    return None
