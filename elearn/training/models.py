"""A member of staff's way through the course: enrolments, lessons done, attempts and answers."""

from __future__ import annotations

import enum
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from elearn.accounts.models import StaffMember, enum_column
from elearn.db import Base, UTCDateTime
from elearn.versions.models import PolicyVersion


class EnrolmentKind(enum.StrEnum):
    INDUCTION = "induction"
    REFRESHER = "refresher"


class Enrolment(Base):
    """One time through the course for one policy version, ended by signing the declaration."""

    __tablename__ = "enrolments"

    id: Mapped[int] = mapped_column(primary_key=True)
    member_id: Mapped[int] = mapped_column(sa.ForeignKey("staff_members.id"), index=True)
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


class Attempt(Base):
    """One sitting of the final assessment.

    `questions` is the drawn set, fixed when the attempt starts: a list of
    {"question": id, "options": [option keys in the order shown]}. Grading reads it, never the
    request, so a replayed or tampered submission cannot change what was asked.
    """

    __tablename__ = "attempts"

    id: Mapped[int] = mapped_column(primary_key=True)
    enrolment_id: Mapped[int] = mapped_column(sa.ForeignKey("enrolments.id"), index=True)
    member_id: Mapped[int] = mapped_column(sa.ForeignKey("staff_members.id"), index=True)
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

    attempt: Mapped[Attempt] = relationship(lazy="raise", back_populates="answers")
