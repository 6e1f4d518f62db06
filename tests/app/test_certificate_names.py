"""Names on certificates: any script the bundled faces can draw is printed; a name with
characters none of them has is refused when it is typed, never printed with a gap."""

from __future__ import annotations

import io

from flask.testing import FlaskClient
from pypdf import PdfReader
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from elearn.accounts.models import School, StaffMember
from elearn.certificates.models import Declaration
from tests.conftest import NOW, sign_in_as
from tests.factories import PASSWORD, learner, make_member

UNPRINTABLE = "प्रिया शर्मा"  # Devanagari needs shaping reportlab cannot do without HarfBuzz


def test_adding_staff_with_a_name_that_cannot_be_printed_is_refused_with_the_reason(
    as_headteacher: FlaskClient, session: Session
) -> None:
    response = as_headteacher.post(
        "/console/staff/new",
        data={
            "name": UNPRINTABLE,
            "email": "priya@school.example",
            "category": "teacher",
            "starts_on": ["1", "9", "2026"],
        },
    )
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "The name has characters that cannot be printed on a certificate" in page
    assert UNPRINTABLE in page  # the input is kept
    count = select(func.count(StaffMember.id)).where(StaffMember.email == "priya@school.example")
    assert session.scalar(count) == 0


def test_signing_with_a_name_that_cannot_be_printed_is_refused_before_anything_is_kept(
    client: FlaskClient, session: Session, school: School, headteacher: StaffMember
) -> None:
    # Added before names were checked.
    member = make_member(session, school, name="Priya Sharma")
    member.name = UNPRINTABLE
    taking = learner(session, member)
    taking.complete_lessons(NOW)
    taking.sit(NOW, rightly=True)
    session.commit()
    sign_in_as(client, member)
    response = client.post(
        "/policies/social-networking/declaration",
        data={"confirm": "y", "signature": UNPRINTABLE, "password": PASSWORD},
    )
    assert response.status_code == 400
    assert "cannot be printed on a certificate" in response.get_data(as_text=True)
    assert "Ask your headteacher to correct it." in response.get_data(as_text=True)
    assert session.scalar(select(func.count(Declaration.id))) == 0


def test_a_chinese_name_is_signed_and_printed_on_the_certificate(
    client: FlaskClient, session: Session, school: School, headteacher: StaffMember
) -> None:
    member = make_member(session, school, name="王小明")
    taking = learner(session, member)
    taking.complete_lessons(NOW)
    taking.sit(NOW, rightly=True)
    session.commit()
    sign_in_as(client, member)
    response = client.post(
        "/policies/social-networking/declaration",
        data={"confirm": "y", "signature": "王小明", "password": PASSWORD},
    )
    assert response.status_code == 303
    certificate_id = response.headers["Location"].rsplit("/", 1)[-1]
    pdf = client.get(f"/certificates/{certificate_id}/download").data
    assert "Name: 王小明" in PdfReader(io.BytesIO(pdf)).pages[0].extract_text().splitlines()
