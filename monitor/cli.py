"""The `monitor` command line. Commands only parse, call the service layer, and print."""

from __future__ import annotations

import json
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path
from typing import Any

import click
from rich.text import Text

from . import __version__
from .app import App, bootstrap, init, load_baseline, require_schema
from .cli_format import (
    ARROW,
    DASH,
    Cell,
    Column,
    change_text,
    confidence_text,
    full_time,
    link_line,
    make_console,
    now_utc,
    one_line,
    plural,
    relative_time,
    render_table,
    styled,
)
from .config import load_settings
from .domain import events as ev
from .domain.claims import Claim
from .errors import MonitorError, ValidationError
from .jsonl import dump_line, read_events, write_events
from .services import claims as claim_service
from .services.replay import ReplayResult, fold_log, verify_log
from .store.db import safe_url
from .timeparse import parse_moment

# Wide when piped (no terminal to fit, no COLUMNS), so rows stay one line in logs and files.
out = make_console()
err = make_console(stderr=True)


class Ctx:
    def __init__(self, config: str | None, db: str | None) -> None:
        self.config = config
        self.db = db
        self._app: App | None = None

    def app(self, *, migrate: bool = False) -> App:
        if self._app is None:
            settings = load_settings(self.config, self.db)
            self._app = bootstrap(settings)  # every projector the daemon runs
            if not migrate:
                require_schema(self._app)
        return self._app


@contextmanager
def handle_errors() -> Iterator[None]:
    try:
        yield
    except MonitorError as exc:
        err.print(f"[bold red]error:[/] {exc}", markup=True, highlight=False)
        sys.exit(exc.exit_code)


class MonitorGroup(click.Group):
    def invoke(self, ctx: click.Context) -> Any:
        with handle_errors():
            return super().invoke(ctx)


@click.group(cls=MonitorGroup)
@click.option(
    "--config",
    "config",
    envvar="MONITOR_CONFIG",
    type=click.Path(dir_okay=False),
    help="Config file (default: ./monitor.toml if present).",
)
@click.option(
    "--db",
    "db",
    help="Database URL (default: MONITOR_DATABASE_URL, the config, or sqlite:///monitor.db).",
)
@click.version_option(__version__, prog_name="monitor")
@click.pass_context
def cli(ctx: click.Context, config: str | None, db: str | None) -> None:
    """Track the claims of a report and record, with evidence, when news changes them."""
    ctx.obj = Ctx(config, db)


pass_ctx = click.make_pass_decorator(Ctx)


def emit_json(value: Any) -> None:
    click.echo(json.dumps(value, ensure_ascii=False, indent=None))


# ---- init and baselines -------------------------------------------------------------------
@cli.command("init")
@click.option("--no-baseline", is_flag=True, help="Create the schema only.")
@pass_ctx
def init_cmd(c: Ctx, no_baseline: bool) -> None:
    """Create or migrate the database and load the shipped baseline (idempotent)."""
    app = c.app(migrate=True)
    result = init(app, with_baseline=not no_baseline)
    msg = f"database ready: {safe_url(app.settings.database_url)}"
    if result is not None:
        msg += f"; baseline: {plural(len(result.recorded), 'event')} appended"
        msg += f", {len(result.duplicates)} already present"
    click.echo(msg)


@cli.group("baseline")
def baseline_group() -> None:
    """Load or build baselines: the claims of a report."""


@baseline_group.command("load")
@click.argument("path", type=click.Path(path_type=Path))
@pass_ctx
def baseline_load(c: Ctx, path: Path) -> None:
    """Load a baseline (.jsonl event log or .json claims file); validated whole first."""
    app = c.app()
    result = load_baseline(app, path)
    click.echo(
        f"{path}: {plural(len(result.recorded), 'event')} appended, "
        f"{len(result.duplicates)} already present"
    )


