"""Change events become email messages: one per report (a card per claim), one per batch of
feed alerts, or one digest per period. Each leads with what changed (claim, old → new, the
evidence, source, date, link) and keeps the log details (confidence, event numbers, the command
that undoes it) in a quiet footer, because a reader decides from the first lines.

Pure: no I/O beyond reading the templates, no clock (the caller passes `now`). Message-IDs are
derived from the event's hash, so a retried delivery sends the very same message and mail
clients can drop the duplicate.
"""

from __future__ import annotations

import hashlib
import re
import shlex
import textwrap
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from email import utils
from email.header import Header
from email.headerregistry import Address, UnstructuredHeader
from email.message import EmailMessage
from email.policy import EmailPolicy
from functools import cache
from pathlib import Path
from typing import Any, Final
from urllib.parse import quote, urlencode

import jinja2

from monitor.domain import events as ev
from monitor.domain.claims import Claim
from monitor.domain.events import RecordedEvent

from .safety import header_text, one_line, safe_link, token

TEMPLATES = Path(__file__).with_name("templates")
NONE_VALUE = "(none)"
REASON_PLACEHOLDER = "why the change is wrong"


@dataclass(frozen=True, slots=True)
class MailContext:
    sender: str  # From, e.g. "monitor <monitor@example.org>"
    list_id: str  # List-Id, e.g. "monitor.localhost"
    base_command: str = "monitor"  # how the reader runs the CLI, shown in the commands
    subject_prefix: str = "[monitor]"
    message_domain: str = ""  # `mail.domain`: of every Message-ID and thread id
    web_base_url: str | None = None  # `web.base_url`: adds a one-click unsubscribe URL
    # The database's unsubscribe key (`notify.unsubscribe.signing_key`): signs that URL; without
    # it no URL is offered, since the web server would refuse an unsigned one.
    unsubscribe_key: bytes | None = None

    @property
    def domain(self) -> str:
        """The one domain of Message-IDs, In-Reply-To and References (`mail.domain`; without
        it the bare list id), so that a thread's ids all agree."""
        if self.message_domain:
            return token(self.message_domain)
        raw = self.list_id.rsplit("<", 1)[-1].split(">", 1)[0]
        return token(raw) or "monitor.localhost"

    @property
    def list_domain(self) -> str:
        raw = self.list_id.rsplit("<", 1)[-1].split(">", 1)[0]
        return token(raw) or "monitor.localhost"


class _MailPolicy(EmailPolicy):
    """policy.SMTP without two quirks of CPython's header folder.

    Non-ASCII text loses the spaces where it is split into encoded words, so it is encoded
    with `email.header.Header`. And a header value of 70-77 characters gets folded whole onto
    a continuation line ("Subject:\r\n [monitor] ..."), which parsers (Python's among them)
    read back with a leading space; here such a first line is folded at a space instead.
    """

    def _fold(self, name: str, value: Any, refold_binary: bool = False) -> str:
        if isinstance(value, UnstructuredHeader) and not str(value).isascii():
            # CPython's folder drops spaces between encoded words; Header keeps them inside.
            maxlen = self.max_line_length or 78
            encoded = Header(str(value), "utf-8", header_name=name).encode(
                linesep=self.linesep, maxlinelen=maxlen
            )
            return f"{name}: {encoded}{self.linesep}"
        folded = super()._fold(name, value, refold_binary)
        head = f"{name}:{self.linesep} "
        if not folded.startswith(head):
            return folded
        first, sep, rest = folded[len(head) :].partition(self.linesep)
        room = self.max_line_length - len(name) - 2 if self.max_line_length else len(first)
        cut = first.rfind(" ", 0, room + 1) if len(first) > room else len(first)
        if cut <= 0:
            return folded
        if cut < len(first):
            first = f"{first[:cut]}{self.linesep} {first[cut + 1 :]}"
        return f"{name}: {first}{sep}{rest}"


MAIL_POLICY = _MailPolicy(linesep="\r\n")  # as policy.SMTP


