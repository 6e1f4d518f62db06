"""The one door to accounts for other areas: schools, staff, set-up links and two-step rules."""

from elearn.accounts.models import Category, Role, School, StaffMember, enum_column
from elearn.accounts.service import (
    PASSWORD_MAX_LENGTH,
    SCHOOL_NAME_LENGTH,
    add_staff_member,
    all_schools,
    create_member,
    create_school,
    email_is_taken,
    has_headteacher,
    issue_setup_link,
    passwords,
    school_member,
    school_named,
    staff_count,
)
from elearn.accounts.two_step import headteachers, must_set_up, set_requirement, turn_off_for

__all__ = [
    "PASSWORD_MAX_LENGTH",
    "SCHOOL_NAME_LENGTH",
    "Category",
    "Role",
    "School",
    "StaffMember",
    "add_staff_member",
    "all_schools",
    "create_member",
    "create_school",
    "email_is_taken",
    "enum_column",
    "has_headteacher",
    "headteachers",
    "issue_setup_link",
    "must_set_up",
    "passwords",
    "school_member",
    "school_named",
    "set_requirement",
    "staff_count",
    "turn_off_for",
]
