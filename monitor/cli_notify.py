"""`monitor notify` and `monitor outbox`: sending the queued notifications and looking at them."""

from __future__ import annotations

import json
import signal
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

import click
from rich.console import Console
from rich.table import Table

from .errors import MonitorError
from .notify.delivery import (
    DeliveryReport,
    deliver_due,
    delivery_loop,
    list_outbox,
    retry,
    utc_now,
)
from .notify.outbox import DEAD, DELIVERED, PENDING, SENDING, check_subscriptions

if TYPE_CHECKING:
    from .cli import Ctx

# `click.pass_obj`, not a pass decorator keyed on the Ctx class: this module does not import
# monitor.cli (which imports it), so `python -m monitor.cli` works too.
pass_ctx = click.pass_obj
out = Console(soft_wrap=True, width=None if sys.stdout.isatty() else 240)  # as monitor.cli
err = Console(stderr=True, soft_wrap=True)


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
    "recipients",
    "mode",
    "period",
    "state",
    "attempts",
    "next_attempt_at",
    "last_error",
    "message_id",
)


def outbox_cmd(c: Ctx, as_json: bool, state: str | None, limit: int) -> None:
    rows = list_outbox(c.app(), state, limit)
    if as_json:
        emit_json([{k: row[k] for k in (*_SHOWN, "created_at", "delivered_at")} for row in rows])
        return
    table = Table(title="outbox")
    for col in ("id", "event", "subscription", "to", "mode", "period", "state", "tries", "next"):
        table.add_column(col)
    table.add_column("last error / message id", overflow="fold")
    for row in rows:
        table.add_row(
            str(row["id"]),
            f"#{row['event_position']}",
            row["subscription"],
            ", ".join(row["recipients"]),
            row["mode"],
            row["period"] or "",
            row["state"],
            str(row["attempts"]),
            row["next_attempt_at"][:19] if row["state"] == PENDING else "",
            row["last_error"] or row["message_id"],
        )
    out.print(table)


def retry_cmd(c: Ctx, row_id: int) -> None:
    n = retry(c.app(), row_id, utc_now())
    extra = f" ({n} rows of its digest)" if n > 1 else ""
    click.echo(f"outbox {row_id}: pending, due now{extra}")


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
    @click.pass_context
    def outbox_group(ctx: click.Context, as_json: bool, state: str | None, limit: int) -> None:
        """The queued notifications; `monitor outbox retry ID` resends one."""
        if ctx.invoked_subcommand is None:
            outbox_cmd(ctx.obj, as_json, state, limit)

    @outbox_group.command("retry")
    @click.argument("row_id", metavar="ID", type=int)
    @pass_ctx
    def outbox_retry(c: Ctx, row_id: int) -> None:
        """Make a dead (or waiting) notification due now; the next pass sends it."""
        retry_cmd(c, row_id)
