"""Staff in bulk: a list read as schools' systems and spreadsheets write it, previewed row by row,
applied all at once or not at all, from the console and the command line; editing one person;
set-up links for anyone, at any time."""

from __future__ import annotations

import io
import re
from datetime import date
from pathlib import Path

import pytest
from click.testing import CliRunner
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import create_engine, func, select
from sqlalchemy.orm import Session

from elearn.accounts.models import Category, Role, School, SetupLink, StaffMember
from elearn.audit.models import AuditEvent, EventKind
from elearn.cli import main as cli
from elearn.console import staff_import
from elearn.console.models import StaffImport
from elearn.errors import DomainError
from elearn.policies.models import Policy
from tests.conftest import NOW, sign_in_as
from tests.factories import make_member

HEADER = "First name,Last name,Email,Category,Start date,Already in post"
TODAY = NOW.date()


def staff_list(count: int, *, bad: dict[int, str] | None = None) -> str:
    """`count` people, one a line after the header; `bad` replaces the nth person's line."""
    categories = ["Teacher", "Teaching Assistant", "Supply", "Governor", "Volunteer", "Cleaner"]
    lines = [HEADER]
    for n in range(count):
        line = (
            f"Person,Number {n:04d},person{n:04d}@school.example,{categories[n % 6]},"
            f"01/09/20{10 + n % 16},{'yes' if n % 2 else 'no'}"
        )
        lines.append((bad or {}).get(n, line))
    return "\n".join(lines) + "\n"


def members(session: Session, school: School) -> list[StaffMember]:
    session.expire_all()
    return list(
        session.scalars(
            select(StaffMember).where(StaffMember.school_id == school.id).order_by(StaffMember.id)
        )
    )


def upload(client: FlaskClient, text: str | bytes, **fields: str) -> str:
    """Upload a staff list file; returns the preview's address."""
    data = text.encode() if isinstance(text, str) else text
    response = client.post(
        "/console/staff/import",
        data={"document": (io.BytesIO(data), "staff.csv"), **fields},
        content_type="multipart/form-data",
    )
    assert response.status_code == 303, response.get_data(as_text=True)[:2000]
    return response.headers["Location"]


# --- Reading the list as schools' systems write it ---------------------------------------------


@pytest.mark.parametrize(
    "data",
    [
        pytest.param(
            "Forename,Surname,Email Address,Staff Type,Employment Start Date\n"
            "Nguyễn Thị,Ánh,anh@school.example,Teacher,01/09/2025\n".encode(),
            id="UTF-8",
        ),
        pytest.param(
            "\ufeffForename,Surname,Email Address,Staff Type,Employment Start Date\n"
            "Nguyễn Thị,Ánh,anh@school.example,Teacher,01/09/2025\n".encode(),
            id="UTF-8 with BOM",
        ),
        pytest.param(
            "Forename;Surname;Email Address;Staff Type;Employment Start Date\r\n"
            "Zoë;Brontë;anh@school.example;Teacher;01/09/2025\r\n".encode("cp1252"),
            id="Excel CSV, semicolons",
        ),
        pytest.param(
            "Forename\tSurname\tEmail Address\tStaff Type\tEmployment Start Date\n"
            "Nguyễn Thị\tÁnh\tanh@school.example\tTeacher\t2025-09-01\n".encode(),
            id="pasted from a spreadsheet",
        ),
    ],
)
def test_lists_are_read_whatever_the_encoding_and_separator(data: bytes) -> None:
    rows = staff_import.read_rows(staff_import.decode(data))
    person = staff_import.check_row(rows[0], TODAY)
    assert isinstance(person, staff_import.Person)
    assert person.name in ("Nguyễn Thị Ánh", "Zoë Brontë")
    assert person.email == "anh@school.example"
    assert person.starts_on == date(2025, 9, 1)
    assert person.number == 2


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "The list is empty."),
        ("Name,Phone\nA Person,0123\n", "one must be the email address"),
        ("Email,Phone\na@school.example,0123\n", "needs the names"),
    ],
)
def test_a_list_without_the_columns_it_needs_says_which(text: str, message: str) -> None:
    with pytest.raises(DomainError, match=message):
        staff_import.read_rows(text)


