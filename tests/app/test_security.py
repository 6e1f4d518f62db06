"""Cross-site request forgery, session cookies, security headers and a fresh session at sign-in.

The app here runs with CSRF protection on, as it does in production.
"""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from elearn.accounts import service as accounts
from elearn.accounts.models import Category, School, StaffMember
from elearn.config import load_config
from elearn.content.schema import Course
from elearn.models import Base
from tests.conftest import csrf_token_from, sign_in_as
from tests.factories import EPOCH, PASSWORD

PENDING = "two_step_pending"
CSRF_REFUSED = "Something was wrong with that request"


@pytest.fixture
def app_config(app_config: dict[str, Any]) -> dict[str, Any]:
    return {**app_config, "WTF_CSRF_ENABLED": True}


@pytest.fixture
def setup_token(session: Session, school: School, headteacher: StaffMember) -> str:
    _member, token = accounts.add_staff_member(
        session,
        school,
        email="new.starter@school.example",
        name="New Starter",
        category=Category.TEACHER,
        starts_on=EPOCH.date(),
        now=EPOCH,
        link_valid_for=timedelta(days=3650),
    )
    session.commit()
    return token


def database_rows(session: Session) -> dict[str, list[Any]]:
    """Every row of every table, to show that a refused request changed nothing."""
    session.expire_all()
    return {
        table.name: [tuple(row) for row in session.execute(select(table)).all()]
        for table in Base.metadata.sorted_tables
    }


# (path, form data that would change something if the request were allowed)
STATE_CHANGING = [
    ("/login", {"email": "{head_email}", "password": PASSWORD}),
    ("/login/two-step", {"code": "123456"}),
    ("/logout", {}),
    (
        "/setup",
        {"school": "Other", "name": "Eve", "email": "eve@evil.example", "password": PASSWORD},
    ),
    ("/setup/{setup_token}", {"password": "lantern orchard biscuit"}),
    ("/account/password", {"current": PASSWORD, "password": "a brand new password"}),
    ("/account/two-step", {"code": "123456"}),
    ("/account/two-step/start", {"start-password": PASSWORD}),
    ("/account/two-step/off", {"off-password": PASSWORD}),
    ("/account/two-step/recovery-codes", {"renew-password": PASSWORD}),
    (
        "/policies/social-networking/declaration",
        {"confirm": "y", "signature": "Helen Carter", "password": PASSWORD},
    ),
    ("/policies/social-networking/assessment/start", {}),
    ("/policies/social-networking/assessment/1", {}),
    ("/policies/social-networking/refresher/start", {}),
    ("/policies/social-networking/lessons/{lesson}/complete", {}),
    ("/policies/social-networking/lessons/{lesson}/practice/1", {"answer": "1"}),
    (
        "/console/staff/new",
        {
            "name": "Eve Intruder",
            "email": "eve@evil.example",
            "category": "teacher",
            "starts_on": ["1", "9", "2026"],
        },
    ),
    ("/console/staff/{staff_id}/setup-link", {}),
    ("/console/staff/import", {"pasted": "Full name,Email,Start date\nEve,eve@evil.example,1/9"}),
    ("/console/staff/import/1", {}),
    (
        "/console/staff/{staff_id}/edit",
        {
            "name": "Eve Intruder",
            "email": "eve@evil.example",
            "category": "teacher",
            "starts_on": ["1", "9", "2026"],
            "is_existing_staff": "no",
            "role": "headteacher",
        },
    ),
    ("/console/security", {"required": "yes"}),
    ("/console/policies/social-networking/upload", {}),
    ("/console/policies/social-networking/from-content", {}),
    ("/console/policies/social-networking/drafts/1", {}),
    ("/console/policies/social-networking/drafts/1/discard", {}),
    ("/console/staff/{staff_id}/pause", {"returns_on": ["1", "9", "2027"]}),
    ("/console/staff/{staff_id}/resume", {}),
    ("/console/staff/{staff_id}/archive", {}),
    ("/console/staff/{staff_id}/restore", {}),
    ("/console/staff/{staff_id}/invitation", {}),
    (
        "/console/reminders",
        {
            "is_on": "no",
            "remind_days_before": "3",
            "overdue_every_days": "1",
            "escalate_after_days": "2",
            "digest_weekday": "0",
        },
    ),
    (
        "/console/reminders/closed",
        {
            "closed-what": "Every day",
            "closed-starts_on": ["24", "11", "2026"],
            "closed-ends_on": ["1", "1", "2028"],
        },
    ),
    ("/console/reminders/closed/remove", {"period": "1"}),
    (
        "/console/policies/defaults",
        {"validity_months": "6", "due_soon_days": "10", "induction_days": "5", "renewal": "months"},
    ),
    ("/console/policies/add", {"course": "social-networking"}),
    (
        "/console/policies/social-networking/rules",
        {
            "mode": "read",
            "audience": ["teacher"],
            "validity_months": "6",
            "due_soon_days": "10",
            "induction_days": "5",
            "renewal": "months",
            "pass_mark": "90",
            "assessment_size": "5",
        },
    ),
    ("/console/policies/social-networking/retire", {}),
    ("/console/policies/social-networking/restore", {}),
    ("/trust/schools", {"name": "Eve's Academy"}),
    ("/trust/share", {"course": "social-networking", "schools": ["1"]}),
    ("/trust/schools/{school_id}/act", {}),
    ("/trust/stop-acting", {}),
]
STATE_CHANGING_IDS = [path for path, _ in STATE_CHANGING]


