"""The `elearn` command line: set-up, users, demo data and sample certificates."""

from __future__ import annotations

import json
import zipfile
from pathlib import Path

import pytest
from click.testing import CliRunner
from pypdf import PdfReader
from sqlalchemy import create_engine, func, select
from sqlalchemy.orm import Session

from elearn.accounts.models import Role, School, StaffMember
from elearn.certificates.models import Certificate
from elearn.cli import main
from elearn.content.schema import Course
from elearn.demo import DEMO_SCHOOL
from tests.unit.test_certificate_pdf import encodes


@pytest.fixture
def cli_env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    url = f"sqlite:///{tmp_path / 'cli.sqlite'}"
    monkeypatch.setenv("ELEARN_DATABASE_URL", url)
    monkeypatch.setenv("ELEARN_ENV", "production")
    monkeypatch.delenv("ELEARN_SECRET_KEY", raising=False)
    return url


def run(*args: str, stdin: str | None = None) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, list(args), input=stdin)
    return result.exit_code, result.stdout, result.stderr


def db_session(url: str) -> Session:
    return Session(create_engine(url))


def test_every_command_has_help() -> None:
    for command in (
        ["--help"],
        ["run", "--help"],
        ["init", "--help"],
        ["create-user", "--help"],
        ["demo", "--help"],
        ["certificate", "sample", "--help"],
        ["content", "--help"],
    ):
        code, out, _ = run(*command)
        assert code == 0, command
        assert "Usage:" in out


def test_init_creates_the_database_and_names_the_school(cli_env: str) -> None:
    code, out, _ = run("init", "--school", "Thorner's CE VA Primary School")
    assert code == 0
    assert "School: Thorner's CE VA Primary School" in out
    with db_session(cli_env) as session:
        assert session.scalars(select(School.name)).one() == "Thorner's CE VA Primary School"


def test_create_user_reads_the_password_from_stdin(cli_env: str) -> None:
    run("init", "--school", "Thorner's")
    code, _out, err = run(
        "create-user",
        "--email",
        "Head@School.example",
        "--name",
        "Helen Carter",
        "--role",
        "headteacher",
        "--start-date",
        "2020-09-01",
        "--password-stdin",
        stdin="three random words\n",
    )
    assert code == 0, err
    with db_session(cli_env) as session:
        member = session.scalars(select(StaffMember)).one()
    assert (member.email, member.role, member.starts_on.isoformat()) == (
        "head@school.example",
        Role.HEADTEACHER,
        "2020-09-01",
    )
    assert member.password_hash
    assert "three random words" not in member.password_hash


def test_create_user_without_a_password_prints_a_set_up_link(cli_env: str) -> None:
    run("init", "--school", "Thorner's")
    code, out, _ = run("create-user", "--email", "tom@school.example", "--name", "Tom Okafor")
    assert code == 0
    assert "/setup/" in out


@pytest.mark.parametrize(
    ("args", "stdin", "message"),
    [
        (
            ["create-user", "--email", "a@b.example", "--name", "A", "--start-date", "2026-02-31"],
            None,
            "is not a date",
        ),
        (
            ["create-user", "--email", "a@b.example", "--name", "A", "--role", "king"],
            None,
            "Invalid value",
        ),
        (
            ["create-user", "--email", "a@b.example", "--name", "A", "--password-stdin"],
            "short\n",
            "at least 10",
        ),
        (
            ["create-user", "--email", "a@b.example", "--name", "A", "--password-stdin"],
            "",
            "No password",
        ),
        (["certificate", "sample", "--name", " ", "--out", "x.pdf"], None, "cannot be blank"),
        (
            ["create-user", "--email", "a@b.example", "--name", "A", "--start-date", "9999-12-31"],
            None,
            "year from 1900",
        ),
        (["status", "--as-of", "0001-01-01"], None, "year from 1900"),
    ],
    ids=[
        "impossible-date",
        "unknown-role",
        "weak-password",
        "empty-stdin",
        "blank-name",
        "far-future-start",
        "ancient-forecast",
    ],
)
def test_bad_input_fails_with_one_line_and_no_traceback(
    cli_env: str, args: list[str], stdin: str | None, message: str
) -> None:
    run("init", "--school", "Thorner's")
    code, out, err = run(*args, stdin=stdin)
    assert code != 0
    assert message in err + out
    assert "Traceback" not in err + out


