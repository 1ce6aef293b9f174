"""Re-running the current detector over recorded reports.

What a report already accounts for stays as it is: a claim the report changed or corroborated
(or whose value it set) is left alone, and a suspicion already recorded is not recorded again.
What the current detector finds anew (a change where the first pass only suspected one, or
missed the claim) is appended, marked `cause: rediff`, under deduplication keys that name the
detector version and threshold, so running the same rediff twice appends nothing. It sends no
mail unless asked (`metadata.notify`).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field, replace

from sqlalchemy import select

from ..app import App
from ..detect import DETECTOR_VERSION
from ..domain import events as ev
from ..domain.observations import Report
from ..store.projections import load_claims
from ..store.tables import events as events_table
from .claims import now_iso
from .diffing import apply_recorded, diff_report


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


_ACCOUNTED = (
    ev.CLAIM_STATUS_CHANGED,
    ev.CLAIM_CORROBORATED,
    ev.CLAIM_VALUE_CHANGED,
    ev.CHANGE_SUSPECTED,
)


def _accounted_for(app: App) -> set[tuple[str, ...]]:
    """(report key, claim, kind[, suspected status]) that recorded events already cover."""
    out: set[tuple[str, ...]] = set()
    with app.engine.connect() as conn:
        rows = conn.execute(
            select(events_table.c.type, events_table.c.data).where(
                events_table.c.type.in_(_ACCOUNTED)
            )
        )
        for type_, data_json in rows:
            d = json.loads(data_json)
            key = (d.get("report") or {}).get("key")
            if not key:
                continue
            if type_ == ev.CLAIM_VALUE_CHANGED:
                out.add((key, d["claim"], "value"))
            elif type_ == ev.CHANGE_SUSPECTED:
                out.add((key, d["claim"], "suspected", d["to"]))
            else:
                out.add((key, d["claim"], "status"))
    return out


def _already_covered(event: ev.NewEvent, report_key: str, covered: set[tuple[str, ...]]) -> bool:
    claim = event.data["claim"]
    if event.type == ev.CLAIM_VALUE_CHANGED:
        return (report_key, claim, "value") in covered
    if (report_key, claim, "status") in covered:
        return True
    return event.type == ev.CHANGE_SUSPECTED and (
        (report_key, claim, "suspected", event.data["to"]) in covered
    )


def rediff(
    app: App, *, since_position: int = 0, apply: bool = False, notify: bool = False
) -> RediffResult:
    result = RediffResult()
    detectors = app.detectors
    with app.engine.connect() as conn:
        claims = load_claims(conn)
    meta = {"notify": True} if notify else None
    covered = _accounted_for(app)
    stamp = f"rediff|{DETECTOR_VERSION}|{app.settings.threshold}"
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
        events = [
            replace(e, dedup_key=f"{stamp}|{e.dedup_key}")
            for e in events
            if not _already_covered(e, report.key, covered)
        ]
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
