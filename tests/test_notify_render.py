"""Rendering: parse the message back as a mail client would and look at what it shows."""

from __future__ import annotations

import email
from datetime import UTC, datetime
from email import policy
from email.message import EmailMessage
from html.parser import HTMLParser
from urllib.parse import parse_qs, urlsplit

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from monitor.domain import events as ev
from monitor.domain.claims import Claim
from monitor.domain.events import RecordedEvent
from monitor.notify.render import (
    FeedInfo,
    MailContext,
    message_id_for,
    render_change,
    render_digest,
    thread_id_for,
    unsubscribe_links,
)
from monitor.notify.unsubscribe import sign, verify

NOW = datetime(2026, 11, 25, 8, 1, 2, tzinfo=UTC)
CTX = MailContext(sender="monitor <monitor@example.org>", list_id="monitor.localhost")
TO = ["alice@example.org", "Bob <bob@example.org>"]
UNSUBSCRIBE = "mailto:monitor@example.org?subject=unsubscribe"
CLAIM = Claim(id="i4-conv", subject="BMW i4 Convertible (NA3)", status="approved")
EVIDENCE = "BMW has signed off the i4 Convertible, with production planned for 2027 in Munich."
LINK = "https://news.example/bmw-i4-convertible?ref=rss&x=1"


def report(**over: object) -> dict:
    return {
        "key": "guid-1",
        "link": LINK,
        "title": "BMW approves the i4 Convertible",
        "published": "2026-11-25T06:00:00Z",
        "source": "Autocar",
        "feed": "autocar",
        **over,
    }


def recorded(
    type_: str = ev.CLAIM_STATUS_CHANGED,
    *,
    position: int = 42,
    claim: str = "i4-conv",
    stream: str | None = None,
    **data: object,
) -> RecordedEvent:
    if type_ in (ev.CLAIM_STATUS_CHANGED, ev.CLAIM_VALUE_CHANGED):
        base: dict = {
            "claim": claim,
            "from": "unapproved",
            "to": "approved",
            "evidence": EVIDENCE,
            "report": report(),
            "confidence": 0.92,
            "detector_version": "rules-1.3",
            "why": ["cue 'signed off'"],
        }
    else:
        base = {}
    base.update(data)
    return RecordedEvent(
        position=position,
        stream=stream or f"claim/{claim}",
        version=3,
        type=type_,
        schema_version=1,
        occurred_at="2026-11-25T06:00:00Z",
        recorded_at="2026-11-25T08:00:03Z",
        data=base,
        metadata={"cause": "poll"},
        dedup_key=None,
        prev_hash=ev.GENESIS_HASH,
        hash=f"{position:04x}" + "c0ffee" * 10,
    )


def parsed(msg: EmailMessage) -> EmailMessage:
    out = email.message_from_bytes(msg.as_bytes(), policy=policy.default)
    assert isinstance(out, EmailMessage)
    return out


def bodies(msg: EmailMessage) -> tuple[str, str]:
    assert msg.get_content_type() == "multipart/alternative"
    text = msg.get_body(preferencelist=("plain",))
    html = msg.get_body(preferencelist=("html",))
    assert text is not None and html is not None
    return text.get_content(), html.get_content()


class Links(HTMLParser):
    """Collects what a web mailer would make clickable or run."""

    def __init__(self) -> None:
        super().__init__()
        self.hrefs: list[str] = []
        self.tags: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)
        self.hrefs += [v or "" for k, v in attrs if k in ("href", "src")]


def links(html: str) -> Links:
    parser = Links()
    parser.feed(html)
    return parser


# --- one change --------------------------------------------------------------------------------


def test_status_change_subject_and_headers() -> None:
    msg = parsed(render_change(recorded(), CLAIM, TO, CTX, NOW))
    assert msg["Subject"] == "[monitor] BMW i4 Convertible (NA3): unapproved → approved"
    assert msg["From"] == "monitor <monitor@example.org>"
    assert [a.addr_spec for a in msg["To"].addresses] == ["alice@example.org", "bob@example.org"]
    assert msg["Date"].datetime == NOW
    assert "<monitor.localhost>" in msg["List-Id"]
    assert msg["Auto-Submitted"] == "auto-generated"
    assert msg["X-Monitor-Event"] == "42"
    thread = thread_id_for("i4-conv", "monitor.localhost")
    assert msg["In-Reply-To"] == thread
    assert msg["References"] == thread
    assert msg["Message-ID"] == message_id_for(
        recorded(), "alice@example.org,bob@example.org", "monitor.localhost"
    )
    assert msg["Message-ID"].startswith("<") and msg["Message-ID"].endswith("@monitor.localhost>")


