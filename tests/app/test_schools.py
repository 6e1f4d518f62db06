"""Several schools in one instance, two policies each: nobody reads another school's records or
another person's, each school's certificates name that school, and a trust administrator adds
schools, sees them all and works as headteacher in any of them."""

from __future__ import annotations

import io
import re
from dataclasses import dataclass

import pytest
from flask.testing import FlaskClient
from markupsafe import escape
from pypdf import PdfReader
from sqlalchemy import select
from sqlalchemy.orm import Session

from elearn.accounts.models import Role, School, StaffMember
from elearn.audit.models import AuditEvent, EventKind
from elearn.certificates.models import Certificate
from elearn.content.schema import Course
from elearn.training.models import Attempt
from elearn.versions.models import PolicyVersion
from tests.app.journey import finish_course
from tests.conftest import sign_in_as
from tests.factories import make_member, make_policy, make_school

AUP = "/policies/acceptable-use"
MEADOW = "Meadow Lane Primary School"


@dataclass(frozen=True)
class Side:
    """One school's people and records."""

    school: School
    head: StaffMember
    learner: StaffMember  # finished both policies
    colleague: StaffMember  # has done nothing yet
    certificate_id: int  # the learner's Social Networking certificate
    code: str
    attempt_id: int
    version_id: int


def build_side(
    client: FlaskClient,
    session: Session,
    school: School,
    course: Course,
    aup: Course,
    domain: str,
    names: tuple[str, str, str],
) -> Side:
    head = make_member(
        session, school, role=Role.HEADTEACHER, name=names[0], email=f"head@{domain}"
    )
    learner = make_member(session, school, name=names[1], email=f"learner@{domain}")
    colleague = make_member(session, school, name=names[2], email=f"colleague@{domain}")
    session.commit()
    certificate_id = finish_course(client, session, learner, course)
    finish_course(client, session, learner, aup, AUP)
    certificate = session.get_one(Certificate, certificate_id)
    attempt_id = session.scalars(
        select(Attempt.id).where(Attempt.member_id == learner.id).order_by(Attempt.id)
    ).first()
    version_id = session.scalars(
        select(PolicyVersion.id).where(PolicyVersion.school_id == school.id)
    ).first()
    assert attempt_id is not None
    assert version_id is not None
    return Side(
        school, head, learner, colleague, certificate_id, certificate.code, attempt_id, version_id
    )


@dataclass(frozen=True)
class Trust:
    first: Side
    second: Side
    admin: StaffMember  # a trust administrator, whose own account is at the first school


@pytest.fixture
def trust(
    client: FlaskClient, session: Session, school: School, course: Course, aup: Course
) -> Trust:
    make_policy(session, school, aup)
    meadow = make_school(session, MEADOW)
    make_policy(session, meadow, course)
    make_policy(session, meadow, aup)
    session.commit()
    first = build_side(
        client,
        session,
        school,
        course,
        aup,
        "thorners.example",
        ("Helen Carter", "Amelia Hart", "Tom Okafor"),
    )
    second = build_side(
        client,
        session,
        meadow,
        course,
        aup,
        "meadow.example",
        ("Harriet Jones", "Priya Shah", "Dev Patel"),
    )
    admin = make_member(
        session, school, role=Role.TRUST_ADMIN, name="Trudy Ames", email="trust@trust.example"
    )
    session.commit()
    return Trust(first, second, admin)


ANONYMOUS = "anonymous"
LEARNER = "the learner"
COLLEAGUE = "a colleague at the same school"
HEAD = "their headteacher"
OTHER_LEARNER = "a learner at the other school"
OTHER_HEAD = "the other school's headteacher"
TRUST_ADMIN = "the trust administrator, at their own school"
TRUST_ACTING = "the trust administrator, working at the learner's school"

