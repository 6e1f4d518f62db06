"""Signing in and out, throttling, first-run set-up, set-up links and password changes."""

from __future__ import annotations

from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from elearn import create_app
from elearn.accounts import service
from elearn.accounts.models import Role, School, StaffMember
from elearn.clock import FixedClock
from elearn.db import get_db
from elearn.policies.models import Policy
from elearn.versions.models import PolicyVersion
from tests.conftest import NOW, sign_in_as
from tests.factories import PASSWORD, make_member


def sign_in(client: FlaskClient, email: str, password: str, **kwargs: Any) -> Any:
    return client.post("/login", data={"email": email, "password": password}, **kwargs)


def test_sign_in_with_the_right_password_goes_to_my_training(
    client: FlaskClient, staff: StaffMember
) -> None:
    response = sign_in(client, staff.email.upper(), PASSWORD)
    assert response.status_code == 303
    assert response.headers["Location"] == "/"
    assert "Amelia Hart" in client.get("/").get_data(as_text=True)


def test_unknown_email_and_wrong_password_get_the_same_answer(
    client: FlaskClient, staff: StaffMember
) -> None:
    unknown = sign_in(client, "nobody@school.example", PASSWORD)
    wrong = sign_in(client, staff.email, "not the password")
    assert unknown.status_code == wrong.status_code == 400
    assert unknown.get_data(as_text=True) == wrong.get_data(as_text=True).replace(
        staff.email, "nobody@school.example"
    )
    assert "Enter a correct email address and password." in wrong.get_data(as_text=True)


ATTACKER = {"REMOTE_ADDR": "203.0.113.66"}
HEAD_OFFICE = {"REMOTE_ADDR": "198.51.100.7"}


def test_sign_in_is_throttled_for_an_account_at_an_address_after_five_failures(
    client: FlaskClient, staff: StaffMember
) -> None:
    for _ in range(5):
        assert sign_in(client, staff.email, "wrong password").status_code == 400
    throttled = sign_in(client, staff.email, PASSWORD)
    assert throttled.status_code == 429
    assert "Too many failed attempts" in throttled.get_data(as_text=True)


@pytest.mark.parametrize(
    ("failures", "expected"), [(4, 303), (5, 429)], ids=["four-failures", "five-failures"]
)
def test_the_account_and_address_limit_starts_at_the_fifth_failure(
    client: FlaskClient, staff: StaffMember, failures: int, expected: int
) -> None:
    for _ in range(failures):
        sign_in(client, staff.email, "wrong password")
    assert sign_in(client, staff.email, PASSWORD).status_code == expected


def test_throttling_ends_when_the_window_has_passed(
    client: FlaskClient, staff: StaffMember, clock: FixedClock
) -> None:
    for _ in range(5):
        sign_in(client, staff.email, "wrong password")
    clock.advance(minutes=16)
    assert sign_in(client, staff.email, PASSWORD).status_code == 303


def test_an_attacker_at_one_address_cannot_lock_the_headteacher_out_from_another(
    app: Flask, headteacher: StaffMember
) -> None:
    attacker = app.test_client()
    for _ in range(20):
        sign_in(attacker, headteacher.email, "guessing again", environ_base=ATTACKER)
    assert sign_in(attacker, headteacher.email, PASSWORD, environ_base=ATTACKER).status_code == 429
    head = app.test_client()
    response = sign_in(head, headteacher.email, PASSWORD, environ_base=HEAD_OFFICE)
    assert response.status_code == 303


def test_a_distributed_attack_gets_one_guess_per_address_once_over_the_account_limit(
    app: Flask, headteacher: StaffMember
) -> None:
    client = app.test_client()
    for number in range(50):  # 50 addresses, one wrong guess each
        address = {"REMOTE_ADDR": f"203.0.113.{number + 1}"}
        assert sign_in(client, headteacher.email, "guess", environ_base=address).status_code == 400
    again = {"REMOTE_ADDR": "203.0.113.1"}
    assert sign_in(client, headteacher.email, "guess", environ_base=again).status_code == 429
    response = sign_in(client, headteacher.email, PASSWORD, environ_base=HEAD_OFFICE)
    assert response.status_code == 303


