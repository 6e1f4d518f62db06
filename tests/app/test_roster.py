"""The roster that answers questions: headline counts, filters, search, order and pages, in a
fixed number of SQL statements however many staff and however long their history."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
from flask.testing import FlaskClient
from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from elearn.accounts.models import Category, Role, School, StaffMember
from elearn.certificates.models import Certificate, Declaration
from elearn.content.schema import Course
from elearn.policies.models import Policy
from elearn.training.models import Attempt, AttemptKind, Enrolment, EnrolmentKind
from elearn.versions.models import PolicyVersion
from tests.conftest import sign_in_as
from tests.factories import PASSWORD, make_policy

CATEGORIES = list(Category)


def fill_staff(session: Session, school: School, count: int, *, years: int = 5) -> None:
    """`count` staff in bulk: a third never signed; the rest signed every policy every year for
    `years` years, the last time about a year ago (so some are due soon or overdue)."""
    policies = session.scalars(select(Policy).where(Policy.school_id == school.id)).all()
    versions = {
        policy.id: session.scalars(
            select(PolicyVersion.id).where(PolicyVersion.policy_id == policy.id)
        ).first()
        for policy in policies
    }
    first_id = (session.scalar(select(StaffMember.id).order_by(StaffMember.id.desc())) or 0) + 1
    now = datetime(2026, 11, 24, tzinfo=UTC)
    members = [
        {
            "id": first_id + n,
            "school_id": school.id,
            "email": f"bulk{first_id + n}@school.example",
            "name": f"Person {first_id + n:05d}",
            "role": Role.STAFF.value,
            "category": CATEGORIES[n % len(CATEGORIES)].value,
            "starts_on": date(2019, 9, 1),
            "password_hash": "x",
            "session_token": "t" * 32,
            "is_archived": False,
            "created_at": now,
        }
        for n in range(count)
    ]
    session.execute(insert(StaffMember.__table__), members)
    enrolments, attempts, declarations, certificates = [], [], [], []
    next_id = 1_000_000 + first_id * 10
    for n, member in enumerate(members):
        if n % 3 == 0:
            continue
        for policy in policies:
            for year in range(years):
                next_id += 1
                signed = now - timedelta(days=330 + 365 * year + n % 60)
                common = {"school_id": school.id, "policy_id": policy.id, "member_id": member["id"]}
                enrolments.append(
                    {
                        **common,
                        "id": next_id,
                        "policy_version_id": versions[policy.id],
                        "kind": EnrolmentKind.INDUCTION.value,
                        "started_at": signed,
                        "completed_at": signed,
                    }
                )
                attempts.append(
                    {
                        **common,
                        "id": next_id,
                        "enrolment_id": next_id,
                        "kind": AttemptKind.ASSESSMENT.value,
                        "questions": [],
                        "pass_mark": 80,
                        "started_at": signed,
                        "submitted_at": signed,
                        "correct_count": 12,
                        "score_percent": 100,
                        "is_passed": True,
                    }
                )
                declarations.append(
                    {
                        **common,
                        "id": next_id,
                        "enrolment_id": next_id,
                        "attempt_id": next_id,
                        "policy_version_id": versions[policy.id],
                        "text": "I confirm",
                        "member_name": member["name"],
                        "signature": member["name"],
                        "signed_at": signed,
                    }
                )
                certificates.append(
                    {
                        "id": next_id,
                        "school_id": school.id,
                        "declaration_id": next_id,
                        "code": f"C{next_id}",
                        "issued_at": signed,
                        "pdf": b"%PDF",
                    }
                )
    for table, rows in (
        (Enrolment.__table__, enrolments),
        (Attempt.__table__, attempts),
        (Declaration.__table__, declarations),
        (Certificate.__table__, certificates),
    ):
        if rows:
            session.execute(insert(table), rows)
    session.commit()


@pytest.fixture
def two_policies(session: Session, school: School, aup: Course) -> School:
    make_policy(session, school, aup)
    session.commit()
    return school


def test_the_roster_makes_the_same_statements_for_50_staff_as_for_5000(
    client: FlaskClient,
    session: Session,
    two_policies: School,
    headteacher: StaffMember,
    count_queries: Callable[[], Any],
) -> None:
    sign_in_as(client, headteacher)
    fill_staff(session, two_policies, 50)
    with count_queries() as few:
        assert client.get("/console/").status_code == 200
    fill_staff(session, two_policies, 4950)
    with count_queries() as many:
        page = client.get("/console/?status=overdue&sort=due")
        assert page.status_code == 200
    assert many.count == few.count, many.statements
    assert few.count <= 14, few.statements
    text = page.get_data(as_text=True)
    assert "Showing 1 to 50 of" in text
    assert text.count('class="govuk-table__row" id="member-') == 50


def test_headline_counts_link_to_the_filtered_list(
    client: FlaskClient, session: Session, two_policies: School, headteacher: StaffMember
) -> None:
    fill_staff(session, two_policies, 30)
    sign_in_as(client, headteacher)
    page = client.get("/console/").get_data(as_text=True)
    link = re.search(
        r'href="(/console/\?policy=acceptable-use&amp;status=induction_overdue)"', page
    )
    assert link is not None
    filtered = client.get(link.group(1).replace("&amp;", "&")).get_data(as_text=True)
    names = re.findall(r'href="/console/staff/\d+">([^<]+)<', filtered)
    assert names
    assert all(re.fullmatch(r"Person \d{5}|Staff Member \d+|Helen Carter", name) for name in names)
    assert "induction overdue" in filtered


def test_search_category_and_pages(
    client: FlaskClient, session: Session, two_policies: School, headteacher: StaffMember
) -> None:
    fill_staff(session, two_policies, 120)
    sign_in_as(client, headteacher)
    first = session.scalars(
        select(StaffMember.name).where(StaffMember.name.like("Person %")).order_by(StaffMember.id)
    ).first()
    found = client.get(f"/console/?q={first.lower()}").get_data(as_text=True)
    assert "Showing 1 to 1 of 1" in found
    governors = client.get("/console/?category=governor").get_data(as_text=True)
    assert "Showing 1 to 20 of 20" in governors
    second = client.get("/console/?page=2").get_data(as_text=True)
    assert "Showing 51 to 100 of 121" in second
    assert client.get("/console/?page=99").status_code == 200
    assert client.get("/console/?page=x&sort=nonsense&status=nope").status_code == 200


def test_the_headteacher_lands_on_the_console_after_signing_in(
    client: FlaskClient, headteacher: StaffMember, staff: StaffMember
) -> None:
    response = client.post("/login", data={"email": headteacher.email, "password": PASSWORD})
    assert response.headers["Location"] == "/console/"
    client.post("/logout")
    response = client.post("/login", data={"email": staff.email, "password": PASSWORD})
    assert response.headers["Location"] == "/"


def test_on_a_phone_each_cell_names_its_column(
    client: FlaskClient, session: Session, two_policies: School, headteacher: StaffMember
) -> None:
    fill_staff(session, two_policies, 3)
    sign_in_as(client, headteacher)
    page = client.get("/console/?policy=social-networking").get_data(as_text=True)
    assert 'data-label="Status"' in page
    assert 'data-label="Certificate"' in page
    assert "app-table-scroll" not in page
