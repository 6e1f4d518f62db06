"""`elearn reminders send`, as cron runs it: its own database, the test SMTP server on loopback."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from elearn.cli import main
from tests.mail_server import MAIL_FROM, Inbox, SmtpServer, free_port, inbox, smtp_server

__all__ = ["inbox", "smtp_server"]  # fixtures, imported for pytest

SCHOOL = "Thorner's CE VA Primary School"


@pytest.fixture
def cli_env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, smtp_server: SmtpServer) -> None:
    monkeypatch.setenv("ELEARN_DATABASE_URL", f"sqlite:///{tmp_path / 'cli.sqlite'}")
    monkeypatch.setenv("ELEARN_ENV", "production")
    monkeypatch.delenv("ELEARN_SECRET_KEY", raising=False)
    monkeypatch.setenv("ELEARN_BASE_URL", "https://training.school.example")
    monkeypatch.setenv("ELEARN_SMTP_URL", smtp_server.url)
    monkeypatch.setenv("ELEARN_MAIL_FROM", MAIL_FROM)


def run(*args: str, stdin: str | None = None) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, list(args), input=stdin)
    return result.exit_code, result.stdout, result.stderr


def add_people() -> None:
    """A school, its headteacher (with a password) and a new starter who has none yet."""
    assert run("init", "--school", SCHOOL)[0] == 0
    code, _, err = run(
        "create-user",
        "--email",
        "head@thorners.example",
        "--name",
        "Helen Carter",
        "--role",
        "headteacher",
        "--password-stdin",
        stdin="lantern orchard biscuit\n",
    )
    assert code == 0, err
    code, _, err = run("create-user", "--email", "jo@thorners.example", "--name", "Jo Whitfield")
    assert code == 0, err


@pytest.mark.usefixtures("cli_env")
def test_reminders_send_emails_once_a_day_and_a_dry_run_sends_nothing(inbox: Inbox) -> None:
    add_people()
    code, out, err = run("reminders", "send", "--dry-run")
    assert code == 0, err
    assert f"{SCHOOL}: would send 1 email: 1 invitation." in out
    assert "Invitation with a set-up link to Jo Whitfield <jo@thorners.example>" in out
    assert inbox.received == []

    code, out, err = run("reminders", "send")
    assert code == 0, err
    assert out == f"{SCHOOL}: sent 1 email: 1 invitation.\n"
    (email,) = inbox.received
    assert email.to == "jo@thorners.example"
    assert "https://training.school.example/setup/" in email.body

    code, out, _ = run("reminders", "send", "--school", SCHOOL)
    assert (code, out) == (0, f"{SCHOOL}: nothing to send today.\n")
    assert len(inbox.received) == 1


@pytest.mark.usefixtures("cli_env")
def test_reminders_send_fails_cleanly_when_the_mail_server_cannot_be_reached(
    inbox: Inbox, smtp_server: SmtpServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    add_people()
    monkeypatch.setenv("ELEARN_SMTP_URL", f"smtp://127.0.0.1:{free_port()}")
    code, _, err = run("reminders", "send")
    assert code == 1
    assert err.startswith("Error: Stopped: Could not connect to the mail server at 127.0.0.1:")
    assert "0 sent before that" in err
    # Nothing was recorded as sent: with the server back, the invitation goes.
    monkeypatch.setenv("ELEARN_SMTP_URL", smtp_server.url)
    code, out, _ = run("reminders", "send")
    assert (code, out) == (0, f"{SCHOOL}: sent 1 email: 1 invitation.\n")
    assert [email.to for email in inbox.received] == ["jo@thorners.example"]


@pytest.mark.usefixtures("cli_env")
def test_reminders_send_without_email_set_up_says_what_to_set(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    add_people()
    monkeypatch.delenv("ELEARN_SMTP_URL")
    monkeypatch.delenv("ELEARN_MAIL_FROM")
    code, _, err = run("reminders", "send")
    assert code == 1
    assert err == (
        "Error: Email is not set up: set ELEARN_SMTP_URL and ELEARN_MAIL_FROM, or use --dry-run.\n"
    )
    assert run("reminders", "send", "--dry-run")[0] == 0
    monkeypatch.setenv("ELEARN_SMTP_URL", "smtp://mail.example:587")
    code, _, err = run("reminders", "send")
    assert code == 1
    assert "set both ELEARN_SMTP_URL" in err
