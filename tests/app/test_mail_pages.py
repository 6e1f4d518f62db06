"""The email pages on the console: who may open them (routes x roles x schools), that each one
renders, the reminder settings and closed dates, and the paged list of emails sent."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from elearn.accounts.models import Role, School, StaffMember
from elearn.content.schema import Course
from elearn.mail.api import make_mailer
from elearn.mail.models import ClosedPeriod, EmailMessage, ReminderSettings
from elearn.mail.rules import About, EmailKind, Reason
from elearn.policies.models import Policy
from elearn.status import StatusKind
from tests.app.test_html import faults_in
from tests.conftest import NOW, sign_in_as
from tests.factories import make_member, make_policy, make_school

MEADOW = "Meadow Lane Primary School"


def log_email(session: Session, member: StaffMember, policy: Policy, minutes_ago: int) -> None:
    session.add(
        EmailMessage(
            school_id=member.school_id,
            member_id=member.id,
            address=member.email,
            kind=EmailKind.REMINDER,
            subject=f"Reminder {minutes_ago}",
            about=[
                About(
                    policy.id, policy.title, StatusKind.OVERDUE, date(2026, 11, 1), Reason.OVERDUE
                ).to_json()
            ],
            run_on=None,
            sent_at=NOW - timedelta(minutes=minutes_ago),
        )
    )


@dataclass(frozen=True)
class Side:
    school: School
    head: StaffMember
    member: StaffMember
    colleague: StaffMember
    period: ClosedPeriod


def build_side(session: Session, school: School, course: Course, domain: str, name: str) -> Side:
    policy = session.scalars(select(Policy).where(Policy.school_id == school.id)).first()
    if policy is None:
        policy = make_policy(session, school, course)
    head = make_member(
        session, school, role=Role.HEADTEACHER, name=f"Head of {name}", email=f"head@{domain}"
    )
    member = make_member(session, school, name=f"{name} Teacher", email=f"teacher@{domain}")
    colleague = make_member(session, school, name=f"{name} Assistant", email=f"ta@{domain}")
    period = ClosedPeriod(
        school_id=school.id,
        label=f"{name} holidays",
        starts_on=date(2026, 12, 21),
        ends_on=date(2027, 1, 1),
        created_at=NOW,
    )
    session.add(period)
    log_email(session, member, policy, 5)
    session.flush()
    return Side(school, head, member, colleague, period)


@dataclass(frozen=True)
class Two:
    first: Side
    second: Side
    admin: StaffMember


@pytest.fixture
def two(session: Session, school: School, course: Course) -> Two:
    first = build_side(session, school, course, "thorners.example", "Thorners")
    meadow = make_school(session, MEADOW)
    second = build_side(session, meadow, course, "meadow.example", "Meadow")
    admin = make_member(
        session, school, role=Role.TRUST_ADMIN, name="Trudy Ames", email="trust@trust.example"
    )
    session.commit()
    return Two(first, second, admin)


ANONYMOUS = "anonymous"
STAFF = "staff at the school"
HEAD = "its headteacher"
OTHER_HEAD = "another school's headteacher"
TRUST_ACTING = "the trust administrator, working at the school"
LOGIN = "login"

SETTINGS = {
    "is_on": "no",
    "remind_days_before": "10",
    "overdue_every_days": "3",
    "escalate_after_days": "21",
    "digest_weekday": "4",
}
CLOSED = {
    "closed-what": "Spring half term",
    "closed-starts_on": ["15", "2", "2027"],
    "closed-ends_on": ["19", "2", "2027"],
}

# (method, path, data, {role: expected}). Every path is the second school's; a headteacher of
# another school gets 404 for its records, or its own school's page for pages without an id.
ROUTES: list[tuple[str, str, dict[str, Any], dict[str, int | str]]] = [
    (
        "GET",
        "/console/reminders",
        {},
        {ANONYMOUS: LOGIN, STAFF: 403, HEAD: 200, OTHER_HEAD: 200, TRUST_ACTING: 200},
    ),
    (
        "POST",
        "/console/reminders",
        SETTINGS,
        {ANONYMOUS: LOGIN, STAFF: 403, HEAD: 303, OTHER_HEAD: 303, TRUST_ACTING: 303},
    ),
    (
        "POST",
        "/console/reminders/closed",
        CLOSED,
        {ANONYMOUS: LOGIN, STAFF: 403, HEAD: 303, OTHER_HEAD: 303, TRUST_ACTING: 303},
    ),
    (
        "POST",
        "/console/reminders/closed/remove",
        {"period": "{period}"},
        {ANONYMOUS: LOGIN, STAFF: 403, HEAD: 303, OTHER_HEAD: 404, TRUST_ACTING: 303},
    ),
    (
        "GET",
        "/console/emails",
        {},
        {ANONYMOUS: LOGIN, STAFF: 403, HEAD: 200, OTHER_HEAD: 200, TRUST_ACTING: 200},
    ),
    (
        "GET",
        "/console/staff/{member}/invitation",
        {},
        {ANONYMOUS: LOGIN, STAFF: 403, HEAD: 200, OTHER_HEAD: 404, TRUST_ACTING: 200},
    ),
    (
        "POST",
        "/console/staff/{member}/invitation",
        {},
        {ANONYMOUS: LOGIN, STAFF: 403, HEAD: 200, OTHER_HEAD: 404, TRUST_ACTING: 200},
    ),
]
CASES = [
    pytest.param(method, path, data, role, expected, id=f"{method} {path} as {role}")
    for method, path, data, expectations in ROUTES
    for role, expected in expectations.items()
]


def sign_in_for(client: FlaskClient, two: Two, role: str) -> None:
    people = {
        STAFF: two.second.colleague,
        HEAD: two.second.head,
        OTHER_HEAD: two.first.head,
        TRUST_ACTING: two.admin,
    }
    if role == ANONYMOUS:
        return
    sign_in_as(client, people[role])
    if role == TRUST_ACTING:
        with client.session_transaction() as flask_session:
            flask_session["acting_school_id"] = two.second.school.id


def rows_of(session: Session, school: School) -> list[tuple[Any, ...]]:
    """The second school's email rows: a refused request leaves them as they were."""
    session.expire_all()
    return [
        *session.execute(
            select(ClosedPeriod.id, ClosedPeriod.label).where(ClosedPeriod.school_id == school.id)
        ).all(),
        *session.execute(select(EmailMessage.id).where(EmailMessage.school_id == school.id)).all(),
        *session.execute(
            select(ReminderSettings.id, ReminderSettings.is_on).where(
                ReminderSettings.school_id == school.id
            )
        ).all(),
    ]