@pytest.mark.parametrize(
    ("role", "category"),
    [
        ("Teaching Assistant", Category.SUPPORT_STAFF),
        ("HLTA", Category.SUPPORT_STAFF),
        ("Headteacher", Category.TEACHER),
        ("Class teacher", Category.TEACHER),
        ("Supply teacher", Category.SUPPLY_STAFF),
        ("Parent governor", Category.GOVERNOR),
        ("support_staff", Category.SUPPORT_STAFF),
        ("Peripatetic music teacher", Category.CONTRACTOR),
        ("Volunteer reader", Category.VOLUNTEER),
    ],
)
def test_job_titles_are_understood_as_categories(role: str, category: Category) -> None:
    assert staff_import.category_of(role) is category


# --- Preview: nothing changes until confirmed -------------------------------------------------


def test_five_hundred_rows_with_seven_bad_ones_preview_exactly_those_seven(
    as_headteacher: FlaskClient, session: Session, school: School
) -> None:
    bad = {
        10: "Person,Number 0010,not-an-email,Teacher,01/09/2020,no",
        50: "Person,Number 0050,,Teacher,01/09/2020,no",
        99: ",,person0099@school.example,Teacher,01/09/2020,no",
        150: "Person,Number 0150,person0150@school.example,Astronaut,01/09/2020,no",
        200: "Person,Number 0200,person0200@school.example,Teacher,31/02/2020,no",
        300: "Person,Number 0300,person0300@school.example,Teacher,,no",
        # The same address as row 2 (the first person), in other capitals.
        450: "Person,Again,PERSON0000@school.example,Teacher,01/09/2020,no",
    }
    before = len(members(session, school))
    preview = upload(as_headteacher, staff_list(500, bad=bad))
    page = as_headteacher.get(preview).get_data(as_text=True)
    start = page.index('id="import-rejected"')
    table = page[start : page.index("</table>", start)]
    rejected_rows = re.findall(r'<th scope="row"[^>]*data-label="Row">(\d+)</th>', table)
    # Row numbers are lines of the file: the header is line 1, the nth person line n + 2.
    assert rejected_rows == [str(n + 2) for n in sorted(bad)]
    for reason in (
        "&#39;not-an-email&#39; is not an email address",
        "No email address",
        "No name",
        "&#39;Astronaut&#39; is not a role we know",
        "&#39;31/02/2020&#39; is not a date",
        "No start date (or say they are already in post)",
        "The same email as row 2",
    ):
        assert reason in table, reason
    assert "<strong>493</strong> to add" in page
    assert "Confirm and apply the list" not in page
    assert len(members(session, school)) == before
    # There is nothing to confirm: posting anyway changes nothing.
    response = as_headteacher.post(preview)
    assert response.status_code == 400
    assert "7 rows have problems" in response.get_data(as_text=True)
    assert len(members(session, school)) == before


def test_confirming_adds_everyone_at_once_with_set_up_links_and_the_same_list_again_changes_nothing(
    as_headteacher: FlaskClient, session: Session, school: School, headteacher: StaffMember
) -> None:
    text = staff_list(40)
    before = len(members(session, school))
    preview = upload(as_headteacher, text)
    page = as_headteacher.get(preview).get_data(as_text=True)
    assert "<strong>40</strong> to add" in page
    done = as_headteacher.post(preview)
    assert done.status_code == 200
    body = done.get_data(as_text=True)
    assert "40 added, 0 updated, 0 archived" in body
    assert len(re.findall(r"https://training\.school\.example/setup/[\w-]{20,}", body)) == 40
    added = [m for m in members(session, school) if m.email.startswith("person")]
    assert len(added) == 40
    first = next(m for m in added if m.email == "person0001@school.example")
    assert (first.name, first.category, first.starts_on) == (
        "Person Number 0001",
        Category.SUPPORT_STAFF,
        date(2011, 9, 1),
    )
    assert first.is_existing_staff
    assert first.password_hash is None
    assert session.scalar(select(func.count()).select_from(SetupLink)) >= 40
    event = session.scalars(
        select(AuditEvent).where(AuditEvent.event == EventKind.STAFF_IMPORTED)
    ).one()
    assert event.subject == "staff.csv: 40 added, 0 updated, 0 archived"
    # Confirming twice (a double click, the back button) finds the list already applied.
    assert as_headteacher.post(preview).status_code == 404
    assert len(members(session, school)) == before + 40
    # The same list again: everyone is already as it says.
    again = as_headteacher.get(upload(as_headteacher, text)).get_data(as_text=True)
    assert "<strong>0</strong> to add" in again
    assert "<strong>40</strong> already up to date" in again
    assert "there is nothing to change" in again
    assert "Confirm and apply the list" not in again


