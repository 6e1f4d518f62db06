"""Sending email over SMTP with the standard library: the server named by ELEARN_SMTP_URL.

`smtp://user:password@host:587` connects in plain text and switches to TLS (STARTTLS) when the
server offers it; `smtps://user:password@host:465` speaks TLS from the start. Certificates are
checked as a browser would. A password is never sent to a server that offers no encryption,
unless the server is on this machine. No Flask, no database: the caller records what was sent.
"""

from __future__ import annotations

import smtplib
import ssl
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from email.headerregistry import Address
from email.message import EmailMessage as MimeMessage
from email.utils import parseaddr
from urllib.parse import unquote, urlsplit

TIMEOUT_SECONDS = 30
DEFAULT_PORTS = {"smtp": 587, "smtps": 465}
LOOPBACK = frozenset({"localhost", "127.0.0.1", "::1"})


class MailError(Exception):
    """The mail server could not be reached, or refused a message. The message says why, and
    never holds the password."""


class RecipientRefused(MailError):
    """The server would not take this one address; other emails may still be sent."""


class MailSettingsError(ValueError):
    """ELEARN_SMTP_URL or ELEARN_MAIL_FROM cannot work; the message says what to set."""


@dataclass(frozen=True)
class SmtpSettings:
    host: str
    port: int
    username: str | None
    password: str | None
    implicit_tls: bool

    @classmethod
    def parse(cls, url: str) -> SmtpSettings:
        """Read `smtp://user:password@host:port` or `smtps://...`; user, password and port are
        optional, and the user and password may be percent-encoded."""
        try:
            parts = urlsplit(url.strip())
            port = parts.port
        except ValueError:
            raise MailSettingsError(
                "ELEARN_SMTP_URL is not an address like smtp://user:password@host:587."
            ) from None
        if parts.scheme not in DEFAULT_PORTS or not parts.hostname:
            raise MailSettingsError(
                "ELEARN_SMTP_URL must look like smtp://user:password@host:587 (STARTTLS) or "
                "smtps://user:password@host:465 (TLS)."
            )
        return cls(
            host=parts.hostname,
            port=port or DEFAULT_PORTS[parts.scheme],
            username=unquote(parts.username) if parts.username else None,
            password=unquote(parts.password) if parts.password else None,
            implicit_tls=parts.scheme == "smtps",
        )

    @property
    def where(self) -> str:
        return f"{self.host}:{self.port}"


def sender_address(mail_from: str) -> Address:
    """The From address of ELEARN_MAIL_FROM, which may carry a display name."""
    name, address = parseaddr(mail_from.strip())
    if "@" not in address:
        raise MailSettingsError(
            "ELEARN_MAIL_FROM must be an email address, such as training@school.sch.uk."
        )
    username, _, domain = address.rpartition("@")
    return Address(display_name=name, username=username, domain=domain)


class SmtpConnection:
    """An open connection to the server, sending one message at a time."""

    def __init__(self, smtp: smtplib.SMTP, where: str) -> None:
        self._smtp = smtp
        self._where = where

    def send(self, message: MimeMessage) -> None:
        try:
            refused = self._smtp.send_message(message)
        except smtplib.SMTPRecipientsRefused as error:
            addresses = ", ".join(error.recipients)
            raise RecipientRefused(
                f"The mail server at {self._where} refused {addresses}."
            ) from None
        except (OSError, smtplib.SMTPException) as error:
            raise MailError(
                f"The mail server at {self._where} did not take the email: {_why(error)}"
            ) from None
        if refused:
            raise RecipientRefused(
                f"The mail server at {self._where} refused {', '.join(refused)}."
            )


class SmtpMailer:
    """Sends through one SMTP server, from one address."""

    def __init__(self, settings: SmtpSettings, sender: Address) -> None:
        self.settings = settings
        self.sender = sender

    @contextmanager
    def connect(self) -> Iterator[SmtpConnection]:
        """One connection for a batch of messages, closed afterwards."""
        smtp = self._open()
        try:
            yield SmtpConnection(smtp, self.settings.where)
        finally:
            try:
                smtp.quit()
            except (OSError, smtplib.SMTPException):
                smtp.close()

    def _open(self) -> smtplib.SMTP:
        settings = self.settings
        context = ssl.create_default_context()
        try:
            smtp: smtplib.SMTP
            if settings.implicit_tls:
                smtp = smtplib.SMTP_SSL(
                    settings.host, settings.port, timeout=TIMEOUT_SECONDS, context=context
                )
            else:
                smtp = smtplib.SMTP(settings.host, settings.port, timeout=TIMEOUT_SECONDS)
        except (OSError, smtplib.SMTPException) as error:
            raise MailError(
                f"Could not connect to the mail server at {settings.where}: {_why(error)}"
            ) from None
        try:
            smtp.ehlo()
            encrypted = settings.implicit_tls
            if not encrypted and smtp.has_extn("starttls"):
                smtp.starttls(context=context)
                smtp.ehlo()
                encrypted = True
            if settings.username:
                if not encrypted and settings.host not in LOOPBACK:
                    raise MailError(
                        f"The mail server at {settings.where} offers no encryption, so the "
                        "password was not sent: use smtps:// or a server that offers STARTTLS."
                    )
                smtp.login(settings.username, settings.password or "")
        except (OSError, smtplib.SMTPException, MailError) as error:
            smtp.close()
            if isinstance(error, MailError):
                raise
            raise MailError(
                f"The mail server at {settings.where} would not let us send: {_why(error)}"
            ) from None
        return smtp


def _why(error: BaseException) -> str:
    """A short reason, without anything the server echoed back of our credentials."""
    if isinstance(error, smtplib.SMTPAuthenticationError):
        return "the user name or password was not accepted."
    if isinstance(error, smtplib.SMTPResponseException):
        text = error.smtp_error.decode("utf-8", "replace") if error.smtp_error else ""
        return f"{error.smtp_code} {text}".strip() + "."
    if isinstance(error, ssl.SSLError):
        return f"the secure connection failed ({error.reason or error})."
    return f"{error.strerror or error}." if isinstance(error, OSError) else f"{error}."