def fill(path: str, data: dict[str, Any], **values: Any) -> tuple[str, dict[str, Any]]:
    filled = {
        key: value.format(**values) if isinstance(value, str) else value
        for key, value in data.items()
    }
    return path.format(**values), filled


@pytest.fixture
def victim(
    app: Flask, headteacher: StaffMember, staff: StaffMember, setup_token: str
) -> FlaskClient:
    """The headteacher, signed in, with a CSRF token of their own in their session."""
    client = app.test_client()
    sign_in_as(client, headteacher)
    with client.session_transaction() as flask_session:
        flask_session[PENDING] = {
            "user": headteacher.get_id(),
            "email": headteacher.email,
            "since": "2026-11-24T10:00:00+00:00",
            "next": None,
        }
    assert client.get("/console/").status_code == 200
    return client


@pytest.mark.parametrize(("path", "data"), STATE_CHANGING, ids=STATE_CHANGING_IDS)
def test_a_post_without_a_csrf_token_is_refused_and_changes_nothing(
    victim: FlaskClient,
    session: Session,
    course: Course,
    headteacher: StaffMember,
    staff: StaffMember,
    setup_token: str,
    path: str,
    data: dict[str, Any],
) -> None:
    url, form = fill(
        path,
        data,
        head_email=headteacher.email,
        setup_token=setup_token,
        lesson=course.lessons[0].id,
        staff_id=staff.id,
        school_id=staff.school_id,
    )
    before = database_rows(session)
    response = victim.post(url, data=form)
    assert response.status_code == 400
    assert CSRF_REFUSED in response.get_data(as_text=True)
    assert database_rows(session) == before


@pytest.mark.parametrize(("path", "data"), STATE_CHANGING, ids=STATE_CHANGING_IDS)
def test_a_post_with_a_csrf_token_from_another_session_is_refused_and_changes_nothing(
    app: Flask,
    victim: FlaskClient,
    session: Session,
    course: Course,
    headteacher: StaffMember,
    staff: StaffMember,
    setup_token: str,
    path: str,
    data: dict[str, Any],
) -> None:
    attacker = app.test_client()
    stolen = csrf_token_from(attacker.get("/login").get_data(as_text=True))
    url, form = fill(
        path,
        data,
        head_email=headteacher.email,
        setup_token=setup_token,
        lesson=course.lessons[0].id,
        staff_id=staff.id,
        school_id=staff.school_id,
    )
    before = database_rows(session)
    response = victim.post(url, data={**form, "csrf_token": stolen})
    assert response.status_code == 400
    assert CSRF_REFUSED in response.get_data(as_text=True)
    assert database_rows(session) == before


def test_a_post_with_the_sessions_own_csrf_token_is_accepted(
    victim: FlaskClient, session: Session, school: School
) -> None:
    token = csrf_token_from(victim.get("/console/security").get_data(as_text=True))
    response = victim.post("/console/security", data={"required": "yes", "csrf_token": token})
    assert response.status_code == 303
    session.refresh(school)
    assert school.requires_two_step


def test_every_state_changing_route_is_in_the_csrf_table(app: Flask) -> None:
    placeholders = {
        "/policies/<slug>/": "/policies/social-networking/",
        "<int:school_id>": "{school_id}",
        "<lesson_id>": "{lesson}",
        "<int:member_id>": "{staff_id}",
        "<token>": "{setup_token}",
        "<int:attempt_id>": "1",
        "<int:draft_id>": "1",
        "<int:import_id>": "1",
        "<int:number>": "1",
    }
    posted = set()
    for rule in app.url_map.iter_rules():
        if "POST" in (rule.methods or set()):
            path = rule.rule
            for placeholder, value in placeholders.items():
                path = path.replace(placeholder, value)
            posted.add(path)
    assert posted == set(STATE_CHANGING_IDS)


# Session cookies


