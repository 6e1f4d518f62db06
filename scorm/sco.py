"""The SCO: one HTML page rendered from the web app's content macros, its scripts and styles, and
the answers, encoded.

The page is rendered by a Jinja environment of its own, set up as the app sets up Flask's (the app's
templates, then GOV.UK Frontend's macros), with the SCO's page templates from `scorm/templates`
first. Grading happens in the browser, so the right answers travel inside the package: they are
compressed and masked (`encode_answers`) so they cannot be read at a glance, which is all a package
can do. Nothing here knows about Flask or the database.
"""

from __future__ import annotations

import base64
import functools
import hashlib
import json
import math
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from importlib import resources
from importlib.abc import Traversable
from pathlib import Path

from jinja2 import (
    ChoiceLoader,
    Environment,
    FileSystemLoader,
    PackageLoader,
    PrefixLoader,
    select_autoescape,
)

from elearn.content.question_types import kind_of
from elearn.content.schema import Clause, Course, Lesson, Question
from scorm.settings import PackageSettings

# SCORM 1.2 keeps at most 4,096 characters of cmi.suspend_data (CMIString4096).
MAX_SUSPEND_DATA_12 = 4096
# The longest typed signature, as the web app's declaration form allows.
NAME_MAX_LENGTH = 200
# Drawn questions are saved as two base-36 digits each, so a bank holds at most 36 * 36.
MAX_BANK_SIZE = 36 * 36

# The SCO's scripts, in the order the page loads them.
SCRIPTS = ("js/answers.js", "js/runtime.js", "js/progress.js", "js/course.js")
# Files the SCO takes from the web app as they are, by their path in the package.
_APP_STATIC = {"css/elearn.css": "css/elearn.css", "images/favicon.svg": "images/favicon.svg"}


@dataclass(frozen=True)
class ShownLesson:
    """A lesson as its page shows it: its number (from 1) and the clauses it quotes."""

    number: int
    lesson: Lesson
    clauses: tuple[Clause, ...]


@dataclass(frozen=True)
class BankQuestion:
    """An assessment question, with what an interaction record says of it."""

    question: Question
    lesson_number: int
    clause_ids: tuple[str, ...]
    clause_labels: tuple[str, ...]


@functools.cache
def template_environment() -> Environment:
    """Jinja as the app has it, without Flask: SCO pages, the app's templates, GOV.UK macros."""
    loader = ChoiceLoader(
        [
            FileSystemLoader(_folder(resources.files("scorm") / "templates")),
            FileSystemLoader(_folder(resources.files("elearn") / "templates")),
            PrefixLoader({"govuk_frontend_jinja": PackageLoader("govuk_frontend_jinja")}),
        ]
    )
    environment = Environment(
        loader=loader,
        autoescape=select_autoescape(["html", "xml"]),
        trim_blocks=True,
        lstrip_blocks=True,
    )
    environment.globals["kind_of"] = kind_of
    return environment


def sco_files(course: Course, settings: PackageSettings) -> dict[str, bytes]:
    """The SCO's files by their path in the package: the page, its scripts, styles and images."""
    environment = template_environment()
    lessons = shown_lessons(course)
    bank = bank_questions(course)
    page = environment.get_template("sco/index.html").render(
        course=course,
        school_name=settings.school_name,
        version_label=settings.version_label,
        pass_mark=settings.pass_mark,
        assessment_size=settings.assessment_size,
        lessons=lessons,
        bank=bank,
        name_max_length=NAME_MAX_LENGTH,
        scripts=SCRIPTS,
        body_attributes={
            "data-standard": settings.standard,
            "data-course": course.slug,
            "data-pass-mark": settings.pass_mark,
            "data-assessment-size": settings.assessment_size,
            "data-critical-clauses": " ".join(course.critical_clauses),
            "data-critical-must-pass": "yes" if course.critical_must_pass else "no",
            "data-policy-title": course.policy.title,
            "data-version": settings.version_label,
            "data-name-max-length": NAME_MAX_LENGTH,
        },
    )
    files = {"index.html": _text_file(page)}
    files["js/answers.js"] = answers_script(course, settings)
    for path, data in _static_files(resources.files("scorm") / "static"):
        files[path] = data
    app_static = resources.files("elearn") / "static"
    for path, source in _APP_STATIC.items():
        files[path] = app_static.joinpath(source).read_bytes()
    return dict(sorted(files.items()))


