"""Scoping to a school, in one place: a scoped session sees and writes only that school's rows."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from elearn.accounts.models import School, StaffMember
from elearn.content.schema import Course
from elearn.policies.models import Policy
from elearn.tenancy import CrossSchoolWrite, scope_to_school, scoped_to, unscoped
from elearn.versions.models import PolicyVersion
from tests.factories import make_member, make_policy, make_school


@pytest.fixture
def other(session: Session, school: School, course: Course) -> School:
    other = make_school(session, "Oakfield Primary School")
    make_policy(session, other, course)
    make_member(session, other, name="Priya Shah")
    make_member(session, school, name="Amelia Hart")
    session.commit()
    return other


def test_a_scoped_session_reads_only_its_schools_rows(
    session: Session, school: School, other: School
) -> None:
    scope_to_school(session, school.id)
    assert session.scalars(select(StaffMember.name)).all() == ["Amelia Hart"]
    assert {p.school_id for p in session.scalars(select(Policy))} == {school.id}
    # Joins and aggregates are limited too, on both sides of the join.
    joined = session.execute(
        select(func.count(PolicyVersion.id)).join(Policy, Policy.id == PolicyVersion.policy_id)
    ).scalar()
    assert joined == 1
    with unscoped(session):
        assert session.scalar(select(func.count(StaffMember.id))) == 2


def test_another_schools_row_is_not_found_by_id(
    session: Session, school: School, other: School
) -> None:
    with unscoped(session):
        priya = session.scalars(select(StaffMember).where(StaffMember.name == "Priya Shah")).one()
        priya_id = priya.id
    session.expunge_all()
    scope_to_school(session, school.id)
    assert session.get(StaffMember, priya_id) is None


def test_a_scoped_update_leaves_other_schools_alone(
    session: Session, school: School, other: School
) -> None:
    scope_to_school(session, school.id)
    session.execute(update(StaffMember).values(is_archived=True))
    with unscoped(session):
        archived = dict(session.execute(select(StaffMember.name, StaffMember.is_archived)).all())
    assert archived == {"Amelia Hart": True, "Priya Shah": False}


def test_writing_another_schools_row_is_refused(
    session: Session, school: School, other: School
) -> None:
    scope_to_school(session, school.id)
    with pytest.raises(CrossSchoolWrite, match="StaffMember of school"):
        make_member(session, other, name="Intruder")


def test_scoped_to_works_in_one_school_for_a_block_then_restores(
    session: Session, school: School, other: School
) -> None:
    scope_to_school(session, school.id)
    with scoped_to(session, other.id):
        assert session.scalars(select(StaffMember.name)).all() == ["Priya Shah"]
    assert session.scalars(select(StaffMember.name)).all() == ["Amelia Hart"]
