"""A member of staff's way through the course: induction, or a refresher that skips what they know.

Induction: every lesson, then the assessment, then the declaration. Refresher: first a short check
(one question a lesson); lessons answered rightly are "known" and may be skipped, unless their
clauses changed since the version the member last signed; then the assessment and declaration.
"""

from __future__ import annotations

import enum
import random
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select, update
from sqlalchemy.orm import Session, selectinload

from elearn.accounts.models import School, StaffMember
from elearn.certificates.models import Declaration
from elearn.content.schema import Course
from elearn.errors import DomainError, NotFound
from elearn.training.assessment import DrawnQuestion, draw_questions, grade
from elearn.training.models import (
    Answer,
    Attempt,
    AttemptKind,
    Enrolment,
    EnrolmentKind,
    LessonCompletion,
)
from elearn.versions.models import PolicyVersion
from elearn.versions.service import changed_clauses_since, current_version, school_versions


class Step(enum.StrEnum):
    CHECK = "check"
    LESSON = "lesson"
    ASSESSMENT = "assessment"
    DECLARATION = "declaration"


@dataclass(frozen=True)
class Progress:
    """Where someone is in the course, and the one thing to do next."""

    enrolment: Enrolment | None
    kind: EnrolmentKind
    assigned_lessons: tuple[str, ...]  # in course order
    known_lessons: frozenset[str]  # answered rightly in the refresher's check: may be skipped
    changed_lessons: frozenset[str]  # their clauses changed since the version last signed
    completed_lessons: frozenset[str]
    next_step: Step
    next_lesson_id: str | None
    check_attempt: Attempt | None
    open_attempt: Attempt | None  # an assessment under way
    passed_attempt: Attempt | None
    last_attempt: Attempt | None  # the last submitted assessment in this enrolment

    @property
    def lessons_done(self) -> int:
        return len(self.completed_lessons & set(self.assigned_lessons))

    @property
    def lesson_count(self) -> int:
        return len(self.assigned_lessons)

    @property
    def has_started(self) -> bool:
        return (
            bool(self.completed_lessons)
            or self.last_attempt is not None
            or (self.check_attempt is not None)
        )


def open_enrolment(session: Session, member: StaffMember) -> Enrolment | None:
    return session.scalars(
        select(Enrolment)
        .where(Enrolment.member_id == member.id, Enrolment.completed_at.is_(None))
        .order_by(Enrolment.id.desc())
        .limit(1)
    ).first()


def last_signed_version_id(session: Session, member: StaffMember) -> int | None:
    return session.scalar(
        select(Declaration.policy_version_id)
        .where(Declaration.member_id == member.id)
        .order_by(Declaration.signed_at.desc(), Declaration.id.desc())
        .limit(1)
    )


def ensure_enrolment(
    session: Session, member: StaffMember, version: PolicyVersion, now: datetime
) -> Enrolment:
    """The member's open enrolment, started now if there is none."""
    enrolment = open_enrolment(session, member)
    if enrolment is not None:
        return enrolment
    signed_before = last_signed_version_id(session, member) is not None
    enrolment = Enrolment(
        member_id=member.id,
        policy_version_id=version.id,
        kind=EnrolmentKind.REFRESHER if signed_before else EnrolmentKind.INDUCTION,
        started_at=now,
    )
    session.add(enrolment)
    session.flush()
    return enrolment


def changed_lesson_ids(course: Course, changed_clauses: frozenset[str]) -> frozenset[str]:
    return frozenset(
        lesson.id for lesson in course.lessons if changed_clauses & set(lesson.clauses)
    )


def _known_lessons(course: Course, check: Attempt | None) -> frozenset[str]:
    if check is None or check.submitted_at is None:
        return frozenset()
    return frozenset(
        course.question(answer.question_id).lesson_id
        for answer in check.answers
        if answer.is_correct and course.has_question(answer.question_id)
    )


