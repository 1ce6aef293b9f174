"""`monitor doctor`: is this installation able to work, and if not, what to do about it.

Each check says plainly what it found and, when it fails, how to fix it. The checks only read:
doctor never creates, migrates or writes the database (a SQLite file that is missing stays
missing), never sends mail, and never changes a feed's state, so it is safe as a container
health check and on a production database.
"""

from __future__ import annotations

import dataclasses
import os
import smtplib
import socket
import ssl
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from sqlalchemy import func, inspect, select, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError, SQLAlchemyError

from ..app import App, bootstrap
from ..config import (
    CONFIG_ENV,
    DATABASE_ENV,
    DATABASE_PASSWORD_ENV,
    DEFAULT_CONFIG_NAME,
    SMTP_ENV,
    Settings,
    load_settings,
)
from ..errors import MonitorError
from ..store.db import DEFAULT_URL, safe_url

Status = Literal["ok", "warn", "fail", "skip"]

DEFAULT_TIMEOUT = 10.0  # seconds, for each network check (database connect, SMTP, each feed)
FEED_WORKERS = 8


@dataclass(frozen=True)
class Check:
    """One finding: `summary` says what was found, `hint` what to do when it is not ok."""

    name: str
    status: Status
    summary: str
    hint: str = ""
    details: dict[str, Any] = field(default_factory=dict)

    @property
    def failed(self) -> bool:
        return self.status == "fail"

    def to_json(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "status": self.status,
            "summary": self.summary,
            "hint": self.hint,
            "details": self.details,
        }


@dataclass
class Report:
    checks: list[Check] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not any(c.failed for c in self.checks)

    @property
    def failures(self) -> list[Check]:
        return [c for c in self.checks if c.failed]

    def to_json(self) -> dict[str, Any]:
        return {"ok": self.ok, "checks": [c.to_json() for c in self.checks]}


@dataclass(frozen=True)
class Options:
    config: str | None = None  # --config (click also fills it from MONITOR_CONFIG)
    database_url: str | None = None  # --db
    quick: bool = False  # skip the feeds (a health check must be fast and not hit the web)
    verify: bool = False  # recompute the whole hash chain (slow on a large log)
    timeout: float = DEFAULT_TIMEOUT


# ---- config ----------------------------------------------------------------------------


def _config_source(explicit: str | None) -> str:
    if explicit and os.environ.get(CONFIG_ENV) == explicit:
        return f"{CONFIG_ENV}={explicit}"
    if explicit:
        return f"--config {explicit}"
    if os.environ.get(CONFIG_ENV):
        return f"{CONFIG_ENV}={os.environ[CONFIG_ENV]}"
    if Path(DEFAULT_CONFIG_NAME).is_file():
        return f"./{DEFAULT_CONFIG_NAME}"
    return "none"


def _database_source(opts: Options, settings: Settings) -> str:
    if opts.database_url:
        return "--db"
    if os.environ.get(DATABASE_ENV):
        return DATABASE_ENV
    if settings.database_url != DEFAULT_URL:
        return f"{settings.config_path} [database] url"
    return "default"


def check_config(opts: Options) -> tuple[Check, Settings | None]:
    """Find and validate the config exactly as every other command does."""
    source = _config_source(opts.config)
    try:
        settings = load_settings(opts.config, opts.database_url)
    except MonitorError as exc:
        return (
            Check(
                "config",
                "fail",
                str(exc),
                hint=(
                    "fix the file or variable named above (the keys are described in "
                    "schemas/config.schema.json; deploy/monitor.toml.example is a full example), "
                    f"or point {CONFIG_ENV} / --config at the right file"
                ),
                details={"source": source},
            ),
            None,
        )
    path = settings.config_path
    overrides = sorted(
        name
        for name in (DATABASE_ENV, DATABASE_PASSWORD_ENV, *SMTP_ENV.values(), "MONITOR_MAIL_TO")
        # set and not empty; an empty MONITOR_SMTP_USERNAME counts too (it means: no login)
        if os.environ.get(name) or (name == SMTP_ENV["username"] and name in os.environ)
    )
    where = f"{path.resolve()} (valid)" if path else "no config file: the embedded defaults"
    if overrides:
        where += f"; from the environment: {', '.join(overrides)}"
    details = {
        "path": str(path.resolve()) if path else None,
        "source": source,
        "environment": overrides,
        "database": safe_url(settings.database_url),
        "database_from": _database_source(opts, settings),
        "feeds": len(settings.feeds),
        "feeds_from_defaults": settings.feeds_from_defaults,
        "subscriptions": len(settings.subscriptions),
    }
    return Check("config", "ok", where, details=details), settings


