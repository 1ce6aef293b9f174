"""Report text to plain, normalised text: what every later step of the detector reads.

HTML is reduced to its text, entities decoded, Unicode NFKC-normalised and typographic quotes and
dashes folded to ASCII, so that a cue written with a curly apostrophe matches the lexicon's.
"""

from __future__ import annotations

import html
import re
import unicodedata

_BLOCK_TAGS = re.compile(
    r"<\s*/?\s*(?:p|div|br|li|ul|ol|h[1-6]|tr|td|th|table|blockquote|section|article|header|"
    r"footer|figure|figcaption|pre)\b[^>]*>",
    re.IGNORECASE,
)
_DROP = re.compile(r"<(script|style|noscript)\b[^>]*>.*?</\1\s*>", re.IGNORECASE | re.DOTALL)
_COMMENT = re.compile(r"<!--.*?-->", re.DOTALL)
_TAG = re.compile(r"<[^>]{0,2000}>")
_SPACE = re.compile(r"[ \t\r\f\v\u00a0]+")
_NEWLINES = re.compile(r"\s*\n\s*")
_ODD_SPACES = "\t\r\f\v\u00a0"  # whitespace _SPACE folds to a space

_FOLD = str.maketrans(
    {
        "\u2018": "'",
        "\u2019": "'",
        "\u201a": "'",
        "\u201b": "'",
        "\u2032": "'",
        "\u00b4": "'",
        "`": "'",
        "\u201c": '"',
        "\u201d": '"',
        "\u201e": '"',
        "\u201f": '"',
        "\u00ab": '"',
        "\u00bb": '"',
        "\u2033": '"',
        "\u2010": "-",
        "\u2011": "-",
        "\u2012": "-",
        "\u2013": " - ",
        "\u2014": " - ",
        "\u2015": " - ",
        "\u2212": "-",
        "\u2026": "...",
        "\u00ad": None,  # soft hyphen
        "\u200b": None,  # zero-width space
        "\u200c": None,
        "\u200d": None,
        "\ufeff": None,
    }
)


def html_to_text(raw: str) -> str:
    """Text of an HTML fragment (plain text passes through unchanged but for entities)."""
    if "<" in raw:
        raw = _COMMENT.sub(" ", raw)
        raw = _DROP.sub(" ", raw)
        raw = _BLOCK_TAGS.sub("\n", raw)
        raw = _TAG.sub("", raw)
    return html.unescape(raw)


def normalise(text: str) -> str:
    """NFKC, typographic punctuation folded, runs of spaces collapsed; newlines kept as breaks."""
    if text.isascii():  # NFKC leaves ASCII alone, and the only ASCII fold is the backtick
        if "`" in text:
            text = text.replace("`", "'")
    else:
        text = unicodedata.normalize("NFKC", text).translate(_FOLD)
    # The regexes walk every character: run them only when there is something to collapse.
    if "  " in text or any(c in text for c in _ODD_SPACES):
        text = _SPACE.sub(" ", text)
    if "\n" in text:
        text = _NEWLINES.sub("\n", text)
    return text.strip()


def clean(raw: str) -> str:
    """html_to_text then normalise: the one call the detector makes."""
    return normalise(html_to_text(raw or ""))


def fold_accents(word: str) -> str:
    """Lower case without accents ("Coupé" -> "coupe"), for matching only."""
    if word.isascii():
        return word.lower()
    decomposed = unicodedata.normalize("NFKD", word)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).lower()
