"""A real SMTP server on loopback for tests (aiosmtpd), no mocks.

    with SmtpTestServer() as server:
        SmtpTransport(server.host, server.port).send(msg)
        assert server.wait_for(1)[0].rcpt_tos == ["alice@example.org"]

    server.fail_with("451 4.3.0 try later")      # every RCPT (or DATA) answers 451
    server.refuse("bob@example.org", "550 5.1.1 no such user")
    server.accept()                              # back to normal
    server.stop(); ...; server.start()           # down, then up again on the same port

Import it from a test module as `from smtp_server import SmtpTestServer` (pytest puts tests/ on
sys.path), and make a fixture there: `yield from smtp_server_fixture()`.
"""

from __future__ import annotations

import email
import socket
import ssl
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from email import policy
from email.message import EmailMessage
from typing import Any, Literal

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword

Stage = Literal["mail", "rcpt", "data"]


@dataclass(frozen=True)
class Received:
    """One message as the server got it: the envelope and the raw bytes."""

    mail_from: str
    rcpt_tos: list[str]
    data: bytes

    @property
    def message(self) -> EmailMessage:
        parsed = email.message_from_bytes(self.data, policy=policy.default)
        assert isinstance(parsed, EmailMessage)
        return parsed


class RecordingHandler:
    """aiosmtpd handler: records what it accepts, or answers with a configured error."""

    def __init__(self) -> None:
        self.received: list[Received] = []
        self.replies: dict[Stage, str] = {}
        self.refused: dict[str, str] = {}
        self.cond = threading.Condition()

    async def handle_MAIL(self, server: Any, session: Any, envelope: Any, address: str, options):
        if reply := self.replies.get("mail"):
            return reply
        envelope.mail_from = address
        envelope.mail_options.extend(options)
        return "250 OK"

    async def handle_RCPT(self, server: Any, session: Any, envelope: Any, address: str, options):
        if reply := self.refused.get(address.lower()) or self.replies.get("rcpt"):
            return reply
        envelope.rcpt_tos.append(address)
        envelope.rcpt_options.extend(options)
        return "250 OK"

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        if reply := self.replies.get("data"):
            return reply
        with self.cond:
            self.received.append(
                Received(envelope.mail_from, list(envelope.rcpt_tos), bytes(envelope.content))
            )
            self.cond.notify_all()
        return "250 Message accepted for delivery"


def free_port(host: str = "127.0.0.1") -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((host, 0))
        return sock.getsockname()[1]


class SmtpTestServer:
    """An aiosmtpd Controller on 127.0.0.1 that keeps its port across stop() and start()."""

    def __init__(
        self,
        host: str = "127.0.0.1",
        port: int | None = None,
        *,
        tls_context: ssl.SSLContext | None = None,
        require_starttls: bool = False,
        users: dict[str, str] | None = None,
    ) -> None:
        self.host = host
        self.port = port or free_port(host)
        self.handler = RecordingHandler()
        self.tls_context = tls_context
        self.require_starttls = require_starttls
        self.users = users  # if given: AUTH LOGIN/PLAIN is required (over plain text too)
        self._controller: Controller | None = None

    # --- life cycle ---
    def start(self) -> SmtpTestServer:
        if self._controller is None:
            kwargs: dict[str, Any] = {}
            if self.tls_context is not None:
                kwargs.update(tls_context=self.tls_context, require_starttls=self.require_starttls)
            if self.users is not None:
                kwargs.update(
                    authenticator=self._authenticate, auth_required=True, auth_require_tls=False
                )
            controller = Controller(
                self.handler, hostname=self.host, port=self.port, ready_timeout=10, **kwargs
            )
            controller.start()
            self._controller = controller
        return self

    def stop(self) -> None:
        if self._controller is not None:
            self._controller.stop()
            self._controller = None

    def _authenticate(
        self, server: Any, session: Any, envelope: Any, mechanism: str, auth_data: Any
    ) -> AuthResult:
        users = self.users or {}
        if isinstance(auth_data, LoginPassword):
            user = auth_data.login.decode()
            if users.get(user) == auth_data.password.decode():
                return AuthResult(success=True, auth_data=user)
        return AuthResult(success=False, handled=False)

    @property
    def running(self) -> bool:
        return self._controller is not None

    def __enter__(self) -> SmtpTestServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    # --- behaviour ---
    def fail_with(self, reply: str, stage: Stage = "rcpt") -> None:
        """Answer every MAIL, RCPT or DATA with `reply`, e.g. "451 4.3.0 try later"."""
        self.handler.replies[stage] = reply

    def refuse(self, address: str, reply: str = "550 5.1.1 mailbox unavailable") -> None:
        """Refuse one recipient; the others are accepted."""
        self.handler.refused[address.lower()] = reply

    def accept(self) -> None:
        """Forget all configured failures."""
        self.handler.replies.clear()
        self.handler.refused.clear()

    # --- what arrived ---
    @property
    def received(self) -> list[Received]:
        with self.handler.cond:
            return list(self.handler.received)

    @property
    def messages(self) -> list[EmailMessage]:
        return [r.message for r in self.received]

    def clear(self) -> None:
        with self.handler.cond:
            self.handler.received.clear()

    def wait_for(self, count: int, timeout: float = 5.0) -> list[Received]:
        """Block until at least `count` messages arrived; fail the test if they don't."""
        deadline = time.monotonic() + timeout
        with self.handler.cond:
            while len(self.handler.received) < count:
                left = deadline - time.monotonic()
                if left <= 0:
                    raise AssertionError(
                        f"expected {count} messages, got {len(self.handler.received)}"
                    )
                self.handler.cond.wait(left)
            return list(self.handler.received)


def smtp_server_fixture() -> Iterator[SmtpTestServer]:
    """Body of a pytest fixture: a started server, stopped afterwards."""
    server = SmtpTestServer().start()
    try:
        yield server
    finally:
        server.stop()
