"""`monitor notify` and `monitor outbox`: sending the queued notifications and looking at them."""

from __future__ import annotations

import json
import signal
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from email.utils import parseaddr
from typing import TYPE_CHECKING, Any

import click
from rich.console import Console
from rich.text import Text

from .cli_format import (
    DASH,
    Cell,
    Column,
    full_time,
    make_console,
    next_time,
    now_utc,
    one_line,
    plural,
    relative_time,
    render_table,
    state_cell,
)
from .domain.events import RecordedEvent
from .errors import MonitorError, ValidationError
from .notify.delivery import (
    DeliveryReport,
    deliver_due,
    delivery_loop,
    list_outbox,
    retry,
    utc_now,
)
from .notify.outbox import DEAD, DELIVERED, EMAIL, PENDING, SENDING, check_subscriptions

if TYPE_CHECKING:
    from .cli import Ctx

# `click.pass_obj`, not a pass decorator keyed on the Ctx class: this module does not import
# monitor.cli (which imports it), so `python -m monitor.cli` works too.
pass_ctx = click.pass_obj
out = make_console()  # as monitor.cli
err = make_console(stderr=True)


def emit_json(value: Any) -> None:
    click.echo(json.dumps(value, ensure_ascii=False))


@contextmanager
def stop_on_signals() -> Iterator[threading.Event]:
    """An event set by SIGINT or SIGTERM: the pass in progress finishes, then the loop ends."""
    stop = threading.Event()
    previous = {sig: signal.getsignal(sig) for sig in (signal.SIGINT, signal.SIGTERM)}

    def handler(signum: int, _frame: Any) -> None:
        stop.set()

    for sig in previous:
        signal.signal(sig, handler)
    try:
        yield stop
    finally:
        for sig, old in previous.items():
            signal.signal(sig, old)


def notify_cmd(c: Ctx, once: bool, as_json: bool) -> None:
    app = c.app()
    check_subscriptions(app)
    transport = app.transport()
    if once:
        report = deliver_due(app, transport, utc_now())
        if as_json:
            emit_json(report.to_json())
        else:
            click.echo(report.summary())
            for line in report.errors:
                click.echo(f"  {line}", err=True)
        return

    def on_pass(report: DeliveryReport) -> None:
        if report.sent or report.retried or report.dead:
            if as_json:
                emit_json(report.to_json())
            else:
                click.echo(report.summary())
        for line in report.errors:
            click.echo(f"  {line}", err=True)

    def on_error(exc: Exception) -> None:
        what = str(exc) if isinstance(exc, MonitorError) else f"{type(exc).__name__}: {exc}"
        err.print(f"[bold red]delivery pass failed:[/] {what}", markup=True, highlight=False)

    interval = app.settings.delivery.interval
    click.echo(f"delivering every {interval:g}s (Ctrl-C to stop)", err=True)
    with stop_on_signals() as stop:
        delivery_loop(app, transport, stop, on_pass=on_pass, on_error=on_error)
    click.echo("stopped", err=True)


_SHOWN = (
    "id",
    "event_position",
    "subscription",
    "channel",
    "target",
    "recipients",
    "mode",
    "period",
    "state",
    "attempts",
    "next_attempt_at",
    "last_error",
    "message_id",
)

OUTBOX_COLUMNS = (
    Column("ID", justify="right"),
    Column("STATE"),
    Column("WHEN"),
    Column("TRIES", justify="right"),
    Column("EVENT", justify="right"),
    Column("MODE"),
    Column("SUBSCRIPTION", flex=True, min_width=10),
    Column("TO", flex=True, min_width=12, drop=True, priority=1),
    Column("PERIOD", wide_only=True),
    Column("NEXT ATTEMPT", wide_only=True),
    Column("CREATED", wide_only=True),
    Column("DELIVERED", wide_only=True),
    Column("MESSAGE ID", wide_only=True),
    Column("LAST ERROR", wide_only=True),
)


