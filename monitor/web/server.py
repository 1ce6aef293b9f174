"""The ASGI application: dashboard pages, the JSON API and the Atom feeds (Starlette).

Every page and feed is a read model: it reads the projections and the log and never writes a
table itself. The few writes (a correction, subscribing or removing a feed, retrying a mail)
call the same services as the CLI, which append events (the outbox retry re-arms a queued
message, as `monitor outbox retry` does). Writes need the token; without one the server is
read-only and says so on every page.
"""

from __future__ import annotations

import gzip
import hashlib
import json
import logging
import re
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import quote

from jinja2 import Environment, FileSystemLoader, select_autoescape
from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import HTMLResponse, RedirectResponse, Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles

from .. import __version__
from ..app import App
from ..domain import events as ev
from ..domain.claims import Claim
from ..domain.fold import evolve_claim
from ..domain.statuses import STATUSES
from ..errors import (
    ConcurrencyError,
    ConfigError,
    MonitorError,
    StoreError,
    UnknownClaimError,
    UnknownFeedError,
    ValidationError,
)
from ..services import claims as claim_service
from ..services import feeds as feed_service
from ..timeparse import parse_duration, parse_moment, parse_since
from . import openapi
from .atom import build_feed
from .auth import COOKIE, SESSION_SECONDS, Auth, WriteRefused
from .readmodel import CHANGE_TYPES, ClaimsSnapshot, ReadModel, change_json, claim_json

log = logging.getLogger("monitor.web")
HERE = Path(__file__).resolve().parent
PAGE_SIZE = 50
MAX_EVENTS = 1000

_STATUS_OF: dict[type[Exception], int] = {
    ValidationError: 400,
    UnknownClaimError: 404,
    UnknownFeedError: 404,
    ConcurrencyError: 409,
    StoreError: 503,
    ConfigError: 500,
}


def http_status(exc: Exception) -> int:
    """The HTTP status for one of the project's errors (by class name for the notify part's,
    which this module does not import eagerly)."""
    for cls in type(exc).__mro__:
        if cls in _STATUS_OF:
            return _STATUS_OF[cls]
        if cls.__name__ == "UnknownOutboxRowError":
            return 404
        if cls.__name__ == "OutboxStateError":
            return 409
    return 500


class ApiError(HTTPException):
    """A client error with a message for a person."""


def _int_param(
    request: Request, name: str, default: int | None, lo: int = 0, hi: int | None = None
) -> int | None:
    raw = request.query_params.get(name)
    if raw is None or raw == "":
        return default
    if not re.fullmatch(r"-?\d+", raw.strip()):
        raise ApiError(400, f"{name}: {raw!r} is not a whole number")
    value = int(raw)
    if value < lo or (hi is not None and value > hi):
        bound = f"between {lo} and {hi}" if hi is not None else f"at least {lo}"
        raise ApiError(400, f"{name}: {value} must be {bound}")
    return value


def parse_interval(text: str) -> float | None:
    """'900', '15m', '2h', '1d' -> seconds; empty -> None (the configured default)."""
    return parse_duration(text, "interval")


def etag_of(body: bytes) -> str:
    return '"' + hashlib.blake2b(body, digest_size=12).hexdigest() + '"'


def not_modified(request: Request, etag: str) -> bool:
    given = request.headers.get("if-none-match")
    if not given:
        return False
    return any(tag.strip().removeprefix("W/") == etag for tag in given.split(","))


def cached_response(
    request: Request, body: bytes, media_type: str, etag: str | None = None
) -> Response:
    """A 200 with an ETag (the log head where the body depends only on the log), or a 304."""
    etag = etag or etag_of(body)
    headers = {"ETag": etag, "Cache-Control": "no-cache"}
    if not_modified(request, etag):
        return Response(status_code=304, headers=headers)
    return Response(body, media_type=media_type, headers=headers)


GZIP_MIN = 1400  # below one packet compressing gains nothing


def wants_gzip(request: Request) -> bool:
    return "gzip" in request.headers.get("accept-encoding", "")


def variant_etag(etag: str, gz: bool) -> str:
    """Each encoding is its own representation, with its own strong ETag."""
    return etag[:-1] + '-gz"' if gz else etag