@baseline_group.command("build")
@click.argument("source", type=click.Path(path_type=Path))
@click.argument("output", type=click.Path(path_type=Path))
def baseline_build(source: Path, output: Path) -> None:
    """Turn a claims file into a portable .jsonl event log (hash-chained)."""
    from .baseline import claims_file_events
    from .domain.hashing import canonical_json, event_hash

    events = claims_file_events(source, cause="baseline")
    prev = ev.GENESIS_HASH
    recorded = []
    recorded_at = events[0].occurred_at if events else ""
    for i, new in enumerate(events, start=1):
        h = event_hash(
            prev,
            i,
            new.stream,
            1,
            new.type,
            new.effective_schema_version,
            new.occurred_at,
            recorded_at,
            canonical_json(new.data),
            canonical_json(new.metadata),
            new.dedup_key,
        )
        recorded.append(
            ev.RecordedEvent(
                i,
                new.stream,
                1,
                new.type,
                new.effective_schema_version,
                new.occurred_at,
                recorded_at,
                new.data,
                new.metadata,
                new.dedup_key,
                prev,
                h,
            )
        )
        prev = h
    tmp = output.with_suffix(output.suffix + ".tmp")
    with tmp.open("w", encoding="utf-8") as fh:
        write_events(recorded, fh)
    tmp.replace(output)
    click.echo(f"{output}: {plural(len(recorded), 'event')}")


# ---- claims -------------------------------------------------------------------------------
def claim_json(claim: Claim) -> dict[str, Any]:
    return claim.to_json()


CLAIM_COLUMNS = (
    Column("ID"),
    Column("SUBJECT", flex=True, min_width=12, drop=True, priority=1),
    Column("STATUS"),
    Column("VALUE", flex=True, min_width=16),
    Column("UPDATED"),
    Column("V", justify="right", wide_only=True),
)


def claim_rows(claims: list[Claim], now: datetime, *, wide: bool = False) -> list[list[Cell]]:
    """The rows of `monitor claims`: ids whole, times short (full with --wide)."""
    return [
        [
            cl.id,
            one_line(cl.subject),
            cl.status,
            one_line(cl.value) if cl.value else styled(DASH, "dim"),
            full_time(cl.updated_at) if wide else relative_time(cl.updated_at, now),
            str(cl.version),
        ]
        for cl in claims
    ]


@cli.command("claims")
@click.option("--json", "as_json", is_flag=True, help="A JSON list.")
@click.option("--as-of", "as_of", help="The state as of a time (ISO date or datetime, UTC).")
@click.option("--wide", is_flag=True, help="Every column, uncut, with full times.")
@pass_ctx
def claims_cmd(c: Ctx, as_json: bool, as_of: str | None, wide: bool) -> None:
    """The current (or past) state of every claim."""
    app = c.app()
    if as_of:
        state = claim_service.claims_as_of(app, parse_moment(as_of))
    else:
        state = claim_service.current_claims(app)
    rows = sorted(state.values(), key=lambda cl: cl.id)
    if as_json:
        emit_json([claim_json(cl) for cl in rows])
        return
    if as_of:
        out.print(Text(f"claims as of {as_of}", style="bold"))
    render_table(out, CLAIM_COLUMNS, claim_rows(rows, now_utc(), wide=wide), wide=wide)


def describe(event: ev.RecordedEvent) -> str:
    """One line for an event of a claim, as `history`, `events` and `correct` print it: one
    arrow style, '(none)' for an absent value, confidence with two decimals."""
    d = event.data
    if event.type == ev.CLAIM_ASSERTED:
        return f"asserted {d['status']}" + (f" ({one_line(d['value'])})" if d.get("value") else "")
    if event.type in (ev.CLAIM_STATUS_CHANGED, ev.CHANGE_SUSPECTED):
        verb = "changed" if event.type == ev.CLAIM_STATUS_CHANGED else "suspected"
        return (
            f"{verb} {d['from']} {ARROW} {d['to']}"
            f" (confidence {confidence_text(d.get('confidence'))})"
        )
    if event.type == ev.CLAIM_VALUE_CHANGED:
        return f"value {change_text(d.get('from'), d.get('to'))}"
    if event.type == ev.CLAIM_CORROBORATED:
        return f"corroborated {d['status']}"
    if event.type == ev.CLAIM_CORRECTED:
        parts = []
        if d.get("status"):
            parts.append(f"status {d.get('from_status')} {ARROW} {d['status']}")
        if "value" in d:
            parts.append(f"value {change_text(d.get('from_value'), d['value'])}")
        return f"corrected {', '.join(parts)}: {one_line(d['reason'])}"
    if event.type in (ev.RECIPIENT_UNSUBSCRIBED, ev.RECIPIENT_RESUBSCRIBED):
        verb = "unsubscribed" if event.type == ev.RECIPIENT_UNSUBSCRIBED else "resubscribed"
        return f"{d['address']} {verb} ({d['subscription']}, via {d['via']})"
    return event.type


