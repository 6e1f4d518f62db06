"""A trust's work across its schools: adding a school, sharing a course with several schools,
and every school's figures at a glance."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy.orm import Session

from elearn.accounts import api as accounts
from elearn.accounts.api import School
from elearn.compliance import api as compliance
from elearn.content.schema import Course, Library
from elearn.errors import DomainError
from elearn.policies import api as policies
from elearn.status import StatusKind
from elearn.tenancy import scoped_to, unscoped
from elearn.versions.api import adopt_course


def add_school(session: Session, name: str, library: Library, now: datetime) -> School:
    """A new school, starting with every course in the library under its default rules."""
    with unscoped(session):
        school = accounts.create_school(session, name, now)
    with scoped_to(session, school.id):
        for course in library.courses:
            adopt_course(session, school, course, now)
    return school


def share_course(
    session: Session, course: Course, school_ids: list[int], now: datetime
) -> list[School]:
    """Give a library course to each chosen school that does not have it yet: written once,
    each school then keeps its own rules, versions and declarations. Returns the schools that
    received it."""
    received = []
    with unscoped(session):
        chosen = [school for school in accounts.all_schools(session) if school.id in school_ids]
    if not chosen:
        raise DomainError("Tick at least one school.", field="schools")
    for school in chosen:
        with scoped_to(session, school.id):
            has_it = any(
                policy.slug == course.slug
                for policy in policies.school_policies(session, school, include_retired=True)
            )
            if not has_it:
                adopt_course(session, school, course, now)
                received.append(school)
    return received


@dataclass(frozen=True)
class PolicyFigures:
    title: str
    counts: dict[StatusKind, int]

    @property
    def people(self) -> int:
        return sum(self.counts.values())

    @property
    def needing_action(self) -> int:
        return sum(
            count
            for kind, count in self.counts.items()
            if kind not in (StatusKind.COMPLIANT, StatusKind.PAUSED, StatusKind.NOT_STARTED)
        )


@dataclass(frozen=True)
class SchoolFigures:
    school: School
    staff: int
    policies: tuple[PolicyFigures, ...]


def trust_figures(session: Session, today: date) -> list[SchoolFigures]:
    """Each school's staff and, for each of its policies, how many people are in each status."""
    with unscoped(session):
        schools = accounts.all_schools(session)
    figures = []
    for school in schools:
        with scoped_to(session, school.id):
            policy_list = policies.school_policies(session, school)
            rows = compliance.school_statuses(session, school, policy_list, today)
            figures.append(
                SchoolFigures(
                    school,
                    len(rows),
                    tuple(
                        PolicyFigures(policy.title, compliance.status_counts(rows, policy))
                        for policy in policy_list
                    ),
                )
            )
    return figures
