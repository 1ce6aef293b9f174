"""Who wants which changes, and when: subscriptions parsed from the configuration.

Pure: no I/O and no clock. Configuration mistakes raise `SubscriptionConfigError` naming the
key (``subscriptions[1].to[0]``) so the operator can find the line to fix.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from fnmatch import fnmatchcase
from typing import Any, Final, Literal
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from monitor.domain import events as ev
from monitor.domain.claims import Claim
from monitor.domain.events import RecordedEvent

# The kinds a subscriber names in `events:`, and the event types each stands for.
EVENT_KINDS: Final[dict[str, frozenset[str]]] = {
    "status": frozenset({ev.CLAIM_STATUS_CHANGED}),
    "value": frozenset({ev.CLAIM_VALUE_CHANGED}),
    "correction": frozenset({ev.CLAIM_CORRECTED}),
    "feed": frozenset({ev.FEED_FAILING, ev.FEED_RECOVERED}),
}
# Event types that concern a feed, not a claim: the claim selector does not apply to them.
FEED_EVENT_TYPES: Final = EVENT_KINDS["feed"]

WEEKDAYS: Final = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")

_EMAIL = re.compile(
    r"^[A-Za-z0-9!#$%&'*+/=?^_`{|}~.-]+"  # local part (dot-atom, no quoting)
    r"@[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?"
    r"(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*$"
)
_NAMED_EMAIL = re.compile(r"^(?P<name>[^<>\"]*?)\s*<(?P<addr>[^<>]+)>$")
_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$")
_CLOCK = re.compile(r"^(\d{1,2}):(\d{2})(?::(\d{2}))?$")
_GLOB_CHARS = frozenset("*?[")
_CONTROL = re.compile(r"[\x00-\x1f\x7f\x85\u2028\u2029]")


class SubscriptionConfigError(ValueError):
    """A subscription in the configuration is wrong; `key` says where."""

    def __init__(self, key: str, problem: str) -> None:
        super().__init__(f"{key}: {problem}")
        self.key = key
        self.problem = problem


@dataclass(frozen=True, slots=True)
class DigestSchedule:
    """When a digest goes out, in the subscriber's own time zone (so 08:00 stays 08:00 in DST).

    A digest period ends at a due moment; an event belongs to the first digest due strictly
    after it. `period_key` names that digest by the local date it is due on.
    """

    at: time
    timezone: str = "UTC"
    every: Literal["daily", "weekly"] = "daily"
    weekday: int | None = None  # 0 = Monday; weekly only

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    def _due_on(self, day: date) -> datetime:
        # fold=0: a wall time skipped by a DST jump lands just after it (02:30 -> 03:30), and
        # a wall time that happens twice is used once, the first time.
        local = datetime.combine(day, self.at.replace(tzinfo=None), tzinfo=self.zone)
        return local.astimezone(UTC)

    def _is_due_day(self, day: date) -> bool:
        return self.every == "daily" or day.weekday() == self.weekday

    def next_due(self, after: datetime) -> datetime:
        """The first due moment strictly after `after` (aware), in UTC."""
        _require_aware(after)
        day = after.astimezone(self.zone).date() - timedelta(days=1)
        for _ in range(16):
            if self._is_due_day(day):
                due = self._due_on(day)
                if due > after:
                    return due
            day += timedelta(days=1)
        raise AssertionError("unreachable: a weekly schedule is due within 8 days")

    def period_key(self, moment: datetime) -> str:
        """Name of the digest that carries an event at `moment`: its local due date."""
        return self.next_due(moment).astimezone(self.zone).date().isoformat()

    def due_at(self, period_key: str) -> datetime:
        """When the digest named `period_key` is due (UTC); inverse of `period_key`."""
        return self._due_on(date.fromisoformat(period_key))


@dataclass(frozen=True, slots=True)
class Webhook:
    """A signed webhook: the JSON body is signed with HMAC-SHA256 under the secret that the
    environment variable `secret_env` holds (kept out of the config file and the database)."""

    url: str
    secret_env: str
    timeout: float = 10.0


@dataclass(frozen=True, slots=True)
class Subscription:
    name: str
    to: tuple[str, ...]
    claims: tuple[str, ...] = ("*",)
    events: frozenset[str] = frozenset(EVENT_KINDS)
    mode: Literal["immediate", "digest"] = "immediate"
    digest: DigestSchedule | None = None
    min_confidence: float = 0.0
    apprise: tuple[str, ...] = ()  # Apprise URLs (ntfy://, discord://, json://, ...)
    webhook: Webhook | None = None

    @property
    def event_types(self) -> frozenset[str]:
        return frozenset().union(*(EVENT_KINDS[k] for k in self.events))


def _require_aware(moment: datetime) -> None:
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError(f"{moment!r} has no time zone; pass an aware datetime")


def is_glob(selector: str) -> bool:
    return any(c in _GLOB_CHARS for c in selector)


def matches(sub: Subscription, event: RecordedEvent, claim: Claim | None) -> bool:
    """Does `sub` want to hear of `event`? Feed events ignore the claim selector."""
    if event.type not in sub.event_types:
        return False
    if event.type not in FEED_EVENT_TYPES:
        claim_id = claim.id if claim is not None else event.data.get("claim")
        if not isinstance(claim_id, str) or not _selects(sub.claims, claim_id, claim):
            return False
    confidence = event.data.get("confidence")
    if isinstance(confidence, int | float) and not isinstance(confidence, bool):
        return confidence >= sub.min_confidence
    return True  # corrections and feed events carry no confidence


def _selects(selectors: tuple[str, ...], claim_id: str, claim: Claim | None) -> bool:
    names = [claim_id.casefold()]
    if claim is not None:
        names.append(claim.subject.casefold())
    for sel in selectors:
        if sel == "*" or sel == claim_id:
            return True
        if is_glob(sel) and any(fnmatchcase(n, sel.casefold()) for n in names):
            return True
        if claim is not None and sel.casefold() == claim.subject.casefold():
            return True
    return False


# --- parsing -------------------------------------------------------------------------------

_KEYS: Final = frozenset(
    {"name", "to", "claims", "events", "mode", "digest", "min_confidence", "apprise", "webhook"}
)
_WEBHOOK_KEYS: Final = frozenset({"url", "secret_env", "timeout"})
_ENV_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
_DIGEST_KEYS: Final = frozenset({"at", "timezone", "every", "weekday"})


def parse_subscriptions(
    raw: list[dict[str, Any]] | None,
    known_claims: Mapping[str, Claim],
    *,
    where: str = "subscriptions",
) -> list[Subscription]:
    """Validate the `subscriptions` section of the configuration."""
    if raw is None:
        return []
    if not isinstance(raw, list):
        raise SubscriptionConfigError(where, "must be a list of subscriptions")
    subs: list[Subscription] = []
    seen: dict[str, int] = {}
    for i, item in enumerate(raw):
        key = f"{where}[{i}]"
        sub = _parse_one(item, known_claims, key)
        if sub.name in seen:
            raise SubscriptionConfigError(
                f"{key}.name", f"{sub.name!r} is already used by {where}[{seen[sub.name]}]"
            )
        seen[sub.name] = i
        subs.append(sub)
    return subs


def _parse_one(item: Any, known: Mapping[str, Claim], key: str) -> Subscription:
    if not isinstance(item, dict):
        raise SubscriptionConfigError(key, "must be a mapping")
    unknown = sorted(set(item) - _KEYS, key=str)
    if unknown:
        raise SubscriptionConfigError(
            f"{key}.{unknown[0]}", f"unknown key; expected one of {', '.join(sorted(_KEYS))}"
        )

    name = item.get("name")
    if not isinstance(name, str) or not _NAME.match(name):
        raise SubscriptionConfigError(
            f"{key}.name",
            f"{name!r} is not a valid name (letters, digits, '.', '_', '-'; up to 64)",
        )

    apprise = tuple(
        _parse_apprise(u, f"{key}.apprise[{j}]")
        for j, u in enumerate(_listify(item.get("apprise", []), f"{key}.apprise"))
    )
    webhook = parse_webhook(item["webhook"], f"{key}.webhook") if "webhook" in item else None
    has_other = bool(apprise or webhook)
    raw_to = _as_list(item, "to", key) if "to" in item or not has_other else []
    to = tuple(_parse_address(a, f"{key}.to[{j}]") for j, a in enumerate(raw_to))
    if not to and not (apprise or webhook):
        raise SubscriptionConfigError(
            f"{key}.to", "needs at least one address (or an apprise URL or a webhook)"
        )

    claims_raw = item.get("claims", "*")
    claims = tuple(
        _parse_claim_selector(c, known, f"{key}.claims[{j}]")
        for j, c in enumerate(_listify(claims_raw, f"{key}.claims"))
    )
    if not claims:
        raise SubscriptionConfigError(f"{key}.claims", "needs at least one claim (or '*')")

    if "events" in item:
        kinds = _listify(item["events"], f"{key}.events")
        for j, kind in enumerate(kinds):
            if kind not in EVENT_KINDS:
                raise SubscriptionConfigError(
                    f"{key}.events[{j}]",
                    f"unknown event kind {kind!r}; expected one of {', '.join(EVENT_KINDS)}",
                )
        if not kinds:
            raise SubscriptionConfigError(f"{key}.events", "needs at least one event kind")
        events = frozenset(kinds)
    else:
        events = frozenset(EVENT_KINDS)

    mode = item.get("mode", "immediate")
    if mode not in ("immediate", "digest"):
        raise SubscriptionConfigError(
            f"{key}.mode", f"{mode!r} is not a mode; expected 'immediate' or 'digest'"
        )
    digest = None
    if mode == "digest":
        if "digest" not in item:
            raise SubscriptionConfigError(
                f"{key}.digest", "mode 'digest' needs a schedule, e.g. {at: '08:00'}"
            )
        digest = _parse_digest(item["digest"], f"{key}.digest")
    elif "digest" in item:
        raise SubscriptionConfigError(f"{key}.digest", "only allowed with mode: digest")

    min_conf = item.get("min_confidence", 0.0)
    if (
        isinstance(min_conf, bool)
        or not isinstance(min_conf, int | float)
        or not 0.0 <= min_conf <= 1.0
    ):
        raise SubscriptionConfigError(
            f"{key}.min_confidence", f"{min_conf!r} is not a number from 0 to 1"
        )

    return Subscription(
        name=name,
        to=to,
        claims=claims,
        events=events,
        mode=mode,
        digest=digest,
        min_confidence=float(min_conf),
        apprise=apprise,
        webhook=webhook,
    )


def _parse_apprise(value: Any, key: str) -> str:
    """An Apprise URL that Apprise itself can load (checked now, not at the first change)."""
    if not isinstance(value, str) or not value.strip() or _CONTROL.search(value):
        raise SubscriptionConfigError(key, f"{value!r} is not an Apprise URL")
    url = value.strip()
    import apprise  # a heavy import: only subscriptions that use it pay for it

    if "://" not in url or apprise.Apprise.instantiate(url) is None:
        scheme = url.split("://", 1)[0] if "://" in url else url
        raise SubscriptionConfigError(
            key,
            f"Apprise cannot use {redact_url(url)!r} (scheme {scheme!r}); "
            "see https://github.com/caronc/apprise/wiki for the URL formats",
        )
    return url


def parse_webhook(value: Any, key: str) -> Webhook:
    _check_mapping(value, key, _WEBHOOK_KEYS, "{url = ..., secret_env = ...}")
    url = value.get("url")
    parts = urlsplit(url) if isinstance(url, str) and not _CONTROL.search(url) else None
    if parts is None or parts.scheme not in ("http", "https") or not parts.hostname:
        raise SubscriptionConfigError(f"{key}.url", f"{url!r} is not an http(s) URL")
    secret_env = value.get("secret_env")
    if not isinstance(secret_env, str) or not _ENV_NAME.match(secret_env):
        raise SubscriptionConfigError(
            f"{key}.secret_env",
            f"{secret_env!r} is not an environment variable name (the secret itself stays "
            "out of the config file)",
        )
    timeout = value.get("timeout", 10.0)
    if isinstance(timeout, bool) or not isinstance(timeout, int | float) or timeout <= 0:
        raise SubscriptionConfigError(f"{key}.timeout", f"{timeout!r} is not a positive number")
    return Webhook(url=url, secret_env=secret_env, timeout=float(timeout))


# Schemes whose host is a server's name; in other (service) schemes the "host" is often the
# token itself ("tgram://BOTTOKEN/CHAT").
HOST_SCHEMES = frozenset({"http", "https", "json", "jsons", "xml", "xmls", "form", "forms"})


def redact_url(url: str) -> str:
    """A URL safe to show and store: the scheme, and the host only where it names a server
    (the rest often holds a token)."""
    try:
        parts = urlsplit(url)
        host = parts.hostname or ""
    except ValueError:
        return "(unparsable URL)"
    if parts.scheme.lower() not in HOST_SCHEMES:
        return f"{parts.scheme}://…"
    return f"{parts.scheme}://{host}/…" if host else f"{parts.scheme}://…"


def _as_list(item: dict[str, Any], field: str, key: str) -> list[Any]:
    if field not in item:
        raise SubscriptionConfigError(f"{key}.{field}", "is required")
    return _listify(item[field], f"{key}.{field}")


def _listify(value: Any, key: str) -> list[Any]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, list | tuple):
        return list(value)
    raise SubscriptionConfigError(key, "must be a string or a list of strings")


def _parse_address(value: Any, key: str) -> str:
    """Accept `a@b.example` or `Name <a@b.example>`; returned as written, trimmed."""
    if not isinstance(value, str) or _CONTROL.search(value):
        raise SubscriptionConfigError(key, f"{value!r} is not a valid email address")
    text = value.strip()
    named = _NAMED_EMAIL.match(text)
    addr = named.group("addr").strip() if named else text
    if not _EMAIL.match(addr) or ".." in addr or len(addr) > 254:
        raise SubscriptionConfigError(key, f"{value!r} is not a valid email address")
    return text


def _parse_claim_selector(value: Any, known: Mapping[str, Claim], key: str) -> str:
    if not isinstance(value, str) or not value.strip():
        raise SubscriptionConfigError(key, f"{value!r} is not a claim id or pattern")
    sel = value.strip()
    if sel == "*" or is_glob(sel) or sel in known:
        return sel
    if any(c.subject.casefold() == sel.casefold() for c in known.values()):
        return sel
    hint = difflib.get_close_matches(sel, list(known), n=3)
    also = f"; did you mean {', '.join(map(repr, hint))}?" if hint else ""
    raise SubscriptionConfigError(key, f"unknown claim id {sel!r}{also}")


def _check_mapping(value: Any, key: str, allowed: frozenset[str] | set[str], like: str) -> None:
    """A table of the config with only the keys it may have; an error names the first other."""
    if not isinstance(value, dict):
        raise SubscriptionConfigError(key, f"must be a mapping like {like}")
    unknown = sorted(set(value) - allowed, key=str)
    if unknown:
        raise SubscriptionConfigError(
            f"{key}.{unknown[0]}",
            f"unknown key; expected one of {', '.join(sorted(allowed))}",
        )


def _parse_digest(value: Any, key: str) -> DigestSchedule:
    _check_mapping(value, key, _DIGEST_KEYS, "{at: '08:00'}")
    at = _parse_clock(value.get("at"), f"{key}.at")

    tz = value.get("timezone", "UTC")
    try:
        if not isinstance(tz, str) or not tz:
            raise ValueError
        ZoneInfo(tz)
    except (ZoneInfoNotFoundError, ValueError):
        raise SubscriptionConfigError(
            f"{key}.timezone", f"{tz!r} is not a known time zone (e.g. 'Europe/Berlin')"
        ) from None

    every = value.get("every", "daily")
    if every not in ("daily", "weekly"):
        raise SubscriptionConfigError(
            f"{key}.every", f"{every!r} is not a schedule; expected 'daily' or 'weekly'"
        )
    weekday = None
    if every == "weekly":
        if "weekday" not in value:
            raise SubscriptionConfigError(f"{key}.weekday", "is required for a weekly digest")
        weekday = _parse_weekday(value["weekday"], f"{key}.weekday")
    elif "weekday" in value:
        raise SubscriptionConfigError(f"{key}.weekday", "only allowed with every: weekly")
    return DigestSchedule(at=at, timezone=tz, every=every, weekday=weekday)


def _parse_clock(value: Any, key: str) -> time:
    if isinstance(value, time):
        return value.replace(tzinfo=None)
    if isinstance(value, int) and not isinstance(value, bool):
        # YAML 1.1 reads an unquoted 8:00 as the number 480
        raise SubscriptionConfigError(key, f"{value!r}: write the time as a quoted 'HH:MM'")
    m = _CLOCK.match(value) if isinstance(value, str) else None
    if m is None:
        raise SubscriptionConfigError(key, f"{value!r} is not a time of day 'HH:MM'")
    h, mi, s = int(m.group(1)), int(m.group(2)), int(m.group(3) or 0)
    if h > 23 or mi > 59 or s > 59:
        raise SubscriptionConfigError(key, f"{value!r} is not a time of day 'HH:MM'")
    return time(h, mi, s)


def _parse_weekday(value: Any, key: str) -> int:
    if isinstance(value, int) and not isinstance(value, bool) and 0 <= value <= 6:
        return value
    if isinstance(value, str):
        low = value.strip().lower()
        for i, day in enumerate(WEEKDAYS):
            if low == day or (len(low) >= 3 and day.startswith(low)):
                return i
    raise SubscriptionConfigError(
        key, f"{value!r} is not a weekday; use 'monday'..'sunday' or 0 (Monday)..6"
    )
