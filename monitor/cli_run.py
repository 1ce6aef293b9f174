"""CLI commands for feeds, the daemon, re-diffing, and judging reports (check, eval)."""

from __future__ import annotations

import json
import logging
import sys
import threading
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click
from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    SpinnerColumn,
    TaskID,
    TextColumn,
    TimeElapsedColumn,
)
from rich.text import Text

from .app import App, prepare
from .cli_format import (
    ARROW,
    DASH,
    Cell,
    Column,
    change_text,
    confidence_text,
    duration,
    full_time,
    link_line,
    make_console,
    next_time,
    now_utc,
    one_line,
    plural,
    relative_time,
    render_table,
    state_cell,
    styled,
)
from .errors import MonitorError, StoreError, ValidationError
from .timeparse import parse_duration

if TYPE_CHECKING:  # only for annotations: `monitor claims` should not import the poller
    from .daemon import CycleSummary
    from .services.feeds import FeedView
    from .services.poll import PollOutcome

out = make_console()  # as monitor.cli: fitted to the terminal, or wide when piped
err = make_console(stderr=True)


def _interval(value: str | None) -> float | None:
    """Seconds, or a duration like 90s, 15m, 2h, 1d."""
    return parse_duration(value, "--interval")


def _setup_logging(verbose: int, *, once: bool = False) -> None:
    """The daemon logs at INFO (-v: DEBUG) for its journal; `run --once` at WARNING, as its
    summary says what happened (-v: INFO, each poll; -vv: DEBUG). On a terminal, log lines go
    through rich, so they print above the progress bar instead of tearing it."""
    if once:
        levels = [logging.WARNING, logging.INFO, logging.DEBUG]
    else:
        levels = [logging.INFO, logging.DEBUG]
    level = levels[min(verbose, len(levels) - 1)]
    if once and err.is_terminal:
        from rich.logging import RichHandler

        logging.basicConfig(
            level=level,
            format="%(name)s: %(message)s",
            handlers=[RichHandler(console=err, show_path=False, markup=False)],
        )
    else:
        logging.basicConfig(
            level=level,
            stream=sys.stderr,
            format="%(asctime)s %(levelname)s %(name)s: %(message)s",
        )
    quiet = (
        "httpx",
        "httpcore",
        "apscheduler.executors.default",
        "apscheduler.scheduler",
        "alembic",
    )
    for noisy in quiet:
        logging.getLogger(noisy).setLevel(logging.WARNING)


FEED_COLUMNS = (
    Column("NAME", flex=True, min_width=12),
    Column("ID"),
    Column("STATE"),
    Column("REPORTS", justify="right"),
    Column("LAST POLL"),
    Column("NEXT"),
    Column("FAILURES", justify="right", wide_only=True),
    Column("HTTP", wide_only=True),
    Column("INTERVAL", justify="right", wide_only=True),
    Column("TAGS", wide_only=True),
    Column("URL", wide_only=True),
    Column("ERROR", wide_only=True),
)


def _interval_text(seconds: float) -> str:
    """15m, 2h, 1d, 90s: as `feeds add --interval` takes it."""
    for unit, size in (("d", 86400), ("h", 3600), ("m", 60)):
        if seconds >= size and seconds % size == 0:
            return f"{int(seconds // size)}{unit}"
    return f"{seconds:g}s"


def print_feeds(console: Console, feeds: list[FeedView], now: datetime, *, wide: bool) -> None:
    """`monitor feeds list`: names first, ids whole, short times; each feed's last error on a
    line of its own under the table (in the table with --wide)."""
    feeds = sorted(feeds, key=lambda f: ((f.name or f.id).casefold(), f.id))
    when = full_time if wide else (lambda stamp: relative_time(stamp, now))
    rows: list[list[Cell]] = []
    for f in feeds:
        if f.state == "disabled":
            due: Cell = styled(DASH, "dim")
        elif not f.next_due:
            due = "now"
        else:
            due = full_time(f.next_due) if wide else next_time(f.next_due, now)
        rows.append(
            [
                one_line(f.name) or styled(DASH, "dim"),
                f.id,
                state_cell(f.state),
                str(f.reports),
                when(f.last_polled) if f.last_polled else styled("never", "dim"),
                due,
                str(f.consecutive_failures),
                str(f.last_status or DASH),
                _interval_text(f.interval),
                ",".join(f.tags) or DASH,
                f.url,
                one_line(f.last_error) or DASH,
            ]
        )
    if not feeds:
        console.print("no feeds (add one: monitor feeds add URL)", highlight=False)
        return
    render_table(console, FEED_COLUMNS, rows, wide=wide)
    if wide:
        return
    for f in feeds:
        if f.last_error:
            failures = plural(f.consecutive_failures, "failure")
            line = Text.assemble(
                ("error", "bold red"),
                f" {one_line(f.name) or f.id} ({f.id}), {failures} in a row: ",
                (one_line(f.last_error), "red"),
            )
            console.print(line)


