"""Who may open what: a table of routes by role, including the forbidden cases."""

from __future__ import annotations

import pytest
from flask.testing import FlaskClient
from sqlalchemy.orm import Session

from elearn.accounts.models import School, StaffMember
from elearn.content.schema import Course
from tests.conftest import sign_in_as

ANONYMOUS, STAFF, HEADTEACHER = "anonymous", "staff", "headteacher"

# (method, path, {role: expected status}); "login" means a redirect to the sign-in page.
ROUTES = [
    ("GET", "/", {ANONYMOUS: "login", STAFF: 200, HEADTEACHER: 200}),
    (
        "GET",
        "/policies/social-networking/lessons/{lesson}",
        {ANONYMOUS: "login", STAFF: 200, HEADTEACHER: 200},
    ),
    (
        "GET",
        "/policies/social-networking/assessment",
        {ANONYMOUS: "login", STAFF: 200, HEADTEACHER: 200},
    ),
    (
        "POST",
        "/policies/social-networking/assessment/start",
        {ANONYMOUS: "login", STAFF: 400, HEADTEACHER: 400},
    ),
    (
        "GET",
        "/policies/social-networking/assessment/999999",
        {ANONYMOUS: "login", STAFF: 404, HEADTEACHER: 404},
    ),
    (
        "GET",
        "/policies/social-networking/declaration",
        {ANONYMOUS: "login", STAFF: 400, HEADTEACHER: 400},
    ),
    ("GET", "/certificates/999999/download", {ANONYMOUS: "login", STAFF: 404, HEADTEACHER: 404}),
    ("GET", "/account/password", {ANONYMOUS: "login", STAFF: 200, HEADTEACHER: 200}),
    ("GET", "/console/", {ANONYMOUS: "login", STAFF: 403, HEADTEACHER: 200}),
    ("GET", "/console/staff/new", {ANONYMOUS: "login", STAFF: 403, HEADTEACHER: 200}),
    ("POST", "/console/staff/new", {ANONYMOUS: "login", STAFF: 403, HEADTEACHER: 400}),
    ("POST", "/console/staff/{staff_id}/setup-link", {ANONYMOUS: "login", STAFF: 403}),
    ("GET", "/console/staff/import", {ANONYMOUS: "login", STAFF: 403, HEADTEACHER: 200}),
    ("POST", "/console/staff/import", {ANONYMOUS: "login", STAFF: 403, HEADTEACHER: 400}),
    ("GET", "/console/staff/import/999999", {ANONYMOUS: "login", STAFF: 403, HEADTEACHER: 404}),
    ("POST", "/console/staff/import/999999", {ANONYMOUS: "login", STAFF: 403, HEADTEACHER: 404}),
    ("GET", "/console/staff/{staff_id}/edit", {ANONYMOUS: "login", STAFF: 403, HEADTEACHER: 200}),
    ("POST", "/console/staff/{staff_id}/edit", {ANONYMOUS: "login", STAFF: 403, HEADTEACHER: 400}),
    ("GET", "/setup/not-a-token", {ANONYMOUS: 410}),
    ("GET", "/console/security", {ANONYMOUS: "login", STAFF: 403, HEADTEACHER: 200}),
    ("POST", "/console/security", {ANONYMOUS: "login", STAFF: 403, HEADTEACHER: 400}),
    ("GET", "/console/audit", {ANONYMOUS: "login", STAFF: 403, HEADTEACHER: 200}),
    ("GET", "/console/audit?security=yes", {ANONYMOUS: "login", STAFF: 403, HEADTEACHER: 200}),
    ("GET", "/console/audit.csv", {ANONYMOUS: "login", STAFF: 403, HEADTEACHER: 200}),
    ("GET", "/account/two-step", {ANONYMOUS: "login", STAFF: 403, HEADTEACHER: 200}),
    ("POST", "/account/two-step", {ANONYMOUS: "login", STAFF: 403, HEADTEACHER: 400}),
    ("POST", "/account/two-step/start", {ANONYMOUS: "login", STAFF: 403, HEADTEACHER: 400}),
    ("POST", "/account/two-step/off", {ANONYMOUS: "login", STAFF: 403, HEADTEACHER: 400}),
    (
        "POST",
        "/account/two-step/recovery-codes",
        {ANONYMOUS: "login", STAFF: 403, HEADTEACHER: 400},
    ),
    ("GET", "/login/two-step", {ANONYMOUS: "login"}),
    ("GET", "/verify/AAAA-BBBB-CCCC-DDDD", {ANONYMOUS: 404, STAFF: 404, HEADTEACHER: 404}),
    ("GET", "/healthz", {ANONYMOUS: 200, STAFF: 200, HEADTEACHER: 200}),
    ("GET", "/accessibility", {ANONYMOUS: 200, STAFF: 200, HEADTEACHER: 200}),
    ("GET", "/privacy", {ANONYMOUS: 200, STAFF: 200, HEADTEACHER: 200}),
    ("GET", "/login", {ANONYMOUS: 200}),
    ("GET", "/no-such-page", {ANONYMOUS: 404, STAFF: 404, HEADTEACHER: 404}),
]

CASES = [
    pytest.param(method, path, role, expected, id=f"{method} {path} as {role}")
    for method, path, expectations in ROUTES
    for role, expected in expectations.items()
]


@pytest.mark.parametrize(("method", "path", "role", "expected"), CASES)
def test_route_access_by_role(
    client: FlaskClient,
    course: Course,
    staff: StaffMember,
    headteacher: StaffMember,
    method: str,
    path: str,
    role: str,
    expected: int | str,
) -> None:
    if role == STAFF:
        sign_in_as(client, staff)
    elif role == HEADTEACHER:
        sign_in_as(client, headteacher)
    url = path.format(lesson=course.lessons[0].id, staff_id=staff.id)
    response = client.open(url, method=method)
    if expected == "login":
        assert response.status_code in (302, 303)
        assert response.headers["Location"].startswith("/login")
    else:
        assert response.status_code == expected


def test_staff_cannot_download_another_persons_certificate(
    client: FlaskClient, session: Session, school: School, staff: StaffMember, course: Course
) -> None:
    from tests.app.journey import finish_course
    from tests.factories import make_member

    other = make_member(session, school, name="Tom Okafor")
    session.commit()
    certificate_id = finish_course(client, session, other, course)
    sign_in_as(client, staff)
    response = client.get(f"/certificates/{certificate_id}/download")
    assert response.status_code == 404
    assert b"%PDF" not in response.data


def test_headteacher_downloads_a_staff_certificate_from_the_console(
    client: FlaskClient,
    session: Session,
    staff: StaffMember,
    headteacher: StaffMember,
    course: Course,
) -> None:
    from tests.app.journey import finish_course

    certificate_id = finish_course(client, session, staff, course)
    sign_in_as(client, headteacher)
    console = client.get("/console/")
    assert f"/certificates/{certificate_id}/download".encode() in console.data
    response = client.get(f"/certificates/{certificate_id}/download")
    assert response.status_code == 200
    assert response.data.startswith(b"%PDF")


def test_everything_redirects_to_set_up_until_there_is_a_headteacher(client: FlaskClient) -> None:
    response = client.get("/")
    assert response.status_code == 302
    assert response.headers["Location"] == "/setup"
    assert client.get("/login").headers["Location"] == "/setup"
    assert client.get("/healthz").status_code == 200
