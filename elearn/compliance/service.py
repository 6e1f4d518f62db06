"""Everyone's status for every policy, read for a whole school in a fixed number of queries.

Everything that shows a status (the roster, My training, `elearn status`, `elearn policy list`,
exports) asks here. This area reads the other areas only through their `api` modules: training
says who has begun, certificates who signed what and when, versions what each policy asks, and
`elearn.status.compliance_status` turns each (person, policy) into one status.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from elearn.accounts.api import School, StaffMember
from elearn.certificates import api as certificates
from elearn.clock import school_date
from elearn.policies import api as policies
from elearn.policies.api import Policy
from elearn.status import Record, Status, StatusKind, compliance_status, overall_status, urgency
from elearn.training import api as training
from elearn.versions import api as versions


@dataclass(frozen=True)
class PolicyStatus:
    """One person's standing with one policy."""

    policy: Policy
    record: Record
    status: Status
    latest: certificates.SignedRecord | None
    has_signed_current: bool


@dataclass(frozen=True)
class MemberStatuses:
    """One person, with their status for each policy that applies to them, most urgent first."""

    member: StaffMember
    policies: tuple[PolicyStatus, ...]

    @property
    def overall(self) -> Status | None:
        return overall_status(row.status for row in self.policies)

    def for_policy(self, policy_id: int) -> PolicyStatus | None:
        return next((row for row in self.policies if row.policy.id == policy_id), None)


def school_statuses(
    session: Session,
    school: School,
    policy_list: list[Policy],
    today: date,
    *,
    member_ids: list[int] | None = None,
    include_archived: bool = False,
) -> list[MemberStatuses]:
    """Every member of staff (or those in `member_ids`) with their status for each of
    `policy_list` that applies to them, on `today`. Five queries, whatever the numbers."""
    member_query = select(StaffMember).where(StaffMember.school_id == school.id)
    if not include_archived:
        member_query = member_query.where(StaffMember.is_archived.is_(False))
    if member_ids is not None:
        member_query = member_query.where(StaffMember.id.in_(member_ids))
    members = list(session.scalars(member_query.order_by(StaffMember.name, StaffMember.id)))
    ids = [member.id for member in members]
    policy_ids = [policy.id for policy in policy_list]
    latest = certificates.latest_signed(session, ids, policy_ids)
    started = training.started_pairs(session, ids, policy_ids)
    version_lists = versions.versions_by_policy(session, policy_ids)
    rows = []
    for member in members:
        statuses = []
        for policy in policies.policies_for(policy_list, member):
            signed = latest.get((member.id, policy.id))
            policy_versions = version_lists[policy.id]
            record = Record(
                starts_on=member.starts_on,
                last_signed_on=school_date(signed.signed_at) if signed else None,
                has_started_training=(member.id, policy.id) in started,
                reconfirm_by=versions.reconfirm_deadline(
                    policy_versions, signed.policy_version_id if signed else None
                ),
                paused_until=member.paused_until,
                rollout_by=policies.rollout_deadline(policy, member),
            )
            statuses.append(
                PolicyStatus(
                    policy=policy,
                    record=record,
                    status=compliance_status(record, today, policies.rules_of(policy)),
                    latest=signed,
                    has_signed_current=signed is not None
                    and not versions.is_superseded(
                        next(v for v in policy_versions if v.id == signed.policy_version_id),
                        policy_versions,
                    ),
                )
            )
        statuses.sort(key=lambda row: urgency(row.status))
        rows.append(MemberStatuses(member, tuple(statuses)))
    return rows


def member_statuses(
    session: Session, school: School, member: StaffMember, policy_list: list[Policy], today: date
) -> MemberStatuses:
    """One person's status for each of their policies, most urgent first."""
    return school_statuses(
        session, school, policy_list, today, member_ids=[member.id], include_archived=True
    )[0]


def status_counts(rows: list[MemberStatuses], policy: Policy) -> dict[StatusKind, int]:
    """How many people are in each status for one policy (those it applies to)."""
    counts: Counter[StatusKind] = Counter()
    for row in rows:
        found = row.for_policy(policy.id)
        if found is not None:
            counts[found.status.kind] += 1
    return {kind: counts[kind] for kind in StatusKind if counts[kind]}


@dataclass(frozen=True)
class HistoryEvent:
    at: datetime
    what: str
    detail: str
    certificate_id: int | None = None


def member_history(
    session: Session, member: StaffMember, policy_list: list[Policy]
) -> list[tuple[Policy, list[HistoryEvent]]]:
    """Everything that happened in the member's training, policy by policy, oldest first.

    Policies with nothing to show for this member (not theirs, never begun) are left out.
    """
    by_policy: dict[int, list[HistoryEvent]] = {policy.id: [] for policy in policy_list}
    enrolments, attempts = training.training_facts(session, member)
    for enrolment in enrolments:
        if enrolment.policy_id in by_policy:
            by_policy[enrolment.policy_id].append(
                HistoryEvent(enrolment.started_at, f"Started {enrolment.kind.value} training", "")
            )
    for attempt in attempts:
        if attempt.policy_id not in by_policy:
            continue
        if attempt.kind is training.AttemptKind.CHECK:
            what = "Quick check"
            detail = f"{attempt.correct_count} of {attempt.question_count} right"
        else:
            what = "Final assessment"
            outcome = "passed" if attempt.is_passed else "not passed"
            detail = f"{attempt.score_percent}%, {outcome}"
        by_policy[attempt.policy_id].append(HistoryEvent(attempt.submitted_at, what, detail))
    for signed in certificates.signed_facts(session, member):
        if signed.policy_id in by_policy:
            by_policy[signed.policy_id].append(
                HistoryEvent(
                    signed.signed_at,
                    f"Signed the declaration for version {signed.version_label}",
                    f"Certificate {signed.certificate_code}",
                    signed.certificate_id,
                )
            )
    applies = {policy.id for policy in policies.policies_for(policy_list, member)}
    version_lists = versions.versions_by_policy(session, list(by_policy))
    result = []
    for policy in policy_list:
        events = by_policy[policy.id]
        if not events and policy.id not in applies:
            continue
        events += [
            HistoryEvent(
                version.published_at,
                f"Version {version.label} published",
                version.change_kind.description,
            )
            for version in version_lists[policy.id]
        ]
        result.append((policy, sorted(events, key=lambda event: event.at)))
    return result