# ---- database --------------------------------------------------------------------------


def _with_connect_timeout(url: str, seconds: float) -> str:
    """A PostgreSQL URL that gives up connecting after `seconds` (a health check must end)."""
    try:
        parsed = make_url(url)
    except ArgumentError:
        return url
    if not parsed.drivername.startswith("postgresql") or "connect_timeout" in parsed.query:
        return url
    timeout = str(max(1, int(seconds)))
    return parsed.update_query_dict({"connect_timeout": timeout}).render_as_string(
        hide_password=False
    )


def _sqlite_file(url: str) -> Path | None:
    try:
        parsed = make_url(url)
    except ArgumentError:
        return None
    if not parsed.drivername.startswith("sqlite") or parsed.database in (None, "", ":memory:"):
        return None
    return Path(parsed.database)


_INIT_HINT = "run `monitor init` (it creates the schema, migrates it, and loads the baseline)"


def open_app(settings: Settings, timeout: float) -> App:
    """The App for the checks; connecting is left to the checks (bootstrap does no I/O)."""
    from ..wiring import extra_projectors

    settings = dataclasses.replace(
        settings, database_url=_with_connect_timeout(settings.database_url, timeout)
    )
    return bootstrap(settings, extra_projectors=extra_projectors(settings))


def check_database(settings: Settings, opts: Options) -> tuple[Check, App | None]:
    """Reachable, schema present, migrations current; the log's size and head."""
    from ..store.migrate import current_revision, head_revision, is_current

    url = safe_url(settings.database_url)
    db_file = _sqlite_file(settings.database_url)
    if db_file is not None and not db_file.is_file():
        # Connecting would create an empty file: say so instead.
        return (
            Check(
                "database",
                "fail",
                f"database file {db_file.resolve()} does not exist",
                hint=f"{_INIT_HINT}; or point {DATABASE_ENV} / [database] url at the right file",
                details={"url": url},
            ),
            None,
        )
    try:
        app = open_app(settings, opts.timeout)
    except MonitorError as exc:
        return Check("database", "fail", str(exc), hint=_url_hint(), details={"url": url}), None
    try:
        with app.engine.connect() as conn:
            conn.execute(text("SELECT 1"))
            tables = set(inspect(conn).get_table_names())
    except SQLAlchemyError as exc:
        app.close()
        reason = str(getattr(exc, "orig", None) or exc).strip().splitlines()[0]
        return (
            Check(
                "database",
                "fail",
                f"cannot connect to {url}: {reason}",
                hint=(
                    "is the database server running and reachable from here? check the host, "
                    f"port, user and password in {DATABASE_ENV} or [database] url"
                ),
                details={"url": url},
            ),
            None,
        )
    if "events" not in tables:
        app.close()
        return (
            Check(
                "database",
                "fail",
                f"{url} is reachable but has no monitor schema (no events table)",
                hint=_INIT_HINT,
                details={"url": url},
            ),
            None,
        )
    try:
        current, head = current_revision(app.engine), head_revision()
        if not is_current(app.engine):
            app.close()
            return (
                Check(
                    "database",
                    "fail",
                    f"{url}: schema at migration {current or 'none'}, this monitor expects {head}",
                    hint=(
                        "run `monitor init` to migrate it"
                        if current is None or _known_revision(current)
                        else "the database was migrated by a newer monitor: upgrade monitor"
                    ),
                    details={"url": url, "revision": current, "expected": head},
                ),
                None,
            )
        from ..store.tables import events

        with app.engine.connect() as conn:
            count = conn.execute(select(func.count()).select_from(events)).scalar_one()
        position, head_hash = app.store.head()
    except (SQLAlchemyError, MonitorError) as exc:
        app.close()
        return (
            Check("database", "fail", f"{url}: {exc}", hint=_url_hint(), details={"url": url}),
            None,
        )
    details = {
        "url": url,
        "revision": current,
        "events": count,
        "head_position": position,
        "head_hash": head_hash,
    }
    summary = f"{url}: schema current ({current}), {count} events, head #{position} {head_hash}"
    return Check("database", "ok", summary, details=details), app


def _url_hint() -> str:
    return f"check {DATABASE_ENV} or [database] url (postgresql://USER:PASSWORD@HOST:5432/DB)"


