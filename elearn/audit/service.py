"""Writing and reading the audit log. Any area records an event with `record`."""

from __future__ import annotations

import csv
import io
import math
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from sqlalchemy import Select, func, or_, select
from sqlalchemy.orm import Session, aliased, selectinload

from elearn.accounts.api import School, StaffMember
from elearn.audit.models import SECURITY_EVENTS, AuditEvent, EventKind
from elearn.clock import SCHOOL_TIMEZONE
from elearn.security import csv_safe

__all__ = [
    "AuditEvent",
    "AuditPage",
    "AuditQuery",
    "EventKind",
    "audit_csv",
    "audit_page",
    "recent_events",
    "record",
]

SUBJECT_LENGTH = 254
ADDRESS_LENGTH = 64


def record(
    session: Session,
    event: EventKind,
    *,
    actor: StaffMember | None,
    subject: str,
    address: str,
    now: datetime,
    school_id: int | None = None,
) -> AuditEvent:
    """Add one event to the log; the caller commits it with the change it describes.

    `subject` says what the event was about (the email tried, the member acted on): never a
    password, code or token. It is filed under `school_id`, the school of the account concerned,
    or else the actor's (a failed sign-in for an unknown address has neither).
    """
    if school_id is None and actor is not None:
        school_id = actor.school_id
    entry = AuditEvent(
        school_id=school_id,
        actor_id=actor.id if actor is not None else None,
        event=event,
        subject=subject[:SUBJECT_LENGTH],
        address=address[:ADDRESS_LENGTH],
        occurred_at=now,
    )
    session.add(entry)
    session.flush()
    return entry


def recent_events(session: Session, school: School, limit: int = 200) -> list[AuditEvent]:
    """The school's latest events, newest first, with who did each."""
    query = (
        select(AuditEvent)
        .where(AuditEvent.school_id == school.id)
        .options(selectinload(AuditEvent.actor))
        .order_by(AuditEvent.occurred_at.desc(), AuditEvent.id.desc())
        .limit(limit)
    )
    return list(session.scalars(query))


# --- Reading the log: filtered, a page at a time, or all of it as a spreadsheet ------------------

PER_PAGE = 50


@dataclass(frozen=True)
class AuditQuery:
    """Which events: of one kind, or security events only; about or by someone (a name or
    email, matched in part); between two dates (school time, both included); which page."""

    kind: EventKind | None = None
    security_only: bool = False
    person: str = ""
    since: date | None = None
    until: date | None = None
    page: int = 1


@dataclass(frozen=True)
class AuditPage:
    events: list[AuditEvent]
    total: int
    page: int
    pages: int


def _school_midnight(day: date) -> datetime:
    return datetime.combine(day, time(), tzinfo=SCHOOL_TIMEZONE)


def _matching(school: School, query: AuditQuery) -> Select[tuple[AuditEvent]]:
    statement = select(AuditEvent).where(AuditEvent.school_id == school.id)
    if query.kind is not None:
        statement = statement.where(AuditEvent.event == query.kind)
    if query.security_only:
        statement = statement.where(AuditEvent.event.in_(SECURITY_EVENTS))
    if query.since is not None:
        statement = statement.where(AuditEvent.occurred_at >= _school_midnight(query.since))
    if query.until is not None:
        end = _school_midnight(query.until + timedelta(days=1))
        statement = statement.where(AuditEvent.occurred_at < end)
    if query.person:
        actor = aliased(StaffMember)
        pattern = "%" + query.person.replace("\\", "").replace("%", "").replace("_", "") + "%"
        statement = statement.outerjoin(actor, AuditEvent.actor_id == actor.id).where(
            or_(
                AuditEvent.subject.ilike(pattern),
                actor.name.ilike(pattern),
                actor.email.ilike(pattern),
            )
        )
    return statement


def audit_page(
    session: Session, school: School, query: AuditQuery, per_page: int = PER_PAGE
) -> AuditPage:
    """One page of the events that match, newest first. Three queries, whatever the log's size."""
    matching = _matching(school, query)
    total = session.scalar(select(func.count()).select_from(matching.subquery())) or 0
    pages = max(1, math.ceil(total / per_page))
    page = min(max(query.page, 1), pages)
    events = session.scalars(
        matching.options(selectinload(AuditEvent.actor))
        .order_by(AuditEvent.occurred_at.desc(), AuditEvent.id.desc())
        .offset((page - 1) * per_page)
        .limit(per_page)
    )
    return AuditPage(list(events), total, page, pages)


AUDIT_COLUMNS = (
    "When (UK time)",
    "What",
    "Security event",
    "Who",
    "Their email",
    "About",
    "Address",
)


def audit_csv(session: Session, school: School, query: AuditQuery) -> Iterator[str]:
    """Every matching event as CSV, newest first, read and written in batches: the header row
    first, UTF-8 with a byte-order mark for Excel, every text cell safe from formulas."""
    out = io.StringIO()
    writer = csv.writer(out)
    out.write("\ufeff")
    writer.writerow(AUDIT_COLUMNS)
    statement = (
        _matching(school, query)
        .options(selectinload(AuditEvent.actor))
        .order_by(AuditEvent.occurred_at.desc(), AuditEvent.id.desc())
        .execution_options(yield_per=500)
    )
    for number, event in enumerate(session.scalars(statement), start=1):
        actor = event.actor
        writer.writerow(
            csv_safe(cell)
            for cell in (
                event.occurred_at.astimezone(SCHOOL_TIMEZONE).strftime("%Y-%m-%d %H:%M"),
                event.event.label,
                "yes" if event.event.is_security else "no",
                actor.name if actor else "",
                actor.email if actor else "",
                event.subject,
                event.address,
            )
        )
        if number % 500 == 0:
            yield out.getvalue()
            out.seek(0)
            out.truncate()
    yield out.getvalue()
