"""A member of staff's progress through the course, from the first lesson to a passed assessment."""

from __future__ import annotations

import enum
import random
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select, update
from sqlalchemy.orm import Session, selectinload

from elearn.accounts.models import StaffMember
from elearn.certificates.models import Declaration
from elearn.content.schema import Course
from elearn.errors import DomainError, NotFound
from elearn.training.assessment import DrawnQuestion, draw_questions, grade
from elearn.training.models import Answer, Attempt, Enrolment, EnrolmentKind, LessonCompletion
from elearn.versions.models import PolicyVersion


class Step(enum.StrEnum):
    LESSON = "lesson"
    ASSESSMENT = "assessment"
    DECLARATION = "declaration"
    DONE = "done"


@dataclass(frozen=True)
class Progress:
    """Where someone is in the course, and the one thing to do next."""

    enrolment: Enrolment | None
    kind: EnrolmentKind
    completed_lessons: frozenset[str]
    lesson_count: int
    next_step: Step
    next_lesson_id: str | None
    open_attempt: Attempt | None
    passed_attempt: Attempt | None
    last_attempt: Attempt | None

    @property
    def lessons_done(self) -> int:
        return len(self.completed_lessons)

    @property
    def has_started(self) -> bool:
        return bool(self.completed_lessons) or self.last_attempt is not None


def open_enrolment(session: Session, member: StaffMember) -> Enrolment | None:
    return session.scalars(
        select(Enrolment)
        .where(Enrolment.member_id == member.id, Enrolment.completed_at.is_(None))
        .order_by(Enrolment.id.desc())
        .limit(1)
    ).first()


def has_signed_before(session: Session, member: StaffMember) -> bool:
    query = select(Declaration.id).where(Declaration.member_id == member.id).limit(1)
    return session.scalar(query) is not None


def ensure_enrolment(
    session: Session, member: StaffMember, version: PolicyVersion, now: datetime
) -> Enrolment:
    """The member's open enrolment, started now if there is none."""
    enrolment = open_enrolment(session, member)
    if enrolment is not None:
        return enrolment
    kind = (
        EnrolmentKind.REFRESHER if has_signed_before(session, member) else EnrolmentKind.INDUCTION
    )
    enrolment = Enrolment(
        member_id=member.id, policy_version_id=version.id, kind=kind, started_at=now
    )
    session.add(enrolment)
    session.flush()
    return enrolment


def progress(session: Session, member: StaffMember, course: Course) -> Progress:
    enrolment = open_enrolment(session, member)
    completed: frozenset[str] = frozenset()
    attempts: list[Attempt] = []
    if enrolment is not None:
        completed = frozenset(
            session.scalars(
                select(LessonCompletion.lesson_id).where(
                    LessonCompletion.enrolment_id == enrolment.id
                )
            )
        )
        attempts = list(
            session.scalars(
                select(Attempt).where(Attempt.enrolment_id == enrolment.id).order_by(Attempt.id)
            )
        )
    course_lessons = [lesson.id for lesson in course.lessons]
    completed &= frozenset(course_lessons)
    open_attempt = next((a for a in attempts if a.submitted_at is None), None)
    passed_attempt = next((a for a in reversed(attempts) if a.is_passed), None)
    submitted = [a for a in attempts if a.submitted_at is not None]
    next_lesson = next(
        (lesson_id for lesson_id in course_lessons if lesson_id not in completed), None
    )
    if passed_attempt is not None:
        step = Step.DECLARATION
    elif next_lesson is not None and open_attempt is None:
        step = Step.LESSON
    else:
        step = Step.ASSESSMENT
    if enrolment is None and has_signed_before(session, member):
        kind = EnrolmentKind.REFRESHER
    else:
        kind = enrolment.kind if enrolment is not None else EnrolmentKind.INDUCTION
    return Progress(
        enrolment=enrolment,
        kind=kind,
        completed_lessons=completed,
        lesson_count=len(course_lessons),
        next_step=step,
        next_lesson_id=next_lesson,
        open_attempt=open_attempt,
        passed_attempt=passed_attempt,
        last_attempt=submitted[-1] if submitted else None,
    )