def test_throttling_holds_across_server_processes(
    app: Flask, app_config: dict[str, Any], staff: StaffMember
) -> None:
    # A second app on the same database stands in for a second server process.
    other = create_app(dict(app_config, CLOCK=app.extensions["elearn.clock"]))
    connection_bound = get_db(app).session_factory
    get_db(other).session_factory = connection_bound
    for _ in range(5):
        sign_in(app.test_client(), staff.email, "wrong password")
    assert sign_in(other.test_client(), staff.email, PASSWORD).status_code == 429


STAFF_ROOM = {"REMOTE_ADDR": "192.0.2.10"}  # every member of staff behind one public address


def test_wrong_passwords_from_the_staff_room_never_lock_out_the_headteacher(
    client: FlaskClient, session: Session, school: School, headteacher: StaffMember
) -> None:
    # Twenty people mistype, or one pupil tries twenty addresses, on the school's network.
    for number in range(20):
        sign_in(client, f"guess{number}@school.example", "wrong password", environ_base=STAFF_ROOM)
    colleague = make_member(session, school)
    session.commit()
    for _ in range(4):
        sign_in(client, colleague.email, "wrong password", environ_base=STAFF_ROOM)
    response = sign_in(client, headteacher.email, PASSWORD, environ_base=STAFF_ROOM)
    assert response.status_code == 303


def test_an_address_trying_many_accounts_gets_no_second_guess_at_any_of_them(
    client: FlaskClient, staff: StaffMember
) -> None:
    for number in range(20):
        assert sign_in(client, f"guess{number}@school.example", "wrong").status_code == 400
    assert sign_in(client, "guess0@school.example", "another guess").status_code == 429


def test_an_address_trying_many_accounts_still_gets_one_guess_at_a_new_account(
    client: FlaskClient, staff: StaffMember
) -> None:
    for number in range(20):
        sign_in(client, f"guess{number}@school.example", "wrong")
    assert sign_in(client, staff.email, "wrong").status_code == 400
    assert sign_in(client, staff.email, PASSWORD).status_code == 429


def test_the_address_limit_counts_accounts_not_failures(
    client: FlaskClient, staff: StaffMember
) -> None:
    # One person mistyping their own password is the account-and-address limit's business.
    for _ in range(4):
        sign_in(client, staff.email, "wrong")
    for number in range(18):
        sign_in(client, f"guess{number}@school.example", "wrong")
    assert sign_in(client, staff.email, PASSWORD).status_code == 303


@pytest.mark.parametrize(
    ("target", "expected"),
    [
        ("/history", "/history"),
        ("https://evil.example/", "/"),
        ("//evil.example/", "/"),
        ("/\\evil.example", "/"),
        ("javascript:alert(1)", "/"),
    ],
    ids=["own-page", "other-site", "protocol-relative", "backslash", "javascript"],
)
def test_sign_in_redirects_only_to_this_site(
    client: FlaskClient, staff: StaffMember, target: str, expected: str
) -> None:
    response = client.post(
        "/login",
        query_string={"next": target},
        data={"email": staff.email, "password": PASSWORD},
    )
    assert response.headers["Location"] == expected


def test_sign_out_is_post_only_and_ends_the_session(as_staff: FlaskClient) -> None:
    assert as_staff.get("/logout").status_code == 405
    assert as_staff.post("/logout").status_code == 303
    assert as_staff.get("/").headers["Location"].startswith("/login")


def test_first_run_sets_up_the_school_and_headteacher_then_disappears(
    client: FlaskClient, session: Session
) -> None:
    page = client.get("/setup")
    assert page.status_code == 200
    response = client.post(
        "/setup",
        data={
            "school": "Thorner's CE VA Primary School",
            "name": "Helen Carter",
            "email": "head@thorners.example",
            "password": "three random words",
        },
    )
    assert response.status_code == 303
    assert response.headers["Location"] == "/console/"
    head = session.scalars(select(StaffMember)).one()
    assert head.role is Role.HEADTEACHER
    assert session.scalars(select(School)).one().name == "Thorner's CE VA Primary School"
    # The school starts with every course in the library, each with its first version.
    assert sorted(session.scalars(select(Policy.slug))) == ["acceptable-use", "social-networking"]
    assert session.scalar(select(func.count(PolicyVersion.id))) == 2
    assert client.get("/setup").headers["Location"] == "/login"


