"""The one door to training records for other areas: progress, enrolments, sittings."""

from elearn.training.models import Attempt, AttemptKind, Enrolment, EnrolmentKind
from elearn.training.service import (
    AttemptFact,
    EnrolmentFact,
    Progress,
    Step,
    complete_enrolment,
    has_begun,
    progress,
    started_pairs,
    training_facts,
)

__all__ = [
    "Attempt",
    "AttemptFact",
    "AttemptKind",
    "Enrolment",
    "EnrolmentFact",
    "EnrolmentKind",
    "Progress",
    "Step",
    "complete_enrolment",
    "has_begun",
    "progress",
    "started_pairs",
    "training_facts",
]
