"""The one door to policies for other areas: a school's policies, their rules and courses."""

from elearn.policies.models import Policy, PolicyMode
from elearn.policies.service import (
    LARGEST_ASSESSMENT,
    READING_LESSON_ID,
    RulesChange,
    add_policy,
    check_renewal_date,
    course_for,
    library_course,
    policies_for,
    policy_by_id,
    policy_by_slug,
    restore,
    retire,
    rollout_deadline,
    rules_of,
    school_policies,
    update_rules,
)

__all__ = [
    "LARGEST_ASSESSMENT",
    "READING_LESSON_ID",
    "Policy",
    "PolicyMode",
    "RulesChange",
    "add_policy",
    "check_renewal_date",
    "course_for",
    "library_course",
    "policies_for",
    "policy_by_id",
    "policy_by_slug",
    "restore",
    "retire",
    "rollout_deadline",
    "rules_of",
    "school_policies",
    "update_rules",
]
