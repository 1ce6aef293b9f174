"""Change events become email messages: one per change, or one digest per period.

Pure: no I/O beyond reading the templates, no clock (the caller passes `now`). Message-IDs are
derived from the event's hash, so a retried delivery sends the very same message and mail
clients can drop the duplicate.
"""

from __future__ import annotations

import hashlib
import shlex
import textwrap
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from email import utils
from email.header import Header
from email.headerregistry import Address, UnstructuredHeader
from email.message import EmailMessage
from email.policy import EmailPolicy
from functools import cache
from pathlib import Path
from typing import Any

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
    list_id: str  # List-Id and the right-hand side of Message-IDs, e.g. "monitor.localhost"
    base_command: str = "monitor"  # how the reader runs the CLI, shown in the commands
    subject_prefix: str = "[monitor]"

    @property
    def domain(self) -> str:
        """The bare list id (also accepts "Label <id>")."""
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


# --- the view of one change ------------------------------------------------------------------


def _show(value: Any) -> str:
    return NONE_VALUE if value is None or value == "" else one_line(value, 300)


def _report_view(report: Any) -> dict[str, Any] | None:
    if not isinstance(report, dict):
        return None
    link = one_line(report.get("link"), 2000)
    return {
        "title": one_line(report.get("title"), 500),
        "link": link,
        "href": safe_link(link),
        "source": one_line(report.get("source"), 200),
        "published": one_line(report.get("published"), 60),
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


def _section(event: RecordedEvent, claim: Claim | None, ctx: MailContext) -> dict[str, Any]:
    """Everything the templates show about one event, already cleaned of control characters."""
    data = event.data
    claim_id = one_line(claim.id if claim else data.get("claim", ""), 200)
    subject = one_line(claim.subject, 300) if claim and claim.subject else claim_id
    evidence = one_line(data.get("evidence"), 2000)
    s: dict[str, Any] = {
        "type": event.type,
        "kind": "other",
        "claim_id": claim_id,
        "subject": subject,
        "summary": "",
        "field": "",
        "old": "",
        "new": "",
        "evidence": evidence,
        "evidence_lines": textwrap.wrap(evidence, 72) if evidence else [],
        "report": _report_view(data.get("report")),
        "confidence": _confidence(data.get("confidence")),
        "detector_version": one_line(data.get("detector_version"), 80),
        "why": [one_line(w, 300) for w in data.get("why") or [] if one_line(w)],
        "detected": one_line(event.recorded_at, 60),
        "occurred": one_line(event.occurred_at, 60),
        "position": event.position,
        "hash": one_line(event.hash, 128),
        "stream": one_line(event.stream, 200),
        "reason": "",
        "by": "",
        "feed": None,
        "commands": [],
    }
    history = ("See the history", _cmd(ctx, "history", claim_id))
    if event.type == ev.CLAIM_STATUS_CHANGED:
        old, new = _show(data.get("from")), _show(data.get("to"))
        s.update(kind="status", field="status", old=old, new=new)
        s["summary"] = f"{subject}: {old} -> {new}"
        s["commands"] = [
            history,
            _undo(ctx, "If this is wrong", claim_id, "--status", data.get("from")),
        ]
    elif event.type == ev.CLAIM_VALUE_CHANGED:
        old, new = _show(data.get("from")), _show(data.get("to"))
        s.update(kind="value", field="value", old=old, new=new)
        s["summary"] = f"{subject} value: {old} -> {new}"
        s["commands"] = [
            history,
            _undo(ctx, "If this is wrong", claim_id, "--value", data.get("from")),
        ]
    elif event.type == ev.CLAIM_CORRECTED:
        _correction(s, data, subject)
        if s["old"] == s["new"] and s["value_old"] != s["value_new"]:
            undo = _undo(ctx, "To undo", claim_id, "--value", data.get("from_value"))
        else:
            undo = _undo(ctx, "To undo", claim_id, "--status", data.get("from_status"))
        s["commands"] = [history, undo]
    elif event.type in (ev.FEED_FAILING, ev.FEED_RECOVERED):
        feed = one_line(data.get("feed"), 200)
        url = one_line(data.get("url"), 2000)
        failing = event.type == ev.FEED_FAILING
        s.update(kind="feed", subject=f"feed {feed}")
        s["feed"] = {
            "id": feed,
            "url": url,
            "href": safe_link(url),
            "error": one_line(data.get("error"), 1000),
            "failures": data.get("failures") if isinstance(data.get("failures"), int) else None,
            "failing": failing,
        }
        if failing:
            s["summary"] = f"feed {feed} failing: {s['feed']['error'] or 'error'}"
        else:
            s["summary"] = f"feed {feed} recovered"
    else:
        s["summary"] = f"{event.type} {one_line(event.stream)}"
        if claim_id:
            s["commands"] = [history]
    return s


def _correction(s: dict[str, Any], data: dict[str, Any], subject: str) -> None:
    old_s, new_s = data.get("from_status"), data.get("status")
    old_v, new_v = data.get("from_value"), data.get("value")
    parts = []
    if new_s is not None and new_s != old_s:
        parts.append(f"{_show(old_s)} -> {_show(new_s)}")
    if "value" in data and new_v != old_v:
        parts.append(f"value {_show(old_v)} -> {_show(new_v)}")
    s.update(
        kind="correction",
        field="status",
        old=_show(old_s),
        new=_show(new_s),
        reason=one_line(data.get("reason"), 1000),
        by=one_line(data.get("by"), 200),
        value_old=_show(old_v) if "value" in data else "",
        value_new=_show(new_v) if "value" in data else "",
    )
    s["summary"] = f"{subject} corrected: {', '.join(parts) or 'no change'}"


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


def _base_message(
    ctx: MailContext, to: Sequence[str], subject: str, now: datetime, msgid: str
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
    msg["List-Id"] = f"monitor <{ctx.domain}>"
    msg["Auto-Submitted"] = "auto-generated"
    msg["Precedence"] = "bulk"
    msg["X-Auto-Response-Suppress"] = "All"
    return msg


def _attach(msg: EmailMessage, text: str, html: str) -> None:
    msg.set_content(text, subtype="plain", charset="utf-8", cte="quoted-printable")
    msg.add_alternative(html, subtype="html", charset="utf-8", cte="quoted-printable")


def render_change(
    event: RecordedEvent,
    claim: Claim | None,
    to: Sequence[str],
    ctx: MailContext,
    now: datetime,
    *,
    group: str | None = None,
) -> EmailMessage:
    """One change, one message; `group` (default: the recipients) keys the Message-ID."""
    s = _section(event, claim, ctx)
    domain = ctx.domain
    msgid = message_id_for(event, group if group is not None else _group_of(to), domain)
    msg = _base_message(ctx, to, s["summary"], now, msgid)
    if s["kind"] == "feed":
        thread = _feed_thread_id(s["feed"]["id"], domain)
    elif s["claim_id"]:
        thread = thread_id_for(s["claim_id"], domain)
    else:
        thread = None
    if thread:
        msg["In-Reply-To"] = thread
        msg["References"] = thread
    msg["X-Monitor-Event"] = str(event.position)
    if s["claim_id"]:
        msg["X-Monitor-Claim"] = header_text(s["claim_id"], 200)
    text, html = _render("change", s=s, title=s["summary"])
    _attach(msg, text, html)
    return msg


def render_digest(
    items: Sequence[tuple[RecordedEvent, Claim | None]],
    to: Sequence[str],
    ctx: MailContext,
    period: str,
    now: datetime,
) -> EmailMessage:
    """All of a subscriber's changes of one period in one message, a section per change."""
    if not items:
        raise ValueError("a digest needs at least one change")
    ordered = sorted(items, key=lambda item: item[0].position)
    sections = [_section(e, c, ctx) for e, c in ordered]
    period_text = one_line(period, 40)
    n = len(sections)
    summary = f"digest {period_text}: {n} change{'s' if n != 1 else ''}"
    key = "|".join([period_text, _group_of(to), *(e.hash for e, _ in ordered)])
    msgid = f"<digest.{token(period_text)}.{_digest(key, 24)}@{ctx.domain}>"
    msg = _base_message(ctx, to, summary, now, msgid)
    msg["X-Monitor-Digest"] = header_text(period_text, 40)
    msg["X-Monitor-Events"] = " ".join(str(e.position) for e, _ in ordered)
    text, html = _render("digest", sections=sections, title=summary, period=period_text)
    _attach(msg, text, html)
    return msg