# --- identifiers -----------------------------------------------------------------------------


def _digest(text: str, n: int) -> str:
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()[:n]


def message_id_for(event: RecordedEvent, recipient_group: str, domain: str) -> str:
    """Same event (by hash) + same recipient group -> same Message-ID, on every render."""
    group = _digest(recipient_group, 12)
    return f"<ev.{event.position}.{token(event.hash)[:24]}.{group}@{token(domain)}>"


def thread_id_for(claim_id: str, domain: str) -> str:
    """A claim's thread root: every mail about the claim refers to it, so clients group them."""
    safe = token(claim_id)
    if safe != claim_id:  # keep ids that differ only in unsafe characters apart
        safe = f"{safe}.{_digest(claim_id, 8)}"
    return f"<claim.{safe}@{token(domain)}>"


def _feed_thread_id(feed: str, domain: str) -> str:
    safe = token(feed)
    if safe != feed:
        safe = f"{safe}.{_digest(feed, 8)}"
    return f"<feed.{safe}@{token(domain)}>"


def _group_of(to: Sequence[str]) -> str:
    addrs = sorted({addr.lower() for _, addr in utils.getaddresses(list(to)) if addr})
    return ",".join(addrs)


# --- the view: cards, one per claim (or feed) ---------------------------------------------

ARROW = "→"  # the one arrow of every subject, text and HTML body
_MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]


def _show(value: Any) -> str:
    return NONE_VALUE if value is None or value == "" else one_line(value, 300)


def _when(value: Any, *, clock: bool = True) -> str:
    """A time a person reads ("25 Nov 2026, 08:00 UTC"); text that is no time stays as is."""
    text = one_line(value, 60)
    try:
        moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        return text
    day = f"{moment.day} {_MONTHS[moment.month - 1]} {moment.year}"
    if not clock or (len(text) <= 10 and "T" not in text):
        return day
    if moment.tzinfo is not None:
        moment = moment.astimezone(UTC)
    return f"{day}, {moment:%H:%M} UTC"


def _same_text(a: str, b: str) -> bool:
    def norm(t: str) -> str:
        return " ".join(t.casefold().strip(" .\"'“”‘’").split())

    return bool(a and b) and norm(a) == norm(b)


def _report_view(report: Any, evidence: str = "") -> dict[str, Any] | None:
    if not isinstance(report, dict):
        return None
    link = one_line(report.get("link"), 2000)
    title = one_line(report.get("title"), 500)
    source = one_line(report.get("source"), 200)
    # The headline is not shown twice: when it is the evidence, the link says where it goes.
    if not title or _same_text(title, evidence):
        label = f"Read the report on {source}" if source else "Read the report"
    else:
        label = title
    return {
        "title": title,
        "label": label,
        "link": link,
        "href": safe_link(link),
        "source": source,
        "published": _when(report.get("published"), clock=False),
        "feed": one_line(report.get("feed"), 200),
    }


def _confidence(value: Any) -> str:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return ""
    return f"{float(value):.2f}"


def _cmd(ctx: MailContext, *args: str) -> str:
    return " ".join([ctx.base_command, *(shlex.quote(a) for a in args)])


def _undo(ctx: MailContext, label: str, claim_id: str, flag: str, old: Any) -> tuple[str, str]:
    """The `monitor correct` command that puts back the previous status or value."""
    if flag == "--value" and old is None:  # the claim had no value: clear the new one
        return label, _cmd(
            ctx, "correct", claim_id, "--clear-value", "--reason", REASON_PLACEHOLDER
        )
    previous = one_line(old, 300) or flag.removeprefix("--").upper()
    return label, _cmd(ctx, "correct", claim_id, flag, previous, "--reason", REASON_PLACEHOLDER)


