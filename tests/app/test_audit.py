"""The audit log: what is recorded, what never is, and the headteacher's page."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import pyotp
import pytest
from flask.testing import FlaskClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from elearn.accounts.models import School, StaffMember
from elearn.audit.models import AuditEvent, EventKind
from elearn.audit.service import AuditQuery, audit_page, recent_events, record
from elearn.clock import FixedClock
from elearn.content.schema import Course
from tests.app.journey import finish_course
from tests.conftest import NOW, sign_in_as
from tests.factories import PASSWORD, make_member, make_school, make_two_step

ADDRESS = "192.0.2.44"


def events(session: Session) -> list[AuditEvent]:
    session.expire_all()
    return list(session.scalars(select(AuditEvent).order_by(AuditEvent.id)))


def last_event(session: Session) -> AuditEvent:
    found = events(session)
    assert found, "no audit event was recorded"
    return found[-1]


def post(client: FlaskClient, path: str, data: dict[str, Any] | None = None) -> Any:
    return client.post(path, data=data or {}, environ_base={"REMOTE_ADDR": ADDRESS})


# Each action takes the client, a member of staff and the headteacher.
Action = Callable[[FlaskClient, StaffMember, StaffMember], None]


def sign_in_staff(client: FlaskClient, staff: StaffMember, _head: StaffMember) -> None:
    post(client, "/login", {"email": staff.email, "password": PASSWORD})


def fail_sign_in(client: FlaskClient, staff: StaffMember, _head: StaffMember) -> None:
    post(client, "/login", {"email": staff.email.upper(), "password": "a wrong guess"})


def sign_out(client: FlaskClient, staff: StaffMember, _head: StaffMember) -> None:
    sign_in_as(client, staff)
    post(client, "/logout")


def change_password(client: FlaskClient, staff: StaffMember, _head: StaffMember) -> None:
    sign_in_as(client, staff)
    post(client, "/account/password", {"current": PASSWORD, "password": "a brand new password"})


def add_staff(client: FlaskClient, _staff: StaffMember, headteacher: StaffMember) -> None:
    sign_in_as(client, headteacher)
    data = {
        "name": "Tom Okafor",
        "email": "tom@school.example",
        "category": "teacher",
        "starts_on": ["1", "9", "2026"],
    }
    assert post(client, "/console/staff/new", data).status_code == 201


def new_setup_link(client: FlaskClient, staff: StaffMember, headteacher: StaffMember) -> None:
    sign_in_as(client, headteacher)
    post(client, f"/console/staff/{staff.id}/setup-link")


ACTIONS: list[tuple[Action, EventKind, str, str]] = [
    (sign_in_staff, EventKind.SIGN_IN, "staff", "staff"),
    (fail_sign_in, EventKind.SIGN_IN_FAILED, "nobody", "staff"),
    (sign_out, EventKind.SIGN_OUT, "staff", "staff"),
    (change_password, EventKind.PASSWORD_CHANGED, "staff", "staff"),
    (add_staff, EventKind.STAFF_ADDED, "headteacher", "tom@school.example"),
    (new_setup_link, EventKind.SETUP_LINK_ISSUED, "headteacher", "staff"),
]


@pytest.mark.parametrize(
    ("action", "event", "actor", "subject"),
    ACTIONS,
    ids=[event.value for _, event, _, _ in ACTIONS],
)
def test_security_events_are_recorded_with_who_what_and_where(
    client: FlaskClient,
    session: Session,
    staff: StaffMember,
    headteacher: StaffMember,
    action: Action,
    event: EventKind,
    actor: str,
    subject: str,
) -> None:
    people = {"staff": staff, "headteacher": headteacher}
    action(client, staff, headteacher)
    entry = last_event(session)
    assert entry.event is event
    assert entry.actor_id == (people[actor].id if actor in people else None)
    assert entry.subject == (people[subject].email if subject in people else subject)
    assert entry.address == ADDRESS
    assert entry.occurred_at == NOW
    assert entry.school_id == staff.school_id


def test_downloading_a_certificate_is_recorded(
    client: FlaskClient,
    session: Session,
    staff: StaffMember,
    headteacher: StaffMember,
    course: Course,
) -> None:
    certificate_id = finish_course(client, session, staff, course)
    sign_in_as(client, headteacher)
    assert client.get(f"/certificates/{certificate_id}/download").status_code == 200
    entry = last_event(session)
    assert (entry.event, entry.actor_id) == (EventKind.CERTIFICATE_DOWNLOADED, headteacher.id)
    assert entry.subject.startswith("certificate-Amelia-Hart-")


def test_two_step_sign_in_with_a_recovery_code_is_recorded(
    client: FlaskClient, session: Session, headteacher: StaffMember, clock: FixedClock
) -> None:
    account = make_two_step(session, headteacher, clock.now())
    session.commit()
    post(client, "/login", {"email": headteacher.email, "password": PASSWORD})
    post(client, "/login/two-step", {"code": account.recovery_codes[0]})
    kinds = [entry.event for entry in events(session)]
    assert kinds[-2:] == [EventKind.SIGN_IN, EventKind.RECOVERY_CODE_USED]


def test_turning_on_two_step_is_recorded(
    as_headteacher: FlaskClient, session: Session, headteacher: StaffMember, clock: FixedClock
) -> None:
    as_headteacher.post("/account/two-step/start", data={"start-password": PASSWORD})
    session.refresh(headteacher)
    code = pyotp.TOTP(headteacher.two_step_secret or "").at(clock.now())
    as_headteacher.post("/account/two-step", data={"code": code})
    assert last_event(session).event is EventKind.TWO_STEP_ENABLED


def test_a_failed_sign_in_for_an_unknown_email_is_on_the_schools_log(
    client: FlaskClient, session: Session, school: School, headteacher: StaffMember
) -> None:
    post(client, "/login", {"email": "Nobody@School.example", "password": "a wrong guess"})
    entry = last_event(session)
    assert (entry.event, entry.subject, entry.school_id) == (
        EventKind.SIGN_IN_FAILED,
        "nobody@school.example",
        school.id,
    )


def test_passwords_and_codes_never_reach_the_audit_log(
    client: FlaskClient, session: Session, headteacher: StaffMember, clock: FixedClock
) -> None:
    account = make_two_step(session, headteacher, clock.now())
    session.commit()
    secrets_used = ["my secret guess", PASSWORD, "123456", account.recovery_codes[1]]
    post(client, "/login", {"email": headteacher.email, "password": "my secret guess"})
    post(client, "/login", {"email": headteacher.email, "password": PASSWORD})
    post(client, "/login/two-step", {"code": "123456"})
    post(client, "/login/two-step", {"code": account.recovery_codes[1]})
    logged = " ".join(f"{entry.subject} {entry.address}" for entry in events(session))
    for secret in secrets_used:
        assert secret not in logged
    assert account.secret not in logged


def test_audit_page_lists_events_newest_first_in_uk_time(
    as_headteacher: FlaskClient, session: Session, school: School
) -> None:
    summer = datetime(2026, 7, 1, 9, 5, tzinfo=UTC)  # 10:05 in London (BST)
    winter = datetime(2026, 11, 20, 9, 5, tzinfo=UTC)  # 09:05 in London (GMT)
    for moment, subject in [(summer, "first@school.example"), (winter, "second@school.example")]:
        record(
            session,
            EventKind.SIGN_IN_FAILED,
            actor=None,
            subject=subject,
            address="203.0.113.9",
            now=moment,
            school_id=school.id,
        )
    session.commit()
    page = as_headteacher.get("/console/audit").get_data(as_text=True)
    assert page.index("20 November 2026, 09:05") < page.index("1 July 2026, 10:05")
    assert page.index("second@school.example") < page.index("first@school.example")
    assert "Failed to sign in" in page
    assert "203.0.113.9" in page


def test_audit_page_shows_50_events_a_page_newest_first(
    as_headteacher: FlaskClient, session: Session, headteacher: StaffMember
) -> None:
    for number in range(120):
        record(
            session,
            EventKind.SIGN_IN,
            actor=headteacher,
            subject=f"event-{number}@school.example",
            address="192.0.2.1",
            now=NOW - timedelta(minutes=120 - number),
        )
    session.commit()
    first = as_headteacher.get("/console/audit").get_data(as_text=True)
    subjects = re.findall(r"event-(\d+)@school\.example", first)
    assert subjects == [str(n) for n in range(119, 69, -1)]
    assert "Showing 1 to 50 of 120 events" in first
    last = as_headteacher.get("/console/audit?page=3").get_data(as_text=True)
    assert re.findall(r"event-(\d+)@school\.example", last) == [str(n) for n in range(19, -1, -1)]
    assert "Showing 101 to 120 of 120 events" in last
    # A page past the end shows the last page, not an empty one.
    assert "Showing 101 to 120" in as_headteacher.get("/console/audit?page=99").get_data(
        as_text=True
    )


def log_events(session: Session, school: School, headteacher: StaffMember) -> None:
    """A day of routine sign-ins around a failed sign-in, a role change and an export."""
    moments = [NOW - timedelta(days=days) for days in (40, 10, 3, 1)]
    for moment in moments:
        for number in range(30):
            record(
                session,
                EventKind.SIGN_IN,
                actor=headteacher,
                subject=f"routine-{number}",
                address="192.0.2.1",
                now=moment,
            )
    record(
        session,
        EventKind.SIGN_IN_FAILED,
        actor=None,
        subject="intruder@evil.example",
        address="203.0.113.9",
        now=moments[1],
        school_id=school.id,
    )
    record(
        session,
        EventKind.ROLE_CHANGED,
        actor=headteacher,
        subject="amelia@school.example: now Headteacher",
        address="192.0.2.1",
        now=moments[2],
    )
    record(
        session, EventKind.EXPORT, actor=headteacher, subject="roster", address="", now=moments[3]
    )
    session.commit()


def rows_of(page: str) -> list[str]:
    return re.findall(r'data-label="About">([^<]*)</td>', page)


def test_security_events_can_be_shown_alone_so_routine_ones_never_hide_them(
    as_headteacher: FlaskClient, session: Session, school: School, headteacher: StaffMember
) -> None:
    log_events(session, school, headteacher)
    everything = as_headteacher.get("/console/audit").get_data(as_text=True)
    assert "intruder@evil.example" not in everything  # 90 routine sign-ins came after it
    page = as_headteacher.get("/console/audit?security=yes").get_data(as_text=True)
    assert rows_of(page) == [
        "roster",
        "amelia@school.example: now Headteacher",
        "intruder@evil.example",
    ]
    assert "Showing security events only" in page


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("kind=role_changed", ["amelia@school.example: now Headteacher"]),
        ("person=intruder", ["intruder@evil.example"]),
        ("person=AMELIA", ["amelia@school.example: now Headteacher"]),
        ("kind=export&person=Helen", ["roster"]),  # by who did it
        ("since=2026-11-14&until=2026-11-14&kind=sign_in_failed", ["intruder@evil.example"]),
        ("since=2026-11-15&kind=sign_in_failed", []),
        ("until=2026-11-13&kind=sign_in_failed", []),
    ],
)
def test_the_log_filters_by_kind_person_and_dates(
    as_headteacher: FlaskClient,
    session: Session,
    school: School,
    headteacher: StaffMember,
    query: str,
    expected: list[str],
) -> None:
    log_events(session, school, headteacher)
    response = as_headteacher.get(f"/console/audit?{query}")
    assert response.status_code == 200
    assert rows_of(response.get_data(as_text=True)) == expected


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("since=2026-02-31", "Enter a real date, such as 1 September 2026"),
        ("since=2026-11-20&until=2026-11-01", "The end date must be on or after the start date"),
    ],
)
def test_a_date_that_is_not_a_date_is_an_error_on_the_page(
    as_headteacher: FlaskClient, query: str, message: str
) -> None:
    response = as_headteacher.get(f"/console/audit?{query}")
    assert response.status_code == 400
    assert message in response.get_data(as_text=True)


def test_the_filtered_log_downloads_as_csv_header_first_and_the_export_is_recorded(
    as_headteacher: FlaskClient, session: Session, school: School, headteacher: StaffMember
) -> None:
    log_events(session, school, headteacher)
    record(
        session,
        EventKind.STAFF_CHANGED,
        actor=headteacher,
        subject='=HYPERLINK("http://evil.example")',
        address="",
        now=NOW,
    )
    session.commit()
    response = as_headteacher.get("/console/audit.csv")
    assert response.status_code == 200
    assert response.mimetype == "text/csv"
    text = response.get_data(as_text=True)
    assert text.startswith("\ufeffWhen (UK time),What,Security event,Who,Their email,About")
    lines = text.splitlines()
    assert len(lines) == 1 + 124 + 1
    assert "'=HYPERLINK" in text
    security = as_headteacher.get("/console/audit.csv?security=yes").get_data(as_text=True)
    # The three, and two downloads of the log: the first, and this one (recorded before it).
    assert len(security.splitlines()) == 1 + 3 + 2
    assert "2026-11-14 10:00,Failed to sign in,yes,,,intruder@evil.example" in security
    assert last_event(session).event is EventKind.EXPORT


def test_audit_page_makes_the_same_number_of_queries_for_any_number_of_actors(
    as_headteacher: FlaskClient,
    session: Session,
    school: School,
    headteacher: StaffMember,
    count_queries: Callable[[], Any],
) -> None:
    def add_events(count: int) -> None:
        for _ in range(count):
            member = make_member(session, school)
            record(session, EventKind.SIGN_IN, actor=member, subject="", address="", now=NOW)
        session.commit()

    add_events(2)
    with count_queries() as few:
        as_headteacher.get("/console/audit")
    add_events(10)
    with count_queries() as many:
        as_headteacher.get("/console/audit")
    assert few.count == many.count


def test_recent_events_are_only_the_schools_own(
    session: Session, school: School, headteacher: StaffMember
) -> None:
    other = make_school(session, "Another Primary School")
    outsider = make_member(session, other)
    record(session, EventKind.SIGN_IN, actor=outsider, subject="", address="", now=NOW)
    record(session, EventKind.SIGN_IN, actor=headteacher, subject="", address="", now=NOW)
    assert [entry.actor_id for entry in recent_events(session, school, 200)] == [headteacher.id]
    page = audit_page(session, school, AuditQuery())
    assert [entry.actor_id for entry in page.events] == [headteacher.id]
