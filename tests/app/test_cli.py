"""The `elearn` command line: set-up, users, demo data and sample certificates."""

from __future__ import annotations

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