def test_a_list_updates_people_by_email_and_a_full_list_archives_those_missing(
    as_headteacher: FlaskClient, session: Session, school: School, headteacher: StaffMember
) -> None:
    stays = make_member(session, school, email="stays@school.example", name="Stays Put")
    moves = make_member(session, school, email="moves@school.example", name="Old Name")
    leaves = make_member(session, school, email="leaves@school.example", name="Left Us")
    session.commit()
    text = (
        "Full name,Email,Role,Start date\n"
        "Stays Put,stays@school.example,Teacher,05/01/2026\n"
        "New Name,MOVES@school.example,Cleaner,05/01/2026\n"
        "Brand New,new@school.example,Governor,01/12/2026\n"
    )
    preview = upload(as_headteacher, text, archive_missing="y")
    page = as_headteacher.get(preview).get_data(as_text=True)
    assert "<strong>1</strong> to add" in page
    assert "<strong>1</strong> to update" in page
    assert "Name; role" in page
    assert "<strong>1</strong> to archive" in page
    archive_table = page[page.index('id="import-archive"') :]
    assert "leaves@school.example" in archive_table
    # The headteacher is never archived for being missing from a staff list.
    assert headteacher.email not in archive_table
    assert as_headteacher.post(preview).status_code == 200
    session.expire_all()
    assert (moves.name, moves.category) == ("New Name", Category.SUPPORT_STAFF)
    assert leaves.is_archived
    assert not stays.is_archived
    assert not headteacher.is_archived
    new = session.scalars(select(StaffMember).where(StaffMember.email == "new@school.example"))
    assert new.one().category is Category.GOVERNOR