def test_message_id_is_stable_per_event_and_group() -> None:
    one = render_change(recorded(position=42), CLAIM, TO, CTX, NOW)
    again = render_change(
        recorded(position=42), CLAIM, list(reversed(TO)), CTX, NOW.replace(hour=9)
    )
    other_event = render_change(recorded(position=43), CLAIM, TO, CTX, NOW)
    other_group = render_change(recorded(position=42), CLAIM, ["carol@example.org"], CTX, NOW)
    assert one["Message-ID"] == again["Message-ID"]
    assert one["Message-ID"] != other_event["Message-ID"]
    assert one["Message-ID"] != other_group["Message-ID"]
    # explicit groups (e.g. a subscription name) key the id too
    by_name = render_change(recorded(), CLAIM, TO, CTX, NOW, group="sub:alice")
    assert by_name["Message-ID"] == message_id_for(recorded(), "sub:alice", "monitor.localhost")
    # the thread is per claim, whatever the event
    assert one["References"] == other_event["References"]
    assert thread_id_for("ix3", "monitor.localhost") != one["References"]


def test_bodies_show_the_change_evidence_report_and_commands() -> None:
    e = recorded()
    text, html = bodies(parsed(render_change(e, CLAIM, TO, CTX, NOW)))
    for body in (text, html):
        assert "BMW i4 Convertible (NA3)" in body
        assert "unapproved" in body and "approved" in body
        assert "Autocar" in body
        assert "Autocar · 25 Nov 2026" in body  # source and date published
        assert "Detected 25 Nov 2026, 08:00 UTC" in body  # recorded_at, for a person
        assert "0.92" in body and "rules-1.3" in body
        assert "#42" in body and e.hash in body
        assert "unapproved → approved" in body.replace("</span> → <strong>", " → ").replace(
            '<span style="color:#59636e;text-decoration:line-through">', ""
        )
        assert "->" not in body and "&rarr;" not in body  # one arrow style everywhere
        assert "monitor history i4-conv" in body
        assert "BMW approves the i4 Convertible" in body
    assert "> BMW has signed off the i4 Convertible," in text
    assert " ".join(EVIDENCE.split()) in " ".join(text.replace("> ", "").split())
    assert EVIDENCE in html
    assert LINK in text
    assert "monitor correct i4-conv --status unapproved --reason 'why the change is wrong'" in text
    assert "monitor correct i4-conv --status unapproved --reason" in html
    assert LINK in links(html).hrefs
    # the headline is the link's text, once; the evidence is not repeated as "Report"
    assert html.count("BMW approves the i4 Convertible") == 1
    assert "Report:" not in text and ">Report<" not in html


def test_a_headline_that_is_the_evidence_is_shown_once() -> None:
    e = recorded(report=report(title=EVIDENCE))
    text, html = bodies(parsed(render_change(e, CLAIM, TO, CTX, NOW)))
    assert html.count("BMW has signed off the i4 Convertible") == 1
    assert "Read the report on Autocar" in html and "Read the report on Autocar" in text
    assert LINK in links(html).hrefs


def test_base_command_is_used() -> None:
    ctx = MailContext(CTX.sender, CTX.list_id, base_command="monitor -c /etc/monitor.toml")
    text, _ = bodies(parsed(render_change(recorded(), CLAIM, TO, ctx, NOW)))
    assert "monitor -c /etc/monitor.toml history i4-conv" in text


def test_value_change() -> None:
    e = recorded(ev.CLAIM_VALUE_CHANGED, **{"from": "2028-H2", "to": "2029"})
    msg = parsed(render_change(e, CLAIM, TO, CTX, NOW))
    assert msg["Subject"] == "[monitor] BMW i4 Convertible (NA3) value: 2028-H2 → 2029"
    text, _ = bodies(msg)
    assert "Value   2028-H2 → 2029" in text
    assert "monitor correct i4-conv --value 2028-H2" in text