def _recipients(row: dict, wide: bool) -> str:
    """A row's destination. Email: its recipient (as written with --wide, else the address
    alone); a row queued before per-recipient rows may hold several: 'a@b.c +2'. A webhook or
    Apprise row: the channel and the URL as stored (scheme and host), 'webhook https://h/…'."""
    addresses = row["recipients"]
    if row.get("channel", EMAIL) != EMAIL:
        return f"{row['channel']} {one_line(addresses[0] if addresses else row['target'])}"
    if wide or not addresses:
        return ", ".join(one_line(a) for a in addresses) or DASH
    first = parseaddr(addresses[0])[1] or addresses[0]
    more = f" +{len(addresses) - 1}" if len(addresses) > 1 else ""
    return f"{one_line(first)}{more}"


def _when(row: dict, now: datetime) -> str:
    """Pending: when the next attempt is due; delivered: when it went; dead: never again."""
    if row["state"] in (PENDING, SENDING):
        return next_time(row["next_attempt_at"], now)
    if row["state"] == DELIVERED:
        return relative_time(row["delivered_at"], now)
    return DASH


def print_outbox(console: Console, rows: list[dict], now: datetime, *, wide: bool) -> None:
    """`monitor outbox`: one line per notification; each last error on a line of its own
    under the table (in the table with --wide), so no row wraps."""
    if not rows:
        console.print("the outbox is empty", highlight=False)
        return
    cells: list[list[Cell]] = [
        [
            str(row["id"]),
            state_cell(row["state"]),
            _when(row, now),
            str(row["attempts"]),
            f"#{row['event_position']}",
            row["mode"],
            one_line(row["subscription"]),
            _recipients(row, wide),
            row["period"] or DASH,
            full_time(row["next_attempt_at"]) if row["state"] in (PENDING, SENDING) else DASH,
            full_time(row["created_at"]),
            full_time(row["delivered_at"]) if row["delivered_at"] else DASH,
            one_line(row["message_id"]),
            one_line(row["last_error"]) or DASH,
        ]
        for row in rows
    ]
    render_table(console, OUTBOX_COLUMNS, cells, wide=wide)
    if wide:
        return
    for row in rows:
        if row["last_error"] and row["state"] != DELIVERED:
            console.print(
                Text.assemble(
                    ("error", "bold red"),
                    f" {row['id']} ({row['state']}, {plural(row['attempts'], 'try', 'tries')}): ",
                    (one_line(row["last_error"]), "red"),
                )
            )


def outbox_cmd(c: Ctx, as_json: bool, state: str | None, limit: int, wide: bool = False) -> None:
    rows = list_outbox(c.app(), state, limit)
    if as_json:
        emit_json([{k: row[k] for k in (*_SHOWN, "created_at", "delivered_at")} for row in rows])
        return
    if not rows and state:
        out.print(f"no {state} notifications", highlight=False)
        return
    print_outbox(out, rows, now_utc(), wide=wide)


def retry_cmd(c: Ctx, row_id: int) -> None:
    n = retry(c.app(), row_id, utc_now())
    extra = f" ({n} rows of its digest)" if n > 1 else ""
    click.echo(f"outbox {row_id}: pending, due now{extra}")


def _check_subscription_name(c: Ctx, subscription: str) -> None:
    """A named subscription must be configured (a typo would otherwise record a no-op)."""
    if subscription == "*":
        return
    names = [str(s.get("name")) for s in c.app().settings.subscriptions]
    if subscription not in names:
        known = ", ".join(names) or "none configured"
        raise ValidationError(f"--subscription: no subscription named {subscription!r} ({known})")


def _report_opt(recorded: RecordedEvent | None, as_json: bool, nothing: str) -> None:
    if as_json:
        emit_json(recorded.to_json() if recorded is not None else None)
        return
    if recorded is None:
        click.echo(nothing)
        return
    d = recorded.data
    click.echo(f"#{recorded.position} {recorded.type}: {d['address']} ({d['subscription']})")


