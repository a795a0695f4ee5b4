"""/openapi.json describes every machine-facing route the app serves: the JSON twins, the
downloads, the probes. A route added without its description fails here, so scripts
reading the document (and the hostile sweep that draws requests from it) never miss one."""

from __future__ import annotations

import re

from werkzeug.exceptions import HTTPException

_MACHINE = re.compile(r"\.json$|/export(\.|$)|^/healthz$|^/metrics$")


def _documented_path(rule: str) -> str:
    """Flask's `/show/<path:key>.json` as OpenAPI writes it: `/show/{key}.json`."""
    return re.sub(r"<(?:[a-z]+:)?([a-z_]+)>", r"{\1}", rule)


def test_every_machine_route_and_method_is_in_the_document(app, client):
    documented = client.get("/openapi.json").get_json()["paths"]
    missing = []
    for rule in app.url_map.iter_rules():
        if rule.rule == "/openapi.json" or not _MACHINE.search(rule.rule):
            continue
        path = _documented_path(rule.rule)
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            if method.lower() not in documented.get(path, {}):
                missing.append(f"{method} {path}")
    assert not missing, f"routes /openapi.json does not describe: {missing}"


def test_documented_paths_all_exist(app, client):
    """Each documented path is answered by a route (a question's `/queries/top_people.json`
    by `/queries/<name>.json`), for each documented method."""
    adapter = app.url_map.bind("localhost")
    unserved = []
    for path, operations in client.get("/openapi.json").get_json()["paths"].items():
        concrete = re.sub(r"\{[a-z_]+\}", "x", path)
        for method in operations:
            try:
                adapter.match(concrete, method=method.upper())
            except HTTPException:
                unserved.append(f"{method.upper()} {path}")
    assert not unserved, f"described but not served: {unserved}"
