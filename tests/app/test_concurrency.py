"""Many people writing at the same moment, on a real database file shared by several
connections: nobody is turned away with a server error."""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import func, select
from sqlalchemy.exc import OperationalError

from elearn import create_app
from elearn.accounts.models import Role
from elearn.audit.models import AuditEvent, EventKind
from elearn.db import get_db
from elearn.migrate import upgrade
from tests.factories import PASSWORD, make_member, make_policy, make_school

PEOPLE = 8
ROUNDS = 3


@pytest.fixture
def file_app(tmp_path: Path, app_config: dict[str, Any], database_url: str) -> Iterator[Flask]:
    """An app on a database file of its own, with its own pool of connections (the shared test
    connection would serialise everything)."""
    if not database_url.startswith("sqlite"):
        pytest.skip("SQLite's locking is under test here; PostgreSQL runs the suite's own tests")
    config = dict(app_config, DATABASE_URL=f"sqlite:///{tmp_path / 'busy.sqlite'}")
    app = create_app(config)
    upgrade(get_db(app).engine)
    yield app
    get_db(app).engine.dispose()


def test_staff_signing_in_at_the_same_moment_all_get_in(file_app: Flask, course: Any) -> None:
    session = get_db(file_app).session()
    school = make_school(session)
    make_policy(session, school, course)
    make_member(session, school, role=Role.HEADTEACHER)
    emails = [make_member(session, school).email for _ in range(PEOPLE)]
    session.commit()
    session.close()

    outcomes: list[int | str] = []
    lock = threading.Lock()
    barrier = threading.Barrier(PEOPLE, timeout=30)

    def sign_in(email: str) -> None:
        client = file_app.test_client()
        for _ in range(ROUNDS):
            barrier.wait()
            try:
                outcome: int | str = client.post(
                    "/login", data={"email": email, "password": PASSWORD}
                ).status_code
                client.post("/logout")
            except Exception as error:  # the test app lets a server error through: count it
                outcome = repr(error)[:200]
            with lock:
                outcomes.append(outcome)

    threads = [threading.Thread(target=sign_in, args=(email,)) for email in emails]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert outcomes == [303] * (PEOPLE * ROUNDS)
    session = get_db(file_app).session()
    sign_ins = session.scalar(
        select(func.count(AuditEvent.id)).where(AuditEvent.event == EventKind.SIGN_IN)
    )
    session.close()
    assert sign_ins == PEOPLE * ROUNDS


def test_a_write_the_database_turns_away_says_busy_and_signs_nobody_in(
    client: Any, staff: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    def locked(*_args: Any, **_kwargs: Any) -> None:
        raise OperationalError("INSERT", {}, sqlite3.OperationalError("database is locked"))

    monkeypatch.setattr("elearn.accounts.routes.record_event", locked)
    response = client.post("/login", data={"email": staff.email, "password": PASSWORD})
    assert response.status_code == 503
    assert response.headers["Retry-After"] == "2"
    assert "Wait a few seconds and try again" in response.get_data(as_text=True)
    home = client.get("/")
    assert home.status_code == 302
    assert home.headers["Location"].startswith("/login")
