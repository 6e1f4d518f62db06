"""One person's record: changing their details (every change audited), and a set-up link for
anyone at any time, whose state the roster shows."""

from __future__ import annotations

from datetime import timedelta

import pytest
from flask.testing import FlaskClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from elearn.accounts.models import Category, Role, School, SetupLink, StaffMember
from elearn.accounts.service import issue_setup_link
from elearn.audit.models import AuditEvent, EventKind
from elearn.clock import FixedClock
from tests.conftest import NOW, sign_in_as
from tests.factories import PASSWORD, make_member

EDIT = {
    "name": "Amelia Hart-Jones",
    "email": "amelia.jones@school.example",
    "category": "support_staff",
    "starts_on": ["1", "9", "2019"],
    "is_existing_staff": "yes",
    "role": "staff",
}


def events(session: Session, kind: EventKind) -> list[str]:
    return list(
        session.scalars(
            select(AuditEvent.subject).where(AuditEvent.event == kind).order_by(AuditEvent.id)
        )
    )


def test_the_headteacher_changes_someones_details_and_each_change_is_audited(
    as_headteacher: FlaskClient, session: Session, staff: StaffMember
) -> None:
    form = as_headteacher.get(f"/console/staff/{staff.id}/edit").get_data(as_text=True)
    assert 'value="Amelia Hart"' in form
    response = as_headteacher.post(f"/console/staff/{staff.id}/edit", data=EDIT)
    assert response.status_code == 303
    session.expire_all()
    assert (staff.name, staff.email, staff.category, staff.is_existing_staff) == (
        "Amelia Hart-Jones",
        "amelia.jones@school.example",
        Category.SUPPORT_STAFF,
        True,
    )
    (changed,) = events(session, EventKind.STAFF_CHANGED)
    for part in (
        "name from Amelia Hart to Amelia Hart-Jones",
        "email from",
        "role at the school from Teacher to Support staff",
        "start date from 2026-01-05 to 2019-09-01",
        "already in post",
    ):
        assert part in changed
    assert events(session, EventKind.ROLE_CHANGED) == []
    # They sign in with the new address.
    assert as_headteacher.post(f"/console/staff/{staff.id}/edit", data=EDIT).status_code == 303
    assert len(events(session, EventKind.STAFF_CHANGED)) == 1  # nothing changed the second time


def test_making_someone_a_headteacher_is_a_role_change_in_the_audit_log(
    as_headteacher: FlaskClient, session: Session, staff: StaffMember
) -> None:
    token_before = staff.session_token
    data = {**EDIT, "name": staff.name, "email": staff.email, "role": "headteacher"}
    assert as_headteacher.post(f"/console/staff/{staff.id}/edit", data=data).status_code == 303
    session.expire_all()
    assert staff.role is Role.HEADTEACHER
    assert staff.session_token != token_before  # signed out, to sign in to their new pages
    assert events(session, EventKind.ROLE_CHANGED) == [f"{staff.email}: now Headteacher"]


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"email": "taken@school.example"}, "There is already an account for taken@school.example"),
        ({"name": ""}, "Enter their full name"),
        ({"starts_on": ["31", "2", "2019"]}, "Not a valid date value"),
        ({"role": "trust_admin"}, "Not a valid choice"),
    ],
)
def test_a_change_that_cannot_be_made_re_renders_the_form_and_changes_nothing(
    as_headteacher: FlaskClient,
    session: Session,
    school: School,
    staff: StaffMember,
    change: dict[str, str],
    message: str,
) -> None:
    make_member(session, school, email="taken@school.example")
    session.commit()
    response = as_headteacher.post(f"/console/staff/{staff.id}/edit", data={**EDIT, **change})
    assert response.status_code == 400
    assert message in response.get_data(as_text=True)
    session.expire_all()
    assert (staff.name, staff.email, staff.role) == (
        "Amelia Hart",
        staff.email,
        Role.STAFF,
    )
    assert events(session, EventKind.STAFF_CHANGED) == []


