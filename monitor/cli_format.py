"""How the CLI shows things on a terminal: tables that fit, short times, safe text.

Tables are borderless, kubectl/gh style, and are fitted to the terminal by this module rather
than by rich: the columns people type from (ids) and times are never cut; only columns marked
`flex` give up width, with an ellipsis, and a `drop` column disappears before it gets too narrow
to read. `--wide` shows every column, uncut, whatever the width.
"""

from __future__ import annotations

import os
import re
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Literal
from urllib.parse import urlsplit

from rich.cells import cell_len
from rich.console import Console
from rich.table import Table
from rich.text import Text

ARROW = "\u2192"  # one arrow style everywhere ("→", as the mail uses)
NONE_VALUE = "(none)"  # an absent value, as the mail spells it
DASH = "-"
GAP = 2  # spaces between two columns
PIPED_WIDTH = 240  # no terminal and no COLUMNS: wide, so rows stay one line in files and logs

Cell = str | Text


def make_console(*, stderr: bool = False) -> Console:
    """A console as wide as the terminal, or COLUMNS when set, or PIPED_WIDTH when piped."""
    stream = sys.stderr if stderr else sys.stdout
    sized = stream.isatty() or os.environ.get("COLUMNS", "").strip().isdigit()
    return Console(stderr=stderr, soft_wrap=True, width=None if sized else PIPED_WIDTH)


# ---- words ----------------------------------------------------------------------------------


def plural(n: int, word: str, many: str | None = None) -> str:
    """'1 feed', '3 feeds' (never '1 feeds')."""
    return f"{n} {word if n == 1 else (many or word + 's')}"


def value_text(value: object) -> str:
    """A claim's value for people: '(none)' when there is none, never 'None'."""
    return NONE_VALUE if value is None or value == "" else str(value)


def change_text(before: object, after: object) -> str:
    """'(none) → 2027': a value change, as the mail shows it."""
    return f"{one_line(value_text(before))} {ARROW} {one_line(value_text(after))}"


def confidence_text(value: object) -> str:
    """Confidence with two decimals, the same in `check`, `history` and `rediff`."""
    try:
        return f"{float(value):.2f}"  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return "?"


# Terminal escape sequences whole (CSI such as colours, OSC such as titles and hyperlinks),
# then any control character left, and the bidi overrides that reorder what is shown.
_ESCAPES = re.compile(r"\x1b\[[0-?]*[ -/]*[@-~]|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)?|\x1b.?")
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069]")


def one_line(text: object) -> str:
    """Untrusted text (titles, evidence, server replies) as one harmless terminal line: no
    escape sequences, no bidi overrides, newlines and tabs as spaces."""
    flat = str(text or "").replace("\r\n", " ").replace("\n", " ").replace("\t", " ")
    return re.sub(r" {2,}", " ", _CONTROL.sub("", _ESCAPES.sub("", flat))).strip()


def web_link(link: object) -> str | None:
    """The link when it is an absolute http(s) URL (safe to print for a terminal to make
    clickable), else None: a `javascript:` or `data:` link is never shown bare."""
    text = one_line(link)
    if not text or any(c in text for c in " <>\"'`\\"):
        return None
    try:
        parts = urlsplit(text)
    except ValueError:
        return None
    if parts.scheme.lower() not in ("http", "https") or not parts.hostname:
        return None
    return text


def link_line(link: object) -> str:
    """How `history` and `check` show a report's link: the URL, or why it is not shown."""
    if not link:
        return ""
    safe = web_link(link)
    if safe:
        return safe
    scheme = urlsplit(one_line(link)).scheme if ":" in str(link) else ""
    what = f"a {scheme}: link" if scheme else "not an http(s) link"
    return f"(link not shown: {what})"


# ---- times ----------------------------------------------------------------------------------


def parse_time(stamp: str | None) -> datetime | None:
    """An ISO 8601 time of the log or the database (with Z or an offset), as aware UTC."""
    if not stamp:
        return None
    try:
        moment = datetime.fromisoformat(stamp.strip().replace("Z", "+00:00"))
    except ValueError:
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC)


def full_time(stamp: str | None) -> str:
    """For --wide: to the second, UTC, e.g. 2026-12-02T06:04:11Z."""
    moment = parse_time(stamp)
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ") if moment else (stamp or DASH)


def relative_time(stamp: str | None, now: datetime, *, due: str = "now") -> str:
    """'just now', '3 min ago', '5 h ago', '12 d ago'; 'in 27 min' ahead; a date (2026-03-01)
    when more than 60 days away. ``due`` is what a past time reads as when ``now`` would be
    said instead (e.g. a next attempt already due)."""
    moment = parse_time(stamp)
    if moment is None:
        return stamp or DASH
    seconds = (now - moment).total_seconds()
    ahead = seconds < 0
    span = abs(seconds)
    if span >= 60 * 86400:
        return moment.strftime("%Y-%m-%d")
    if span < 60:
        return "in <1 min" if ahead else "just now"
    if span < 3600:
        amount = f"{int(span // 60)} min"
    elif span < 48 * 3600:
        amount = f"{int(span // 3600)} h"
    else:
        amount = f"{int(span // 86400)} d"
    return f"in {amount}" if ahead else f"{amount} ago"


