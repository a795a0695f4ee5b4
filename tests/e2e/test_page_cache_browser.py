"""Pages revalidated by a real Chromium: a reload asks with If-None-Match, the server
answers 304 without a Content-Security-Policy, and the copy the browser keeps still runs
under the policy it came with (its nonce), which is still enforced."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.e2e.test_csp import RECORD_VIOLATIONS, violations

pytestmark = pytest.mark.e2e


def test_a_reloaded_page_is_revalidated_and_still_runs_under_its_policy(page):
    page.add_init_script(RECORD_VIOLATIONS)
    answers: list[dict] = []
    page.on(
        "response",
        lambda r: (
            answers.append(
                {
                    "asked": r.request.all_headers().get("if-none-match"),
                    "etag": r.all_headers()["etag"],
                    "policy": r.all_headers().get("content-security-policy"),
                }
            )
            if r.request.resource_type == "document"
            else None
        ),
    )
    page.goto("/show/the-bureau")
    page.wait_for_load_state("networkidle")
    page.reload()
    page.wait_for_load_state("networkidle")
    first, second = answers
    assert first["asked"] is None and first["policy"]
    # Chromium reports a revalidated page with the 304's own headers: no policy among them.
    assert second["asked"] == first["etag"] == second["etag"] and second["policy"] is None
    # The inline script signed with the first answer's nonce ran, and the bundle drew the graph.
    assert page.evaluate("document.documentElement.classList.contains('js')")
    expect(page.locator(".graph-view canvas").first).to_be_visible()
    assert violations(page) == []
    # The policy the copy came with is still enforced: a script nobody signed does not run.
    page.evaluate("""() => {
        const s = document.createElement("script");
        s.textContent = "window.__ran = true";
        document.body.appendChild(s);
    }""")
    assert page.evaluate("window.__ran === undefined")
    assert [v["directive"] for v in violations(page)] == ["script-src-elem"]
