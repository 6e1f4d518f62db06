"""The headteacher's changes to staff records, and the roster."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy.orm import Session

from elearn.accounts import api as accounts
from elearn.accounts.api import School, StaffMember
from elearn.compliance import api as compliance
from elearn.compliance.api import MemberStatuses
from elearn.errors import DomainError
from elearn.policies.api import Policy
from elearn.status import StatusKind


def roster(
    session: Session,
    school: School,
    policy_list: list[Policy],
    today: date,
    *,
    archived: bool = False,
    only_policy: Policy | None = None,
    only_status: StatusKind | None = None,
) -> list[MemberStatuses]:
    """Current staff (or, with `archived`, leavers) with their status for each policy on `today`.

    With `only_policy`, just that policy, and just the people it applies to; with `only_status`,
    just the people in that status (for that policy, or overall).
    """
    shown = [only_policy] if only_policy is not None else policy_list
    rows = compliance.school_statuses(session, school, shown, today, include_archived=archived)
    rows = [row for row in rows if row.member.is_archived == archived]
    if only_policy is not None:
        rows = [row for row in rows if row.for_policy(only_policy.id) is not None]
    if only_status is not None:
        rows = [row for row in rows if row.overall is not None and row.overall.kind is only_status]
    return rows


def pause(member: StaffMember, returns_on: date, today: date) -> None:
    """Stop the training clock for long leave (maternity, sickness) until `returns_on`."""
    if returns_on <= today:
        raise DomainError("The return date must be after today.", field="returns_on")
    member.paused_until = returns_on


def resume(member: StaffMember) -> None:
    member.paused_until = None


def archive(session: Session, member: StaffMember, actor: StaffMember, now: datetime) -> None:
    """A leaver: off the roster and unable to sign in, their records kept; their sessions end
    and their set-up links stop working."""
    accounts.archive_member(session, member, actor, now)


def restore(member: StaffMember) -> None:
    member.is_archived = False
