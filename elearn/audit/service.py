"""Writing and reading the audit log. Any area records an event with `record`."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from elearn.accounts.api import School, StaffMember
from elearn.audit.models import AuditEvent, EventKind

__all__ = ["AuditEvent", "EventKind", "recent_events", "record"]

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
