"""imsmanifest.xml for a package: SCORM 1.2 or SCORM 2004 4th Edition, one SCO.

The manifest names the course, the school and the policy version in its metadata, and carries the
pass mark as the mastery score (1.2's `adlcp:masteryscore`, 2004's `minNormalizedMeasure`), so a
platform that grades by score agrees with the SCO's own pass or fail.
"""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal

from elearn.content.schema import Course
from scorm.sco import template_environment
from scorm.settings import PackageSettings

_TEMPLATES = {"1.2": "manifest/scorm12.xml", "2004": "manifest/scorm2004.xml"}


def manifest_xml(course: Course, settings: PackageSettings, sco_files: Iterable[str]) -> bytes:
    """The manifest; `sco_files` are the SCO's paths in the package, which its resource lists."""
    identifier = f"elearn-{course.slug}-scorm{settings.standard.replace('.', '')}"
    text = (
        template_environment()
        .get_template(_TEMPLATES[settings.standard])
        .render(
            identifier=identifier,
            title=course.title,
            description=(
                f"Staff training on the {course.policy.title} of {settings.school_name}, "
                f"version {settings.version_label}: lessons, practice questions, an assessment "
                f"(pass mark {settings.pass_mark}%) and the policy's declaration of receipt."
            ),
            version_label=settings.version_label,
            school_vcard=_vcard(settings.school_name),
            pass_mark=settings.pass_mark,
            scaled_pass_mark=format((Decimal(settings.pass_mark) / 100).normalize(), "f"),
            files=sorted(sco_files),
        )
    )
    return (text.strip() + "\n").encode("utf-8")


def _vcard(name: str) -> str:
    """A vCard naming the school as an organisation, its text escaped as vCard asks."""
    escaped = name.replace("\\", "\\\\").replace(",", "\\,").replace(";", "\\;")
    return f"BEGIN:VCARD\nVERSION:3.0\nFN:{escaped}\nORG:{escaped}\nEND:VCARD"
