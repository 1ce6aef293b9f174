"""Transports against a real SMTP server on loopback (aiosmtpd) and a real Maildir."""

from __future__ import annotations

import mailbox
import shutil
import socket
import ssl
import subprocess
from collections.abc import Iterator
from datetime import UTC, datetime
from email import policy
from email.message import EmailMessage
from pathlib import Path

import pytest
from smtp_server import SmtpTestServer, free_port, smtp_server_fixture

from monitor.notify.transports import DeliveryError, MaildirTransport, SmtpTransport


@pytest.fixture
def smtp() -> Iterator[SmtpTestServer]:
    yield from smtp_server_fixture()


def message(to: str | list[str] = "alice@example.org", subject: str = "hello") -> EmailMessage:
    msg = EmailMessage(policy=policy.SMTP)
    msg["From"] = "monitor <monitor@example.org>"
    msg["To"] = to if isinstance(to, str) else ", ".join(to)
    msg["Subject"] = subject
    msg["Message-ID"] = f"<{subject}.test@monitor.localhost>"
    msg["Date"] = datetime(2026, 11, 25, 8, 0, tzinfo=UTC)
    msg.set_content("The i4 Convertible is approved.\n")
    return msg


def transport(server: SmtpTestServer, **kw: object) -> SmtpTransport:
    return SmtpTransport(server.host, server.port, timeout=5, **kw)  # type: ignore[arg-type]


# --- SMTP ----------------------------------------------------------------------------------------


def test_smtp_delivers_to_the_envelope_from_to(smtp: SmtpTestServer) -> None:
    transport(smtp).send(message(["alice@example.org", "Bob <bob@example.org>"]))
    [got] = smtp.wait_for(1)
    assert got.mail_from == "monitor@example.org"
    assert got.rcpt_tos == ["alice@example.org", "bob@example.org"]
    assert got.message["Subject"] == "hello"
    assert got.message["Message-ID"] == "<hello.test@monitor.localhost>"
    assert "approved" in got.message.get_content()


def test_smtp_envelope_from_override(smtp: SmtpTestServer) -> None:
    transport(smtp, envelope_from="bounces@example.org").send(message())
    assert smtp.wait_for(1)[0].mail_from == "bounces@example.org"


@pytest.mark.parametrize("stage", ["rcpt", "data", "mail"])
def test_smtp_550_is_permanent(smtp: SmtpTestServer, stage: str) -> None:
    smtp.fail_with("550 5.1.1 mailbox unavailable", stage=stage)  # type: ignore[arg-type]
    with pytest.raises(DeliveryError) as info:
        transport(smtp).send(message())
    assert info.value.permanent is True
    assert "550" in info.value.reply and "mailbox unavailable" in info.value.reply
    assert smtp.received == []


@pytest.mark.parametrize("stage", ["rcpt", "data", "mail"])
def test_smtp_451_is_transient(smtp: SmtpTestServer, stage: str) -> None:
    smtp.fail_with("451 4.3.0 try again later", stage=stage)  # type: ignore[arg-type]
    with pytest.raises(DeliveryError) as info:
        transport(smtp).send(message())
    assert info.value.permanent is False
    assert "451" in info.value.reply
    smtp.accept()
    transport(smtp).send(message())  # the retry goes through
    assert len(smtp.wait_for(1)) == 1


def test_smtp_one_recipient_refused(smtp: SmtpTestServer) -> None:
    smtp.refuse("bob@example.org", "550 5.1.1 no such user")
    with pytest.raises(DeliveryError) as info:
        transport(smtp).send(message(["alice@example.org", "bob@example.org"]))
    err = info.value
    assert err.permanent is True
    assert err.refused == {"bob@example.org": "550 5.1.1 no such user"}
    assert "bob@example.org" in err.reply and "550" in err.reply
    # the other recipient got it
    assert smtp.wait_for(1)[0].rcpt_tos == ["alice@example.org"]


def test_smtp_mixed_refusals_are_transient(smtp: SmtpTestServer) -> None:
    smtp.refuse("alice@example.org", "550 5.1.1 no such user")
    smtp.refuse("bob@example.org", "452 4.2.2 mailbox full")
    with pytest.raises(DeliveryError) as info:
        transport(smtp).send(message(["alice@example.org", "bob@example.org"]))
    assert info.value.permanent is False
    assert set(info.value.refused) == {"alice@example.org", "bob@example.org"}


def test_smtp_connection_refused_is_transient() -> None:
    port = free_port()  # nothing listens there
    with pytest.raises(DeliveryError) as info:
        SmtpTransport("127.0.0.1", port, timeout=2).send(message())
    assert info.value.permanent is False
    assert "ConnectionRefused" in info.value.reply


def test_smtp_down_then_up(smtp: SmtpTestServer) -> None:
    smtp.stop()
    with pytest.raises(DeliveryError) as info:
        transport(smtp).send(message())
    assert not info.value.permanent
    smtp.start()
    transport(smtp).send(message())
    assert len(smtp.wait_for(1)) == 1


