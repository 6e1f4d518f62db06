"""Two-step sign-in: setting it up, signing in with a code or a recovery code, the school's rule."""

from __future__ import annotations

import re
from datetime import timedelta
from pathlib import Path
from typing import Any

import pyotp
import pytest
from click.testing import CliRunner
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import create_engine, func, select
from sqlalchemy.orm import Session

from elearn.accounts.models import RecoveryCode, School, StaffMember
from elearn.accounts.service import issue_setup_link
from elearn.audit.models import AuditEvent, EventKind
from elearn.cli import main
from elearn.clock import FixedClock
from tests.conftest import NOW, sign_in_as
from tests.factories import PASSWORD, TwoStep, make_two_step

PENDING = "two_step_pending"


@pytest.fixture
def head_two_step(session: Session, headteacher: StaffMember, clock: FixedClock) -> TwoStep:
    # Turning it on ends other sessions: ask for this fixture before `as_headteacher`.
    account = make_two_step(session, headteacher, clock.now())
    session.commit()
    return account


def sign_in(client: FlaskClient, member: StaffMember, password: str = PASSWORD) -> Any:
    return client.post("/login", data={"email": member.email, "password": password})


def enter_code(client: FlaskClient, code: str) -> Any:
    return client.post("/login/two-step", data={"code": code})


def is_signed_in(client: FlaskClient) -> bool:
    return client.get("/").status_code == 200


def require_two_step(session: Session, school: School) -> None:
    school.requires_two_step = True
    session.commit()


# Setting it up


def start_set_up(client: FlaskClient, password: str = PASSWORD) -> Any:
    return client.post("/account/two-step/start", data={"start-password": password})


def set_up_key(page: str) -> str:
    key = re.search(r'id="two-step-key">([A-Z2-7 ]+)<', page)
    assert key is not None, "no key on the page"
    return key.group(1).replace(" ", "")


def test_set_up_starts_with_the_password_and_no_secret_before_it(
    as_headteacher: FlaskClient, session: Session, headteacher: StaffMember
) -> None:
    page = as_headteacher.get("/account/two-step").get_data(as_text=True)
    assert 'name="start-password"' in page
    assert "two-step-key" not in page
    session.refresh(headteacher)
    assert headteacher.two_step_secret is None


def test_set_up_is_not_started_with_a_wrong_password(
    as_headteacher: FlaskClient, session: Session, headteacher: StaffMember
) -> None:
    response = start_set_up(as_headteacher, "not my password")
    assert response.status_code == 400
    assert "Your password is not right." in response.get_data(as_text=True)
    session.refresh(headteacher)
    assert headteacher.two_step_secret is None


def test_set_up_page_shows_a_qr_code_and_the_key_to_type(
    as_headteacher: FlaskClient, session: Session, headteacher: StaffMember
) -> None:
    response = start_set_up(as_headteacher)
    assert response.headers["Location"] == "/account/two-step"
    page = as_headteacher.get("/account/two-step").get_data(as_text=True)
    session.refresh(headteacher)
    assert headteacher.two_step_secret is not None
    assert not headteacher.has_two_step
    assert 'src="data:image/svg+xml' in page
    assert set_up_key(page) == headteacher.two_step_secret


def test_each_start_of_set_up_makes_a_new_key(as_headteacher: FlaskClient) -> None:
    start_set_up(as_headteacher)
    first = set_up_key(as_headteacher.get("/account/two-step").get_data(as_text=True))
    start_set_up(as_headteacher)
    second = set_up_key(as_headteacher.get("/account/two-step").get_data(as_text=True))
    assert first != second


def test_an_unconfirmed_key_expires_after_fifteen_minutes(
    as_headteacher: FlaskClient, session: Session, headteacher: StaffMember, clock: FixedClock
) -> None:
    start_set_up(as_headteacher)
    session.refresh(headteacher)
    clock.advance(minutes=16)
    code = pyotp.TOTP(headteacher.two_step_secret or "").at(clock.now())
    response = as_headteacher.post("/account/two-step", data={"code": code})
    assert response.status_code == 400
    assert "start again" in response.get_data(as_text=True)
    assert "two-step-key" not in as_headteacher.get("/account/two-step").get_data(as_text=True)
    session.refresh(headteacher)
    assert not headteacher.has_two_step


