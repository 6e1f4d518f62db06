"""Factories for test records: unique values on every call, any field overridable."""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pyotp
from sqlalchemy.orm import Session

from elearn.accounts import service as accounts
from elearn.accounts import two_step
from elearn.accounts.models import Category, Role, School, StaffMember
from elearn.content.schema import Course
from elearn.versions.models import PolicyVersion
from elearn.versions.service import record_initial_version

PASSWORD = "correct horse battery staple"
EPOCH = datetime(2026, 1, 5, 9, 0, tzinfo=UTC)
_numbers = itertools.count(1)


def make_school(session: Session, name: str = "Thorner's CE VA Primary School") -> School:
    return accounts.create_school(session, name, EPOCH)


def make_version(session: Session, school: School, course: Course) -> PolicyVersion:
    return record_initial_version(session, school, course, EPOCH)


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
    secret = two_step.start_setup(session, member)
    codes = two_step.enable(session, member, pyotp.TOTP(secret).at(earlier), earlier)
    return TwoStep(secret, codes)
