"""A policy's course as a SCORM package for the school's learning platform.

The package teaches the version in force, in the school's name, under the policy's own pass mark
and assessment size. `scorm` builds it from content alone; this module chooses what goes in.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

from elearn.content.schema import Course
from elearn.versions.api import InForce
from scorm import PackageSettings, Standard, package_name
from scorm.build import package_files, zip_bytes


@dataclass(frozen=True)
class PackageChoice:
    """What a package is built with, besides its course and standard."""

    school_name: str
    version_label: str
    pass_mark: int
    assessment_size: int


def policy_package(force: InForce, school_name: str) -> tuple[Course, PackageChoice]:
    """The course as staff follow it now (the version in force's words), and the policy's rules."""
    course = dataclasses.replace(force.course, policy=force.text)
    return course, PackageChoice(
        school_name, force.version.label, force.policy.pass_mark, force.policy.assessment_size
    )


def package_download(force: InForce, school_name: str, standard: Standard) -> tuple[str, bytes]:
    """The zip's file name and bytes, made in memory for a download."""
    course, choice = policy_package(force, school_name)
    settings = PackageSettings(
        standard, choice.school_name, choice.version_label, choice.pass_mark, choice.assessment_size
    )
    return package_name(course.slug, standard), zip_bytes(package_files(course, settings))