def test_create_user_before_there_is_a_school_says_what_to_do(cli_env: str) -> None:
    code, _, err = run("create-user", "--email", "a@b.example", "--name", "A")
    assert code == 1
    assert "elearn init --school" in err


def test_create_user_twice_refuses_the_second(cli_env: str) -> None:
    run("init", "--school", "Thorner's")
    run("create-user", "--email", "a@b.example", "--name", "A")
    code, _, err = run("create-user", "--email", "A@b.example", "--name", "A")
    assert code == 1
    assert "already an account" in err


def test_certificate_sample_holds_the_name_and_declaration(
    cli_env: str, tmp_path: Path, course: Course
) -> None:
    out_file = tmp_path / "c.pdf"
    code, _out, err = run(
        "certificate", "sample", "--name", "Nguyễn Thị Ánh", "--out", str(out_file)
    )
    assert code == 0, err
    text = " ".join("".join(p.extract_text() for p in PdfReader(out_file).pages).split())
    assert "Nguyễn Thị Ánh" in text
    assert course.policy.declaration.text in text


def test_demo_builds_a_school_with_staff_at_every_stage(
    cli_env: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("ELEARN_ENV", "development")
    code, out, err = run("demo")
    assert code == 0, err
    assert "Password for every demo account" in out
    with db_session(cli_env) as session:
        assert session.scalar(select(func.count(StaffMember.id))) == 13
        assert session.scalar(select(func.count(Certificate.id))) >= 5
        categories = set(session.scalars(select(StaffMember.category)))
    assert len(categories) == 6
    again, _, _ = run("demo")
    assert again == 0
    with db_session(cli_env) as session:
        assert session.scalar(select(func.count(StaffMember.id))) == 13


def test_run_refuses_production_without_a_secret_key(
    cli_env: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    from elearn import create_app
    from elearn.config import ConfigError

    with pytest.raises(ConfigError, match="ELEARN_SECRET_KEY is not set"):
        create_app()


# --- Several schools and policies ---------------------------------------------------------------


def test_school_add_and_list(cli_env: str) -> None:
    run("init", "--school", "Thorner's CE VA Primary School")
    code, out, err = run("school", "add", "--name", "Oakfield Primary School")
    assert code == 0, err
    assert "Added Oakfield Primary School." in out
    code, out, _ = run("school", "list", "--json")
    listed = json.loads(out)
    assert [entry["name"] for entry in listed] == [
        "Oakfield Primary School",
        "Thorner's CE VA Primary School",
    ]
    assert all(entry["policies"] == ["social-networking"] for entry in listed)
    code, _, err = run("school", "add", "--name", "oakfield primary school")
    assert code == 1
    assert "There is already a school called" in err


def test_commands_need_school_only_when_there_are_several(cli_env: str, tmp_path: Path) -> None:
    run("init", "--school", "Thorner's CE VA Primary School")
    assert run("status")[0] == 0
    run("school", "add", "--name", "Oakfield Primary School")
    code, _, err = run("status")
    assert code == 1
    assert "choose one with --school" in err
    code, out, err = run("status", "--school", "Oakfield Primary School")
    assert code == 0, err
    assert "Training status at Oakfield Primary School" in out
    code, _, err = run("status", "--school", "Nowhere School")
    assert code == 1
    assert "There is no school called Nowhere School" in err


def test_policy_list_gives_rules_and_counts_of_staff_by_status(cli_env: str) -> None:
    run("init", "--school", "Thorner's CE VA Primary School")
    for email in ("a@school.example", "b@school.example"):
        run("create-user", "--email", email, "--name", "A Person", "--start-date", "2020-01-06")
    code, out, err = run("policy", "list", "--json")
    assert code == 0, err
    listed = json.loads(out)
    assert listed["school"] == "Thorner's CE VA Primary School"
    (policy,) = listed["policies"]
    assert policy["slug"] == "social-networking"
    assert (policy["mode"], policy["audience"], policy["validity_months"]) == (
        "learn",
        ["everyone"],
        12,
    )
    # In post since 2020, before the policy came in today: due within its induction days from
    # today, not overdue since 2020.
    assert policy["staff"] == {"induction_due": 2}
    code, out, _ = run("policy", "list")
    assert "social-networking: Social Networking Policy" in out
    assert "induction due 2" in out


def test_status_for_one_policy(cli_env: str) -> None:
    run("init", "--school", "Thorner's CE VA Primary School")
    run("create-user", "--email", "a@school.example", "--name", "A Person")
    code, out, _ = run("status", "--policy", "social-networking", "--json")
    assert code == 0
    assert [row["policy"] for row in json.loads(out)] == ["social-networking"]
    code, _, err = run("status", "--policy", "no-such-policy")
    assert code == 1
    assert "has no policy 'no-such-policy'" in err


def test_certificate_sample_names_the_school_asked_for(cli_env: str, tmp_path: Path) -> None:
    run("init", "--school", "Thorner's CE VA Primary School")
    run("school", "add", "--name", "Oakfield Primary School")
    out_file = tmp_path / "sample.pdf"
    code, _, err = run(
        "certificate",
        "sample",
        "--name",
        "Ann Example",
        "--school",
        "Oakfield Primary School",
        "--out",
        str(out_file),
    )
    assert code == 0, err
    text = " ".join("".join(p.extract_text() for p in PdfReader(out_file).pages).split())
    assert "Oakfield Primary School’s Social Networking Policy" in text
    assert "Thorner" not in text
    code, _, err = run("certificate", "sample", "--name", "Ann", "--out", str(out_file))
    assert code == 1
    assert "choose one with --school" in err


def test_the_specimens_qr_code_points_at_the_configured_site(
    cli_env: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("ELEARN_BASE_URL", "https://policies.oakfield.sch.uk/")
    out_file = tmp_path / "sample.pdf"
    code, _, err = run("certificate", "sample", "--name", "Ann Example", "--out", str(out_file))
    assert code == 0, err
    pdf = out_file.read_bytes()
    assert encodes(pdf, "https://policies.oakfield.sch.uk/verify/SPEC-IMEN-0000-0000")
    assert "https://policies.oakfield.sch.uk/verify/SPEC-IMEN-0000-0000" in " ".join(
        PdfReader(out_file).pages[0].extract_text().split()
    )


def test_demo_makes_its_own_school_beside_a_real_one(
    cli_env: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    run("init", "--school", "Thorner's CE VA Primary School")
    run("create-user", "--email", "real@school.example", "--name", "Real Person")
    monkeypatch.setenv("ELEARN_ENV", "development")
    code, _, err = run("demo")
    assert code == 0, err
    with db_session(cli_env) as session:
        schools = {school.name: school for school in session.scalars(select(School))}
        assert set(schools) == {"Thorner's CE VA Primary School", DEMO_SCHOOL}
        assert schools[DEMO_SCHOOL].is_demo
        assert not schools["Thorner's CE VA Primary School"].is_demo
        real = schools["Thorner's CE VA Primary School"]
        members = session.scalars(
            select(StaffMember.email).where(StaffMember.school_id == real.id)
        ).all()
    assert members == ["real@school.example"]


def test_demo_refuses_to_run_in_production_with_a_one_line_reason(cli_env: str) -> None:
    run("init", "--school", "Thorner's CE VA Primary School")
    code, _, err = run("demo")
    assert code == 1
    assert err.strip().count("\n") == 0
    assert "does not run in production" in err
    with db_session(cli_env) as session:
        assert session.scalars(select(School.name)).all() == ["Thorner's CE VA Primary School"]


def test_scorm_build_packages_a_schools_policy_with_its_own_rules(
    cli_env: str, tmp_path: Path
) -> None:
    run("init", "--school", "Oakfield Primary School")
    code, _, err = run(
        "scorm", "build", "--policy", "social-networking", "--standard", "1.2", "--out",
        str(tmp_path),
    )  # fmt: skip
    assert code == 0, err
    archive = zipfile.ZipFile(tmp_path / "social-networking-scorm12.zip")
    assert b"<adlcp:masteryscore>80</adlcp:masteryscore>" in archive.read("imsmanifest.xml")
    page = archive.read("index.html").decode("utf-8")
    assert "Oakfield Primary School" in page
    assert "Thorner" not in page


def test_init_after_the_demo_makes_the_real_school_and_leaves_the_demo_alone(
    cli_env: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("ELEARN_ENV", "development")
    run("demo")
    code, _, err = run("init", "--school", "Oakfield Primary School")
    assert code == 0, err
    with db_session(cli_env) as session:
        names = sorted(session.scalars(select(School.name)))
    assert names == [DEMO_SCHOOL, "Oakfield Primary School"]
