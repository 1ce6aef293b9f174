"""The diff: observations of one report, against the current claims, become events.

Pure: the caller passes the state and `now`. Each event's deduplication key is made of the
report's key, the claim and the kind of event, so the same report decided twice appends nothing.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from . import events as ev
from .claims import Claim
from .observations import Observation, Report

DEFAULT_THRESHOLD = 0.7


def report_ref(report: Report) -> dict[str, Any]:
    return {
        "key": report.key,
        "link": report.link,
        "title": report.title,
        "published": report.published,
        "source": report.source,
        "feed": report.feed,
    }


def _best_per_claim(observations: Iterable[Observation]) -> dict[str, Observation]:
    """One observation per claim: a status beats none, then the most confident."""
    best: dict[str, Observation] = {}
    for obs in observations:
        cur = best.get(obs.claim)
        if cur is None:
            best[obs.claim] = obs
            continue
        rank_new = (obs.status is not None, obs.confidence)
        rank_cur = (cur.status is not None, cur.confidence)
        if rank_new > rank_cur:
            # keep a value found by a weaker observation if the stronger one has none
            if obs.value is None and cur.value is not None:
                obs = Observation(
                    obs.claim, obs.status, obs.confidence, obs.evidence, cur.value, obs.why
                )
            best[obs.claim] = obs
        elif cur.value is None and obs.value is not None:
            best[obs.claim] = Observation(
                cur.claim, cur.status, cur.confidence, cur.evidence, obs.value, cur.why
            )
    return best


def decide(
    claims: Mapping[str, Claim],
    report: Report,
    observations: Iterable[Observation],
    now: str,
    *,
    threshold: float = DEFAULT_THRESHOLD,
    detector_version: str = "",
    cause: str = "poll",
    occurred_at: str | None = None,
) -> list[ev.NewEvent]:
    occurred = occurred_at or report.published or now
    ref = report_ref(report)
    meta = {"cause": cause, "correlation_id": report.key}
    out: list[ev.NewEvent] = []
    for claim_id, obs in sorted(_best_per_claim(observations).items()):
        claim = claims.get(claim_id)
        if claim is None:
            continue
        stream = ev.claim_stream(claim_id)
        base = {
            "claim": claim_id,
            "evidence": obs.evidence,
            "report": ref,
            "confidence": round(float(obs.confidence), 4),
            "detector_version": detector_version,
            "why": list(obs.why),
        }

        def event(
            type_: str,
            data: dict[str, Any],
            kind: str,
            stream: str = stream,
            claim_id: str = claim_id,
        ) -> ev.NewEvent:
            return ev.NewEvent(
                stream=stream,
                type=type_,
                data=data,
                occurred_at=occurred,
                metadata=dict(meta),
                dedup_key=f"{report.key}|{claim_id}|{kind}",
            )

        if obs.status is not None:
            if obs.status == claim.status:
                out.append(event(ev.CLAIM_CORROBORATED, {**base, "status": obs.status}, "status"))
            elif obs.confidence >= threshold:
                out.append(
                    event(
                        ev.CLAIM_STATUS_CHANGED,
                        {**base, "from": claim.status, "to": obs.status},
                        "status",
                    )
                )
            else:
                out.append(
                    event(
                        ev.CHANGE_SUSPECTED,
                        {**base, "from": claim.status, "to": obs.status},
                        "status",
                    )
                )
        if obs.value is not None and obs.value != claim.value and obs.confidence >= threshold:
            out.append(
                event(
                    ev.CLAIM_VALUE_CHANGED, {**base, "from": claim.value, "to": obs.value}, "value"
                )
            )
    return out
