"""The facts status needs, read from the database for a whole school in a fixed number of queries.

Everything that shows a status (the roster, a member's home page, `elearn status`, exports) reads
its `Record`s here and hands them to `elearn.status.compliance_status`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from elearn.accounts.models import School, StaffMember
from elearn.certificates.models import Certificate, Declaration
from elearn.clock import school_date
from elearn.status import Record, Rules, Status, compliance_status
from elearn.training.models import Attempt, Enrolment, LessonCompletion
from elearn.versions.models import ChangeKind, PolicyVersion


@dataclass(frozen=True)
class SignedRecord:
    """A member's latest signed declaration, with what the roster shows of it."""

    signed_at: datetime
    policy_version_id: int
    version_label: str
    score_percent: int | None
    certificate_id: int
    certificate_code: str


@dataclass(frozen=True)
class MemberStatus:
    member: StaffMember
    record: Record
    status: Status
    latest: SignedRecord | None
    has_signed_current: bool


def rules_for(school: School) -> Rules:
    renewal = None
    if school.renewal_month is not None and school.renewal_day is not None:
        renewal = (school.renewal_month, school.renewal_day)
    return Rules(
        validity_months=school.validity_months,
        due_soon_days=school.due_soon_days,
        induction_days=school.induction_days,
        renewal_month_day=renewal,
    )


def reconfirm_deadline(versions: list[PolicyVersion], signed_version_id: int | None) -> date | None:
    """The earliest re-confirmation deadline of versions published after the one last signed."""
    if signed_version_id is None:
        return None
    signed = next((v for v in versions if v.id == signed_version_id), None)
    if signed is None:
        return None
    deadlines = [
        version.reconfirm_by
        for version in versions
        if version.published_at > signed.published_at
        and version.change_kind is ChangeKind.RECONFIRM_NOW
        and version.reconfirm_by is not None
    ]
    return min(deadlines, default=None)


def school_statuses(
    session: Session,
    school: School,
    today: date,
    *,
    member_ids: list[int] | None = None,
    include_archived: bool = False,
) -> list[MemberStatus]:
    """Every member of staff (or those in `member_ids`) with their status on `today`."""
    member_query = select(StaffMember).where(StaffMember.school_id == school.id)
    if not include_archived:
        member_query = member_query.where(StaffMember.is_archived.is_(False))
    if member_ids is not None:
        member_query = member_query.where(StaffMember.id.in_(member_ids))
    members = list(session.scalars(member_query.order_by(StaffMember.name, StaffMember.id)))
    ids = [member.id for member in members]

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
        .join(PolicyVersion, PolicyVersion.id == Declaration.policy_version_id)
        .join(Attempt, Attempt.id == Declaration.attempt_id)
        .join(Certificate, Certificate.declaration_id == Declaration.id)
        .where(Declaration.member_id.in_(ids))
        .order_by(Declaration.signed_at, Declaration.id)
    )
    for member_id, signed_at, version_id, label, score, certificate_id, code in signed_rows:
        latest[member_id] = SignedRecord(signed_at, version_id, label, score, certificate_id, code)

    started = set(
        session.scalars(
            select(Enrolment.member_id)
            .outerjoin(LessonCompletion, LessonCompletion.enrolment_id == Enrolment.id)
            .outerjoin(Attempt, Attempt.enrolment_id == Enrolment.id)
            .where(
                Enrolment.member_id.in_(ids),
                Enrolment.completed_at.is_(None),
                or_(LessonCompletion.id.is_not(None), Attempt.id.is_not(None)),
            )
            .distinct()
        )
    )
    versions = list(
        session.scalars(
            select(PolicyVersion)
            .where(PolicyVersion.school_id == school.id)
            .order_by(PolicyVersion.published_at, PolicyVersion.id)
        )
    )
    current_id = versions[-1].id if versions else None
    rules = rules_for(school)
    results = []
    for member in members:
        signed = latest.get(member.id)
        record = Record(
            starts_on=member.starts_on,
            last_signed_on=school_date(signed.signed_at) if signed else None,
            has_started_training=member.id in started,
            reconfirm_by=reconfirm_deadline(versions, signed.policy_version_id if signed else None),
            paused_until=member.paused_until,
        )
        results.append(
            MemberStatus(
                member=member,
                record=record,
                status=compliance_status(record, today, rules),
                latest=signed,
                has_signed_current=signed is not None and signed.policy_version_id == current_id,
            )
        )
    return results


def member_status(session: Session, member: StaffMember, today: date) -> MemberStatus:
    school = session.get_one(School, member.school_id)
    return school_statuses(session, school, today, member_ids=[member.id], include_archived=True)[0]
