"""Subscribing to feeds (events on `feed/<id>` streams) and reading their state."""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from sqlalchemy import Connection, and_, select

from ..app import App
from ..config import FeedConfig
from ..domain import events as ev
from ..errors import UnknownFeedError, ValidationError
from ..store.db import translate_errors
from ..store.tables import events, feed_state
from .claims import now_iso


@dataclass(frozen=True)
class FeedView:
    id: str
    url: str
    name: str
    interval: float
    tags: list[str]
    state: str
    subscribed: bool
    last_polled: str | None
    next_due: str | None
    consecutive_failures: int
    last_error: str | None
    last_status: int | None
    warning: str | None
    reports: int
    etag: str | None
    last_modified: str | None

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "url": self.url,
            "name": self.name,
            "interval": self.interval,
            "tags": self.tags,
            "state": self.state,
            "last_polled": self.last_polled,
            "next_due": self.next_due,
            "consecutive_failures": self.consecutive_failures,
            "last_error": self.last_error,
            "last_status": self.last_status,
            "warning": self.warning,
            "reports": self.reports,
        }


def normalise_url(url: str) -> str:
    """http(s) and file URLs as given; a local path becomes an absolute file:// URL."""
    url = url.strip()
    if not url:
        raise ValidationError("feed URL is empty")
    scheme = urlsplit(url).scheme.lower()
    if scheme in ("http", "https"):
        if not urlsplit(url).netloc:
            raise ValidationError(f"feed URL {url!r} has no host")
        return url
    if scheme == "file":
        return url
    if scheme and len(scheme) > 1:
        raise ValidationError(f"feed URL {url!r}: scheme {scheme!r} is not http, https or file")
    return Path(url).expanduser().resolve().as_uri()


_SLUG = re.compile(r"[^a-z0-9]+")


def feed_id_for(url: str, name: str = "") -> str:
    """A readable, stable id: the name (or host) and a short hash of the URL."""
    parts = urlsplit(url)
    base = name or parts.netloc or Path(parts.path).stem or "feed"
    slug = _SLUG.sub("-", base.lower()).strip("-")[:40] or "feed"
    return f"{slug}-{hashlib.sha256(url.encode()).hexdigest()[:6]}"


def row_view(row: Any) -> FeedView:
    return FeedView(
        id=row.id,
        url=row.url,
        name=row.name,
        interval=row.interval,
        tags=json.loads(row.tags or "[]"),
        state=row.state,
        subscribed=bool(row.subscribed),
        last_polled=row.last_polled,
        next_due=row.next_due,
        consecutive_failures=row.consecutive_failures,
        last_error=row.last_error,
        last_status=row.last_status,
        warning=row.warning,
        reports=row.reports,
        etag=row.etag,
        last_modified=row.last_modified,
    )


_row_view = row_view


def list_feeds(app: App, *, include_unsubscribed: bool = False) -> list[FeedView]:
    with translate_errors(app.settings.database_url), app.engine.connect() as conn:
        query = select(feed_state).order_by(feed_state.c.id)
        if not include_unsubscribed:
            query = query.where(feed_state.c.subscribed == 1)
        return [row_view(r) for r in conn.execute(query)]


def get_feed(app: App, feed_id: str) -> FeedView:
    for feed in list_feeds(app):
        if feed.id == feed_id:
            return feed
    known = ", ".join(f.id for f in list_feeds(app)) or "none"
    raise UnknownFeedError(f"unknown feed id {feed_id!r} (subscribed: {known})")


def subscribe(
    app: App,
    url: str,
    *,
    name: str = "",
    interval: float | None = None,
    tags: tuple[str, ...] = (),
    feed_id: str | None = None,
    cause: str = "person",
) -> tuple[str, bool]:
    """Subscribe (idempotent for the same URL and settings); returns (id, newly appended)."""
    url = normalise_url(url)
    if interval is not None and interval <= 0:
        raise ValidationError(f"--interval: {interval} must be positive seconds")
    fid = feed_id or feed_id_for(url, name)
    data: dict[str, Any] = {"feed": fid, "url": url, "name": name or fid, "tags": list(tags)}
    data["interval"] = float(interval or app.settings.polling.interval)
    # Decided under the append lock: two daemons starting on one database with the same
    # config append one FeedSubscribed, not two.
    with app.store.writer() as w:
        row = w.conn.execute(select(feed_state).where(feed_state.c.id == fid)).first()
        current = row_view(row) if row is not None else None
        if current is not None and current.subscribed:
            same = (current.name, current.interval, current.tags) == (
                data["name"],
                data["interval"],
                list(tags),
            )
            # A feed that moved (301/308) keeps its id; the config naming the old URL is the
            # same subscription, not a request to move it back.
            if same and (current.url == url or _moved_from(w.conn, fid, url, current.url)):
                return fid, False
        event = ev.NewEvent(
            stream=ev.feed_stream(fid),
            type=ev.FEED_SUBSCRIBED,
            data=data,
            occurred_at=now_iso(),
            metadata={"cause": cause},
        )
        w.append([event])
    return fid, True


def _moved_from(conn: Connection, fid: str, url: str, current: str) -> bool:
    """True when the feed was subscribed at ``url`` and permanent redirects led to ``current``."""
    rows = conn.execute(
        select(events.c.type, events.c.data)
        .where(
            and_(
                events.c.stream == ev.feed_stream(fid),
                events.c.type.in_([ev.FEED_SUBSCRIBED, ev.FEED_URL_CHANGED]),
            )
        )
        .order_by(events.c.position)
    ).all()
    subscribed_at = None
    moved_to = None
    for type_, data in rows:
        d = json.loads(data)
        if type_ == ev.FEED_SUBSCRIBED:
            subscribed_at, moved_to = d["url"], d["url"]
        else:
            moved_to = d["to"]
    return subscribed_at == url and moved_to == current


def unsubscribe(app: App, feed_id: str, reason: str = "") -> None:
    get_feed(app, feed_id)
    data = {"feed": feed_id, "reason": reason} if reason else {"feed": feed_id}
    app.store.append(
        [
            ev.NewEvent(
                stream=ev.feed_stream(feed_id),
                type=ev.FEED_UNSUBSCRIBED,
                data=data,
                occurred_at=now_iso(),
                metadata={"cause": "person"},
            )
        ]
    )


def sync_config_feeds(app: App, feeds: tuple[FeedConfig, ...]) -> list[str]:
    """Subscribe every feed the config names (an event only when something is new)."""
    ids = []
    for f in feeds:
        fid, _ = subscribe(
            app, f.url, name=f.name, interval=f.interval, tags=f.tags, feed_id=f.id, cause="person"
        )
        ids.append(fid)
    return ids
