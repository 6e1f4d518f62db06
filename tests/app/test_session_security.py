"""Signed-in sessions: how long they last, what archiving someone ends, and passwords typed
inside a session (they count towards sign-in throttling and go into the audit log)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from elearn.accounts import service as accounts
from elearn.accounts.models import Category, School, SignInFailure, StaffMember
from elearn.audit.models import AuditEvent, EventKind
from elearn.clock import FixedClock
from elearn.config import ConfigError, load_config
from tests.conftest import NOW, sign_in_as
from tests.factories import PASSWORD, learner, make_two_step


def is_signed_in(client: FlaskClient) -> bool:
    return client.get("/").status_code == 200


def sign_in(client: FlaskClient, member: StaffMember, password: str = PASSWORD) -> Any:
    return client.post("/login", data={"email": member.email, "password": password})


# How long a session lasts


@pytest.mark.parametrize(
    ("minutes", "signed_in"),
    [(4 * 60, True), (4 * 60 + 1, False)],
    ids=["four-hours-idle", "four-hours-and-a-minute-idle"],
)
def test_a_staff_session_ends_after_four_hours_without_a_request(
    as_staff: FlaskClient, clock: FixedClock, minutes: int, signed_in: bool
) -> None:
    clock.advance(minutes=minutes)
    assert is_signed_in(as_staff) is signed_in


@pytest.mark.parametrize(
    ("minutes", "signed_in"), [(30, True), (31, False)], ids=["30-minutes-idle", "31-minutes-idle"]
)
def test_a_headteacher_session_ends_after_30_minutes_without_a_request(
    as_headteacher: FlaskClient, clock: FixedClock, minutes: int, signed_in: bool
) -> None:
    clock.advance(minutes=minutes)
    assert (as_headteacher.get("/console/").status_code == 200) is signed_in


def test_each_request_keeps_the_session_alive(
    as_headteacher: FlaskClient, clock: FixedClock
) -> None:
    for _ in range(6):
        clock.advance(minutes=25)
        assert as_headteacher.get("/console/").status_code == 200


def test_a_busy_session_still_ends_twelve_hours_after_signing_in(
    as_staff: FlaskClient, clock: FixedClock
) -> None:
    for _ in range(12):
        clock.advance(minutes=59)
        assert is_signed_in(as_staff)
    clock.advance(minutes=13)
    assert not is_signed_in(as_staff)


def test_an_expired_session_goes_to_sign_in_with_the_reason_and_the_page_asked_for(
    as_headteacher: FlaskClient, clock: FixedClock
) -> None:
    clock.advance(minutes=31)
    response = as_headteacher.get("/console/audit")
    assert response.status_code == 302
    assert response.headers["Location"] == "/login?next=/console/audit"
    page = as_headteacher.get("/login").get_data(as_text=True)
    assert "You were signed out because you had not used the site for 30 minutes" in page


def test_an_expired_session_is_ended_on_the_server(
    as_staff: FlaskClient, clock: FixedClock
) -> None:
    clock.advance(hours=5)
    as_staff.get("/")
    clock.set(NOW)  # the same cookie, replayed as if no time had passed, is still signed out
    with as_staff.session_transaction() as flask_session:
        assert "_user_id" not in flask_session
    assert not is_signed_in(as_staff)


def test_a_session_that_does_not_say_when_it_began_is_not_signed_in(
    client: FlaskClient, staff: StaffMember
) -> None:
    with client.session_transaction() as flask_session:
        flask_session["_user_id"] = staff.get_id()
    assert not is_signed_in(client)


def test_signing_in_starts_the_session_clock(
    client: FlaskClient, staff: StaffMember, clock: FixedClock
) -> None:
    assert sign_in(client, staff).status_code == 303
    clock.advance(hours=3)
    assert is_signed_in(client)


def test_session_lengths_come_from_the_environment(tmp_path: Path) -> None:
    config = load_config(
        tmp_path,
        environ={
            "ELEARN_SESSION_IDLE_MINUTES": "90",
            "ELEARN_MANAGER_SESSION_IDLE_MINUTES": "15",
            "ELEARN_SESSION_HOURS": "8",
        },
    )
    assert (config["SESSION_IDLE_MINUTES"], config["MANAGER_SESSION_IDLE_MINUTES"]) == (90, 15)
    assert config["SESSION_HOURS"] == 8


@pytest.mark.parametrize("value", ["0", "-5", "half an hour"], ids=["zero", "negative", "words"])
def test_a_session_length_that_is_not_a_whole_number_is_refused(tmp_path: Path, value: str) -> None:
    with pytest.raises(ConfigError, match="ELEARN_SESSION_IDLE_MINUTES"):
        load_config(tmp_path, environ={"ELEARN_SESSION_IDLE_MINUTES": value})


def test_a_shorter_idle_time_can_be_configured(
    app: Flask, staff: StaffMember, clock: FixedClock
) -> None:
    app.config["SESSION_IDLE_MINUTES"] = 10
    try:
        client = app.test_client()
        sign_in_as(client, staff)
        clock.advance(minutes=11)
        assert not is_signed_in(client)
    finally:
        app.config["SESSION_IDLE_MINUTES"] = 240


# Archiving someone


def archive(client: FlaskClient, member: StaffMember) -> Any:
    return client.post(f"/console/staff/{member.id}/archive")


def restore(client: FlaskClient, member: StaffMember) -> Any:
    return client.post(f"/console/staff/{member.id}/restore")


def test_archiving_someone_ends_their_sessions_even_once_they_are_restored(
    app: Flask, staff: StaffMember, headteacher: StaffMember
) -> None:
    their_browser, head = app.test_client(), app.test_client()
    sign_in_as(their_browser, staff)
    sign_in_as(head, headteacher)
    assert is_signed_in(their_browser)
    assert archive(head, staff).status_code == 303
    assert restore(head, staff).status_code == 303
    assert not is_signed_in(their_browser)


def test_archiving_someone_cancels_their_set_up_links(
    app: Flask, session: Session, school: School, headteacher: StaffMember
) -> None:
    member, token = accounts.add_staff_member(
        session,
        school,
        email="leaver@school.example",
        name="Lee Ver",
        category=Category.TEACHER,
        starts_on=NOW.date(),
        now=NOW,
        link_valid_for=timedelta(days=3),
    )
    session.commit()
    head = app.test_client()
    sign_in_as(head, headteacher)
    archive(head, member)
    restore(head, member)
    response = app.test_client().get(f"/setup/{token}")
    assert response.status_code == 410
    assert "This set-up link no longer works" in response.get_data(as_text=True)


# Passwords typed inside a session


@pytest.fixture
def ready_to_sign(session: Session, staff: StaffMember) -> StaffMember:
    taking = learner(session, staff)
    taking.complete_lessons(NOW)
    taking.sit(NOW, rightly=True)
    session.commit()
    return staff


@pytest.fixture
def head_with_two_step(session: Session, headteacher: StaffMember) -> StaffMember:
    make_two_step(session, headteacher, NOW)
    session.commit()
    return headteacher


# Where a password is typed inside a session: (who, path, form data for a password).
PASSWORD_PAGES: dict[str, tuple[str, str, Callable[[str], dict[str, str]]]] = {
    "change-password": (
        "staff",
        "/account/password",
        lambda password: {"current": password, "password": "a brand new password"},
    ),
    "declaration": (
        "ready_to_sign",
        "/policies/social-networking/declaration",
        lambda password: {"confirm": "y", "signature": "Amelia Hart", "password": password},
    ),
    "new-recovery-codes": (
        "head_with_two_step",
        "/account/two-step/recovery-codes",
        lambda password: {"renew-password": password},
    ),
    "two-step-off": (
        "head_with_two_step",
        "/account/two-step/off",
        lambda password: {"off-password": password},
    ),
    "two-step-set-up": (
        "headteacher",
        "/account/two-step/start",
        lambda password: {"start-password": password},
    ),
}
PAGE_IDS = list(PASSWORD_PAGES)


def signed_in_on(
    request: pytest.FixtureRequest, client: FlaskClient, page: str
) -> tuple[StaffMember, str, Callable[[str], dict[str, str]]]:
    who, path, data = PASSWORD_PAGES[page]
    member: StaffMember = request.getfixturevalue(who)
    sign_in_as(client, member)
    return member, path, data


@pytest.mark.parametrize("page", PAGE_IDS, ids=PAGE_IDS)
def test_a_wrong_password_in_a_session_counts_as_a_failed_sign_in(
    request: pytest.FixtureRequest, client: FlaskClient, session: Session, page: str
) -> None:
    member, path, data = signed_in_on(request, client, page)
    response = client.post(path, data=data("not my password"))
    assert response.status_code == 400
    assert "password is not right" in response.get_data(as_text=True)
    failures = session.scalar(
        select(func.count(SignInFailure.id)).where(SignInFailure.email == member.email)
    )
    assert failures == 1


@pytest.mark.parametrize("page", PAGE_IDS, ids=PAGE_IDS)
def test_a_wrong_password_in_a_session_is_in_the_audit_log(
    request: pytest.FixtureRequest, client: FlaskClient, session: Session, page: str
) -> None:
    member, path, data = signed_in_on(request, client, page)
    client.post(path, data=data("not my password"))
    event = session.scalars(
        select(AuditEvent).where(AuditEvent.event == EventKind.PASSWORD_CHECK_FAILED)
    ).one()
    assert event.actor_id == member.id
    assert event.subject.startswith(member.email)


@pytest.mark.parametrize("page", PAGE_IDS, ids=PAGE_IDS)
def test_after_five_wrong_passwords_in_a_session_the_right_one_is_refused_too(
    request: pytest.FixtureRequest, client: FlaskClient, session: Session, page: str
) -> None:
    _member, path, data = signed_in_on(request, client, page)
    for _ in range(5):
        client.post(path, data=data("not my password"))
    before = session.scalar(select(func.count(AuditEvent.id)))
    response = client.post(path, data=data(PASSWORD))
    assert response.status_code == 400
    assert "Too many wrong passwords" in response.get_data(as_text=True)
    session.expire_all()
    assert session.scalar(select(func.count(AuditEvent.id))) == before  # nothing was done


def test_wrong_passwords_in_a_session_close_sign_in_from_that_address(
    app: Flask, as_staff: FlaskClient, staff: StaffMember
) -> None:
    for _ in range(5):
        as_staff.post(
            "/account/password", data={"current": "not it", "password": "a brand new password"}
        )
    assert sign_in(app.test_client(), staff).status_code == 429
