"""`monitor doctor`: check the config, database, mail server and feeds; say how to fix each."""

from __future__ import annotations

import json
import sys
from typing import TYPE_CHECKING

import click

from .services.doctor import DEFAULT_TIMEOUT, Options, Report, run_checks

if TYPE_CHECKING:
    from .cli import Ctx

# `click.pass_obj` (not a decorator keyed on Ctx): this module does not import monitor.cli.
pass_ctx = click.pass_obj

_MARK = {"ok": "ok", "warn": "WARN", "fail": "FAIL", "skip": "skip"}
_COLOUR = {"ok": "green", "warn": "yellow", "fail": "red", "skip": None}


def print_report(report: Report) -> None:
    """One line per check; failing and warning ones get an indented `fix:` line."""
    width = max((len(c.name) for c in report.checks), default=0)
    for check in report.checks:
        mark = click.style(f"{_MARK[check.status]:<4}", fg=_COLOUR[check.status], bold=True)
        click.echo(f"{mark}  {check.name:<{width}}  {check.summary}")
        if check.hint and check.status in ("fail", "warn"):
            click.echo(f"      {'':<{width}}  fix: {check.hint}")
    failed = report.failures
    if failed:
        names = ", ".join(c.name for c in failed)
        click.echo(f"{len(failed)} of {len(report.checks)} checks failed: {names}")
    else:
        click.echo(f"all {len(report.checks)} checks passed")


def register(cli: click.Group) -> None:
    """Add `monitor doctor` to the `monitor` group."""

    @cli.command("doctor")
    @click.option("--json", "as_json", is_flag=True, help="The report as one JSON object.")
    @click.option("--quick", is_flag=True, help="Skip the feeds (for health checks).")
    @click.option("--verify", is_flag=True, help="Also recompute the log's hash chain (slow).")
    @click.option(
        "--timeout",
        type=click.FloatRange(min=0.1),
        default=DEFAULT_TIMEOUT,
        show_default=True,
        help="Seconds for each network check.",
    )
    @pass_ctx
    def doctor(c: Ctx, as_json: bool, quick: bool, verify: bool, timeout: float) -> None:
        """Check that the monitor can work here: config, database, mail, feeds.

        Reads only (never creates or migrates the database, never sends mail). Exits 0 when
        every check passes, 1 when any fails.
        """
        opts = Options(
            config=c.config, database_url=c.db, quick=quick, verify=verify, timeout=timeout
        )
        report = run_checks(opts)
        if as_json:
            click.echo(json.dumps(report.to_json(), ensure_ascii=False))
        else:
            print_report(report)
        sys.exit(0 if report.ok else 1)
