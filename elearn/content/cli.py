"""The `elearn content` commands: `import-policy`, `check` and `report`.

They work on files alone and need no app, so they run even when the content folder has a problem
that would stop the app starting. Each command is a plain click command added to the `content`
group; failures are one plain line and exit code 1.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import click

from elearn.config import REPO_CONTENT_DIR
from elearn.content.checks import ClauseCoverage, check_course, coverage
from elearn.content.errors import ContentError
from elearn.content.loader import load_library
from elearn.content.policy_file import policy_to_yaml
from elearn.content.schema import Course, Library, Policy, QuestionType
from elearn.importing import LineFate, PolicyImportError, import_document


@click.group(name="content", help="Check, report on and import the course content.")
def content() -> None:
    pass


@content.command(
    "import-policy", short_help="Make the structured policy file from a policy document."
)
@click.argument("source", type=click.Path(path_type=Path))
@click.option(
    "--out",
    required=True,
    type=click.Path(path_type=Path, dir_okay=False),
    help="The policy file to write, such as content/policy/social-networking-policy.yaml.",
)
@click.option(
    "--version",
    default=None,
    help="The version certificates print. Default: the version or adoption date the document "
    "gives.",
)
@click.option("--school", default=None, help="The school's name, where the document lacks it.")
@click.option("--title", default=None, help="The policy's title, where the document lacks it.")
def import_policy_command(
    source: Path, out: Path, version: str | None, school: str | None, title: str | None
) -> None:
    """Make the structured policy file from the policy document SOURCE.

    SOURCE is a Word document (.docx), a PDF, plain text (.txt, UTF-8) or Markdown (.md). The
    summary lists every warning (numbering problems, a missing name, date or declaration) and
    every line set aside as not policy text (page furniture, contents, version history, cover,
    signature fields), with its reason: correct the document, or give what is missing as an
    option, then import it again.
    """
    try:
        data = source.read_bytes()
    except FileNotFoundError as error:
        raise click.ClickException(f"{source}: no such file.") from error
    except OSError as error:
        raise click.ClickException(f"Cannot read {source}: {error.strerror}.") from error
    try:
        result = import_document(source.name, data, school=school, title=title, version=version)
    except PolicyImportError as error:
        raise click.ClickException(f"{source}: {error}") from error
    output = policy_to_yaml(result.policy, source_name=_source_name(source, out))
    try:
        out.write_text(output, encoding="utf-8", newline="\n")
    except OSError as error:
        raise click.ClickException(f"Cannot write {out}: {error.strerror}.") from error
    _print_summary(result.policy, out)
    _print_skipped(result.skipped)


def _print_skipped(skipped: tuple[LineFate, ...]) -> None:
    if not skipped:
        click.echo("No lines set aside.")
        return
    click.echo(f"{len(skipped)} lines set aside as not policy text:")
    for fate in skipped:
        click.echo(f"  line {fate.line} ({fate.skipped}): {fate.text}")


def _source_name(source: Path, out: Path) -> str:
    """How the policy file's header names its source.

    The path from the file's folder when the source is inside it ("source/policy.txt"), otherwise
    the file name alone, so that no one's own folders are written into the content.
    """
    try:
        relative = Path(os.path.relpath(source, out.parent)).as_posix()
    except ValueError:  # on another drive (Windows)
        return source.name
    return source.name if relative.startswith("../") else relative


def _print_summary(policy: Policy, out: Path) -> None:
    clauses = policy.clauses
    formal = sum(clause.is_formal for clause in clauses)
    click.echo(f"Wrote {out}: {policy.title}, {policy.school}, version {policy.version}.")
    click.echo(
        f"{len(policy.sections)} sections, {len(clauses)} clauses ({formal} formal), "
        f"{len(policy.dates)} dates."
    )
    if not policy.warnings:
        click.echo("No warnings.")
        return
    click.echo(f"{len(policy.warnings)} warnings:")
    for warning in policy.warnings:
        click.echo(f"  {warning.code}: {warning.message}")


def _content_dir(option: Path | None) -> Path:
    if option is not None:
        return option
    return Path(os.environ.get("ELEARN_CONTENT_DIR") or REPO_CONTENT_DIR)


def _load(content_dir: Path) -> Library:
    """The library, or every loading problem printed as file:line and exit code 1."""
    try:
        return load_library(content_dir)
    except ContentError as error:
        for problem in error.problems:
            click.echo(str(problem), err=True)
        raise click.exceptions.Exit(1) from error


def _course_folder(library_dir: Path, course: Course) -> Path:
    """Where a course's files are: the library's folder of that name, or the library itself."""
    folder = library_dir / course.slug
    return folder if (folder / "course.yaml").is_file() else library_dir


CONTENT_DIR_OPTION = click.option(
    "--content-dir",
    type=click.Path(path_type=Path, file_okay=False, exists=True),
    help="The content library (a folder of courses) or one course's folder. Default: "
    "ELEARN_CONTENT_DIR, or the content/ shipped with elearn.",
)


@content.command("check")
@CONTENT_DIR_OPTION
def check_command(content_dir: Path | None) -> None:
    """Check every course: every problem is printed as file:line: message."""
    folder = _content_dir(content_dir)
    library = _load(folder)
    failed = False
    for course in library.courses:
        course_folder = _course_folder(folder, course)
        prefix = "" if course_folder == folder else f"{course.slug}/"
        problems = check_course(course, course_folder)
        for problem in problems:
            click.echo(f"{prefix}{problem}", err=True)
        if problems:
            failed = True
            continue
        click.echo(
            f"{course.slug}: ready: {len(course.lessons)} lessons, {course.bank_size} assessment "
            f"questions, {len(course.policy.clauses)} clauses all taught, "
            f"{len(course.critical_clauses)} critical."
        )
        for warning in course.policy.warnings:
            click.echo(f"{course.slug}: policy warning: {warning.message}")
    if failed:
        raise click.exceptions.Exit(1)


@content.command("report")
@CONTENT_DIR_OPTION
@click.option(
    "--course",
    "slug",
    help="The course to report on (its folder name). Needed when the library holds several.",
)
@click.option("--json", "as_json", is_flag=True, help="Print JSON for other tools.")
def report_command(content_dir: Path | None, slug: str | None, as_json: bool) -> None:
    """Print which lessons teach and which questions test each clause of the policy."""
    library = _load(_content_dir(content_dir))
    if slug is None and len(library.courses) > 1:
        raise click.ClickException(
            f"The library holds several courses: choose one with --course "
            f"({', '.join(library.slugs)})."
        )
    try:
        course = library.course(slug) if slug else library.courses[0]
    except KeyError:
        raise click.ClickException(
            f"There is no course '{slug}'. The library holds: {', '.join(library.slugs)}."
        ) from None
    rows = coverage(course)
    if as_json:
        click.echo(json.dumps(_report_data(course, rows), indent=2, ensure_ascii=False))
        return
    width = max(len(row.clause_id) for row in rows)
    click.echo(f"{'Clause':<{width}}  Lessons  Questions  Taught in")
    for row in rows:
        lessons = ", ".join(row.lessons) or "NOT TAUGHT"
        count = str(len(row.questions)) if row.questions else ("formal" if row.is_formal else "0")
        click.echo(f"{row.clause_id:<{width}}  {len(row.lessons):>7}  {count:>9}  {lessons}")


def _report_data(course: Course, rows: list[ClauseCoverage]) -> dict[str, object]:
    """The report as data: the bank by lesson, its true/false share, critical clauses, coverage."""
    bank = course.bank
    true_false = sum(question.type is QuestionType.TRUE_FALSE for question in bank)
    return {
        "course": course.slug,
        "policy_file": course.policy_file,
        "lesson_count": len(course.lessons),
        "question_count": len(bank),
        "practice_count": sum(len(lesson.practice) for lesson in course.lessons),
        "true_false_count": true_false,
        "true_false_share": round(true_false / len(bank), 3) if bank else 0.0,
        "lessons": [
            {
                "id": lesson.id,
                "questions": len(lesson.questions),
                "practice": len(lesson.practice),
            }
            for lesson in course.lessons
        ],
        "critical_must_pass": course.critical_must_pass,
        "critical_clauses": [
            {
                "id": clause_id,
                "questions": [question.id for question in bank if clause_id in question.clauses],
            }
            for clause_id in course.critical_clauses
        ],
        "critical_question_count": len(course.critical_question_ids),
        "clauses": [
            {
                "id": row.clause_id,
                "lessons": list(row.lessons),
                "questions": list(row.questions),
            }
            for row in rows
        ],
    }
