"""The `elearn` command: run the app, set up the database, add users, demo data, certificates."""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import date, timedelta
from functools import wraps
from pathlib import Path
from typing import ParamSpec, TypeVar

import click
from flask import Flask

from elearn import create_app
from elearn.accounts import service as accounts
from elearn.accounts import two_step
from elearn.accounts.models import Category, Role
from elearn.audit.models import EventKind
from elearn.audit.service import record
from elearn.certificates.service import sample_certificate
from elearn.clock import long_date
from elearn.config import ConfigError
from elearn.content.cli import content
from elearn.content.errors import ContentError
from elearn.db import get_db, get_session
from elearn.demo import build_demo
from elearn.errors import DomainError
from elearn.fields import EARLIEST_YEAR, LATEST_YEAR
from elearn.migrate import upgrade
from elearn.training.tracking import school_statuses
from elearn.versions.service import record_initial_version
from elearn.web import get_clock, get_course
from scorm.cli import scorm

P = ParamSpec("P")
R = TypeVar("R")


def fails_cleanly(command: Callable[P, R]) -> Callable[P, R]:
    """Turn the errors a user can cause into one line on stderr and exit code 1, no traceback."""

    @wraps(command)
    def wrapped(*args: P.args, **kwargs: P.kwargs) -> R:
        try:
            return command(*args, **kwargs)
        except ContentError as error:
            click.echo("The course content has problems:", err=True)
            for problem in error.problems:
                click.echo(f"  {problem}", err=True)
            sys.exit(1)
        except (ConfigError, DomainError) as error:
            click.echo(f"Error: {error}", err=True)
            sys.exit(1)

    return wrapped


@contextmanager
def app_context(*, serving: bool = False) -> Iterator[Flask]:
    app = create_app(for_cli=not serving)
    with app.app_context():
        yield app


def _upgrade_database(app: Flask) -> None:
    url = app.config["DATABASE_URL"]
    if url.startswith("sqlite:///"):
        Path(url.removeprefix("sqlite:///")).parent.mkdir(parents=True, exist_ok=True)
    upgrade(get_db(app).engine)


def _record_policy_version() -> None:
    """Make sure the content's policy is on record as a version, once a school exists."""
    session = get_session()
    school = accounts.get_school(session)
    if school is not None:
        record_initial_version(session, school, get_course(), get_clock().now())
        session.commit()


@click.group(help="Policy training and compliance tracking for schools.")
@click.version_option(package_name="elearn")
def main() -> None:
    pass


main.add_command(content)
main.add_command(scorm)


@main.command(help="Run the development server, creating or upgrading the database first.")
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option("--port", default=5000, show_default=True, type=click.IntRange(1, 65535))
@fails_cleanly
def run(host: str, port: int) -> None:
    os.environ.setdefault("ELEARN_ENV", "development")
    os.environ.setdefault("ELEARN_BASE_URL", f"http://{host}:{port}")
    with app_context(serving=True) as app:
        _upgrade_database(app)
        _record_policy_version()
        first_run = not accounts.has_headteacher(get_session())
    click.echo(f"elearn is running at http://{host}:{port}/ (press Ctrl+C to stop)")
    if first_run:
        click.echo("First run: open that address to name the school and make the headteacher.")
    app.run(host=host, port=port, debug=False, use_reloader=False)


@main.command(help="Create or upgrade the database, and name the school.")
@click.option(
    "--school", "school_name", help="The school's name, e.g. \"Thorner's CE VA Primary\"."
)
@fails_cleanly
def init(school_name: str | None) -> None:
    with app_context() as app:
        _upgrade_database(app)
        session = get_session()
        if school_name is not None:
            if not school_name.strip():
                raise DomainError("The school's name cannot be blank.")
            school = accounts.get_school(session)
            if school is None:
                accounts.create_school(session, school_name, get_clock().now())
            else:
                school.name = " ".join(school_name.split())
            session.commit()
        _record_policy_version()
        school = accounts.get_school(session)
        click.echo(f"Database ready: {app.config['DATABASE_URL']}")
        click.echo(f"School: {school.name}" if school else "No school yet: run with --school NAME.")


def _parse_date(_ctx: click.Context, _param: click.Parameter, value: str | None) -> date | None:
    if value is None:
        return None
    try:
        parsed = date.fromisoformat(value)
    except ValueError:
        raise click.BadParameter(f"'{value}' is not a date like 2026-09-01") from None
    if not EARLIEST_YEAR <= parsed.year <= LATEST_YEAR:
        raise click.BadParameter(f"give a year from {EARLIEST_YEAR} to {LATEST_YEAR}")
    return parsed