class CycleProgress:
    """Progress of `run --once`: a bar on a terminal (gone when done), else one plain line per
    feed on standard error. Feed errors are not shown here: the summary shows each once."""

    def __init__(self, console: Console, *, enabled: bool = True) -> None:
        self.console = console
        self.enabled = enabled
        self.names: dict[str, str] = {}
        self.total = 0
        self.done = 0
        self.lock = threading.Lock()
        self.bar: Progress | None = None
        self.task: TaskID | None = None

    def __enter__(self) -> CycleProgress:
        if self.enabled and self.console.is_terminal:
            self.bar = Progress(
                SpinnerColumn(),
                TextColumn("{task.description}"),
                BarColumn(),
                MofNCompleteColumn(),
                TimeElapsedColumn(),
                console=self.console,
                transient=True,
            )
            self.bar.start()
            self.task = self.bar.add_task("polling feeds", total=None)
        return self

    def __exit__(self, *exc: object) -> None:
        if self.bar is not None:
            self.bar.stop()

    def start(self, feeds: list[FeedView]) -> None:
        self.names = {f.id: f.name or f.id for f in feeds}
        self.total = len(feeds)
        if self.bar is not None and self.task is not None:
            self.bar.update(self.task, total=self.total or None)

    def advance(self, outcome: PollOutcome) -> None:
        """One poll done (called from the poll threads: one at a time, so lines keep order)."""
        name = one_line(self.names.get(outcome.feed, outcome.feed))
        with self.lock:
            self.done += 1
            if self.bar is not None and self.task is not None:
                finished = self.done >= self.total
                what = "delivering notifications" if finished else f"polled {name}"
                self.bar.update(self.task, completed=self.done, description=what)
            elif self.enabled:
                result = "failed" if outcome.error else "skipped" if outcome.skipped else "ok"
                self.console.print(
                    f"[{self.done}/{self.total}] {name}: {result}", highlight=False, markup=False
                )


CYCLE_COLUMNS = (
    Column("FEED", flex=True, min_width=12),
    Column("ID", wide_only=True),
    Column("RESULT"),
    Column("NEW", justify="right"),
    Column("REVISED", justify="right", wide_only=True),
    Column("CHANGES", justify="right"),
    Column("SUSPECTED", justify="right"),
    Column("SAME", justify="right", wide_only=True),
    Column("TIME", justify="right"),
    Column("URL", wide_only=True),
)


def _result_cell(o: PollOutcome) -> Text:
    """What one poll came to, in a word: ok (200), not modified, failed, skipped."""
    if o.error:
        return Text(f"failed ({o.status})" if o.status else "failed", style="bold red")
    if o.skipped:
        return Text("skipped", style="dim")
    if o.not_modified:
        return Text("not modified", style="dim")
    return Text(f"ok ({o.status})" if o.status else "ok", style="green")


def print_cycle(
    console: Console,
    errors: Console,
    summary: CycleSummary,
    names: dict[str, str],
    *,
    wide: bool = False,
) -> None:
    """The summary of `run --once`: one table sorted by feed name, a totals line, then each
    feed error once, in red, one line each (on ``errors``, standard error)."""
    outcomes = sorted(
        summary.outcomes, key=lambda o: (names.get(o.feed, o.feed).casefold(), o.feed)
    )
    if outcomes:
        rows: list[list[Cell]] = [
            [
                one_line(names.get(o.feed, o.feed)),
                o.feed,
                _result_cell(o),
                str(o.new),
                str(o.revised),
                str(o.changes + o.value_changes),
                str(o.suspected),
                str(o.corroborations),
                duration(o.ms / 1000),
                o.url,
            ]
            for o in outcomes
        ]
        render_table(console, CYCLE_COLUMNS, rows, wide=wide)
    failed = [o for o in outcomes if o.error]
    totals = summary.to_json()["totals"]
    polled = plural(len(outcomes), "feed")
    status = f"{len(outcomes) - len(failed)} ok, {len(failed)} failed" if outcomes else "none"
    console.print(
        f"{polled} polled in {duration(summary.seconds)}: {status}; "
        f"{plural(totals['new'], 'new report')}, {plural(totals['changes'], 'change')}, "
        f"{totals['suspected']} suspected",
        highlight=False,
        markup=False,
    )
    d = summary.delivery
    if d is not None:
        text = d.summary() if hasattr(d, "summary") else str(d)
        console.print(f"delivery: {text}", highlight=False, markup=False)
    for o in failed:
        name = one_line(names.get(o.feed, o.feed))
        errors.print(
            Text.assemble(
                ("error", "bold red"), f" {name} ({o.feed}): ", (one_line(o.error), "red")
            )
        )


