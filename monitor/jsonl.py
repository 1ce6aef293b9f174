"""The portable form of the log: one recorded event per line, hashes kept (events/*.jsonl)."""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import IO

from .domain.events import GENESIS_HASH, RecordedEvent
from .domain.hashing import canonical_json, is_keyed, recorded_hash
from .errors import ValidationError
from .schemas import first_error, validate_event_data, validator


def dump_line(event: RecordedEvent) -> str:
    return canonical_json(event.to_json())


def write_events(events: Iterable[RecordedEvent], out: IO[str]) -> int:
    n = 0
    for event in events:
        out.write(dump_line(event))
        out.write("\n")
        n += 1
    return n


def read_events(path: Path) -> Iterator[RecordedEvent]:
    """Parse and validate (envelope schema) each line; errors name the file and line."""
    for _, event in _numbered_events(path):
        yield event


def read_verified(path: Path, key: bytes | None = None) -> Iterator[RecordedEvent]:
    """Like `read_events`, and also each event's data schema, positions from 1 without gaps,
    each hash and the chain, and times that never go back: a file that yields to the end is a
    whole, untouched log. Keyed events (HMAC chain) need ``key``: refused without it."""
    prev = GENESIS_HASH
    expected = 1
    last_recorded_at = ""
    for lineno, event in _numbered_events(path):
        where = f"{path}:{lineno}"
        if event.position != expected:
            raise ValidationError(f"{where}: position {event.position}, expected {expected}")
        try:
            validate_event_data(event.type, event.schema_version, event.data)
        except ValidationError as exc:
            raise ValidationError(f"{where}: {exc}") from exc
        if event.prev_hash != prev:
            raise ValidationError(f"{where}: prev_hash does not chain onto the event before")
        if event.recorded_at < last_recorded_at:
            raise ValidationError(
                f"{where}: recorded_at {event.recorded_at} is before the previous event's "
                f"{last_recorded_at}: a log's times never go back (time travel would answer wrong)"
            )
        last_recorded_at = event.recorded_at
        keyed = is_keyed(event.metadata)
        if keyed and key is None:
            raise ValidationError(
                f"{where}: the event is keyed (HMAC chain): set the variable integrity.key_env "
                "names to the log's key to verify it"
            )
        if recorded_hash(event, key if keyed else None) != event.hash:
            raise ValidationError(f"{where}: hash does not match the event's content")
        prev = event.hash
        expected += 1
        yield event


def _numbered_events(path: Path) -> Iterator[tuple[int, RecordedEvent]]:
    v = validator("event.schema.json")
    try:
        handle = path.open(encoding="utf-8")
    except OSError as exc:
        raise ValidationError(f"{path}: cannot read: {exc.strerror}") from exc
    with handle:
        for lineno, line in enumerate(handle, start=1):
            if not line.strip():
                continue
            try:
                obj = json.loads(line)
            except json.JSONDecodeError as exc:
                raise ValidationError(f"{path}:{lineno}: not valid JSON: {exc.msg}") from exc
            message = first_error(v, obj)
            if message:
                raise ValidationError(f"{path}:{lineno}: {message}")
            yield lineno, RecordedEvent.from_json(obj)
