"""The `elearn` command: run the app, set up the database, schools, policies, users, statuses,
demo data, certificates and the daily email reminders.

Commands that act on one school take `--school NAME`, needed only when the instance has several.
"""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import date, timedelta
from functools import wraps
from pathlib import Path
from typing import Any, ParamSpec, TypeVar

import click
from flask import Flask
from sqlalchemy.orm import Session

from elearn import create_app
from elearn.accounts import api as accounts
from elearn.accounts.api import Category, Role, School
from elearn.audit.api import EventKind, record
from elearn.certificates.api import sample_certificate
from elearn.clock import long_date
from elearn.compliance import api as compliance
from elearn.config import PRODUCTION, REPO_CONTENT_DIR, ConfigError
from elearn.console import staff_import
from elearn.content.cli import content
from elearn.content.errors import ContentError
from elearn.content.loader import load_library
from elearn.content.placeholders import course_for_school
from elearn.content.schema import Course
from elearn.db import get_db, get_session
from elearn.demo import build_demo
from elearn.errors import DomainError
from elearn.fields import EARLIEST_YEAR, LATEST_YEAR
from elearn.mail import api as mail
from elearn.migrate import upgrade
from elearn.policies import api as policies
from elearn.policies.api import Policy
from elearn.status import StatusKind
from elearn.tenancy import scope_to_school
from elearn.trust.service import add_school
from elearn.versions.api import in_force, record_initial_version, versions_of
from elearn.versions.packages import PackageChoice, policy_package
from elearn.web import get_clock, get_library
from scorm import STANDARDS, PackageError, Standard, build_package

MAX_STAFF_LIST_BYTES = 5_000_000
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


def _record_first_versions() -> None:
    """Every policy of every school has a version in force: one added without (by an upgrade
    from an older release, say) gets its library course's policy in the school's name."""
    session = get_session()
    library = get_library()
    for school in accounts.all_schools(session):
        for policy in policies.school_policies(session, school, include_retired=True):
            if not versions_of(session, policy) and library.has(policy.slug):
                course = course_for_school(library.course(policy.slug), school.name)
                record_initial_version(session, policy, course, get_clock().now())
    session.commit()


def resolve_school(session: Session, name: str | None) -> School:
    """The school a command acts on: the one named, or the only one there is."""
    schools = accounts.all_schools(session)
    if name is not None:
        school = accounts.school_named(session, name)
        if school is None:
            known = ", ".join(s.name for s in schools) or "none yet"
            raise DomainError(f"There is no school called {name}. Schools: {known}.")
    elif not schools:
        raise DomainError("There is no school yet. Run `elearn init --school NAME` first.")
    elif len(schools) > 1:
        raise DomainError(
            "This site has several schools: choose one with --school "
            f"({', '.join(s.name for s in schools)})."
        )
    else:
        school = schools[0]
    scope_to_school(session, school.id)
    return school


def resolve_policy(session: Session, school: School, slug: str | None) -> Policy | None:
    """The policy named by its slug, or None for every policy."""
    if slug is None:
        return None
    for policy in policies.school_policies(session, school, include_retired=True):
        if policy.slug == slug:
            return policy
    known = ", ".join(p.slug for p in policies.school_policies(session, school)) or "none"
    raise DomainError(f"{school.name} has no policy '{slug}'. Its policies: {known}.")


SCHOOL_OPTION = click.option(
    "--school",
    "school_name",
    help="The school, by name. Needed only when this site has several.",
)


@click.group(help="Policy training and compliance tracking for schools.")
@click.version_option(package_name="elearn")
def main() -> None:
    pass


main.add_command(content)


@main.command(help="Run the development server, creating or upgrading the database first.")
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option("--port", default=5000, show_default=True, type=click.IntRange(1, 65535))
@fails_cleanly
def run(host: str, port: int) -> None:
    os.environ.setdefault("ELEARN_ENV", "development")
    os.environ.setdefault("ELEARN_BASE_URL", f"http://{host}:{port}")
    with app_context(serving=True) as app:
        _upgrade_database(app)
        _record_first_versions()
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
            _name_the_school(session, school_name)
            session.commit()
        _record_first_versions()
        schools = accounts.all_schools(session)
        click.echo(f"Database ready: {app.config['DATABASE_URL']}")
        if not schools:
            click.echo("No school yet: run with --school NAME.")
        for school in schools:
            click.echo(f"School: {school.name}")