def test_a_first_value_is_undone_by_clearing_it() -> None:
    e = recorded(ev.CLAIM_VALUE_CHANGED, **{"from": None, "to": "2029"})
    text, _ = bodies(parsed(render_change(e, CLAIM, TO, CTX, NOW)))
    assert "monitor correct i4-conv --clear-value" in text


def test_correction() -> None:
    e = recorded(
        ev.CLAIM_CORRECTED,
        claim="i4-conv",
        status="unapproved",
        value=None,
        reason="the article was about the coupe",
        from_status="approved",
        from_value=None,
        by="alice",
    )
    msg = parsed(render_change(e, CLAIM, TO, CTX, NOW))
    assert msg["Subject"] == "[monitor] BMW i4 Convertible (NA3) corrected: approved → unapproved"
    assert msg["References"] == thread_id_for("i4-conv", "monitor.localhost")
    text, html = bodies(msg)
    for body in (text, html):
        assert "the article was about the coupe" in body
        assert "Corrected by alice · 25 Nov 2026, 08:00 UTC" in body
        assert "Detected" not in body  # a person corrected it; nothing was detected
        assert "monitor history i4-conv" in body


def test_feed_failing_and_recovered() -> None:
    failing = recorded(
        ev.FEED_FAILING,
        stream="feed/autocar",
        feed="autocar",
        url="https://autocar.example/rss",
        error="HTTP 503 Service Unavailable",
        failures=5,
    )
    feeds = {"autocar": FeedInfo(name="Autocar news")}
    msg = parsed(render_change(failing, None, TO, CTX, NOW, feeds=feeds))
    assert msg["Subject"] == "[monitor] Feed “Autocar news” is failing: server error (HTTP 503)"
    text, html = bodies(msg)
    assert "5 failed polls in a row" in text and "https://autocar.example/rss" in text
    assert "HTTP 503 Service Unavailable" in html  # the error itself, in the body
    assert "What to check" in text and "usually temporary" in html
    recovered = recorded(
        ev.FEED_RECOVERED, stream="feed/autocar", feed="autocar", url="https://autocar.example/rss"
    )
    msg2 = parsed(render_change(recovered, None, TO, CTX, NOW, feeds=feeds))
    assert msg2["Subject"] == "[monitor] Feed “Autocar news” is working again"
    assert msg2["References"] == msg["References"]  # one thread per feed


def test_claim_unknown_to_the_caller_falls_back_to_the_id() -> None:
    msg = parsed(render_change(recorded(), None, TO, CTX, NOW))
    assert msg["Subject"] == "[monitor] i4-conv: unapproved → approved"


# --- untrusted feed text -----------------------------------------------------------------------


def test_header_injection_creates_no_header() -> None:
    evil_claim = Claim(id="i4-conv", subject="BMW i4\r\nBcc: evil@x\nX-Evil: 1", status="approved")
    e = recorded(report=report(title="Scoop\r\nBcc: evil@x"), to="approved\r\nCc: evil@x")
    raw = render_change(e, evil_claim, TO, CTX, NOW).as_bytes()
    msg = email.message_from_bytes(raw, policy=policy.default)
    header_names = {k.lower() for k in msg}
    assert not header_names & {"bcc", "cc", "x-evil"}
    assert "\n" not in msg["Subject"] and "\r" not in msg["Subject"]
    assert msg["Subject"].startswith("[monitor] BMW i4 Bcc: evil@x X-Evil: 1: unapproved →")
    head = raw.split(b"\r\n\r\n", 1)[0]
    assert b"\r\nBcc:" not in head and b"\r\nCc:" not in head and b"\r\nX-Evil:" not in head
    text, _ = bodies(msg)
    assert "Scoop Bcc: evil@x" in text


EXPECTED_HEADERS = {
    "subject", "from", "to", "date", "message-id", "list-id", "auto-submitted", "precedence",
    "x-auto-response-suppress", "in-reply-to", "references", "x-monitor-event",
    "x-monitor-claim", "mime-version", "content-type", "list-unsubscribe",
}  # fmt: skip
NASTY = st.lists(
    st.sampled_from(
        ["\r", "\n", "\r\n", "Bcc: x@y", ":", " ", "=?utf-8?b?DQo=?=", "ü", "a", "\x00"]
    )
    | st.characters(),
    max_size=40,
).map("".join)


