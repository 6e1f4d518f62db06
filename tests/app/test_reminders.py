"""The daily email run against a real SMTP server on loopback: exactly the expected messages for
staff at every status, nothing twice, headteachers' summaries and alerts, closed dates, new
versions to confirm, and a mail server that cannot be reached."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from elearn.accounts.models import Role, School, SetupLink, StaffMember
from elearn.content.schema import Course
from elearn.mail import api as mail
from elearn.mail import service
from elearn.mail.api import EmailKind, EmailMessage, RunReport
from elearn.mail.models import ClosedPeriod, ReminderSettings
from elearn.mail.rules import About, Reason
from elearn.mail.transport import SmtpMailer
from elearn.policies.models import Policy
from elearn.status import StatusKind
from tests.app.versions_helpers import draft_id, publish, reworded_policy, upload
from tests.conftest import NOW, sign_in_as
from tests.factories import PASSWORD, learner, make_member, make_policy
from tests.mail_server import MAIL_FROM, Inbox, SmtpServer, free_port, inbox, smtp_server

__all__ = ["inbox", "smtp_server"]  # fixtures, imported for pytest

TODAY = NOW.date()  # Tuesday 24 November 2026
BASE = "https://training.school.example"
DOMAIN = "thorners.example"


def days(offset: int) -> date:
    return TODAY + timedelta(days=offset)


@pytest.fixture
def app_config(app_config: dict[str, Any], smtp_server: SmtpServer) -> dict[str, Any]:
    return {**app_config, "SMTP_URL": smtp_server.url, "MAIL_FROM": MAIL_FROM}


def mailer_of(app: Flask) -> SmtpMailer:
    with app.app_context():
        mailer = mail.get_mailer()
    assert mailer is not None
    return mailer


def run(app: Flask, session: Session, schools: list[School], **options: Any) -> RunReport:
    """The daily run, as `elearn reminders send` makes it."""
    return mail.run_reminders(
        session,
        schools,
        options.pop("mailer", None) or mailer_of(app),
        now=options.pop("now", NOW),
        base_url=BASE,
        link_valid_for=timedelta(hours=72),
        dry_run=options.pop("dry_run", False),
    )


@pytest.fixture
def head(session: Session, school: School) -> StaffMember:
    """The headteacher. Her first day is next week, so she has no training due of her own."""
    member = make_member(
        session,
        school,
        role=Role.HEADTEACHER,
        name="Helen Carter",
        email=f"head@{DOMAIN}",
        starts_on=days(5),
    )
    session.commit()
    return member


def person(
    session: Session, school: School, key: str, starts_in: int, **fields: Any
) -> StaffMember:
    """A member of staff whose induction (20 days) began `starts_in` days from today."""
    return make_member(
        session,
        school,
        name=key.replace("_", " ").title(),
        email=f"{key.replace('_', '.')}@{DOMAIN}",
        starts_on=days(starts_in),
        **fields,
    )


def address(key: str) -> str:
    return f"{key.replace('_', '.')}@{DOMAIN}"


def earlier_email(
    session: Session,
    member: StaffMember,
    policy: Policy,
    kind: EmailKind,
    sent_on: date,
    *,
    due_on: date,
    reason: Reason,
    by_hand: bool = False,
) -> None:
    """An email sent before this test's run, as the log has it."""
    session.add(
        EmailMessage(
            school_id=member.school_id,
            member_id=member.id,
            address=member.email,
            kind=kind,
            subject="An earlier email",
            about=[About(policy.id, policy.title, StatusKind.OVERDUE, due_on, reason).to_json()],
            run_on=None if by_hand else sent_on,
            sent_at=datetime.combine(sent_on, time(7), tzinfo=UTC),
        )
    )
    session.flush()


# Who is who on Tuesday 24 November 2026: each person's first day, counted from today. New staff
# have 20 days; reminders start 14 days before the due date, repeat every 7 days while overdue,
# and the headteacher hears of anyone 14 days overdue.
STARTS = {
    "due_soon": -10,  # due in 10 days: a "due soon" reminder
    "not_yet": -2,  # due in 18 days: nothing yet
    "due_today": -20,  # due today
    "overdue_new": -23,  # 3 days overdue, never reminded
    "overdue_told": -25,  # 5 days overdue, reminded 4 days ago: nothing today
    "overdue_week": -30,  # 10 days overdue, reminded 7 days ago: again today
    "overdue_long": -40,  # 20 days overdue: a reminder, and the headteacher is told
    "finished": -400,  # signed a month ago
    "paused": -40,  # on long leave
    "archived": -40,  # left the school
    "no_password": -40,  # never set up their account: an invitation instead
    "invited": -40,  # no password, invited 3 days ago: nothing today
    "emailed_today": -23,  # sent a set-up link by hand this morning: nothing more today
    "future": 5,  # starts next week
}


