"""SMTPTransport against a real aiosmtpd server on loopback, and its URL parsing."""

from __future__ import annotations

import shutil
import socket
import ssl
import subprocess
import threading
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from aiosmtpd.smtp import AuthResult, LoginPassword
from smtp_sink import SMTPSink, free_port

from i18nmail.delivery import Delivery, DirectoryTransport, SMTPTransport, Transport

MESSAGE = b"From: a@shop.example\r\nTo: b@example.com\r\nMessage-ID: <x.1@shop.example>\r\nSubject: hi\r\n\r\nhello\r\n"


def send(transport: SMTPTransport, to: str = "b@example.com") -> Delivery:
    message = MESSAGE.replace(b"<x.1@", f"<{to.split('@')[0]}@".encode())
    return transport.send(message, sender="a@shop.example", recipients=[to])


# -- URLs --------------------------------------------------------------------


def test_url_plain_defaults_to_port_25() -> None:
    """smtp://host means plain SMTP on port 25, one connection, four retries."""
    t = SMTPTransport("smtp://mail.example")
    assert (t.host, t.port, t.starttls, t.implicit_tls, t.pool_size, t.retries) == (
        "mail.example", 25, False, False, 1, 4)


def test_url_starttls_and_smtps_ports() -> None:
    """?starttls=1 defaults to port 587 and smtps:// to 465 with TLS from the start."""
    assert SMTPTransport("smtp://mail.example?starttls=1").port == 587
    t = SMTPTransport("smtps://mail.example")
    assert (t.port, t.implicit_tls, t.starttls) == (465, True, False)


def test_url_credentials_are_percent_decoded_and_hidden() -> None:
    """User and password come from the URL, percent-decoded; repr never shows the password."""
    t = SMTPTransport("smtp://ops%40shop.example:p%3Ass%2Fw@mail.example:2525")
    assert t.username == "ops@shop.example"
    assert t._password == "p:ss/w"
    assert "p%3Ass" not in repr(t) and "***" in repr(t)


def test_url_credentials_from_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    """Without credentials in the URL, I18NMAIL_SMTP_USERNAME and _PASSWORD are used."""
    monkeypatch.setenv("I18NMAIL_SMTP_USERNAME", "envuser")
    monkeypatch.setenv("I18NMAIL_SMTP_PASSWORD", "envpass")
    t = SMTPTransport("smtp://mail.example")
    assert (t.username, t._password) == ("envuser", "envpass")


def test_url_query_sets_pool_rate_timeout_retries() -> None:
    """pool, rate, timeout and retries may be given in the URL; keyword arguments win."""
    t = SMTPTransport("smtp://m.example?pool=3&rate=10&timeout=5&retries=2", rate=4)
    assert (t.pool_size, t.rate, t.timeout, t.retries) == (3, 4.0, 5.0, 2)


@pytest.mark.parametrize("url, message", [
    ("http://mail.example", "smtp:// or smtps://"),
    ("smtp://", "no host"),
    ("smtp://mail.example:99999", "bad port"),
    ("smtp://mail.example?tls=1", "unknown parameter 'tls'"),
    ("smtp://mail.example?starttls=maybe", "starttls= takes 1 or 0"),
    ("smtps://mail.example?starttls=1", "TLS already"),
    ("smtp://mail.example?pool=0", "pool must be"),
    ("smtp://mail.example?rate=-1", "rate must be"),
])
def test_bad_urls_raise_value_error(url: str, message: str) -> None:
    """A malformed or unsupported SMTP URL is a ValueError that says what is wrong."""
    with pytest.raises(ValueError, match=message):
        SMTPTransport(url)


def test_errors_never_show_the_password() -> None:
    """A rejected URL is quoted in the error with its password masked."""
    for url in ("http://ops:hunter2@mail.example", "smtp://ops:hunter2@mail.example?tls=1",
                "smtp://ops:hunter2@mail.example:99999"):
        with pytest.raises(ValueError) as caught:
            SMTPTransport(url)
        assert "hunter2" not in str(caught.value)