def test_first_run_rejects_a_weak_password_and_keeps_the_input(
    client: FlaskClient, session: Session
) -> None:
    response = client.post(
        "/setup",
        data={
            "school": "Thorner's",
            "name": "Helen Carter",
            "email": "head@thorners.example",
            "password": "short",
        },
    )
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "at least 10 characters" in page
    assert 'value="head@thorners.example"' in page
    assert session.scalar(select(func.count(StaffMember.id))) == 0


def add_staff(client: FlaskClient, **overrides: str) -> Any:
    data = {
        "name": "Nguyễn Thị Ánh",
        "email": "anh@school.example",
        "category": "supply_staff",
        "starts_on": ["1", "9", "2026"],
    }
    data.update(overrides)
    return client.post("/console/staff/new", data=data)


def setup_path(page: str) -> str:
    start = page.index("/setup/")
    return page[start : page.index("<", start)]


def test_headteacher_adds_staff_and_gets_a_one_time_set_up_link(
    as_headteacher: FlaskClient, session: Session
) -> None:
    response = add_staff(as_headteacher)
    assert response.status_code == 201
    path = setup_path(response.get_data(as_text=True))
    member = session.scalars(
        select(StaffMember).where(StaffMember.email == "anh@school.example")
    ).one()
    assert member.password_hash is None
    assert member.starts_on.isoformat() == "2026-09-01"
    as_headteacher.post("/logout")
    assert as_headteacher.get(path).status_code == 200
    chosen = as_headteacher.post(path, data={"password": "a long new password"})
    assert chosen.status_code == 303
    assert "Nguyễn Thị Ánh" in as_headteacher.get("/").get_data(as_text=True)
    as_headteacher.post("/logout")
    assert as_headteacher.get(path).status_code == 410


def test_set_up_link_expires(as_headteacher: FlaskClient, clock: FixedClock) -> None:
    path = setup_path(add_staff(as_headteacher).get_data(as_text=True))
    as_headteacher.post("/logout")
    clock.advance(hours=73)
    response = as_headteacher.get(path)
    assert response.status_code == 410
    assert "has run out" in response.get_data(as_text=True)


def test_adding_staff_with_an_email_in_use_re_renders_with_an_error(
    as_headteacher: FlaskClient, staff: StaffMember
) -> None:
    response = add_staff(as_headteacher, email=staff.email)
    assert response.status_code == 400
    assert "There is already an account" in response.get_data(as_text=True)


@pytest.mark.parametrize(
    "overrides",
    [
        {"starts_on": ["31", "2", "2026"]},
        {"email": "not-an-email"},
        {"category": "janitor"},
        {"name": ""},
    ],
    ids=["impossible-date", "bad-email", "unknown-category", "no-name"],
)
def test_adding_staff_with_bad_input_re_renders_with_errors(
    as_headteacher: FlaskClient, session: Session, overrides: dict[str, str]
) -> None:
    response = add_staff(as_headteacher, **overrides)
    assert response.status_code == 400
    assert "There is a problem" in response.get_data(as_text=True)
    assert (
        session.scalar(
            select(func.count(StaffMember.id)).where(StaffMember.email == "anh@school.example")
        )
        == 0
    )


def test_changing_password_ends_other_sessions(app: Flask, staff: StaffMember) -> None:
    laptop, phone = app.test_client(), app.test_client()
    sign_in(laptop, staff.email, PASSWORD)
    sign_in(phone, staff.email, PASSWORD)
    response = laptop.post(
        "/account/password", data={"current": PASSWORD, "password": "a brand new password"}
    )
    assert response.status_code == 303
    assert laptop.get("/").status_code == 200
    assert phone.get("/").headers["Location"].startswith("/login")