async def snapshot_response(
    request: Request, snap: ClaimsSnapshot, key: Any, body: bytes, media_type: str, etag: str
) -> Response:
    """A cached body of a claims snapshot, gzip-compressed once per head for clients that
    accept it (the claims JSON is ~600 kB for 1,000 claims, ~60 kB compressed)."""
    gz = wants_gzip(request) and len(body) >= GZIP_MIN
    tag = variant_etag(etag, gz)
    headers = {"ETag": tag, "Cache-Control": "no-cache", "Vary": "Accept-Encoding"}
    if not_modified(request, tag):
        return Response(status_code=304, headers=headers)
    if gz:
        packed = snap.gzipped.get(key)
        if packed is None:
            packed = await run_in_threadpool(gzip.compress, body, 6, mtime=0)
            if len(snap.gzipped) < 64:
                snap.gzipped[key] = packed
        headers["Content-Encoding"] = "gzip"
        body = packed
    return Response(body, media_type=media_type, headers=headers)


def json_bytes(value: Any) -> bytes:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":")).encode()


def json_response(request: Request, value: Any) -> Response:
    return cached_response(request, json_bytes(value), "application/json")


def json_error(status: int, message: str) -> Response:
    return Response(
        json_bytes({"error": {"status": status, "message": message}}),
        status_code=status,
        media_type="application/json",
    )


