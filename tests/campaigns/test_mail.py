"""survey.mail against real SMTP servers on 127.0.0.1: plain, with a login, STARTTLS and SSL."""

from __future__ import annotations

import shutil
import smtplib
import socket
import ssl
import subprocess
from collections.abc import Iterator
from types import SimpleNamespace

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword

from survey.mail import SmtpSettings, compose, failure_reason, send_all
from tests.conftest import REFUSED_DOMAIN

SENDER = "survey@consultancy.example"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def run(settings: SmtpSettings, recipients: list[str]) -> list[tuple[int, str | None]]:
    results: list[tuple[int, str | None]] = []
    messages = [
        (number, compose(SENDER, to, f"Message {number}", "Hello é"))
        for number, to in enumerate(recipients)
    ]
    send_all(settings, messages, lambda key, reason: results.append((key, reason)))
    return results


def test_every_message_is_reported_and_a_refused_one_does_not_stop_the_rest(smtp_server):
    settings = SmtpSettings(smtp_server.host, smtp_server.port, SENDER)
    recipients = ["a@acme.example", f"b@{REFUSED_DOMAIN}", "c@acme.example"]
    assert run(settings, recipients) == [
        (0, None),
        (1, "the mail server refused the address (550 5.1.1 No such mailbox here)"),
        (2, None),
    ]
    assert [m["To"] for m in smtp_server.messages] == ["a@acme.example", "c@acme.example"]
    assert smtp_server.messages[0].get_content() == "Hello é\n"
    assert smtp_server.messages[0]["Message-ID"].endswith("@consultancy.example>")


def test_an_unreachable_server_fails_every_message_with_the_reason():
    settings = SmtpSettings("127.0.0.1", free_port(), SENDER)
    results = run(settings, ["a@acme.example", "b@acme.example"])
    assert [key for key, _ in results] == [0, 1]
    assert {reason for _, reason in results} == {
        "could not reach the mail server (Connection refused)"
    }


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"security": "tls"}, "SURVEY_SMTP_SECURITY must be none, starttls or ssl, not 'tls'."),
        ({"port": 0}, "SURVEY_SMTP_PORT must lie between 1 and 65535, not 0."),
        ({"username": "me"}, "Set both SURVEY_SMTP_USERNAME and SURVEY_SMTP_PASSWORD, or neither."),
    ],
)
def test_settings_are_checked(kwargs, message):
    with pytest.raises(ValueError) as error:
        SmtpSettings(**{"host": "localhost", "port": 25, "sender": SENDER, **kwargs})
    assert str(error.value) == message


def test_settings_come_from_the_app_config(app):
    app.config.update(SMTP_SECURITY=" STARTTLS ", SMTP_PORT="587", SMTP_USERNAME="")
    settings = SmtpSettings.from_config(app.config)
    assert (settings.security, settings.port, settings.username) == ("starttls", 587, None)


def test_reasons_never_carry_an_address():
    error = smtplib.SMTPSenderRefused(553, b"<x@acme.example>: sender rejected", "x@acme.example")
    assert (
        failure_reason(error)
        == "the mail server refused the sender (553 [address]: sender rejected)"
    )


class Keeper:
    """An aiosmtpd handler that keeps what it accepts."""

    def __init__(self) -> None:
        self.messages: list = []

    async def handle_DATA(self, server, session, envelope):
        self.messages.append(envelope)
        return "250 Message accepted"


@pytest.fixture
def certificate(tmp_path, monkeypatch) -> tuple[str, str]:
    """A self-signed certificate for localhost, trusted by this test's default TLS context."""
    if shutil.which("openssl") is None:
        pytest.skip("the openssl command is needed to make a test certificate")
    cert, key = tmp_path / "cert.pem", tmp_path / "key.pem"
    subprocess.run(
        [
            "openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1",
            "-subj", "/CN=localhost", "-addext", "subjectAltName=DNS:localhost",
            "-keyout", str(key), "-out", str(cert),
        ],
        check=True,
        capture_output=True,
    )  # fmt: skip
    monkeypatch.setenv("SSL_CERT_FILE", str(cert))
    return str(cert), str(key)


def server_context(certificate) -> ssl.SSLContext:
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(*certificate)
    return context


def test_starttls_upgrades_the_connection(certificate):
    keeper, port = Keeper(), free_port()
    controller = Controller(
        keeper,
        hostname="localhost",
        port=port,
        tls_context=server_context(certificate),
        require_starttls=True,
    )
    controller.start()
    try:
        assert run(SmtpSettings("localhost", port, SENDER, "starttls"), ["a@x.example"]) == [
            (0, None)
        ]
        plain = run(SmtpSettings("localhost", port, SENDER, "none"), ["a@x.example"])
    finally:
        controller.stop()
    assert len(keeper.messages) == 1
    assert plain == [
        (0, "the mail server refused the sender (530 Must issue a STARTTLS command first)")
    ]


def test_ssl_speaks_tls_from_the_first_byte(certificate):
    keeper, port = Keeper(), free_port()
    controller = Controller(
        keeper, hostname="localhost", port=port, ssl_context=server_context(certificate)
    )
    controller.start()
    try:
        results = run(SmtpSettings("localhost", port, SENDER, "ssl"), ["a@x.example"])
    finally:
        controller.stop()
    assert results == [(0, None)]
    assert len(keeper.messages) == 1


def authenticator(server, session, envelope, mechanism, auth_data) -> AuthResult:
    good = isinstance(auth_data, LoginPassword) and (auth_data.login, auth_data.password) == (
        b"survey",
        b"s3cret-password",
    )
    return AuthResult(success=good, handled=False)


@pytest.fixture
def login_server(certificate) -> Iterator[SimpleNamespace]:
    """A server that wants STARTTLS, then a login, as a provider's submission port does."""
    keeper, port = Keeper(), free_port()
    controller = Controller(
        keeper,
        hostname="localhost",
        port=port,
        tls_context=server_context(certificate),
        require_starttls=True,
        authenticator=authenticator,
        auth_required=True,
    )
    controller.start()
    yield SimpleNamespace(port=port, messages=keeper.messages)
    controller.stop()


def test_a_login_is_sent_after_starttls_when_configured(login_server):
    settings = SmtpSettings(
        "localhost",
        login_server.port,
        SENDER,
        security="starttls",
        username="survey",
        password="s3cret-password",
    )
    assert run(settings, ["a@acme.example"]) == [(0, None)]
    assert len(login_server.messages) == 1


def test_a_wrong_login_fails_every_message(login_server):
    settings = SmtpSettings(
        "localhost", login_server.port, SENDER, security="starttls", username="survey", password="x"
    )
    results = run(settings, ["a@acme.example", "b@acme.example"])
    assert {reason for _, reason in results} == {"the mail server refused the login (535)"}
    assert login_server.messages == []
