"""The diff step as the service layer runs it: one report, the current claims, the detector.

Shared by polling, `rediff` and `check`, so all three judge a report the same way.
"""

from __future__ import annotations

import hashlib
import threading
from collections.abc import Mapping

from ..config import Settings
from ..detect import DETECTOR_VERSION, Detector, load_lexicon
from ..detect.lexicon import Lexicon
from ..domain import events as ev
from ..domain.claims import Claim
from ..domain.decide import decide
from ..domain.fold import claim_id_of, evolve_claim
from ..domain.observations import Observation, Report
from ..errors import ConfigError


def report_key(identity: str, content_hash: str) -> str:
    """Feed-independent identity of one version of a report: the same article carried by
    two feeds dedups to one change."""
    return "r:" + hashlib.sha256(f"{identity}\n{content_hash}".encode()).hexdigest()[:32]


class DetectorCache:
    """One compiled detector per set of claims (aliases change only with a new baseline)."""

    def __init__(self, settings: Settings) -> None:
        self._settings = settings
        self._lexicon: Lexicon | None = None
        self._key: tuple | None = None
        self._detector: Detector | None = None
        self._lock = threading.Lock()

    def lexicon(self) -> Lexicon:
        if self._lexicon is None:
            try:
                self._lexicon = load_lexicon(self._settings.lexicon_paths)
            except ValueError as exc:  # LexiconError names the file and the path
                raise ConfigError(f"detector.lexicon: {exc}") from exc
        return self._lexicon

    def get(self, claims: Mapping[str, Claim]) -> Detector:
        key = tuple(sorted((c.id, c.subject, c.aliases, c.lookalikes) for c in claims.values()))
        with self._lock:
            if self._detector is None or key != self._key:
                self._detector = Detector(list(claims.values()), self.lexicon())
                self._key = key
            return self._detector


def diff_report(
    claims: Mapping[str, Claim],
    report: Report,
    detector: Detector,
    now: str,
    *,
    threshold: float,
    cause: str,
    extra_metadata: Mapping[str, object] | None = None,
) -> tuple[list[Observation], list[ev.NewEvent]]:
    observations = detector.observe(report, claims)
    events = decide(
        claims,
        report,
        observations,
        now,
        threshold=threshold,
        detector_version=DETECTOR_VERSION,
        cause=cause,
    )
    if extra_metadata:
        events = [
            ev.NewEvent(
                e.stream,
                e.type,
                e.data,
                e.occurred_at,
                {**e.metadata, **extra_metadata},
                e.dedup_key,
                e.schema_version,
            )
            for e in events
        ]
    return observations, events


def apply_recorded(claims: dict[str, Claim], recorded: list[ev.RecordedEvent]) -> None:
    """Keep a local claims state in step with what was just appended."""
    for e in recorded:
        cid = claim_id_of(e.stream)
        if cid is None:
            continue
        new = evolve_claim(claims.get(cid), e.type, e.data, e.position, e.version, e.recorded_at)
        if new is not None:
            claims[cid] = new