def _name_the_school(session: Session, name: str) -> None:
    """Make the school on a new site, or rename the one school before anyone has set it up."""
    if not name.strip():
        raise DomainError("The school's name cannot be blank.")
    if accounts.school_named(session, name) is not None:
        return
    real = [school for school in accounts.all_schools(session) if not school.is_demo]
    if not real:
        add_school(session, name, get_library(), get_clock().now())
    elif len(real) == 1 and not accounts.has_headteacher(session):
        real[0].name = " ".join(name.split())
    else:
        raise DomainError(
            "This site already has a school. To add another, run `elearn school add --name NAME`."
        )


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
@SCHOOL_OPTION
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
    school_name: str | None,
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
        school = resolve_school(session, school_name)
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
        click.echo(f"Added {member.name} <{member.email}> to {school.name} as {member.role.value}.")
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
        member = accounts.turn_off_for(session, email)
        record(
            session,
            EventKind.TWO_STEP_DISABLED,
            actor=None,
            subject=f"{member.email} (from the command line)",
            address="command line",
            now=get_clock().now(),
            school_id=member.school_id,
        )
        session.commit()
        click.echo(f"Two-step sign-in is off for {member.email}. They can set it up again.")


@main.command(
    help="Add a demo school, separate from any real one, with a headteacher and a dozen staff."
)
@fails_cleanly
def demo() -> None:
    with app_context() as app:
        if app.config["ENVIRONMENT"] == PRODUCTION:
            raise DomainError(
                "The demo adds sample people with a printed password, so it does not run in "
                "production: set ELEARN_ENV=development on a machine only you use."
            )
        _upgrade_database(app)
        session = get_session()
        sign_ins = build_demo(session, get_library(), get_clock().now(), app.config["BASE_URL"])
        session.commit()
    click.echo("Demo school ready: a school of its own, named as a demo. Sign in at /login with:")
    for line in sign_ins:
        click.echo(f"  {line}")


@main.command(help="List every member of staff with their status for each policy on a date.")
@SCHOOL_OPTION
@click.option("--policy", "slug", help="Only this policy (its short name, e.g. social-networking).")
@click.option(
    "--as-of",
    "as_of",
    callback=_parse_date,
    help="The date to forecast for, YYYY-MM-DD (default: today). Who will be overdue by then?",
)
@click.option("--json", "as_json", is_flag=True, help="Print JSON for other tools.")
@fails_cleanly
def status(school_name: str | None, slug: str | None, as_of: date | None, as_json: bool) -> None:
    with app_context() as app:
        _upgrade_database(app)
        session = get_session()
        school = resolve_school(session, school_name)
        only = resolve_policy(session, school, slug)
        shown = [only] if only is not None else policies.school_policies(session, school)
        day = as_of or get_clock().today()
        rows = compliance.school_statuses(session, school, shown, day)
    lines = [(row.member, item) for row in rows for item in row.policies]
    if as_json:
        click.echo(
            json.dumps(
                [
                    {
                        "email": member.email,
                        "name": member.name,
                        "category": member.category.value,
                        "policy": item.policy.slug,
                        "status": item.status.kind.value,
                        "due_on": item.status.due_on.isoformat() if item.status.due_on else None,
                    }
                    for member, item in lines
                ],
                indent=2,
                ensure_ascii=False,
            )
        )
        return
    click.echo(f"Training status at {school.name} on {long_date(day)} ({len(rows)} staff):")
    for member, item in lines:
        click.echo(
            f"  {member.name:<32} {member.category.label:<14} {item.policy.title:<32} "
            f"{item.status.label}"
        )


@main.group(help="The schools on this site (a trust may run several).")
def school() -> None:
    pass


@school.command("add", help="Add a school, starting with every policy course this site holds.")
@click.option("--name", required=True, help="The school's name.")
@fails_cleanly
def school_add(name: str) -> None:
    with app_context() as app:
        _upgrade_database(app)
        session = get_session()
        added = add_school(session, name, get_library(), get_clock().now())
        session.commit()
        click.echo(f"Added {added.name}.")


