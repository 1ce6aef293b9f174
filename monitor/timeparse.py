"""Parsing times given on the command line into the log's ISO 8601 UTC form."""

from __future__ import annotations

import re
from datetime import UTC, datetime, time, timedelta

from .errors import ValidationError


def log_time(moment: datetime) -> str:
    """An aware datetime as the log spells times (UTC, microseconds): text order is time
    order, so times compare as strings in SQL."""
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def parse_moment(text: str, *, option: str = "--as-of") -> str:
    """ISO date or datetime -> 'YYYY-MM-DDTHH:MM:SS.ffffffZ'. A bare date means its end (UTC):
    "what did we believe on 1 March" includes everything recorded that day."""
    raw = text.strip()
    try:
        if len(raw) == 10:
            day = datetime.fromisoformat(raw).date()
            moment = datetime.combine(day, time.max, tzinfo=UTC)
        else:
            moment = datetime.fromisoformat(raw.replace("Z", "+00:00"))
            if moment.tzinfo is None:
                moment = moment.replace(tzinfo=UTC)
    except ValueError as exc:
        raise ValidationError(
            f"{option}: {text!r} is not an ISO 8601 date or time (e.g. 2026-03-01 or "
            "2026-03-01T12:00:00Z)"
        ) from exc
    return log_time(moment)


def parse_since(text: str, now: datetime, *, option: str = "--since") -> str:
    """Like parse_moment, and also relative durations: '7d', '12h', '30m'."""
    raw = text.strip()
    units = {"d": 86400, "h": 3600, "m": 60, "s": 1}
    if raw[:-1].isdigit() and raw[-1:] in units:
        moment = now - timedelta(seconds=int(raw[:-1]) * units[raw[-1]])
        return log_time(moment)
    if len(raw) == 10:
        try:
            day = datetime.fromisoformat(raw).date()
        except ValueError:
            pass
        else:
            return log_time(datetime.combine(day, time.min, tzinfo=UTC))
    return parse_moment(raw, option=option)


_DURATION = re.compile(r"\s*(\d+(?:\.\d+)?)\s*([smhd]?)\s*")
_UNIT = {"": 1, "s": 1, "m": 60, "h": 3600, "d": 86400}


def parse_duration(text: str | None, what: str) -> float | None:
    """Seconds from "900", "90s", "15m", "2h" or "1d"; None for nothing given. `what` names
    the option or field in the error ("--interval", "interval")."""
    if text is None or not text.strip():
        return None
    m = _DURATION.fullmatch(text.lower())
    if not m:
        raise ValidationError(f"{what}: {text!r} is not a duration (e.g. 900, 15m, 2h)")
    seconds = float(m.group(1)) * _UNIT[m.group(2)]
    if seconds <= 0:
        raise ValidationError(f"{what}: must be positive")
    return seconds
