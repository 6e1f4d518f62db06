"""The SMTP settings and the connection: ELEARN_SMTP_URL read as documented, credentials from it
used with a real server on loopback, and failures said plainly without the password."""

from __future__ import annotations

from collections.abc import Iterator
from email.message import EmailMessage
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword

from elearn.config import ConfigError
from elearn.mail.api import make_mailer
from elearn.mail.transport import (
    MailError,
    MailSettingsError,
    SmtpMailer,
    SmtpSettings,
    sender_address,
)
from tests.mail_server import HOST, MAIL_FROM, Inbox, free_port

PASSWORD = "p@ss word:/"  # the test server's own


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("smtp://mail.example:25", SmtpSettings("mail.example", 25, None, None, False)),
        ("smtp://mail.example", SmtpSettings("mail.example", 587, None, None, False)),
        ("smtps://mail.example", SmtpSettings("mail.example", 465, None, None, True)),
        (
            "smtp://user%40school:p%40ss%20word@mail.example:587",
            SmtpSettings("mail.example", 587, "user@school", "p@ss word", False),
        ),
    ],
    ids=["port", "starttls-default-port", "tls-default-port", "percent-encoded-credentials"],
)
def test_the_smtp_url_is_read_as_documented(url: str, expected: SmtpSettings) -> None:
    assert SmtpSettings.parse(url) == expected


@pytest.mark.parametrize(
    "url", ["http://mail.example", "smtp://", "mail.example:25", "smtp://host:notaport"]
)
def test_a_smtp_url_that_cannot_work_is_refused(url: str) -> None:
    with pytest.raises(MailSettingsError, match="ELEARN_SMTP_URL"):
        SmtpSettings.parse(url)


def test_email_needs_both_settings_or_neither() -> None:
    assert make_mailer("", "") is None
    with pytest.raises(ConfigError, match="set both ELEARN_SMTP_URL"):
        make_mailer("smtp://mail.example", "")
    with pytest.raises(ConfigError, match="set both ELEARN_SMTP_URL"):
        make_mailer("", MAIL_FROM)
    with pytest.raises(ConfigError, match="ELEARN_MAIL_FROM must be an email address"):
        make_mailer("smtp://mail.example", "not an address")


def test_the_from_address_may_carry_a_name() -> None:
    sender = sender_address("Thorner's training <training@thorners.example>")
    assert (sender.display_name, sender.addr_spec) == (
        "Thorner's training",
        "training@thorners.example",
    )


def authenticate(
    server: Any, session: Any, envelope: Any, mechanism: str, auth_data: Any
) -> AuthResult:
    ok = isinstance(auth_data, LoginPassword) and (
        auth_data.login,
        auth_data.password,
    ) == (b"trainer", PASSWORD.encode())
    # handled=False: aiosmtpd answers a refusal itself (535).
    return AuthResult(success=ok, handled=False)


@pytest.fixture(scope="module")
def auth_server() -> Iterator[tuple[int, Inbox]]:
    """A server that checks a user name and password (over plain text: it is on loopback)."""
    inbox = Inbox()
    controller = Controller(
        inbox,
        hostname=HOST,
        port=free_port(),
        authenticator=authenticate,
        auth_require_tls=False,
    )
    controller.start()
    yield controller.port, inbox
    controller.stop()


def message(to: str) -> EmailMessage:
    email = EmailMessage()
    email["From"] = MAIL_FROM
    email["To"] = to
    email["Subject"] = "A test"
    email.set_content("Hello.")
    return email


def test_the_user_name_and_password_in_the_url_sign_in_to_the_server(
    auth_server: tuple[int, Inbox],
) -> None:
    port, inbox = auth_server
    mailer = make_mailer(f"smtp://trainer:p%40ss%20word%3A%2F@{HOST}:{port}", MAIL_FROM)
    assert isinstance(mailer, SmtpMailer)
    with mailer.connect() as connection:
        connection.send(message("amelia@thorners.example"))
    assert inbox.to("amelia@thorners.example")


def test_a_wrong_password_is_reported_without_the_password(
    auth_server: tuple[int, Inbox],
) -> None:
    port, _inbox = auth_server
    mailer = make_mailer(f"smtp://trainer:wrong-secret@{HOST}:{port}", MAIL_FROM)
    assert mailer is not None
    with pytest.raises(MailError) as failure, mailer.connect():
        pass
    assert "user name or password was not accepted" in str(failure.value)
    assert "wrong-secret" not in str(failure.value)


def test_a_server_that_is_not_there_is_reported() -> None:
    port = free_port()
    mailer = make_mailer(f"smtp://{HOST}:{port}", MAIL_FROM)
    assert mailer is not None
    expected = f"Could not connect to the mail server at {HOST}:{port}"
    with pytest.raises(MailError, match=expected), mailer.connect():
        pass
