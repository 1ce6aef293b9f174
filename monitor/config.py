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
    smtp_raw = dict(raw.get("smtp", {}))
    if os.environ.get("MONITOR_SMTP_HOST"):
        smtp_raw["host"] = os.environ["MONITOR_SMTP_HOST"]
    if os.environ.get("MONITOR_SMTP_PORT"):
        port = os.environ["MONITOR_SMTP_PORT"]
        if not port.isdigit():
            raise ConfigError(f"MONITOR_SMTP_PORT: {port!r} is not a port number")
        smtp_raw["port"] = int(port)
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
        integrity=integrity,
        lock_timeout=float(raw.get("database", {}).get("lock_timeout", 30.0)),
        statement_timeout=float(raw.get("database", {}).get("statement_timeout", 300.0)),
    )