def _card(kind: str, claim_id: str, subject: str) -> dict[str, Any]:
    return {
        "kind": kind,
        "claim_id": claim_id,
        "subject": subject,
        "changes": [],  # {"field": "Status", "old", "new"}
        "evidence": [],  # distinct sentences, in order
        "evidence_lines": [],  # the text body's wrapped quote, one list per sentence
        "report": None,
        "confidence": "",
        "detector_version": "",
        "why": [],
        "events": [],  # {"position", "hash"}
        "when": "",
        "reason": "",
        "by": "",
        "feed": None,
        "commands": [],
        "type": "",
        "stream": "",
    }


def _add_event(card: dict[str, Any], event: RecordedEvent, ctx: MailContext) -> None:
    """Fold one event into its card: its change line, evidence, report and commands."""
    data = event.data
    claim_id = card["claim_id"]
    card["events"].append({"position": event.position, "hash": one_line(event.hash, 128)})
    card["when"] = card["when"] or _when(event.recorded_at)
    evidence = one_line(data.get("evidence"), 2000)
    if evidence and not any(_same_text(evidence, e) for e in card["evidence"]):
        card["evidence"].append(evidence)
        card["evidence_lines"].append(textwrap.wrap(evidence, 70))
    if card["report"] is None:
        card["report"] = _report_view(data.get("report"), evidence)
    confidence = _confidence(data.get("confidence"))
    if confidence and confidence not in card["confidence"].split(", "):
        card["confidence"] = ", ".join(filter(None, [card["confidence"], confidence]))
    card["detector_version"] = card["detector_version"] or one_line(
        data.get("detector_version"), 80
    )
    for why in data.get("why") or []:
        if one_line(why) and one_line(why, 300) not in card["why"]:
            card["why"].append(one_line(why, 300))
    history = ("History", _cmd(ctx, "history", claim_id))
    if event.type in (ev.CLAIM_STATUS_CHANGED, ev.CLAIM_VALUE_CHANGED):
        status = event.type == ev.CLAIM_STATUS_CHANGED
        field = "Status" if status else "Value"
        card["changes"].append(
            {"field": field, "old": _show(data.get("from")), "new": _show(data.get("to"))}
        )
        flag = "--status" if status else "--value"
        undo = _undo(ctx, f"Wrong {field.lower()}?", claim_id, flag, data.get("from"))
        card["commands"] = [c for c in card["commands"] if c != history] + [undo, history]
    elif event.type == ev.CLAIM_CORRECTED:
        old_s, new_s = data.get("from_status"), data.get("status")
        old_v, new_v = data.get("from_value"), data.get("value")
        if new_s is not None and new_s != old_s:
            card["changes"].append({"field": "Status", "old": _show(old_s), "new": _show(new_s)})
        if "value" in data and new_v != old_v:
            card["changes"].append({"field": "Value", "old": _show(old_v), "new": _show(new_v)})
        card["reason"] = one_line(data.get("reason"), 1000)
        card["by"] = one_line(data.get("by"), 200)
        if new_s is not None and new_s != old_s:
            undo = _undo(ctx, "To undo", claim_id, "--status", old_s)
        else:
            undo = _undo(ctx, "To undo", claim_id, "--value", old_v)
        card["commands"] = [undo, history]
    else:
        card["type"] = one_line(event.type, 80)
        card["stream"] = one_line(event.stream, 200)
        if claim_id:
            card["commands"] = [history]


def _claim_summary(card: dict[str, Any]) -> str:
    """ "BMW iX5: rumored → confirmed, value (none) → 2027" - what changed, in one line."""
    parts = []
    for change in card["changes"]:
        step = f"{change['old']} {ARROW} {change['new']}"
        parts.append(step if change["field"] == "Status" else f"value {step}")
    if card["kind"] == "correction":
        return f"{card['subject']} corrected: {', '.join(parts) or 'no change'}"
    if card["kind"] == "change" and parts:
        if card["changes"][0]["field"] == "Value":
            return f"{card['subject']} value: {', '.join(parts).removeprefix('value ')}"
        return f"{card['subject']}: {', '.join(parts)}"
    return f"{card['type']} {card['stream']}".strip()


