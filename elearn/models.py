"""Every area's models, imported together so Alembic and the tests see one metadata."""

from elearn.accounts.models import Category, Role, School, SetupLink, SignInFailure, StaffMember
from elearn.certificates.models import Certificate, Declaration
from elearn.db import Base
from elearn.training.models import Answer, Attempt, Enrolment, EnrolmentKind, LessonCompletion
from elearn.versions.models import PolicyVersion

__all__ = [
    "Answer",
    "Attempt",
    "Base",
    "Category",
    "Certificate",
    "Declaration",
    "Enrolment",
    "EnrolmentKind",
    "LessonCompletion",
    "PolicyVersion",
    "Role",
    "School",
    "SetupLink",
    "SignInFailure",
    "StaffMember",
]
