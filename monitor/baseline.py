"""Baselines: the claims of a report, entering the log as `ClaimAsserted` events.

Two input forms: an event log (`.jsonl`, e.g. the shipped events/bmw-neue-klasse-2024.jsonl) and a
plain claims file (`.json`, schemas/claims.schema.json) that people write for their own reports.
Either is validated whole before anything is written.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .domain import events as ev
from .domain.claims import Claim, Source
from .errors import ValidationError
from .jsonl import read_verified
from .schemas import first_error, validate_event_data, validator


@dataclass(frozen=True)
class Article:
    title: str
    link: str
    published: str | None
    source: str
    summary: str = ""
    organizations: tuple[str, ...] = ()


def _claim_name(claims: list[Any], index: int) -> str:
    item = claims[index] if index < len(claims) else None
    if isinstance(item, dict) and isinstance(item.get("id"), str):
        return f"claim {item['id']!r} (claims[{index}])"
    return f"claims[{index}]"


def read_claims_file(path: Path) -> tuple[Article, list[dict[str, Any]]]:
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise ValidationError(f"{path}: cannot read: {exc.strerror}") from exc
    try:
        doc = json.loads(text)
    except json.JSONDecodeError as exc:
        raise ValidationError(f"{path}:{exc.lineno}: not valid JSON: {exc.msg}") from exc
    v = validator("claims.schema.json")
    best = None
    for err in v.iter_errors(doc):
        if best is None or len(err.absolute_path) > len(best.absolute_path):
            best = err
    if best is not None:
        p = list(best.absolute_path)
        if len(p) >= 2 and p[0] == "claims" and isinstance(p[1], int):
            field = ".".join(str(x) for x in p[2:]) or "(the claim)"
            raise ValidationError(
                f"{path}: {_claim_name(doc['claims'], p[1])}: {field}: {best.message}"
            )
        raise ValidationError(f"{path}: {first_error(v, doc)}")
    ids = [c["id"] for c in doc["claims"]]
    dupes = sorted({i for i in ids if ids.count(i) > 1})
    if dupes:
        raise ValidationError(f"{path}: claim id {dupes[0]!r} appears more than once")
    a = doc["article"]
    article = Article(
        title=a["title"],
        link=a["link"],
        published=a.get("published"),
        source=a.get("source", ""),
        summary=a.get("summary", ""),
        organizations=tuple(a.get("organizations", ())),
    )
    return article, doc["claims"]


def claims_file_events(path: Path, cause: str = "claims-file") -> list[ev.NewEvent]:
    article, claims = read_claims_file(path)
    occurred = article.published or "1970-01-01T00:00:00Z"
    out = []
    for c in claims:
        data = {
            "claim": c["id"],
            "subject": c["subject"],
            "aliases": list(c.get("aliases", [])),
            "lookalikes": list(c.get("lookalikes", [])),
            "status": c["status"],
            "value": c.get("value"),
            "quote": c.get("quote", ""),
            "source": {
                "title": article.title,
                "link": article.link,
                "published": article.published,
                "name": article.source,
                **({"organizations": list(article.organizations)} if article.organizations else {}),
            },
        }
        validate_event_data(ev.CLAIM_ASSERTED, 1, data, where=f"{path}: claim {c['id']!r}")
        out.append(
            ev.NewEvent(
                stream=ev.claim_stream(c["id"]),
                type=ev.CLAIM_ASSERTED,
                data=data,
                occurred_at=occurred,
                metadata={"cause": cause, "correlation_id": article.link},
                dedup_key=f"asserted|{article.link}|{c['id']}",
            )
        )
    return out


def log_file_events(path: Path) -> list[ev.NewEvent]:
    """Events of a .jsonl log, checked whole (schemas, positions, hash chain) before any write."""
    out = [
        ev.NewEvent(
            stream=recorded.stream,
            type=recorded.type,
            data=recorded.data,
            occurred_at=recorded.occurred_at,
            metadata=recorded.metadata,
            dedup_key=recorded.dedup_key,
            schema_version=recorded.schema_version,
        )
        for recorded in read_verified(path)
    ]
    if not out:
        raise ValidationError(f"{path}: no events")
    return out


def baseline_events(path: Path) -> list[ev.NewEvent]:
    if not path.exists():
        raise ValidationError(f"{path}: no such file")
    if path.suffix == ".jsonl":
        return log_file_events(path)
    return claims_file_events(path)


def claims_of(path: Path) -> dict[str, Claim]:
    """The claims a claims file asserts, as state (used by evaluation and tests)."""
    article, claims = read_claims_file(path)
    source = Source(
        article.title, article.link, article.published, article.source, article.organizations
    )
    return {
        c["id"]: Claim(
            id=c["id"],
            subject=c["subject"],
            status=c["status"],
            value=c.get("value"),
            aliases=tuple(c.get("aliases", ())),
            lookalikes=tuple(c.get("lookalikes", ())),
            quote=c.get("quote", ""),
            source=source,
            version=1,
        )
        for c in claims
    }


def baseline_state(path: Path) -> dict[str, Claim]:
    """The claims right after a baseline file is loaded into an empty log."""
    from .domain.fold import claim_id_of, evolve_claim

    state: dict[str, Claim] = {}
    for n, e in enumerate(baseline_events(path), start=1):
        cid = claim_id_of(e.stream)
        if cid is None:
            continue
        new = evolve_claim(state.get(cid), e.type, e.data, n, n, e.occurred_at)
        if new is not None:
            state[cid] = new
    return state