def quoted(text: object) -> str:
    """Evidence as one safe line in curly quotes."""
    return f"\u201c{one_line(text)}\u201d"


def print_check_entry(entry: dict[str, Any], *, explain: bool = False) -> None:
    """One entry of `monitor check`: its title and link, then what it would change. A link
    that is not http(s) (`javascript:`) is not printed as one."""
    link = link_line(entry.get("link"))
    click.echo(f"\u25cf {one_line(entry['title'] or entry['id'])}" + (f"  {link}" if link else ""))
    for ch in entry["changes"]:
        click.echo(
            f"  CHANGE {ch['claim']}: {ch['from']} {ARROW} {ch['to']} "
            f"({confidence_text(ch['confidence'])})  {quoted(ch['evidence'])}"
        )
    for ch in entry["value_changes"]:
        click.echo(
            f"  VALUE  {ch['claim']}: {change_text(ch['from'], ch['to'])}  {quoted(ch['evidence'])}"
        )
    for ch in entry["suspected"]:
        click.echo(
            f"  maybe  {ch['claim']}: {ch['from']} {ARROW} {ch['to']} "
            f"({confidence_text(ch['confidence'])})  {quoted(ch['evidence'])}"
        )
    for ch in entry["corroborations"]:
        click.echo(f"  same   {ch['claim']}: {ch['status']}")
    if not (
        entry["changes"] or entry["value_changes"] or entry["suspected"] or entry["corroborations"]
    ):
        click.echo("  (nothing about the tracked claims)")
    if explain and entry.get("explain_text"):
        click.echo(entry["explain_text"])