@school.command("list", help="List the schools with their staff and policies.")
@click.option("--json", "as_json", is_flag=True, help="Print JSON for other tools.")
@fails_cleanly
def school_list(as_json: bool) -> None:
    with app_context() as app:
        _upgrade_database(app)
        session = get_session()
        found = []
        for item in accounts.all_schools(session):
            scope_to_school(session, item.id)
            found.append(
                {
                    "name": item.name,
                    "is_demo": item.is_demo,
                    "staff": accounts.staff_count(session, item),
                    "policies": [p.slug for p in policies.school_policies(session, item)],
                }
            )
    if as_json:
        click.echo(json.dumps(found, indent=2, ensure_ascii=False))
        return
    if not found:
        click.echo("No schools yet: run `elearn init --school NAME`.")
    for entry in found:
        demo_mark = " (demo)" if entry["is_demo"] else ""
        click.echo(
            f"{entry['name']}{demo_mark}: {entry['staff']} staff; policies: "
            f"{', '.join(entry['policies']) or 'none'}"
        )


@main.group(help="The school's staff.")
def staff() -> None:
    pass


@staff.command(
    "import",
    help="Add and update staff from a CSV list (columns named on its first line: First name, "
    "Last name or Full name, Email, Category, Start date, Already in post). All rows or none.",
)
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@SCHOOL_OPTION
@click.option("--dry-run", is_flag=True, help="Say what the list would change, changing nothing.")
@click.option(
    "--archive-missing",
    is_flag=True,
    help="The list is every member of staff: archive anyone on the roster who is not on it.",
)
@fails_cleanly
def import_staff(file: Path, school_name: str | None, dry_run: bool, archive_missing: bool) -> None:
    if file.stat().st_size > MAX_STAFF_LIST_BYTES:
        raise DomainError(f"{file.name} is larger than {MAX_STAFF_LIST_BYTES // 1_000_000} MB.")
    rows = staff_import.read_rows(staff_import.decode(file.read_bytes()))
    with app_context() as app:
        _upgrade_database(app)
        session = get_session()
        school = resolve_school(session, school_name)
        clock = get_clock()
        the_plan = staff_import.plan(
            session, school, rows, clock.today(), archive_missing=archive_missing
        )
        click.echo(
            f"{file.name}: {len(the_plan.add)} to add, {len(the_plan.update)} to update, "
            f"{len(the_plan.unchanged)} unchanged, {len(the_plan.archive)} to archive, "
            f"{len(the_plan.rejected)} with problems."
        )
        for update in the_plan.update:
            person = update.person
            changes = ", ".join(update.changes)
            click.echo(f"  row {person.number}: update {person.email} ({changes})")
        for member in the_plan.archive:
            click.echo(f"  archive {member.email}")
        if the_plan.rejected:
            for row in the_plan.rejected:
                click.echo(f"  row {row.number}: {'; '.join(row.reasons)}", err=True)
            raise DomainError("Nothing was changed: correct those rows and run this again.")
        if dry_run or not the_plan.changes_anything:
            click.echo("Nothing was changed." if dry_run else "Nothing to change.")
            return
        hours = app.config["SETUP_LINK_HOURS"]
        applied = staff_import.apply(
            session,
            school,
            the_plan,
            actor=None,
            now=clock.now(),
            link_valid_for=timedelta(hours=hours),
        )
        record(
            session,
            EventKind.STAFF_IMPORTED,
            actor=None,
            subject=f"{file.name} (from the command line): {len(applied.added)} added, "
            f"{applied.updated} updated, {applied.archived} archived",
            address="command line",
            now=clock.now(),
            school_id=school.id,
        )
        session.commit()
        for member, token in applied.added:
            click.echo(f"Set-up link for {member.email}: {app.config['BASE_URL']}/setup/{token}")
        click.echo(
            f"Done: {len(applied.added)} added, {applied.updated} updated, "
            f"{applied.archived} archived."
        )


@main.group(help="Each school's policies.")
def policy() -> None:
    pass