def test_a_fault_part_way_through_applying_a_list_leaves_the_roster_as_it_was(
    as_headteacher: FlaskClient,
    session: Session,
    school: School,
    monkeypatch: pytest.MonkeyPatch,
    app: Flask,
) -> None:
    existing = make_member(session, school, email="person0003@school.example", name="Was Here")
    session.commit()
    before = [(m.email, m.name, m.is_archived) for m in members(session, school)]
    preview = upload(as_headteacher, staff_list(60), archive_missing="y")
    real_add = staff_import.accounts.add_staff_member
    calls = 0

    def add_then_fail(*args: object, **kwargs: object) -> object:
        nonlocal calls
        calls += 1
        if calls == 30:
            raise OSError("the disk filled up")
        return real_add(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(staff_import.accounts, "add_staff_member", add_then_fail)
    app.config["PROPAGATE_EXCEPTIONS"] = False
    try:
        response = as_headteacher.post(preview)
    finally:
        app.config["PROPAGATE_EXCEPTIONS"] = None
    assert response.status_code == 500
    assert calls == 30
    after = [(m.email, m.name, m.is_archived) for m in members(session, school)]
    assert after == before
    assert existing.name == "Was Here"
    # The list is still there to confirm once the fault is fixed.
    monkeypatch.setattr(staff_import.accounts, "add_staff_member", real_add)
    assert session.get(StaffImport, int(preview.rsplit("/", 1)[1])) is not None
    assert as_headteacher.post(preview).status_code == 200
    assert len(members(session, school)) == len(before) + 59


def test_a_list_that_is_not_a_staff_list_gets_a_clear_message_and_keeps_nothing(
    as_headteacher: FlaskClient, session: Session
) -> None:
    response = as_headteacher.post(
        "/console/staff/import",
        data={"document": (io.BytesIO(b"\x00\x01PK binary"), "staff.xlsx")},
        content_type="multipart/form-data",
    )
    assert response.status_code == 400
    assert "That is not a text file: save the list as CSV." in response.get_data(as_text=True)
    nothing = as_headteacher.post("/console/staff/import", data={"pasted": "  "})
    assert nothing.status_code == 400
    assert "Choose the staff list file, or paste the rows" in nothing.get_data(as_text=True)
    assert session.scalar(select(func.count()).select_from(StaffImport)) == 0


def test_pasted_rows_are_previewed_like_a_file(
    as_headteacher: FlaskClient, session: Session
) -> None:
    response = as_headteacher.post(
        "/console/staff/import",
        data={"pasted": "Full name\tEmail\tStart date\nAda Byron\tada@school.example\t01/09/2026"},
    )
    assert response.status_code == 303
    page = as_headteacher.get(response.headers["Location"]).get_data(as_text=True)
    assert "pasted rows" in page
    assert "Ada Byron" in page
    assert "<strong>1</strong> to add" in page


def test_a_list_kept_for_one_school_is_not_found_at_another(
    as_headteacher: FlaskClient, session: Session, course: object
) -> None:
    preview = upload(as_headteacher, staff_list(3))
    other = School(name="Another School", created_at=NOW)
    session.add(other)
    session.flush()
    stranger = make_member(session, other, role=Role.HEADTEACHER, email="head@other.example")
    session.commit()
    sign_in_as(as_headteacher, stranger)
    assert as_headteacher.get(preview).status_code == 404
    assert as_headteacher.post(preview).status_code == 404


# --- Already in post: the rollout deadline, not an induction long past -------------------------


def test_staff_already_in_post_are_due_by_the_rollout_date_not_their_long_past_start(
    as_headteacher: FlaskClient, session: Session, school: School, policy: Policy
) -> None:
    policy.rollout_by = date(2027, 1, 31)
    session.commit()
    text = (
        "Full name,Email,Start date,Already in post\n"
        "Long Server,long@school.example,01/09/2012,yes\n"
        "New Starter,new@school.example,02/11/2026,no\n"
    )
    as_headteacher.post(upload(as_headteacher, text))
    page = as_headteacher.get("/console/?sort=name").get_data(as_text=True)
    long_row = page[page.index("Long Server") : page.index("</tr>", page.index("Long Server"))]
    new_row = page[page.index("New Starter") : page.index("</tr>", page.index("New Starter"))]
    assert "Induction due 31 January 2027" in long_row
    assert "overdue" not in long_row
    assert "Induction overdue (since 22 November 2026)" in new_row


# --- The command line -------------------------------------------------------------------------


@pytest.fixture
def cli_database(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    url = f"sqlite:///{tmp_path / 'cli.sqlite'}"
    monkeypatch.setenv("ELEARN_DATABASE_URL", url)
    monkeypatch.setenv("ELEARN_ENV", "production")
    return url


def run_cli(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(cli, list(args))
    return result.exit_code, result.output


def emails_in(url: str) -> list[str]:
    with Session(create_engine(url)) as session:
        return list(
            session.scalars(select(StaffMember.email).where(StaffMember.email.like("person%")))
        )


def test_the_command_line_previews_with_dry_run_and_refuses_a_list_with_problems(
    cli_database: str, tmp_path: Path
) -> None:
    assert run_cli("init", "--school", "Thorner's CE VA Primary School")[0] == 0
    path = tmp_path / "staff.csv"
    path.write_text(staff_list(5, bad={2: "Person,Two,,Teacher,01/09/2020,no"}))
    code, output = run_cli("staff", "import", str(path))
    assert code == 1
    assert "row 4: no email address" in output
    assert "Nothing was changed" in output
    assert emails_in(cli_database) == []
    path.write_text(staff_list(5))
    code, output = run_cli("staff", "import", str(path), "--dry-run")
    assert code == 0
    assert "5 to add" in output
    assert "Nothing was changed." in output
    assert emails_in(cli_database) == []
    code, output = run_cli("staff", "import", str(path))
    assert code == 0, output
    assert output.count("/setup/") == 5
    assert "Done: 5 added, 0 updated, 0 archived." in output
    assert len(emails_in(cli_database)) == 5
    code, output = run_cli("staff", "import", str(path))
    assert code == 0
    assert "0 to add, 0 to update, 5 unchanged" in output
    assert "Nothing to change." in output
