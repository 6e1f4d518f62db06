"""A demo school: a headteacher and a dozen staff of every category, at every stage of training.

The demo is a school of its own, named as a demo, next to any real school and never touching one.
Everything is made through the same service functions staff use, at past times, so the demo's
declarations, certificates and statuses are real ones.
"""

from __future__ import annotations

import random
import unicodedata
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy.orm import Session

from elearn.accounts import api as accounts
from elearn.accounts.api import OFFLINE, Category, Role, School, StaffMember
from elearn.certificates.api import last_signed_version_id
from elearn.certificates.service import sign_declaration
from elearn.clock import school_date
from elearn.content.schema import Course, Library
from elearn.errors import DomainError
from elearn.policies import api as policies
from elearn.policies.api import PolicyMode
from elearn.tenancy import scoped_to
from elearn.training import service as training
from elearn.versions.api import InForce, adopt_course, in_force

DEMO_PASSWORD = "demo-password-2026"  # noqa: S105 - printed for the demo on purpose
DEMO_DOMAIN = "demo.example.org"
DEMO_SCHOOL = "Demo School (sample people, not a real school)"
DEMO_HISTORY_DAYS = 2000


@dataclass(frozen=True)
class DemoPerson:
    name: str
    category: Category
    started_days_ago: int
    lessons_done: int = 0  # -1: all of them
    attempts: tuple[bool, ...] = ()  # pass or fail, in order
    signed_days_ago: int | None = None  # when the declaration was signed
    paused_for_days: int | None = None  # on long leave, back in this many days


HEADTEACHER = DemoPerson("Helen Carter", Category.TEACHER, 3000, -1, (True,), 100)
STAFF = (
    DemoPerson("Amelia Hart", Category.TEACHER, 1100, -1, (True,), 335),
    DemoPerson("Siân Ó Súilleabháin", Category.TEACHER, 900, -1, (True,), 400),
    DemoPerson("Tom Okafor", Category.SUPPORT_STAFF, 700, -1, (True,), 60),
    DemoPerson("Łucja Wąsowska-Öztürk", Category.SUPPORT_STAFF, 500, -1, (False, True), 150),
    DemoPerson("Nguyễn Thị Ánh", Category.SUPPLY_STAFF, 10, 2),
    DemoPerson("Priya Shah", Category.GOVERNOR, 30),
    DemoPerson("Dave Clarke", Category.CONTRACTOR, -5),
    DemoPerson("Margaret Ellis", Category.VOLUNTEER, 3),
    DemoPerson("Ben Walsh", Category.TEACHER, 12, -1, (False,)),
    DemoPerson("Chloe Martin", Category.TEACHER, 8, -1, (True,)),
    DemoPerson("Rhys Jones", Category.SUPPORT_STAFF, 800, -1, (True,), 360, paused_for_days=60),
    DemoPerson("Fatima Begum", Category.TEACHER, 1500, -1, (True,), 350),
)


def _email(name: str) -> str:
    """first.last@domain, with accents dropped: "Siân Ó Súilleabháin" -> sian.suilleabhain."""
    first, *rest = name.translate(str.maketrans("Łł", "Ll")).split()
    plain = unicodedata.normalize("NFKD", f"{first}.{rest[-1] if rest else ''}")
    ascii_name = "".join(ch for ch in plain if ch.isascii())
    return f"{ascii_name.lower().strip('.')}@{DEMO_DOMAIN}"


def _answer_everything(
    course: Course, attempt_questions: list[dict[str, object]], right: bool
) -> dict[str, frozenset[str]]:
    answers = {}
    for item in attempt_questions:
        question = course.question(str(item["question"]))
        if right:
            answers[question.id] = question.correct_keys
        else:
            wrong = [option.key for option in question.options if not option.is_correct]
            answers[question.id] = frozenset(wrong[:1])
    return answers


def passes_practice(person: DemoPerson) -> bool:
    """Whoever passes their assessments in the demo got their practice right too."""
    return all(person.attempts) if person.attempts else True


def _progress(session: Session, member: StaffMember, force: InForce) -> training.Progress:
    signed = last_signed_version_id(session, member, force.policy.id)
    return training.progress(session, member, force, signed)


