"""The headteacher's changes to staff records, the school's default rules, and the roster."""

from __future__ import annotations

from datetime import date

from sqlalchemy.orm import Session

from elearn.accounts.models import School, StaffMember
from elearn.compliance import api as compliance
from elearn.compliance.api import MemberStatuses
from elearn.errors import DomainError
from elearn.policies import api as policies
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


def archive(member: StaffMember, actor: StaffMember) -> None:
    """A leaver: off the roster and unable to sign in, their records kept."""
    if member.id == actor.id:
        raise DomainError("You cannot archive your own account.")
    member.is_archived = True


def restore(member: StaffMember) -> None:
    member.is_archived = False


def update_school_defaults(
    school: School,
    *,
    validity_months: int,
    due_soon_days: int,
    induction_days: int,
    renewal_day: int | None,
    renewal_month: int | None,
) -> None:
    """Set the rules each new policy starts with; a fixed renewal date replaces the months."""
    policies.check_renewal_date(renewal_day, renewal_month)
    school.validity_months = validity_months
    school.due_soon_days = due_soon_days
    school.induction_days = induction_days
    school.renewal_day = renewal_day
    school.renewal_month = renewal_month
