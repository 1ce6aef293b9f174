"""Turn a feed's bytes into entries the diff step can compare, with feedparser.

Why this shape: a bad feed is data (feedparser's "bozo"), so a feed that parses with a warning but
yields entries is used; only a feed with nothing usable raises ``FeedParseError``.

Security, and why a guard runs before feedparser. What feedparser 6 does by itself:

- it always parses from the bytes we give it (wrapped in ``BytesIO``: a bare ``bytes`` argument
  that happens to name a file is OPENED by ``feedparser.parse``, so a server answering
  ``/etc/passwd`` would make it read that file);
- it strips ENTITY declarations that start a line before the root element and keeps only "safe"
  ones (a quoted value without ``&``); its SAX (expat) parser runs with external general entities
  off, and expat >= 2.4 aborts on large amplification. So XXE does not leak and a billion-laughs
  document degrades to a bozo feed;
- BUT declarations that do not start a line reach expat untouched, and the loose (sgml) fallback
  expands every "safe" entity: one 100 kB entity referenced 2,000 times ("quadratic blowup")
  builds a 200 MB string and takes ~1.5 GB and 13 s.

So ``_guard_entities`` decodes the bytes as feedparser will (its own ``convert_to_utf8``, so
UTF-16 or UTF-7 cannot hide a declaration); if they contain ``<!ENTITY`` at all (real feeds
almost never do, so for nearly every feed this is one substring test), it runs expat over the
prolog only, never expanding anything, of the document as sent and as feedparser's
``replace_doctype`` leaves it, and rejects: external entities (SYSTEM/PUBLIC), entities
whose value refers to another entity (the building block of exponential bombs), and declared
entities whose total expansion (value length x references) would exceed ``MAX_ENTITY_EXPANSION``.
defusedxml was not used because it forbids every declaration (the harmless ``<!ENTITY id "tag:">``
of real feeds too) and cannot see what feedparser's loose parser would expand.
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import re
import xml.parsers.expat
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import feedparser
from feedparser.encodings import convert_to_utf8
from feedparser.sanitizer import replace_doctype

MAX_ENTITY_EXPANSION = 1_000_000  # characters all entity references may add to the document

# Bozo reasons that say nothing about the document's structure (a missing or odd Content-Type, a
# charset that disagrees with the XML declaration): an empty feed with one of these is still a
# feed, only a warning.
_SOFT_BOZO = (feedparser.CharacterEncodingOverride, feedparser.NonXMLContentType)


class FeedParseError(Exception):
    """The document is not a usable feed; the message names the reason."""


@dataclass(frozen=True)
class ParsedEntry:
    identity: str  # guid/id, else link, else "sha256:" + hash of title and text
    link: str | None
    title: str
    published: str | None  # ISO 8601 UTC "YYYY-MM-DDTHH:MM:SSZ"
    text: str  # summary + content, HTML kept
    content_hash: str  # sha256 hex of title + text: a revised entry gets a new hash


@dataclass(frozen=True)
class ParsedFeed:
    title: str
    entries: list[ParsedEntry]
    bozo: bool
    warning: str | None


# -- the entity guard --------------------------------------------------------------------


class _PrologDone(Exception):
    pass


def _guard_entities(body: bytes, headers: Mapping[str, str]) -> None:
    """Raise FeedParseError if the document declares dangerous entities (see module doc)."""
    data = convert_to_utf8(dict(headers), body, {})
    if b"<!ENTITY" not in data:
        return
    _version, stripped, safe_entities = replace_doctype(data)
    values: dict[str, int] = {name: len(value) for name, value in safe_entities.items()}
    # The document as sent shows intent (a bomb feedparser would happen to strip is still a
    # bomb); the stripped one is what feedparser's expat will really read.
    _scan_prolog(data, values)
    if stripped != data:
        _scan_prolog(stripped, values)
    expansion = 0
    for name, length in values.items():
        expansion += stripped.count(b"&" + name.encode("utf-8") + b";") * length
        if expansion > MAX_ENTITY_EXPANSION:
            raise FeedParseError(
                f"entity expansion refused: references would add more than "
                f"{MAX_ENTITY_EXPANSION} characters"
            )


def _scan_prolog(data: bytes, values: dict[str, int]) -> None:
    """Run expat over the prolog only (nothing is expanded), checking each entity declared."""

    def on_entity(
        name: str,
        is_parameter: bool,
        value: str | None,
        base: str | None,
        system_id: str | None,
        public_id: str | None,
        notation: str | None,
    ) -> None:
        if value is None or system_id is not None or public_id is not None:
            raise FeedParseError(f"feed declares an external entity {name!r} (XXE refused)")
        if "&" in value or "%" in value:
            raise FeedParseError(f"entity expansion refused: entity {name!r} refers to others")
        if is_parameter:
            raise FeedParseError(f"parameter entity {name!r} refused")
        values[name] = max(values.get(name, 0), len(value))

    def on_external_ref(*_args: Any) -> int:
        raise FeedParseError("feed refers to an external entity (XXE refused)")

    def on_start(*_args: Any) -> None:
        raise _PrologDone()

    parser = xml.parsers.expat.ParserCreate(namespace_separator=" ")
    parser.EntityDeclHandler = on_entity
    parser.ExternalEntityRefHandler = on_external_ref
    parser.StartElementHandler = on_start
    # Past the prolog no entity can be declared; a syntax error stops feedparser's expat at
    # the same byte, and its loose parser only expands ``safe_entities``.
    with contextlib.suppress(_PrologDone, xml.parsers.expat.ExpatError):
        parser.Parse(data, True)


# -- entries -----------------------------------------------------------------------------

_NUL = re.compile("\x00")


def _clean(value: object) -> str:
    """A str safe for JSON, SQL and hashing: no lone surrogates, no NUL (PostgreSQL refuses it)."""
    if value is None:
        return ""
    text = value if isinstance(value, str) else str(value)
    text = text.encode("utf-8", "replace").decode("utf-8")
    return _NUL.sub("", text)


def _iso(struct: Any) -> str | None:
    """feedparser's UTC struct_time -> "YYYY-MM-DDTHH:MM:SSZ", None if it is not a real date."""
    if not struct:
        return None
    try:
        year, month, day, hour, minute, second = (int(x) for x in tuple(struct)[:6])
        when = datetime(year, month, day, hour, minute, min(second, 59), tzinfo=UTC)
    except (TypeError, ValueError, OverflowError):
        return None
    return when.strftime("%Y-%m-%dT%H:%M:%SZ")


