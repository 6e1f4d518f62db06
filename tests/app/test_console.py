"""The headteacher's first view: every member of staff, their status, and their certificate."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from typing import Any

import pytest
from flask.testing import FlaskClient
from sqlalchemy.orm import Session

from elearn.accounts.models import School, StaffMember
from elearn.content.schema import Course
from elearn.security import csv_safe
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
    assert few.count <= 11, few.statements


def test_roster_exports_as_csv_with_formulas_made_harmless(
    client: FlaskClient, session: Session, school: School, headteacher: StaffMember, course: Course
) -> None:
    member = make_member(session, school, name='=HYPERLINK("http://evil.example","Click")')
    session.commit()
    finish_course(client, session, member, course)
    sign_in_as(client, headteacher)
    response = client.get("/console/roster.csv?as_of=2027-01-01")
    assert response.status_code == 200
    assert response.mimetype == "text/csv"
    text = response.get_data(as_text=True)
    assert text.startswith("\ufeffName,Email,")  # a byte-order mark, then the header row
    rows = list(csv.reader(io.StringIO(text.removeprefix("\ufeff"))))
    assert rows[0][:6] == ["Name", "Email", "Role", "Start date", "Policy", "Status"]
    exported = next(row for row in rows if member.email in row)
    assert exported[0] == '\'=HYPERLINK("http://evil.example","Click")'
    assert exported[4] == "Social Networking Policy"
    assert exported[5] == "compliant"
    assert exported[10]


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("=1+1", "'=1+1"),
        ("+44 1234", "'+44 1234"),
        ("-2", "'-2"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\tx", "'\tx"),
        ("Amelia", "Amelia"),
        ("", ""),
        (None, ""),
        (85, "85"),
    ],
    ids=["equals", "plus", "minus", "at", "tab", "plain", "empty", "none", "number"],
)
def test_csv_safe_turns_formula_starts_into_text(value: object, expected: str) -> None:
    assert csv_safe(value) == expected