def test_a_current_code_turns_two_step_on_and_shows_ten_recovery_codes_once(
    as_headteacher: FlaskClient, session: Session, headteacher: StaffMember, clock: FixedClock
) -> None:
    start_set_up(as_headteacher)
    session.refresh(headteacher)
    clock.advance(minutes=14)
    code = pyotp.TOTP(headteacher.two_step_secret or "").at(clock.now())
    response = as_headteacher.post("/account/two-step", data={"code": code})
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    codes = re.findall(r"<li><code>([a-z2-9 ]+)</code></li>", page)
    assert len(codes) == 10
    session.refresh(headteacher)
    assert headteacher.has_two_step
    hashes = session.scalars(select(RecoveryCode.code_hash)).all()
    assert len(hashes) == 10
    assert not {code.replace(" ", "") for code in codes} & set(hashes)
    again = as_headteacher.get("/account/two-step").get_data(as_text=True)
    assert "You have 10 unused recovery codes" in again
    assert codes[0] not in again


def test_a_wrong_code_does_not_turn_two_step_on(
    as_headteacher: FlaskClient, session: Session, headteacher: StaffMember
) -> None:
    start_set_up(as_headteacher)
    response = as_headteacher.post("/account/two-step", data={"code": "000000"})
    assert response.status_code == 400
    assert "That code is not right" in response.get_data(as_text=True)
    session.refresh(headteacher)
    assert not headteacher.has_two_step


def test_turning_two_step_on_signs_out_other_devices(
    app: Flask, session: Session, headteacher: StaffMember, clock: FixedClock
) -> None:
    laptop, phone = app.test_client(), app.test_client()
    sign_in_as(laptop, headteacher)
    sign_in_as(phone, headteacher)
    start_set_up(laptop)
    session.refresh(headteacher)
    code = pyotp.TOTP(headteacher.two_step_secret or "").at(clock.now())
    assert laptop.post("/account/two-step", data={"code": code}).status_code == 200
    assert is_signed_in(laptop)
    assert not is_signed_in(phone)


# Signing in


def test_a_right_password_alone_does_not_sign_in_with_two_step_on(
    client: FlaskClient, headteacher: StaffMember, head_two_step: TwoStep
) -> None:
    response = sign_in(client, headteacher)
    assert response.status_code == 303
    assert response.headers["Location"] == "/login/two-step"
    with client.session_transaction() as flask_session:
        assert "_user_id" not in flask_session
        assert PENDING in flask_session
    assert not is_signed_in(client)


def test_the_current_code_finishes_signing_in(
    client: FlaskClient, headteacher: StaffMember, head_two_step: TwoStep, clock: FixedClock
) -> None:
    sign_in(client, headteacher)
    response = enter_code(client, head_two_step.code_at(clock.now()))
    assert response.status_code == 303
    assert response.headers["Location"] == "/console/"
    assert is_signed_in(client)
    with client.session_transaction() as flask_session:
        assert PENDING not in flask_session


@pytest.mark.parametrize(
    ("offset", "accepted"),
    [(-30, True), (0, True), (30, True), (-90, False), (90, False)],
    ids=["previous-step", "current-step", "next-step", "three-steps-old", "three-steps-ahead"],
)
def test_codes_are_accepted_one_step_either_side_for_clock_drift(
    client: FlaskClient,
    headteacher: StaffMember,
    head_two_step: TwoStep,
    clock: FixedClock,
    offset: int,
    accepted: bool,
) -> None:
    sign_in(client, headteacher)
    code = head_two_step.code_at(clock.now() + timedelta(seconds=offset))
    assert (enter_code(client, code).status_code == 303) is accepted


def test_a_code_that_worked_once_does_not_work_again(
    app: Flask, headteacher: StaffMember, head_two_step: TwoStep, clock: FixedClock
) -> None:
    code = head_two_step.code_at(clock.now())
    first, second = app.test_client(), app.test_client()
    sign_in(first, headteacher)
    sign_in(second, headteacher)
    assert enter_code(first, code).status_code == 303
    clock.advance(seconds=10)
    replay = enter_code(second, code)
    assert replay.status_code == 400
    assert not is_signed_in(second)


