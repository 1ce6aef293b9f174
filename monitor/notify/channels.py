"""Notifications beyond email: signed webhooks and Apprise URLs, fed by the same outbox.

Each destination is its own outbox row, so the outbox's guarantees hold unchanged: a row is
marked delivered only after the receiver accepted it; a transient failure (connection refused,
timeout, 408/425/429/5xx) retries with back-off; a refusal (other 4xx) is a dead letter. A retry
sends the very same body with the same `X-Monitor-Delivery` / `Idempotency-Key` (the outbox
row's id, fixed at enqueue), so a receiver that got the first attempt drops the second.

Signing: `X-Monitor-Signature: sha256=<hex HMAC-SHA256 of the raw body under the secret>`, as
GitHub signs its webhooks. The body holds no send time, so a retry is byte for byte the first
attempt and carries the same signature. Receivers check it with `verify_signature`.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import os
from collections.abc import Sequence
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from typing import Any, Final

import httpx

from monitor import __version__
from monitor.domain.claims import Claim
from monitor.domain.events import RecordedEvent

from .render import FeedInfo, MailContext, cards_for, message_summary
from .safety import one_line
from .subscriptions import Webhook
from .transports import DeliveryError

SIGNATURE_HEADER: Final = "X-Monitor-Signature"
DELIVERY_HEADER: Final = "X-Monitor-Delivery"
TRANSIENT_STATUS: Final = frozenset({408, 425, 429})
RETRY_AFTER_CAP: Final = 6 * 3600.0


def sign(secret: str, body: bytes) -> str:
    """The signature header's value for `body`."""
    digest = hmac.new(secret.encode("utf-8"), body, hashlib.sha256).hexdigest()
    return f"sha256={digest}"


def verify_signature(secret: str, body: bytes, header: str | None) -> bool:
    """What a receiver does: recompute and compare in constant time."""
    return bool(header) and hmac.compare_digest(sign(secret, body), header or "")


def _event_json(event: RecordedEvent, claim: Claim | None) -> dict[str, Any]:
    data = event.data
    out: dict[str, Any] = {
        "position": event.position,
        "type": event.type,
        "stream": event.stream,
        "occurred_at": event.occurred_at,
        "recorded_at": event.recorded_at,
        "hash": event.hash,
        "data": data,
    }
    if claim is not None:
        out["claim"] = {"id": claim.id, "subject": claim.subject, "status": claim.status}
        if claim.value is not None:
            out["claim"]["value"] = claim.value
    return out


def payload(
    items: Sequence[tuple[RecordedEvent, Claim | None]],
    *,
    subscription: str,
    delivery_id: str,
    ctx: MailContext,
    feeds: dict[str, FeedInfo] | None = None,
    period: str | None = None,
) -> dict[str, Any]:
    """The webhook's JSON: a summary a chat bot can post as is, one entry per claim (or feed)
    as the email shows them, and the events themselves. Deterministic: a retry is identical."""
    ordered = sorted(items, key=lambda item: item[0].position)
    cards = cards_for(ordered, ctx, feeds)
    kinds = {c["kind"] for c in cards}
    kind = "digest" if period else ("feed" if kinds == {"feed"} else "claims")
    return {
        "id": delivery_id,
        "kind": kind,
        "subscription": subscription,
        "period": period,
        "summary": message_summary(cards),
        "items": [
            {
                "kind": c["kind"],
                "claim": c["claim_id"] or None,
                "subject": c["subject"],
                "summary": c["summary"],
                "changes": c["changes"],
                "evidence": c["evidence"],
                "report": (
                    {k: c["report"][k] for k in ("title", "link", "source", "published")}
                    if c["report"]
                    else None
                ),
                "confidence": float(c["confidence"].split(", ")[0]) if c["confidence"] else None,
                "feed": (
                    {k: c["feed"][k] for k in ("id", "name", "url", "failing", "reason", "error")}
                    if c["feed"]
                    else None
                ),
                "events": [e["position"] for e in c["events"]],
            }
            for c in cards
        ],
        "events": [_event_json(e, c) for e, c in ordered],
    }


