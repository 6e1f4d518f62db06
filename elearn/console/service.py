"""The headteacher's changes to staff records, and the roster."""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date

from sqlalchemy.orm import Session

from elearn.accounts.api import Category, School, StaffMember
from elearn.compliance import api as compliance
from elearn.compliance.api import MemberStatuses
from elearn.errors import DomainError
from elearn.policies.api import Policy
from elearn.status import URGENCY, Status, StatusKind, urgency

SORTS = ("name", "status", "due")
PER_PAGE = 50


@dataclass(frozen=True)
class RosterQuery:
    """What the headteacher asked the roster: which people, in which order, which page."""

    as_of: date
    archived: bool = False
    policy: Policy | None = None
    status: StatusKind | None = None
    category: Category | None = None
    search: str = ""
    sort: str = "name"
    page: int = 1


@dataclass(frozen=True)
class RosterPage:
    rows: list[MemberStatuses]  # this page's people
    total: int  # everyone who matches
    page: int
    pages: int
    # For each policy shown, how many people are in each status (whatever the status, category
    # or search asked for), so the headline counts stay put while the list narrows.
    counts: dict[int, dict[StatusKind, int]]

    @property
    def first(self) -> int:
        return (self.page - 1) * PER_PAGE + 1 if self.total else 0

    @property
    def last(self) -> int:
        return min(self.page * PER_PAGE, self.total)


def roster(
    session: Session, school: School, policy_list: list[Policy], query: RosterQuery
) -> RosterPage:
    """One page of the staff who match `query`, with their status for each policy on
    `query.as_of`, and the headline counts.

    A fixed number of SQL statements, whatever the number of staff: everyone's status is worked
    out, then filtered, sorted and paged here.
    """
    rows = everyone(session, school, policy_list, query)
    shown = [query.policy] if query.policy is not None else policy_list
    counts = {policy.id: compliance.status_counts(rows, policy) for policy in shown}
    rows = matching(rows, query)
    pages = max(1, math.ceil(len(rows) / PER_PAGE))
    page = min(max(query.page, 1), pages)
    return RosterPage(rows[(page - 1) * PER_PAGE : page * PER_PAGE], len(rows), page, pages, counts)


def matching(rows: list[MemberStatuses], query: RosterQuery) -> list[MemberStatuses]:
    """The rows that match the query's category, search and status, in its order."""
    if query.category is not None:
        rows = [row for row in rows if row.member.category is query.category]
    if query.search:
        wanted = query.search.casefold()
        rows = [
            row
            for row in rows
            if wanted in row.member.name.casefold() or wanted in row.member.email
        ]
    if query.status is not None:
        rows = [
            row
            for row in rows
            if (status := _shown_status(row)) is not None and status.kind is query.status
        ]
    return _sorted(rows, query.sort)


def everyone(
    session: Session, school: School, policy_list: list[Policy], query: RosterQuery
) -> list[MemberStatuses]:
    """Every current member of staff (or leaver) with their statuses, unfiltered, by name."""
    shown = [query.policy] if query.policy is not None else policy_list
    rows = compliance.school_statuses(
        session, school, shown, query.as_of, include_archived=query.archived
    )
    rows = [row for row in rows if row.member.is_archived == query.archived]
    if query.policy is not None:
        rows = [row for row in rows if row.for_policy(query.policy.id) is not None]
    return rows


def _shown_status(row: MemberStatuses) -> Status | None:
    """The status the roster shows for a person: their one policy's, or the most urgent."""
    return row.overall


def _sorted(rows: list[MemberStatuses], sort: str) -> list[MemberStatuses]:
    if sort == "status":
        return sorted(rows, key=lambda row: (_urgency(row), row.member.name.casefold()))
    if sort == "due":
        return sorted(
            rows,
            key=lambda row: (
                (status.due_on if (status := _shown_status(row)) and status.due_on else date.max),
                row.member.name.casefold(),
            ),
        )
    return rows  # already by name


def _urgency(row: MemberStatuses) -> tuple[int, date]:
    status = _shown_status(row)
    return urgency(status) if status is not None else (len(URGENCY), date.max)


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