@policy.command(
    "list", help="List the policies with their rules and how many staff are in each status."
)
@SCHOOL_OPTION
@click.option("--json", "as_json", is_flag=True, help="Print JSON for other tools.")
@fails_cleanly
def policy_list(school_name: str | None, as_json: bool) -> None:
    with app_context() as app:
        _upgrade_database(app)
        session = get_session()
        school = resolve_school(session, school_name)
        every = policies.school_policies(session, school, include_retired=True)
        in_use = [item for item in every if not item.is_retired]
        rows = compliance.school_statuses(session, school, in_use, get_clock().today())
        listed = [_policy_entry(item, rows) for item in every]
    if as_json:
        click.echo(json.dumps({"school": school.name, "policies": listed}, indent=2))
        return
    click.echo(f"Policies at {school.name}:")
    for entry in listed:
        counts = ", ".join(f"{kind.replace('_', ' ')} {n}" for kind, n in entry["staff"].items())
        retired = " (retired)" if entry["retired"] else ""
        click.echo(f"  {entry['slug']}: {entry['title']}{retired}")
        click.echo(f"    {entry['rules_summary']}")
        click.echo(f"    staff: {counts or 'none'}")


def _policy_entry(item: Policy, rows: list[compliance.MemberStatuses]) -> dict[str, Any]:
    counts = {} if item.is_retired else compliance.status_counts(rows, item)
    renewal = (
        f"every year on {item.renewal_day}/{item.renewal_month}"
        if item.renewal_month
        else f"{item.validity_months} months"
    )
    audience = sorted(item.audience) or ["everyone"]
    return {
        "slug": item.slug,
        "title": item.title,
        "retired": item.is_retired,
        "mode": item.mode.value,
        "audience": audience,
        "validity_months": item.validity_months,
        "renewal_day": item.renewal_day,
        "renewal_month": item.renewal_month,
        "induction_days": item.induction_days,
        "due_soon_days": item.due_soon_days,
        "pass_mark": item.pass_mark,
        "assessment_size": item.assessment_size,
        "staff": {kind.value: counts[kind] for kind in StatusKind if kind in counts},
        "rules_summary": (
            f"{item.mode.label}; for {', '.join(audience)}; lasts {renewal}; new staff "
            f"{item.induction_days} days; pass mark {item.pass_mark}%, "
            f"{item.assessment_size} questions"
        ),
    }


@main.group(help="Email reminders about policy training.")
def reminders() -> None:
    pass


@reminders.command(
    "send",
    help="Send today's reminders, set-up links and headteachers' emails. Run it once a day (from "
    "cron): a second run the same day sends nothing more.",
)
@SCHOOL_OPTION
@click.option(
    "--dry-run", is_flag=True, help="Show what would be sent, without sending or recording it."
)
@fails_cleanly
def reminders_send(school_name: str | None, dry_run: bool) -> None:
    with app_context() as app:
        _upgrade_database(app)
        session = get_session()
        if school_name is not None:
            schools = [resolve_school(session, school_name)]
        else:
            schools = accounts.all_schools(session)
        report = mail.run_reminders(
            session,
            schools,
            mail.get_mailer(),
            now=get_clock().now(),
            base_url=app.config["BASE_URL"],
            link_valid_for=timedelta(hours=app.config["SETUP_LINK_HOURS"]),
            dry_run=dry_run,
        )
    for line in report.lines():
        click.echo(line)
    if report.failure:
        click.echo(f"Error: {report.failure}", err=True)
        sys.exit(1)


@main.group(help="Certificates.")
def certificate() -> None:
    pass


@certificate.command(help="Write a specimen certificate, to check the layout.")
@click.option("--name", required=True, help="The name to print on it.")
@click.option("--out", required=True, type=click.Path(dir_okay=False, writable=True))
@SCHOOL_OPTION
@click.option("--policy", "slug", help="Which policy's declaration (default: the first).")
@fails_cleanly
def sample(name: str, out: str, school_name: str | None, slug: str | None) -> None:
    if not name.strip():
        raise DomainError("The name cannot be blank.")
    with app_context() as app:
        _upgrade_database(app)
        session = get_session()
        library = get_library()
        course = library.courses[0]
        if slug is not None:
            try:
                course = library.course(slug)
            except KeyError:
                raise DomainError(
                    f"There is no policy course '{slug}'. Courses: {', '.join(library.slugs)}."
                ) from None
        named = course.policy.school
        if school_name is not None or accounts.all_schools(session):
            named = resolve_school(session, school_name).name
        pdf = sample_certificate(
            course_for_school(course, named), named, name, get_clock().now(), app.config["BASE_URL"]
        )
    try:
        Path(out).write_bytes(pdf)
    except OSError as error:
        raise DomainError(f"Could not write {out}: {error.strerror}.") from None
    click.echo(f"Wrote a specimen certificate for {name} at {named} to {out}.")