def _walk(
    session: Session,
    school: School,
    force: InForce,
    member: StaffMember,
    person: DemoPerson,
    now: datetime,
    base_url: str,
    rng: random.Random,
) -> None:
    """Take one demo person through one policy as they would have, at past times."""
    course = force.course
    start = now - timedelta(days=max(person.started_days_ago, 0))
    if person.signed_days_ago is not None:
        start = now - timedelta(days=person.signed_days_ago + 1)
    lessons = course.lessons if person.lessons_done < 0 else course.lessons[: person.lessons_done]
    moment = start
    for lesson in lessons:
        moment += timedelta(minutes=6)
        for question in lesson.practice:
            state = _progress(session, member, force)
            chosen = question.correct_keys if passes_practice(person) else frozenset({"a"})
            training.answer_practice(session, member, force, state, question, chosen, moment)
        state = _progress(session, member, force)
        training.complete_lesson(session, member, force, state, lesson.id, moment)
    if force.policy.mode is PolicyMode.LEARN:
        for passes in person.attempts:
            moment += timedelta(minutes=10)
            # After a failed sitting, the lessons it missed are read again before a retake.
            for lesson_id in _progress(session, member, force).to_revisit:
                state = _progress(session, member, force)
                training.complete_lesson(session, member, force, state, lesson_id, moment)
            state = _progress(session, member, force)
            attempt = training.start_attempt(session, member, force, state, moment, rng)
            answers = _answer_everything(course, attempt.questions, passes)
            training.submit_attempt(session, member, course, attempt, answers, moment)
    if person.signed_days_ago is not None:
        sign_declaration(
            session,
            member,
            force,
            _progress(session, member, force),
            school,
            signature=member.name,
            password=DEMO_PASSWORD,
            confirmed=True,
            now=moment + timedelta(minutes=2),
            base_url=base_url,
            throttle=OFFLINE,
        )


def build_demo(session: Session, library: Library, now: datetime, base_url: str) -> list[str]:
    """Make the demo school (or add to it the people it lacks) and return the sign-in lines.

    It is a school of its own, clearly named as a demo: it never touches a real school.
    """
    school = accounts.school_named(session, DEMO_SCHOOL)
    if school is not None and not school.is_demo:
        raise DomainError(
            f"A real school is called {DEMO_SCHOOL}: the demo will not touch it. Rename it first."
        )
    if school is None:
        school = accounts.create_school(
            session, DEMO_SCHOOL, now - timedelta(days=DEMO_HISTORY_DAYS), is_demo=True
        )
    with scoped_to(session, school.id):
        existing = {policy.slug for policy in policies.school_policies(session, school)}
        for course in library.courses:
            if course.slug not in existing:
                adopt_course(session, school, course, now - timedelta(days=DEMO_HISTORY_DAYS))
        forces = [
            in_force(session, policy, library, school.name)
            for policy in policies.school_policies(session, school)
        ]
        rng = random.Random(2026)  # noqa: S311 - a repeatable demo, not a secret
        people = [(HEADTEACHER, Role.HEADTEACHER), *((person, Role.STAFF) for person in STAFF)]
        lines = []
        for person, role in people:
            email = _email(person.name)
            if not accounts.email_is_taken(session, email):
                member = accounts.create_member(
                    session,
                    school,
                    email=email,
                    name=person.name,
                    role=role,
                    category=person.category,
                    starts_on=school_date(now - timedelta(days=person.started_days_ago)),
                    now=now - timedelta(days=max(person.started_days_ago, 0)),
                    password=DEMO_PASSWORD,
                )
                for force in forces:
                    if force.policy.applies_to(member.category):
                        _walk(session, school, force, member, person, now, base_url, rng)
                if person.paused_for_days is not None:
                    member.paused_until = school_date(now + timedelta(days=person.paused_for_days))
            label = "headteacher" if role is Role.HEADTEACHER else person.category.label
            lines.append(f"{email:<40} {label}")
    lines.append(f"Password for every demo account: {DEMO_PASSWORD}")
    return lines
