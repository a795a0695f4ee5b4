"""What the browser is told, and which requests the app answers at all.

- Host allow-list: a name outside `allowed_hosts` is refused (DNS rebinding: a page
  on evil.example whose name now points at 127.0.0.1 reaches a loopback server with
  `Host: evil.example`). An IP address in Host cannot be rebound and is accepted.
- Cross-site requests: browsers say where a request comes from (Sec-Fetch-Site, else
  Origin). A cross-site form post, fetch, image or frame is refused before its body
  is read; a link followed from another site opens a page, but the console shows the
  linked query without running it. Clients that send neither header (curl, scripts)
  are not browsers a page can drive, and are served as before.
- Headers: a strict Content-Security-Policy with a per-request nonce (the one inline
  script and the styles CodeMirror inserts carry it), no sniffing, no framing.
- The session cookie is HttpOnly, SameSite=Lax, and Secure when the request came over
  HTTPS (`proxy_hops` makes the app trust a reverse proxy's X-Forwarded-Proto).
"""

from __future__ import annotations

import ipaddress
import secrets

from flask import Flask, current_app, g, request
from flask.sessions import SecureCookieSessionInterface
from werkzeug.middleware.proxy_fix import ProxyFix

from screengraph.webapp.errors import ApiError, wants_json

# Sec-Fetch-Site values (and what an Origin header amounts to) that a page of ours sends.
OWN_SITES = frozenset({"same-origin", "none"})


def csp_nonce() -> str:
    if "csp_nonce" not in g:
        g.csp_nonce = secrets.token_urlsafe(16)
    return g.csp_nonce


def content_security_policy(nonce: str) -> str:
    return "; ".join(
        (
            "default-src 'none'",
            f"script-src 'self' 'nonce-{nonce}'",
            f"style-src 'self' 'nonce-{nonce}'",
            # Style *attributes* only: the browser's own editing in the console's editor
            # (typing over a selection) sets `style=` on the line it replaces. Attributes
            # carry no selectors, so they cannot read the page the way a <style> can; style
            # elements still need the nonce.
            "style-src-attr 'unsafe-inline'",
            "img-src 'self' data: blob:",
            "connect-src 'self'",
            "font-src 'self'",
            "form-action 'self'",
            "base-uri 'none'",
            "frame-ancestors 'none'",
        )
    )


# Sent with every answer, pages and JSON alike.
HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "same-origin",
    "Cross-Origin-Opener-Policy": "same-origin",
    "Cross-Origin-Resource-Policy": "same-origin",
}


def request_site() -> str:
    """Where the browser says this request comes from: same-origin, same-site, cross-site or none."""
    site = request.headers.get("Sec-Fetch-Site")
    if site:
        return site.strip().lower()
    origin = request.headers.get("Origin")
    if origin is None:
        return "none"
    return "same-origin" if origin.rstrip("/") == request.host_url.rstrip("/") else "cross-site"


def from_this_site() -> bool:
    """True unless a browser says another site started this request (a link included)."""
    return request_site() in OWN_SITES


def _host_allowed(host: str, allowed: tuple[str, ...]) -> bool:
    if "*" in allowed:
        return True
    name = host.rsplit(":", 1)[0] if not host.endswith("]") else host
    name = name.strip("[]").lower()
    try:
        ipaddress.ip_address(name)
        return True
    except ValueError:
        return name in allowed


def check_host() -> None:
    allowed = current_app.config["ALLOWED_HOSTS"]
    if not _host_allowed(request.host, allowed):
        raise ApiError(
            400,
            "unknown_host",
            f"This server does not answer to the name {request.host!r}. "
            "Use its address, or add the name to SCREENGRAPH_ALLOWED_HOSTS.",
        )


def check_site() -> None:
    """Refuse what another site makes a browser send, before any body is read."""
    if from_this_site() or request.endpoint == "static":
        return
    # Without Sec-Fetch-* headers, a cross-site Origin means a script's request or a form
    # post: browsers send no Origin when following a link.
    top_level_link = (
        request.method in ("GET", "HEAD")
        and request.headers.get("Sec-Fetch-Mode") == "navigate"
        and request.headers.get("Sec-Fetch-Dest") == "document"
    )
    if not top_level_link:
        raise ApiError(
            403,
            "cross_site",
            "This request came from another site, and screengraph answers only "
            "its own pages (or clients such as curl that are not a browser).",
        )


def add_headers(response):
    for name, value in HEADERS.items():
        response.headers.setdefault(name, value)
    if request.method not in ("GET", "HEAD"):
        # An answer to a form may echo what was sent (a preview, the ingest token): kept
        # out of every cache, the browser's back-forward one included.
        response.headers.setdefault("Cache-Control", "no-store")
    if response.status_code != 304:
        # A 304 leaves the browser's copy as it is: a new nonce would no longer match the
        # one in that copy (see webapp/page_cache.py).
        response.headers.setdefault("Content-Security-Policy", content_security_policy(csp_nonce()))
    return response


class SessionInterface(SecureCookieSessionInterface):
    """The session cookie is Secure whenever the request came over HTTPS."""

    def get_cookie_secure(self, app: Flask) -> bool:
        return bool(super().get_cookie_secure(app) or (request and request.is_secure))


def cross_site_notice() -> str | None:
    """For a page that would run a query: why it did not (a link from another site)."""
    if from_this_site():
        return None
    if wants_json():
        raise ApiError(
            403,
            "cross_site",
            "A query linked from another site is not run. "
            "Open the console on this site and run it there.",
        )
    return "This query was linked from another site, so it was not run: read it, then press Run."


def init_app(app: Flask, *, allowed_hosts: tuple[str, ...], proxy_hops: int) -> None:
    app.config.setdefault("ALLOWED_HOSTS", allowed_hosts)
    app.config.update(SESSION_COOKIE_HTTPONLY=True, SESSION_COOKIE_SAMESITE="Lax")
    app.session_interface = SessionInterface()
    if proxy_hops:
        app.wsgi_app = ProxyFix(  # type: ignore[method-assign]  # Flask's documented WSGI hook
            app.wsgi_app,
            x_for=proxy_hops,
            x_proto=proxy_hops,
            x_host=proxy_hops,
            x_port=proxy_hops,
            x_prefix=proxy_hops,
        )
    app.jinja_env.globals["csp_nonce"] = csp_nonce
    app.before_request(check_host)
    app.before_request(check_site)
    app.after_request(add_headers)
