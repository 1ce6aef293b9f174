"""CLI commands for feeds, the daemon, re-diffing, and judging reports (check, eval)."""

from __future__ import annotations

import json
import logging
import re
import sys
from pathlib import Path
from typing import Any

import click
from rich.table import Table

from .app import App, ensure_schema, init
from .errors import MonitorError, StoreError, ValidationError


def _interval(value: str | None) -> float | None:
    """Seconds, or a duration like 90s, 15m, 2h, 1d."""
    if value is None:
        return None
    m = re.fullmatch(r"\s*(\d+(?:\.\d+)?)\s*([smhd]?)\s*", value)
    if not m:
        raise ValidationError(f"--interval: {value!r} is not a duration (e.g. 900, 15m, 2h)")
    seconds = float(m.group(1)) * {"": 1, "s": 1, "m": 60, "h": 3600, "d": 86400}[m.group(2)]
    if seconds <= 0:
        raise ValidationError("--interval: must be positive")
    return seconds


def _prepare(app: App) -> None:
    """On a database `monitor init` never saw: create the schema and load the baseline, as
    `init` does; on an initialised one, only apply pending migrations."""
    from sqlalchemy import inspect

    from .store.db import translate_errors

    with translate_errors(app.settings.database_url):
        fresh = "events" not in inspect(app.engine).get_table_names()
    if fresh:
        init(app)
    else:
        ensure_schema(app)


def _setup_logging(verbose: bool) -> None:
    logging.basicConfig(
        level=logging.DEBUG if verbose else logging.INFO,
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


def register(cli: click.Group) -> None:  # noqa: C901 - a list of commands
    from .cli import Ctx, emit_json, out

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
        _prepare(app)
        fid, new = subscribe(
            app, url, name=name, interval=_interval(interval), tags=tags, feed_id=feed_id
        )
        click.echo(f"{'subscribed' if new else 'already subscribed'}: {fid}")

    @feeds_group.command("list")
    @click.option("--json", "as_json", is_flag=True)
    @pass_ctx
    def feeds_list(c: Ctx, as_json: bool) -> None:
        """The subscribed feeds with their state."""
        from .services.feeds import list_feeds

        feeds = list_feeds(c.app())
        if as_json:
            emit_json([f.to_json() for f in feeds])
            return
        table = Table(title="feeds")
        for col in (
            "id",
            "state",
            "reports",
            "failures",
            "last polled",
            "next due",
            "url",
            "last error",
        ):
            table.add_column(col)
        for f in feeds:
            table.add_row(
                f.id,
                f.state,
                str(f.reports),
                str(f.consecutive_failures),
                (f.last_polled or "")[:19],
                (f.next_due or "")[:19],
                f.url,
                (f.last_error or "")[:60],
            )
        out.print(table)

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
    @click.option("-v", "--verbose", is_flag=True)
    @pass_ctx
    def run_cmd(c: Ctx, once: bool, as_json: bool, verbose: bool) -> None:
        """Poll the feeds and deliver notifications (the daemon, in the foreground)."""
        from .daemon import Daemon, run_once

        _setup_logging(verbose)
        app = c.app(migrate=True)
        if app.store.integrity.keyed:
            app.store.integrity.require_key()  # refuse at start, not on the first append
        _prepare(app)
        _check_notify_config(app)
        if not once:
            Daemon(app).run()
            return
        summary = run_once(app)
        if as_json:
            emit_json(summary.to_json())
            return
        table = Table(title=f"monitor run --once ({summary.seconds:.1f}s)")
        for col in ("feed", "status", "new", "revised", "changes", "suspected", "ms", "error"):
            table.add_column(col)
        for o in summary.outcomes:
            status = "304" if o.not_modified else str(o.status or "-")
            table.add_row(
                o.feed,
                status,
                str(o.new),
                str(o.revised),
                str(o.changes + o.value_changes),
                str(o.suspected),
                f"{o.ms:.0f}",
                (o.error or o.skipped or "")[:70],
            )
        out.print(table)
        if summary.delivery is not None:
            d = summary.delivery
            click.echo(f"delivery: {d.summary() if hasattr(d, 'summary') else d}")

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
            f"{result.reports} reports re-read; {len(rows)} new events"
            + (f", {len(result.appended)} appended" if apply else " (dry run)")
        )
        for r in rows:
            d = r["data"]
            what = (
                f"{d.get('from')} -> {d.get('to')}"
                if "to" in d
                else f"corroborated {d.get('status')}"
            )
            click.echo(f"  {r['stream']} {r['type']}: {what}  \u201c{d.get('evidence', '')}\u201d")

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
            click.echo(f"\u25cf {entry['title'] or entry['id']}  {entry['link'] or ''}")
            for ch in entry["changes"]:
                click.echo(
                    f"  CHANGE {ch['claim']}: {ch['from']} -> {ch['to']} "
                    f"({ch['confidence']:.2f})  \u201c{ch['evidence']}\u201d"
                )
            for ch in entry["value_changes"]:
                click.echo(
                    f"  VALUE  {ch['claim']}: {ch['from']} -> {ch['to']}  "
                    f"\u201c{ch['evidence']}\u201d"
                )
            for ch in entry["suspected"]:
                click.echo(
                    f"  maybe  {ch['claim']}: {ch['from']} -> {ch['to']} "
                    f"({ch['confidence']:.2f})  \u201c{ch['evidence']}\u201d"
                )
            for ch in entry["corroborations"]:
                click.echo(f"  same   {ch['claim']}: {ch['status']}")
            if not (
                entry["changes"]
                or entry["value_changes"]
                or entry["suspected"]
                or entry["corroborations"]
            ):
                click.echo("  (nothing about the tracked claims)")
            if explain and entry.get("explain_text"):
                click.echo(entry["explain_text"])
        if result.get("error"):
            click.echo(f"feed error: {result['error']}", err=True)
            sys.exit(1)

    @cli.command("eval")
    @click.argument("corpora", nargs=-1, required=True, type=click.Path(path_type=Path))
    @click.option("--threshold", type=click.FloatRange(0, 1), default=None)
    @click.option("--json", "as_json", is_flag=True)
    @pass_ctx
    def eval_cmd(c: Ctx, corpora: tuple[Path, ...], threshold: float | None, as_json: bool) -> None:
        """Score the detector on labelled corpora (see ../shared/corpus/README.md)."""
        from .baseline import baseline_state
        from .evaluation import evaluate, load_corpus
        from .resources import shipped_baseline
        from .services.diffing import DetectorCache

        settings = c_settings(c)
        items = [item for path in corpora for item in load_corpus(path)]
        baseline = baseline_state(settings.baseline_path or shipped_baseline())
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