def _known_revision(revision: str) -> bool:
    from alembic.script import ScriptDirectory

    from ..store.migrate import MIGRATIONS

    try:
        ScriptDirectory(str(MIGRATIONS)).get_revision(revision)
    except Exception:  # alembic raises several kinds for an unknown id
        return False
    return True


def check_chain(app: App) -> Check:
    """`replay --verify`: every event's schema and hash, and the chain, recomputed."""
    from ..services.replay import verify_log

    try:
        result = verify_log(app.store)
    except MonitorError as exc:
        return Check("log", "fail", str(exc), hint="see `monitor replay --verify`")
    if result.ok:
        return Check(
            "log",
            "ok",
            f"{result.events} events verify; head {result.head_hash}",
            details={"events": result.events, "head_hash": result.head_hash},
        )
    first = result.first_bad_position
    return Check(
        "log",
        "fail",
        f"the event log does not verify (first bad position #{first}): "
        + "; ".join(result.problems[:3]),
        hint=(
            "something changed the log outside the monitor: see `monitor replay --verify`, and "
            "restore the database from a backup or an `monitor export` that verifies"
        ),
        details={"first_bad_position": first, "problems": result.problems},
    )


def check_subscriptions(app: App) -> Check:
    """The subscriptions name claims the database knows (as `run` and `notify` check at start)."""
    from ..notify.outbox import check_subscriptions as check

    try:
        subs = check(app)
    except MonitorError as exc:
        return Check(
            "subscriptions",
            "fail",
            str(exc),
            hint="fix the [[subscriptions]] entry named above (`monitor claims` lists the claims)",
        )
    except SQLAlchemyError as exc:
        return Check("subscriptions", "fail", f"cannot read the claims: {exc}", hint=_INIT_HINT)
    names = ", ".join(
        f"{s.name} ({s.mode}, {len(s.to)} recipient{'s' if len(s.to) != 1 else ''})" for s in subs
    )
    return Check("subscriptions", "ok", names or "none", details={"count": len(subs)})


# ---- mail ------------------------------------------------------------------------------


def check_mail(settings: Settings, timeout: float) -> Check:
    if settings.smtp is None:
        return check_maildir(Path(settings.mail.maildir))
    return check_smtp(settings, timeout)


_SMTP_HINT = (
    "is the SMTP server running and reachable? check [smtp] host and port "
    "(or MONITOR_SMTP_HOST / MONITOR_SMTP_PORT)"
)


def check_smtp(settings: Settings, timeout: float) -> Check:
    """Connect, EHLO, (STARTTLS, login,) QUIT: everything a delivery does but send."""
    smtp = settings.smtp
    assert smtp is not None
    where = f"{smtp.host}:{smtp.port}"
    details: dict[str, Any] = {"host": smtp.host, "port": smtp.port}
    seconds = min(timeout, smtp.timeout)
    password = smtp.password() if smtp.username is not None else None
    if smtp.username is not None and not password:
        return Check(
            "smtp",
            "fail",
            f"smtp.username is set but the password variable {smtp.password_env} is empty",
            hint=f"set {smtp.password_env} in the environment of the monitor",
            details=details,
        )
    try:
        if smtp.ssl:
            conn: smtplib.SMTP = smtplib.SMTP_SSL(
                smtp.host, smtp.port, timeout=seconds, context=ssl.create_default_context()
            )
        else:
            conn = smtplib.SMTP(smtp.host, smtp.port, timeout=seconds)
    except ConnectionRefusedError:
        return Check("smtp", "fail", f"{where} refused the connection", _SMTP_HINT, details)
    except socket.gaierror as exc:
        return Check(
            "smtp",
            "fail",
            f"cannot resolve the SMTP host {smtp.host!r}: {exc.strerror or exc}",
            _SMTP_HINT,
            details,
        )
    except TimeoutError:
        return Check(
            "smtp", "fail", f"{where} did not answer within {seconds:g}s", _SMTP_HINT, details
        )
    except smtplib.SMTPConnectError as exc:
        reply = _reply(exc.smtp_code, exc.smtp_error)
        return Check(
            "smtp",
            "fail",
            f"{where} refused us at the greeting: {reply}",
            "the server is busy or blocks this host; ask its administrator",
            details,
        )
    except (smtplib.SMTPException, OSError) as exc:
        hint = _SMTP_HINT
        if isinstance(exc, ssl.SSLError):
            hint = "TLS failed: does the port speak TLS from the start (ssl) or STARTTLS?"
        return Check("smtp", "fail", f"cannot connect to {where}: {exc}", hint, details)
    try:
        code, banner = conn.ehlo()
        if not 200 <= code < 300:
            raise smtplib.SMTPResponseException(code, banner)
        if smtp.starttls:
            if not conn.has_extn("starttls"):
                return Check(
                    "smtp",
                    "fail",
                    f"{where} does not offer STARTTLS",
                    "set [smtp] starttls = false, or use the submission port (587)",
                    details,
                )
            conn.starttls(context=ssl.create_default_context())
            conn.ehlo()
        if smtp.username is not None and password is not None:
            conn.login(smtp.username, password)
        details["extensions"] = sorted(conn.esmtp_features)
        try:
            conn.quit()
        except (smtplib.SMTPException, OSError):
            conn.close()
    except smtplib.SMTPAuthenticationError as exc:
        conn.close()
        return Check(
            "smtp",
            "fail",
            f"{where} refused the login of {smtp.username!r}: "
            + _reply(exc.smtp_code, exc.smtp_error),
            f"check [smtp] username and the password in {smtp.password_env}",
            details,
        )
    except smtplib.SMTPResponseException as exc:
        conn.close()
        return Check(
            "smtp",
            "fail",
            f"{where} answered {_reply(exc.smtp_code, exc.smtp_error)}",
            _SMTP_HINT,
            details,
        )
    except (smtplib.SMTPException, OSError) as exc:
        conn.close()
        return Check("smtp", "fail", f"{where}: {type(exc).__name__}: {exc}", _SMTP_HINT, details)
    tls = " over TLS" if smtp.ssl or smtp.starttls else ""
    login = f", logged in as {smtp.username}" if smtp.username else ""
    return Check("smtp", "ok", f"{where} answers EHLO{tls}{login}", details=details)