@pytest.mark.parametrize(
    ("environment", "secure"),
    [("production", True), ("development", False), ("testing", False)],
    ids=["production", "development", "testing"],
)
def test_session_cookie_is_http_only_same_site_lax_and_secure_in_production(
    tmp_path: Path, environment: str, secure: bool
) -> None:
    config = load_config(tmp_path, environ={"ELEARN_ENV": environment})
    assert config["SESSION_COOKIE_HTTPONLY"] is True
    assert config["SESSION_COOKIE_SAMESITE"] == "Lax"
    assert config["SESSION_COOKIE_SECURE"] is secure
    assert config["REMEMBER_COOKIE_SECURE"] is secure


def test_the_session_cookie_sent_at_sign_in_is_http_only_and_same_site_lax(
    client: FlaskClient, staff: StaffMember
) -> None:
    token = csrf_token_from(client.get("/login").get_data(as_text=True))
    response = client.post(
        "/login", data={"email": staff.email, "password": PASSWORD, "csrf_token": token}
    )
    cookie = response.headers["Set-Cookie"]
    assert cookie.startswith("session=")
    assert "HttpOnly" in cookie
    assert "SameSite=Lax" in cookie


# Security headers

PAGES = {
    "page": "/login",
    "redirect": "/",
    "not-found": "/no-such-page",
    "static-file": "/static/css/elearn.css",
}


def has_strict_csp(value: str) -> bool:
    directives = [part.strip() for part in value.split(";")]
    return "'unsafe-inline'" not in value and "frame-ancestors 'none'" in directives


HEADER_CHECKS = {
    "csp-strict": ("Content-Security-Policy", has_strict_csp),
    "nosniff": ("X-Content-Type-Options", lambda value: value == "nosniff"),
    "referrer-policy": ("Referrer-Policy", lambda value: value == "same-origin"),
    "permissions-policy": ("Permissions-Policy", lambda value: "camera=()" in value),
    "no-framing": ("X-Frame-Options", lambda value: value == "DENY"),
}


@pytest.mark.parametrize("kind", PAGES, ids=list(PAGES))
@pytest.mark.parametrize("check", HEADER_CHECKS, ids=list(HEADER_CHECKS))
def test_every_response_carries_the_security_headers(
    client: FlaskClient, staff: StaffMember, kind: str, check: str
) -> None:
    response = client.get(PAGES[kind])
    expected_status = {"page": 200, "redirect": 302, "not-found": 404, "static-file": 200}
    assert response.status_code == expected_status[kind]
    name, is_right = HEADER_CHECKS[check]
    assert is_right(response.headers.get(name, "")), f"{name}: {response.headers.get(name)}"
    response.close()


# A fresh session at sign-in


def sign_in_with_form(client: FlaskClient, member: StaffMember) -> Any:
    token = csrf_token_from(client.get("/login").get_data(as_text=True))
    return client.post(
        "/login", data={"email": member.email, "password": PASSWORD, "csrf_token": token}
    )


def test_sign_in_keeps_nothing_from_the_session_before_it(
    client: FlaskClient, staff: StaffMember, headteacher: StaffMember
) -> None:
    with client.session_transaction() as flask_session:
        flask_session[PENDING] = {"user": headteacher.get_id(), "email": headteacher.email}
        flask_session["next"] = "/console/"
        flask_session["planted"] = "by someone else"
    assert sign_in_with_form(client, staff).status_code == 303
    with client.session_transaction() as flask_session:
        assert PENDING not in flask_session
        assert "next" not in flask_session
        assert "planted" not in flask_session
        assert flask_session["_user_id"] == staff.get_id()


def test_a_cookie_captured_before_sign_in_is_not_signed_in_afterwards(
    app: Flask, staff: StaffMember
) -> None:
    browser = app.test_client()
    browser.get("/login")
    captured = browser.get_cookie("session")
    assert captured is not None
    assert sign_in_with_form(browser, staff).status_code == 303
    signed_in = browser.get_cookie("session")
    assert signed_in is not None
    assert signed_in.value != captured.value
    attacker = app.test_client()
    attacker.set_cookie("session", captured.value)
    assert attacker.get("/").headers["Location"].startswith("/login")


def test_a_cookie_captured_while_a_code_is_awaited_is_not_signed_in_afterwards(
    app: Flask, session: Session, headteacher: StaffMember
) -> None:
    from tests.factories import make_two_step

    account = make_two_step(session, headteacher, app.extensions["elearn.clock"].now())
    session.commit()
    browser = app.test_client()
    sign_in_with_form(browser, headteacher)
    captured = browser.get_cookie("session")
    assert captured is not None
    page = browser.get("/login/two-step").get_data(as_text=True)
    code = account.code_at(app.extensions["elearn.clock"].now())
    response = browser.post(
        "/login/two-step", data={"code": code, "csrf_token": csrf_token_from(page)}
    )
    assert response.status_code == 303
    attacker = app.test_client()
    attacker.set_cookie("session", captured.value)
    assert attacker.get("/").headers["Location"].startswith("/login")