def progress(session: Session, member: StaffMember, course: Course) -> Progress:
    enrolment = open_enrolment(session, member)
    signed_version = last_signed_version_id(session, member)
    if enrolment is not None:
        kind = enrolment.kind
    else:
        kind = EnrolmentKind.REFRESHER if signed_version is not None else EnrolmentKind.INDUCTION
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
                select(Attempt)
                .where(Attempt.enrolment_id == enrolment.id)
                .options(selectinload(Attempt.answers))
                .order_by(Attempt.id)
            )
        )
    check = next((a for a in attempts if a.kind is AttemptKind.CHECK), None)
    assessments = [a for a in attempts if a.kind is AttemptKind.ASSESSMENT]
    school = session.get_one(School, member.school_id)
    changed = changed_lesson_ids(
        course, changed_clauses_since(school_versions(session, school), signed_version)
    )
    known = _known_lessons(course, check) - changed
    course_lessons = tuple(lesson.id for lesson in course.lessons)
    assigned = tuple(lesson_id for lesson_id in course_lessons if lesson_id not in known)
    open_attempt = next((a for a in assessments if a.submitted_at is None), None)
    passed_attempt = next((a for a in reversed(assessments) if a.is_passed), None)
    submitted = [a for a in assessments if a.submitted_at is not None]
    next_lesson = next((lesson_id for lesson_id in assigned if lesson_id not in completed), None)
    if passed_attempt is not None:
        step = Step.DECLARATION
    elif kind is EnrolmentKind.REFRESHER and (check is None or check.submitted_at is None):
        step = Step.CHECK
    elif next_lesson is not None and open_attempt is None:
        step = Step.LESSON
    else:
        step = Step.ASSESSMENT
    return Progress(
        enrolment=enrolment,
        kind=kind,
        assigned_lessons=assigned,
        known_lessons=known,
        changed_lessons=changed,
        completed_lessons=completed & frozenset(course_lessons),
        next_step=step,
        next_lesson_id=next_lesson,
        check_attempt=check,
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


def _seen_last_time(session: Session, member: StaffMember) -> frozenset[str]:
    """Questions of the member's last submitted assessment, from any enrolment."""
    last = session.scalars(
        select(Attempt)
        .where(
            Attempt.member_id == member.id,
            Attempt.kind == AttemptKind.ASSESSMENT,
            Attempt.submitted_at.is_not(None),
        )
        .order_by(Attempt.id.desc())
        .limit(1)
    ).first()
    return frozenset(str(item["question"]) for item in last.questions) if last else frozenset()


def start_check(
    session: Session, member: StaffMember, course: Course, now: datetime, rng: random.Random
) -> Attempt:
    """Begin a refresher with its check: one question a lesson. Again: the same check."""
    school = session.get_one(School, member.school_id)
    if last_signed_version_id(session, member) is None:
        raise DomainError("The quick check is for refreshers. Start with the first lesson.")
    enrolment = ensure_enrolment(session, member, current_version(session, school), now)
    state = progress(session, member, course)
    if state.check_attempt is not None:
        return state.check_attempt
    drawn = draw_questions(course, rng, _seen_last_time(session, member), size=len(course.lessons))
    return _new_attempt(session, enrolment, member, AttemptKind.CHECK, drawn, 0, now)


def start_attempt(
    session: Session,
    member: StaffMember,
    course: Course,
    now: datetime,
    rng: random.Random,
) -> Attempt:
    """Start the final assessment, or return the sitting already under way."""
    state = progress(session, member, course)
    if state.next_step is Step.CHECK:
        raise DomainError("Do the quick check first: it shows which lessons you can skip.")
    if state.enrolment is None or state.next_lesson_id is not None:
        raise DomainError("Finish every lesson before you take the assessment.")
    if state.passed_attempt is not None:
        raise DomainError("You have already passed. Sign the declaration to finish.")
    if state.open_attempt is not None:
        return state.open_attempt
    avoid = _seen_last_time(session, member)
    if state.check_attempt is not None:
        avoid |= {str(item["question"]) for item in state.check_attempt.questions}
    drawn = draw_questions(course, rng, avoid)
    return _new_attempt(
        session, state.enrolment, member, AttemptKind.ASSESSMENT, drawn, course.pass_mark, now
    )


def _new_attempt(
    session: Session,
    enrolment: Enrolment,
    member: StaffMember,
    kind: AttemptKind,
    drawn: list[DrawnQuestion],
    pass_mark: int,
    now: datetime,
) -> Attempt:
    attempt = Attempt(
        enrolment_id=enrolment.id,
        member_id=member.id,
        kind=kind,
        questions=[item.as_json() for item in drawn],
        pass_mark=pass_mark,
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
        raise DomainError("The course changed while you were answering. Start again.")
    result = grade(course, drawn, answers, attempt.pass_mark)
    # Claim the attempt with a conditional update so two simultaneous submissions grade it once.
    claimed = session.execute(
        update(Attempt)
        .where(Attempt.id == attempt.id, Attempt.submitted_at.is_(None))
        .values(
            submitted_at=now,
            correct_count=result.correct_count,
            score_percent=result.score_percent,
            is_passed=result.is_passed if attempt.kind is AttemptKind.ASSESSMENT else None,
        )
        .execution_options(synchronize_session=False)
    )
    if claimed.rowcount == 1:  # type: ignore[attr-defined]
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