# What a failing feed's error most likely means, and what to check: (pattern, reason, advice).
_FEED_ADVICE: Final = (
    (
        r"HTTP 410",
        "gone (HTTP 410)",
        "The site says this feed is gone for good. Find its replacement on the site, add it with "
        "`monitor feeds add URL`, and remove this one with `monitor feeds remove ID`.",
    ),
    (
        r"HTTP 404",
        "not found (HTTP 404)",
        "The feed has probably moved. Open the site, find the feed's new address, add it with "
        "`monitor feeds add URL` and remove this one.",
    ),
    (
        r"HTTP 40[13]",
        "access denied",
        "The site refuses the request: check whether the feed needs a login or blocks automated "
        "readers.",
    ),
    (
        r"HTTP 429",
        "rate limited (HTTP 429)",
        "The site asks us to poll less often: give the feed a longer interval.",
    ),
    (
        r"HTTP 5\d\d",
        "server error",
        "The site's server is failing; this is usually temporary. monitor keeps trying with "
        "back-off; if it lasts for days, check the site or tell its owner.",
    ),
    (
        r"HTTP \d+",
        "unexpected HTTP answer",
        "Open the feed's address in a browser and check that it is the feed itself.",
    ),
    (
        r"timeout|timed out",
        "timed out",
        "The server answers too slowly or not at all. Check that the site loads; if the feed "
        "is just slow, raise `polling.read_timeout`.",
    ),
    (
        r"Name or service not known|nodename|getaddrinfo|No address|resolve",
        "host not found",
        "The host name does not resolve: check its spelling, and this machine's DNS.",
    ),
    (
        r"certificate|SSL|TLS",
        "TLS certificate problem",
        "The site's HTTPS certificate is not accepted: check that it has not expired and that "
        "the host name matches.",
    ),
    (
        r"FileNotFoundError|No such file",
        "file not found",
        "The feed is a local file that is not there (any more): check the path.",
    ),
    (
        r"PermissionError|Permission denied",
        "file not readable",
        "The feed is a local file monitor may not read: check its permissions.",
    ),
    (
        r"connection failed|ConnectError|Connection refused|refused",
        "cannot connect",
        "Nothing answers at this address: check that the site is up and that this machine can "
        "reach it (network, firewall, proxy).",
    ),
    (
        r"larger than",
        "too large",
        "The feed is bigger than `polling.max_bytes`; raise it if the feed is really this big.",
    ),
    (
        r"redirect",
        "redirect problem",
        "The address redirects in a loop or nowhere: open it in a browser and use the final "
        "address.",
    ),
    (
        r"invalid URL|refusing to fetch",
        "invalid address",
        "The feed's address cannot be fetched: it must be an http(s) URL or a file path.",
    ),
    (
        r"unusable feed|no entries|entity|XXE|not well-formed|not a feed|ill-formed",
        "not a usable feed",
        "The address answers, but not with an RSS or Atom feed: check it is the feed, not the "
        "web page. `monitor check URL --explain` shows what comes back.",
    ),
)


def feed_reason(error: str) -> tuple[str, str]:
    """A short reason for a subject line and what to check, from a feed's raw error."""
    for pattern, reason, advice in _FEED_ADVICE:
        found = re.search(pattern, error, re.IGNORECASE)
        if found:
            if reason in ("server error", "access denied", "unexpected HTTP answer"):
                reason = f"{reason} ({found.group(0)})"
            return reason, advice
    short = one_line(error.split(":", 1)[0], 60) or "error"
    return short, "Run `monitor doctor` to check every feed and see the full error."


@dataclass(frozen=True, slots=True)
class FeedInfo:
    """What the feed table knows of a feed, for the alert: its name, and its state now."""

    name: str = ""
    state: str = ""
    last_error: str = ""


