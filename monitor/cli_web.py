"""`monitor serve`: the web dashboard, JSON API and Atom feeds, served by uvicorn."""

from __future__ import annotations

import re
import sys
from typing import TYPE_CHECKING

import click

from .errors import ConfigError

if TYPE_CHECKING:
    from .cli import Ctx

# `click.pass_obj` (not a decorator keyed on Ctx): this module does not import monitor.cli.
pass_ctx = click.pass_obj


def register(cli: click.Group) -> None:
    """Add `monitor serve` to the `monitor` group."""

    @cli.command("serve")
    @click.option("--host", help="Address to bind (default: [web] host, else 127.0.0.1).")
    @click.option(
        "--port", type=click.IntRange(1, 65535), help="Port (default: [web] port, else 8080)."
    )
    @click.option("--base-url", help="Public URL, for links in Atom feeds (default: [web]).")
    @pass_ctx
    def serve(c: Ctx, host: str | None, port: int | None, base_url: str | None) -> None:
        """Serve the dashboard, the JSON API (/api) and Atom feeds (/changes.atom).

        Read-only unless a token is set (MONITOR_WEB_TOKEN or [web] token): then a login form
        allows corrections, feed changes and mail retries. On a fresh database the schema and
        the baseline are created first, as `monitor run` does.
        """
        import uvicorn

        if base_url is not None and not re.match(r"^https?://[^/\s]+(/\S*)?$", base_url):
            raise click.BadParameter(
                f"{base_url!r} is not an http(s) URL (e.g. https://monitor.example.org)",
                param_hint="--base-url",
            )

        from .app import prepare
        from .store.db import safe_url
        from .web.server import create_app

        app = c.app(migrate=True)
        web_cfg = app.settings.web
        prepare(app)
        token = web_cfg.write_token()
        if token is not None and len(token) < 16:
            raise ConfigError(f"{web_cfg.token_env}: the web token must be at least 16 characters")
        bind_host = host or web_cfg.host
        bind_port = port or web_cfg.port
        asgi = create_app(app, token=token, base_url=base_url or web_cfg.base_url)
        mode = "read-write (token set)" if token else "read-only (no MONITOR_WEB_TOKEN)"
        click.echo(
            f"monitor serve: http://{bind_host}:{bind_port}/ on "
            f"{safe_url(app.settings.database_url)}, {mode}",
            err=True,
        )
        uvicorn.run(
            asgi,
            host=bind_host,
            port=bind_port,
            log_level="warning",
            access_log=False,
            http="httptools",  # the C parser and event loop: most of the server's speed
            loop="asyncio" if sys.platform == "win32" else "uvloop",
        )
