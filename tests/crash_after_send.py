"""Test harness: one delivery pass whose transport kills the process (os._exit(137), like a
SIGKILL) right after the server accepted a message, before the row is marked delivered.

    python tests/crash_after_send.py CONFIG DATABASE_URL

The crash is injected here, around the real transport, never by production code.
"""

from __future__ import annotations

import os
import sys
from datetime import UTC, datetime
from email.message import EmailMessage

from monitor.app import bootstrap
from monitor.config import load_settings
from monitor.notify.delivery import deliver_due, make_transport
from monitor.notify.transports import Transport
from monitor.wiring import extra_projectors


class CrashAfterSend:
    """A transport wrapper: send through the real one, then die."""

    def __init__(self, inner: Transport) -> None:
        self.inner = inner

    def send(self, msg: EmailMessage) -> None:
        self.inner.send(msg)
        sys.stdout.flush()
        os._exit(137)


def main() -> None:
    config, url = sys.argv[1], sys.argv[2]
    settings = load_settings(config, url)
    app = bootstrap(settings, extra_projectors=extra_projectors(settings))
    deliver_due(app, CrashAfterSend(make_transport(settings)), datetime.now(UTC))
    sys.exit("the crashing transport was never used: nothing was due")


if __name__ == "__main__":
    main()
