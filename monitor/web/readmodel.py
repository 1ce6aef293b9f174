"""What the web pages, the JSON API and the Atom feeds read: the read models and the log.

Nothing here writes. The claims list is the hot read (dashboards and API clients poll it), so it
is kept in memory keyed by the log's head position: the claims read model changes only when an
event is appended in the same transaction, so an unchanged head means an unchanged answer, and
the head position doubles as the HTTP ETag. The per-claim figures the read model lacks (last
change, since when, confidence) are folded incrementally from the events after the position
last seen, never by re-reading the whole log.
"""

from __future__ import annotations

import contextlib
import json
import threading
from dataclasses import dataclass, field
from typing import Any, Final

from sqlalchemy import and_, func, or_, select

from ..app import App
from ..domain import events as ev
from ..domain.claims import Claim
from ..store.db import translate_errors
from ..store.eventstore import row_to_event
from ..store.projections import load_claims
from ..store.tables import events as events_table
from ..store.tables import reports as reports_table

# What a reader calls "a change": the log's facts that move a claim's status or value.
CHANGE_TYPES: Final = (ev.CLAIM_STATUS_CHANGED, ev.CLAIM_VALUE_CHANGED, ev.CLAIM_CORRECTED)
# Events that set a claim's status (for "since when").
_STATUS_SETTERS: Final = frozenset({ev.CLAIM_ASSERTED, ev.CLAIM_STATUS_CHANGED, ev.CLAIM_CORRECTED})
_SUMMARY_TYPES: Final = (ev.CLAIM_ASSERTED, *CHANGE_TYPES)
_COLUMNS: Final = tuple(
    events_table.c[name]
    for name in (
        "position",
        "stream",
        "version",
        "type",
        "schema_version",
        "occurred_at",
        "recorded_at",
        "data",
        "metadata",
        "dedup_key",
        "prev_hash",
        "hash",
    )
)


@dataclass
class ClaimSummary:
    """The figures of a claim the claims table does not hold, folded from its events."""

    since: str | None = None
    last_change_type: str | None = None
    last_change_at: str | None = None
    last_change_position: int | None = None
    confidence: float | None = None

    def to_json(self) -> dict[str, Any]:
        return {
            "since": self.since,
            "last_change": (
                {
                    "type": self.last_change_type,
                    "at": self.last_change_at,
                    "position": self.last_change_position,
                }
                if self.last_change_type
                else None
            ),
            "confidence": self.confidence,
        }


@dataclass
class ClaimsSnapshot:
    """The claims at one head position, with their JSON already encoded."""

    position: int
    claims: list[Claim]
    summaries: dict[str, ClaimSummary]
    body: bytes
    rendered: dict[Any, tuple[bytes, str]] = field(default_factory=dict)
    gzipped: dict[Any, bytes] = field(default_factory=dict)


def claim_json(claim: Claim, summary: ClaimSummary | None) -> dict[str, Any]:
    out = claim.to_json()
    out.update((summary or ClaimSummary()).to_json())
    return out


def change_json(e: ev.RecordedEvent) -> dict[str, Any]:
    """One change as readers want it: what, from, to, the evidence and where it was read."""
    d = e.data
    report = d.get("report") or {}
    if e.type == ev.CLAIM_CORRECTED:
        what = "status" if d.get("status") else "value"
        before = d.get("from_status") if what == "status" else d.get("from_value")
        after = d.get("status") if what == "status" else d.get("value")
    else:
        what = "value" if e.type == ev.CLAIM_VALUE_CHANGED else "status"
        before, after = d.get("from"), d.get("to")
    return {
        "position": e.position,
        "type": e.type,
        "claim": d.get("claim") or e.stream.split("/", 1)[-1],
        "field": what,
        "from": before,
        "to": after,
        "confidence": d.get("confidence"),
        "evidence": d.get("evidence") or d.get("reason"),
        "by": d.get("by"),
        "report": report or None,
        "occurred_at": e.occurred_at,
        "recorded_at": e.recorded_at,
        "hash": e.hash,
    }


