"""The headteacher's changes to staff records and the school's training rules."""

from __future__ import annotations

import calendar
from datetime import date

from sqlalchemy.orm import Session

from elearn.accounts.models import School, StaffMember
from elearn.errors import DomainError
from elearn.training.tracking import MemberStatus, school_statuses


def roster(
    session: Session, school: School, today: date, *, archived: bool = False
) -> list[MemberStatus]:
    """Current staff (or, with `archived`, leavers) with their status on `today`."""
    rows = school_statuses(session, school, today, include_archived=archived)
    return [row for row in rows if row.member.is_archived == archived]


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


def update_rules(
    school: School,
    *,
    validity_months: int,
    due_soon_days: int,
    induction_days: int,
    renewal_day: int | None,
    renewal_month: int | None,
) -> None:
    """Set the school's training rules; a fixed renewal date replaces the number of months."""
    if (renewal_day is None) != (renewal_month is None):
        raise DomainError(
            "Enter both the day and the month of the renewal date.", field="renewal_day"
        )
    # 29 February is allowed (2024 is a leap year): in other years it falls on 28 February.
    if (
        renewal_day is not None
        and renewal_month is not None
        and renewal_day > calendar.monthrange(2024, renewal_month)[1]
    ):
        raise DomainError("That day is not in that month.", field="renewal_day")
    school.validity_months = validity_months
    school.due_soon_days = due_soon_days
    school.induction_days = induction_days
    school.renewal_day = renewal_day
    school.renewal_month = renewal_month
