"""Re-running the current detector over recorded reports.

Events keep the deduplication keys a poll would have given them (report key, claim, kind), so
a rediff that finds what the first pass found appends nothing; what it finds anew is marked
`cause: rediff` and sends no mail unless asked (`metadata.notify`).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import select

from ..app import App
from ..domain import events as ev
from ..domain.observations import Report
from ..store.projections import load_claims
from ..store.tables import events as events_table
from .claims import now_iso
from .diffing import DetectorCache, apply_recorded, diff_report


@dataclass
class RediffResult:
    reports: int = 0
    proposed: list[ev.NewEvent] = field(default_factory=list)
    appended: list[ev.RecordedEvent] = field(default_factory=list)


def _existing_keys(app: App, keys: list[str]) -> set[str]:
    found: set[str] = set()
    with app.engine.connect() as conn:
        for i in range(0, len(keys), 500):
            chunk = keys[i : i + 500]
            found.update(
                conn.execute(
                    select(events_table.c.dedup_key).where(events_table.c.dedup_key.in_(chunk))
                ).scalars()
            )
    return found


def rediff(
    app: App, *, since_position: int = 0, apply: bool = False, notify: bool = False
) -> RediffResult:
    result = RediffResult()
    detectors = DetectorCache(app.settings)
    with app.engine.connect() as conn:
        claims = load_claims(conn)
    meta = {"notify": True} if notify else None
    for recorded in app.store.read(since_position):
        if recorded.type not in (ev.REPORT_RECORDED, ev.REPORT_REVISED):
            continue
        d = recorded.data
        report = Report(
            key=d["key"],
            title=d.get("title") or "",
            text=d.get("text") or "",
            link=d.get("link") or "",
            published=d.get("published"),
            feed=d.get("feed"),
        )
        result.reports += 1
        _, events = diff_report(
            claims,
            report,
            detectors.get(claims),
            now_iso(),
            threshold=app.settings.threshold,
            cause="rediff",
            extra_metadata=meta,
        )
        existing = _existing_keys(app, [e.dedup_key for e in events if e.dedup_key])
        events = [e for e in events if e.dedup_key not in existing]
        if not events:
            continue
        result.proposed.extend(events)
        if apply:
            with app.store.writer() as w:
                appended = w.append(events).recorded
            result.appended.extend(appended)
            apply_recorded(claims, appended)
    return result