def test_smtp_timeout_is_transient() -> None:
    # a listener that accepts connections but never says hello
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as silent:
        silent.bind(("127.0.0.1", 0))
        silent.listen(1)
        port = silent.getsockname()[1]
        with pytest.raises(DeliveryError) as info:
            SmtpTransport("127.0.0.1", port, timeout=0.5).send(message())
    assert info.value.permanent is False
    assert "timed out" in info.value.reply.lower() or "Timeout" in info.value.reply


def test_smtp_implicit_tls_against_plain_server_is_transient(smtp: SmtpTestServer) -> None:
    with pytest.raises(DeliveryError) as info:
        transport(smtp, ssl=True).send(message())
    assert info.value.permanent is False


def test_smtp_starttls_not_offered_is_transient(smtp: SmtpTestServer) -> None:
    with pytest.raises(DeliveryError) as info:
        transport(smtp, starttls=True).send(message())
    assert info.value.permanent is False
    assert "STARTTLS" in info.value.reply


def test_smtp_without_recipients_is_permanent(smtp: SmtpTestServer) -> None:
    msg = message()
    del msg["To"]
    with pytest.raises(DeliveryError) as info:
        transport(smtp).send(msg)
    assert info.value.permanent is True


@pytest.mark.filterwarnings("ignore:Requiring AUTH while not requiring TLS")
def test_smtp_login() -> None:
    with SmtpTestServer(users={"monitor": "s3cret"}) as server:
        transport(server, username="monitor", password="s3cret").send(message())
        assert len(server.wait_for(1)) == 1
        with pytest.raises(DeliveryError) as info:
            transport(server, username="monitor", password="wrong").send(message())
        assert info.value.permanent is True
        assert "535" in info.value.reply
        with pytest.raises(DeliveryError) as info:
            transport(server).send(message())  # no login: 530 authentication required
        assert info.value.permanent is True


# --- STARTTLS with a self-signed certificate --------------------------------------------------


@pytest.fixture
def certificate(tmp_path: Path) -> tuple[Path, Path]:
    if shutil.which("openssl") is None:
        pytest.skip("openssl is not installed")
    cert, key = tmp_path / "cert.pem", tmp_path / "key.pem"
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1",
         "-subj", "/CN=localhost", "-addext", "subjectAltName=IP:127.0.0.1,DNS:localhost",
         "-keyout", str(key), "-out", str(cert)],
        check=True,
        capture_output=True,
    )  # fmt: skip
    return cert, key


@pytest.fixture
def tls_smtp(certificate: tuple[Path, Path]) -> Iterator[SmtpTestServer]:
    cert, key = certificate
    server_ctx = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    server_ctx.load_cert_chain(cert, key)
    with SmtpTestServer(tls_context=server_ctx, require_starttls=True) as server:
        yield server


def test_smtp_starttls(tls_smtp: SmtpTestServer, certificate: tuple[Path, Path]) -> None:
    client_ctx = ssl.create_default_context(cafile=str(certificate[0]))
    transport(tls_smtp, starttls=True, ssl_context=client_ctx).send(message())
    assert len(tls_smtp.wait_for(1)) == 1


def test_smtp_starttls_untrusted_certificate_is_transient(tls_smtp: SmtpTestServer) -> None:
    with pytest.raises(DeliveryError) as info:
        transport(tls_smtp, starttls=True).send(message())  # default CAs: self-signed fails
    assert info.value.permanent is False
    assert tls_smtp.received == []


def test_smtp_plain_to_a_server_requiring_starttls_is_permanent(tls_smtp: SmtpTestServer) -> None:
    with pytest.raises(DeliveryError) as info:
        transport(tls_smtp).send(message())
    assert info.value.permanent is True  # 530 Must issue a STARTTLS command first
    assert "530" in info.value.reply


# --- Maildir -------------------------------------------------------------------------------------


def test_maildir_one_file_per_message(tmp_path: Path) -> None:
    box_path = tmp_path / "mail" / "monitor"
    t = MaildirTransport(box_path)
    t.send(message(subject="first"))
    t.send(message(subject="second"))
    assert {p.name for p in box_path.iterdir()} >= {"cur", "new", "tmp"}
    assert len(list((box_path / "new").iterdir())) == 2
    assert list((box_path / "tmp").iterdir()) == []
    box = mailbox.Maildir(box_path, factory=None, create=False)
    subjects = sorted(m["Subject"] for m in box)
    assert subjects == ["first", "second"]
    raw = next(iter((box_path / "new").iterdir())).read_bytes()
    assert b"\r\n" not in raw  # local line endings


def test_maildir_unwritable_is_a_delivery_error(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("not a directory")
    with pytest.raises(DeliveryError) as info:
        MaildirTransport(blocker / "box").send(message())
    assert info.value.permanent is False
