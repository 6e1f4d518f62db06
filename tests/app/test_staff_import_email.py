"""A staff list applied with email set up: each new person is emailed their own set-up link,
and only those the email did not reach are listed for the headteacher to pass on."""

from __future__ import annotations

from typing import Any

import pytest
from flask.testing import FlaskClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from elearn.mail.models import EmailMessage
from tests.app.test_staff_import import staff_list, upload
from tests.mail_server import MAIL_FROM, Inbox, SmtpServer, inbox, smtp_server

__all__ = ["inbox", "smtp_server"]  # fixtures, imported for pytest


@pytest.fixture
def app_config(app_config: dict[str, Any], smtp_server: SmtpServer) -> dict[str, Any]:
    return {**app_config, "SMTP_URL": smtp_server.url, "MAIL_FROM": MAIL_FROM}


def test_with_email_on_each_new_person_is_emailed_their_own_link(
    as_headteacher: FlaskClient, session: Session, inbox: Inbox
) -> None:
    done = as_headteacher.post(upload(as_headteacher, staff_list(3))).get_data(as_text=True)
    assert "3 of the 3 people added were emailed their set-up link." in done
    assert "/setup/" not in done  # no link left to pass on by hand
    assert inbox.addresses == [f"person000{n}@school.example" for n in range(3)]
    links = set()
    for n in range(3):
        (email,) = inbox.to(f"person000{n}@school.example")
        body = email.message.get_body(("plain",)).get_content()  # type: ignore[union-attr]
        (link,) = [word for word in body.split() if "/setup/" in word]
        links.add(link)
    assert len(links) == 3
    recorded = session.scalars(select(EmailMessage.address).order_by(EmailMessage.address))
    assert list(recorded) == [f"person000{n}@school.example" for n in range(3)]
    # Each emailed link works.
    path = next(iter(links)).removeprefix("https://training.school.example")
    as_headteacher.post("/logout")
    assert as_headteacher.get(path).status_code == 200


def test_an_address_the_server_refuses_gets_its_link_on_screen(
    as_headteacher: FlaskClient, inbox: Inbox, monkeypatch: pytest.MonkeyPatch
) -> None:
    from elearn.mail import transport

    real_send = transport.SmtpConnection.send

    def refuse_one(self: transport.SmtpConnection, message: Any) -> None:
        if "person0001@" in str(message["To"]):
            raise transport.RecipientRefused("The mail server refused person0001@school.example.")
        real_send(self, message)

    monkeypatch.setattr(transport.SmtpConnection, "send", refuse_one)
    done = as_headteacher.post(upload(as_headteacher, staff_list(3))).get_data(as_text=True)
    assert "2 of the 3 people added were emailed their set-up link." in done
    assert done.count("https://training.school.example/setup/") == 1
    assert "person0001@school.example" in done
    assert inbox.addresses == ["person0000@school.example", "person0002@school.example"]