@settings(max_examples=150, suppress_health_check=[HealthCheck.too_slow], deadline=None)
@given(subject=NASTY, title=NASTY, new=NASTY)
def test_no_text_makes_a_header(subject: str, title: str, new: str) -> None:
    claim = Claim(id="i4-conv", subject=subject, status="approved")
    e = recorded(report=report(title=title), to=new)
    msg = parsed(render_change(e, claim, TO, CTX, NOW))
    assert {k.lower() for k in msg} == EXPECTED_HEADERS
    assert not any(c in msg["Subject"] for c in "\r\n\x00")
    assert msg["Subject"].startswith("[monitor] ")


def test_control_characters_are_stripped() -> None:
    e = recorded(evidence="red\x1b[31m alert\x00\u2028done", report=report(title="a\x07b\ud800"))
    msg = parsed(render_change(e, CLAIM, TO, CTX, NOW, group="g"))
    text, _ = bodies(msg)
    assert "\x1b" not in text and "\x00" not in text and "\x07" not in text
    assert "\u2028" not in text


def test_html_is_escaped() -> None:
    e = recorded(
        evidence='<script>alert("x")</script> approved',
        report=report(title="<img src=x onerror=alert(1)> BMW"),
    )
    evil_claim = Claim(id="i4-conv", subject="<b>i4</b>", status="approved")
    _, html = bodies(parsed(render_change(e, evil_claim, TO, CTX, NOW)))
    assert "<script>" not in html
    assert "&lt;script&gt;" in html
    assert "&lt;img src=x onerror=alert(1)&gt;" in html
    found = links(html)
    assert "script" not in found.tags and "img" not in found.tags and "b" not in found.tags


@pytest.mark.parametrize(
    "link",
    [
        "javascript:alert(document.cookie)",
        "JavaScript:alert(1)",
        "data:text/html;base64,PHNjcmlwdD4=",
        "vbscript:msgbox",
        'https://x.example/"onmouseover="alert(1)',
        "//no-scheme.example/a",
    ],
)
def test_only_http_links_become_hrefs(link: str) -> None:
    e = recorded(report=report(link=link))
    text, html = bodies(parsed(render_change(e, CLAIM, TO, CTX, NOW)))
    assert links(html).hrefs == [UNSUBSCRIBE]  # only ours
    assert "(not a web link)" in text and "(not a web link)" in html


def test_naive_now_is_refused() -> None:
    with pytest.raises(ValueError):
        render_change(recorded(), CLAIM, TO, CTX, datetime(2026, 11, 25, 8, 0))


# --- digests -----------------------------------------------------------------------------------


def digest_items() -> list[tuple[RecordedEvent, Claim | None]]:
    ix3 = Claim(id="ix3", subject="BMW iX3 (Neue Klasse crossover)", status="launched")
    return [
        (recorded(position=12, claim="ix3", to="launched", **{"from": "confirmed"}), ix3),
        (recorded(position=10), CLAIM),
        (recorded(ev.CLAIM_VALUE_CHANGED, position=11, **{"from": "2028-H2", "to": "2029"}), CLAIM),
    ]


def test_digest_is_one_message_with_a_section_per_change() -> None:
    raw = render_digest(digest_items(), ["alice@example.org"], CTX, "2026-11-25", NOW)
    msg = parsed(raw)
    assert msg.get_content_type() == "multipart/alternative"
    assert msg["Subject"] == "[monitor] digest 2026-11-25: 3 changes"
    assert msg["Auto-Submitted"] == "auto-generated"
    assert "<monitor.localhost>" in msg["List-Id"]
    assert msg["X-Monitor-Events"] == "10 11 12"
    text, html = bodies(msg)
    assert html.count('class="card"') == 3
    for n, summary in enumerate(
        [
            "BMW i4 Convertible (NA3): unapproved → approved",
            "BMW i4 Convertible (NA3) value: 2028-H2 → 2029",
            "BMW iX3 (Neue Klasse crossover): confirmed → launched",
        ],
        start=1,
    ):
        assert f"{n}. {summary}" in text
    for shown in ("BMW iX3 (Neue Klasse crossover)", "<strong>launched</strong>", "2029"):
        assert shown in html
    assert text.count("> BMW has signed off") == 3
    for pos in ("#10", "#11", "#12"):
        assert pos in text and pos in html
    assert "monitor history ix3" in text