def shown_lessons(course: Course) -> tuple[ShownLesson, ...]:
    present = {clause.id for clause in course.policy.clauses}
    return tuple(
        ShownLesson(
            number,
            lesson,
            tuple(course.policy.clause(cid) for cid in lesson.clauses if cid in present),
        )
        for number, lesson in enumerate(course.lessons, start=1)
    )


def bank_questions(course: Course) -> tuple[BankQuestion, ...]:
    """Every assessment question, lesson by lesson: the order the SCO saves drawn questions in."""
    return tuple(
        BankQuestion(
            question,
            number,
            question.clauses,
            tuple(course.policy.label_of(cid) for cid in question.clauses),
        )
        for number, lesson in enumerate(course.lessons, start=1)
        for question in lesson.questions
    )


def answers_script(course: Course, settings: PackageSettings) -> bytes:
    """js/answers.js: every question's right options and feedback, encoded."""
    option_feedback = template_environment().get_template("_content.html").module.option_feedback  # type: ignore[attr-defined]
    answers = {
        question.id: [
            "".join(sorted(question.correct_keys)),
            str(option_feedback(question, frozenset(), course.policy)).strip(),
        ]
        for lesson in course.lessons
        for question in (*lesson.practice, *lesson.questions)
    }
    key = hashlib.sha256(
        f"{course.slug}|{settings.version_label}|{settings.standard}".encode()
    ).digest()
    encoded = encode_answers(answers, key)
    script = (
        "// The right answers and their feedback, compressed and masked so that they are not\n"
        "// readable at a glance. It does not keep them secret: js/course.js decodes them.\n"
        f'window.elearnAnswers = {{"key": "{base64.b64encode(key).decode()}", '
        f'"data": "{encoded}"}};\n'
    )
    return script.encode("ascii")


def encode_answers(answers: dict[str, list[str]], key: bytes) -> str:
    """JSON, deflated (zlib), masked with `key` repeated, in base 64: decoded by js/course.js."""
    payload = json.dumps(answers, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    packed = zlib.compress(payload.encode("utf-8"), 9)
    masked = bytes(byte ^ key[index % len(key)] for index, byte in enumerate(packed))
    return base64.b64encode(masked).decode("ascii")


def decode_answers(encoded: str, key: bytes) -> dict[str, list[str]]:
    """The inverse of `encode_answers`, for tests and for anyone checking a package."""
    masked = base64.b64decode(encoded)
    packed = bytes(byte ^ key[index % len(key)] for index, byte in enumerate(masked))
    answers: dict[str, list[str]] = json.loads(zlib.decompress(packed).decode("utf-8"))
    return answers


def max_suspend_data_length(course: Course, assessment_size: int) -> int:
    """The longest cmi.suspend_data js/progress.js can write for this course, in characters.

    It follows the format in js/progress.js, field by field, at its largest: every lesson done,
    every practice question answered, the largest sitting all answered (`assessment_size`
    questions, or more when the critical clauses and lessons need them), the
    most sittings counted, and a signature of the longest name in characters that URI-encode to
    nine each. A browser test fills that state and measures what the script writes.
    """
    practice = sum(len(lesson.practice) for lesson in course.lessons)
    # A sitting asks about every critical clause and every lesson even past `assessment_size`.
    covered = len(course.critical_clauses) + sum(1 for lesson in course.lessons if lesson.questions)
    assessment_size = min(max(assessment_size, covered), course.bank_size)
    version_and_separators = 1 + 5
    lessons = math.ceil(len(course.lessons) / 5)
    sittings = 4
    sitting = 7 + 1 + 2 * assessment_size + 1 + assessment_size + 1 + 1
    signature = 7 + 1 + 9 * NAME_MAX_LENGTH
    return version_and_separators + lessons + practice + sittings + sitting + signature


def _static_files(root: Traversable, prefix: str = "") -> Iterator[tuple[str, bytes]]:
    for entry in sorted(root.iterdir(), key=lambda item: item.name):
        if entry.is_dir():
            yield from _static_files(entry, f"{prefix}{entry.name}/")
        else:
            yield f"{prefix}{entry.name}", entry.read_bytes()


def _text_file(text: str) -> bytes:
    return (text.strip() + "\n").encode("utf-8")


def _folder(traversable: Traversable) -> str:
    # Jinja's FileSystemLoader needs a real folder; an installed or editable package has one.
    return str(Path(str(traversable)))