class Web:
    """The routes over one App; `create_app` wires them into Starlette."""

    def __init__(self, app: App, *, token: str | None, base_url: str | None) -> None:
        self.app = app
        self.rm = ReadModel(app)
        self.auth = Auth(token)
        self.base_url = base_url.rstrip("/") if base_url else None
        self.domain = app.settings.mail.domain
        self.templates = Environment(
            loader=FileSystemLoader(HERE / "templates"),
            autoescape=select_autoescape(["html", "xml"], default=True),
            trim_blocks=True,
            lstrip_blocks=True,
        )
        self.templates.filters["when"] = _when_filter
        self.templates.globals.update(version=__version__, statuses=STATUSES)

    # ---- helpers -----------------------------------------------------------------------
    def public_base(self, request: Request) -> str:
        return self.base_url or str(request.base_url).rstrip("/")

    def render(self, request: Request, name: str, status: int = 200, **context: Any) -> Response:
        body = self.render_bytes(request, name, **context)
        return HTMLResponse(body, status_code=status, headers={"Cache-Control": "no-cache"})

    def render_bytes(self, request: Request, name: str, **context: Any) -> bytes:
        context.setdefault("flash", self.auth.notice(request, "flash"))
        context.setdefault("error", self.auth.notice(request, "error"))
        return (
            self.templates.get_template(name)
            .render(
                request_path=request.url.path,
                writable=self.auth.writable,
                logged_in=self.auth.session_nonce(request) is not None,
                csrf=self.auth.csrf_token(request),
                **context,
            )
            .encode()
        )

    async def head(self) -> int:
        """The log's head, read inline on the event loop: one indexed lookup on a kept
        connection is cheaper than a hop to the thread pool and back."""
        return self.rm.head_fast()

    # ---- pages -------------------------------------------------------------------------
    async def index(self, request: Request) -> Response:
        return RedirectResponse("/claims", status_code=302)

    async def claims_page(self, request: Request) -> Response:
        q = request.query_params.get("q", "").strip()
        head = await self.head()
        logged_in = self.auth.session_nonce(request) is not None
        flash = self.auth.notice(request, "flash")
        snap = self.rm.cached_claims(head) or await run_in_threadpool(self.rm.claims, head)
        key = ("claims", q, logged_in, flash, self.auth.notice(request, "error"))
        cached = snap.rendered.get(key)
        if cached is None:
            needle = q.lower()
            rows = [
                (c, snap.summaries.get(c.id))
                for c in snap.claims
                if not needle
                or needle in c.id.lower()
                or needle in c.subject.lower()
                or needle in c.status
                or needle in (c.value or "").lower()
            ]
            body = await run_in_threadpool(
                self.render_bytes,
                request,
                "claims.html",
                rows=rows,
                q=q,
                total=len(snap.claims),
                position=head,
            )
            # Hashed once per head and variant, not per request: the page is ~400 kB.
            cached = (body, etag_of(body))
            if len(snap.rendered) < 64:
                snap.rendered[key] = cached
        body, etag = cached
        return await snapshot_response(request, snap, key, body, "text/html; charset=utf-8", etag)

    async def claim_page(self, request: Request) -> Response:
        claim_id = request.path_params["claim_id"]
        as_of = request.query_params.get("as_of", "").strip()
        return await run_in_threadpool(self._claim_page, request, claim_id, as_of)

    def _claim_page(self, request: Request, claim_id: str, as_of: str) -> Response:
        claim = claim_service.require_claim(self.app, claim_id)
        until = None
        if as_of:
            until = self.rm.position_at(parse_moment(as_of, option="as_of"))
        timeline = self.rm.claim_events(claim_id, until=until)
        shown: Claim | None = claim
        if as_of:
            # The claim as of then: its own stream folded up to that position (the same
            # evolve function as replay, without reading the rest of the log).
            shown = None
            for e in timeline:
                shown = evolve_claim(shown, e.type, e.data, e.position, e.version, e.recorded_at)
        return self.render(
            request,
            "claim.html",
            claim=claim,
            shown=shown,
            as_of=as_of,
            timeline=[_timeline_item(e) for e in timeline],
        )

    async def changes_page(self, request: Request) -> Response:
        before = _int_param(request, "before", None, lo=1)
        claim = request.query_params.get("claim") or None

        def build() -> Response:
            found = self.rm.changes(before=before, claim=claim, limit=PAGE_SIZE + 1)
            more = len(found) > PAGE_SIZE
            found = found[:PAGE_SIZE]
            snap = self.rm.claims()
            items = [change_json(e) for e in found]
            subjects = {c.id: c.subject for c in snap.claims}
            return self.render(
                request,
                "changes.html",
                changes=items,
                subjects=subjects,
                next_before=found[-1].position if more and found else None,
                first_page=before is None,
                claim=claim,
            )

        return await run_in_threadpool(build)

    async def feeds_page(self, request: Request) -> Response:
        feeds = await run_in_threadpool(feed_service.list_feeds, self.app)
        return self.render(request, "feeds.html", feeds=feeds)

    async def reports_page(self, request: Request) -> Response:
        q = request.query_params.get("q", "")
        claim = request.query_params.get("claim", "").strip() or None
        feed = request.query_params.get("feed", "").strip() or None

        def build() -> Response:
            if claim:
                claim_service.require_claim(self.app, claim)
            found = self.rm.search_reports(q, claim, feed=feed)
            about = self.rm.report_claims(
                [r["key"] for r in found if r["key"]],
                since=min((r["position"] for r in found), default=0),
            )
            snap = self.rm.claims()
            return self.render(
                request,
                "reports.html",
                reports=found,
                about=about,
                q=q,
                claim=claim or "",
                claim_ids=[c.id for c in snap.claims],
            )

        return await run_in_threadpool(build)

    async def outbox_page(self, request: Request) -> Response:
        from ..notify.delivery import list_outbox
        from ..notify.outbox import STATES

        state = request.query_params.get("state") or None
        if state is not None and state not in STATES:
            raise ApiError(400, f"state: {state!r} is not one of {', '.join(STATES)}")

        def build() -> Response:
            rows = list_outbox(self.app, state, 200)[::-1]
            counts: dict[str, int] = {}
            for row in list_outbox(self.app, None, None):
                counts[row["state"]] = counts.get(row["state"], 0) + 1
            labels = self.rm.event_labels([r["event_position"] for r in rows])
            return self.render(
                request,
                "outbox.html",
                rows=rows,
                labels=labels,
                state=state,
                states=STATES,
                counts=counts,
            )

        return await run_in_threadpool(build)

    # ---- login -------------------------------------------------------------------------
    async def login_page(self, request: Request) -> Response:
        return self.render(request, "login.html", next=_safe_next(request.query_params.get("next")))

    async def login(self, request: Request) -> Response:
        form = await request.form()
        nxt = _safe_next(str(form.get("next") or ""))
        if not self.auth.writable:
            return self.render(
                request,
                "login.html",
                status=403,
                next=nxt,
                error="This server is read-only: there is no token to log in with.",
            )
        if not self.auth.check_token(str(form.get("token") or "")):
            return self.render(
                request, "login.html", status=403, next=nxt, error="That token is not right."
            )
        resp = RedirectResponse(nxt, status_code=303)
        resp.set_cookie(
            COOKIE,
            self.auth.new_session(),
            max_age=SESSION_SECONDS,
            httponly=True,
            samesite="strict",
            secure=request.url.scheme == "https",
        )
        return resp

    async def logout(self, request: Request) -> Response:
        resp = RedirectResponse("/claims", status_code=303)
        resp.delete_cookie(COOKIE)
        return resp

    # ---- writes ------------------------------------------------------------------------
    async def _write(
        self, request: Request, action: Callable[[dict[str, str]], str], back: str
    ) -> Response:
        """Check the session and CSRF token, run the action, and redirect with its message."""
        form = {k: str(v) for k, v in (await request.form()).items()}
        self.auth.require_form_write(request, form.get("csrf"))
        try:
            message = await run_in_threadpool(action, form)
        except MonitorError as exc:
            return RedirectResponse(self._with_notice(back, "error", str(exc)), status_code=303)
        return RedirectResponse(self._with_notice(back, "flash", message), status_code=303)

    def _with_notice(self, path: str, kind: str, text: str) -> str:
        return _with(path, **{kind: text, "sig": self.auth.sign_notice(kind, text)})

    async def correct(self, request: Request) -> Response:
        claim_id = request.path_params["claim_id"]

        def action(form: dict[str, str]) -> str:
            status = form.get("status") or None
            value = form.get("value", "").strip() or None
            recorded = claim_service.correct(
                self.app,
                claim_id,
                status=status,
                value=value,
                clear_value=form.get("clear_value") == "on",
                reason=form.get("reason", ""),
                by=form.get("by", "").strip() or "web",
            )
            return f"correction recorded as event #{recorded.position}"

        return await self._write(request, action, f"/claims/{quote(claim_id)}")

    async def add_feed(self, request: Request) -> Response:
        def action(form: dict[str, str]) -> str:
            fid, new = feed_service.subscribe(
                self.app,
                form.get("url", ""),
                name=form.get("name", "").strip(),
                interval=parse_interval(form.get("interval", "")),
            )
            return f"subscribed {fid}" if new else f"{fid} was already subscribed"

        return await self._write(request, action, "/feeds")

    async def remove_feed(self, request: Request) -> Response:
        feed_id = request.path_params["feed_id"]

        def action(form: dict[str, str]) -> str:
            feed_service.unsubscribe(self.app, feed_id, reason=form.get("reason", "").strip())
            return f"unsubscribed {feed_id}"

        return await self._write(request, action, "/feeds")

    async def retry_mail(self, request: Request) -> Response:
        from ..notify.delivery import retry, utc_now

        row_id = request.path_params["row_id"]

        def action(form: dict[str, str]) -> str:
            n = retry(self.app, row_id, utc_now())
            return f"outbox {row_id}: pending, due now" + (f" ({n} rows)" if n > 1 else "")

        return await self._write(request, action, "/outbox")

    # ---- unsubscribe ---------------------------------------------------------------------
    def _unsubscribe_link(self, request: Request) -> tuple[str, str]:
        """(subscription, address) of a signed unsubscribe link, or ApiError: 400 when a part
        is missing or malformed, 403 when the signature does not match (forged or altered).
        The signature is the only authority here: no login, token or CSRF token is asked
        (RFC 8058: a mail client's one-click POST carries none)."""
        from ..notify.unsubscribe import check_subscription, normalize_address, signing_key
        from ..notify.unsubscribe import verify as verify_link

        q = request.query_params
        subscription, to, sig = q.get("subscription", ""), q.get("to", ""), q.get("sig", "")
        if not (subscription and to and sig):
            raise ApiError(
                400,
                "This unsubscribe link is incomplete (it needs subscription, to and sig): "
                "it may have been cut short; open the whole link from the mail.",
            )
        try:
            check_subscription(subscription)
            address = normalize_address(to)
        except ValidationError as exc:
            raise ApiError(400, f"This unsubscribe link is not valid: {exc}.") from exc
        key = signing_key(self.app.engine)
        if not verify_link(key, subscription, address, sig):
            raise ApiError(
                403,
                "This unsubscribe link's signature does not match: it was altered or not made "
                "by this monitor, so nothing was changed.",
            )
        return subscription, address

    async def unsubscribe_page(self, request: Request) -> Response:
        """GET: a confirmation page with a button (a link opened by a scanner or a preview
        must not unsubscribe anyone by itself)."""
        from ..notify.unsubscribe import is_unsubscribed, unsubscribed_pairs

        subscription, address = self._unsubscribe_link(request)

        def build() -> Response:
            with self.app.engine.connect() as conn:
                pairs = unsubscribed_pairs(conn, [address])
            state = "already" if is_unsubscribed(pairs, subscription, address) else "confirm"
            return self.render(
                request,
                "unsubscribe.html",
                state=state,
                address=address,
                subscription=subscription,
                action=f"{request.url.path}?{request.url.query}",
            )

        return await run_in_threadpool(build)

    async def unsubscribe(self, request: Request) -> Response:
        """POST: the page's button, or a mail client's RFC 8058 one-click POST (body
        `List-Unsubscribe=One-Click`); appends RecipientUnsubscribed and answers 200."""
        from ..notify.unsubscribe import unsubscribe as record_unsubscribe

        subscription, address = self._unsubscribe_link(request)
        form = await request.form()
        via = "one-click" if form.get("List-Unsubscribe") == "One-Click" else "page"

        def action() -> Response:
            recorded = record_unsubscribe(self.app, address, subscription, via=via)
            return self.render(
                request,
                "unsubscribe.html",
                state="done" if recorded is not None else "already",
                address=address,
                subscription=subscription,
                position=recorded.position if recorded is not None else None,
            )

        return await run_in_threadpool(action)

    # ---- Atom --------------------------------------------------------------------------
    async def changes_atom(self, request: Request) -> Response:
        """Feed readers poll this: built once per log head (and base URL), then served from
        memory, with a 304 to readers that send the ETag back."""
        head = await self.head()
        snap = self.rm.cached_claims(head) or await run_in_threadpool(self.rm.claims, head)
        key = ("changes.atom", self.public_base(request))
        cached = snap.rendered.get(key)
        if cached is None:
            body = await run_in_threadpool(self._changes_atom, request, snap)
            cached = (body, etag_of(body))
            if len(snap.rendered) < 64:
                snap.rendered[key] = cached
        body, etag = cached
        return await snapshot_response(
            request, snap, key, body, "application/atom+xml; charset=utf-8", etag
        )

    def _changes_atom(self, request: Request, snap: ClaimsSnapshot) -> bytes:
        found = self.rm.changes(before=snap.position + 1, limit=PAGE_SIZE)
        return build_feed(
            domain=self.domain,
            base_url=self.public_base(request),
            self_path="/changes.atom",
            alternate_path="/changes",
            feed_key="changes",
            title="monitor: changes",
            subtitle="Every change of a tracked claim, with its evidence",
            changes=found,
            claims={c.id: c for c in snap.claims},
        )

    async def claim_atom(self, request: Request) -> Response:
        claim_id = request.path_params["claim_id"]

        def build() -> Response:
            claim = claim_service.require_claim(self.app, claim_id)
            found = self.rm.changes(claim=claim_id, limit=PAGE_SIZE)
            body = build_feed(
                domain=self.domain,
                base_url=self.public_base(request),
                self_path=f"/claims/{claim_id}.atom",
                alternate_path=f"/claims/{claim_id}",
                feed_key=f"claim/{claim_id}",
                title=f"monitor: {claim.subject}",
                subtitle=f"Changes of the claim {claim_id}",
                changes=found,
                claims={claim.id: claim},
            )
            return cached_response(request, body, "application/atom+xml; charset=utf-8")

        return await run_in_threadpool(build)

    # ---- JSON API ----------------------------------------------------------------------
    async def api_claims(self, request: Request) -> Response:
        head = await self.head()
        etag = f'"p{head}"'
        tag = variant_etag(etag, wants_gzip(request))
        if not_modified(request, tag):
            headers = {"ETag": tag, "Cache-Control": "no-cache", "Vary": "Accept-Encoding"}
            return Response(status_code=304, headers=headers)
        snap = self.rm.cached_claims(head) or await run_in_threadpool(self.rm.claims, head)
        return await snapshot_response(request, snap, "api", snap.body, "application/json", etag)

    async def api_claim(self, request: Request) -> Response:
        claim_id = request.path_params["claim_id"]

        def build() -> Response:
            claim = claim_service.require_claim(self.app, claim_id)
            snap = self.rm.claims()
            return json_response(request, claim_json(claim, snap.summaries.get(claim_id)))

        return await run_in_threadpool(build)

    async def api_history(self, request: Request) -> Response:
        claim_id = request.path_params["claim_id"]

        def build() -> Response:
            found = claim_service.history(self.app, claim_id)
            return json_response(
                request, {"claim": claim_id, "events": [e.to_json() for e in found]}
            )

        return await run_in_threadpool(build)

    async def api_changes(self, request: Request) -> Response:
        since = request.query_params.get("since", "").strip()
        limit = _int_param(request, "limit", 100, lo=1, hi=MAX_EVENTS)
        claim = request.query_params.get("claim") or None

        def build() -> Response:
            after = self._since_position(since) if since else 0
            if claim:
                claim_service.require_claim(self.app, claim)
            found = self.rm.changes(after=after, limit=limit, claim=claim, newest_first=False)
            nxt = found[-1].position if len(found) == limit else None
            return json_response(
                request,
                {"since": since or None, "changes": [change_json(e) for e in found], "next": nxt},
            )

        return await run_in_threadpool(build)

    def _since_position(self, since: str) -> int:
        """`since=`: a log position, an ISO date or time, or a duration back (7d, 12h)."""
        if since.isdigit():
            return int(since)
        moment = parse_since(since, datetime.now(UTC), option="since")
        return _before(self.rm, moment)

    async def api_events(self, request: Request) -> Response:
        after = _int_param(request, "after", 0, lo=0)
        limit = _int_param(request, "limit", 100, lo=1, hi=MAX_EVENTS)

        def build() -> Response:
            found = self.rm.events_after(after or 0, limit or 100)
            nxt = found[-1].position if len(found) == limit else None
            return json_response(
                request, {"after": after, "events": [e.to_json() for e in found], "next": nxt}
            )

        return await run_in_threadpool(build)

    async def api_feeds(self, request: Request) -> Response:
        feeds = await run_in_threadpool(feed_service.list_feeds, self.app)
        return json_response(request, {"feeds": [f.to_json() for f in feeds]})

    async def api_health(self, request: Request) -> Response:
        try:
            head = await self.head()
        except StoreError as exc:
            return Response(
                json_bytes({"ok": False, "database": "unavailable", "message": str(exc)}),
                status_code=503,
                media_type="application/json",
            )
        body = {
            "ok": True,
            "version": __version__,
            "position": head,
            "read_only": not self.auth.writable,
        }
        return Response(
            json_bytes(body), media_type="application/json", headers={"Cache-Control": "no-store"}
        )

    async def api_openapi(self, request: Request) -> Response:
        return json_response(request, openapi.document(__version__))

    async def api_correct(self, request: Request) -> Response:
        """POST /api/claims/{id}/corrections with `Authorization: Bearer TOKEN`."""
        if not self.auth.writable:
            raise ApiError(403, "this server is read-only: start it with MONITOR_WEB_TOKEN set")
        if not self.auth.bearer_ok(request):
            raise ApiError(401, "writes need `Authorization: Bearer <token>`")
        claim_id = request.path_params["claim_id"]
        try:
            body = json.loads(await request.body() or b"null")
        except json.JSONDecodeError as exc:
            raise ApiError(400, f"request body is not JSON: {exc}") from exc
        if not isinstance(body, dict):
            raise ApiError(400, "request body must be a JSON object with status/value and reason")
        unknown = set(body) - {"status", "value", "clear_value", "reason", "by"}
        if unknown:
            raise ApiError(400, f"unknown field(s): {', '.join(sorted(unknown))}")
        for key in ("status", "value", "reason", "by"):
            if body.get(key) is not None and not isinstance(body[key], str):
                raise ApiError(400, f"{key}: must be a string")

        def action() -> Response:
            recorded = claim_service.correct(
                self.app,
                claim_id,
                status=body.get("status"),
                value=body.get("value"),
                clear_value=bool(body.get("clear_value")),
                reason=body.get("reason") or "",
                by=body.get("by") or "api",
            )
            return Response(
                json_bytes(recorded.to_json()), status_code=201, media_type="application/json"
            )

        return await run_in_threadpool(action)

    # ---- errors ------------------------------------------------------------------------
    def error_response(self, request: Request, status: int, message: str) -> Response:
        if request.url.path.startswith("/api/") or request.url.path.endswith(".atom"):
            return json_error(status, message)
        return self.render(
            request, "error.html", status=status, status_code=status, message=message
        )


