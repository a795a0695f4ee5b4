"""The built front end under the strict Content-Security-Policy, in a real Chromium.

Walks the main pages, the console with its graph view and connect, and records
every CSP violation (the `securitypolicyviolation` event, hooked in before any
page script runs) and every console error.
"""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.e2e

RECORD_VIOLATIONS = """
window.__violations = [];
document.addEventListener("securitypolicyviolation", (e) => {
  window.__violations.push({directive: e.violatedDirective, blocked: e.blockedURI,
                            source: e.sourceFile, line: e.lineNumber,
                            element: e.target && e.target.className ? String(e.target.className) : ""});
});
"""


@pytest.fixture
def watched(page):
    page.add_init_script(RECORD_VIOLATIONS)
    console_errors: list[str] = []
    page.on(
        "console",
        lambda msg: (
            console_errors.append(f"{msg.text} @{msg.location.get('url', '')}")
            if msg.type == "error"
            else None
        ),
    )
    policies: list[str] = []
    page.on(
        "response",
        lambda r: (
            policies.append(r.headers.get("content-security-policy", ""))
            if r.request.resource_type == "document"
            else None
        ),
    )
    failed: list[str] = []
    page.on("response", lambda r: failed.append(r.url) if r.status >= 400 else None)
    page.console_errors = console_errors
    page.failed = failed
    page.policies = policies
    yield page
    assert page.js_errors == []


def violations(page) -> list[dict]:
    return page.evaluate("window.__violations")


def visit(page, path: str) -> None:
    page.goto(path)
    page.wait_for_load_state("networkidle")
    assert violations(page) == [], path


def test_pages_graph_views_and_console_run_under_the_policy(watched):
    page = watched
    visit(page, "/")
    visit(page, "/search?q=bureau")
    visit(page, "/show/the-bureau")
    expect(page.locator(".graph-view canvas").first).to_be_visible()
    expect(page.locator(".graph-caption")).to_contain_text("Showing")
    assert violations(page) == []
    visit(page, "/person/eric-rochant")
    visit(page, "/queries")
    visit(page, "/ingest")
    visit(page, "/connect?from=L%C3%A9a%20Drucker&to=Pascal%20Breton")
    expect(page.locator(".graph-view canvas").first).to_be_visible()

    visit(page, "/console")
    page.locator(".cm-content").click()
    page.keyboard.press("Control+A")
    page.keyboard.type("MATCH p = (:Person)-[:DIRECTED]->(:Show) RETURN p")
    page.keyboard.press("Control+Enter")
    expect(page.locator(".result-summary")).to_contain_text("1 row")
    page.click("button[role=tab]:has-text('Graph')")
    expect(page.locator(".console-results .graph-view canvas").first).to_be_visible()
    # CodeMirror's and Cytoscape's own styles applied (they are inserted <style> elements).
    assert page.evaluate("getComputedStyle(document.querySelector('.cm-editor')).display") == "flex"
    assert (
        page.evaluate(
            "getComputedStyle(document.querySelector('.__________cytoscape_container')).position"
        )
        == "relative"
    )
    assert violations(page) == []  # typing over a selection included (style attributes)

    visit(page, "/show/no-such-show")
    assert page.failed == [page.url]
    assert page.console_errors == [
        f"Failed to load resource: the server responded with a status of 404 (NOT FOUND) @{page.url}"
    ]
    assert len(page.policies) == 9  # one per page visited
    for policy in page.policies:
        directives = dict(d.strip().split(" ", 1) for d in policy.split(";"))
        assert directives["script-src"].startswith("'self' 'nonce-")
        assert directives["style-src"].startswith("'self' 'nonce-")
        assert [name for name, value in directives.items() if "'unsafe-inline'" in value] == [
            "style-src-attr"
        ]


def test_an_inline_script_without_the_nonce_is_blocked(watched):
    """The policy is enforced, not only sent: a script the server did not sign does not run."""
    page = watched
    visit(page, "/")
    page.evaluate("""() => {
        const s = document.createElement("script");
        s.textContent = "window.__ran = true";
        document.body.appendChild(s);
    }""")
    assert page.evaluate("window.__ran === undefined")
    assert [v["directive"] for v in violations(page)] == ["script-src-elem"]
    page.console_errors.clear()


def test_console_links_only_to_entity_pages(watched):
    """Defect 15: a map shaped like a node linked to //evil.example/x."""
    page = watched
    visit(page, "/console")
    page.locator(".cm-content").click()
    page.keyboard.press("Control+A")
    page.keyboard.type(
        "RETURN {label: '/evil.example', key: 'x', properties: {name: 'click me'}} AS n, "
        "{label: 'Show', key: 'a/b', properties: {title: 'T'}} AS m"
    )
    page.keyboard.press("Control+Enter")
    expect(page.locator(".result-summary")).to_contain_text("1 row")
    table = page.locator(".console-results table")
    expect(table).to_contain_text("click me (/evil.example)")
    assert table.locator("a").evaluate_all("links => links.map(a => a.getAttribute('href'))") == [
        "/show/a%2Fb"
    ]
    page.console_errors.clear()