def _reply(code: int, text: bytes | str) -> str:
    if isinstance(text, bytes):
        text = text.decode("utf-8", "replace")
    return f"{code} {text}".strip()


def check_maildir(path: Path) -> Check:
    """No [smtp]: mail goes to a Maildir folder, which must be (or become) writable."""
    where = path.resolve()
    hint = "make the folder writable by this user, set [mail] maildir, or configure [smtp]"
    details = {"maildir": str(where)}
    if where.exists():
        if not where.is_dir():
            return Check("mail", "fail", f"maildir {where} exists but is not a folder", hint)
        missing = [sub for sub in ("tmp", "new", "cur") if not (where / sub).is_dir()]
        if missing and any(where.iterdir()):
            return Check(
                "mail",
                "fail",
                f"{where} is not a Maildir (no {', '.join(missing)}/ inside)",
                "point [mail] maildir at an empty or Maildir folder",
                details,
            )
        targets = [where / "tmp", where / "new"] if not missing else [where]
        for target in targets:
            if not os.access(target, os.W_OK | os.X_OK):
                return Check("mail", "fail", f"maildir {target} is not writable", hint, details)
        return Check("mail", "ok", f"no [smtp]: mail goes to the Maildir {where}", details=details)
    parent = where.parent
    while not parent.exists():
        parent = parent.parent
    if not parent.is_dir() or not os.access(parent, os.W_OK | os.X_OK):
        return Check(
            "mail", "fail", f"cannot create the maildir {where}: {parent} is not writable", hint
        )
    return Check(
        "mail",
        "ok",
        f"no [smtp]: mail goes to the Maildir {where} (created at the first message)",
        details=details,
    )


# ---- feeds -----------------------------------------------------------------------------


@dataclass(frozen=True)
class FeedTarget:
    id: str
    url: str
    note: str = ""  # e.g. "from the config, not yet subscribed"


def feed_targets(settings: Settings, app: App | None) -> tuple[list[FeedTarget], str]:
    """The subscribed feeds (the database's), and the config's feeds `run` will subscribe."""
    from ..services.feeds import feed_id_for, list_feeds, normalise_url

    targets: list[FeedTarget] = []
    seen: set[str] = set()
    note = ""
    if app is not None:
        try:
            for f in list_feeds(app):
                targets.append(FeedTarget(f.id, f.url))
                seen.add(f.id)
                seen.add(f.url)
        except (MonitorError, SQLAlchemyError) as exc:
            note = f"could not list the subscribed feeds ({exc}); checking the config's"
    for f in settings.feeds:
        try:
            url = normalise_url(f.url)
        except MonitorError:
            url = f.url
        fid = f.id or feed_id_for(url, f.name)
        if fid in seen or url in seen:
            continue
        seen.update((fid, url))
        pending = "from the config; `monitor run` subscribes it"
        targets.append(FeedTarget(fid, url, pending if app is not None else ""))
    return targets, note