def test_transports_satisfy_the_protocol(tmp_path: Path) -> None:
    """SMTPTransport and DirectoryTransport are both Transports."""
    assert isinstance(SMTPTransport("smtp://m.example"), Transport)
    assert isinstance(DirectoryTransport(tmp_path), Transport)


# -- a real server -------------------------------------------------------------


def test_connection_is_reused_for_many_messages() -> None:
    """Twenty messages travel over one SMTP connection, each with the server's reply."""
    with SMTPSink() as sink, SMTPTransport(sink.url) as transport:
        results = [send(transport) for _ in range(20)]
    assert {r.status for r in results} == {"sent"}
    assert results[0].reply == "250 2.0.0 Ok: queued"
    assert len(sink.received) == 20
    assert transport.connections_opened == 1


def test_pool_opens_at_most_pool_size_connections() -> None:
    """Eight threads sharing a pool of two use at most two connections."""
    with SMTPSink() as sink, SMTPTransport(sink.url, pool=2) as transport, ThreadPoolExecutor(8) as threads:
        results = list(threads.map(lambda _: send(transport), range(40)))
    assert all(r.status == "sent" for r in results)
    assert len(sink.received) == 40
    assert 1 <= transport.connections_opened <= 2


def test_rate_limits_messages_per_second() -> None:
    """rate=20 spaces eleven messages over at least half a second."""
    with SMTPSink() as sink, SMTPTransport(sink.url, rate=20) as transport:
        start = time.monotonic()
        for _ in range(11):
            send(transport)
        elapsed = time.monotonic() - start
    assert elapsed >= 0.45
    assert len(sink.received) == 11


def test_transient_replies_are_retried_until_sent() -> None:
    """A server answering 421/451 on 40% of commands still gets every message, after retries."""
    with SMTPSink(transient=0.4, seed=3) as sink, \
            SMTPTransport(sink.url, retries=12, backoff=0.001, max_backoff=0.05) as transport:
        results = [send(transport, f"r{i}@example.com") for i in range(20)]
    assert all(r.status == "sent" for r in results)
    assert sum(r.attempts for r in results) > 20
    assert sorted(r.rcpt_tos[0] for r in sink.received) == sorted(f"r{i}@example.com" for i in range(20))


def test_retries_are_bounded_and_the_last_reply_kept() -> None:
    """When every try fails with 451, the transport gives up after retries + 1 attempts."""
    with SMTPSink(transient=1.0) as sink, SMTPTransport(sink.url, retries=3, backoff=0.001) as transport:
        result = send(transport)
    assert (result.status, result.attempts, result.transient) == ("failed", 4, True)
    assert "451 4.3.0" in result.reply or "421 4.3.2" in result.reply
    assert sink.received == []


def test_backoff_grows_exponentially_with_jitter() -> None:
    """Delays double per attempt, each between half and all of the nominal delay, capped."""
    slept: list[float] = []
    with SMTPSink(transient=1.0) as sink:
        transport = SMTPTransport(sink.url, retries=5, backoff=0.1, max_backoff=0.8, sleep=slept.append)
        send(transport)
        transport.close()
    nominal = [0.1, 0.2, 0.4, 0.8, 0.8]
    assert len(slept) == 5
    for delay, full in zip(slept, nominal):
        assert full / 2 <= delay <= full


def test_permanent_refusal_is_not_retried_and_recorded() -> None:
    """A 550 for the recipient is one attempt, a failed delivery, and the recipient listed with the reply."""
    with SMTPSink(refuse={"gone@example.com"}) as sink, SMTPTransport(sink.url) as transport:
        result = send(transport, "gone@example.com")
        after = send(transport, "ok@example.com")
    assert (result.status, result.attempts, result.transient) == ("failed", 1, False)
    assert result.refused == {"gone@example.com": "550 5.1.1 No such user here"}
    assert after.status == "sent"
    assert transport.connections_opened == 1  # the refusal did not cost the connection


