"""Headers, sessions, the Host allow-list and cross-site requests (issue 18, defects 2 and 14)."""

from __future__ import annotations

import re

import pytest

from screengraph.webapp.security import HEADERS
from tests.webapp.conftest import csrf_from, make_app

RUNAWAY = "UNWIND range(1, 3) AS x RETURN count(x) AS n"
CROSS_SITE_IMG = {
    "Sec-Fetch-Site": "cross-site",
    "Sec-Fetch-Mode": "no-cors",
    "Sec-Fetch-Dest": "image",
}
CROSS_SITE_LINK = {
    "Sec-Fetch-Site": "cross-site",
    "Sec-Fetch-Mode": "navigate",
    "Sec-Fetch-Dest": "document",
}
SAME_ORIGIN_FETCH = {
    "Sec-Fetch-Site": "same-origin",
    "Sec-Fetch-Mode": "cors",
    "Sec-Fetch-Dest": "empty",
}


@pytest.mark.parametrize(
    "path", ["/", "/search.json?q=bureau", "/console", "/show/nope", "/openapi.json"]
)
def test_every_answer_carries_the_security_headers(client, path):
    response = client.get(path)
    for name, value in HEADERS.items():
        assert response.headers[name] == value
    csp = response.headers["Content-Security-Policy"]
    directives = dict(d.strip().split(" ", 1) for d in csp.split(";"))
    assert directives["frame-ancestors"] == "'none'" and directives["default-src"] == "'none'"
    # Only style attributes may be inline (the browser's own editing); never scripts.
    assert [name for name, value in directives.items() if "'unsafe-inline'" in value] == [
        "style-src-attr"
    ]


def test_the_inline_script_carries_the_nonce_of_its_answer(client):
    first, second = client.get("/"), client.get("/")
    nonce = re.search(r"'nonce-([^']+)'", first.headers["Content-Security-Policy"]).group(1)
    html = first.get_data(as_text=True)
    assert f'<script nonce="{nonce}">' in html
    assert f'<meta property="csp-nonce" nonce="{nonce}">' in html
    assert re.findall(r"<script(?![^>]*(?:nonce=|src=|type=\"application/json\"))", html) == []
    assert nonce not in second.headers["Content-Security-Policy"]


def test_session_cookie_is_httponly_lax_and_secure_over_https(app):
    plain = app.test_client().get("/console")
    cookie = plain.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie and "Secure" not in cookie
    secure = app.test_client().get("/console", base_url="https://localhost")
    assert "Secure" in secure.headers["Set-Cookie"]


def test_behind_a_trusted_proxy_https_makes_the_cookie_secure(backend):
    from screengraph.graph.settings import load_settings
    from screengraph.webapp import create_app

    settings = load_settings(env={"SCREENGRAPH_PROXY_HOPS": "1"}, secret_key="s")
    client = create_app({"TESTING": True}, settings=settings, backend=backend).test_client()
    response = client.get("/console", headers={"X-Forwarded-Proto": "https"})
    assert "Secure" in response.headers["Set-Cookie"]
    # Without the setting the header is not trusted.
    untrusted = (
        make_app(backend).test_client().get("/console", headers={"X-Forwarded-Proto": "https"})
    )
    assert "Secure" not in untrusted.headers["Set-Cookie"]


@pytest.mark.parametrize("host", ["evil.example", "evil.example:8000", "localhost.evil.example"])
def test_unknown_host_names_are_refused(client, host):
    response = client.get("/index.json", headers={"Host": host})
    assert response.status_code == 400
    error = response.get_json()["error"]
    assert error["code"] == "unknown_host" and "SCREENGRAPH_ALLOWED_HOSTS" in error["message"]


@pytest.mark.parametrize(
    "host", ["localhost", "localhost:8000", "127.0.0.1:8000", "[::1]:8000", "10.1.2.3"]
)
def test_loopback_names_and_addresses_are_served(client, host):
    assert client.get("/index.json", headers={"Host": host}).status_code == 200


def test_allowed_hosts_setting_and_serve_host(backend):
    from screengraph.graph.settings import load_settings
    from screengraph.webapp import create_app

    settings = load_settings(
        env={"SCREENGRAPH_ALLOWED_HOSTS": "Graph.Example, other.example"}, secret_key="s"
    )
    client = create_app({"TESTING": True}, settings=settings, backend=backend).test_client()
    assert client.get("/index.json", headers={"Host": "graph.example"}).status_code == 200
    assert client.get("/index.json", headers={"Host": "localhost"}).status_code == 400


def test_a_cross_site_image_cannot_run_a_console_query(client):
    """Defect 2: <img src="http://127.0.0.1:8000/console.json?query=..."> ran the query."""
    for path in ("/console.json", "/console"):
        response = client.get(path, query_string={"query": RUNAWAY}, headers=CROSS_SITE_IMG)
        assert response.status_code == 403
        assert "another site" in response.get_data(as_text=True)


def test_a_link_from_another_site_shows_the_query_without_running_it(client):
    response = client.get("/console", query_string={"query": RUNAWAY}, headers=CROSS_SITE_LINK)
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "was not run" in html and "<table>" not in html and "UNWIND range" in html
    as_json = client.get("/console.json", query_string={"query": RUNAWAY}, headers=CROSS_SITE_LINK)
    assert as_json.status_code == 403


@pytest.mark.parametrize(
    "headers",
    [
        {},
        SAME_ORIGIN_FETCH,
        {"Sec-Fetch-Site": "none", "Sec-Fetch-Mode": "navigate", "Sec-Fetch-Dest": "document"},
        {"Origin": "http://localhost"},
    ],
)
def test_own_pages_typed_urls_and_scripts_run_queries(client, headers):
    response = client.get("/console.json", query_string={"query": RUNAWAY}, headers=headers)
    assert response.status_code == 200
    assert response.get_json()["results"]["rows"] == [[3]]


def test_cross_site_posts_are_refused_before_the_body_is_read(client):
    page = client.get("/console")
    token = csrf_from(page.get_data(as_text=True))
    for headers in (
        {
            "Sec-Fetch-Site": "cross-site",
            "Sec-Fetch-Mode": "navigate",
            "Sec-Fetch-Dest": "document",
        },
        {"Origin": "https://evil.example"},
        {"Origin": "null"},
    ):
        response = client.post(
            "/console.json", data={"query": RUNAWAY, "csrf_token": token}, headers=headers
        )
        assert response.status_code == 403, headers
        assert response.get_json()["error"]["code"] == "cross_site"
    same = client.post(
        "/console.json",
        data={"query": RUNAWAY, "csrf_token": token},
        headers={"Origin": "http://localhost"},
    )
    assert same.status_code == 200


def test_other_sites_may_link_to_pages(client):
    assert client.get("/show/the-bureau", headers=CROSS_SITE_LINK).status_code == 200
    framed = {**CROSS_SITE_LINK, "Sec-Fetch-Dest": "iframe"}
    assert client.get("/show/the-bureau", headers=framed).status_code == 403


def test_answers_to_forms_are_not_stored(client):
    token = csrf_from(client.get("/console").get_data(as_text=True))
    posted = client.post("/console", data={"query": "RETURN 1", "csrf_token": token})
    assert posted.headers["Cache-Control"] == "no-store"
    refused = client.post("/console.json", data={"query": "RETURN 1"})
    assert refused.status_code == 400 and refused.headers["Cache-Control"] == "no-store"
    assert "no-store" not in client.get("/show/the-bureau").headers.get("Cache-Control", "")
