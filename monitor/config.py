"""Settings: embedded defaults, then `monitor.toml` (validated), then environment variables.

Where the config file comes from: `--config PATH`, else MONITOR_CONFIG, else `monitor.toml` in
the working directory, else none (the embedded defaults: a SQLite file here, the default feeds,
mail to a Maildir folder here).
"""

from __future__ import annotations

import os
import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .errors import ConfigError
from .schemas import first_error, validator
from .store.db import DEFAULT_URL

CONFIG_ENV = "MONITOR_CONFIG"
DATABASE_ENV = "MONITOR_DATABASE_URL"
# Set apart from the URL so that any password works: '@', '/' or ':' in it would break a URL
# spelled out by hand (or by docker-compose interpolation); here it is quoted for the URL.
DATABASE_PASSWORD_ENV = "MONITOR_DATABASE_PASSWORD"
# Every [smtp] key can come from the environment (a container is configured that way); set,
# they win over the file. Empty means "not set", except MONITOR_SMTP_USERNAME: empty there
# means "no login" (what a local catcher such as Mailpit wants, whatever the file says).
SMTP_ENV = {
    "host": "MONITOR_SMTP_HOST",
    "port": "MONITOR_SMTP_PORT",
    "starttls": "MONITOR_SMTP_STARTTLS",
    "ssl": "MONITOR_SMTP_SSL",
    "username": "MONITOR_SMTP_USERNAME",
    "from": "MONITOR_SMTP_FROM",
    "timeout": "MONITOR_SMTP_TIMEOUT",
}
_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off"}
DEFAULT_CONFIG_NAME = "monitor.toml"
DEFAULT_FEEDS = Path(__file__).resolve().parent / "default_feeds.toml"


@dataclass(frozen=True)
class FeedConfig:
    url: str
    name: str = ""
    id: str | None = None
    interval: float | None = None
    tags: tuple[str, ...] = ()


@dataclass(frozen=True)
class PollingConfig:
    interval: float = 1800.0
    workers: int = 8
    connect_timeout: float = 10.0
    read_timeout: float = 30.0
    max_bytes: int = 10_000_000
    host_gap: float = 1.0
    failure_threshold: int = 3
    backoff_base: float = 60.0
    backoff_cap: float = 6 * 3600.0
    jitter: float = 0.1
    max_entries: int = 10_000
    allow_private: bool = False


@dataclass(frozen=True)
class SmtpConfig:
    host: str
    port: int = 25
    starttls: bool = False
    ssl: bool = False
    username: str | None = None
    password_env: str = "MONITOR_SMTP_PASSWORD"
    sender: str = "monitor@localhost"
    timeout: float = 30.0

    def password(self) -> str | None:
        return os.environ.get(self.password_env)


@dataclass(frozen=True)
class MailConfig:
    maildir: str = "mail"
    sender: str = "monitor@localhost"
    list_id: str = "monitor.localhost"
    domain: str = "monitor.localhost"


@dataclass(frozen=True)
class DeliveryConfig:
    interval: float = 30.0
    backoff_base: float = 30.0
    backoff_cap: float = 3600.0
    batch: int = 100


@dataclass(frozen=True)
class WebConfig:
    """`monitor serve`: bound to this machine unless told otherwise; no token means read-only."""

    host: str = "127.0.0.1"
    port: int = 8080
    base_url: str | None = None
    token: str | None = None
    token_env: str = "MONITOR_WEB_TOKEN"

    def write_token(self) -> str | None:
        """The environment wins over the file, so a secret need not live in the TOML."""
        return os.environ.get(self.token_env) or self.token or None


@dataclass(frozen=True)
class IntegrityConfig:
    """`[integrity]`: where the head anchor is written, and which variable holds the chain key."""

    anchor_path: Path | None = None
    key_env: str | None = None

    def key(self) -> bytes | None:
        value = os.environ.get(self.key_env) if self.key_env else None
        return value.encode("utf-8") if value else None


@dataclass(frozen=True)
class Settings:
    database_url: str = DEFAULT_URL
    config_path: Path | None = None
    load_baseline_on_init: bool = True
    baseline_path: Path | None = None
    threshold: float = 0.7
    lexicon_paths: tuple[Path, ...] = ()
    polling: PollingConfig = field(default_factory=PollingConfig)
    feeds: tuple[FeedConfig, ...] = ()
    feeds_from_defaults: bool = True
    smtp: SmtpConfig | None = None
    mail: MailConfig = field(default_factory=MailConfig)
    delivery: DeliveryConfig = field(default_factory=DeliveryConfig)
    subscriptions: tuple[dict[str, Any], ...] = ()
    web: WebConfig = field(default_factory=WebConfig)
    integrity: IntegrityConfig = field(default_factory=IntegrityConfig)
    lock_timeout: float = 30.0  # seconds a writer waits for the append lock
    statement_timeout: float = 300.0  # PostgreSQL: seconds one writer statement may run


def _read_toml(path: Path) -> dict[str, Any]:
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise ConfigError(f"{path}: cannot read config file: {exc.strerror}") from exc
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: not valid TOML: {exc}") from exc


def _validate(raw: dict[str, Any], path: Path) -> None:
    v = validator("config.schema.json")
    message = first_error(v, raw)
    if message:
        raise ConfigError(f"{path}: {message}")


