"""A real SMTP server on loopback for the email tests (aiosmtpd), and what it received.

One server runs for the whole test session; each test empties its inbox first. Messages are
handled in the server's thread before the server answers the client, so by the time the app's
send returns, the message is in the inbox.
"""

from __future__ import annotations

import socket
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from email import message_from_bytes, policy
from email.message import EmailMessage
from typing import Any, cast

import pytest
from aiosmtpd.controller import Controller

HOST = "127.0.0.1"
MAIL_FROM = "training@thorners.example"


@dataclass(frozen=True)
class Received:
    """One message as the server got it."""

    sender: str
    recipients: tuple[str, ...]
    message: EmailMessage

    @property
    def to(self) -> str:
        return self.recipients[0]

    @property
    def subject(self) -> str:
        return " ".join(str(self.message["Subject"]).split())

    @property
    def body(self) -> str:
        part = self.message.get_body(("plain",))
        assert part is not None, "no plain text part"
        return cast(EmailMessage, part).get_content()


@dataclass
class Inbox:
    """aiosmtpd's handler: keeps every message delivered to it."""

    received: list[Received] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        parsed = cast(EmailMessage, message_from_bytes(envelope.content, policy=policy.default))
        with self.lock:
            self.received.append(Received(envelope.mail_from, tuple(envelope.rcpt_tos), parsed))
        return "250 Message accepted for delivery"

    def clear(self) -> None:
        with self.lock:
            self.received.clear()

    def to(self, address: str) -> list[Received]:
        return [item for item in self.received if address in item.recipients]

    @property
    def addresses(self) -> list[str]:
        return sorted(address for item in self.received for address in item.recipients)


@dataclass(frozen=True)
class SmtpServer:
    port: int
    inbox: Inbox

    @property
    def url(self) -> str:
        return f"smtp://{HOST}:{self.port}"


def free_port() -> int:
    """A port nothing listens on now (the server, or a test that needs a refused connection)."""
    with socket.socket() as probe:
        probe.bind((HOST, 0))
        return int(probe.getsockname()[1])


@pytest.fixture(scope="session")
def smtp_server() -> Iterator[SmtpServer]:
    inbox = Inbox()
    controller = Controller(inbox, hostname=HOST, port=free_port())
    controller.start()
    yield SmtpServer(controller.port, inbox)
    controller.stop()


@pytest.fixture
def inbox(smtp_server: SmtpServer) -> Inbox:
    smtp_server.inbox.clear()
    return smtp_server.inbox