@pytest.fixture
def cast(session: Session, school: School, policy: Policy, head: StaffMember) -> dict[str, Any]:
    people = {
        key: person(
            session,
            school,
            key,
            start,
            password=None if key in ("no_password", "invited") else PASSWORD,
        )
        for key, start in STARTS.items()
    }
    people["paused"].paused_until = days(30)
    people["archived"].is_archived = True
    learner(session, people["finished"]).finish(NOW - timedelta(days=30))
    overdue = Reason.OVERDUE
    earlier_email(
        session, people["overdue_told"], policy, EmailKind.REMINDER, days(-4), due_on=days(-5),
        reason=overdue,
    )  # fmt: skip
    earlier_email(
        session, people["overdue_week"], policy, EmailKind.REMINDER, days(-7), due_on=days(-10),
        reason=overdue,
    )  # fmt: skip
    earlier_email(
        session, people["invited"], policy, EmailKind.INVITATION, days(-3), due_on=days(-20),
        reason=Reason.TO_DO,
    )  # fmt: skip
    earlier_email(
        session, people["emailed_today"], policy, EmailKind.INVITATION, TODAY, due_on=days(-3),
        reason=Reason.TO_DO, by_hand=True,
    )  # fmt: skip
    session.commit()
    return people


def logged(session: Session) -> list[tuple[str, EmailKind]]:
    """The emails recorded by this test's runs (not the earlier ones it made up)."""
    session.expire_all()
    return sorted(
        (row.address, row.kind)
        for row in session.scalars(select(EmailMessage).where(EmailMessage.sent_at >= NOW))
    )


EXPECTED_TODAY = [
    (address("due_soon"), EmailKind.REMINDER, "due by 4 December 2026."),
    (address("due_today"), EmailKind.REMINDER, "due today, 24 November 2026."),
    (address("overdue_new"), EmailKind.REMINDER, "overdue since 21 November 2026."),
    (address("overdue_week"), EmailKind.REMINDER, "overdue since 14 November 2026."),
    (address("overdue_long"), EmailKind.REMINDER, "overdue since 4 November 2026."),
    (address("no_password"), EmailKind.INVITATION, "overdue since 4 November 2026."),
    (f"head@{DOMAIN}", EmailKind.ESCALATION, "Social Networking Policy: 3 staff"),
]


def test_the_run_sends_exactly_the_emails_due_to_staff_at_every_status(
    app: Flask, client: FlaskClient, session: Session, school: School, cast: Any, inbox: Inbox
) -> None:
    report = run(app, session, [school])
    assert report.error is None
    assert inbox.addresses == sorted(to for to, _, _ in EXPECTED_TODAY)
    for to, _kind, line in EXPECTED_TODAY:
        (received,) = inbox.to(to)
        assert line in received.body, to
        assert "Thorner's CE VA Primary School" in received.body
        assert BASE in received.body
        assert received.sender == MAIL_FROM
    assert logged(session) == sorted((to, kind) for to, kind, _ in EXPECTED_TODAY)
    # The invitation's set-up link works.
    (invitation,) = inbox.to(address("no_password"))
    token = re.search(rf"{BASE}/setup/([A-Za-z0-9_-]+)", invitation.body)
    assert token is not None
    assert client.get(f"/setup/{token.group(1)}").status_code == 200


def test_a_second_run_the_same_day_sends_nothing(
    app: Flask, session: Session, school: School, cast: Any, inbox: Inbox
) -> None:
    run(app, session, [school])
    sent = logged(session)
    inbox.clear()
    report = run(app, session, [school])
    assert inbox.received == []
    assert report.sent_count == 0
    assert list(report.lines()) == [f"{school.name}: nothing to send today."]
    assert logged(session) == sent


def test_the_next_day_sends_only_what_became_due(
    app: Flask, session: Session, school: School, cast: Any, inbox: Inbox
) -> None:
    run(app, session, [school])
    inbox.clear()
    # Wednesday: "not yet" is 17 days away, "overdue told" was reminded 5 days ago; nobody
    # reminded yesterday hears again, and the headteacher is not told again of the same people.
    run(app, session, [school], now=NOW + timedelta(days=1))
    assert inbox.addresses == []
    inbox.clear()
    # Four days on: "not yet" is due in 14 days, "overdue told" was last reminded 8 days ago,
    # "invited" was invited a week ago, and "overdue week" has been overdue for 14 days: the
    # headteacher hears of that one.
    run(app, session, [school], now=NOW + timedelta(days=4))
    assert inbox.addresses == sorted(
        [address("not_yet"), address("overdue_told"), address("invited"), f"head@{DOMAIN}"]
    )
    assert inbox.to(address("invited"))[0].subject.startswith("Set up your account")
    assert "due by 12 December 2026." in inbox.to(address("not_yet"))[0].body
    (alert,) = inbox.to(f"head@{DOMAIN}")
    assert alert.subject == "Policy training: 1 member of staff overdue for 14 days or more"