def test_digest_message_id_is_deterministic() -> None:
    a = render_digest(digest_items(), ["alice@example.org"], CTX, "2026-11-25", NOW)
    b = render_digest(list(reversed(digest_items())), ["alice@example.org"], CTX, "2026-11-25", NOW)
    c = render_digest(digest_items(), ["alice@example.org"], CTX, "2026-11-26", NOW)
    assert a["Message-ID"] == b["Message-ID"] != c["Message-ID"]


def test_empty_digest_is_refused() -> None:
    with pytest.raises(ValueError):
        render_digest([], ["alice@example.org"], CTX, "2026-11-25", NOW)


def test_encoded_words_cannot_smuggle_a_header() -> None:
    # "=?utf-8?b?...?=" decodes to CR/LF + "Bcc: evil@x"; the email package would write it out
    smuggled = "=?utf-8?b?DQpCY2M6IGV2aWxAeA0K?="
    evil_claim = Claim(id="i4-conv", subject=f"BMW {smuggled}", status="approved")
    e = recorded(to=smuggled)
    raw = render_change(e, evil_claim, [f"{smuggled} <alice@example.org>"], CTX, NOW).as_bytes()
    msg = email.message_from_bytes(raw, policy=policy.default)
    assert "bcc" not in {k.lower() for k in msg}
    assert b"\r\nBcc:" not in raw.split(b"\r\n\r\n", 1)[0]
    assert [a.addr_spec for a in msg["To"].addresses] == ["alice@example.org"]


@pytest.mark.parametrize(
    "subject",
    [
        "BMW iX3 (Neue Klasse crossover)",  # a subject line of 70-77 characters
        "BMW iX3 (Neue Klasse crossover), long enough to need folding for sure, twice over",
        "BMW Neue Klasse: Größe für Änderungen der Baureihe, mit Umlauten über die Zeile hinaus",
    ],
)
def test_subject_reads_back_exactly(subject: str) -> None:
    claim = Claim(id="ix3", subject=subject, status="launched")
    e = recorded(claim="ix3", to="in-production", **{"from": "confirmed"})
    raw = render_change(e, claim, TO, CTX, NOW).as_bytes()
    msg = email.message_from_bytes(raw, policy=policy.default)
    assert msg["Subject"] == f"[monitor] {subject}: confirmed → in-production"
    head = raw.split(b"\r\n\r\n", 1)[0]
    assert all(len(line) <= 78 for line in head.split(b"\r\n"))


# --- issue 12: one report, one message; headers ------------------------------------------------


def test_one_report_is_one_message_with_a_card_per_claim() -> None:
    from email_samples import report_message

    msg = parsed(report_message())
    assert msg["Subject"] == (
        "[monitor] BMW iX5 (CLAR platform): in-development → confirmed, value (none) → 2027; "
        "BMW i4 Convertible (NA3): unapproved → approved"
    )
    assert msg["X-Monitor-Event"] == "1041 1042 1043"
    assert msg["X-Monitor-Claim"] == "ix5-clar i4-convertible-na3"
    assert msg["In-Reply-To"] == "<claim.ix5-clar@example.org>"
    assert msg["References"] == (
        "<claim.ix5-clar@example.org> <claim.i4-convertible-na3@example.org>"
    )
    text, html = bodies(msg)
    assert html.count('class="card"') == 2
    assert "1. BMW iX5 (CLAR platform): in-development → confirmed, value (none) → 2027" in text
    assert "2. BMW i4 Convertible (NA3): unapproved → approved" in text
    # each claim's evidence once, though two events of the iX5 carry it
    assert text.count("> BMW has confirmed the iX5") == 1
    assert html.count("BMW has confirmed the iX5") == 1


