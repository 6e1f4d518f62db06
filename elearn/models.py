"""Every area's models, imported together so Alembic and the tests see one metadata."""

from elearn.accounts.models import (
    Category,
    FailureKind,
    RecoveryCode,
    Role,
    School,
    SetupLink,
    SignInFailure,
    StaffMember,
)
from elearn.audit.models import AuditEvent, EventKind
from elearn.certificates.models import Certificate, Declaration
from elearn.console.models import StaffImport
from elearn.db import Base
from elearn.mail.models import ClosedPeriod, EmailMessage, ReminderSettings
from elearn.policies.models import Policy, PolicyMode
from elearn.training.models import (
    Answer,
    Attempt,
    AttemptKind,
    Enrolment,
    EnrolmentKind,
    LessonCompletion,
    LessonRevisit,
    PracticeAnswer,
)
from elearn.versions.models import ChangeKind, PolicyDraft, PolicyVersion

__all__ = [
    "Answer",
    "Attempt",
    "AttemptKind",
    "AuditEvent",
    "Base",
    "Category",
    "Certificate",
    "ChangeKind",
    "ClosedPeriod",
    "Declaration",
    "EmailMessage",
    "Enrolment",
    "EnrolmentKind",
    "EventKind",
    "FailureKind",
    "LessonCompletion",
    "LessonRevisit",
    "Policy",
    "PolicyDraft",
    "PolicyMode",
    "PolicyVersion",
    "PracticeAnswer",
    "RecoveryCode",
    "ReminderSettings",
    "Role",
    "School",
    "SetupLink",
    "SignInFailure",
    "StaffImport",
    "StaffMember",
]