def test_the_weekly_summary_goes_to_the_headteacher_on_its_day_with_the_alerts(
    app: Flask, session: Session, school: School, cast: Any, inbox: Inbox
) -> None:
    session.add(ReminderSettings(school_id=school.id, digest_weekday=TODAY.weekday()))
    session.commit()
    run(app, session, [school])
    (summary,) = inbox.to(f"head@{DOMAIN}")
    # Overdue: new, told, week, long, no password, invited and emailed today (7); of them long,
    # no password and invited are 14 days overdue or more.
    assert summary.subject == "Weekly summary: 7 staff overdue with policy training"
    assert "Social Networking Policy: 7 staff" in summary.body
    assert "3 staff have now been overdue for 14 days or more" in summary.body
    assert f"{BASE}/console/" in summary.body
    # Numbers, not names: who is overdue is on the console, behind sign-in.
    for member in cast.values():
        assert member.name not in summary.body
    assert (f"head@{DOMAIN}", EmailKind.DIGEST) in logged(session)
    assert (f"head@{DOMAIN}", EmailKind.ESCALATION) not in logged(session)


def test_every_headteacher_gets_the_alert_except_one_on_leave(
    app: Flask, session: Session, school: School, cast: Any, inbox: Inbox
) -> None:
    deputy = make_member(
        session, school, role=Role.HEADTEACHER, email=f"deputy@{DOMAIN}", starts_on=days(5)
    )
    away = make_member(
        session, school, role=Role.HEADTEACHER, email=f"away@{DOMAIN}", starts_on=days(5)
    )
    away.paused_until = days(60)
    session.commit()
    run(app, session, [school])
    assert [item.subject for item in inbox.to(deputy.email)] == [
        "Policy training: 3 staff overdue for 14 days or more"
    ]
    assert len(inbox.to(f"head@{DOMAIN}")) == 1
    assert inbox.to(away.email) == []


def test_nothing_is_sent_on_a_date_the_school_is_closed_and_it_catches_up_after(
    app: Flask, session: Session, school: School, cast: Any, inbox: Inbox
) -> None:
    session.add(
        ClosedPeriod(
            school_id=school.id,
            label="Staff training days",
            starts_on=days(-1),
            ends_on=days(0),
            created_at=NOW,
        )
    )
    session.commit()
    report = run(app, session, [school])
    assert inbox.received == []
    assert logged(session) == []
    assert list(report.lines()) == [
        f"{school.name}: closed today (Staff training days): nothing sent."
    ]
    run(app, session, [school], now=NOW + timedelta(days=1))
    # The day after: "due today" is now a day overdue, and still gets one email.
    assert address("due_today") in inbox.addresses
    assert "overdue since 24 November 2026." in inbox.to(address("due_today"))[0].body
    assert len(inbox.addresses) == len(EXPECTED_TODAY)


def test_reminders_turned_off_send_nothing(
    app: Flask, session: Session, school: School, cast: Any, inbox: Inbox
) -> None:
    session.add(ReminderSettings(school_id=school.id, is_on=False))
    session.commit()
    report = run(app, session, [school])
    assert inbox.received == []
    assert list(report.lines()) == [f"{school.name}: reminders are turned off: nothing sent."]


def test_all_of_a_persons_policies_go_in_one_email(
    app: Flask, session: Session, school: School, aup: Course, head: StaffMember, inbox: Inbox
) -> None:
    make_policy(session, school, aup)
    person(session, school, "two_policies", -30)
    session.commit()
    run(app, session, [school])
    (email,) = inbox.to(address("two_policies"))
    assert "- Social Networking Policy: overdue since 14 November 2026." in email.body
    assert "- Staff Acceptable Use Policy: overdue since 14 November 2026." in email.body
    assert email.subject == "Overdue: your policy training at Thorner's CE VA Primary School"


