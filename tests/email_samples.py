"""Sample notification emails for the layout tests and the README screenshots.

Built from events shaped as the detector and the poller write them, with the long tokens that
used to break the layout: 64-character hashes, long claim ids in CLI commands, a long link
without a break, a feed error with a long path.
"""

from __future__ import annotations

from datetime import UTC, datetime
from email.message import EmailMessage

from monitor.domain import events as ev
from monitor.domain.claims import Claim
from monitor.domain.events import RecordedEvent
from monitor.notify.render import (
    FeedInfo,
    MailContext,
    render_change,
    render_digest,
    render_message,
)

NOW = datetime(2026, 3, 3, 9, 12, tzinfo=UTC)
CTX = MailContext(
    sender="monitor <monitor@example.org>",
    list_id="bmw-watch.example.org",
    message_domain="example.org",
    web_base_url="https://monitor.example.org",
)
TO = ["Ana Analyst <analyst@example.org>"]
IX5 = Claim(id="ix5-clar", subject="BMW iX5 (CLAR platform)", status="confirmed", value="2027")
I4 = Claim(id="i4-convertible-na3", subject="BMW i4 Convertible (NA3)", status="approved")
# A news aggregator's link: one unbreakable token far wider than a phone (as Google News sends).
LONG_LINK = (
    "https://www.example-motoring-news.com/rss/articles/"
    "CBMiqwFBVV95cUxNZ0xHbTVfQ3dHZ2RfT1pGbEJ4cWVxU2tFZ0R2V1o0ZkZ6MUxyYjBkbnJXaHBhQ3VwN0tW"
    "X2ZQdG9yZ1R3Q0ZQS0RoR0x3c0JfZ3RqWmR3TzN6QmJ0dXhYc0xQRl9oNmx2ZHNnS0xHN0ZhR0NnNjN0"
)
REPORT = {
    "key": "guid-b1",
    "link": LONG_LINK,
    "title": "BMW confirms the iX5 for 2027 and gives the i4 Convertible the green light",
    # (the feed's link text is shown only when it is not a web link; the title links to it)
    "published": "2026-03-03T09:00:00Z",
    "source": "Example Motoring News",
    "feed": "example-motoring",
}


def event(
    type_: str, position: int, data: dict, *, claim: str = "", corr: str = "r1"
) -> RecordedEvent:
    stream = f"claim/{claim}" if claim else f"feed/{data.get('feed')}"
    return RecordedEvent(
        position=position,
        stream=stream,
        version=2,
        type=type_,
        schema_version=1,
        occurred_at="2026-03-03T09:00:00Z",
        recorded_at="2026-03-03T09:11:58Z",
        data=data,
        metadata={"cause": "poll", "correlation_id": corr} if corr else {"cause": "person"},
        dedup_key=None,
        prev_hash=ev.GENESIS_HASH,
        hash=f"{position:04x}" + "9f3b2c1d7e" * 6,
    )


def change(type_: str, position: int, claim: str, old: object, new: object, evidence: str):
    return event(
        type_,
        position,
        {
            "claim": claim,
            "from": old,
            "to": new,
            "evidence": evidence,
            "report": REPORT,
            "confidence": 0.9,
            "detector_version": "rules-3",
            "why": ["cue 'confirms'"],
        },
        claim=claim,
    )


def report_items() -> list[tuple[RecordedEvent, Claim | None]]:
    """One report, three changes of two claims (the iX5's status and value, the i4's status)."""
    ix5 = "BMW has confirmed the iX5 for 2027, the company said on Tuesday in Munich."
    i4 = "The i4 Convertible, long in doubt, has now been signed off for production as well."
    status, value = ev.CLAIM_STATUS_CHANGED, ev.CLAIM_VALUE_CHANGED
    return [
        (change(status, 1041, "ix5-clar", "in-development", "confirmed", ix5), IX5),
        (change(value, 1042, "ix5-clar", None, "2027", ix5), IX5),
        (change(status, 1043, "i4-convertible-na3", "unapproved", "approved", i4), I4),
    ]


def report_message() -> EmailMessage:
    return render_message(
        report_items(),
        TO,
        CTX,
        NOW,
        message_id="<ev.1041.sample@example.org>",
        subscription="desk",
    )


def single_change() -> EmailMessage:
    [(e, claim)] = report_items()[2:]
    return render_change(e, claim, TO, CTX, NOW, subscription="desk")


def correction() -> EmailMessage:
    e = event(
        ev.CLAIM_CORRECTED,
        1050,
        {
            "claim": "i4-convertible-na3",
            "status": "unapproved",
            "from_status": "approved",
            "reason": "The report was about the i4 Coupe; the Convertible is still unapproved.",
            "by": "ana",
        },
        claim="i4-convertible-na3",
        corr="",
    )
    return render_change(e, I4, TO, CTX, NOW, subscription="desk")


FEEDS = {
    "autocar": FeedInfo(name="Autocar"),
    "bmwblog": FeedInfo(name="BMW Blog"),
    "local": FeedInfo(name="Press releases (local mirror)"),
}


def feed_failures() -> EmailMessage:
    def failing(position: int, feed: str, url: str, error: str) -> tuple[RecordedEvent, None]:
        data = {"feed": feed, "url": url, "error": error, "failures": 3}
        return event(ev.FEED_FAILING, position, data, corr=""), None

    items = [
        failing(2001, "autocar", "https://www.autocar.example/rss/news", "HTTP 503 Unavailable"),
        failing(2002, "bmwblog", "https://www.bmwblog.example/feed/?key=" + "Zx9" * 30, "HTTP 404"),
        failing(
            2003,
            "local",
            "/var/lib/monitor/mirrors/press-releases/bmw-group-press-releases-electric.xml",
            "cannot read /var/lib/monitor/mirrors/press-releases/bmw-group-press-releases-"
            "electric.xml: FileNotFoundError: [Errno 2] No such file or directory: "
            "'/var/lib/monitor/mirrors/press-releases/bmw-group-press-releases-electric.xml'",
        ),
    ]
    return render_message(
        items,
        TO,
        CTX,
        NOW,
        message_id="<ev.2001.sample@example.org>",
        subscription="desk",
        feeds=FEEDS,
    )


def digest() -> EmailMessage:
    return render_digest(report_items(), TO, CTX, "2026-03-04", NOW, subscription="morning")


SAMPLES = {
    "report": report_message,
    "change": single_change,
    "correction": correction,
    "feeds": feed_failures,
    "digest": digest,
}


def html_of(msg: EmailMessage) -> str:
    part = msg.get_body(("html",))
    assert part is not None
    return part.get_content()
