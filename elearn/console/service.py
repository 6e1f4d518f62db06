"""The headteacher's changes to staff records, and the roster."""

from __future__ import annotations

import math
import secrets
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy.orm import Session

from elearn.accounts import api as accounts
from elearn.accounts.api import Category, Role, School, StaffMember
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


def archive(session: Session, member: StaffMember, actor: StaffMember, now: datetime) -> None:
    """A leaver: off the roster and unable to sign in, their records kept; their sessions end
    and their set-up links stop working."""
    accounts.archive_member(session, member, actor, now)


def restore(member: StaffMember) -> None:
    member.is_archived = False


@dataclass(frozen=True)
class StaffDetails:
    """What the headteacher can change about someone."""

    name: str
    email: str
    category: Category
    starts_on: date
    is_existing_staff: bool
    role: Role


def edit(
    session: Session, member: StaffMember, actor: StaffMember, details: StaffDetails
) -> list[str]:
    """Change someone's record; returns what changed, in words, for the audit log. Nobody can
    take away their own headteacher role (the school would be left without a way in), and a
    trust administrator's role is the trust's to change."""
    changes = []
    name = " ".join(details.name.split())
    if name != member.name:
        changes.append(f"name from {member.name} to {name}")
        member.name = name
    old_email = member.email
    accounts.change_email(session, member, details.email)
    if member.email != old_email:
        changes.append(f"email from {old_email} to {member.email}")
    if details.category is not member.category:
        changes.append(
            f"role at the school from {member.category.label} to {details.category.label}"
        )
        member.category = details.category
    if details.starts_on != member.starts_on:
        changes.append(f"start date from {member.starts_on} to {details.starts_on}")
        member.starts_on = details.starts_on
    if details.is_existing_staff != member.is_existing_staff:
        changes.append("already in post" if details.is_existing_staff else "new staff")
        member.is_existing_staff = details.is_existing_staff
    if details.role is not member.role and member.role is not Role.TRUST_ADMIN:
        if member.id == actor.id:
            raise DomainError("You cannot take away your own headteacher role.", field="role")
        changes.append(f"access from {member.role.label} to {details.role.label}")
        member.role = details.role
        member.session_token = secrets.token_hex(16)  # their pages change: sign in afresh
    session.flush()
    return changes
