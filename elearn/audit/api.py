"""The one door to the audit log for other areas."""

from elearn.audit.models import SECURITY_EVENTS, AuditEvent, EventKind
from elearn.audit.service import (
    AuditPage,
    AuditQuery,
    audit_csv,
    audit_page,
    recent_events,
    record,
)

__all__ = [
    "SECURITY_EVENTS",
    "AuditEvent",
    "AuditPage",
    "AuditQuery",
    "EventKind",
    "audit_csv",
    "audit_page",
    "recent_events",
    "record",
]