def test_some_recipients_refused_are_recorded_on_a_sent_message() -> None:
    """With two recipients of which one is refused, the message is sent and the refusal recorded."""
    with SMTPSink(refuse={"gone@example.com"}) as sink, SMTPTransport(sink.url) as transport:
        result = transport.send(MESSAGE, sender="a@shop.example", recipients=["ok@example.com", "gone@example.com"])
    assert result.status == "sent"
    assert result.refused == {"gone@example.com": "550 5.1.1 No such user here"}
    assert sink.received[0].rcpt_tos == ["ok@example.com"]


def test_connection_dropped_during_data_is_retried_on_a_new_connection() -> None:
    """A server that hangs up during DATA costs a reconnect, not the message."""
    with SMTPSink(drop_every=3) as sink, SMTPTransport(sink.url, backoff=0.001) as transport:
        results = [send(transport, f"d{i}@example.com") for i in range(9)]
    assert all(r.status == "sent" for r in results)
    assert len(sink.received) == 9
    assert len(sink.dropped) >= 2
    assert transport.connections_opened == 1 + len(sink.dropped)


def test_unreachable_server_fails_transiently_after_retries() -> None:
    """Nothing listening: each try is a transient failure; the delivery fails after the retries."""
    port = free_port()
    transport = SMTPTransport(f"smtp://127.0.0.1:{port}", retries=2, backoff=0.001)
    result = send(transport)
    assert (result.status, result.attempts, result.transient) == ("failed", 3, True)
    assert "cannot reach 127.0.0.1" in result.reply


@pytest.fixture()
def silent_server() -> Iterator[int]:
    """A TCP server that accepts connections and never says a word."""
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(8)
    held: list[socket.socket] = []
    done = threading.Event()

    def accept() -> None:
        server.settimeout(0.1)
        while not done.is_set():
            try:
                conn, _ = server.accept()
                held.append(conn)
            except TimeoutError:
                continue

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    yield int(server.getsockname()[1])
    done.set()
    thread.join()
    for conn in held:
        conn.close()
    server.close()


def test_timeout_is_transient_and_bounded(silent_server: int) -> None:
    """A server that never greets times out after `timeout`, retried a bounded number of times."""
    transport = SMTPTransport(f"smtp://127.0.0.1:{silent_server}", timeout=0.2, retries=1, backoff=0.001)
    start = time.monotonic()
    result = send(transport)
    assert (result.status, result.attempts, result.transient) == ("failed", 2, True)
    assert "timed out" in result.reply
    assert time.monotonic() - start < 5


# -- TLS and AUTH ----------------------------------------------------------------


@pytest.fixture(scope="module")
def certificate(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """A self-signed certificate for 127.0.0.1 made with the openssl command."""
    if shutil.which("openssl") is None:
        pytest.fail("the openssl command is needed (apt-get install openssl)")
    folder = tmp_path_factory.mktemp("tls")
    cert, key = folder / "cert.pem", folder / "key.pem"
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1",
                    "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1",
                    "-keyout", str(key), "-out", str(cert)], check=True, capture_output=True)
    return cert, key


def _contexts(certificate: tuple[Path, Path]) -> tuple[ssl.SSLContext, ssl.SSLContext]:
    cert, key = certificate
    server = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    server.load_cert_chain(cert, key)
    client = ssl.create_default_context(cafile=str(cert))
    return server, client


class _Accounts:
    def __init__(self) -> None:
        self.logins: list[tuple[str, str]] = []

    def __call__(self, server: object, session: object, envelope: object, mechanism: str,
                 auth_data: object) -> AuthResult:
        assert isinstance(auth_data, LoginPassword)
        login = (auth_data.login.decode(), auth_data.password.decode())
        self.logins.append(login)
        # handled=False: the server itself answers 235 or 535.
        return AuthResult(success=login == ("shop", "s3cr:t"), handled=False)


