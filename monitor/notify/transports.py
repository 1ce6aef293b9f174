"""Getting a rendered message out: over SMTP, or into a Maildir (for tests and local use).

Every failure is a `DeliveryError` that says whether a retry can help: the delivery job
retries transient errors with back-off and gives up at once on permanent ones.
"""

from __future__ import annotations

import mailbox
import smtplib
import ssl as ssl_module
from collections.abc import Mapping
from email import utils
from email.message import EmailMessage
from pathlib import Path
from typing import Protocol


class DeliveryError(Exception):
    """Sending failed. `permanent`: the server refused for good (5xx); retrying won't help.

    `reply` is the server's reply, code first ("550 5.1.1 no such user"), or a description of
    the local failure (connection refused, timeout, TLS). `refused` maps each refused recipient
    to its reply when only some recipients were refused (the others got the message).
    """

    def __init__(
        self,
        message: str,
        *,
        permanent: bool,
        reply: str = "",
        refused: Mapping[str, str] | None = None,
    ) -> None:
        super().__init__(message)
        self.permanent = permanent
        self.reply = reply
        self.refused: dict[str, str] = dict(refused or {})
        self.retry_after: float | None = None  # seconds the receiver asked us to wait


class Transport(Protocol):
    def send(self, msg: EmailMessage) -> None: ...


def _reply_text(code: int, text: bytes | str) -> str:
    if isinstance(text, bytes):
        text = text.decode("utf-8", "replace")
    return f"{code} {text}".strip()


def _addresses(msg: EmailMessage, *names: str) -> list[str]:
    values = [str(v) for name in names for v in (msg.get_all(name) or [])]
    return [addr for _, addr in utils.getaddresses(values) if addr]


class SmtpTransport:
    """Sends each message over a fresh SMTP connection (the volume is a few mails a day)."""

    def __init__(
        self,
        host: str,
        port: int = 25,
        *,
        starttls: bool = False,
        ssl: bool = False,
        username: str | None = None,
        password: str | None = None,
        timeout: float = 30.0,
        local_hostname: str | None = None,
        ssl_context: ssl_module.SSLContext | None = None,
        envelope_from: str | None = None,
    ) -> None:
        if starttls and ssl:
            raise ValueError("choose one of starttls (port 587) and ssl (port 465)")
        if (username is None) != (password is None):
            raise ValueError("username and password go together")
        self.host = host
        self.port = port
        self.starttls = starttls
        self.ssl = ssl
        self.username = username
        self.password = password
        self.timeout = timeout
        self.local_hostname = local_hostname
        self.ssl_context = ssl_context
        self.envelope_from = envelope_from

    def _context(self) -> ssl_module.SSLContext:
        return self.ssl_context or ssl_module.create_default_context()

    def _connect(self) -> smtplib.SMTP:
        if self.ssl:
            return smtplib.SMTP_SSL(
                self.host,
                self.port,
                local_hostname=self.local_hostname,
                timeout=self.timeout,
                context=self._context(),
            )
        return smtplib.SMTP(
            self.host, self.port, local_hostname=self.local_hostname, timeout=self.timeout
        )

    def _deliver(self, msg: EmailMessage, sender: str, rcpts: list[str]) -> dict:
        smtp = self._connect()
        try:
            if self.starttls:
                smtp.ehlo()
                smtp.starttls(context=self._context())
                smtp.ehlo()
            if self.username is not None and self.password is not None:
                smtp.login(self.username, self.password)
            refused = smtp.send_message(msg, from_addr=sender, to_addrs=rcpts)
        except BaseException:
            smtp.close()
            raise
        # Once the server has taken the message, a failing QUIT must not cause a resend.
        try:
            smtp.quit()
        except (smtplib.SMTPException, OSError):
            smtp.close()
        return refused

    def send(self, msg: EmailMessage) -> None:
        """Deliver `msg` to the addresses in its To (and Cc) header; raise DeliveryError."""
        rcpts = _addresses(msg, "To", "Cc")
        if not rcpts:
            raise DeliveryError("the message has no recipients", permanent=True)
        sender = self.envelope_from or next(iter(_addresses(msg, "Sender", "From")), "")
        try:
            refused = self._deliver(msg, sender, rcpts)
        except smtplib.SMTPRecipientsRefused as exc:
            raise _refused_error(exc.recipients, all_refused=True) from exc
        except smtplib.SMTPConnectError as exc:
            # refused at the greeting: the server is busy or blocks us, not the message
            reply = _reply_text(exc.smtp_code, exc.smtp_error)
            raise DeliveryError(
                f"{self.host}:{self.port} refused the connection: {reply}",
                permanent=False,
                reply=reply,
            ) from exc
        except smtplib.SMTPResponseException as exc:
            reply = _reply_text(exc.smtp_code, exc.smtp_error)
            raise DeliveryError(
                f"{self.host}:{self.port} answered {reply}",
                permanent=500 <= exc.smtp_code < 600,
                reply=reply,
            ) from exc
        except (smtplib.SMTPException, OSError) as exc:
            # disconnects, STARTTLS not offered, connection refused, timeouts, TLS errors
            what = f"{type(exc).__name__}: {exc}".rstrip(": ")
            raise DeliveryError(
                f"cannot deliver via {self.host}:{self.port}: {what}",
                permanent=False,
                reply=what,
            ) from exc
        if refused:
            raise _refused_error(refused, all_refused=False)


def _refused_error(
    recipients: Mapping[str, tuple[int, bytes]], *, all_refused: bool
) -> DeliveryError:
    replies = {rcpt: _reply_text(code, text) for rcpt, (code, text) in recipients.items()}
    permanent = all(500 <= code < 600 for code, _ in recipients.values())
    summary = "; ".join(f"{rcpt}: {reply}" for rcpt, reply in replies.items())
    which = "all recipients" if all_refused else "some recipients (the others got it)"
    return DeliveryError(
        f"refused {which}: {summary}", permanent=permanent, reply=summary, refused=replies
    )


class MaildirTransport:
    """Drops each message into a Maildir: written to tmp/, then moved to new/ (atomic)."""

    def __init__(self, path: Path | str) -> None:
        self.path = Path(path)

    def send(self, msg: EmailMessage) -> None:
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            box = mailbox.Maildir(self.path, create=True)
            # Maildir files use local line endings, not SMTP's CRLF.
            box.add(msg.as_bytes(policy=msg.policy.clone(linesep="\n")))
        except OSError as exc:
            raise DeliveryError(
                f"cannot write to maildir {self.path}: {exc}", permanent=False, reply=str(exc)
            ) from exc
