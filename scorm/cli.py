"""`elearn scorm build`: a course of the content library as a SCORM 1.2 or 2004 package.

A thin wrapper around `scorm.build_package`: it finds the course, takes the course's own pass mark
and assessment size unless told otherwise, and writes the zip. It needs no app and no database.
"""

from __future__ import annotations

import os
from pathlib import Path

import click

from elearn.config import REPO_CONTENT_DIR
from elearn.content.errors import ContentError
from elearn.content.loader import load_library
from elearn.content.schema import Library
from scorm.build import build_package
from scorm.settings import STANDARDS, PackageError, Standard


@click.group(name="scorm", help="Export a course as a SCORM package for a learning platform.")
def scorm() -> None:
    pass


@scorm.command("build")
@click.option(
    "--content-dir",
    type=click.Path(path_type=Path, file_okay=False, exists=True),
    help="The content library (a folder of courses). Default: ELEARN_CONTENT_DIR, or the "
    "content/ shipped with elearn.",
)
@click.option("--course", "slug", required=True, help="The course: its folder in the library.")
@click.option(
    "--school",
    help="The school's name, read wherever the course names the school. Default: the school "
    "the policy was written for.",
)
@click.option(
    "--version-label",
    help="The policy version the package teaches and its certificate names. Default: the "
    "version in the policy file.",
)
@click.option(
    "--pass-mark",
    type=click.IntRange(1, 100),
    help="Per cent needed to pass; also the mastery score. Default: the course's.",
)
@click.option(
    "--assessment-size",
    type=click.IntRange(1),
    help="Questions in the final assessment. Default: the course's.",
)
@click.option("--standard", type=click.Choice(STANDARDS), required=True, help="SCORM 1.2 or 2004.")
@click.option(
    "--out",
    type=click.Path(path_type=Path, file_okay=False),
    required=True,
    help="The folder to write <course>-scorm12.zip or <course>-scorm2004.zip into.",
)
def build_command(
    content_dir: Path | None,
    slug: str,
    school: str | None,
    version_label: str | None,
    pass_mark: int | None,
    assessment_size: int | None,
    standard: Standard,
    out: Path,
) -> None:
    """Write one course as a SCORM package, one zip for the learning platform to upload."""
    library = _load(content_dir or Path(os.environ.get("ELEARN_CONTENT_DIR") or REPO_CONTENT_DIR))
    if not library.has(slug):
        raise click.ClickException(
            f"There is no course '{slug}'. The library holds: {', '.join(library.slugs)}."
        )
    course = library.course(slug)
    try:
        path = build_package(
            course,
            standard=standard,
            school_name=school or course.policy.school,
            version_label=version_label or course.policy.version,
            pass_mark=course.pass_mark if pass_mark is None else pass_mark,
            assessment_size=course.assessment_size if assessment_size is None else assessment_size,
            out_dir=out,
        )
    except PackageError as error:
        raise click.ClickException(str(error)) from error
    except OSError as error:
        raise click.ClickException(f"Cannot write into {out}: {error.strerror}.") from error
    click.echo(f"Wrote {path} ({path.stat().st_size:,} bytes), SCORM {standard}.")


def _load(content_dir: Path) -> Library:
    """The library, or every loading problem printed as file:line and exit code 1."""
    try:
        return load_library(content_dir)
    except ContentError as error:
        for problem in error.problems:
            click.echo(str(problem), err=True)
        raise click.exceptions.Exit(1) from error