@main.group(help="Export a policy's course as a SCORM package for a learning platform.")
def scorm() -> None:
    pass


@scorm.command("build")
@click.option(
    "--policy",
    "slug",
    help="The school's policy to package (default: its only policy with an assessment).",
)
@SCHOOL_OPTION
@click.option(
    "--course",
    "course_slug",
    help="Package a course of the content library instead, without a database: its folder name.",
)
@click.option(
    "--content-dir",
    type=click.Path(path_type=Path, file_okay=False, exists=True),
    help="With --course: the content library. Default: ELEARN_CONTENT_DIR, or the content/ "
    "shipped with elearn.",
)
@click.option(
    "--version-label",
    help="The policy version the package teaches and its certificate names. Default: the "
    "version in force (with --course: the version in the policy file).",
)
@click.option(
    "--pass-mark",
    type=click.IntRange(1, 100),
    help="Per cent needed to pass; also the mastery score. Default: the policy's.",
)
@click.option(
    "--assessment-size",
    type=click.IntRange(1),
    help="Questions in the final assessment. Default: the policy's.",
)
@click.option("--standard", type=click.Choice(STANDARDS), required=True, help="SCORM 1.2 or 2004.")
@click.option(
    "--out",
    type=click.Path(path_type=Path, file_okay=False),
    required=True,
    help="The folder to write <course>-scorm12.zip or <course>-scorm2004.zip into.",
)
@fails_cleanly
def scorm_build(
    slug: str | None,
    school_name: str | None,
    course_slug: str | None,
    content_dir: Path | None,
    version_label: str | None,
    pass_mark: int | None,
    assessment_size: int | None,
    standard: Standard,
    out: Path,
) -> None:
    """Write one policy's course as a SCORM package, one zip for the learning platform."""
    if course_slug is not None:
        if slug is not None:
            raise DomainError("Give --policy (a school's policy) or --course, not both.")
        settings = _library_package(course_slug, content_dir, school_name)
    else:
        settings = _policy_package(slug, school_name)
    course, chosen = settings
    try:
        path = build_package(
            course,
            standard=standard,
            school_name=chosen.school_name,
            version_label=version_label or chosen.version_label,
            pass_mark=chosen.pass_mark if pass_mark is None else pass_mark,
            assessment_size=(
                chosen.assessment_size if assessment_size is None else assessment_size
            ),
            out_dir=out,
        )
    except PackageError as error:
        raise DomainError(str(error)) from error
    except OSError as error:
        raise DomainError(f"Cannot write into {out}: {error.strerror}.") from error
    click.echo(f"Wrote {path} ({path.stat().st_size:,} bytes), SCORM {standard}.")


def _library_package(
    course_slug: str, content_dir: Path | None, school_name: str | None
) -> tuple[Course, PackageChoice]:
    """A library course, with its own defaults: no app, no database."""
    folder = content_dir or Path(os.environ.get("ELEARN_CONTENT_DIR") or REPO_CONTENT_DIR)
    library = load_library(folder)
    if not library.has(course_slug):
        raise DomainError(
            f"There is no course '{course_slug}'. The library holds: {', '.join(library.slugs)}."
        )
    course = library.course(course_slug)
    return course, PackageChoice(
        school_name or course.policy.school,
        course.policy.version,
        course.pass_mark,
        course.assessment_size,
    )


def _policy_package(slug: str | None, school_name: str | None) -> tuple[Course, PackageChoice]:
    """One of a school's policies as it stands: its version in force and its own rules."""
    with app_context() as app:
        _upgrade_database(app)
        session = get_session()
        school = resolve_school(session, school_name)
        found = resolve_policy(session, school, slug)
        if found is None:
            learning = [
                item
                for item in policies.school_policies(session, school)
                if item.mode is policies.PolicyMode.LEARN
            ]
            if len(learning) != 1:
                raise DomainError(
                    "Choose the policy with --policy: "
                    f"{', '.join(item.slug for item in learning) or 'none has an assessment'}."
                )
            found = learning[0]
        force = in_force(session, found, get_library(), school.name)
        return policy_package(force, school.name)