def find_config(explicit: str | os.PathLike[str] | None) -> Path | None:
    if explicit:
        path = Path(explicit)
        if not path.is_file():
            raise ConfigError(f"{path}: config file not found")
        return path
    env = os.environ.get(CONFIG_ENV)
    if env:
        path = Path(env)
        if not path.is_file():
            raise ConfigError(f"{path}: config file not found (from {CONFIG_ENV})")
        return path
    local = Path(DEFAULT_CONFIG_NAME)
    return local if local.is_file() else None


def _feeds(raw: list[dict[str, Any]]) -> tuple[FeedConfig, ...]:
    return tuple(
        FeedConfig(
            url=f["url"],
            name=f.get("name", ""),
            id=f.get("id"),
            interval=f.get("interval"),
            tags=tuple(f.get("tags", ())),
        )
        for f in raw
    )


def default_feeds() -> tuple[FeedConfig, ...]:
    return _feeds(tomllib.loads(DEFAULT_FEEDS.read_text(encoding="utf-8"))["feeds"])


_SECONDS = re.compile(r"^\d+(\.\d+)?$")


def _smtp_from_environment(smtp_raw: dict[str, Any]) -> dict[str, Any]:
    """The [smtp] table with the MONITOR_SMTP_* variables that are set laid over it; a bad
    value is an error naming the variable."""
    for key, name in SMTP_ENV.items():
        value = os.environ.get(name)
        if value is None:
            continue
        value = value.strip()
        if key == "username":
            if value:
                smtp_raw["username"] = value
            else:
                smtp_raw.pop("username", None)
            continue
        if not value:
            continue
        if key == "port":
            if not value.isdigit() or not 0 < int(value) < 65536:
                raise ConfigError(f"{name}: {value!r} is not a port number")
            smtp_raw["port"] = int(value)
        elif key in ("starttls", "ssl"):
            if value.lower() not in _TRUE | _FALSE:
                raise ConfigError(f"{name}: {value!r} is not true or false")
            smtp_raw[key] = value.lower() in _TRUE
        elif key == "timeout":
            try:
                seconds = float(value)
            except ValueError:
                seconds = 0.0
            if not seconds > 0:
                raise ConfigError(f"{name}: {value!r} is not a positive number of seconds")
            smtp_raw["timeout"] = seconds
        else:
            smtp_raw[key] = value
    return smtp_raw


def _with_database_password(url: str) -> str:
    """The URL with MONITOR_DATABASE_PASSWORD (when set) as its password, quoted as URLs
    need; a SQLite URL has no password and is left alone."""
    password = os.environ.get(DATABASE_PASSWORD_ENV)
    if not password:
        return url
    from sqlalchemy.engine import make_url
    from sqlalchemy.exc import ArgumentError

    try:
        parsed = make_url(url)
    except ArgumentError as exc:
        raise ConfigError(f"database.url: {exc}") from exc
    if parsed.get_backend_name() == "sqlite":
        return url
    return parsed.set(password=password).render_as_string(hide_password=False)


def load_settings(
    config: str | os.PathLike[str] | None = None, database_url: str | None = None
) -> Settings:
    """Settings for one run; every error names the file and the key."""
    path = find_config(config)
    raw: dict[str, Any] = {}
    if path is not None:
        raw = _read_toml(path)
        _validate(raw, path)
    env_url = os.environ.get(DATABASE_ENV)
    url = database_url or env_url or raw.get("database", {}).get("url") or DEFAULT_URL
    base = raw.get("baseline", {})
    det = raw.get("detector", {})
    poll = PollingConfig(**raw.get("polling", {}))
    smtp_raw = _smtp_from_environment(dict(raw.get("smtp", {})))
    url = _with_database_password(url)
    smtp = None
    if smtp_raw.get("host"):
        if "from" in smtp_raw:
            smtp_raw["sender"] = smtp_raw.pop("from")
        smtp = SmtpConfig(**smtp_raw)
    mail_raw = dict(raw.get("mail", {}))
    if "from" in mail_raw:
        mail_raw["sender"] = mail_raw.pop("from")
    mail = MailConfig(**mail_raw)
    here = path.parent if path else Path.cwd()
    feeds = _feeds(raw["feeds"]) if "feeds" in raw else default_feeds()
    subscriptions = tuple(
        {"name": f"subscription-{i + 1}", **sub}
        for i, sub in enumerate(raw.get("subscriptions", ()))
    )
    if not subscriptions:
        default_to = os.environ.get("MONITOR_MAIL_TO", "you@localhost")
        subscriptions = ({"name": "default", "to": [default_to], "claims": ["*"]},)
    integ = raw.get("integrity", {})
    integrity = IntegrityConfig(
        anchor_path=(here / integ["anchor_path"]) if "anchor_path" in integ else None,
        key_env=integ.get("key_env"),
    )
    return Settings(
        database_url=url,
        config_path=path,
        load_baseline_on_init=base.get("load_on_init", True),
        baseline_path=(here / base["path"]) if "path" in base else None,
        threshold=det.get("threshold", 0.7),
        lexicon_paths=tuple(here / p for p in det.get("lexicon", ())),
        polling=poll,
        feeds=feeds,
        feeds_from_defaults="feeds" not in raw,
        smtp=smtp,
        mail=mail,
        delivery=DeliveryConfig(**raw.get("delivery", {})),
        subscriptions=subscriptions,
        web=WebConfig(**raw.get("web", {})),
        integrity=integrity,
        lock_timeout=float(raw.get("database", {}).get("lock_timeout", 30.0)),
        statement_timeout=float(raw.get("database", {}).get("statement_timeout", 300.0)),
    )