def _feed_card(
    event: RecordedEvent, ctx: MailContext, feeds: Mapping[str, FeedInfo]
) -> dict[str, Any]:
    data = event.data
    feed_id = one_line(data.get("feed"), 200)
    info = feeds.get(feed_id, FeedInfo())
    name = one_line(info.name, 200) or feed_id
    url = one_line(data.get("url"), 2000)
    failing = event.type == ev.FEED_FAILING
    error = one_line(data.get("error"), 1000)
    reason, advice = feed_reason(error) if failing else ("working again", "")
    card = _card("feed", "", name)
    card["events"].append({"position": event.position, "hash": one_line(event.hash, 128)})
    card["when"] = _when(event.recorded_at)
    failures = data.get("failures")
    card["feed"] = {
        "id": feed_id,
        "name": name,
        "url": url,
        "href": safe_link(url),
        "error": error,
        "reason": reason,
        "advice": advice,
        # the advice with its `commands` apart, for <code> in the HTML
        "advice_parts": [(part, i % 2 == 1) for i, part in enumerate(advice.split("`")) if part],
        "since": _when(event.occurred_at),
        "failures": failures if isinstance(failures, int) else None,
        "failing": failing,
    }
    card["commands"] = [
        ("Its state", _cmd(ctx, "feeds", "list")),
        ("Check every feed", _cmd(ctx, "doctor")),
    ]
    return card


def cards_for(
    items: Sequence[tuple[RecordedEvent, Claim | None]],
    ctx: MailContext,
    feeds: Mapping[str, FeedInfo] | None = None,
) -> list[dict[str, Any]]:
    """One card per claim and report (a report's status and value change of one claim are one
    card), one per correction, one per feed alert; in log order."""
    cards: dict[tuple[str, str], dict[str, Any]] = {}
    for event, claim in sorted(items, key=lambda item: item[0].position):
        if event.type in (ev.FEED_FAILING, ev.FEED_RECOVERED):
            cards[("feed", str(event.position))] = _feed_card(event, ctx, feeds or {})
            continue
        claim_id = one_line(claim.id if claim else event.data.get("claim", ""), 200)
        subject = one_line(claim.subject, 300) if claim and claim.subject else claim_id
        correlation = one_line((event.metadata or {}).get("correlation_id"))
        if event.type == ev.CLAIM_CORRECTED:
            kind, key = "correction", ("event", str(event.position))
        elif event.type in (ev.CLAIM_STATUS_CHANGED, ev.CLAIM_VALUE_CHANGED) and correlation:
            kind, key = "change", (f"report:{correlation}", claim_id)
        elif event.type in (ev.CLAIM_STATUS_CHANGED, ev.CLAIM_VALUE_CHANGED):
            kind, key = "change", ("event", str(event.position))
        else:
            kind, key = "other", ("event", str(event.position))
        card = cards.get(key)
        if card is None:
            card = cards[key] = _card(kind, claim_id, subject)
        _add_event(card, event, ctx)
    out = list(cards.values())
    for card in out:
        card["summary"] = _feed_summary([card]) if card["kind"] == "feed" else _claim_summary(card)
    return out


def _feed_summary(cards: Sequence[dict[str, Any]]) -> str:
    failing = [c for c in cards if c["feed"]["failing"]]
    back = [c for c in cards if not c["feed"]["failing"]]
    if len(cards) == 1:
        f = cards[0]["feed"]
        if f["failing"]:
            return f"Feed “{f['name']}” is failing: {f['reason']}"
        return f"Feed “{f['name']}” is working again"
    parts = []
    if failing:
        names = ", ".join(c["feed"]["name"] for c in failing)
        parts.append(f"{len(failing)} feed{'s' if len(failing) != 1 else ''} failing: {names}")
    if back:
        names = ", ".join(c["feed"]["name"] for c in back)
        parts.append(f"{len(back)} working again: {names}")
    return "; ".join(parts)


def message_summary(cards: Sequence[dict[str, Any]]) -> str:
    if all(c["kind"] == "feed" for c in cards):
        return _feed_summary(cards)
    return "; ".join(c["summary"] for c in cards)


# --- templates and messages -------------------------------------------------------------------


@cache
def _env(html: bool) -> jinja2.Environment:
    return jinja2.Environment(
        loader=jinja2.FileSystemLoader(TEMPLATES),
        autoescape=html,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )


