"""The one door to policy versions for other areas."""

from elearn.versions.models import ChangeKind, PolicyDraft, PolicyVersion
from elearn.versions.service import (
    InForce,
    adopt_course,
    changed_clauses_since,
    changes_since,
    current_version,
    in_force,
    is_superseded,
    reconfirm_deadline,
    record_initial_version,
    review_is_overdue,
    version_policy,
    versions_by_policy,
    versions_of,
)

__all__ = [
    "ChangeKind",
    "InForce",
    "PolicyDraft",
    "PolicyVersion",
    "adopt_course",
    "changed_clauses_since",
    "changes_since",
    "current_version",
    "in_force",
    "is_superseded",
    "reconfirm_deadline",
    "record_initial_version",
    "review_is_overdue",
    "version_policy",
    "versions_by_policy",
    "versions_of",
]
