"""Factories for test records: unique values on every call, any field overridable."""

from __future__ import annotations

import functools
import itertools
import random
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pyotp
from sqlalchemy.orm import Session

from elearn.accounts import service as accounts
from elearn.accounts import two_step
from elearn.accounts.models import Category, Role, School, StaffMember
from elearn.certificates.api import last_signed_version_id
from elearn.certificates.models import Certificate
from elearn.certificates.service import sign_declaration
from elearn.config import REPO_CONTENT_DIR
from elearn.content.loader import load_library
from elearn.content.schema import Course, Library
from elearn.policies.api import policy_by_slug
from elearn.policies.models import Policy
from elearn.training import service as training
from elearn.training.models import Attempt
from elearn.training.service import Progress, progress
from elearn.versions.api import InForce, adopt_course, in_force

PASSWORD = "correct horse battery staple"
EPOCH = datetime(2026, 1, 5, 9, 0, tzinfo=UTC)
_numbers = itertools.count(1)


def make_school(session: Session, name: str = "Thorner's CE VA Primary School") -> School:
    return accounts.create_school(session, name, EPOCH)


def make_policy(session: Session, school: School, course: Course, **rules: Any) -> Policy:
    """The course added to the school as a policy, with its first version, and any rules set."""
    policy = adopt_course(session, school, course, EPOCH)
    for name, value in rules.items():
        setattr(policy, name, value)
    session.flush()
    return policy


def make_member(session: Session, school: School, **overrides: Any) -> StaffMember:
    number = next(_numbers)
    fields: dict[str, Any] = {
        "email": f"staff{number}@school.example",
        "name": f"Staff Member {number}",
        "role": Role.STAFF,
        "category": Category.TEACHER,
        "starts_on": date(2026, 1, 5),
        "now": EPOCH,
        "password": PASSWORD,
    }
    fields.update(overrides)
    return accounts.create_member(session, school, **fields)


@dataclass(frozen=True)
class TwoStep:
    secret: str
    recovery_codes: list[str]

    def code_at(self, moment: datetime) -> str:
        return pyotp.TOTP(self.secret).at(moment)


def make_two_step(session: Session, member: StaffMember, now: datetime) -> TwoStep:
    """Turn on two-step sign-in as the member would, a few minutes before `now`, so every
    code from `now` on is still unused."""
    earlier = now - timedelta(minutes=5)
    secret = two_step.start_setup(session, member, PASSWORD, earlier, accounts.OFFLINE)
    codes = two_step.enable(session, member, pyotp.TOTP(secret).at(earlier), earlier)
    return TwoStep(secret, codes)


@functools.cache
def shipped_library() -> Library:
    return load_library(REPO_CONTENT_DIR / "social-networking")


@dataclass
class Learner:
    """A member of staff taken through one policy's course by the service functions, as the
    pages would take them: progress is worked out afresh before each step."""

    session: Session
    member: StaffMember
    force: InForce

    @property
    def course(self) -> Course:
        return self.force.course

    def state(self) -> Progress:
        signed = last_signed_version_id(self.session, self.member, self.force.policy.id)
        return progress(self.session, self.member, self.force, signed)

    def complete_lessons(self, now: datetime, count: int | None = None) -> None:
        """Answer each lesson's practice questions (with their first options), then mark it done."""
        lessons = self.course.lessons if count is None else self.course.lessons[:count]
        for lesson in lessons:
            for question in lesson.practice:
                first = frozenset({question.options[0].key})
                training.answer_practice(
                    self.session, self.member, self.force, self.state(), question, first, now
                )
            training.complete_lesson(
                self.session, self.member, self.force, self.state(), lesson.id, now
            )

    def revisit(self, now: datetime) -> None:
        """Read again the lessons a failed sitting missed, so that a retake can open."""
        for lesson_id in self.state().to_revisit:
            training.complete_lesson(
                self.session, self.member, self.force, self.state(), lesson_id, now
            )

    def start(self, now: datetime, seed: int = 7) -> Attempt:
        rng = random.Random(seed)
        return training.start_attempt(self.session, self.member, self.force, self.state(), now, rng)

    def sit(self, now: datetime, *, rightly: bool, seed: int = 7) -> Attempt:
        attempt = self.start(now, seed)
        answers = {
            str(item["question"]): (
                self.course.question(str(item["question"])).correct_keys if rightly else frozenset()
            )
            for item in attempt.questions
        }
        return training.submit_attempt(
            self.session, self.member, self.course, attempt, answers, now
        )

    def sign(self, now: datetime, base_url: str = "https://training.school.example") -> Certificate:
        school = self.session.get_one(School, self.member.school_id)
        return sign_declaration(
            self.session,
            self.member,
            self.force,
            self.state(),
            school,
            signature=self.member.name,
            password=PASSWORD,
            confirmed=True,
            now=now,
            base_url=base_url,
            throttle=accounts.OFFLINE,
        )

    def finish(self, now: datetime) -> Certificate:
        """Every lesson, a passed assessment (if the policy has one) and the declaration."""
        self.complete_lessons(now)
        if not self.state().is_reading:
            self.sit(now, rightly=True)
        return self.sign(now)


def learner(
    session: Session,
    member: StaffMember,
    slug: str = "social-networking",
    library: Library | None = None,
) -> Learner:
    school = session.get_one(School, member.school_id)
    policy = policy_by_slug(session, school, slug)
    force = in_force(session, policy, library or shipped_library(), school.name)
    return Learner(session, member, force)
