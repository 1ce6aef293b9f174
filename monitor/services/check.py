"""`monitor check`: judge each entry of a feed document against the claims, writing nothing."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ..app import fetch_policy
from ..config import Settings
from ..domain import events as ev
from ..domain.claims import Claim
from ..domain.observations import Report
from ..feeds.fetch import Fetcher
from ..feeds.parse import FeedParseError, parse_feed
from .claims import now_iso
from .diffing import DetectorCache, diff_report, report_key


def check_source(
    settings: Settings, claims: Mapping[str, Claim], source: str, *, explain: bool = False
) -> dict[str, Any]:
    p = settings.polling
    with Fetcher(fetch_policy(settings)) as fetcher:
        result = fetcher.fetch(source)
    if result.error:
        return {"source": source, "entries": [], "error": result.error}
    try:
        parsed = parse_feed(
            result.body or b"", result.headers, url=result.final_url, max_entries=p.max_entries
        )
    except FeedParseError as exc:
        return {"source": source, "entries": [], "error": f"unusable feed: {exc}"}
    detector = DetectorCache(settings).get(claims)
    entries = []
    for entry in parsed.entries:
        report = Report(
            key=report_key(entry.identity, entry.content_hash),
            title=entry.title,
            text=entry.text,
            link=entry.link or "",
            published=entry.published,
        )
        _, events = diff_report(
            claims, report, detector, now_iso(), threshold=settings.threshold, cause="poll"
        )
        row: dict[str, Any] = {
            "id": entry.identity,
            "link": entry.link,
            "title": entry.title,
            "changes": [],
            "value_changes": [],
            "corroborations": [],
            "suspected": [],
        }
        for e in events:
            d = e.data
            if e.type == ev.CLAIM_STATUS_CHANGED:
                row["changes"].append(
                    {
                        "claim": d["claim"],
                        "from": d["from"],
                        "to": d["to"],
                        "confidence": d["confidence"],
                        "evidence": d["evidence"],
                    }
                )
            elif e.type == ev.CLAIM_VALUE_CHANGED:
                row["value_changes"].append(
                    {
                        "claim": d["claim"],
                        "from": d["from"],
                        "to": d["to"],
                        "evidence": d["evidence"],
                    }
                )
            elif e.type == ev.CLAIM_CORROBORATED:
                row["corroborations"].append({"claim": d["claim"], "status": d["status"]})
            elif e.type == ev.CHANGE_SUSPECTED:
                row["suspected"].append(
                    {
                        "claim": d["claim"],
                        "from": d["from"],
                        "to": d["to"],
                        "confidence": d["confidence"],
                        "evidence": d["evidence"],
                    }
                )
        if explain:
            explanation = detector.explain(report, claims)
            row["explain"] = explanation.to_json()
            row["explain_text"] = explanation.to_text()
        entries.append(row)
    out: dict[str, Any] = {"source": source, "entries": entries}
    if parsed.warning:
        out["warning"] = parsed.warning
    return out
