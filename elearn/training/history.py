"""One member of staff's history: every enrolment, attempt, declaration and policy version."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from elearn.accounts.models import StaffMember
from elearn.certificates.models import Certificate, Declaration
from elearn.training.models import Attempt, AttemptKind, Enrolment
from elearn.versions.models import PolicyVersion


@dataclass(frozen=True)
class HistoryEvent:
    at: datetime
    what: str
    detail: str
    certificate_id: int | None = None


def member_history(session: Session, member: StaffMember) -> list[HistoryEvent]:
    """Everything that happened in the member's training, oldest first."""
    events = [
        HistoryEvent(
            version.published_at,
            f"Policy version {version.label} published",
            version.change_kind.description,
        )
        for version in session.scalars(
            select(PolicyVersion).where(PolicyVersion.school_id == member.school_id)
        )
    ]
    events += [
        HistoryEvent(enrolment.started_at, f"Started {enrolment.kind.value} training", "")
        for enrolment in session.scalars(select(Enrolment).where(Enrolment.member_id == member.id))
    ]
    for attempt in session.scalars(
        select(Attempt).where(Attempt.member_id == member.id, Attempt.submitted_at.is_not(None))
    ):
        if attempt.kind is AttemptKind.CHECK:
            what = "Quick check"
            detail = f"{attempt.correct_count} of {len(attempt.questions)} right"
        else:
            what = "Final assessment"
            outcome = "passed" if attempt.is_passed else "not passed"
            detail = f"{attempt.score_percent}%, {outcome}"
        events.append(HistoryEvent(attempt.submitted_at or attempt.started_at, what, detail))
    rows = session.execute(
        select(Declaration.signed_at, PolicyVersion.label, Certificate.id, Certificate.code)
        .join(PolicyVersion, PolicyVersion.id == Declaration.policy_version_id)
        .join(Certificate, Certificate.declaration_id == Declaration.id)
        .where(Declaration.member_id == member.id)
    )
    events += [
        HistoryEvent(
            signed_at, f"Signed the declaration for version {label}", f"Certificate {code}", cid
        )
        for signed_at, label, cid, code in rows
    ]
    return sorted(events, key=lambda event: event.at)
