"""The one door to the audit log for other areas."""

from elearn.audit.models import AuditEvent, EventKind
from elearn.audit.service import recent_events, record

__all__ = ["AuditEvent", "EventKind", "recent_events", "record"]