def _before(rm: ReadModel, moment: str) -> int:
    """The last position recorded strictly before a moment."""
    pos = rm.position_at(moment)
    while pos > 0:
        events = rm.events_after(pos - 1, 1)
        if not events or events[0].recorded_at < moment:
            break
        pos -= 1
    return pos


def _timeline_item(e: ev.RecordedEvent) -> dict[str, Any]:
    d = e.data
    kind = {
        ev.CLAIM_ASSERTED: "baseline",
        ev.CLAIM_STATUS_CHANGED: "change",
        ev.CLAIM_VALUE_CHANGED: "change",
        ev.CLAIM_CORRECTED: "correction",
        ev.CLAIM_CORROBORATED: "corroboration",
        ev.CHANGE_SUSPECTED: "suspicion",
    }.get(e.type, "other")
    item = {"event": e, "kind": kind, "data": d, "report": d.get("report") or {}}
    if e.type in CHANGE_TYPES:
        item["change"] = change_json(e)
    return item


def _safe_next(value: str | None) -> str:
    """Only a local path: a login form must not redirect to another site."""
    if value and value.startswith("/") and not value.startswith("//") and "\\" not in value:
        return value
    return "/claims"


def _with(path: str, **params: str) -> str:
    from urllib.parse import urlencode

    return f"{path}?{urlencode(params)}"


