"""Downloads of part of the graph in the export formats (graph/export_formats.py).

- An entity's neighbourhood, what its page's graph view draws: GET
  `/<label>/<key>/export.<format>?depth=&limit=` (the graph view's own parameters and caps).
- A console query's results: POST `/console/export` (the console's form fields, the CSRF
  token, and `format`), since it runs an analyst's query (a link from another site must
  not run one).

A download holds the nodes found (with every property) and the relationships among them,
at most `limits.MAX_EXPORT_NODES` nodes: a query that finds more is refused with the count
and what to do, never cut silently. csv is a folder of files: it comes zipped.
"""

from __future__ import annotations

import io
import re
import tempfile
import zipfile
from pathlib import Path

from flask import Blueprint, Response, request, url_for

from screengraph.graph.export_formats import FORMATS, write_export
from screengraph.graph.export_read import subgraph
from screengraph.webapp import limits
from screengraph.webapp.errors import ApiError
from screengraph.webapp.graphview import members_of
from screengraph.webapp.store import get_backend
from screengraph.webapp.views_console import parse_params
from screengraph.webapp.views_explore import LABEL_BY_SLUG, requested_neighbourhood

bp = Blueprint("export", __name__)

_FILE_NAME = re.compile(r"[^A-Za-z0-9._-]+")


def _endpoint(slug: str, fmt: str) -> str:
    return f"{slug}_export_{fmt}"


def download_links(label: str, key: str) -> list[dict[str, str]]:
    """The entity page's download links, one per format."""
    return [
        {
            "title": f.title,
            "format": f.name,
            "url": url_for(f"export.{_endpoint(label.lower(), f.name)}", key=key),
        }
        for f in FORMATS.values()
    ]


def _download(fmt: str, members: list[tuple[str, str]], name: str) -> Response:
    if len(members) > limits.MAX_EXPORT_NODES:
        raise ApiError(
            413,
            "too_large",
            f"The results hold {len(members):,} nodes; a download holds at most "
            f"{limits.MAX_EXPORT_NODES:,}. Narrow the query (a LIMIT, a WHERE), or "
            "export the whole graph with `screengraph export`.",
        )
    backend = get_backend()
    nodes, relationships = subgraph(backend, members)
    export_format = FORMATS[fmt]
    with tempfile.TemporaryDirectory(prefix="screengraph-export-") as folder:
        target = Path(folder) / f"export{'' if export_format.folder else export_format.suffix}"
        write_export(fmt, target, nodes, relationships, backend.name)
        if export_format.folder:
            buffer = io.BytesIO()
            with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
                for path in sorted(target.iterdir()):
                    archive.write(path, f"{name}/{path.name}")
            body = buffer.getvalue()
        else:
            body = target.read_bytes()
    file_name = f"{name}.{fmt}" + (export_format.suffix if export_format.folder else "")
    return Response(
        body,
        mimetype=export_format.media_type,
        headers={"Content-Disposition": f'attachment; filename="{file_name}"'},
    )


def _format(value: str | None) -> str:
    if value not in FORMATS:
        raise ApiError(
            400, "bad_parameter", f"'format' must be one of {', '.join(FORMATS)}, got {value!r}"
        )
    return value


@bp.post("/console/export")
def console_export():
    fmt = _format(request.form.get("format"))
    query = request.form.get("query") or ""
    if not query.strip():
        raise ApiError(400, "empty_query", "Write a Cypher query first.")
    backend = get_backend()
    results = backend.run_adhoc(query, parse_params(request.form.get("params") or ""))
    return _download(fmt, members_of(results.rows), "query")


def _register_entity_routes() -> None:
    for slug, label in LABEL_BY_SLUG.items():
        for fmt in FORMATS:

            def view(key: str, label: str = label, fmt: str = fmt):
                key, data = requested_neighbourhood(label, key)
                members = [(node["label"], node["key"]) for node in data["nodes"]]
                return _download(fmt, members, _FILE_NAME.sub("-", key)[:80] or label.lower())

            view.__name__ = _endpoint(slug, fmt)
            bp.add_url_rule(f"/{slug}/<path:key>/export.{fmt}", view.__name__, view)


_register_entity_routes()