def markdown(body: dict[str, Any]) -> tuple[str, str]:
    """(title, body) for Apprise: the summary, and a few lines per item."""
    lines: list[str] = []
    for item in body["items"]:
        lines.append(f"**{item['subject']}**")
        for change in item["changes"]:
            lines.append(f"- {change['field']}: {change['old']} → {change['new']}")
        if item["feed"]:
            f = item["feed"]
            state = f"failing: {f['reason']}" if f["failing"] else "working again"
            lines.append(f"- {state}")
            if f["failing"] and f["error"]:
                lines.append(f"- error: {f['error']}")
        for sentence in item["evidence"][:1]:
            lines.append(f"> {sentence}")
        report = item["report"]
        if report and report["link"]:
            label = report["source"] or "the report"
            lines.append(f"[{label}]({report['link']})")
        lines.append("")
    return one_line(body["summary"], 250), "\n".join(lines).strip()


def _retry_after(value: str | None) -> float | None:
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return min(float(value), RETRY_AFTER_CAP)
    try:
        moment = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    seconds = (moment - datetime.now(UTC)).total_seconds() if moment.tzinfo else None
    return None if seconds is None else max(0.0, min(seconds, RETRY_AFTER_CAP))


class WebhookTransport:
    """POSTs a signed JSON body; every failure is a DeliveryError that says if a retry helps."""

    def __init__(self, client: httpx.Client | None = None) -> None:
        self._client = client

    @property
    def client(self) -> httpx.Client:
        """Made on first use: a pass without webhooks opens nothing."""
        if self._client is None:
            self._client = httpx.Client(follow_redirects=False)
        return self._client

    def send(self, hook: Webhook, body: dict[str, Any], delivery_id: str) -> None:
        secret = os.environ.get(hook.secret_env)
        if not secret:
            raise DeliveryError(
                f"webhook {hook.url}: the environment variable {hook.secret_env} (its signing "
                "secret) is not set",
                permanent=False,
                reply="no secret",
            )
        raw = json.dumps(body, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
        data = raw.encode("utf-8", "surrogatepass")
        headers = {
            "Content-Type": "application/json",
            "User-Agent": f"monitor/{__version__} (webhook)",
            SIGNATURE_HEADER: sign(secret, data),
            DELIVERY_HEADER: delivery_id,
            "Idempotency-Key": delivery_id,
        }
        try:
            response = self.client.post(
                hook.url, content=data, headers=headers, timeout=hook.timeout
            )
        except httpx.TimeoutException as exc:
            raise DeliveryError(
                f"webhook {hook.url}: no answer within {hook.timeout:g}s ({type(exc).__name__})",
                permanent=False,
                reply=f"timeout: {type(exc).__name__}",
            ) from exc
        except httpx.HTTPError as exc:
            raise DeliveryError(
                f"webhook {hook.url}: {type(exc).__name__}: {exc}",
                permanent=False,
                reply=f"{type(exc).__name__}: {exc}",
            ) from exc
        status = response.status_code
        if 200 <= status < 300:
            return
        text = one_line(response.text, 300)
        reply = f"{status} {text}".strip()
        transient = status in TRANSIENT_STATUS or status >= 500
        error = DeliveryError(
            f"webhook {hook.url} answered HTTP {reply}",
            permanent=not transient,
            reply=reply,
        )
        error.retry_after = _retry_after(response.headers.get("Retry-After"))
        raise error

    def close(self) -> None:
        if self._client is not None:
            self._client.close()
            self._client = None


class AppriseTransport:
    """Sends through Apprise (ntfy, Discord, Slack, Matrix, json://, ... ): 100+ services.

    Apprise says only whether it worked, so every failure counts as transient (retried with
    back-off); the reason is taken from Apprise's log.
    """

    def send(self, url: str, title: str, body: str) -> None:
        import apprise

        notifier = apprise.Apprise()
        if not notifier.add(url):
            raise DeliveryError(
                "Apprise cannot use this URL any more", permanent=True, reply="bad URL"
            )
        with apprise.LogCapture(level=apprise.logging.WARNING) as log:
            ok = notifier.notify(title=title, body=body, body_format=apprise.NotifyFormat.MARKDOWN)
            logged = one_line(log.getvalue(), 500)
        if not ok:
            raise DeliveryError(
                f"Apprise could not deliver: {logged or 'no reason given'}",
                permanent=False,
                reply=logged or "failed",
            )


__all__ = [
    "AppriseTransport",
    "WebhookTransport",
    "markdown",
    "payload",
    "sign",
    "verify_signature",
]