def _when_filter(value: str | None) -> str:
    """'2026-03-03T09:00:00.123456Z' -> '2026-03-03 09:00 UTC' (empty for none)."""
    if not value:
        return ""
    text = str(value)
    if len(text) >= 16 and text[10] == "T":
        return f"{text[:10]} {text[11:16]} UTC"
    return text


# Defence in depth for the HTML pages: only this site's own scripts and styles, no framing, no
# form posting elsewhere, no MIME sniffing, no referrer to the news sites the pages link to.
SECURITY_HEADERS: list[tuple[bytes, bytes]] = [
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"same-origin"),
    (b"x-frame-options", b"DENY"),
    (
        b"content-security-policy",
        b"default-src 'self'; img-src 'self' data:; object-src 'none'; base-uri 'none'; "
        b"frame-ancestors 'none'; form-action 'self'",
    ),
]


class SecurityHeaders:
    """Pure ASGI middleware (a BaseHTTPMiddleware would cost the hot reads a task each)."""

    def __init__(self, app: Any) -> None:
        self.app = app

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_headers(message: Any) -> None:
            if message["type"] == "http.response.start":
                message["headers"] = [*message.get("headers", []), *SECURITY_HEADERS]
            await send(message)

        await self.app(scope, receive, send_with_headers)


