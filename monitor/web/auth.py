"""Who may write: one shared token, a session cookie derived from it, and CSRF tokens.

There are no accounts: whoever knows the token (`MONITOR_WEB_TOKEN`) may correct claims, change
feeds and retry mail. The cookie holds a random nonce and its HMAC under the token, so the
server keeps no session table and changing the token logs everyone out. Forms carry a CSRF token
(the HMAC of the nonce for another purpose); the cookie is SameSite=Strict and HttpOnly, and a
cross-origin Origin header is refused, so a page elsewhere cannot post on a user's behalf.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from urllib.parse import urlsplit

from starlette.requests import Request

COOKIE = "monitor_session"
SESSION_SECONDS = 14 * 24 * 3600


class WriteRefused(Exception):
    """A write without a valid session or CSRF token (HTTP 403)."""


class Auth:
    def __init__(self, token: str | None) -> None:
        self._key = token.encode() if token else None

    @property
    def writable(self) -> bool:
        """Without a token the server is read-only: nobody can log in."""
        return self._key is not None

    def _mac(self, purpose: str, nonce: str) -> str:
        assert self._key is not None
        return hmac.new(self._key, f"{purpose}|{nonce}".encode(), hashlib.sha256).hexdigest()

    def check_token(self, given: str) -> bool:
        if self._key is None:
            return False
        return hmac.compare_digest(
            hashlib.sha256(given.encode()).digest(), hashlib.sha256(self._key).digest()
        )

    def new_session(self) -> str:
        nonce = secrets.token_urlsafe(18)
        return f"{nonce}.{self._mac('session', nonce)}"

    def session_nonce(self, request: Request) -> str | None:
        """The nonce of a valid session cookie, else None."""
        if self._key is None:
            return None
        raw = request.cookies.get(COOKIE, "")
        nonce, _, mac = raw.partition(".")
        if not nonce or not hmac.compare_digest(mac, self._mac("session", nonce)):
            return None
        return nonce

    def csrf_token(self, request: Request) -> str | None:
        nonce = self.session_nonce(request)
        return self._mac("csrf", nonce) if nonce else None

    def sign_notice(self, kind: str, text: str) -> str:
        """A redirect's message travels in the URL; signed, so a crafted link cannot make the
        dashboard display words of someone else's choosing."""
        return self._mac(f"notice-{kind}", text)[:32]

    def notice(self, request: Request, kind: str) -> str | None:
        text = request.query_params.get(kind)
        if not text or self._key is None:
            return None
        given = request.query_params.get("sig", "")
        return text if hmac.compare_digest(given, self.sign_notice(kind, text)) else None

    def bearer_ok(self, request: Request) -> bool:
        """API clients send `Authorization: Bearer TOKEN` (no cookie, so no CSRF risk)."""
        scheme, _, given = request.headers.get("authorization", "").partition(" ")
        return scheme.lower() == "bearer" and self.check_token(given.strip())

    def require_form_write(self, request: Request, form_csrf: str | None) -> None:
        """A dashboard write: logged in, same origin, and the form's CSRF token."""
        if not self.writable:
            raise WriteRefused("this server is read-only: start it with MONITOR_WEB_TOKEN set")
        expected = self.csrf_token(request)
        if expected is None:
            raise WriteRefused("log in first: writes need the token")
        if not same_origin(request):
            raise WriteRefused("cross-origin form submission refused")
        if not form_csrf or not hmac.compare_digest(form_csrf, expected):
            raise WriteRefused("the form's CSRF token is missing or stale: reload the page")


def same_origin(request: Request) -> bool:
    """True when the browser says the request comes from this site (or says nothing)."""
    origin = request.headers.get("origin") or request.headers.get("referer")
    if not origin or origin == "null":
        return origin is None
    return urlsplit(origin).netloc == request.headers.get("host", "")