def complete_lesson(
    session: Session,
    member: StaffMember,
    course: Course,
    version: PolicyVersion,
    lesson_id: str,
    now: datetime,
) -> None:
    """Mark a lesson done; doing it twice changes nothing."""
    course.lesson(lesson_id)
    enrolment = ensure_enrolment(session, member, version, now)
    already = session.scalar(
        select(LessonCompletion.id).where(
            LessonCompletion.enrolment_id == enrolment.id, LessonCompletion.lesson_id == lesson_id
        )
    )
    if already is None:
        session.add(
            LessonCompletion(enrolment_id=enrolment.id, lesson_id=lesson_id, completed_at=now)
        )
        session.flush()


def start_attempt(
    session: Session,
    member: StaffMember,
    course: Course,
    now: datetime,
    rng: random.Random,
) -> Attempt:
    """Start the final assessment, or return the sitting already under way."""
    state = progress(session, member, course)
    if state.enrolment is None or state.next_lesson_id is not None:
        raise DomainError("Finish every lesson before you take the assessment.")
    if state.passed_attempt is not None:
        raise DomainError("You have already passed. Sign the declaration to finish.")
    if state.open_attempt is not None:
        return state.open_attempt
    avoid = (
        frozenset(str(item["question"]) for item in state.last_attempt.questions)
        if state.last_attempt is not None
        else frozenset()
    )
    drawn = draw_questions(course, rng, avoid)
    attempt = Attempt(
        enrolment_id=state.enrolment.id,
        member_id=member.id,
        questions=[item.as_json() for item in drawn],
        pass_mark=course.pass_mark,
        started_at=now,
    )
    session.add(attempt)
    session.flush()
    return attempt


def own_attempt(session: Session, member: StaffMember, attempt_id: int) -> Attempt:
    attempt = session.scalars(
        select(Attempt)
        .where(Attempt.id == attempt_id, Attempt.member_id == member.id)
        .options(selectinload(Attempt.answers))
    ).first()
    if attempt is None:
        raise NotFound("We could not find that assessment.")
    return attempt


def drawn_questions(attempt: Attempt) -> list[DrawnQuestion]:
    return [DrawnQuestion.from_json(item) for item in attempt.questions]


def submit_attempt(
    session: Session,
    member: StaffMember,
    course: Course,
    attempt_id: int,
    answers: Mapping[str, frozenset[str]],
    now: datetime,
) -> Attempt:
    """Grade a sitting once. A repeat (back button, double click, replay) changes nothing."""
    attempt = own_attempt(session, member, attempt_id)
    if attempt.submitted_at is not None:
        return attempt
    drawn = drawn_questions(attempt)
    missing = [item.question_id for item in drawn if not course.has_question(item.question_id)]
    if missing:
        raise DomainError(
            "The course changed while you were answering. Start the assessment again."
        )
    result = grade(course, drawn, answers, attempt.pass_mark)
    # Claim the attempt with a conditional update so two simultaneous submissions grade it once.
    claimed = session.execute(
        update(Attempt)
        .where(Attempt.id == attempt.id, Attempt.submitted_at.is_(None))
        .values(
            submitted_at=now,
            correct_count=result.correct_count,
            score_percent=result.score_percent,
            is_passed=result.is_passed,
        )
        .execution_options(synchronize_session=False)
    )
    if claimed.rowcount != 1:  # type: ignore[attr-defined]
        session.expire(attempt)
        return own_attempt(session, member, attempt_id)
    for position, item in enumerate(result.results):
        session.add(
            Answer(
                attempt_id=attempt.id,
                question_id=item.question.id,
                position=position,
                selected=",".join(sorted(item.selected)),
                is_correct=item.is_correct,
            )
        )
    session.flush()
    session.expire(attempt)
    return own_attempt(session, member, attempt_id)
