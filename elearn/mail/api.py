"""The one door to email for other areas: whether email is on, invitations, the daily run."""

from __future__ import annotations

from flask import Flask, current_app

from elearn.config import ConfigError
from elearn.mail.models import ClosedPeriod, EmailMessage, ReminderSettings
from elearn.mail.routes import email_new_starter
from elearn.mail.rules import EmailKind
from elearn.mail.service import RunReport, run_reminders, send_invitation, send_invitations
from elearn.mail.transport import (
    MailError,
    MailSettingsError,
    SmtpMailer,
    SmtpSettings,
    sender_address,
)

__all__ = [
    "ClosedPeriod",
    "EmailKind",
    "EmailMessage",
    "MailError",
    "ReminderSettings",
    "RunReport",
    "SmtpMailer",
    "email_new_starter",
    "get_mailer",
    "init_app",
    "make_mailer",
    "run_reminders",
    "send_invitation",
    "send_invitations",
]

MAILER = "elearn.mailer"


def make_mailer(smtp_url: str, mail_from: str) -> SmtpMailer | None:
    """The mailer the settings describe; None when email is off (neither is set)."""
    if not smtp_url and not mail_from:
        return None
    if not smtp_url or not mail_from:
        raise ConfigError(
            "To send email, set both ELEARN_SMTP_URL (such as smtp://user:password@host:587) "
            "and ELEARN_MAIL_FROM (the address emails come from); to send none, set neither."
        )
    try:
        return SmtpMailer(SmtpSettings.parse(smtp_url), sender_address(mail_from))
    except MailSettingsError as error:
        raise ConfigError(str(error)) from None


def init_app(app: Flask) -> None:
    app.extensions[MAILER] = make_mailer(app.config["SMTP_URL"], app.config["MAIL_FROM"])
    app.context_processor(lambda: {"email_on": get_mailer() is not None})


def get_mailer() -> SmtpMailer | None:
    """The app's mailer, or None when email is not set up."""
    mailer: SmtpMailer | None = current_app.extensions.get(MAILER)
    return mailer