# (method, path, {role: expected}): every path names the second school's records; "login" is a
# redirect to sign in. Whoever may not see a record gets 403 or 404, never the record.
ROUTES = [
    (
        "GET",
        "/certificates/{certificate}/download",
        {
            ANONYMOUS: "login",
            LEARNER: 200,
            COLLEAGUE: 404,
            HEAD: 200,
            OTHER_LEARNER: 404,
            OTHER_HEAD: 404,
            TRUST_ADMIN: 404,
            TRUST_ACTING: 200,
        },
    ),
    (
        "GET",
        "/certificates/{certificate}",
        {LEARNER: 200, COLLEAGUE: 404, HEAD: 404, OTHER_LEARNER: 404, OTHER_HEAD: 404},
    ),
    (
        "GET",
        "/policies/social-networking/assessment/{attempt}/result",
        {
            ANONYMOUS: "login",
            LEARNER: 200,
            COLLEAGUE: 404,
            HEAD: 404,
            OTHER_LEARNER: 404,
            OTHER_HEAD: 404,
            TRUST_ACTING: 404,
        },
    ),
    (
        "GET",
        "/console/staff/{learner}",
        {
            ANONYMOUS: "login",
            LEARNER: 403,
            COLLEAGUE: 403,
            HEAD: 200,
            OTHER_LEARNER: 403,
            OTHER_HEAD: 404,
            TRUST_ADMIN: 404,
            TRUST_ACTING: 200,
        },
    ),
    (
        "POST",
        "/console/staff/{learner}/archive",
        {OTHER_HEAD: 404, TRUST_ADMIN: 404, COLLEAGUE: 403},
    ),
    (
        "GET",
        "/console/staff/{learner}/edit",
        {HEAD: 200, OTHER_HEAD: 404, TRUST_ADMIN: 404, TRUST_ACTING: 200, LEARNER: 403},
    ),
    (
        "POST",
        "/console/staff/{learner}/edit",
        {OTHER_HEAD: 404, TRUST_ADMIN: 404, COLLEAGUE: 403},
    ),
    (
        "POST",
        "/console/staff/{learner}/setup-link",
        {OTHER_HEAD: 404, TRUST_ADMIN: 404, COLLEAGUE: 403},
    ),
    (
        "GET",
        "/console/policies/social-networking/versions/{version}",
        {HEAD: 200, OTHER_HEAD: 404, TRUST_ADMIN: 404, TRUST_ACTING: 200, LEARNER: 403},
    ),
    (
        "GET",
        "/verify/{code}",
        {ANONYMOUS: 200, OTHER_LEARNER: 200, OTHER_HEAD: 200},
    ),
    (
        "GET",
        "/trust/",
        {
            ANONYMOUS: "login",
            LEARNER: 403,
            HEAD: 403,
            OTHER_HEAD: 403,
            TRUST_ADMIN: 200,
            TRUST_ACTING: 200,
        },
    ),
    (
        "POST",
        "/trust/schools/{school}/act",
        {ANONYMOUS: "login", HEAD: 403, OTHER_HEAD: 403, LEARNER: 403, TRUST_ADMIN: 303},
    ),
]

CASES = [
    pytest.param(method, path, role, expected, id=f"{method} {path} as {role}")
    for method, path, expectations in ROUTES
    for role, expected in expectations.items()
]


def sign_in_for(client: FlaskClient, trust: Trust, role: str) -> None:
    """Sign in as `role`, who stands in relation to the second school's learner."""
    people = {
        LEARNER: trust.second.learner,
        COLLEAGUE: trust.second.colleague,
        HEAD: trust.second.head,
        OTHER_LEARNER: trust.first.learner,
        OTHER_HEAD: trust.first.head,
        TRUST_ADMIN: trust.admin,
        TRUST_ACTING: trust.admin,
    }
    if role == ANONYMOUS:
        return
    sign_in_as(client, people[role])
    if role == TRUST_ACTING:
        with client.session_transaction() as flask_session:
            flask_session["acting_school_id"] = trust.second.school.id


@pytest.mark.parametrize(("method", "path", "role", "expected"), CASES)
def test_route_access_by_role_and_school(
    client: FlaskClient, trust: Trust, method: str, path: str, role: str, expected: int | str
) -> None:
    target = trust.second
    sign_in_for(client, trust, role)
    url = path.format(
        certificate=target.certificate_id,
        attempt=target.attempt_id,
        learner=target.learner.id,
        version=target.version_id,
        code=target.code,
        school=target.school.id,
    )
    response = client.open(url, method=method)
    if expected == "login":
        assert response.status_code in (302, 303)
        assert response.headers["Location"].startswith("/login")
        return
    assert response.status_code == expected
    if response.status_code in (403, 404) and role != LEARNER:
        body = response.get_data(as_text=True)
        assert target.learner.name not in body
        assert b"%PDF" not in response.data


PAGES_WITHOUT_IDS = (
    "/",
    "/history",
    "/console/",
    "/console/?show=archived",
    "/console/roster.csv",
    "/console/audit",
    "/console/audit.csv",
    "/console/policies/",
    "/console/policies/social-networking/",
    "/console/policies/acceptable-use/",
    "/console/security",
    "/policies/social-networking/",
    "/policies/acceptable-use/",
)


@pytest.mark.parametrize("who", ["head", "learner", "colleague"])
def test_pages_without_ids_show_only_the_readers_own_school(
    client: FlaskClient, trust: Trust, who: str
) -> None:
    reader = getattr(trust.first, who)
    other = trust.second
    sign_in_as(client, reader)
    for path in PAGES_WITHOUT_IDS:
        body = client.get(path).get_data(as_text=True)
        for secret in (
            other.school.name,
            other.learner.name,
            other.learner.email,
            other.head.name,
            other.code,
        ):
            assert secret not in body, f"{path} shows {secret}"


