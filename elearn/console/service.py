"""The roster: every member of staff with their status, in a fixed number of queries."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from elearn.accounts.models import School, StaffMember
from elearn.certificates.models import Certificate, Declaration
from elearn.clock import school_date
from elearn.status import Record, Rules, Status, compliance_status
from elearn.training.models import Attempt, Enrolment, LessonCompletion
from elearn.versions.models import PolicyVersion


@dataclass(frozen=True)
class SignedRecord:
    signed_at: datetime
    policy_version_id: int
    version_label: str
    score_percent: int | None
    certificate_id: int
    certificate_code: str


@dataclass(frozen=True)
class RosterRow:
    member: StaffMember
    status: Status
    latest: SignedRecord | None
    has_signed_current: bool


def roster(
    session: Session, school: School, current: PolicyVersion, today: date, rules: Rules
) -> list[RosterRow]:
    """Every current member of staff, their status on `today` and their latest declaration."""
    members = list(
        session.scalars(
            select(StaffMember)
            .where(StaffMember.school_id == school.id, StaffMember.is_archived.is_(False))
            .order_by(StaffMember.name, StaffMember.id)
        )
    )
    latest: dict[int, SignedRecord] = {}
    signed_rows = session.execute(
        select(
            Declaration.member_id,
            Declaration.signed_at,
            Declaration.policy_version_id,
            PolicyVersion.label,
            Attempt.score_percent,
            Certificate.id,
            Certificate.code,
        )
        .join(StaffMember, StaffMember.id == Declaration.member_id)
        .join(PolicyVersion, PolicyVersion.id == Declaration.policy_version_id)
        .join(Attempt, Attempt.id == Declaration.attempt_id)
        .join(Certificate, Certificate.declaration_id == Declaration.id)
        .where(StaffMember.school_id == school.id)
        .order_by(Declaration.signed_at, Declaration.id)
    )
    for member_id, signed_at, version_id, label, score, certificate_id, code in signed_rows:
        latest[member_id] = SignedRecord(signed_at, version_id, label, score, certificate_id, code)
    started = set(
        session.scalars(
            select(Enrolment.member_id)
            .join(LessonCompletion, LessonCompletion.enrolment_id == Enrolment.id)
            .join(StaffMember, StaffMember.id == Enrolment.member_id)
            .where(StaffMember.school_id == school.id, Enrolment.completed_at.is_(None))
            .distinct()
        )
    )
    rows = []
    for member in members:
        record = latest.get(member.id)
        status = compliance_status(
            Record(
                starts_on=member.starts_on,
                last_signed_on=school_date(record.signed_at) if record else None,
                has_started_training=member.id in started,
            ),
            today,
            rules,
        )
        rows.append(
            RosterRow(
                member=member,
                status=status,
                latest=record,
                has_signed_current=record is not None and record.policy_version_id == current.id,
            )
        )
    return rows