def _sha256(*parts: str) -> str:
    return hashlib.sha256("\x1f".join(parts).encode("utf-8")).hexdigest()


def _entry_text(entry: Mapping[str, Any]) -> str:
    pieces: list[str] = []
    summary = _clean(dict.get(entry, "summary")).strip()
    if summary:
        pieces.append(summary)
    for content in dict.get(entry, "content") or []:
        value = _clean(content.get("value") if isinstance(content, Mapping) else None).strip()
        if value and value not in pieces:
            pieces.append(value)
    return "\n\n".join(pieces)


def _entry(entry: Mapping[str, Any]) -> ParsedEntry:
    # dict.get bypasses FeedParserDict's aliasing (and its deprecation warnings).
    title = _clean(dict.get(entry, "title")).strip()
    text = _entry_text(entry)
    link = _clean(dict.get(entry, "link")).strip() or None
    guid = _clean(dict.get(entry, "id")).strip()
    content_hash = _sha256(title, text)
    identity = guid or link or f"sha256:{content_hash}"
    published = None
    for key in ("published_parsed", "updated_parsed", "created_parsed"):
        published = _iso(dict.get(entry, key))
        if published:
            break
    return ParsedEntry(identity, link, title, published, text, content_hash)


def _warning(exc: object) -> str | None:
    if exc is None:
        return None
    message = _clean(exc).strip()
    return f"{type(exc).__name__}: {message}" if message else type(exc).__name__


def parse_feed(
    body: bytes,
    headers: Mapping[str, str] | None = None,
    url: str | None = None,
    max_entries: int = 10_000,
) -> ParsedFeed:
    """Parse feed bytes (with the HTTP response headers, for the charset); raise if unusable."""
    if not body or not body.strip():
        raise FeedParseError("empty document")
    lowered = {str(k).lower(): str(v) for k, v in (headers or {}).items()}
    if url and "content-location" not in lowered:
        lowered["content-location"] = url  # base for relative links
    _guard_entities(body, lowered)

    result = feedparser.parse(io.BytesIO(body), response_headers=lowered)
    bozo = bool(result.get("bozo"))
    warning = _warning(result.get("bozo_exception")) if bozo else None
    raw_entries = list(result.get("entries") or [])
    if not raw_entries:
        soft = isinstance(result.get("bozo_exception"), _SOFT_BOZO) and result.get("version")
        if bozo and not soft:
            raise FeedParseError(f"no entries in an ill-formed document ({warning})")
        if not result.get("version"):
            raise FeedParseError("not a feed: no RSS, Atom or RDF root element and no entries")

    entries: list[ParsedEntry] = []
    seen: set[str] = set()
    for raw in raw_entries:
        entry = _entry(raw)
        if entry.identity in seen:
            continue  # a feed repeating an id: the first one is the one readers show
        seen.add(entry.identity)
        entries.append(entry)
        if len(entries) >= max_entries:
            note = f"only the first {max_entries} entries kept"
            warning = f"{warning}; {note}" if warning else note
            break
    feed = result.get("feed") or {}
    return ParsedFeed(
        title=_clean(dict.get(feed, "title")).strip(),
        entries=entries,
        bozo=bozo,
        warning=warning,
    )