def register(cli: click.Group) -> None:  # noqa: C901 - a list of commands
    from .cli import Ctx, emit_json

    pass_ctx = click.pass_obj  # not make_pass_decorator: `python -m monitor.cli` loads cli twice

    @cli.group("feeds")
    def feeds_group() -> None:
        """Subscribe to feeds and see how they are doing."""

    @feeds_group.command("add")
    @click.argument("url")
    @click.option("--name", default="", help="A readable name.")
    @click.option("--interval", help="How often to poll: seconds or 15m, 2h (default: config).")
    @click.option("--id", "feed_id", help="The feed id (default: from the name or host).")
    @click.option("--tag", "tags", multiple=True, help="A tag (repeatable).")
    @pass_ctx
    def feeds_add(
        c: Ctx,
        url: str,
        name: str,
        interval: str | None,
        feed_id: str | None,
        tags: tuple[str, ...],
    ) -> None:
        """Subscribe to a feed: http(s) URL, file:// URL or a local path."""
        from .services.feeds import subscribe

        app = c.app(migrate=True)
        prepare(app)
        fid, new = subscribe(
            app, url, name=name, interval=_interval(interval), tags=tags, feed_id=feed_id
        )
        click.echo(f"{'subscribed' if new else 'already subscribed'}: {fid}")

    @feeds_group.command("list")
    @click.option("--json", "as_json", is_flag=True)
    @click.option("--wide", is_flag=True, help="Every column (URL, interval, tags), uncut.")
    @pass_ctx
    def feeds_list(c: Ctx, as_json: bool, wide: bool) -> None:
        """The subscribed feeds with their state; errors under the table."""
        from .services.feeds import list_feeds

        feeds = list_feeds(c.app())
        if as_json:
            emit_json([f.to_json() for f in feeds])
            return
        print_feeds(out, feeds, now_utc(), wide=wide)

    @feeds_group.command("remove")
    @click.argument("feed_id")
    @pass_ctx
    def feeds_remove(c: Ctx, feed_id: str) -> None:
        """Unsubscribe (its reports stay in the log)."""
        from .services.feeds import unsubscribe

        unsubscribe(c.app(), feed_id)
        click.echo(f"unsubscribed: {feed_id}")

    @cli.command("run")
    @click.option("--once", is_flag=True, help="One cycle over every feed, delivery, then exit.")
    @click.option("--json", "as_json", is_flag=True, help="With --once: the summary as JSON.")
    @click.option(
        "--strict", is_flag=True, help="With --once: exit 1 when any feed failed (else 0)."
    )
    @click.option("--wide", is_flag=True, help="With --once: every column, uncut.")
    @click.option("-v", "--verbose", count=True, help="More log lines (-v: each poll; -vv: debug).")
    @pass_ctx
    def run_cmd(c: Ctx, once: bool, as_json: bool, strict: bool, wide: bool, verbose: int) -> None:
        """Poll the feeds and deliver notifications (the daemon, in the foreground).

        With --once: one cycle over every feed, a progress bar while it runs (plain lines
        when standard error is not a terminal), then a summary sorted by feed name with each
        feed error once. Exit status 0 even when some feeds failed (their errors are kept on
        the feeds and they are retried); with --strict, 1 when any feed failed.
        """
        from .daemon import Daemon, run_once

        if not once and (as_json or strict or wide):
            raise ValidationError("--json, --strict and --wide go with --once")
        _setup_logging(verbose, once=once)
        app = c.app(migrate=True)
        if app.store.integrity.keyed:
            app.store.integrity.require_key()  # refuse at start, not on the first append
        prepare(app)
        _check_notify_config(app)
        if not once:
            Daemon(app).run()
            return
        with CycleProgress(err, enabled=not as_json) as progress:
            summary = run_once(app, on_start=progress.start, on_outcome=progress.advance)
        if as_json:
            emit_json(summary.to_json())
        else:
            print_cycle(out, err, summary, progress.names, wide=wide)
        if strict and any(o.error for o in summary.outcomes):
            sys.exit(1)

    @cli.command("rediff")
    @click.option("--since", help="Only reports recorded since (ISO time, or 7d, 12h).")
    @click.option("--apply", is_flag=True, help="Append the resulting events.")
    @click.option("--notify", is_flag=True, help="With --apply: also send notifications.")
    @click.option("--json", "as_json", is_flag=True)
    @pass_ctx
    def rediff_cmd(c: Ctx, since: str | None, apply: bool, notify: bool, as_json: bool) -> None:
        """Re-run the current detector over recorded reports (a dry run unless --apply)."""
        from datetime import UTC, datetime

        from .services.rediff import rediff
        from .timeparse import parse_since

        if notify and not apply:
            raise ValidationError("--notify goes with --apply")
        app = c.app()
        since_pos = 0
        if since:
            moment = parse_since(since, datetime.now(UTC))
            since_pos = app.store.position_at(moment)
        result = rediff(app, since_position=since_pos, apply=apply, notify=notify)
        rows = [
            {"stream": e.stream, "type": e.type, "data": e.data, "dedup_key": e.dedup_key}
            for e in result.proposed
        ]
        if as_json:
            emit_json(
                {
                    "reports": result.reports,
                    "applied": apply,
                    "events": rows,
                    "appended": len(result.appended),
                }
            )
            return
        click.echo(
            f"{plural(result.reports, 'report')} re-read; {plural(len(rows), 'new event')}"
            + (f", {len(result.appended)} appended" if apply else " (dry run)")
        )
        for r in rows:
            d = r["data"]
            if "to" in d and "confidence" in d:
                what = f"{d.get('from')} {ARROW} {d.get('to')} ({confidence_text(d['confidence'])})"
            elif "to" in d:
                what = change_text(d.get("from"), d.get("to"))
            else:
                what = f"corroborated {d.get('status')}"
            click.echo(f"  {r['stream']} {r['type']}: {what}  {quoted(d.get('evidence', ''))}")

    @cli.command("check")
    @click.argument("source")
    @click.option("--explain", is_flag=True, help="Every sentence: mentions, cues, verdict.")
    @click.option("--json", "as_json", is_flag=True)
    @pass_ctx
    def check_cmd(c: Ctx, source: str, explain: bool, as_json: bool) -> None:
        """Dry run: judge each entry of a feed document (path or URL); nothing is written."""
        from .services.check import check_source

        claims, note = _claims_for_dry_run(c)
        if note and not as_json:
            click.echo(note, err=True)
        result = check_source(c_settings(c), claims, source, explain=explain)
        if as_json:
            emit_json(result)
            return
        for entry in result["entries"]:
            print_check_entry(entry, explain=explain)
        if result.get("error"):
            click.echo(f"feed error: {result['error']}", err=True)
            sys.exit(1)

    @cli.command("eval")
    @click.argument("corpora", nargs=-1, required=True, type=click.Path(path_type=Path))
    @click.option("--threshold", type=click.FloatRange(0, 1), default=None)
    @click.option(
        "--baseline",
        "baseline_file",
        type=click.Path(path_type=Path, dir_okay=False),
        default=None,
        help="Score against this baseline (claims .json or log .jsonl), loaded into a scratch "
        "database; default: the configured or shipped baseline.",
    )
    @click.option("--json", "as_json", is_flag=True)
    @pass_ctx
    def eval_cmd(
        c: Ctx,
        corpora: tuple[Path, ...],
        threshold: float | None,
        baseline_file: Path | None,
        as_json: bool,
    ) -> None:
        """Score the detector on labelled corpora (see ../shared/corpus/README.md): per report
        and per event (a change found by at least one report of the set)."""
        from .evaluation import evaluate, load_corpus
        from .resources import shipped_baseline
        from .services.diffing import DetectorCache
        from .services.scratch import claims_in_scratch_database

        settings = c_settings(c)
        items = [item for path in corpora for item in load_corpus(path)]
        baseline = claims_in_scratch_database(
            settings, baseline_file or settings.baseline_path or shipped_baseline()
        )
        unknown = sorted({lab.claim for i in items for lab in i.labels} - set(baseline))
        if unknown:
            raise ValidationError(
                f"{corpora[0]}: labels name claims the baseline does not hold: "
                + ", ".join(unknown[:5])
            )
        detector = DetectorCache(settings).get(baseline)
        result = evaluate(
            items, baseline, detector, threshold if threshold is not None else settings.threshold
        )
        data = result.to_json()
        if as_json:
            emit_json(data)
            return
        _print_eval(data)