@main.command("create-user", help="Add a member of staff or a headteacher.")
@click.option("--email", required=True, help="Their email address; they sign in with it.")
@click.option("--name", required=True, help="Their full name, as it should appear on certificates.")
@click.option("--role", type=click.Choice([role.value for role in Role]), default="staff")
@click.option(
    "--category",
    type=click.Choice([category.value for category in Category]),
    default="teacher",
    show_default=True,
    help="Who they are at the school (policy 1.2.1).",
)
@click.option("--start-date", callback=_parse_date, help="First day, YYYY-MM-DD (default: today).")
@click.option(
    "--password-stdin",
    is_flag=True,
    help="Read the password from standard input; without it, print a set-up link instead.",
)
@fails_cleanly
def create_user(
    email: str,
    name: str,
    role: str,
    category: str,
    start_date: date | None,
    password_stdin: bool,
) -> None:
    password = sys.stdin.readline().rstrip("\r\n") if password_stdin else None
    if password_stdin and not password:
        raise DomainError("No password was given on standard input.")
    with app_context() as app:
        _upgrade_database(app)
        session = get_session()
        school = accounts.get_school(session)
        if school is None:
            raise DomainError("There is no school yet. Run `elearn init --school NAME` first.")
        clock = get_clock()
        member = accounts.create_member(
            session,
            school,
            email=email,
            name=name,
            role=Role(role),
            category=Category(category),
            starts_on=start_date or clock.today(),
            now=clock.now(),
            password=password,
        )
        token = None
        if password is None:
            hours = app.config["SETUP_LINK_HOURS"]
            token = accounts.issue_setup_link(session, member, clock.now(), timedelta(hours=hours))
        session.commit()
        click.echo(f"Added {member.name} <{member.email}> as {member.role.value}.")
        if token is not None:
            click.echo(f"Set-up link (works once): {app.config['BASE_URL']}/setup/{token}")


@main.command(
    "two-step-off",
    help="Turn off two-step sign-in for an account that has lost its phone and recovery codes.",
)
@click.option("--email", required=True, help="The account's email address.")
@fails_cleanly
def two_step_off(email: str) -> None:
    with app_context():
        session = get_session()
        member = two_step.turn_off_for(session, email)
        record(
            session,
            EventKind.TWO_STEP_DISABLED,
            actor=None,
            subject=f"{member.email} (from the command line)",
            address="command line",
            now=get_clock().now(),
            school=accounts.get_school(session),
        )
        session.commit()
        click.echo(f"Two-step sign-in is off for {member.email}. They can set it up again.")


@main.command(help="Fill the database with a demo school: a headteacher and a dozen staff.")
@fails_cleanly
def demo() -> None:
    with app_context() as app:
        _upgrade_database(app)
        session = get_session()
        sign_ins = build_demo(session, get_course(), get_clock().now(), app.config["BASE_URL"])
        session.commit()
    click.echo("Demo school ready. Sign in at /login with any of these:")
    for line in sign_ins:
        click.echo(f"  {line}")


@main.command(help="List every member of staff with their training status on a date.")
@click.option(
    "--as-of",
    "as_of",
    callback=_parse_date,
    help="The date to forecast for, YYYY-MM-DD (default: today). Who will be overdue by then?",
)
@click.option("--json", "as_json", is_flag=True, help="Print JSON for other tools.")
@fails_cleanly
def status(as_of: date | None, as_json: bool) -> None:
    with app_context() as app:
        _upgrade_database(app)
        session = get_session()
        school = accounts.get_school(session)
        if school is None:
            raise DomainError("There is no school yet. Run `elearn init --school NAME` first.")
        day = as_of or get_clock().today()
        rows = school_statuses(session, school, day)
    if as_json:
        click.echo(
            json.dumps(
                [
                    {
                        "email": row.member.email,
                        "name": row.member.name,
                        "category": row.member.category.value,
                        "status": row.status.kind.value,
                        "due_on": row.status.due_on.isoformat() if row.status.due_on else None,
                    }
                    for row in rows
                ],
                indent=2,
                ensure_ascii=False,
            )
        )
        return
    click.echo(f"Training status on {long_date(day)} ({len(rows)} staff):")
    for row in rows:
        click.echo(f"  {row.member.name:<32} {row.member.category.label:<14} {row.status.label}")


@main.group(help="Certificates.")
def certificate() -> None:
    pass


@certificate.command(help="Write a specimen certificate, to check the layout.")
@click.option("--name", required=True, help="The name to print on it.")
@click.option("--out", required=True, type=click.Path(dir_okay=False, writable=True))
@fails_cleanly
def sample(name: str, out: str) -> None:
    if not name.strip():
        raise DomainError("The name cannot be blank.")
    with app_context() as app:
        pdf = sample_certificate(get_course(), name, get_clock().now(), app.config["BASE_URL"])
    try:
        Path(out).write_bytes(pdf)
    except OSError as error:
        raise DomainError(f"Could not write {out}: {error.strerror}.") from None
    click.echo(f"Wrote a specimen certificate for {name} to {out}.")