def _render(name: str, **context: Any) -> tuple[str, str]:
    text = _env(False).get_template(f"{name}.txt.j2").render(**context)
    html = _env(True).get_template(f"{name}.html.j2").render(**context)
    return text, html


def _require_aware(now: datetime) -> None:
    if now.tzinfo is None or now.utcoffset() is None:
        raise ValueError("now must be an aware datetime")


def _addresses(values: Sequence[str]) -> list[Address]:
    """Addresses rebuilt from their parts, so a display name cannot smuggle in a header."""
    out = []
    for name, addr in utils.getaddresses([one_line(v, 1000) for v in values]):
        if addr:
            out.append(Address(display_name=header_text(name, 100), addr_spec=one_line(addr)))
    return out


def unsubscribe_links(
    ctx: MailContext, subscription: str | None, to: Sequence[str]
) -> tuple[str | None, str | None]:
    """(mailto, url) for List-Unsubscribe: a mail to the sender naming the subscription, and,
    with `web.base_url` and the database's key, the signed web page that removes this one
    address (RFC 8058 one-click); `sig` is what makes the link unforgeable."""
    from .unsubscribe import ALL, sign

    sender = _addresses([ctx.sender])
    what = f"unsubscribe {subscription}" if subscription else "unsubscribe"
    mailto = f"mailto:{sender[0].addr_spec}?subject={quote(what)}" if sender else None
    url = None
    recipients = _addresses(to)
    if (
        ctx.web_base_url
        and safe_link(ctx.web_base_url)
        and ctx.unsubscribe_key
        and len(recipients) == 1
    ):
        name = subscription or ALL
        address = recipients[0].addr_spec.lower()
        query = urlencode(
            {"subscription": name, "to": address, "sig": sign(ctx.unsubscribe_key, name, address)}
        )
        url = f"{ctx.web_base_url.rstrip('/')}/unsubscribe?{query}"
    return mailto, url


