"""How much one request may carry and how much one answer may hold, declared once.

The input gate (webapp/inputs.py), the WSGI server (`screengraph serve`) and the
views read these; the OpenAPI document states them.
"""

from __future__ import annotations

# The request line and headers together (waitress refuses more before the app runs).
MAX_HEADER_BYTES = 64 * 1024
# The query string alone: a console query in a GET link fits, a 40,000-comma name does not.
MAX_QUERY_STRING_BYTES = 16 * 1024

# Bodies. Uploads of listings (the ingest pages) may be large and are streamed to disk;
# every other form is small and parsed in memory.
MAX_UPLOAD_BYTES = 32 * 1024 * 1024
MAX_FORM_BYTES = 256 * 1024
MAX_FORM_MEMORY_BYTES = 2 * 1024 * 1024  # all non-file fields of one form, parsed in memory
MAX_FORM_PARTS = 200
UPLOAD_ENDPOINTS = frozenset({"ingest.ingest", "ingest.ingest_json"})

# Characters of each free-text field, in the query string or a form; any other field
# gets DEFAULT_TEXT_CHARS. `text` is a pasted listing, bounded by MAX_FORM_MEMORY_BYTES.
TEXT_CHARS = {
    "q": 200,
    "from": 300,
    "to": 300,
    "from_key": 300,
    "to_key": 300,
    "keys": 10_000,  # a JSON list of listing keys (provenance)
    "query": 10_000,
    "params": 100_000,
    "text": MAX_FORM_MEMORY_BYTES,
}
DEFAULT_TEXT_CHARS = 1_000

# JSON given as a parameter (console parameters, list parameters of canned queries), bounded
# before it is parsed: Python's JSON parser recurses. The graph layer refuses values nested
# past its own, lower limit with a message naming the parameter.
MAX_JSON_DEPTH = 500
MAX_JSON_CHARS = TEXT_CHARS["params"]

# Answers: the most items an endpoint returns, whatever is asked. A question's own limits
# (search results and offset, hops of a connection, a neighbourhood's depth and size...)
# are its parameters' ranges in the catalogue (queries/catalogue.py), the same on every
# surface.
# Nodes in one download of a query's results or a neighbourhood (webapp/views_export.py):
# the whole graph is exported by `screengraph export`, not through a request.
MAX_EXPORT_NODES = 2_000
