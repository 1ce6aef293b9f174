"""Atom feeds of changes, built with feedgen: one entry per change event.

Entry ids are tag URIs made of the configured mail domain and the event's hash, so they stay
the same across restarts, base-URL changes and rebuilds of the read models (the hash is the
event's own identity in the chained log) and a feed reader never shows a change twice.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime

from feedgen.feed import FeedGenerator
from lxml import etree

from ..domain import events as ev
from ..domain.claims import Claim
from .readmodel import change_json

GENERATOR = "monitor"
ATOM_NS = "http://www.w3.org/2005/Atom"


def _when(text: str | None) -> datetime:
    if not text:
        return datetime(1970, 1, 1, tzinfo=UTC)
    moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def tag_id(domain: str, what: str) -> str:
    return f"tag:{domain},2026:{what}"


def change_title(change: dict, claim: Claim | None) -> str:
    subject = claim.subject if claim else change["claim"]
    verb = "corrected" if change["type"] == ev.CLAIM_CORRECTED else change["field"]
    return f"{subject}: {verb} {change['from'] or '—'} → {change['to'] or '—'}"


def build_feed(
    *,
    domain: str,
    base_url: str,
    self_path: str,
    alternate_path: str,
    feed_key: str,
    title: str,
    subtitle: str,
    changes: Sequence[ev.RecordedEvent],
    claims: dict[str, Claim],
) -> bytes:
    """An Atom 1.0 document, newest change first."""
    fg = FeedGenerator()
    fg.id(tag_id(domain, feed_key))
    fg.title(title)
    fg.subtitle(subtitle)
    fg.author({"name": "monitor"})
    fg.generator(GENERATOR)
    fg.link(href=base_url + self_path, rel="self", type="application/atom+xml")
    fg.link(href=base_url + alternate_path, rel="alternate", type="text/html")
    fg.language("en")
    newest = changes[0].recorded_at if changes else None
    fg.updated(_when(newest))
    # feedgen prepends entries: add oldest first so the document lists newest first.
    entry_links: list[list[dict[str, str]]] = []
    for e in reversed(changes):
        c = change_json(e)
        claim = claims.get(c["claim"])
        entry = fg.add_entry()
        entry.id(tag_id(domain, f"event/{e.hash}"))
        entry.title(change_title(c, claim))
        entry.updated(_when(e.recorded_at))
        entry.published(_when(e.occurred_at))
        links = [
            {
                "href": f"{base_url}/claims/{c['claim']}#event-{e.position}",
                "rel": "alternate",
                "type": "text/html",
            }
        ]
        report = c["report"] or {}
        if report.get("link"):
            links.append({"href": report["link"], "rel": "related", "title": report.get("title")})
        entry_links.insert(0, links)
        lines = []
        if c["evidence"]:
            label = "Reason" if e.type == ev.CLAIM_CORRECTED else "Evidence"
            lines.append(f"{label}: {c['evidence']}")
        if report.get("title") or report.get("source"):
            src = report.get("source") or report.get("feed") or ""
            lines.append(f"Source: {report.get('title') or ''} {f'({src})' if src else ''}".strip())
        if report.get("link"):
            lines.append(f"Link: {report['link']}")
        if c["confidence"] is not None:
            lines.append(f"Confidence: {c['confidence']:.2f}")
        if c.get("by"):
            lines.append(f"By: {c['by']}")
        entry.content("\n".join(lines) or entry.title(), type="text")
        entry.summary(c["evidence"] or change_title(c, claim))
    return _with_links(fg.atom_str(pretty=False), entry_links)


def _with_links(document: bytes, entry_links: list[list[dict[str, str]]]) -> bytes:
    """Add each entry's links (feedgen 1.0 drops an entry link's rel, type and title)."""
    root = etree.fromstring(document)
    entries = root.findall(f"{{{ATOM_NS}}}entry")
    for element, links in zip(entries, entry_links, strict=True):
        for old in element.findall(f"{{{ATOM_NS}}}link"):
            element.remove(old)
        for link in links:
            attrs = {k: v for k, v in link.items() if v}
            etree.SubElement(element, f"{{{ATOM_NS}}}link", attrs)
    etree.indent(root)
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8")