def test_a_headteacher_cannot_take_away_their_own_headteacher_role(
    as_headteacher: FlaskClient, session: Session, headteacher: StaffMember
) -> None:
    data = {**EDIT, "name": headteacher.name, "email": headteacher.email, "role": "staff"}
    response = as_headteacher.post(f"/console/staff/{headteacher.id}/edit", data=data)
    assert response.status_code == 400
    assert "You cannot take away your own headteacher role." in response.get_data(as_text=True)
    session.expire_all()
    assert headteacher.role is Role.HEADTEACHER


def test_staff_cannot_edit_anyone(
    as_staff: FlaskClient, session: Session, staff: StaffMember, headteacher: StaffMember
) -> None:
    assert as_staff.get(f"/console/staff/{staff.id}/edit").status_code == 403
    response = as_staff.post(f"/console/staff/{headteacher.id}/edit", data=EDIT)
    assert response.status_code == 403
    session.expire_all()
    assert headteacher.email != EDIT["email"]


# --- Set-up links: for anyone, at any time ----------------------------------------------------


def test_someone_who_forgot_their_password_gets_a_new_set_up_link_from_their_page(
    client: FlaskClient, session: Session, staff: StaffMember, headteacher: StaffMember
) -> None:
    sign_in_as(client, headteacher)
    page = client.get(f"/console/staff/{staff.id}").get_data(as_text=True)
    assert "Make a new set-up link" in page
    assert "Has a password" in page
    made = client.post(f"/console/staff/{staff.id}/setup-link").get_data(as_text=True)
    link = made.split('<code id="setup-link">')[1].split("</code>")[0]
    path = link.removeprefix("https://training.school.example")
    client.get("/logout")
    chosen = client.post(path, data={"password": "a different long password 42"})
    assert chosen.status_code == 303
    session.expire_all()
    assert staff.password_hash is not None
    # The old password no longer works; the new one does.
    old = client.post("/login", data={"email": staff.email, "password": PASSWORD})
    assert old.status_code == 400


def test_a_used_or_expired_link_says_what_to_do_next_and_offers_sign_in(
    client: FlaskClient, session: Session, staff: StaffMember, clock: FixedClock
) -> None:
    token = issue_setup_link(session, staff, NOW - timedelta(hours=100), timedelta(hours=72))
    session.commit()
    response = client.get(f"/setup/{token}")
    assert response.status_code == 410
    page = response.get_data(as_text=True)
    assert "This set-up link no longer works" in page
    assert 'href="/login"' in page
    assert "Ask your headteacher or school office for a new set-up link" in page
    # It says nothing of whose link it was.
    assert staff.name not in page
    assert staff.email not in page
    assert client.get("/setup/not-a-real-token").status_code == 410


def test_the_roster_and_the_person_page_show_whether_a_link_is_pending_used_or_expired(
    as_headteacher: FlaskClient, session: Session, school: School
) -> None:
    def newcomer(name: str) -> StaffMember:
        return make_member(session, school, name=name, password=None)

    pending, expired, never = newcomer("Pat Pending"), newcomer("Ed Expired"), newcomer("Nev Er")
    used = make_member(session, school, name="Ursula Used")
    issue_setup_link(session, pending, NOW, timedelta(hours=72))
    issue_setup_link(session, expired, NOW - timedelta(days=5), timedelta(hours=72))
    issue_setup_link(session, used, NOW - timedelta(days=5), timedelta(hours=72))
    session.flush()
    session.scalars(select(SetupLink).where(SetupLink.member_id == used.id)).one().used_at = NOW
    session.commit()
    page = as_headteacher.get("/console/?sort=name").get_data(as_text=True)
    assert f'id="link-{pending.id}">Set-up link not used yet' in page
    assert f'id="link-{expired.id}">Set-up link expired' in page
    assert f'id="link-{never.id}">No set-up link yet' in page
    person = as_headteacher.get(f"/console/staff/{used.id}").get_data(as_text=True)
    assert "Has a password; set-up link used" in person