def register(cli: click.Group) -> None:
    """Add the notification commands to the `monitor` group."""

    @cli.command("notify")
    @click.option("--once", is_flag=True, help="One delivery pass, then exit with a summary.")
    @click.option("--json", "as_json", is_flag=True, help="Pass reports as JSON.")
    @pass_ctx
    def notify(c: Ctx, once: bool, as_json: bool) -> None:
        """Send the due notifications: one pass (--once), or a pass every delivery.interval
        seconds until SIGINT or SIGTERM."""
        notify_cmd(c, once, as_json)

    @cli.group("outbox", invoke_without_command=True)
    @click.option("--json", "as_json", is_flag=True, help="A JSON list.")
    @click.option(
        "--state",
        type=click.Choice([PENDING, SENDING, DELIVERED, DEAD]),
        help="Only rows in this state.",
    )
    @click.option(
        "--limit", type=click.IntRange(min=1), default=200, show_default=True, help="Newest rows."
    )
    @click.option("--wide", is_flag=True, help="Every column, uncut, with full times.")
    @click.pass_context
    def outbox_group(
        ctx: click.Context, as_json: bool, state: str | None, limit: int, wide: bool
    ) -> None:
        """The queued notifications; `monitor outbox retry ID` resends one. Rows of a
        recipient who unsubscribed (`monitor unsubscribe`, or the mail's one-click link) are
        not queued; pending ones are cancelled (dead, "cancelled: the recipient unsubscribed")."""
        if ctx.invoked_subcommand is None:
            outbox_cmd(ctx.obj, as_json, state, limit, wide)

    @cli.command("unsubscribe")
    @click.argument("address")
    @click.option(
        "--subscription",
        default="*",
        show_default=True,
        help="The subscription to leave ('*': every one, those added later included).",
    )
    @click.option("--json", "as_json", is_flag=True, help="The recorded event as JSON.")
    @pass_ctx
    def unsubscribe_cmd(c: Ctx, address: str, subscription: str, as_json: bool) -> None:
        """Stop mail to ADDRESS (as its one-click link does): records RecipientUnsubscribed;
        from then on no outbox row is queued for it, and its pending rows are cancelled."""
        from .notify.unsubscribe import unsubscribe

        app = c.app()
        _check_subscription_name(c, subscription)
        recorded = unsubscribe(app, address, subscription, via="cli")
        _report_opt(recorded, as_json, f"{address}: already unsubscribed ({subscription})")

    @cli.command("resubscribe")
    @click.argument("address")
    @click.option(
        "--subscription",
        default="*",
        show_default=True,
        help="The subscription to rejoin ('*': undo every unsubscribe of ADDRESS).",
    )
    @click.option("--json", "as_json", is_flag=True, help="The recorded event as JSON.")
    @pass_ctx
    def resubscribe_cmd(c: Ctx, address: str, subscription: str, as_json: bool) -> None:
        """Undo an unsubscribe of ADDRESS: records RecipientResubscribed; mail of the
        subscription reaches it again from the next change (cancelled rows stay cancelled)."""
        from .notify.unsubscribe import ALL, normalize_address, resubscribe, unsubscribed_pairs

        app = c.app()
        _check_subscription_name(c, subscription)
        recorded = resubscribe(app, address, subscription, via="cli")
        missing = f"{address}: not unsubscribed from {subscription}"
        if recorded is None and subscription != ALL:
            with app.engine.connect() as conn:
                if (ALL, normalize_address(address)) in unsubscribed_pairs(
                    conn, [normalize_address(address)]
                ):
                    missing += " (it left every subscription: resubscribe without --subscription)"
        _report_opt(recorded, as_json, missing)

    @cli.command("unsubscribed")
    @click.option("--json", "as_json", is_flag=True, help="A JSON list.")
    @pass_ctx
    def unsubscribed_cmd(c: Ctx, as_json: bool) -> None:
        """Who asked to stop getting mail, of which subscription, how and when."""
        from .notify.unsubscribe import list_unsubscribed

        rows = list_unsubscribed(c.app())
        if as_json:
            emit_json(rows)
            return
        if not rows:
            click.echo("nobody has unsubscribed")
        for row in rows:
            click.echo(
                f"{row['address']}  {row['subscription']}  via {row['via']}  {row['at'][:19]}"
                f"  #{row['position']}"
            )

    @outbox_group.command("retry")
    @click.argument("row_id", metavar="ID", type=int)
    @pass_ctx
    def outbox_retry(c: Ctx, row_id: int) -> None:
        """Make a dead (or waiting) notification due now; the next pass sends it."""
        retry_cmd(c, row_id)
