"""Build one course as a SCORM package: the SCO's files, the manifest and the schemas, in one zip.

`build_package` is pure apart from writing its zip: a course and settings in, a file out. The
course is filled with the school's name first (`course_for_school`), so the package reads as the
school's own. The output is deterministic: the same course and settings give the same bytes (the
entries in a fixed order, with fixed times and permissions), so a rebuilt package can be compared
with the one a platform already has.
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Mapping
from dataclasses import replace
from importlib import resources
from pathlib import Path

from elearn.content.placeholders import course_for_school
from elearn.content.schema import Course
from scorm.manifest import manifest_xml
from scorm.sco import MAX_BANK_SIZE, MAX_SUSPEND_DATA_12, max_suspend_data_length, sco_files
from scorm.settings import STANDARDS, PackageError, PackageSettings, Standard

# Zip entries carry no real time: the earliest a zip can hold, so rebuilding changes nothing.
_ZIP_TIME = (1980, 1, 1, 0, 0, 0)
_SCHEMA_FOLDERS: dict[Standard, str] = {"1.2": "scorm12", "2004": "scorm2004-4th"}
# The longest name or label a manifest title holds comfortably (SCORM 2004 asks for 200 at most).
_MAX_LABEL = 200


def package_name(slug: str, standard: Standard) -> str:
    """The zip's file name: `<slug>-scorm12.zip` or `<slug>-scorm2004.zip`."""
    return f"{slug}-scorm{standard.replace('.', '')}.zip"


def build_package(
    course: Course,
    *,
    standard: Standard,
    school_name: str,
    version_label: str,
    pass_mark: int,
    assessment_size: int,
    out_dir: Path,
) -> Path:
    """Write `course` as a SCORM `standard` package for `school_name` into `out_dir`.

    `version_label` is the policy version the package teaches and its certificate names;
    `pass_mark` (per cent) is also the manifest's mastery score. Returns the zip's path.
    Raises `PackageError` for settings the course cannot meet.
    """
    settings = PackageSettings(standard, school_name, version_label, pass_mark, assessment_size)
    files = package_files(course, settings)
    out_dir.mkdir(parents=True, exist_ok=True)
    path = out_dir / package_name(course.slug, standard)
    path.write_bytes(zip_bytes(files))
    return path


def package_files(course: Course, settings: PackageSettings) -> dict[str, bytes]:
    """Every file of the package by its path inside the zip, manifest first."""
    check_settings(course, settings)
    school_course = course_for_school(course, settings.school_name.strip())
    settings = replace(
        settings,
        school_name=settings.school_name.strip(),
        version_label=settings.version_label.strip(),
    )
    content = sco_files(school_course, settings)
    schemas = schema_files(settings.standard)
    manifest = manifest_xml(school_course, settings, content)
    return {"imsmanifest.xml": manifest, **content, **schemas}


def check_settings(course: Course, settings: PackageSettings) -> None:
    """Refuse settings that would make a package the course cannot honour."""
    if settings.standard not in STANDARDS:
        raise PackageError(f"The standard must be 1.2 or 2004, not {settings.standard!r}.")
    labels = (("school name", settings.school_name), ("version", settings.version_label))
    for label, value in labels:
        if not value.strip():
            raise PackageError(f"The {label} is empty: give one.")
        if len(value.strip()) > _MAX_LABEL:
            raise PackageError(f"The {label} is longer than {_MAX_LABEL} characters: shorten it.")
    if not 1 <= settings.pass_mark <= 100:
        raise PackageError("The pass mark must be a whole number from 1 to 100.")
    if course.bank_size > MAX_BANK_SIZE:
        raise PackageError(
            f"The course has {course.bank_size} assessment questions; a package holds at most "
            f"{MAX_BANK_SIZE}."
        )
    lessons_with_questions = sum(1 for lesson in course.lessons if lesson.questions)
    if not lessons_with_questions:
        raise PackageError("The course has no assessment questions.")
    if not lessons_with_questions <= settings.assessment_size <= course.bank_size:
        raise PackageError(
            f"The assessment size must be from {lessons_with_questions} (one question a lesson) "
            f"to {course.bank_size} (every question in the bank)."
        )
    if settings.standard == "1.2":
        longest = max_suspend_data_length(course, settings.assessment_size)
        if longest > MAX_SUSPEND_DATA_12:
            raise PackageError(
                f"This course's progress needs up to {longest} characters, more than the "
                f"{MAX_SUSPEND_DATA_12} SCORM 1.2 keeps: use SCORM 2004, or fewer questions."
            )


def schema_files(standard: Standard) -> dict[str, bytes]:
    """The standard's official schema files, for the root of the package, byte for byte."""
    root = resources.files("scorm") / "schemas" / _SCHEMA_FOLDERS[standard]
    files: dict[str, bytes] = {}
    pending = [(root, "")]
    while pending:
        folder, prefix = pending.pop()
        for entry in folder.iterdir():
            if entry.is_dir():
                pending.append((entry, f"{prefix}{entry.name}/"))
            else:
                files[f"{prefix}{entry.name}"] = entry.read_bytes()
    return dict(sorted(files.items()))


def zip_bytes(files: Mapping[str, bytes]) -> bytes:
    """The files as a zip, in the order given, with fixed times and permissions."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, data in files.items():
            if not name.isascii():
                raise PackageError(f"A package file name must be ASCII: {name!r}.")
            info = zipfile.ZipInfo(name, date_time=_ZIP_TIME)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.create_system = 3  # Unix, so the permissions below are read as such
            info.external_attr = 0o644 << 16
            archive.writestr(info, data, compresslevel=9)
    return buffer.getvalue()