class ReadModel:
    """Queries over one App's database, with the head-keyed claims cache."""

    def __init__(self, app: App) -> None:
        self.app = app
        self._lock = threading.Lock()
        self._snapshot: ClaimsSnapshot | None = None
        self._summaries: dict[str, ClaimSummary] = {}
        self._summary_position = 0
        self._local = threading.local()

    def _connect(self):  # noqa: ANN202 - a SQLAlchemy connection context
        return self.app.engine.connect()

    # ---- the log's head ----------------------------------------------------------------
    def head(self) -> int:
        """The last position in the log (0 when empty): the version of every log-derived page."""
        with translate_errors(self.app.settings.database_url), self._connect() as conn:
            return conn.exec_driver_sql("SELECT max(position) FROM events").scalar() or 0

    def head_fast(self) -> int:
        """`head()` on a DBAPI connection this thread keeps open: the hot reads ask for the
        head on every request, and a pool checkout costs more than the indexed query itself.
        The statement ends its transaction at once (PostgreSQL must not sit idle in one)."""
        raw = getattr(self._local, "raw", None)
        try:
            if raw is None:
                with translate_errors(self.app.settings.database_url):
                    raw = self._local.raw = self.app.engine.raw_connection()
            cur = raw.cursor()
            try:
                cur.execute("SELECT max(position) FROM events")
                value = cur.fetchone()[0]
            finally:
                cur.close()
            raw.rollback()
            return value or 0
        except Exception:
            # A broken connection (a restarted database): forget it; the next call reconnects.
            self._local.raw = None
            if raw is not None:
                with contextlib.suppress(Exception):  # already broken
                    raw.invalidate()
            return self.head()

    # ---- claims ------------------------------------------------------------------------
    def cached_claims(self, head: int) -> ClaimsSnapshot | None:
        snap = self._snapshot
        return snap if snap is not None and snap.position == head else None

    def claims(self, head: int | None = None) -> ClaimsSnapshot:
        """The claims as of the head (rebuilt only when the head moved)."""
        head = self.head() if head is None else head
        snap = self.cached_claims(head)
        if snap is not None:
            return snap
        with self._lock:
            snap = self.cached_claims(head)
            if snap is not None:
                return snap
            with translate_errors(self.app.settings.database_url), self._connect() as conn:
                claims = sorted(load_claims(conn).values(), key=lambda c: c.id)
                self._fold_summaries(conn, head)
            summaries = {c.id: self._summaries.get(c.id, ClaimSummary()) for c in claims}
            items = [claim_json(c, summaries[c.id]) for c in claims]
            body = json.dumps(
                {"position": head, "count": len(items), "claims": items},
                ensure_ascii=False,
                separators=(",", ":"),
            ).encode()
            snap = ClaimsSnapshot(head, claims, summaries, body)
            self._snapshot = snap
            return snap

    def _fold_summaries(self, conn: Any, head: int) -> None:
        """Fold the claim events after the position last folded (a rebuild starts over)."""
        if head < self._summary_position:
            self._summaries, self._summary_position = {}, 0
        rows = conn.execute(
            select(
                events_table.c.position,
                events_table.c.stream,
                events_table.c.type,
                events_table.c.occurred_at,
                events_table.c.recorded_at,
                events_table.c.data,
            )
            .where(
                events_table.c.position > self._summary_position,
                events_table.c.position <= head,
                events_table.c.type.in_(_SUMMARY_TYPES),
            )
            .order_by(events_table.c.position)
        )
        for position, stream, type_, occurred, recorded, data in rows:
            cid = stream.split("/", 1)[-1]
            s = self._summaries.setdefault(cid, ClaimSummary())
            d = json.loads(data)
            if type_ in _STATUS_SETTERS and (type_ != ev.CLAIM_CORRECTED or d.get("status")):
                s.since = occurred
            if type_ in CHANGE_TYPES:
                s.last_change_type = type_
                s.last_change_at = recorded
                s.last_change_position = position
                s.confidence = d.get("confidence") if type_ != ev.CLAIM_CORRECTED else 1.0
        self._summary_position = head

    # ---- events ------------------------------------------------------------------------
    def events_after(self, after: int, limit: int) -> list[ev.RecordedEvent]:
        return list(self.app.store.read(since=after, limit=limit))

    def claim_events(self, claim_id: str, until: int | None = None) -> list[ev.RecordedEvent]:
        return [e for e in self.app.store.read(stream=ev.claim_stream(claim_id), until=until)]

    def changes(
        self,
        *,
        before: int | None = None,
        after: int | None = None,
        limit: int = 50,
        claim: str | None = None,
        newest_first: bool = True,
    ) -> list[ev.RecordedEvent]:
        """Changes (status, value, corrections), keyset-paged by position."""
        query = select(*_COLUMNS).where(events_table.c.type.in_(CHANGE_TYPES))
        if before is not None:
            query = query.where(events_table.c.position < before)
        if after is not None:
            query = query.where(events_table.c.position > after)
        if claim is not None:
            query = query.where(events_table.c.stream == ev.claim_stream(claim))
        order = events_table.c.position.desc() if newest_first else events_table.c.position
        query = query.order_by(order).limit(limit)
        with translate_errors(self.app.settings.database_url), self._connect() as conn:
            return [row_to_event(tuple(r)) for r in conn.execute(query)]

    def event_labels(self, positions: list[int]) -> dict[int, tuple[str, str]]:
        """(type, stream) of some events: what each outbox row is about."""
        if not positions:
            return {}
        query = select(events_table.c.position, events_table.c.type, events_table.c.stream).where(
            events_table.c.position.in_(sorted(set(positions)))
        )
        with translate_errors(self.app.settings.database_url), self._connect() as conn:
            return {p: (t, st) for p, t, st in conn.execute(query)}

    def position_at(self, moment: str) -> int:
        return self.app.store.position_at(moment)

    # ---- reports -----------------------------------------------------------------------
    def search_reports(
        self, text: str = "", claim: str | None = None, limit: int = 50, feed: str | None = None
    ) -> list[dict[str, Any]]:
        """Reports whose title or text contains `text` (any case), newest first; with
        `claim`, only those the detector read something about that claim in."""
        needle = text.strip().lower()
        query = (
            select(events_table.c.position, events_table.c.recorded_at, events_table.c.data)
            .select_from(
                reports_table.join(
                    events_table, events_table.c.position == reports_table.c.position
                )
            )
            .order_by(reports_table.c.position.desc())
        )
        if feed:
            query = query.where(reports_table.c.feed == feed)
        if needle:
            # A coarse filter in SQL (the JSON text), the exact one on title and text below.
            query = query.where(func.lower(events_table.c.data).contains(needle, autoescape=True))
        keys: set[str] | None = None
        with translate_errors(self.app.settings.database_url), self._connect() as conn:
            if claim:
                keys = set()
                for (data,) in conn.execute(
                    select(events_table.c.data).where(
                        events_table.c.stream == ev.claim_stream(claim)
                    )
                ):
                    key = (json.loads(data).get("report") or {}).get("key")
                    if key:
                        keys.add(key)
                if not keys:
                    return []
            found = []
            for position, recorded, data in conn.execute(query):
                d = json.loads(data)
                if keys is not None and d.get("key") not in keys:
                    continue
                if (
                    needle
                    and needle not in (d.get("title") or "").lower()
                    and needle not in (d.get("text") or "").lower()
                ):
                    continue
                found.append(
                    {
                        "position": position,
                        "recorded_at": recorded,
                        "feed": d.get("feed"),
                        "key": d.get("key"),
                        "title": d.get("title") or "",
                        "link": d.get("link"),
                        "published": d.get("published"),
                        "excerpt": _excerpt(d.get("text") or "", needle),
                    }
                )
                if len(found) >= limit:
                    break
        return found

    def report_claims(self, keys: list[str], since: int = 0) -> dict[str, list[str]]:
        """Which claims each report said something about (for the reports page). Claim events
        follow their report in the log, so only positions from `since` (the oldest report's)
        are read."""
        if not keys:
            return {}
        out: dict[str, list[str]] = {}
        conds = [events_table.c.data.contains(f'"key":"{k}"') for k in keys if '"' not in k]
        if not conds:
            return {}
        query = select(events_table.c.stream, events_table.c.data).where(
            and_(
                events_table.c.position > since,
                events_table.c.stream.like("claim/%"),
                or_(*conds),
            )
        )
        with translate_errors(self.app.settings.database_url), self._connect() as conn:
            for stream, data in conn.execute(query):
                key = (json.loads(data).get("report") or {}).get("key")
                cid = stream.split("/", 1)[1]
                if key and cid not in out.setdefault(key, []):
                    out[key].append(cid)
        return out


def _excerpt(text: str, needle: str, width: int = 220) -> str:
    if not needle:
        return text[:width] + ("…" if len(text) > width else "")
    at = text.lower().find(needle)
    if at < 0:
        return text[:width] + ("…" if len(text) > width else "")
    start = max(0, at - width // 3)
    piece = text[start : start + width]
    return ("…" if start else "") + piece + ("…" if start + width < len(text) else "")
