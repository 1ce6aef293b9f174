"""`monitor doctor`'s check of the `[web]` settings that `monitor serve` will use."""

from __future__ import annotations

import ipaddress
import os
from importlib.util import find_spec

from ..config import Settings
from ..services.doctor import Check

MIN_TOKEN = 16


def _loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def check_web(settings: Settings) -> Check:
    """Says whether `monitor serve` can start, whether it is read-only, and what it exposes."""
    web = settings.web
    missing = [m for m in ("starlette", "uvicorn", "jinja2", "feedgen") if find_spec(m) is None]
    details = {
        "host": web.host,
        "port": web.port,
        "base_url": web.base_url,
        "token_env": web.token_env,
    }
    if missing:
        return Check(
            "web",
            "fail",
            f"`monitor serve` cannot start: missing {', '.join(missing)}",
            "reinstall: pip install monitor",
            details,
        )
    token = web.write_token()
    from_env = bool(os.environ.get(web.token_env))
    details["writes"] = bool(token)
    where = f"http://{web.host}:{web.port}/"
    if token is not None and len(token) < MIN_TOKEN:
        source = web.token_env if from_env else "[web] token"
        return Check(
            "web",
            "fail",
            f"{source} is {len(token)} characters; a write token needs at least {MIN_TOKEN}",
            "set a random one: MONITOR_WEB_TOKEN=$(python3 -c 'import secrets; "
            "print(secrets.token_urlsafe(24))')",
            details,
        )
    mode = "read-write (token set)" if token else f"read-only (no {web.token_env})"
    summary = f"serve on {where}, {mode}"
    if token and not from_env:
        return Check(
            "web",
            "warn",
            f"{summary}; the token is in the config file",
            f"move it to the environment variable {web.token_env} (e.g. an EnvironmentFile "
            "readable only by root) and remove [web] token",
            details,
        )
    if not _loopback(web.host):
        https = (web.base_url or "").startswith("https://")
        if token and not https:
            return Check(
                "web",
                "warn",
                f"{summary}, reachable from other machines without TLS: the token and the "
                "session cookie would cross the network in clear",
                'serve behind a TLS reverse proxy and set [web] base_url = "https://...", or '
                "bind to 127.0.0.1",
                details,
            )
        summary += ", reachable from other machines"
    return Check("web", "ok", summary, details=details)