def evidence_of(event: ev.RecordedEvent) -> tuple[str, str]:
    d = event.data
    if event.type == ev.CLAIM_ASSERTED:
        return d.get("quote", ""), (d.get("source") or {}).get("link", "")
    report = d.get("report") or {}
    return d.get("evidence", "") or d.get("reason", ""), report.get("link") or ""


@cli.command("history")
@click.argument("claim")
@click.option("--json", "as_json", is_flag=True, help="JSON Lines, one event a line.")
@pass_ctx
def history_cmd(c: Ctx, claim: str, as_json: bool) -> None:
    """Every event of one claim, oldest first, with its evidence."""
    events = claim_service.history(c.app(), claim)
    if as_json:
        for e in events:
            click.echo(dump_line(e))
        return
    for e in events:
        text, link = evidence_of(e)
        click.echo(f"#{e.position} v{e.version} {e.recorded_at[:19]}  {describe(e)}")
        if text:
            click.echo(f"    \u201c{one_line(text)}\u201d")
        if link:
            click.echo(f"    {link_line(link)}")


@cli.command("correct")
@click.argument("claim")
@click.option("--status", help="The status the claim really has.")
@click.option("--value", help="The value the claim really has.")
@click.option("--clear-value", is_flag=True, help="The claim has no value.")
@click.option("--reason", required=True, help="Why: kept in the log.")
@click.option("--by", default="", help="Who corrects (kept in the log).")
@click.option("--json", "as_json", is_flag=True)
@pass_ctx
def correct_cmd(
    c: Ctx,
    claim: str,
    status: str | None,
    value: str | None,
    clear_value: bool,
    reason: str,
    by: str,
    as_json: bool,
) -> None:
    """A person's correction of a claim's status or value, recorded as an event."""
    e = claim_service.correct(
        c.app(), claim, status=status, value=value, reason=reason, by=by, clear_value=clear_value
    )
    if as_json:
        emit_json(e.to_json())
    else:
        click.echo(f"#{e.position} {claim}: {describe(e)}")


# ---- the log ------------------------------------------------------------------------------
@cli.command("events")
@click.option("--since", type=click.IntRange(min=0), default=0, help="After this position.")
@click.option("--limit", type=click.IntRange(min=1), default=None)
@click.option("--json", "as_json", is_flag=True, help="JSON Lines.")
@pass_ctx
def events_cmd(c: Ctx, since: int, limit: int | None, as_json: bool) -> None:
    """The log, oldest first."""
    for e in c.app().store.read(since, limit=limit):
        if as_json:
            click.echo(dump_line(e))
        else:
            click.echo(
                f"#{e.position} {e.recorded_at[:19]} {e.stream} v{e.version} {e.type}"
                f"  {describe(e) if e.stream.startswith(('claim/', 'recipient/')) else ''}"
            )


@contextmanager
def progress_bar(total: int, enabled: bool) -> Iterator[Callable[[int], None] | None]:
    if not enabled or total < 20000:
        yield None
        return
    from rich.progress import Progress

    with Progress(console=err, transient=True) as bar:
        task = bar.add_task("replaying", total=total)
        yield lambda n: bar.update(task, completed=n)