def test_starttls_with_login_from_the_url(certificate: tuple[Path, Path]) -> None:
    """?starttls=1 upgrades the connection before AUTH; the URL's credentials log in."""
    server_ctx, client_ctx = _contexts(certificate)
    accounts = _Accounts()
    with SMTPSink(tls_context=server_ctx, require_starttls=True, authenticator=accounts,
                  auth_required=True) as sink:
        transport = SMTPTransport(f"smtp://shop:s3cr%3At@127.0.0.1:{sink.port}?starttls=1",
                                  ssl_context=client_ctx)
        result = send(transport)
        transport.close()
    assert result.status == "sent", result.reply
    assert accounts.logins == [("shop", "s3cr:t")]
    assert len(sink.received) == 1


# The connection is TLS from the first byte; aiosmtpd only knows about STARTTLS and warns.
@pytest.mark.filterwarnings("ignore:Requiring AUTH while not requiring TLS:UserWarning")
def test_smtps_with_login_from_the_environment(certificate: tuple[Path, Path],
                                               monkeypatch: pytest.MonkeyPatch) -> None:
    """smtps:// speaks TLS from the first byte; credentials come from the environment."""
    server_ctx, client_ctx = _contexts(certificate)
    monkeypatch.setenv("I18NMAIL_SMTP_USERNAME", "shop")
    monkeypatch.setenv("I18NMAIL_SMTP_PASSWORD", "s3cr:t")
    accounts = _Accounts()
    with SMTPSink(ssl_context=server_ctx, authenticator=accounts, auth_required=True,
                  auth_require_tls=False) as sink:  # aiosmtpd cannot tell implicit TLS
        assert sink.url.startswith("smtps://")
        transport = SMTPTransport(sink.url, ssl_context=client_ctx)
        result = send(transport)
        transport.close()
    assert result.status == "sent", result.reply
    assert accounts.logins == [("shop", "s3cr:t")]


def test_wrong_password_is_a_permanent_failure(certificate: tuple[Path, Path]) -> None:
    """A 535 for the login is not retried and the reply says so."""
    server_ctx, client_ctx = _contexts(certificate)
    with SMTPSink(tls_context=server_ctx, require_starttls=True, authenticator=_Accounts(),
                  auth_required=True) as sink:
        transport = SMTPTransport(f"smtp://shop:nope@127.0.0.1:{sink.port}?starttls=1", ssl_context=client_ctx,
                                  timeout=5)
        result = send(transport)
        transport.close()
    assert (result.status, result.attempts) == ("failed", 1)
    assert result.reply.startswith("535")
    assert sink.received == []


def test_untrusted_certificate_is_refused(certificate: tuple[Path, Path]) -> None:
    """STARTTLS to a server whose certificate is not trusted fails without sending."""
    server_ctx, _ = _contexts(certificate)
    with SMTPSink(tls_context=server_ctx, require_starttls=True) as sink:
        transport = SMTPTransport(f"smtp://127.0.0.1:{sink.port}?starttls=1")
        result = send(transport)
        transport.close()
    assert result.status == "failed"
    assert "TLS" in result.reply or "certificate" in result.reply.lower()
    assert sink.received == []


# -- dry run ---------------------------------------------------------------------


def test_directory_transport_writes_one_eml_named_by_message_id(tmp_path: Path) -> None:
    """The dry-run transport writes the exact bytes to <message-id local part>.eml."""
    transport = DirectoryTransport(tmp_path / "out")
    result = transport.send(MESSAGE, sender="a@shop.example", recipients=["b@example.com"])
    assert result.status == "sent"
    assert (tmp_path / "out" / "x.1.eml").read_bytes() == MESSAGE
    assert [p.name for p in (tmp_path / "out").iterdir()] == ["x.1.eml"]