class ClaimsFastPath:
    """`GET /api/claims` answered from the head-keyed cache before Starlette's routing.

    It is the endpoint dashboards and scripts poll; with the claims already encoded (and
    compressed) for the current head, what is left is one indexed lookup of the head and the
    write, so the request/response objects, routing and middleware would be most of its cost.
    Anything it cannot answer from the cache (a cold cache after an append, an error) goes on
    to the full app, which builds the cache.
    """

    def __init__(self, app: Any, web: Web) -> None:
        self.app = app
        self.web = web

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        if (
            scope["type"] != "http"
            or scope["path"] != "/api/claims"
            or scope["method"] not in ("GET", "HEAD")
        ):
            await self.app(scope, receive, send)
            return
        try:
            head = self.web.rm.head_fast()
        except MonitorError:
            await self.app(scope, receive, send)
            return
        snap = self.web.rm.cached_claims(head)
        if snap is None:
            await self.app(scope, receive, send)
            return
        headers = dict(scope["headers"])
        gz = b"gzip" in headers.get(b"accept-encoding", b"") and len(snap.body) >= GZIP_MIN
        etag = f'"p{head}-gz"' if gz else f'"p{head}"'
        body = snap.gzipped.get("api") if gz else snap.body
        given = headers.get(b"if-none-match")
        fresh = given is not None and any(
            t.strip().removeprefix("W/") == etag for t in given.decode("latin-1").split(",")
        )
        if body is None and not fresh:
            await self.app(scope, receive, send)  # the gzip variant is not made yet
            return
        out = [
            (b"etag", etag.encode()),
            (b"cache-control", b"no-cache"),
            (b"vary", b"Accept-Encoding"),
            *SECURITY_HEADERS,
        ]
        if fresh:
            await send({"type": "http.response.start", "status": 304, "headers": out})
            await send({"type": "http.response.body", "body": b""})
            return
        assert body is not None
        out += [(b"content-type", b"application/json"), (b"content-length", b"%d" % len(body))]
        if gz:
            out.append((b"content-encoding", b"gzip"))
        await send({"type": "http.response.start", "status": 200, "headers": out})
        await send(
            {"type": "http.response.body", "body": b"" if scope["method"] == "HEAD" else body}
        )