def test_message_ids_and_threads_use_one_domain_and_the_list_id_its_own() -> None:
    ctx = MailContext(CTX.sender, "watch.lists.example.net", message_domain="mail.example.org")
    msg = parsed(render_change(recorded(), CLAIM, TO, ctx, NOW))
    assert msg["Message-ID"].endswith("@mail.example.org>")
    assert msg["In-Reply-To"] == "<claim.i4-conv@mail.example.org>"
    assert "<watch.lists.example.net>" in msg["List-Id"]


def test_list_unsubscribe_without_and_with_a_web_address() -> None:
    msg = parsed(
        render_change(recorded(), CLAIM, ["alice@example.org"], CTX, NOW, subscription="desk")
    )
    assert msg["List-Unsubscribe"] == "<mailto:monitor@example.org?subject=unsubscribe%20desk>"
    assert "List-Unsubscribe-Post" not in msg  # RFC 8058 one-click needs a URL
    # a base URL but no key: no URL (the web server would refuse an unsigned one)
    ctx = MailContext(CTX.sender, CTX.list_id, web_base_url="https://monitor.example.org/")
    msg = parsed(
        render_change(recorded(), CLAIM, ["alice@example.org"], ctx, NOW, subscription="desk")
    )
    assert "List-Unsubscribe-Post" not in msg
    key = bytes(range(32))
    ctx = MailContext(
        CTX.sender, CTX.list_id, web_base_url="https://monitor.example.org/", unsubscribe_key=key
    )
    msg = parsed(
        render_change(recorded(), CLAIM, ["Al <Alice@Example.org>"], ctx, NOW, subscription="desk")
    )
    sig = sign(key, "desk", "alice@example.org")
    assert msg["List-Unsubscribe"] == (
        "<https://monitor.example.org/unsubscribe?subscription=desk&to=alice%40example.org"
        f"&sig={sig}>, <mailto:monitor@example.org?subject=unsubscribe%20desk>"
    )
    assert msg["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    text, html = bodies(msg)
    assert "https://monitor.example.org/unsubscribe?subscription=desk" in text
    assert "Unsubscribe</a>" in html


def test_the_unsubscribe_signature_verifies_and_binds_subscription_and_address() -> None:
    key = bytes(range(32))
    ctx = MailContext(
        CTX.sender, CTX.list_id, web_base_url="https://m.example.org", unsubscribe_key=key
    )
    _, url = unsubscribe_links(ctx, "desk", ["bob@example.org"])
    assert url is not None
    q = parse_qs(urlsplit(url).query)
    assert q["subscription"] == ["desk"] and q["to"] == ["bob@example.org"]
    sig = q["sig"][0]
    assert len(sig) == 64
    assert verify(key, "desk", "bob@example.org", sig)
    assert verify(key, "desk", "Bob <BOB@example.org>", sig)  # the address is normalised
    assert not verify(key, "other", "bob@example.org", sig)
    assert not verify(key, "desk", "eve@example.org", sig)
    assert not verify(bytes(32), "desk", "bob@example.org", sig)  # another database's key
    assert not verify(key, "desk", "bob@example.org", sig[:-1] + ("0" if sig[-1] != "0" else "1"))
    assert not verify(key, "desk", "not an address", sig)
    # without a subscription name the link stands for every subscription
    _, url = unsubscribe_links(ctx, None, ["bob@example.org"])
    q = parse_qs(urlsplit(url or "").query)
    assert q["subscription"] == ["*"] and verify(key, "*", "bob@example.org", q["sig"][0])


@pytest.mark.parametrize(
    ("error", "reason"),
    [
        (
            "cannot read /x.xml: FileNotFoundError: [Errno 2] No such file or directory: '/x.xml'",
            "file not found",
        ),
        ("HTTP 503 Service Unavailable", "server error (HTTP 503)"),
        ("HTTP 404 Not Found", "not found (HTTP 404)"),
        ("HTTP 410 Gone", "gone (HTTP 410)"),
        ("timeout: read timeout (ReadTimeout)", "timed out"),
        ("connection failed: [Errno 111] Connection refused", "cannot connect"),
        ("unusable feed: no entries in an ill-formed document (x)", "not a usable feed"),
        ("something odd: details", "something odd"),
    ],
)
def test_feed_errors_become_a_short_reason_and_advice(error: str, reason: str) -> None:
    from monitor.notify.render import feed_reason

    got, advice = feed_reason(error)
    assert got == reason
    assert advice