def test_a_recovery_code_signs_in_once(
    client: FlaskClient, headteacher: StaffMember, head_two_step: TwoStep
) -> None:
    recovery = head_two_step.recovery_codes[0]
    sign_in(client, headteacher)
    response = enter_code(client, recovery.upper().replace(" ", "-"))
    assert response.status_code == 303
    assert "You have 9 left" in client.get("/").get_data(as_text=True)
    client.post("/logout")
    sign_in(client, headteacher)
    assert enter_code(client, recovery).status_code == 400


def test_five_wrong_codes_end_the_half_finished_sign_in(
    client: FlaskClient, headteacher: StaffMember, head_two_step: TwoStep, clock: FixedClock
) -> None:
    sign_in(client, headteacher)
    for _ in range(4):
        assert enter_code(client, "123456").status_code == 400
    fifth = enter_code(client, "123456")
    assert fifth.status_code == 429
    assert "Sign in again" in fifth.get_data(as_text=True)
    after = enter_code(client, head_two_step.code_at(clock.now()))
    assert after.headers["Location"] == "/login"
    assert not is_signed_in(client)


def test_replaying_the_cookie_from_before_the_wrong_codes_does_not_reset_the_count(
    app: Flask, headteacher: StaffMember, head_two_step: TwoStep, clock: FixedClock
) -> None:
    client = app.test_client()
    sign_in(client, headteacher)
    cookie = client.get_cookie("session")
    assert cookie is not None
    for _ in range(5):
        enter_code(client, "123456")
    replay = app.test_client()
    replay.set_cookie("session", cookie.value)
    assert enter_code(replay, head_two_step.code_at(clock.now())).status_code == 429
    assert not is_signed_in(replay)


def test_the_half_finished_sign_in_ends_after_ten_minutes(
    client: FlaskClient, headteacher: StaffMember, head_two_step: TwoStep, clock: FixedClock
) -> None:
    sign_in(client, headteacher)
    clock.advance(minutes=11)
    response = enter_code(client, head_two_step.code_at(clock.now()))
    assert response.status_code == 429
    assert not is_signed_in(client)


def test_the_code_page_without_a_password_first_goes_to_sign_in(
    client: FlaskClient, headteacher: StaffMember
) -> None:
    response = client.get("/login/two-step")
    assert response.headers["Location"] == "/login"


def test_sign_in_with_two_step_keeps_the_page_asked_for(
    client: FlaskClient, headteacher: StaffMember, head_two_step: TwoStep, clock: FixedClock
) -> None:
    client.post(
        "/login",
        query_string={"next": "/console/"},
        data={"email": headteacher.email, "password": PASSWORD},
    )
    response = enter_code(client, head_two_step.code_at(clock.now()))
    assert response.headers["Location"] == "/console/"


# Managing it


def test_new_recovery_codes_replace_the_old_ones(
    head_two_step: TwoStep, as_headteacher: FlaskClient, session: Session
) -> None:
    response = as_headteacher.post(
        "/account/two-step/recovery-codes", data={"renew-password": PASSWORD}
    )
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert head_two_step.recovery_codes[0] not in page
    assert len(re.findall(r"<li><code>", page)) == 10
    assert session.scalar(select(func.count(RecoveryCode.id))) == 10


def test_new_recovery_codes_need_the_password(
    head_two_step: TwoStep, as_headteacher: FlaskClient
) -> None:
    response = as_headteacher.post(
        "/account/two-step/recovery-codes", data={"renew-password": "not my password"}
    )
    assert response.status_code == 400
    assert "Your password is not right." in response.get_data(as_text=True)


def test_turning_two_step_off_needs_the_password(
    head_two_step: TwoStep, as_headteacher: FlaskClient, session: Session, headteacher: StaffMember
) -> None:
    wrong = as_headteacher.post("/account/two-step/off", data={"off-password": "not my password"})
    assert wrong.status_code == 400
    right = as_headteacher.post("/account/two-step/off", data={"off-password": PASSWORD})
    assert right.status_code == 303
    session.refresh(headteacher)
    assert not headteacher.has_two_step
    assert session.scalar(select(func.count(RecoveryCode.id))) == 0


