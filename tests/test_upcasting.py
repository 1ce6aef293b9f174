"""Schema evolution: an old event version is upcast when read; the stored row never changes."""

from __future__ import annotations

import sqlite3

from monitor.domain import events as ev
from monitor.store import upcasting
from monitor.store.db import make_engine
from monitor.store.eventstore import EventStore
from monitor.store.migrate import upgrade


def test_an_old_version_is_upcast_on_read_and_the_stored_row_is_untouched(tmp_path, monkeypatch):
    url = f"sqlite:///{tmp_path / 'u.db'}"
    engine = make_engine(url)
    upgrade(engine)
    store = EventStore(engine, url=url)
    data = {"feed": "f1", "url": "https://example.com/rss"}
    store.append([ev.NewEvent(ev.feed_stream("f1"), ev.FEED_SUBSCRIBED, data, "2026-01-01")])

    # A later release makes FeedSubscribed v2 (tags required) and ships an upcaster for v1.
    monkeypatch.setitem(ev.CURRENT_VERSIONS, ev.FEED_SUBSCRIBED, 2)
    monkeypatch.setitem(
        upcasting.UPCASTERS, (ev.FEED_SUBSCRIBED, 1), lambda d: {**d, "tags": d.get("tags", [])}
    )
    [read] = store.read()
    assert read.schema_version == 2
    assert read.data == {**data, "tags": []}
    with sqlite3.connect(tmp_path / "u.db") as conn:
        stored_version, stored = conn.execute("SELECT schema_version, data FROM events").fetchone()
    assert stored_version == 1 and '"tags"' not in stored
    store.close()
    engine.dispose()