def c_settings(c: Any):  # noqa: ANN201
    from .config import load_settings

    return load_settings(c.config, c.db)


def _claims_for_dry_run(c: Any) -> tuple[dict, str | None]:
    """The database's current claims; the shipped baseline when there is no database yet."""
    from .baseline import baseline_state
    from .resources import shipped_baseline
    from .services.claims import current_claims

    try:
        app = c.app()
        claims = current_claims(app)
        if claims:
            return claims, None
    except StoreError:
        pass
    settings = c_settings(c)
    path = settings.baseline_path or shipped_baseline()
    return baseline_state(path), f"(no initialised database: judging against the baseline {path})"


def _check_notify_config(app: App) -> None:
    from .notify.outbox import check_subscriptions

    check_subscriptions(app)


def _print_eval(data: dict[str, Any]) -> None:
    click.echo(
        f"items {data['items']}  precision {data['precision']:.3f}  "
        f"recall {data['recall']:.3f}  F1 {data['f1']:.3f}  "
        f"(tp {data['tp']}, fp {data['fp']}, fn {data['fn']})"
    )
    e = data["event_level"]
    click.echo(f"events {e['found']}/{e['events']} found (event-level recall {e['recall']:.3f})")
    if data.get("value_accuracy") is not None:
        click.echo(f"value accuracy {data['value_accuracy']:.3f} over {data['values_scored']}")
    for lang, f in data["per_lang"].items():
        click.echo(
            f"  lang {lang}: P {f['precision']:.3f} R {f['recall']:.3f} "
            f"(tp {f['tp']}, fp {f['fp']}, fn {f['fn']})"
        )
    for claim, f in data["per_claim"].items():
        click.echo(
            f"  {claim}: P {f['precision']:.3f} R {f['recall']:.3f} "
            f"(tp {f['tp']}, fp {f['fp']}, fn {f['fn']})"
        )
    for kind in ("false_positives", "false_negatives"):
        for row in data[kind]:
            click.echo(
                f"{kind[:-1].replace('_', ' ')}: {row['report']} {row['claim']} "
                f"predicted {row['predicted']} expected {row['expected']}  "
                f"\u201c{row['evidence']}\u201d"
            )
    if data["false_alarm_reports"]:
        click.echo(f"false-alarm reports: {', '.join(data['false_alarm_reports'])}")


__all__ = ["register", "MonitorError", "json"]