def test_two_step_cannot_be_turned_off_while_the_school_requires_it(
    head_two_step: TwoStep,
    as_headteacher: FlaskClient,
    session: Session,
    school: School,
    headteacher: StaffMember,
) -> None:
    require_two_step(session, school)
    response = as_headteacher.post("/account/two-step/off", data={"off-password": PASSWORD})
    assert response.status_code == 400
    assert "cannot be turned off" in response.get_data(as_text=True)
    session.refresh(headteacher)
    assert headteacher.has_two_step


# The school's rule


def test_headteacher_requires_two_step_on_the_security_page(
    as_headteacher: FlaskClient, session: Session, school: School
) -> None:
    assert as_headteacher.get("/console/security").status_code == 200
    response = as_headteacher.post("/console/security", data={"required": "yes"})
    assert response.status_code == 303
    session.refresh(school)
    assert school.requires_two_step


def test_when_required_a_headteacher_without_two_step_is_sent_to_set_it_up_at_sign_in(
    client: FlaskClient, session: Session, school: School, headteacher: StaffMember
) -> None:
    require_two_step(session, school)
    response = sign_in(client, headteacher)
    assert response.headers["Location"] == "/account/two-step"


@pytest.mark.parametrize(
    "path", ["/", "/console/", "/console/audit", "/account/password"], ids=lambda path: path
)
def test_when_required_no_other_page_works_until_two_step_is_set_up(
    as_headteacher: FlaskClient, session: Session, school: School, path: str
) -> None:
    require_two_step(session, school)
    assert as_headteacher.get(path).headers["Location"] == "/account/two-step"


def test_when_required_staff_are_not_asked_to_set_up_two_step(
    as_staff: FlaskClient, session: Session, school: School
) -> None:
    require_two_step(session, school)
    assert as_staff.get("/").status_code == 200


def test_when_required_a_headteacher_with_two_step_carries_on_as_normal(
    head_two_step: TwoStep, as_headteacher: FlaskClient, session: Session, school: School
) -> None:
    require_two_step(session, school)
    assert as_headteacher.get("/console/").status_code == 200


def test_a_set_up_link_for_an_account_with_two_step_still_asks_for_a_code(
    client: FlaskClient, session: Session, headteacher: StaffMember, head_two_step: TwoStep
) -> None:
    token = issue_setup_link(session, headteacher, NOW, timedelta(hours=1))
    session.commit()
    response = client.post(f"/setup/{token}", data={"password": "lantern orchard biscuit"})
    assert response.headers["Location"] == "/login/two-step"
    assert not is_signed_in(client)


# Lost phone and lost recovery codes


def test_the_command_line_turns_two_step_off_for_a_locked_out_headteacher(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    url = f"sqlite:///{tmp_path / 'cli.sqlite'}"
    monkeypatch.setenv("ELEARN_DATABASE_URL", url)
    runner = CliRunner()
    runner.invoke(main, ["init", "--school", "Thorner's"])
    runner.invoke(
        main,
        [
            *("create-user", "--email", "head@school.example", "--name", "Helen Carter"),
            *("--role", "headteacher", "--password-stdin"),
        ],
        input=f"{PASSWORD}\n",
    )
    with Session(create_engine(url)) as direct:
        head = direct.scalars(select(StaffMember)).one()
        make_two_step(direct, head, NOW)
        direct.commit()
    result = runner.invoke(main, ["two-step-off", "--email", "Head@School.example"])
    assert result.exit_code == 0, result.output
    assert "Two-step sign-in is off for head@school.example" in result.output
    with Session(create_engine(url)) as direct:
        head = direct.scalars(select(StaffMember)).one()
        assert not head.has_two_step
        assert direct.scalar(select(func.count(RecoveryCode.id))) == 0
        event = direct.scalars(select(AuditEvent)).one()
        assert (event.event, event.address) == (EventKind.TWO_STEP_DISABLED, "command line")
