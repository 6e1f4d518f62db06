"""The one door to compliance for other areas: statuses, counts and histories."""

from elearn.compliance.service import (
    HistoryEvent,
    MemberStatuses,
    PolicyStatus,
    member_history,
    member_statuses,
    school_statuses,
    status_counts,
)

__all__ = [
    "HistoryEvent",
    "MemberStatuses",
    "PolicyStatus",
    "member_history",
    "member_statuses",
    "school_statuses",
    "status_counts",
]