def test_staff_are_told_by_email_and_on_my_training_when_a_new_version_asks_them_to_confirm(
    app: Flask,
    client: FlaskClient,
    session: Session,
    school: School,
    head: StaffMember,
    inbox: Inbox,
) -> None:
    signer = person(session, school, "signer", -400)
    learner(session, signer).finish(NOW - timedelta(days=30))
    session.commit()
    sign_in_as(client, head)
    upload(client, reworded_policy())
    assert publish(client, draft_id(session), "reconfirm_now", days(40)).status_code == 303
    run(app, session, [school])
    (email,) = inbox.to(signer.email)
    assert email.subject == (
        "A policy has changed: please confirm it again (Thorner's CE VA Primary School)"
    )
    assert (
        "Social Networking Policy: a new version asks you to read it and confirm it again by "
        "3 January 2027." in email.body
    )
    sign_in_as(client, signer)
    home = client.get("/").get_data(as_text=True)
    assert 'id="reconfirm-notice"' in home
    assert "asks you to read it and confirm it again by 3 January 2027" in home
    inbox.clear()
    run(app, session, [school], now=NOW + timedelta(days=1))
    assert inbox.to(signer.email) == []


def test_my_training_has_no_notice_when_nothing_changed(
    as_staff: FlaskClient,
) -> None:
    assert 'id="reconfirm-notice"' not in as_staff.get("/").get_data(as_text=True)


def test_a_mail_server_that_cannot_be_reached_sends_and_records_nothing(
    app: Flask, session: Session, school: School, cast: Any, inbox: Inbox
) -> None:
    links_before = session.scalar(select(func.count(SetupLink.id)))
    unreachable = mail.make_mailer(f"smtp://127.0.0.1:{free_port()}", MAIL_FROM)
    report = run(app, session, [school], mailer=unreachable)
    assert report.error is not None
    assert report.error.startswith("Could not connect to the mail server at 127.0.0.1:")
    assert report.sent_count == 0
    assert report.failure is not None
    assert report.failure.startswith("Stopped: Could not connect")
    assert "0 sent before that" in report.failure
    assert logged(session) == []
    assert session.scalar(select(func.count(SetupLink.id))) == links_before
    # The next run, with the server back, sends everything due.
    run(app, session, [school])
    assert len(inbox.addresses) == len(EXPECTED_TODAY)


