"""The headteacher's view of one member of staff, long leave, leavers, rules and forecasts."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import pytest
from click.testing import CliRunner
from flask.testing import FlaskClient
from sqlalchemy.orm import Session

from elearn.accounts.models import School, StaffMember
from elearn.clock import FixedClock
from elearn.content.schema import Course
from tests.app.journey import finish_course
from tests.conftest import sign_in_as
from tests.factories import PASSWORD, make_member


def row_of(page: str, member: StaffMember) -> str:
    start = page.index(f'id="member-{member.id}"')
    return page[start : page.index("</tr>", start)]


# Every field of a policy's rules form, as it would arrive with nothing changed.
RULES = {
    "mode": "learn",
    "audience": [
        "teacher",
        "support_staff",
        "supply_staff",
        "governor",
        "contractor",
        "volunteer",
    ],
    "validity_months": "12",
    "due_soon_days": "30",
    "induction_days": "20",
    "renewal": "months",
    "pass_mark": "80",
    "assessment_size": "12",
}


def test_member_page_shows_status_and_full_history(
    client: FlaskClient,
    session: Session,
    staff: StaffMember,
    headteacher: StaffMember,
    course: Course,
) -> None:
    finish_course(client, session, staff, course)
    sign_in_as(client, headteacher)
    page = client.get(f"/console/staff/{staff.id}").get_data(as_text=True)
    assert "Compliant until 24 November 2027" in page
    for event in (
        "Version November 2023 published",
        "Started induction training",
        "Final assessment",
        "Signed the declaration for version November 2023",
    ):
        assert event in page
    assert page.index("Started induction training") < page.index("Signed the declaration")


def test_pausing_shows_paused_until_the_return_date(
    as_headteacher: FlaskClient, headteacher: StaffMember, staff: StaffMember, clock: FixedClock
) -> None:
    response = as_headteacher.post(
        f"/console/staff/{staff.id}/pause", data={"returns_on": ["1", "3", "2027"]}
    )
    assert response.status_code == 303
    assert "Paused until 1 March 2027" in row_of(
        as_headteacher.get("/console/").get_data(as_text=True), staff
    )
    clock.set(datetime(2027, 3, 2, 9, 0, tzinfo=UTC))
    sign_in_as(as_headteacher, headteacher)  # months later: a new session
    assert "Induction due 21 March 2027" in row_of(
        as_headteacher.get("/console/").get_data(as_text=True), staff
    )


def test_a_return_date_in_the_past_is_refused(
    as_headteacher: FlaskClient, staff: StaffMember
) -> None:
    response = as_headteacher.post(
        f"/console/staff/{staff.id}/pause", data={"returns_on": ["1", "3", "2026"]}
    )
    assert response.status_code == 400
    assert "The return date must be after today" in response.get_data(as_text=True)


def test_resuming_restarts_the_clock(as_headteacher: FlaskClient, staff: StaffMember) -> None:
    as_headteacher.post(f"/console/staff/{staff.id}/pause", data={"returns_on": ["1", "3", "2027"]})
    as_headteacher.post(f"/console/staff/{staff.id}/resume")
    row = row_of(as_headteacher.get("/console/").get_data(as_text=True), staff)
    assert "Paused" not in row


def test_an_archived_leaver_leaves_the_roster_keeps_records_and_cannot_sign_in(
    client: FlaskClient,
    session: Session,
    staff: StaffMember,
    headteacher: StaffMember,
    course: Course,
) -> None:
    certificate_id = finish_course(client, session, staff, course)
    sign_in_as(client, headteacher)
    assert client.post(f"/console/staff/{staff.id}/archive").status_code == 303
    assert f'id="member-{staff.id}"' not in client.get("/console/").get_data(as_text=True)
    archived = client.get("/console/?show=archived").get_data(as_text=True)
    assert "Archived" in row_of(archived, staff)
    assert client.get(f"/certificates/{certificate_id}/download").status_code == 200
    client.post("/logout")
    response = client.post("/login", data={"email": staff.email, "password": PASSWORD})
    assert response.status_code == 400


def test_the_headteacher_cannot_archive_themselves(
    as_headteacher: FlaskClient, headteacher: StaffMember
) -> None:
    response = as_headteacher.post(f"/console/staff/{headteacher.id}/archive")
    assert response.status_code == 400
    assert "You cannot archive your own account" in response.get_data(as_text=True)


def test_the_roster_forecasts_status_on_a_date(
    client: FlaskClient,
    session: Session,
    school: School,
    headteacher: StaffMember,
    course: Course,
    clock: FixedClock,
) -> None:
    member = make_member(session, school)
    session.commit()
    clock.set(datetime(2026, 1, 15, 9, 0, tzinfo=UTC))
    finish_course(client, session, member, course)
    clock.set(datetime(2026, 11, 24, 9, 0, tzinfo=UTC))
    sign_in_as(client, headteacher)
    today = row_of(client.get("/console/").get_data(as_text=True), member)
    assert "Due soon (15 January 2027)" not in today
    assert "Compliant until 15 January 2027" in today
    forecast = client.get("/console/?as_of=2027-01-01").get_data(as_text=True)
    assert "Showing status on 1 January 2027" in forecast
    assert "Due soon (15 January 2027)" in row_of(forecast, member)
    assert "Overdue" in row_of(
        client.get("/console/?as_of=2027-02-01").get_data(as_text=True), member
    )


def test_a_forecast_date_that_is_not_a_date_shows_an_error(as_headteacher: FlaskClient) -> None:
    response = as_headteacher.get("/console/?as_of=2027-02-31")
    assert response.status_code == 400
    assert "Enter a real date" in response.get_data(as_text=True)


def test_training_rules_change_everyones_status(
    client: FlaskClient,
    session: Session,
    staff: StaffMember,
    headteacher: StaffMember,
    course: Course,
) -> None:
    finish_course(client, session, staff, course)
    sign_in_as(client, headteacher)
    response = client.post(
        "/console/policies/social-networking/rules",
        data={**RULES, "renewal": "date", "renewal_day": "1", "renewal_month": "9"},
    )
    assert response.status_code == 303
    assert "Compliant until 1 September 2027" in row_of(
        client.get("/console/").get_data(as_text=True), staff
    )


def test_the_schools_default_rules_are_for_new_policies_not_the_ones_it_has(
    client: FlaskClient,
    session: Session,
    staff: StaffMember,
    headteacher: StaffMember,
    course: Course,
) -> None:
    finish_course(client, session, staff, course)
    sign_in_as(client, headteacher)
    response = client.post(
        "/console/policies/defaults",
        data={
            "validity_months": "24",
            "due_soon_days": "30",
            "induction_days": "20",
            "renewal": "months",
        },
    )
    assert response.status_code == 303
    assert "Compliant until 24 November 2027" in row_of(
        client.get("/console/").get_data(as_text=True), staff
    )
    school = session.get_one(School, headteacher.school_id)
    session.refresh(school)
    assert school.validity_months == 24


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"validity_months": "0"}, "from 1 to 36"),
        (
            {"renewal": "date", "renewal_day": "31", "renewal_month": "2"},
            "That day is not in that month",
        ),
        ({"renewal": "date", "renewal_day": "1"}, "Enter both the day and the month"),
        ({"induction_days": "lots"}, "Not a valid integer value"),
    ],
    ids=["zero-months", "31-february", "day-without-month", "not-a-number"],
)
def test_bad_training_rules_re_render_with_errors(
    as_headteacher: FlaskClient, data: dict[str, str], message: str
) -> None:
    form = {
        "validity_months": "12",
        "due_soon_days": "30",
        "induction_days": "20",
        "renewal": "months",
    }
    form.update(data)
    response = as_headteacher.post("/console/policies/defaults", data=form)
    assert response.status_code == 400
    assert message in response.get_data(as_text=True)


def test_status_command_prints_json_for_a_date(
    tmp_path: object, monkeypatch: pytest.MonkeyPatch
) -> None:
    from pathlib import Path

    from elearn.cli import main

    monkeypatch.setenv("ELEARN_DATABASE_URL", f"sqlite:///{Path(str(tmp_path)) / 's.sqlite'}")
    runner = CliRunner()
    # A new starter, joining after the school began using the training (today, for the command).
    starts = datetime.now(UTC).date() + timedelta(days=7)
    assert runner.invoke(main, ["init", "--school", "Thorner's"]).exit_code == 0
    runner.invoke(
        main,
        [
            "create-user",
            "--email",
            "new@school.example",
            "--name",
            "New Starter",
            "--category",
            "volunteer",
            "--start-date",
            starts.isoformat(),
        ],
    )
    as_of = (starts + timedelta(days=9)).isoformat()
    result = runner.invoke(main, ["status", "--as-of", as_of, "--json"])
    assert result.exit_code == 0
    assert json.loads(result.stdout) == [
        {
            "email": "new@school.example",
            "name": "New Starter",
            "category": "volunteer",
            "policy": "social-networking",
            "status": "induction_due",
            "due_on": (starts + timedelta(days=20)).isoformat(),
        }
    ]
    as_of = (starts + timedelta(days=21)).isoformat()
    later = json.loads(runner.invoke(main, ["status", "--as-of", as_of, "--json"]).stdout)
    assert later[0]["status"] == "induction_overdue"
