"""The ingest token: too long to guess, compared in constant time, never refused when right.

Wrong tokens are throttled per client address (webapp/ingest_throttle.py), but an
address says little: on loopback or behind a proxy not declared in
SCREENGRAPH_PROXY_HOPS every client shares one, and an attacker can vary theirs (an
IPv6 /64 holds 2^64). A throttle that also refused the right token let anyone lock its
holder out by sending wrong ones; one that could be relied on against guessing would
need to know who is who. So the token itself makes guessing hopeless (at least
INGEST_TOKEN_MIN_CHARS characters, checked when the app starts), and the right token
is always accepted, whatever others sent from the same address.
"""

from __future__ import annotations

import hashlib
import hmac

from screengraph.graph.settings import (
    INGEST_TOKEN_MIN_CHARS,
    SETTINGS_BY_NAME,
    Settings,
    SettingsError,
)

MAKE_ONE = 'python -c "import secrets; print(secrets.token_urlsafe(32))"'


def require_strong_token(settings: Settings) -> None:
    """Refuse to start with an ingest token short enough to be guessed."""
    token = settings.ingest_token
    if token and len(token) < INGEST_TOKEN_MIN_CHARS:
        raise SettingsError(
            f"{SETTINGS_BY_NAME['ingest_token'].env} has {len(token)} characters, at least "
            f"{INGEST_TOKEN_MIN_CHARS} random ones are needed so that it cannot be guessed: "
            f"make one with {MAKE_ONE}"
        )


def token_matches(sent: str, expected: str) -> bool:
    """Digests of equal length, so the comparison's time says nothing about the token."""
    return bool(expected) and hmac.compare_digest(_digest(sent), _digest(expected))


def _digest(text: str) -> bytes:
    return hashlib.sha256(text.encode("utf-8", "replace")).digest()