def next_time(stamp: str | None, now: datetime) -> str:
    """A time something is due: 'in 27 min', or 'now' when it is already due."""
    moment = parse_time(stamp)
    if moment is not None and moment <= now:
        return "now"
    return relative_time(stamp, now)


def duration(seconds: float) -> str:
    """'340 ms', '2.4 s', '1 min 5 s'."""
    if seconds < 1:
        return f"{seconds * 1000:.0f} ms"
    if seconds < 60:
        return f"{seconds:.1f} s"
    return f"{int(seconds // 60)} min {int(seconds % 60)} s"


# ---- tables ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Column:
    """One column. `flex`: may be cut (with an ellipsis) to fit, never below `min_width`;
    `drop`: rather than that, the column is left out; `priority`: which flex column gets room
    first (0 first). Columns that are not `flex` are never cut. `wide_only`: shown with --wide
    only."""

    header: str
    flex: bool = False
    min_width: int = 8
    drop: bool = False
    justify: Literal["left", "right"] = "left"
    wide_only: bool = False
    priority: int = 0


def _width(cell: Cell) -> int:
    return cell.cell_len if isinstance(cell, Text) else cell_len(cell)


def fit_widths(
    columns: Sequence[Column], rows: Sequence[Sequence[Cell]], width: int
) -> list[int | None]:
    """Each column's width (None: left out) so the table fits ``width`` cells.

    Fixed columns keep their natural width. The room left goes to the flex columns by
    `priority` (0 first): each gets what it needs, less only what the later columns that
    cannot be dropped need at least; a `drop` column that would get less than its minimum is
    left out, so a more valuable column is never cut to keep a less valuable one.
    """
    natural = [
        max([cell_len(c.header), *(_width(r[i]) for r in rows)]) for i, c in enumerate(columns)
    ]
    widths: list[int | None] = list(natural)
    flex = sorted((i for i, c in enumerate(columns) if c.flex), key=lambda i: columns[i].priority)

    def least(i: int) -> int:
        return min(natural[i], columns[i].min_width)

    fixed = sum(natural[i] for i, c in enumerate(columns) if not c.flex)
    left = width - fixed - GAP * (len(columns) - 1)
    reserved = sum(least(i) for i in flex if not columns[i].drop)
    for i in flex:
        if not columns[i].drop:
            reserved -= least(i)
        share = min(natural[i], left - reserved)
        if share < least(i):
            if columns[i].drop:
                widths[i] = None
                left += GAP
                continue
            share = least(i)
        widths[i] = share
        left -= share
    return widths


def render_table(
    console: Console,
    columns: Sequence[Column],
    rows: Sequence[Sequence[Cell]],
    *,
    wide: bool = False,
) -> None:
    """Print a borderless table fitted to the console (see `fit_widths`); with ``wide``
    every column, uncut, however long the lines get."""
    chosen = [i for i, c in enumerate(columns) if wide or not c.wide_only]
    cols = [columns[i] for i in chosen]
    cells = [[row[i] for i in chosen] for row in rows]
    if wide:
        widths: list[int | None] = [
            max([cell_len(c.header), *(_width(r[n]) for r in cells)]) for n, c in enumerate(cols)
        ]
    else:
        widths = fit_widths(cols, cells, console.width)
    shown = [n for n, w in enumerate(widths) if w is not None]
    table = Table(
        box=None,
        padding=(0, GAP // 2),
        pad_edge=False,
        show_edge=False,
        header_style="bold",
        expand=False,
        collapse_padding=False,
    )
    for n in shown:
        c = cols[n]
        table.add_column(
            c.header,
            justify=c.justify,
            no_wrap=True,
            overflow="ellipsis",
            width=widths[n],
        )
    for row in cells:
        table.add_row(*(_text(row[n]) for n in shown))
    total = sum(w for w in widths if w is not None) + GAP * (len(shown) - 1)
    if total > console.width:
        # --wide, or a terminal too narrow even for the columns that are never cut: long
        # lines (like `kubectl -o wide`) that the terminal wraps, rather than cut ids.
        wide_console = Console(
            file=console.file,
            width=total,
            soft_wrap=True,
            color_system=console.color_system if console.is_terminal else None,
            force_terminal=console.is_terminal,
        )
        wide_console.print(table)
        return
    console.print(table)


def _text(cell: Cell) -> Text:
    """Cells are never read as rich markup: a feed title with '[/]' in it is just text."""
    return cell if isinstance(cell, Text) else Text(cell)


def styled(text: str, style: str) -> Text:
    return Text(text, style=style)


STATE_STYLE = {
    "ok": "green",
    "failing": "red",
    "disabled": "dim",
    "pending": "yellow",
    "sending": "cyan",
    "delivered": "green",
    "dead": "red",
}


def state_cell(state: str) -> Text:
    return Text(state, style=STATE_STYLE.get(state, ""))


def now_utc() -> datetime:
    return datetime.now(UTC)
