"""Subscriptions: configuration errors name the key; matching; digest schedules across DST."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from monitor.domain import events as ev
from monitor.domain.claims import Claim
from monitor.domain.events import RecordedEvent
from monitor.notify.subscriptions import (
    EVENT_KINDS,
    DigestSchedule,
    Subscription,
    SubscriptionConfigError,
    matches,
    parse_subscriptions,
)

BERLIN = ZoneInfo("Europe/Berlin")

CLAIMS = {
    "i4-conv": Claim(id="i4-conv", subject="BMW i4 Convertible (NA3)", status="unapproved"),
    "i4-coupe": Claim(id="i4-coupe", subject="BMW i4 Coupe (NA2)", status="approved"),
    "ix3": Claim(id="ix3", subject="BMW iX3 (Neue Klasse crossover)", status="confirmed"),
}


def event(type_: str = ev.CLAIM_STATUS_CHANGED, claim: str = "i4-conv", **data) -> RecordedEvent:
    payload = {"claim": claim, "from": "unapproved", "to": "approved", "confidence": 0.9}
    if type_ in (ev.FEED_FAILING, ev.FEED_RECOVERED):
        payload = {"feed": "autocar", "url": "https://autocar.example/rss"}
    elif type_ == ev.CLAIM_CORRECTED:
        payload = {"claim": claim, "status": "unapproved", "from_status": "approved"}
    payload.update(data)
    return RecordedEvent(
        position=1,
        stream=f"claim/{claim}",
        version=1,
        type=type_,
        schema_version=1,
        occurred_at="2026-11-25T08:00:00Z",
        recorded_at="2026-11-25T08:00:01Z",
        data=payload,
        metadata={},
        dedup_key=None,
        prev_hash=ev.GENESIS_HASH,
        hash="a" * 64,
    )


def parse_one(**item) -> Subscription:
    base = {"name": "alice", "to": "alice@example.org"}
    return parse_subscriptions([{**base, **item}], CLAIMS)[0]


def config_error(raw: list[dict]) -> str:
    with pytest.raises(SubscriptionConfigError) as info:
        parse_subscriptions(raw, CLAIMS)
    return str(info.value)


# --- parsing -----------------------------------------------------------------------------------


def test_parse_full_subscription() -> None:
    [sub] = parse_subscriptions(
        [
            {
                "name": "bmw-digest",
                "to": ["alice@example.org", "Bob <bob@example.org>"],
                "claims": ["i4-conv", "BMW iX*"],
                "events": ["status", "value"],
                "mode": "digest",
                "digest": {
                    "at": "08:00",
                    "timezone": "Europe/Berlin",
                    "every": "weekly",
                    "weekday": "monday",
                },
                "min_confidence": 0.8,
            }
        ],
        CLAIMS,
    )
    assert sub.to == ("alice@example.org", "Bob <bob@example.org>")
    assert sub.claims == ("i4-conv", "BMW iX*")
    assert sub.events == frozenset({"status", "value"})
    assert sub.digest == DigestSchedule(time(8, 0), "Europe/Berlin", "weekly", 0)
    assert sub.min_confidence == 0.8


def test_defaults() -> None:
    sub = parse_one()
    assert sub.claims == ("*",)
    assert sub.events == frozenset(EVENT_KINDS)
    assert sub.mode == "immediate" and sub.digest is None
    assert sub.min_confidence == 0.0


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        (
            [{"name": "a", "to": "a@example.org"}, {"name": "b", "to": ["bob@"]}],
            "subscriptions[1].to[0]: 'bob@' is not a valid email address",
        ),
        (
            [{"name": "a", "to": "a@example.org\r\nBcc: evil@example.org"}],
            "subscriptions[0].to[0]:",
        ),
        ([{"name": "a", "to": []}], "subscriptions[0].to: needs at least one address"),
        ([{"name": "a"}], "subscriptions[0].to: is required"),
        (
            [{"name": "a", "to": "a@example.org", "claims": ["i4-convertible"]}],
            "subscriptions[0].claims[0]: unknown claim id 'i4-convertible'; did you mean 'i4-conv'",
        ),
        (
            [{"name": "a", "to": "a@example.org", "events": ["status", "price"]}],
            "subscriptions[0].events[1]: unknown event kind 'price'",
        ),
        (
            [{"name": "a", "to": "a@example.org", "mode": "digest", "digest": {"at": "25:00"}}],
            "subscriptions[0].digest.at: '25:00' is not a time of day",
        ),
        (
            [{"name": "a", "to": "a@example.org", "mode": "digest", "digest": {"at": 480}}],
            "subscriptions[0].digest.at: 480: write the time as a quoted 'HH:MM'",
        ),
        (
            [
                {
                    "name": "a",
                    "to": "a@example.org",
                    "mode": "digest",
                    "digest": {"at": "08:00", "timezone": "Europe/Berlim"},
                }
            ],
            "subscriptions[0].digest.timezone: 'Europe/Berlim' is not a known time zone",
        ),
        (
            [
                {
                    "name": "a",
                    "to": "a@example.org",
                    "mode": "digest",
                    "digest": {"at": "08:00", "every": "weekly"},
                }
            ],
            "subscriptions[0].digest.weekday: is required for a weekly digest",
        ),
        (
            [{"name": "a", "to": "a@example.org", "mode": "digest"}],
            "subscriptions[0].digest: mode 'digest' needs a schedule",
        ),
        (
            [{"name": "a", "to": "a@example.org", "mode": "hourly"}],
            "subscriptions[0].mode: 'hourly' is not a mode",
        ),
        (
            [{"name": "a", "to": "a@example.org", "min_confidence": 1.5}],
            "subscriptions[0].min_confidence: 1.5 is not a number from 0 to 1",
        ),
        (
            [{"name": "a", "to": "a@example.org", "cc": "b@example.org"}],
            "subscriptions[0].cc: unknown key",
        ),
        (
            [{"name": "a", "to": "a@example.org"}, {"name": "a", "to": "b@example.org"}],
            "subscriptions[1].name: 'a' is already used by subscriptions[0]",
        ),
    ],
)
def test_errors_name_the_key(raw: list[dict], expected: str) -> None:
    assert config_error(raw).startswith(expected)


def test_where_prefixes_the_key() -> None:
    with pytest.raises(SubscriptionConfigError) as info:
        parse_subscriptions([{"name": "a", "to": "x"}], CLAIMS, where="notify.subscriptions")
    assert info.value.key == "notify.subscriptions[0].to[0]"


def test_exact_subject_is_a_selector() -> None:
    assert parse_one(claims="BMW i4 Coupe (NA2)").claims == ("BMW i4 Coupe (NA2)",)


# --- matching ------------------------------------------------------------------------------------


def test_match_by_id_star_and_glob() -> None:
    e = event(claim="i4-conv")
    claim = CLAIMS["i4-conv"]
    assert matches(parse_one(claims="i4-conv"), e, claim)
    assert not matches(parse_one(claims="ix3"), e, claim)
    assert matches(parse_one(claims="*"), e, claim)
    assert matches(parse_one(claims="BMW i4*"), e, claim)
    assert matches(parse_one(claims="bmw i4 conv*"), e, claim)  # globs ignore case
    assert matches(parse_one(claims="i4-*"), e, claim)  # globs also match ids
    assert not matches(parse_one(claims="BMW iX*"), e, claim)
    assert matches(parse_one(claims="BMW i4 Convertible (NA3)"), e, claim)


def test_match_without_the_claim_uses_the_event_id() -> None:
    assert matches(parse_one(claims="i4-*"), event(claim="i4-conv"), None)
    assert not matches(parse_one(claims="BMW i4*"), event(claim="i4-conv"), None)


def test_match_by_event_kind() -> None:
    sub = parse_one(events=["value", "correction"])
    claim = CLAIMS["i4-conv"]
    assert not matches(sub, event(ev.CLAIM_STATUS_CHANGED), claim)
    assert matches(sub, event(ev.CLAIM_VALUE_CHANGED, **{"from": "2028", "to": "2029"}), claim)
    assert matches(sub, event(ev.CLAIM_CORRECTED), claim)
    assert not matches(sub, event(ev.FEED_FAILING), None)
    assert not matches(parse_one(), event(ev.CLAIM_CORROBORATED), claim)  # never notifies


def test_feed_events_ignore_the_claim_selector() -> None:
    sub = parse_one(claims="ix3", events=["feed"])
    assert matches(sub, event(ev.FEED_FAILING, error="HTTP 503", failures=3), None)
    assert matches(sub, event(ev.FEED_RECOVERED), None)


def test_min_confidence() -> None:
    sub = parse_one(min_confidence=0.8)
    claim = CLAIMS["i4-conv"]
    assert matches(sub, event(confidence=0.8), claim)
    assert matches(sub, event(confidence=0.95), claim)
    assert not matches(sub, event(confidence=0.79), claim)
    # corrections and feed events carry no confidence: they always pass
    assert matches(sub, event(ev.CLAIM_CORRECTED), claim)
    assert matches(sub, event(ev.FEED_FAILING), None)


# --- digest schedules ----------------------------------------------------------------------------


def test_daily_next_due_keeps_local_time_across_dst() -> None:
    sched = DigestSchedule(time(8, 0), "Europe/Berlin")
    # Spring forward: Sunday 2026-03-29, 02:00 CET -> 03:00 CEST.
    due = sched.next_due(datetime(2026, 3, 28, 7, 30, tzinfo=UTC))  # 08:30 CET, after 08:00
    assert due == datetime(2026, 3, 29, 6, 0, tzinfo=UTC)  # 08:00 CEST
    assert due.astimezone(BERLIN).hour == 8
    assert due - datetime(2026, 3, 28, 7, 0, tzinfo=UTC) == timedelta(hours=23)
    # Fall back: Sunday 2026-10-25, 03:00 CEST -> 02:00 CET.
    due = sched.next_due(datetime(2026, 10, 24, 6, 0, tzinfo=UTC))  # 08:00 CEST exactly
    assert due == datetime(2026, 10, 25, 7, 0, tzinfo=UTC)  # 08:00 CET, 25 hours later
    assert due.tzinfo == UTC


def test_next_due_is_strictly_after() -> None:
    sched = DigestSchedule(time(8, 0), "Europe/Berlin")
    at_due = datetime(2026, 11, 25, 7, 0, tzinfo=UTC)  # 08:00 CET
    assert sched.next_due(at_due) == datetime(2026, 11, 26, 7, 0, tzinfo=UTC)
    assert sched.next_due(at_due - timedelta(seconds=1)) == at_due


def test_time_skipped_by_dst_moves_forward_and_repeated_time_is_used_once() -> None:
    sched = DigestSchedule(time(2, 30), "Europe/Berlin")
    # 02:30 does not exist on 2026-03-29: due at 03:30 CEST (01:30 UTC)
    assert sched.next_due(datetime(2026, 3, 28, 12, 0, tzinfo=UTC)) == datetime(
        2026, 3, 29, 1, 30, tzinfo=UTC
    )
    # 02:30 happens twice on 2026-10-25: only the first (CEST, 00:30 UTC)
    first = sched.next_due(datetime(2026, 10, 24, 12, 0, tzinfo=UTC))
    assert first == datetime(2026, 10, 25, 0, 30, tzinfo=UTC)
    assert sched.next_due(first) == datetime(2026, 10, 26, 1, 30, tzinfo=UTC)


def test_weekly_next_due_across_dst() -> None:
    sched = DigestSchedule(time(8, 0), "Europe/Berlin", "weekly", weekday=0)  # Mondays
    # Wednesday 2026-03-25 (CET) -> Monday 2026-03-30 08:00 CEST
    due = sched.next_due(datetime(2026, 3, 25, 12, 0, tzinfo=UTC))
    assert due == datetime(2026, 3, 30, 6, 0, tzinfo=UTC)
    assert due.astimezone(BERLIN).weekday() == 0
    # the next one: a week of wall-clock time later
    assert sched.next_due(due) == datetime(2026, 4, 6, 6, 0, tzinfo=UTC)
    # Monday before 08:00 local is still due that day
    assert sched.next_due(datetime(2026, 3, 30, 5, 59, tzinfo=UTC)) == due


def test_period_key_names_the_digest_that_carries_the_event() -> None:
    sched = DigestSchedule(time(8, 0), "Europe/Berlin")
    # 23:30 UTC on the 24th is 00:30 on the 25th in Berlin: in the digest due the 25th, 08:00
    assert sched.period_key(datetime(2026, 11, 24, 23, 30, tzinfo=UTC)) == "2026-11-25"
    assert sched.period_key(datetime(2026, 11, 25, 6, 59, tzinfo=UTC)) == "2026-11-25"
    assert sched.period_key(datetime(2026, 11, 25, 7, 0, tzinfo=UTC)) == "2026-11-26"
    assert sched.due_at("2026-11-25") == datetime(2026, 11, 25, 7, 0, tzinfo=UTC)
    weekly = DigestSchedule(time(8, 0), "Europe/Berlin", "weekly", weekday=0)
    assert weekly.period_key(datetime(2026, 11, 25, 12, 0, tzinfo=UTC)) == "2026-11-30"


def test_naive_datetimes_are_refused() -> None:
    with pytest.raises(ValueError):
        DigestSchedule(time(8, 0)).next_due(datetime(2026, 11, 25, 8, 0))


# --- channels beyond email ---------------------------------------------------------------------


def test_apprise_and_webhook_are_parsed() -> None:
    from monitor.notify.subscriptions import Webhook

    [sub] = parse_subscriptions(
        [
            {
                "name": "chat",
                "apprise": ["ntfy://monitor-news", "json://127.0.0.1:9/x"],
                "webhook": {"url": "https://hooks.example/m", "secret_env": "HOOK_SECRET"},
            }
        ],
        {},
    )
    assert sub.to == ()
    assert sub.apprise == ("ntfy://monitor-news", "json://127.0.0.1:9/x")
    assert sub.webhook == Webhook("https://hooks.example/m", "HOOK_SECRET", 10.0)


@pytest.mark.parametrize(
    ("item", "key"),
    [
        ({"apprise": ["nope://x"]}, "subscriptions[0].apprise[0]"),
        ({"apprise": [3]}, "subscriptions[0].apprise[0]"),
        ({"webhook": "https://x.example"}, "subscriptions[0].webhook"),
        (
            {"webhook": {"url": "https://x.example", "secret_env": "A", "x": 1}},
            "subscriptions[0].webhook.x",
        ),
        ({"webhook": {"url": "x.example", "secret_env": "A"}}, "subscriptions[0].webhook.url"),
        (
            {"webhook": {"url": "https://x.example", "secret_env": "not a name"}},
            "subscriptions[0].webhook.secret_env",
        ),
        (
            {"webhook": {"url": "https://x.example", "secret_env": "A", "timeout": 0}},
            "subscriptions[0].webhook.timeout",
        ),
        ({}, "subscriptions[0].to"),
    ],
)
def test_bad_channels_name_the_key(item: dict, key: str) -> None:
    with pytest.raises(SubscriptionConfigError) as err:
        parse_subscriptions([{"name": "x", **item}], {})
    assert err.value.key == key


def test_an_apprise_error_does_not_show_the_token() -> None:
    with pytest.raises(SubscriptionConfigError) as err:
        parse_subscriptions([{"name": "x", "apprise": ["nope://user:TOKEN123@host/path"]}], {})
    assert "TOKEN123" not in str(err.value)


def test_a_stored_apprise_url_keeps_no_token():
    from monitor.notify.subscriptions import redact_url

    assert redact_url("tgram://123456:ABC-secret/987654") == "tgram://…"
    assert redact_url("ntfy://my-private-topic") == "ntfy://…"
    assert (
        redact_url("https://hooks.example.org/services/T0/B0/XYZ") == "https://hooks.example.org/…"
    )
    assert redact_url("json://127.0.0.1:8000/hook?token=abc") == "json://127.0.0.1/…"