def test_copied_session_cookie_stops_working_after_sign_out(app: Flask, staff: StaffMember) -> None:
    browser = app.test_client()
    sign_in(browser, staff.email, PASSWORD)
    cookie = browser.get_cookie("session")
    assert cookie is not None
    thief = app.test_client()
    thief.set_cookie("session", cookie.value)
    assert thief.get("/").status_code == 200
    browser.post("/logout")
    assert thief.get("/").headers["Location"].startswith("/login")


def test_change_password_with_wrong_current_password_shows_an_error(as_staff: FlaskClient) -> None:
    response = as_staff.post(
        "/account/password", data={"current": "wrong one here", "password": "a brand new password"}
    )
    assert response.status_code == 400
    assert "Your current password is not right." in response.get_data(as_text=True)


def test_staff_can_be_signed_in_by_id_only_with_the_current_session_token(
    client: FlaskClient, session: Session, staff: StaffMember
) -> None:
    sign_in_as(client, staff)
    staff.session_token = "changed"
    session.commit()
    assert client.get("/").headers["Location"].startswith("/login")


@pytest.mark.parametrize(
    ("password", "message"),
    [
        ("short", "at least 10 characters"),
        ("password123456", "too easy to guess: this is similar to a commonly used password"),
        ("qwertyuiopas", "too easy to guess"),
        ("1234567890", "too easy to guess: this is a top-100 common password"),
        ("aaaaaaaaaaaaaaaa", 'too easy to guess: repeats like "aaa" are easy to guess'),
        ("Password12345", "A capital letter does not help much."),
        ("amelia.hart@school.example", "must not be your email address"),
        ("Amelia Hart", "must not be your name"),
        ("ameliahart2026", "too easy to guess"),
        ("thornersschool", "too easy to guess"),
        ("x" * 201, "200 characters or fewer"),
    ],
    ids=[
        "too-short",
        "common-with-digits",
        "keyboard-row",
        "top-100",
        "repeated-letter",
        "capital-letter-advice",
        "own-email",
        "own-name",
        "own-name-and-year",
        "school-name",
        "too-long",
    ],
)
def test_a_weak_password_is_refused_with_advice(password: str, message: str) -> None:
    problem = service.password_problem(
        password,
        email="amelia.hart@school.example",
        name="Amelia Hart",
        school="Thorner's School",
    )
    assert problem is not None
    assert message in problem
    if "too easy to guess" in message:
        assert problem.endswith("Try three random words together.")


@pytest.mark.parametrize(
    "password",
    [PASSWORD, "lantern orchard biscuit", "kettle meadow violin", "a brand new password"],
    ids=["factory-password", "three-words", "three-more-words", "test-password"],
)
def test_a_strong_passphrase_is_accepted(password: str) -> None:
    assert (
        service.password_problem(
            password, email="amelia.hart@school.example", name="Amelia Hart", school="Thorner's"
        )
        is None
    )


def test_a_long_passphrase_beyond_what_zxcvbn_reads_is_judged_on_its_start() -> None:
    assert service.password_problem("lantern orchard biscuit " * 8) is None
    assert service.password_problem("a" * 150) is not None


def test_changing_to_a_common_password_shows_why_and_keeps_the_old_one(
    as_staff: FlaskClient, session: Session, staff: StaffMember
) -> None:
    old_hash = staff.password_hash
    response = as_staff.post(
        "/account/password", data={"current": PASSWORD, "password": "password123456"}
    )
    assert response.status_code == 400
    assert "That password is too easy to guess" in response.get_data(as_text=True)
    session.refresh(staff)
    assert staff.password_hash == old_hash


def test_set_up_still_waits_for_the_real_school_after_the_demo(
    client: FlaskClient, session: Session, library: Any
) -> None:
    from elearn.demo import DEMO_SCHOOL, build_demo

    build_demo(session, library, NOW, "https://training.school.example")
    session.commit()
    assert client.get("/login").headers["Location"] == "/setup"
    response = client.post(
        "/setup",
        data={
            "school": "Oakfield Primary School",
            "name": "Olive Head",
            "email": "olive@oakfield.example",
            "password": "lantern orchard biscuit",
        },
    )
    assert response.status_code == 303
    names = sorted(session.scalars(select(School.name)))
    assert names == [DEMO_SCHOOL, "Oakfield Primary School"]
