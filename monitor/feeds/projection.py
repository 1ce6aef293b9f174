"""Read models of feed streams: `feed_state` (the subscribed feeds) and `reports` (every entry
recorded, by identity). Operational columns of `feed_state` (ETag, last poll, failures, lease)
are written by the poller, not derived from events, and survive a rebuild.

Reports are written in batches on the driver cursor: a first poll of a busy feed records
dozens of reports in one append, and three Core statements per report cost more than the
append itself.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from typing import Any

from sqlalchemy import Connection, delete, select, update

from ..domain import events as ev
from ..store.projections import set_position
from ..store.tables import feed_state, reports

_REPORT_TYPES = frozenset({ev.REPORT_RECORDED, ev.REPORT_REVISED})
_KEY_MAX = 300  # reports.key is VARCHAR(300)


def _feed_id(stream: str) -> str:
    return stream.split("/", 1)[1]


def report_row_key(feed: str, identity: str) -> str:
    """The reports row of (feed, identity); a long identity (a guid can be any length) is
    hashed so the key fits its column on PostgreSQL."""
    key = f"{feed}|{identity}"
    if len(key) <= _KEY_MAX:
        return key
    return f"{feed}|sha256:{hashlib.sha256(identity.encode('utf-8')).hexdigest()}"


class FeedsProjector:
    name = "feeds"

    def apply(self, conn: Connection, events: Sequence[ev.RecordedEvent]) -> None:
        touched = False
        rows: dict[str, tuple[Any, ...]] = {}
        counts: dict[str, int] = {}
        for e in events:
            if not e.stream.startswith("feed/"):
                continue
            touched = True
            if e.type in _REPORT_TYPES:
                feed = _feed_id(e.stream)
                d = e.data
                key = report_row_key(feed, d["report"])
                rows[key] = (key, feed, d["report"], d["content_hash"], e.position, e.recorded_at)
                if e.type == ev.REPORT_RECORDED:
                    counts[feed] = counts.get(feed, 0) + 1
                continue
            # A subscription event orders with the reports around it.
            self._flush(conn, rows, counts)
            self._apply_feed_event(conn, e)
        self._flush(conn, rows, counts)
        if touched:
            set_position(conn, self.name, events[-1].position)

    @staticmethod
    def _flush(conn: Connection, rows: dict[str, tuple[Any, ...]], counts: dict[str, int]) -> None:
        if not rows and not counts:
            return
        sqlite = conn.dialect.name == "sqlite"
        m = "?" if sqlite else "%s"
        cur = conn.connection.driver_connection.cursor()
        if rows:
            sql = (
                "INSERT INTO reports (key, feed, identity, content_hash, position, recorded_at)"
                f" VALUES ({', '.join([m] * 6)}) ON CONFLICT (key) DO UPDATE SET"
                " content_hash = excluded.content_hash, position = excluded.position,"
                " recorded_at = excluded.recorded_at"
            )
            values = list(rows.values())
            if len(values) == 1:
                cur.execute(sql, values[0])
            else:
                cur.executemany(sql, values)
        for feed, n in counts.items():
            cur.execute(f"UPDATE feed_state SET reports = reports + {m} WHERE id = {m}", (n, feed))
        rows.clear()
        counts.clear()

    def _apply_feed_event(self, conn: Connection, e: ev.RecordedEvent) -> None:
        feed = _feed_id(e.stream)
        d = e.data
        where = feed_state.c.id == feed
        if e.type == ev.FEED_SUBSCRIBED:
            values: dict[str, Any] = {
                "url": d["url"],
                "name": d.get("name") or "",
                "interval": d.get("interval") or 0,
                "tags": json.dumps(d.get("tags") or []),
                "subscribed": 1,
                "state": "ok",
                "consecutive_failures": 0,
            }
            exists = conn.execute(select(feed_state.c.id).where(where)).first()
            if exists:
                conn.execute(update(feed_state).where(where).values(**values))
            else:
                conn.execute(feed_state.insert().values(id=feed, reports=0, **values))
        elif e.type == ev.FEED_UNSUBSCRIBED:
            conn.execute(update(feed_state).where(where).values(subscribed=0))
        elif e.type == ev.FEED_URL_CHANGED:
            conn.execute(
                update(feed_state).where(where).values(url=d["to"], etag=None, last_modified=None)
            )
        elif e.type == ev.FEED_DISABLED:
            conn.execute(update(feed_state).where(where).values(state="disabled"))
        elif e.type == ev.FEED_FAILING:
            conn.execute(update(feed_state).where(where).values(state="failing"))
        elif e.type == ev.FEED_RECOVERED:
            conn.execute(update(feed_state).where(where).values(state="ok"))

    def reset(self, conn: Connection) -> None:
        conn.execute(delete(reports))
        conn.execute(update(feed_state).values(reports=0, subscribed=0))
        set_position(conn, self.name, 0)

    def rebuild(self, conn: Connection, store) -> None:  # noqa: ANN001 - EventStore
        """Re-derive from the log in pages; a feed's operational state is kept."""
        self.reset(conn)
        page: list[ev.RecordedEvent] = []
        last = 0
        for e in store.read():
            last = e.position
            if e.stream.startswith("feed/"):
                page.append(e)
                if len(page) >= 1000:
                    self.apply(conn, page)
                    page = []
        if page:
            self.apply(conn, page)
        set_position(conn, self.name, last)
