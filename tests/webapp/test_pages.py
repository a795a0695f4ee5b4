"""Every page and its JSON twin, on both backends, as a browser or API client sees them."""

from __future__ import annotations

import pytest

from tests.webapp.conftest import INGEST_TOKEN, csrf_from

PAGES = [
    "/",
    "/search?q=bureau",
    "/show/the-bureau",
    "/person/eric-rochant",
    "/company/federation-entertainment",
    "/genre/drama",
    "/connect?from=L%C3%A9a+Drucker&to=Team+Dronix",
    "/console",
    "/queries",
    "/queries/top_people?limit=3",
    "/ingest",
]


@pytest.mark.parametrize("path", PAGES)
def test_every_page_renders_and_has_a_json_twin(client, path):
    page = client.get(path)
    assert page.status_code == 200 and page.content_type.startswith("text/html")
    assert b"<h1" in page.data
    base, _, query = path.partition("?")
    twin = client.get(
        ("/index" if base == "/" else base) + ".json" + (f"?{query}" if query else "")
    )
    assert twin.status_code == 200 and twin.is_json


def test_show_page_lists_credits_related_shows_and_explanations(client):
    html = client.get("/show/the-bureau").get_data(as_text=True)
    for text in (
        "Directed by",
        "Eric Rochant",
        "Executive producers",
        "Related shows",
        "also made by Federation Entertainment",
        'href="/show/team-dronix"',
    ):
        assert text in html
    data = client.get("/show/the-bureau.json").get_json()
    assert {r["name"] for r in data["detail"]["related"]} >= {"Team Dronix", "Dream the Future"}


def test_person_page_shows_collaborators(client):
    data = client.get("/person/eric-rochant.json").get_json()
    names = {c["name"] for c in data["detail"]["collaborators"]}
    assert {"Alex Berger", "Léa Drucker", "Pascal Breton"} <= names


def test_search_json_and_graph_json(client):
    results = client.get("/search.json?q=lea").get_json()["results"]
    assert results[0]["key"] == "lea-drucker" and results[0]["url"] == "/person/lea-drucker"
    graph = client.get("/show/the-bureau/graph.json?limit=5").get_json()
    assert graph["shown"] == 5 and graph["total"] > 5


def test_connect_finds_the_path(client):
    data = client.get("/connect.json?from=lea+drucker&to=team+dronix").get_json()
    assert data["length"] == 3
    assert [n["name"] for n in data["path"] if "label" in n] == [
        "Léa Drucker",
        "The Bureau",
        "Federation Entertainment",
        "Team Dronix",
    ]


@pytest.mark.parametrize(
    "path,status,code",
    [
        ("/show/no-such-show", 404, "not_found"),
        ("/show/no-such-show.json", 404, "not_found"),
        ("/person/nobody.json", 404, "not_found"),
        ("/genre/none/graph.json", 404, "not_found"),
        ("/search.json?q=x&limit=lots", 400, "bad_parameter"),
        ("/search.json?q=x&label=Planet", 400, "bad_parameter"),
        ("/connect.json?from=lea+drucker&to=eric+rochant&max_hops=99", 400, "bad_parameter"),
        ("/connect.json?from=lea+drucker&to=nobody+at+all", 404, "not_found"),
        ("/show/the-bureau/graph.json?depth=9", 400, "bad_parameter"),
        ("/queries/nope.json", 404, "not_found"),
        ("/queries/top_people.json?limit=many", 400, "bad_parameter"),
        ("/no/such/page.json", 404, "not_found"),
    ],
)
def test_errors_have_one_shape_and_the_right_status(client, path, status, code):
    response = client.get(path)
    assert response.status_code == status
    if ".json" not in path:
        assert f"{status}: Not found" in response.get_data(as_text=True)
        return
    body = response.get_json()
    assert body["error"]["status"] == status and body["error"]["code"] == code
    assert body["error"]["message"]


def test_console_runs_read_only_queries_with_limits(client):
    token = csrf_from(client.get("/console").get_data(as_text=True))
    ok = client.post(
        "/console.json",
        data={
            "query": "MATCH (s:Show) RETURN s.title ORDER BY s.title",
            "params": "",
            "csrf_token": token,
        },
    )
    assert ok.status_code == 200 and len(ok.get_json()["results"]["rows"]) == 7
    write = client.post(
        "/console.json", data={"query": "CREATE (:Show {key: 'x'})", "csrf_token": token}
    )
    assert write.status_code == 403 and write.get_json()["error"]["code"] == "read_only"
    slow = client.post(
        "/console.json",
        data={
            "query": "UNWIND range(1, 30000) AS x UNWIND range(1, 30000) AS y "
            "WITH x WHERE x * y = -1 RETURN x",
            "csrf_token": token,
        },
    )
    assert slow.status_code == 400 and slow.get_json()["error"]["code"] == "query_timeout"
    params = client.post(
        "/console.json", data={"query": "RETURN $n AS n", "params": '{"n": 5}', "csrf_token": token}
    )
    assert params.get_json()["results"]["rows"] == [[5]]
    bad = client.post(
        "/console.json", data={"query": "RETURN 1", "params": "{oops", "csrf_token": token}
    )
    assert bad.status_code == 400 and bad.get_json()["error"]["code"] == "bad_parameters"


def test_forms_without_a_csrf_token_are_refused(client):
    response = client.post("/console.json", data={"query": "RETURN 1"})
    assert response.status_code == 400 and response.get_json()["error"]["code"] == "csrf_failed"


def test_adding_listings_needs_the_token_previews_then_loads(client):
    token = csrf_from(client.get("/ingest").get_data(as_text=True))
    listing = '{"title": "Brand New Show", "year": 2024, "cast": ["Léa Drucker"]}'
    wrong = client.post(
        "/ingest.json",
        data={"token": "nope", "text": listing, "csrf_token": token, "action": "preview"},
    )
    assert wrong.status_code == 403
    preview = client.post(
        "/ingest.json",
        data={"token": INGEST_TOKEN, "text": listing, "csrf_token": token, "action": "preview"},
    ).get_json()
    assert preview["preview"]["loaded"] == 1 and preview["preview"]["dry_run"] is True
    assert client.get("/show/brand-new-show--2024.json").status_code == 404
    done = client.post(
        "/ingest.json",
        data={"preview": preview["preview"]["id"], "csrf_token": token, "action": "confirm"},
    ).get_json()
    assert done["preview"]["loaded"] == 1 and done["preview"]["dry_run"] is False
    assert client.get("/show/brand-new-show--2024.json").status_code == 200


def test_hostile_names_are_escaped_in_pages(client):
    html = client.get("/search?q=night").get_data(as_text=True)
    assert "<script>alert('title')</script>" not in html
    assert "&lt;script&gt;alert(&#39;title&#39;)&lt;/script&gt;" in html


def test_openapi_describes_the_json_twins(client):
    spec = client.get("/openapi.json").get_json()
    assert spec["openapi"].startswith("3.")
    assert {"/search.json", "/show/{key}.json", "/console.json", "/ingest.json"} <= set(
        spec["paths"]
    )