@pytest.mark.parametrize(("method", "path", "data", "role", "expected"), CASES)
def test_email_pages_by_role_and_school(
    client: FlaskClient,
    session: Session,
    two: Two,
    method: str,
    path: str,
    data: dict[str, Any],
    role: str,
    expected: int | str,
) -> None:
    target = two.second
    sign_in_for(client, two, role)
    values = {"member": target.member.id, "period": target.period.id}
    form = {
        key: value.format(**values) if isinstance(value, str) else value
        for key, value in data.items()
    }
    before = rows_of(session, target.school)
    response = client.open(path.format(**values), method=method, data=form)
    if expected == LOGIN:
        assert response.status_code in (302, 303)
        assert response.headers["Location"].startswith("/login")
    else:
        assert response.status_code == expected
    if role in (ANONYMOUS, STAFF, OTHER_HEAD):
        # Nothing of the second school is shown or changed.
        body = response.get_data(as_text=True)
        secrets = [target.member.name, target.member.email, target.period.label]
        if role != STAFF:  # staff there see their school's name in the header
            secrets.append(MEADOW)
        for secret in secrets:
            assert secret not in body
        assert rows_of(session, target.school) == before


def test_the_headteacher_sees_the_emails_sent_to_their_school_only(
    client: FlaskClient, two: Two
) -> None:
    sign_in_as(client, two.first.head)
    page = client.get("/console/emails").get_data(as_text=True)
    assert two.first.member.email in page
    assert "Social Networking Policy: overdue (since 1 November 2026)" in page
    assert two.second.member.email not in page
    assert faults_in(page) == []


def test_the_emails_sent_are_paged_newest_first(
    client: FlaskClient, session: Session, two: Two
) -> None:
    policy = session.scalars(select(Policy).where(Policy.school_id == two.first.school.id)).one()
    for minutes in range(10, 64):
        log_email(session, two.first.head, policy, minutes)
    session.commit()
    sign_in_as(client, two.first.head)
    first = client.get("/console/emails").get_data(as_text=True)
    assert "55 in all" in first
    assert first.count('<tr class="govuk-table__row" id="email-') == 50
    assert first.index("Reminder 10") < first.index("Reminder 11")
    assert 'href="/console/emails?page=2"' in first
    second = client.get("/console/emails?page=2").get_data(as_text=True)
    assert second.count('<tr class="govuk-table__row" id="email-') == 5
    assert "Reminder 63" in second
    assert 'href="/console/emails?page=1"' in second
    # A page past the end, or not a number, shows the nearest page.
    assert client.get("/console/emails?page=99").get_data(as_text=True) == second
    assert client.get("/console/emails?page=nonsense").status_code == 200


def test_the_console_links_to_the_reminders_page_and_it_to_the_emails_sent(
    as_headteacher: FlaskClient,
) -> None:
    assert 'href="/console/reminders"' in as_headteacher.get("/console/").get_data(as_text=True)
    page = as_headteacher.get("/console/reminders").get_data(as_text=True)
    assert 'href="/console/emails"' in page
    assert faults_in(page) == []
    assert "No closed dates yet." in page


