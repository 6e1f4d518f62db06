"""One row per security-relevant event: sign-ins, password and two-step changes, staff changes."""

from __future__ import annotations

import enum
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from elearn.accounts.models import StaffMember, enum_column
from elearn.db import Base, UTCDateTime
from elearn.tenancy import SchoolScoped


class EventKind(enum.StrEnum):
    SIGN_IN = "sign_in"
    SIGN_IN_FAILED = "sign_in_failed"
    SIGN_OUT = "sign_out"
    PASSWORD_CHANGED = "password_changed"  # noqa: S105 - an event name, not a password
    TWO_STEP_ENABLED = "two_step_enabled"
    TWO_STEP_DISABLED = "two_step_disabled"
    RECOVERY_CODE_USED = "recovery_code_used"
    RECOVERY_CODES_RENEWED = "recovery_codes_renewed"
    TWO_STEP_REQUIREMENT_CHANGED = "two_step_requirement_changed"
    STAFF_ADDED = "staff_added"
    SETUP_LINK_ISSUED = "setup_link_issued"
    ROLE_CHANGED = "role_changed"
    EXPORT = "export"
    VERSION_PUBLISHED = "version_published"
    CERTIFICATE_DOWNLOADED = "certificate_downloaded"
    POLICY_ADDED = "policy_added"
    POLICY_RULES_CHANGED = "policy_rules_changed"
    POLICY_RETIRED = "policy_retired"
    POLICY_RESTORED = "policy_restored"
    SCHOOL_ADDED = "school_added"
    STAFF_CHANGED = "staff_changed"
    STAFF_IMPORTED = "staff_imported"
    PAPER_DECLARATION = "paper_declaration"
    ACTED_AS_HEADTEACHER = "acted_as_headteacher"
    PASSWORD_CHECK_FAILED = "password_check_failed"  # noqa: S105 - an event name

    @property
    def label(self) -> str:
        return EVENT_LABELS[self]

    @property
    def is_security(self) -> bool:
        """Sign-in failures, changes to who can do what or how they sign in, and data taken
        away: what a headteacher must be able to see without routine events in between."""
        return self in SECURITY_EVENTS


EVENT_LABELS = {
    EventKind.SIGN_IN: "Signed in",
    EventKind.SIGN_IN_FAILED: "Failed to sign in",
    EventKind.SIGN_OUT: "Signed out",
    EventKind.PASSWORD_CHANGED: "Changed password",
    EventKind.TWO_STEP_ENABLED: "Turned on two-step sign-in",
    EventKind.TWO_STEP_DISABLED: "Turned off two-step sign-in",
    EventKind.RECOVERY_CODE_USED: "Signed in with a recovery code",
    EventKind.RECOVERY_CODES_RENEWED: "Made new recovery codes",
    EventKind.TWO_STEP_REQUIREMENT_CHANGED: "Changed the two-step sign-in rule",
    EventKind.STAFF_ADDED: "Added a member of staff",
    EventKind.SETUP_LINK_ISSUED: "Made a set-up link",
    EventKind.ROLE_CHANGED: "Changed a role",
    EventKind.EXPORT: "Exported data",
    EventKind.VERSION_PUBLISHED: "Published a policy version",
    EventKind.CERTIFICATE_DOWNLOADED: "Downloaded a certificate",
    EventKind.POLICY_ADDED: "Added a policy",
    EventKind.POLICY_RULES_CHANGED: "Changed a policy's rules",
    EventKind.POLICY_RETIRED: "Retired a policy",
    EventKind.POLICY_RESTORED: "Brought back a retired policy",
    EventKind.SCHOOL_ADDED: "Added a school",
    EventKind.STAFF_CHANGED: "Changed a member of staff's details",
    EventKind.STAFF_IMPORTED: "Imported staff",
    EventKind.PAPER_DECLARATION: "Recorded a paper declaration",
    EventKind.ACTED_AS_HEADTEACHER: "Acted as headteacher",
    EventKind.PASSWORD_CHECK_FAILED: "Typed a wrong password while signed in",
}


SECURITY_EVENTS = frozenset(
    {
        EventKind.SIGN_IN_FAILED,
        EventKind.PASSWORD_CHANGED,
        EventKind.TWO_STEP_ENABLED,
        EventKind.TWO_STEP_DISABLED,
        EventKind.RECOVERY_CODE_USED,
        EventKind.RECOVERY_CODES_RENEWED,
        EventKind.TWO_STEP_REQUIREMENT_CHANGED,
        EventKind.SETUP_LINK_ISSUED,
        EventKind.ROLE_CHANGED,
        EventKind.EXPORT,
        EventKind.ACTED_AS_HEADTEACHER,
        EventKind.PASSWORD_CHECK_FAILED,
    }
)


class AuditEvent(SchoolScoped, Base):
    """Something security-relevant happened. Never holds passwords, codes or tokens."""

    __tablename__ = "audit_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    school_id: Mapped[int | None] = mapped_column(sa.ForeignKey("schools.id"), index=True)
    actor_id: Mapped[int | None] = mapped_column(sa.ForeignKey("staff_members.id"), index=True)
    event: Mapped[EventKind] = mapped_column(enum_column(EventKind, "event"))
    subject: Mapped[str] = mapped_column(sa.String(254), default="")
    address: Mapped[str] = mapped_column(sa.String(64), default="")
    occurred_at: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)

    actor: Mapped[StaffMember | None] = relationship(lazy="raise")