def create_app(app: App, *, token: str | None = None, base_url: str | None = None) -> Any:
    """The ASGI app for `monitor serve` (and for tests, served by a real uvicorn)."""
    web = Web(app, token=token, base_url=base_url)

    def guard(handler: Callable[[Request], Awaitable[Response]]) -> Callable[..., Any]:
        async def wrapped(request: Request) -> Response:
            try:
                return await handler(request)
            except WriteRefused as exc:
                return web.error_response(request, 403, str(exc))
            except HTTPException as exc:
                return web.error_response(request, exc.status_code, str(exc.detail))
            except MonitorError as exc:
                return web.error_response(request, http_status(exc), str(exc))

        return wrapped

    def r(
        path: str,
        handler: Callable[[Request], Awaitable[Response]],
        methods: list[str] | None = None,
    ) -> Route:
        return Route(path, guard(handler), methods=methods or ["GET", "HEAD"])

    routes = [
        r("/", web.index),
        r("/claims", web.claims_page),
        r("/claims/{claim_id}.atom", web.claim_atom),
        r("/claims/{claim_id}", web.claim_page),
        r("/claims/{claim_id}/correct", web.correct, ["POST"]),
        r("/changes", web.changes_page),
        r("/changes.atom", web.changes_atom),
        r("/feeds", web.feeds_page),
        r("/feeds", web.add_feed, ["POST"]),
        r("/feeds/{feed_id}/remove", web.remove_feed, ["POST"]),
        r("/reports", web.reports_page),
        r("/outbox", web.outbox_page),
        r("/outbox/{row_id:int}/retry", web.retry_mail, ["POST"]),
        r("/unsubscribe", web.unsubscribe_page),
        r("/unsubscribe", web.unsubscribe, ["POST"]),
        r("/login", web.login_page),
        r("/login", web.login, ["POST"]),
        r("/logout", web.logout, ["POST"]),
        r("/api/claims", web.api_claims),
        r("/api/claims/{claim_id}", web.api_claim),
        r("/api/claims/{claim_id}/history", web.api_history),
        r("/api/claims/{claim_id}/corrections", web.api_correct, ["POST"]),
        r("/api/changes", web.api_changes),
        r("/api/events", web.api_events),
        r("/api/feeds", web.api_feeds),
        r("/api/health", web.api_health),
        r("/api/openapi.json", web.api_openapi),
        Mount("/static", StaticFiles(directory=HERE / "static"), name="static"),
    ]

    async def not_found(request: Request, exc: Exception) -> Response:
        status = getattr(exc, "status_code", 404)
        detail = getattr(exc, "detail", "not found")
        if status == 404:
            detail = f"no such page: {request.url.path}"
        elif status == 405:
            detail = f"{request.method} is not allowed on {request.url.path}"
        return web.error_response(request, status, str(detail))

    async def crashed(request: Request, exc: Exception) -> Response:
        log.error("%s %s failed", request.method, request.url.path, exc_info=exc)
        return web.error_response(request, 500, f"internal error: {type(exc).__name__}")

    starlette = Starlette(
        routes=routes,
        middleware=[Middleware(SecurityHeaders)],
        exception_handlers={HTTPException: not_found, Exception: crashed},
    )
    starlette.state.web = web
    return ClaimsFastPath(starlette, web)