def test_an_email_another_run_recorded_first_is_not_sent_again(
    app: Flask,
    session: Session,
    school: School,
    cast: Any,
    inbox: Inbox,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Two runs at once plan the same email; the unique (member, kind, run day) lets one send."""
    plan = service.plan_school

    def planned_twice(*args: Any) -> service.SchoolPlan:
        found = plan(*args)
        first = found.outgoing[0]
        return service.SchoolPlan(found.school, [first, first])

    monkeypatch.setattr(service, "plan_school", planned_twice)
    report = run(app, session, [school])
    first = report.schools[0].planned[0].member
    assert inbox.addresses == [first.email]
    assert report.schools[0].refused == [f"{first.email}: already sent today by another run."]
    assert (
        list(report.lines())[-1] == f"  Not sent: {first.email}: already sent today by another run."
    )
    assert logged(session) == [(first.email, EmailKind.REMINDER)]


def test_a_dry_run_lists_what_would_be_sent_and_sends_nothing(
    app: Flask, session: Session, school: School, cast: Any, inbox: Inbox
) -> None:
    report = run(app, session, [school], dry_run=True)
    lines = list(report.lines())
    assert lines[0] == (
        f"{school.name}: would send 7 emails: 1 invitation, 5 reminders, 1 overdue alert."
    )
    assert any("Invitation with a set-up link to No Password" in line for line in lines)
    assert inbox.received == []
    assert logged(session) == []


def test_a_demo_school_is_never_emailed(
    app: Flask, session: Session, school: School, cast: Any, inbox: Inbox
) -> None:
    school.is_demo = True
    session.commit()
    run(app, session, [school])
    assert inbox.received == []


def test_a_run_makes_a_bounded_number_of_sql_statements(
    app: Flask,
    session: Session,
    school: School,
    head: StaffMember,
    inbox: Inbox,
    count_queries: Callable[[], Any],
) -> None:
    added = iter(range(1000))

    def add_staff(count: int) -> None:
        for _ in range(count):
            number = next(added)
            person(session, school, f"bulk_{number}", -23 - number % 30)
        session.commit()

    add_staff(20)
    with count_queries() as small:
        run(app, session, [school], dry_run=True)
    add_staff(40)
    with count_queries() as large:
        run(app, session, [school], dry_run=True)
    # Deciding who to email: the same statements for 60 staff as for 20.
    assert large.count == small.count
    with count_queries() as sending:
        report = run(app, session, [school])
    messages = report.sent_count
    assert messages == 61  # 60 reminders and the headteacher's alert
    # Sending: a fixed few statements per email (record it, commit), on top of deciding.
    assert sending.count <= large.count + 3 * messages, sending.statements[-6:]


# --- Invitations from the console ----------------------------------------------------------------


NEW_STARTER = {
    "name": "Jo Whitfield",
    "email": "jo.whitfield@thorners.example",
    "category": "support_staff",
    "starts_on": ["1", "12", "2026"],
}


def test_adding_someone_emails_them_their_set_up_link(
    client: FlaskClient, session: Session, head: StaffMember, inbox: Inbox
) -> None:
    sign_in_as(client, head)
    page = client.get("/console/staff/new").get_data(as_text=True)
    assert "We will email them a set-up link" in page
    response = client.post("/console/staff/new", data=NEW_STARTER)
    assert response.status_code == 201
    body = response.get_data(as_text=True)
    assert "Set-up link sent" in body
    assert "/setup/" not in body  # the link went by email, not on screen
    (email,) = inbox.received
    assert email.to == "jo.whitfield@thorners.example"
    assert (
        email.subject == "Set up your account for policy training at Thorner's CE VA Primary School"
    )
    assert "It works once, for 72 hours" in email.body
    assert "Social Networking Policy: due by 21 December 2026." in email.body
    token = re.search(rf"{BASE}/setup/([A-Za-z0-9_-]+)", email.body)
    assert token is not None
    assert client.get(f"/setup/{token.group(1)}").status_code == 200
    record = session.scalars(select(EmailMessage)).one()
    assert (record.kind, record.sent_by_id, record.run_on) == (EmailKind.INVITATION, head.id, None)


def test_a_new_set_up_link_is_emailed_from_the_person_page(
    client: FlaskClient, session: Session, school: School, head: StaffMember, inbox: Inbox
) -> None:
    member = person(session, school, "forgetful", -100)
    session.commit()
    sign_in_as(client, head)
    assert 'id="email-setup-link"' in client.get(f"/console/staff/{member.id}").get_data(
        as_text=True
    )
    page = client.get(f"/console/staff/{member.id}/invitation").get_data(as_text=True)
    assert "They already have a password" in page
    response = client.post(f"/console/staff/{member.id}/invitation")
    assert response.status_code == 303
    assert response.headers["Location"] == f"/console/staff/{member.id}"
    (email,) = inbox.received
    assert email.to == member.email
    assert email.subject.startswith("A new set-up link")
    assert (
        session.scalar(select(func.count(SetupLink.id)).where(SetupLink.member_id == member.id))
        == 1
    )


def test_a_failed_invitation_shows_the_link_to_pass_on_and_records_nothing(
    app: Flask,
    client: FlaskClient,
    session: Session,
    head: StaffMember,
    inbox: Inbox,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    unreachable = mail.make_mailer(f"smtp://127.0.0.1:{free_port()}", MAIL_FROM)
    monkeypatch.setitem(app.extensions, "elearn.mailer", unreachable)
    sign_in_as(client, head)
    response = client.post("/console/staff/new", data=NEW_STARTER)
    assert response.status_code == 201
    body = response.get_data(as_text=True)
    assert "The set-up link could not be emailed: Could not connect" in body
    assert "/setup/" in body
    assert session.scalar(select(func.count(EmailMessage.id))) == 0
    member = session.scalars(select(StaffMember).where(StaffMember.name == "Jo Whitfield")).one()
    before = session.scalar(select(func.count(SetupLink.id)))
    response = client.post(f"/console/staff/{member.id}/invitation")
    assert response.status_code == 503
    assert "The email was not sent: Could not connect" in response.get_data(as_text=True)
    assert session.scalar(select(func.count(SetupLink.id))) == before
    assert session.scalar(select(func.count(EmailMessage.id))) == 0


def test_without_email_the_pages_say_so_and_links_are_shown_on_screen(
    app: Flask, client: FlaskClient, head: StaffMember, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(app.extensions, "elearn.mailer", None)
    sign_in_as(client, head)
    assert "You will get a set-up link to pass on" in client.get("/console/staff/new").get_data(
        as_text=True
    )
    page = client.get(f"/console/staff/{head.id}/invitation").get_data(as_text=True)
    assert "Email is not set up on this site" in page
    assert 'id="email-off"' in client.get("/console/reminders").get_data(as_text=True)
    response = client.post("/console/staff/new", data=NEW_STARTER)
    assert response.status_code == 201
    assert "/setup/" in response.get_data(as_text=True)
