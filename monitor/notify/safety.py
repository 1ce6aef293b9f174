"""Taming untrusted feed text before it reaches a header, a terminal or an href.

Feed titles, claim subjects and evidence come from the internet: a CR/LF could forge a header,
an escape sequence could repaint a terminal, a `javascript:` link could run in a web mailer.
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit

# C0/C1 controls, DEL, and the Unicode line and paragraph separators.
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]")
_BIDI = re.compile(r"[\u202a-\u202e\u2066-\u2069]")  # direction overrides (spoofing)
_SPACES = re.compile(r"\s+")
_SURROGATES = re.compile("[\ud800-\udfff]")  # lone ones can't be encoded (JSON allows them)


def one_line(value: object, limit: int | None = None) -> str:
    """Single line of printable text: every control char or run of whitespace is one space."""
    text = "" if value is None else str(value)
    text = _SURROGATES.sub("\ufffd", _BIDI.sub("", _CONTROL.sub(" ", text)))
    text = _SPACES.sub(" ", text).strip()
    if limit is not None and len(text) > limit:
        text = text[: max(limit - 1, 0)].rstrip() + "…"
    return text


def header_text(value: object, limit: int = 160) -> str:
    """Text safe to put in a header value: one line, bounded length, no RFC 2047 words.

    The email package decodes "=?utf-8?b?...?=" in a value it is given and (Python < 3.11.10)
    writes a CR/LF hidden in it out verbatim: a header injection. "=?" is split to prevent it.
    """
    return one_line(value, limit).replace("=?", "= ?")


def safe_link(value: object) -> str | None:
    """The link if it is an absolute http(s) URL a mail client may follow, else None."""
    link = one_line(value)
    if not link or any(c in link for c in "<>\"' \\`"):
        return None
    try:
        parts = urlsplit(link)
    except ValueError:
        return None
    if parts.scheme.lower() not in ("http", "https") or not parts.hostname:
        return None
    return link


def token(value: object) -> str:
    """Characters allowed inside a Message-ID's left part: no '@', '<', '>' or spaces."""
    return re.sub(r"[^A-Za-z0-9._-]", "-", one_line(value)).strip("-.") or "x"