def test_the_trust_administrator_acting_at_a_school_sees_that_school_only(
    client: FlaskClient, trust: Trust
) -> None:
    sign_in_as(client, trust.admin)
    response = client.post(f"/trust/schools/{trust.second.school.id}/act")
    assert response.headers["Location"] == "/console/"
    roster = client.get("/console/").get_data(as_text=True)
    assert trust.second.learner.name in roster
    assert trust.first.learner.name not in roster
    assert f"You are working as headteacher of <strong>{MEADOW}</strong>" in roster
    client.post("/trust/stop-acting")
    roster = client.get("/console/").get_data(as_text=True)
    assert trust.first.learner.name in roster
    assert trust.second.learner.name not in roster


def test_the_trust_page_shows_every_schools_figures(client: FlaskClient, trust: Trust) -> None:
    sign_in_as(client, trust.admin)
    page = client.get("/trust/").get_data(as_text=True)
    first = page[page.index(f'id="school-{trust.first.school.id}"') :]
    second = page[page.index(f'id="school-{trust.second.school.id}"') :]
    assert str(escape(trust.first.school.name)) in first
    assert MEADOW in second
    # Thorner's has the trust administrator's own account too.
    assert "Social Networking Policy: 1 of 4 compliant, 3 to act" in first
    assert "Social Networking Policy: 1 of 3 compliant, 2 to act" in second


def test_the_trust_adds_a_school_that_starts_with_every_course(
    client: FlaskClient, session: Session, trust: Trust
) -> None:
    sign_in_as(client, trust.admin)
    response = client.post("/trust/schools", data={"name": "Elm Tree Academy"})
    assert response.status_code == 303
    elm = session.scalars(select(School).where(School.name == "Elm Tree Academy")).one()
    declarations = session.scalars(
        select(PolicyVersion.declaration_text).where(PolicyVersion.school_id == elm.id)
    ).all()
    assert len(declarations) == 2
    assert all("Elm Tree Academy’s" in text for text in declarations)
    again = client.post("/trust/schools", data={"name": "elm tree academy"})
    assert again.status_code == 400
    assert "There is already a school called" in again.get_data(as_text=True)


def test_a_certificate_from_another_school_names_that_school_not_thorners(
    client: FlaskClient, trust: Trust
) -> None:
    sign_in_as(client, trust.second.learner)
    pdf = client.get(f"/certificates/{trust.second.certificate_id}/download").data
    text = " ".join(
        " ".join(page.extract_text().split()) for page in PdfReader(io.BytesIO(pdf)).pages
    )
    assert f"I confirm that I have read {MEADOW}’s Social Networking Policy" in text
    assert MEADOW in text
    assert "Thorner" not in text


def test_verify_names_the_school_that_issued_the_certificate(
    client: FlaskClient, trust: Trust
) -> None:
    page = client.get(f"/verify/{trust.second.code}").get_data(as_text=True)
    assert re.search(rf'id="verify-school">\s*{MEADOW}\s*<', page)


def test_an_address_taken_at_another_school_is_refused_without_saying_where(
    client: FlaskClient, trust: Trust
) -> None:
    sign_in_as(client, trust.first.head)
    response = client.post(
        "/console/staff/new",
        data={
            "name": "Someone Else",
            "email": trust.second.colleague.email,
            "category": "teacher",
            "starts_on": ["1", "9", "2026"],
        },
    )
    assert response.status_code == 400
    body = response.get_data(as_text=True)
    assert f"There is already an account for {trust.second.colleague.email}" in body
    assert MEADOW not in body


def test_audit_events_are_filed_under_the_school_of_the_account_concerned(
    client: FlaskClient, session: Session, trust: Trust
) -> None:
    response = client.post(
        "/login", data={"email": trust.second.learner.email, "password": "not the password"}
    )
    assert response.status_code == 400
    failure = session.scalars(
        select(AuditEvent).where(AuditEvent.event == EventKind.SIGN_IN_FAILED)
    ).one()
    assert failure.school_id == trust.second.school.id
    sign_in_as(client, trust.first.head)
    assert trust.second.learner.email not in client.get("/console/audit").get_data(as_text=True)


def test_the_trust_administrator_can_sign_out_while_working_at_another_school(
    client: FlaskClient, session: Session, trust: Trust
) -> None:
    sign_in_as(client, trust.admin)
    client.post(f"/trust/schools/{trust.second.school.id}/act")
    response = client.post("/logout")
    assert response.status_code == 303
    old_token = trust.admin.session_token
    session.refresh(trust.admin)
    assert trust.admin.session_token != old_token