@cli.command("replay")
@click.option("--until-seq", type=click.IntRange(min=0), help="Only up to this position.")
@click.option("--until", "until_time", help="Only events recorded up to this time.")
@click.option("--verify", is_flag=True, help="Check every schema and the whole hash chain.")
@click.option(
    "--expect-head",
    "expect_heads",
    multiple=True,
    metavar="[POSITION:]HASH",
    help="With --verify: the log must still pass through this head (exit 5 if not).",
)
@click.option(
    "--anchor",
    "anchor_files",
    multiple=True,
    type=click.Path(path_type=Path),
    help="With --verify: an anchor file (integrity.anchor_path, e.g. a copy) to check against.",
)
@click.option("--json", "as_json", is_flag=True)
@pass_ctx
def replay_cmd(
    c: Ctx,
    until_seq: int | None,
    until_time: str | None,
    verify: bool,
    expect_heads: tuple[str, ...],
    anchor_files: tuple[Path, ...],
    as_json: bool,
) -> None:
    """Rebuild the projections from the log, or compute a past state without touching them."""
    from .store.integrity import parse_expect_head, read_anchor

    if (expect_heads or anchor_files) and not verify:
        raise ValidationError("--expect-head and --anchor need --verify")
    anchors = [parse_expect_head(h) for h in expect_heads]
    anchors += [read_anchor(p) for p in anchor_files]
    app = c.app()
    if until_seq is not None and until_time is not None:
        raise ValidationError("--until-seq and --until exclude each other")
    until = until_seq
    if until_time is not None:
        until = app.store.position_at(parse_moment(until_time, option="--until"))
    total = until if until is not None else app.store.head()[0]
    with progress_bar(total, sys.stderr.isatty() and not as_json) as progress:
        if verify:
            result: ReplayResult = verify_log(app.store, until, progress, anchors=anchors)
        else:
            result = fold_log(app.store, until, progress)
    rebuilt = False
    if until is None and result.ok:
        from .services.rebuild import rebuild_projections

        rebuild_projections(app, result)
        rebuilt = True
    summary = {
        "events": result.events,
        "claims": len(result.claims),
        "position": result.position,
        "head_hash": result.head_hash,
        "ok": result.ok,
        "verified": verify,
        "rebuilt": rebuilt,
        "first_bad_position": result.first_bad_position,
        "problems": result.problems,
        "seconds": round(result.seconds, 4),
    }
    if verify:
        summary.update(
            keyed_events=result.keyed_events,
            macs_checked=result.macs_checked,
            anchors=result.anchors,
            notes=result.notes,
        )
    if as_json:
        emit_json(summary)
    else:
        click.echo(
            f"{plural(result.events, 'event')}, {plural(len(result.claims), 'claim')}, "
            f"head {result.head_hash}"
            f" at #{result.position} in {result.seconds:.3f}s"
            + ("; projections rebuilt" if rebuilt else "")
        )
        if verify:
            click.echo("verify: ok" if result.ok else "verify: FAILED")
            if result.keyed_events:
                checked = "HMACs checked" if result.macs_checked else "HMACs NOT checked"
                click.echo(f"keyed chain: {result.keyed_events} keyed events, {checked}")
            for a in result.anchors:
                click.echo(f"anchor {a['source']}: {'ok' if a['ok'] else 'MISMATCH'}")
            for note in result.notes:
                click.echo(f"note: {note}", err=True)
        for p in result.problems:
            click.echo(f"  {p}", err=True)
    if not result.ok:
        sys.exit(5)


@cli.command("export")
@click.argument("path", type=click.Path(path_type=Path))
@pass_ctx
def export_cmd(c: Ctx, path: Path) -> None:
    """Write the whole log as JSON Lines (hashes kept); '-' for standard output."""
    app = c.app()
    if str(path) == "-":
        n = write_events(app.store.read(), sys.stdout)
        return
    tmp = path.with_name(path.name + ".tmp")
    with tmp.open("w", encoding="utf-8") as fh:
        n = write_events(app.store.read(), fh)
    tmp.replace(path)
    click.echo(f"{path}: {plural(n, 'event')}, head {app.store.head()[1]}")


@cli.command("import")
@click.argument("path", type=click.Path(path_type=Path))
@pass_ctx
def import_cmd(c: Ctx, path: Path) -> None:
    """Load an export into an empty database; it must verify, and keeps its head hash."""
    from .services.rebuild import verify_file

    app = c.app(migrate=True)
    from .app import ensure_schema

    ensure_schema(app)
    verify_file(path, app.store.integrity.key)
    n = app.store.import_recorded(read_events(path))
    click.echo(f"{path}: {plural(n, 'event')} imported, head {app.store.head()[1]}")


from .cli_run import register as _register_run  # noqa: E402

_register_run(cli)


from .cli_notify import register as register_notify  # noqa: E402

register_notify(cli)


from .cli_doctor import register as register_doctor  # noqa: E402

register_doctor(cli)


from .cli_web import register as register_web  # noqa: E402

register_web(cli)


def main() -> None:
    cli(prog_name="monitor")


if __name__ == "__main__":
    main()