def _feed_hint(error: str) -> str:
    if error.startswith(("HTTP 404", "HTTP 410")):
        return (
            "the feed is gone from that URL: find its new address, then fix the config's "
            "[[feeds]] url (or `monitor feeds remove ID` and `monitor feeds add NEW_URL`)"
        )
    if error.startswith(("HTTP 401", "HTTP 403")):
        return "the server refuses us: the feed may need a login, or blocks this user agent or IP"
    if error.startswith(("HTTP 429", "HTTP 5")):
        return "the server is overloaded or down: try again later; the daemon backs off by itself"
    if error.startswith("timeout"):
        return "the server is slow or unreachable from here: check the network, DNS and proxy"
    if error.startswith("connection failed"):
        return "cannot reach the host: check the URL, DNS, the network or a firewall"
    if error.startswith("cannot read"):
        return "the local file is missing or unreadable: check the path"
    return "check the URL in a browser or with `monitor check URL`"


def check_feed(target: FeedTarget, fetch: Callable[[str], Any]) -> Check:
    """One GET (no validators, so a real body) and a parse: does it answer with a feed?"""
    from ..feeds.parse import FeedParseError, parse_feed

    name = f"feed {target.id}"
    details: dict[str, Any] = {"id": target.id, "url": target.url}
    if target.note:
        details["note"] = target.note
    result = fetch(target.url)
    details["status"] = result.status
    details["ms"] = round(result.elapsed_ms)
    if result.error:
        return Check(
            name, "fail", f"{target.url}: {result.error}", _feed_hint(result.error), details
        )
    try:
        parsed = parse_feed(result.body or b"", result.headers, url=result.final_url)
    except FeedParseError as exc:
        return Check(
            name,
            "fail",
            f"{target.url} answers HTTP {result.status or 'ok'} but not with a feed: {exc}",
            "point the URL at the RSS or Atom document, not the web page",
            details,
        )
    details["entries"] = len(parsed.entries)
    summary = f"{target.url}: {len(parsed.entries)} entries"
    if result.status:
        summary = f"{target.url}: HTTP {result.status}, {len(parsed.entries)} entries"
    if result.permanent_redirect_to:
        details["moved_to"] = result.permanent_redirect_to
        return Check(
            name,
            "warn",
            f"{summary}; moved permanently to {result.permanent_redirect_to}",
            "update the URL in the config (the daemon follows the move meanwhile)",
            details,
        )
    if target.note:
        summary += f" ({target.note})"
    return Check(name, "ok", summary, details=details)


def check_feeds(
    targets: Sequence[FeedTarget], timeout: float, allow_private: bool = False
) -> list[Check]:
    from ..feeds.fetch import Fetcher, FetchPolicy

    if not targets:
        return [
            Check(
                "feeds",
                "warn",
                "no feeds subscribed or configured",
                "add [[feeds]] to the config, or `monitor feeds add URL`",
            )
        ]
    policy = FetchPolicy(
        timeout_connect=min(timeout, 5.0),
        timeout_read=timeout,
        total_timeout=timeout,
        allow_private=allow_private,
    )
    with Fetcher(policy) as fetcher, ThreadPoolExecutor(FEED_WORKERS) as pool:
        return list(pool.map(lambda t: check_feed(t, fetcher.fetch), targets))


# ---- all together ----------------------------------------------------------------------


def run_checks(opts: Options) -> Report:
    report = Report()
    config, settings = check_config(opts)
    report.checks.append(config)
    if settings is None:
        why = "skipped: the config does not load"
        report.checks += [Check(n, "skip", why) for n in ("database", "mail", "feeds")]
        return report
    database, app = check_database(settings, opts)
    report.checks.append(database)
    try:
        if app is not None:
            report.checks.append(check_subscriptions(app))
            if opts.verify:
                report.checks.append(check_chain(app))
        report.checks.append(check_mail(settings, opts.timeout))
        from ..web.doctor import check_web

        report.checks.append(check_web(settings))
        if opts.quick:
            report.checks.append(Check("feeds", "skip", "skipped (--quick)"))
        else:
            targets, note = feed_targets(settings, app)
            if note:
                report.checks.append(Check("feeds", "warn", note))
            report.checks += check_feeds(targets, opts.timeout, settings.polling.allow_private)
    finally:
        if app is not None:
            app.close()
    return report
