"""The portable form of the log: one recorded event per line, hashes kept (events/*.jsonl)."""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import IO

from .domain.events import RecordedEvent
from .domain.hashing import canonical_json
from .errors import ValidationError
from .schemas import first_error, validator


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
            yield RecordedEvent.from_json(obj)
