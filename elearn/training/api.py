"""The one door to training records for other areas: progress, enrolments, sittings."""

from elearn.training.models import Attempt, AttemptKind, Enrolment, EnrolmentKind
from elearn.training.service import (
    AnswersFrom,
    AttemptFact,
    ClauseStats,
    EnrolmentFact,
    ItemStats,
    Progress,
    Step,
    complete_enrolment,
    has_begun,
    item_analysis,
    progress,
    started_pairs,
    training_facts,
)

__all__ = [
    "AnswersFrom",
    "Attempt",
    "AttemptFact",
    "AttemptKind",
    "ClauseStats",
    "Enrolment",
    "EnrolmentFact",
    "EnrolmentKind",
    "ItemStats",
    "Progress",
    "Step",
    "complete_enrolment",
    "has_begun",
    "item_analysis",
    "progress",
    "started_pairs",
    "training_facts",
]