def test_the_reminder_settings_are_saved(
    as_headteacher: FlaskClient, session: Session, school: School
) -> None:
    response = as_headteacher.post("/console/reminders", data=SETTINGS)
    assert response.status_code == 303
    saved = session.scalars(
        select(ReminderSettings).where(ReminderSettings.school_id == school.id)
    ).one()
    assert (
        saved.is_on,
        saved.remind_days_before,
        saved.overdue_every_days,
        saved.escalate_after_days,
        saved.digest_weekday,
    ) == (False, 10, 3, 21, 4)
    page = as_headteacher.get("/console/reminders").get_data(as_text=True)
    assert 'value="21"' in page
    assert '<option value="4" selected>Friday</option>' in page


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("remind_days_before", "0", "Enter a number of days from 1 to 90"),
        ("overdue_every_days", "", "Enter how often to remind someone who is overdue"),
        ("escalate_after_days", "a week", "Not a valid integer value"),
        ("digest_weekday", "9", "Not a valid choice"),
    ],
    ids=["zero-days", "blank", "not-a-number", "no-such-day"],
)
def test_bad_reminder_settings_are_refused_with_the_reason(
    as_headteacher: FlaskClient, session: Session, field: str, value: str, message: str
) -> None:
    response = as_headteacher.post("/console/reminders", data={**SETTINGS, field: value})
    assert response.status_code == 400
    body = response.get_data(as_text=True)
    assert message in body
    assert "<title>Error: Email reminders" in body
    assert session.scalar(select(func.count(ReminderSettings.id))) == 0


def test_closed_dates_are_added_listed_and_removed(
    as_headteacher: FlaskClient, session: Session, school: School
) -> None:
    assert as_headteacher.post("/console/reminders/closed", data=CLOSED).status_code == 303
    page = as_headteacher.get("/console/reminders").get_data(as_text=True)
    assert "Spring half term" in page
    assert "15 February 2027" in page
    assert faults_in(page) == []
    period = session.scalars(select(ClosedPeriod).where(ClosedPeriod.school_id == school.id)).one()
    response = as_headteacher.post("/console/reminders/closed/remove", data={"period": period.id})
    assert response.status_code == 303
    assert session.scalar(select(func.count(ClosedPeriod.id))) == 0


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"closed-ends_on": ["14", "2", "2027"]}, "The last day must be the same as the first"),
        (
            {"closed-starts_on": ["1", "9", "2026"], "closed-ends_on": ["2", "9", "2026"]},
            "Those dates have passed",
        ),
        ({"closed-what": "  "}, "Say what the dates are"),
        ({"closed-ends_on": ["1", "1", "2031"]}, "Give dates within the next 2 years"),
        ({"closed-starts_on": ["31", "2", "2027"]}, "Not a valid date value"),
    ],
    ids=["ends-before-it-starts", "in-the-past", "unnamed", "years-ahead", "no-such-date"],
)
def test_closed_dates_that_cannot_be_right_are_refused(
    as_headteacher: FlaskClient, session: Session, change: dict[str, Any], message: str
) -> None:
    response = as_headteacher.post("/console/reminders/closed", data={**CLOSED, **change})
    assert response.status_code == 400
    assert message in response.get_data(as_text=True)
    assert session.scalar(select(func.count(ClosedPeriod.id))) == 0


@pytest.fixture
def email_on(app: Flask, monkeypatch: pytest.MonkeyPatch) -> None:
    """Email set up (to a server never reached in these tests)."""
    mailer = make_mailer("smtp://127.0.0.1:25", "training@thorners.example")
    monkeypatch.setitem(app.extensions, "elearn.mailer", mailer)


@pytest.mark.usefixtures("email_on")
def test_the_invitation_page_renders_for_someone_without_a_password(
    as_headteacher: FlaskClient, session: Session, school: School
) -> None:
    newcomer = make_member(session, school, name="Jo Whitfield", password=None)
    session.commit()
    page = as_headteacher.get(f"/console/staff/{newcomer.id}/invitation").get_data(as_text=True)
    assert "They use it to choose a password and start their training." in page
    assert faults_in(page) == []


@pytest.mark.usefixtures("email_on")
def test_an_archived_leaver_is_sent_no_link(
    as_headteacher: FlaskClient, session: Session, staff: StaffMember
) -> None:
    staff.is_archived = True
    session.commit()
    page = as_headteacher.get(f"/console/staff/{staff.id}/invitation").get_data(as_text=True)
    assert "has left the school" in page
    assert "Send the email" not in page
    assert as_headteacher.post(f"/console/staff/{staff.id}/invitation").status_code == 400
    assert 'id="email-setup-link"' not in as_headteacher.get(f"/console/staff/{staff.id}").get_data(
        as_text=True
    )
