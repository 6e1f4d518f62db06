"""The headteacher's first view: every member of staff, their status, and their certificate."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask.testing import FlaskClient
from sqlalchemy.orm import Session

from elearn.accounts.models import School, StaffMember
from elearn.content.schema import Course
from tests.app.journey import finish_course
from tests.conftest import sign_in_as
from tests.factories import make_member


def test_roster_lists_everyone_with_status_signing_and_score(
    client: FlaskClient, session: Session, school: School, headteacher: StaffMember, course: Course
) -> None:
    signed = make_member(session, school, name="Tom Okafor")
    unsigned = make_member(session, school, name="Priya Shah")
    session.commit()
    certificate_id = finish_course(client, session, signed, course)
    sign_in_as(client, headteacher)
    page = client.get("/console/").get_data(as_text=True)
    tom = page[page.index(f'id="member-{signed.id}"') :]
    tom = tom[: tom.index("</tr>")]
    assert "Compliant until 24 November 2027" in tom
    assert "24 November 2026" in tom
    assert "This version" in tom
    assert "100%" in tom
    assert f"/certificates/{certificate_id}/download" in tom
    priya = page[page.index(f'id="member-{unsigned.id}"') :]
    priya = priya[: priya.index("</tr>")]
    assert "Never" in priya
    assert "Induction overdue" in priya


def test_roster_makes_the_same_number_of_queries_for_any_number_of_staff(
    client: FlaskClient,
    session: Session,
    school: School,
    headteacher: StaffMember,
    course: Course,
    count_queries: Callable[[], Any],
) -> None:
    finish_course(client, session, make_member(session, school), course)
    sign_in_as(client, headteacher)
    with count_queries() as few:
        assert client.get("/console/").status_code == 200
    for _ in range(6):
        member = make_member(session, school)
        session.commit()
        finish_course(client, session, member, course)
    sign_in_as(client, headteacher)
    with count_queries() as many:
        assert client.get("/console/").status_code == 200
    assert many.count == few.count
    assert few.count <= 10, few.statements
