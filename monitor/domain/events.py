"""Events: facts in the past tense.

`NewEvent` is what a caller appends; `RecordedEvent` what the log holds.

Event payloads are plain JSON dicts validated against `schemas/events/<Type>.v<N>.json`; the
names below are the only place an event type is spelled in code.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from typing import Any, Final

# Claim streams
CLAIM_ASSERTED: Final = "ClaimAsserted"
CLAIM_STATUS_CHANGED: Final = "ClaimStatusChanged"
CLAIM_VALUE_CHANGED: Final = "ClaimValueChanged"
CLAIM_CORROBORATED: Final = "ClaimCorroborated"
CLAIM_CORRECTED: Final = "ClaimCorrected"
CHANGE_SUSPECTED: Final = "ChangeSuspected"
# Feed streams
FEED_SUBSCRIBED: Final = "FeedSubscribed"
FEED_UNSUBSCRIBED: Final = "FeedUnsubscribed"
FEED_URL_CHANGED: Final = "FeedUrlChanged"
FEED_DISABLED: Final = "FeedDisabled"
FEED_FAILING: Final = "FeedFailing"
FEED_RECOVERED: Final = "FeedRecovered"
REPORT_RECORDED: Final = "ReportRecorded"
REPORT_REVISED: Final = "ReportRevised"
# Recipient streams: who asked to stop (or resume) getting a subscription's mail
RECIPIENT_UNSUBSCRIBED: Final = "RecipientUnsubscribed"
RECIPIENT_RESUBSCRIBED: Final = "RecipientResubscribed"

# The current schema version of each event type; older versions are upcast on read.
CURRENT_VERSIONS: Final[dict[str, int]] = {
    CLAIM_ASSERTED: 1,
    CLAIM_STATUS_CHANGED: 1,
    CLAIM_VALUE_CHANGED: 1,
    CLAIM_CORROBORATED: 1,
    CLAIM_CORRECTED: 1,
    CHANGE_SUSPECTED: 1,
    FEED_SUBSCRIBED: 1,
    FEED_UNSUBSCRIBED: 1,
    FEED_URL_CHANGED: 1,
    FEED_DISABLED: 1,
    FEED_FAILING: 1,
    FEED_RECOVERED: 1,
    REPORT_RECORDED: 1,
    REPORT_REVISED: 1,
    RECIPIENT_UNSUBSCRIBED: 1,
    RECIPIENT_RESUBSCRIBED: 1,
}

# What caused an event (metadata "cause"). Only these send notifications.
NOTIFYING_CAUSES: Final = frozenset({"poll", "person"})

GENESIS_HASH: Final = "0" * 64


def claim_stream(claim_id: str) -> str:
    return f"claim/{claim_id}"


def feed_stream(feed_id: str) -> str:
    return f"feed/{feed_id}"


def recipient_stream(address: str) -> str:
    """One stream per address (lowercased): an address has characters a stream name may not
    hold, and its opt-outs are ordered among themselves, so it is named by a digest."""
    digest = hashlib.sha256(address.strip().lower().encode("utf-8")).hexdigest()[:32]
    return f"recipient/{digest}"


@dataclass(frozen=True, slots=True)
class NewEvent:
    """An event not yet in the log: the store gives it a position, a version and a hash."""

    stream: str
    type: str
    data: dict[str, Any]
    occurred_at: str
    metadata: dict[str, Any] = field(default_factory=dict)
    dedup_key: str | None = None
    schema_version: int | None = None  # None: the type's current version

    @property
    def effective_schema_version(self) -> int:
        if self.schema_version is not None:
            return self.schema_version
        return CURRENT_VERSIONS.get(self.type, 1)


@dataclass(frozen=True, slots=True)
class RecordedEvent:
    position: int
    stream: str
    version: int
    type: str
    schema_version: int
    occurred_at: str
    recorded_at: str
    data: dict[str, Any]
    metadata: dict[str, Any]
    dedup_key: str | None
    prev_hash: str
    hash: str

    def to_json(self) -> dict[str, Any]:
        return {
            "position": self.position,
            "stream": self.stream,
            "version": self.version,
            "type": self.type,
            "schema_version": self.schema_version,
            "occurred_at": self.occurred_at,
            "recorded_at": self.recorded_at,
            "data": self.data,
            "metadata": self.metadata,
            "dedup_key": self.dedup_key,
            "prev_hash": self.prev_hash,
            "hash": self.hash,
        }

    @classmethod
    def from_json(cls, obj: dict[str, Any]) -> RecordedEvent:
        return cls(
            position=obj["position"],
            stream=obj["stream"],
            version=obj["version"],
            type=obj["type"],
            schema_version=obj["schema_version"],
            occurred_at=obj["occurred_at"],
            recorded_at=obj["recorded_at"],
            data=obj["data"],
            metadata=obj.get("metadata") or {},
            dedup_key=obj.get("dedup_key"),
            prev_hash=obj["prev_hash"],
            hash=obj["hash"],
        )
