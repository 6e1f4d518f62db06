"""A member of staff's way through the course: enrolments, lessons done, attempts and answers."""

from __future__ import annotations

import enum
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from elearn.accounts.models import StaffMember, enum_column
from elearn.db import Base, UTCDateTime
from elearn.tenancy import SchoolScoped
from elearn.versions.models import PolicyVersion, policy_of_the_school


def member_of_the_school() -> sa.ForeignKeyConstraint:
    """The row's member of staff, who must belong to the row's own school."""
    return sa.ForeignKeyConstraint(
        ["member_id", "school_id"], ["staff_members.id", "staff_members.school_id"]
    )


class EnrolmentKind(enum.StrEnum):
    INDUCTION = "induction"
    REFRESHER = "refresher"


class Enrolment(SchoolScoped, Base):
    """One time through one policy's course, ended by signing its declaration.

    A member has at most one open enrolment per policy: a double click that starts two gets the
    one already there.
    """

    __tablename__ = "enrolments"
    __table_args__ = (
        member_of_the_school(),
        policy_of_the_school(),
        sa.Index(
            "uq_enrolments_open",
            "member_id",
            "policy_id",
            unique=True,
            sqlite_where=sa.text("completed_at IS NULL"),
            postgresql_where=sa.text("completed_at IS NULL"),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    member_id: Mapped[int] = mapped_column(index=True)
    policy_id: Mapped[int] = mapped_column(index=True)
    policy_version_id: Mapped[int] = mapped_column(sa.ForeignKey("policy_versions.id"))
    kind: Mapped[EnrolmentKind] = mapped_column(enum_column(EnrolmentKind, "enrolment_kind"))
    started_at: Mapped[datetime] = mapped_column(UTCDateTime())
    completed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    member: Mapped[StaffMember] = relationship(lazy="raise")
    policy_version: Mapped[PolicyVersion] = relationship(lazy="raise")


class LessonCompletion(Base):
    __tablename__ = "lesson_completions"
    __table_args__ = (sa.UniqueConstraint("enrolment_id", "lesson_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    enrolment_id: Mapped[int] = mapped_column(sa.ForeignKey("enrolments.id"), index=True)
    lesson_id: Mapped[str] = mapped_column(sa.String(100))
    completed_at: Mapped[datetime] = mapped_column(UTCDateTime())


class AttemptKind(enum.StrEnum):
    CHECK = "check"  # a refresher's opening check: one question a lesson
    ASSESSMENT = "assessment"  # the final assessment, which must be passed


class Attempt(SchoolScoped, Base):
    """One sitting of the final assessment, or of a refresher's opening check.

    `questions` is the drawn set, fixed when the attempt starts: a list of
    {"question": id, "options": [option keys in the order shown]}. Grading reads it, never the
    request, so a replayed or tampered submission cannot change what was asked. An enrolment has
    at most one sitting of each kind under way.
    """

    __tablename__ = "attempts"
    __table_args__ = (
        member_of_the_school(),
        policy_of_the_school(),
        sa.Index(
            "uq_attempts_open",
            "enrolment_id",
            "kind",
            unique=True,
            sqlite_where=sa.text("submitted_at IS NULL"),
            postgresql_where=sa.text("submitted_at IS NULL"),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    policy_id: Mapped[int] = mapped_column(index=True)
    enrolment_id: Mapped[int] = mapped_column(sa.ForeignKey("enrolments.id"), index=True)
    member_id: Mapped[int] = mapped_column(index=True)
    kind: Mapped[AttemptKind] = mapped_column(
        enum_column(AttemptKind, "attempt_kind"),
        default=AttemptKind.ASSESSMENT,
        server_default=AttemptKind.ASSESSMENT.value,
    )
    questions: Mapped[list[dict[str, Any]]] = mapped_column(sa.JSON)
    pass_mark: Mapped[int]
    started_at: Mapped[datetime] = mapped_column(UTCDateTime())
    submitted_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    correct_count: Mapped[int | None]
    score_percent: Mapped[int | None]
    is_passed: Mapped[bool | None]

    enrolment: Mapped[Enrolment] = relationship(lazy="raise")
    answers: Mapped[list[Answer]] = relationship(
        lazy="raise", order_by="Answer.position", back_populates="attempt"
    )


class Answer(Base):
    __tablename__ = "answers"
    __table_args__ = (sa.UniqueConstraint("attempt_id", "question_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    attempt_id: Mapped[int] = mapped_column(sa.ForeignKey("attempts.id"), index=True)
    question_id: Mapped[str] = mapped_column(sa.String(100))
    position: Mapped[int]
    # Option keys chosen, comma-separated in content order ("a,c"); empty when left blank.
    selected: Mapped[str] = mapped_column(sa.String(50))
    is_correct: Mapped[bool]
    # "Sure" or "not sure", chosen with the answer (None before it was asked, and in checks).
    is_confident: Mapped[bool | None]

    attempt: Mapped[Attempt] = relationship(lazy="raise", back_populates="answers")


class PracticeAnswer(SchoolScoped, Base):
    """A practice question answered in a lesson, right or wrong: the first answer in each
    enrolment. A lesson counts as done only once its practice questions are answered."""

    __tablename__ = "practice_answers"
    __table_args__ = (sa.UniqueConstraint("enrolment_id", "question_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    enrolment_id: Mapped[int] = mapped_column(sa.ForeignKey("enrolments.id"), index=True)
    lesson_id: Mapped[str] = mapped_column(sa.String(100))
    question_id: Mapped[str] = mapped_column(sa.String(100))
    selected: Mapped[str] = mapped_column(sa.String(50))
    is_correct: Mapped[bool]
    answered_at: Mapped[datetime] = mapped_column(UTCDateTime())


class LessonRevisit(SchoolScoped, Base):
    """A lesson read again after a failed assessment missed its clauses: a retake opens once
    every such lesson has been revisited."""

    __tablename__ = "lesson_revisits"
    __table_args__ = (sa.UniqueConstraint("attempt_id", "lesson_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    attempt_id: Mapped[int] = mapped_column(sa.ForeignKey("attempts.id"), index=True)
    lesson_id: Mapped[str] = mapped_column(sa.String(100))
    revisited_at: Mapped[datetime] = mapped_column(UTCDateTime())