def _base_message(
    ctx: MailContext,
    to: Sequence[str],
    subject: str,
    now: datetime,
    msgid: str,
    subscription: str | None = None,
) -> EmailMessage:
    _require_aware(now)
    recipients = _addresses(to)
    if not recipients:
        raise ValueError("a message needs at least one recipient")
    msg = EmailMessage(policy=MAIL_POLICY)
    msg["Subject"] = header_text(f"{ctx.subject_prefix} {subject}", 200)
    sender = _addresses([ctx.sender])
    if len(sender) != 1:
        raise ValueError(f"{ctx.sender!r} is not one sender address")
    msg["From"] = sender
    msg["To"] = recipients
    msg["Date"] = utils.format_datetime(now)
    msg["Message-ID"] = msgid
    msg["List-Id"] = f"monitor <{ctx.list_domain}>"
    mailto, url = unsubscribe_links(ctx, subscription, to)
    links = [f"<{link}>" for link in (url, mailto) if link]
    if links:
        msg["List-Unsubscribe"] = ", ".join(links)
    if url:
        msg["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
    msg["Auto-Submitted"] = "auto-generated"
    msg["Precedence"] = "bulk"
    msg["X-Auto-Response-Suppress"] = "All"
    return msg


def _attach(msg: EmailMessage, text: str, html: str) -> None:
    msg.set_content(text, subtype="plain", charset="utf-8", cte="quoted-printable")
    msg.add_alternative(html, subtype="html", charset="utf-8", cte="quoted-printable")


def _threads(cards: Sequence[dict[str, Any]], domain: str) -> list[str]:
    """The thread roots a message belongs to: its claims', or its feeds'."""
    out: list[str] = []
    for card in cards:
        if card["kind"] == "feed":
            root = _feed_thread_id(card["feed"]["id"], domain)
        elif card["claim_id"]:
            root = thread_id_for(card["claim_id"], domain)
        else:
            continue
        if root not in out:
            out.append(root)
    return out


def _compose(
    cards: list[dict[str, Any]],
    to: Sequence[str],
    ctx: MailContext,
    now: datetime,
    msgid: str,
    *,
    subscription: str | None,
    summary: str,
    period: str | None = None,
) -> EmailMessage:
    msg = _base_message(ctx, to, summary, now, msgid, subscription)
    threads = _threads(cards, ctx.domain)
    if threads and period is None:
        msg["In-Reply-To"] = threads[0]
        msg["References"] = " ".join(threads)
    positions = [e["position"] for c in cards for e in c["events"]]
    msg["X-Monitor-Event" if period is None else "X-Monitor-Events"] = " ".join(
        str(p) for p in sorted(positions)
    )
    claim_ids = list(dict.fromkeys(c["claim_id"] for c in cards if c["claim_id"]))
    if claim_ids and period is None:
        msg["X-Monitor-Claim"] = header_text(" ".join(claim_ids), 200)
    mailto, url = unsubscribe_links(ctx, subscription, to)
    kinds = {c["kind"] for c in cards}
    if period is not None:
        label = f"Digest · {period}"
    elif kinds == {"feed"}:
        label = "Feed alert" if len(cards) == 1 else f"Feed alerts · {len(cards)} feeds"
    elif kinds == {"correction"}:
        label = "Claim corrected"
    else:
        n = len(cards)
        label = "Claim changed" if n == 1 else f"{n} claims changed in one report"
    text, html = _render(
        "message",
        cards=cards,
        title=summary,
        label=label,
        period=period,
        subscription=subscription,
        unsubscribe=url or mailto,
    )
    _attach(msg, text, html)
    return msg


def render_message(
    items: Sequence[tuple[RecordedEvent, Claim | None]],
    to: Sequence[str],
    ctx: MailContext,
    now: datetime,
    *,
    message_id: str,
    subscription: str | None = None,
    feeds: Mapping[str, FeedInfo] | None = None,
) -> EmailMessage:
    """One message for changes that belong together: a report's changes (one card per claim),
    or the feed alerts due at once. `message_id` is the one fixed in the outbox."""
    if not items:
        raise ValueError("a message needs at least one change")
    _require_aware(now)
    cards = cards_for(items, ctx, feeds)
    return _compose(
        cards, to, ctx, now, message_id, subscription=subscription, summary=message_summary(cards)
    )


def render_change(
    event: RecordedEvent,
    claim: Claim | None,
    to: Sequence[str],
    ctx: MailContext,
    now: datetime,
    *,
    group: str | None = None,
    subscription: str | None = None,
    feeds: Mapping[str, FeedInfo] | None = None,
) -> EmailMessage:
    """One change, one message; `group` (default: the recipients) keys the Message-ID."""
    msgid = message_id_for(event, group if group is not None else _group_of(to), ctx.domain)
    return render_message(
        [(event, claim)], to, ctx, now, message_id=msgid, subscription=subscription, feeds=feeds
    )


def render_digest(
    items: Sequence[tuple[RecordedEvent, Claim | None]],
    to: Sequence[str],
    ctx: MailContext,
    period: str,
    now: datetime,
    *,
    subscription: str | None = None,
    feeds: Mapping[str, FeedInfo] | None = None,
) -> EmailMessage:
    """All of a subscriber's changes of one period in one message, a card per claim."""
    if not items:
        raise ValueError("a digest needs at least one change")
    _require_aware(now)
    ordered = sorted(items, key=lambda item: item[0].position)
    cards = cards_for(ordered, ctx, feeds)
    period_text = one_line(period, 40)
    n = len(ordered)
    summary = f"digest {period_text}: {n} change{'s' if n != 1 else ''}"
    key = "|".join([period_text, _group_of(to), *(e.hash for e, _ in ordered)])
    msgid = f"<digest.{token(period_text)}.{_digest(key, 24)}@{ctx.domain}>"
    msg = _compose(
        cards, to, ctx, now, msgid, subscription=subscription, summary=summary, period=period_text
    )
    msg["X-Monitor-Digest"] = header_text(period_text, 40)
    return msg
