"""A member of staff's way through one policy's course: induction, or a refresher that skips what
they know.

Induction: every lesson, then the assessment, then the declaration. Refresher: first a short check
(one question a lesson); lessons answered rightly are "known" and may be skipped, unless their
clauses changed since the version the member last signed; then the assessment and declaration.
A policy that staff read and sign has one page, the whole policy, then the declaration.

Each policy's journey is its own: enrolments and attempts are keyed by the policy.
"""

from __future__ import annotations

import enum
import random
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from sqlalchemy import func, or_, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, selectinload

from elearn.accounts.api import Category, StaffMember
from elearn.clock import SCHOOL_TIMEZONE
from elearn.content.question_types import kind_of
from elearn.content.schema import Course, Lesson, Question
from elearn.errors import DomainError, NotFound
from elearn.policies.api import PolicyMode
from elearn.training.assessment import DrawnQuestion, draw_questions, grade
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
from elearn.versions.api import InForce, changed_clauses_since


class Step(enum.StrEnum):
    CHECK = "check"
    LESSON = "lesson"
    ASSESSMENT = "assessment"
    DECLARATION = "declaration"


@dataclass(frozen=True)
class Progress:
    """Where someone is in one policy's course, and the one thing to do next.

    Computed once per request (`progress`) and handed to whatever needs it.
    """

    policy_id: int
    enrolment: Enrolment | None
    kind: EnrolmentKind
    signed_version_id: int | None  # the version of this policy they last signed
    is_reading: bool  # read and sign: no check, no assessment
    assigned_lessons: tuple[str, ...]  # in course order
    known_lessons: frozenset[str]  # answered rightly in the refresher's check: may be skipped
    changed_lessons: frozenset[str]  # their clauses changed since the version last signed
    completed_lessons: frozenset[str]
    attempt_count: int  # sittings begun in this enrolment, of either kind
    next_step: Step
    next_lesson_id: str | None
    check_attempt: Attempt | None
    open_attempt: Attempt | None  # an assessment under way
    passed_attempt: Attempt | None
    last_attempt: Attempt | None  # the last submitted assessment in this enrolment
    practised: frozenset[str] = frozenset()  # practice questions answered in this enrolment
    # After a failed assessment: the lessons of the questions it got wrong, not yet read again,
    # in course order. A retake opens once they have all been revisited.
    to_revisit: tuple[str, ...] = ()
    seen_questions: frozenset[str] = frozenset()  # asked in this enrolment's sittings

    @property
    def failed_attempt(self) -> Attempt | None:
        """The last assessment, if it was not passed and nothing has been passed since."""
        last = self.last_attempt
        return last if last is not None and not last.is_passed and not self.passed_attempt else None

    def unpractised(self, lesson: Lesson) -> tuple[Question, ...]:
        """The lesson's practice questions not yet answered in this enrolment."""
        return tuple(q for q in lesson.practice if q.id not in self.practised)

    @property
    def lessons_done(self) -> int:
        return len(self.completed_lessons & set(self.assigned_lessons))

    @property
    def lesson_count(self) -> int:
        return len(self.assigned_lessons)

    @property
    def has_started(self) -> bool:
        return self.enrolment is not None and has_begun(
            len(self.completed_lessons), self.attempt_count
        )

    @property
    def is_ready_to_sign(self) -> bool:
        return self.next_step is Step.DECLARATION and self.enrolment is not None


def has_begun(lessons_done: int, attempts: int) -> bool:
    """The one rule for "has started" an enrolment: a lesson done or a sitting begun.

    `started_pairs` asks the database the same question for many people at once.
    """
    return lessons_done > 0 or attempts > 0


def started_pairs(
    session: Session, member_ids: Iterable[int], policy_ids: Iterable[int]
) -> set[tuple[int, int]]:
    """(member, policy) pairs whose open enrolment has begun, as `has_begun` says, in one query."""
    rows = session.execute(
        select(Enrolment.member_id, Enrolment.policy_id)
        .outerjoin(LessonCompletion, LessonCompletion.enrolment_id == Enrolment.id)
        .outerjoin(Attempt, Attempt.enrolment_id == Enrolment.id)
        .where(
            Enrolment.member_id.in_(list(member_ids)),
            Enrolment.policy_id.in_(list(policy_ids)),
            Enrolment.completed_at.is_(None),
            or_(LessonCompletion.id.is_not(None), Attempt.id.is_not(None)),
        )
        .distinct()
    )
    return {(member_id, policy_id) for member_id, policy_id in rows}


def open_enrolment(session: Session, member: StaffMember, policy_id: int) -> Enrolment | None:
    return session.scalars(
        select(Enrolment).where(
            Enrolment.member_id == member.id,
            Enrolment.policy_id == policy_id,
            Enrolment.completed_at.is_(None),
        )
    ).first()


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


def progress(
    session: Session, member: StaffMember, force: InForce, signed_version_id: int | None
) -> Progress:
    """Where `member` is in `force`'s course, given the version they last signed (if any)."""
    course = force.course
    enrolment = open_enrolment(session, member, force.policy.id)
    if enrolment is not None:
        kind = enrolment.kind
    else:
        kind = EnrolmentKind.REFRESHER if signed_version_id is not None else EnrolmentKind.INDUCTION
    completed: frozenset[str] = frozenset()
    practised: frozenset[str] = frozenset()
    attempts: list[Attempt] = []
    if enrolment is not None:
        completed = frozenset(
            session.scalars(
                select(LessonCompletion.lesson_id).where(
                    LessonCompletion.enrolment_id == enrolment.id
                )
            )
        )
        practised = frozenset(
            session.scalars(
                select(PracticeAnswer.question_id).where(
                    PracticeAnswer.enrolment_id == enrolment.id
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
    is_reading = force.policy.mode is PolicyMode.READ
    check = next((a for a in attempts if a.kind is AttemptKind.CHECK), None)
    assessments = [a for a in attempts if a.kind is AttemptKind.ASSESSMENT]
    changed = changed_lesson_ids(course, changed_clauses_since(force.versions, signed_version_id))
    known = _known_lessons(course, check) - changed
    course_lessons = tuple(lesson.id for lesson in course.lessons)
    assigned = tuple(lesson_id for lesson_id in course_lessons if lesson_id not in known)
    open_attempt = next((a for a in assessments if a.submitted_at is None), None)
    passed_attempt = next((a for a in reversed(assessments) if a.is_passed), None)
    submitted = [a for a in assessments if a.submitted_at is not None]
    to_revisit: tuple[str, ...] = ()
    if passed_attempt is None and submitted and open_attempt is None:
        to_revisit = _lessons_to_revisit(session, course, submitted[-1])
    next_lesson = next((lesson_id for lesson_id in assigned if lesson_id not in completed), None)
    if next_lesson is None and to_revisit:
        next_lesson = to_revisit[0]
    if passed_attempt is not None or (is_reading and next_lesson is None):
        step = Step.DECLARATION
    elif is_reading:
        step = Step.LESSON
    elif kind is EnrolmentKind.REFRESHER and (check is None or check.submitted_at is None):
        step = Step.CHECK
    elif next_lesson is not None and open_attempt is None:
        step = Step.LESSON
    else:
        step = Step.ASSESSMENT
    return Progress(
        policy_id=force.policy.id,
        enrolment=enrolment,
        kind=kind,
        signed_version_id=signed_version_id,
        is_reading=is_reading,
        assigned_lessons=assigned,
        known_lessons=known,
        changed_lessons=changed,
        completed_lessons=completed & frozenset(course_lessons),
        attempt_count=len(attempts),
        next_step=step,
        next_lesson_id=next_lesson,
        check_attempt=check,
        open_attempt=open_attempt,
        passed_attempt=passed_attempt,
        last_attempt=submitted[-1] if submitted else None,
        practised=practised,
        to_revisit=to_revisit,
        seen_questions=frozenset(
            str(item["question"]) for attempt in attempts for item in attempt.questions
        ),
    )


def _lessons_to_revisit(session: Session, course: Course, failed: Attempt) -> tuple[str, ...]:
    """The lessons of the questions `failed` got wrong, in course order, not yet revisited."""
    missed = {
        course.question(answer.question_id).lesson_id
        for answer in failed.answers
        if not answer.is_correct and course.has_question(answer.question_id)
    }
    revisited = set(
        session.scalars(
            select(LessonRevisit.lesson_id).where(LessonRevisit.attempt_id == failed.id)
        )
    )
    return tuple(lesson.id for lesson in course.lessons if lesson.id in missed - revisited)


def ensure_enrolment(
    session: Session, member: StaffMember, force: InForce, state: Progress, now: datetime
) -> Enrolment:
    """The member's open enrolment in this policy, started now if there is none.

    Two requests at once (a double click) start one: the database allows one open enrolment per
    member and policy, and the one that loses the race takes the other's.
    """
    if state.enrolment is not None:
        return state.enrolment
    enrolment = Enrolment(
        school_id=member.school_id,
        member_id=member.id,
        policy_id=force.policy.id,
        policy_version_id=force.version.id,
        kind=state.kind,
        started_at=now,
    )
    try:
        with session.begin_nested():
            session.add(enrolment)
    except IntegrityError:
        existing = open_enrolment(session, member, force.policy.id)
        if existing is None:
            raise
        return existing
    return enrolment


def answer_practice(
    session: Session,
    member: StaffMember,
    force: InForce,
    state: Progress,
    question: Question,
    selected: frozenset[str],
    now: datetime,
) -> None:
    """Record a practice answer, right or wrong: the first in the enrolment is kept."""
    if question.id in state.practised:
        return
    enrolment = ensure_enrolment(session, member, force, state, now)
    try:
        with session.begin_nested():
            session.add(
                PracticeAnswer(
                    school_id=member.school_id,
                    enrolment_id=enrolment.id,
                    lesson_id=question.lesson_id,
                    question_id=question.id,
                    selected=",".join(sorted(selected)),
                    is_correct=kind_of(question).is_right(question, selected),
                    answered_at=now,
                )
            )
    except IntegrityError:
        pass  # the same question answered by a second request at the same moment


def complete_lesson(
    session: Session,
    member: StaffMember,
    force: InForce,
    state: Progress,
    lesson_id: str,
    now: datetime,
) -> None:
    """Mark a lesson done once its practice questions are answered, or, after a failed
    assessment, as read again. Doing it twice changes nothing."""
    lesson = force.course.lesson(lesson_id)
    failed = state.failed_attempt
    if failed is not None and lesson_id in state.to_revisit:
        try:
            with session.begin_nested():
                session.add(
                    LessonRevisit(
                        school_id=member.school_id,
                        attempt_id=failed.id,
                        lesson_id=lesson_id,
                        revisited_at=now,
                    )
                )
        except IntegrityError:
            pass  # revisited by a second request at the same moment
        return
    unanswered = state.unpractised(lesson) if lesson_id not in state.completed_lessons else ()
    if unanswered:
        count = len(unanswered)
        raise DomainError(
            f"Answer the {'practice question' if count == 1 else f'{count} practice questions'} "
            "in this lesson first. Right or wrong, each answer shows you what the policy says."
        )
    enrolment = ensure_enrolment(session, member, force, state, now)
    if lesson_id in state.completed_lessons and enrolment is state.enrolment:
        return
    already = session.scalar(
        select(LessonCompletion.id).where(
            LessonCompletion.enrolment_id == enrolment.id, LessonCompletion.lesson_id == lesson_id
        )
    )
    if already is None:
        try:
            with session.begin_nested():
                session.add(
                    LessonCompletion(
                        enrolment_id=enrolment.id, lesson_id=lesson_id, completed_at=now
                    )
                )
        except IntegrityError:
            pass  # the same lesson marked done by a second request at the same moment


def _seen_last_time(session: Session, member: StaffMember, policy_id: int) -> frozenset[str]:
    """Questions of the member's last submitted assessment for this policy, from any enrolment."""
    last = session.scalars(
        select(Attempt)
        .where(
            Attempt.member_id == member.id,
            Attempt.policy_id == policy_id,
            Attempt.kind == AttemptKind.ASSESSMENT,
            Attempt.submitted_at.is_not(None),
        )
        .order_by(Attempt.id.desc())
        .limit(1)
    ).first()
    return frozenset(str(item["question"]) for item in last.questions) if last else frozenset()


def start_check(
    session: Session,
    member: StaffMember,
    force: InForce,
    state: Progress,
    now: datetime,
    rng: random.Random,
) -> Attempt:
    """Begin a refresher with its check: one question a lesson. Again: the same check."""
    if state.kind is not EnrolmentKind.REFRESHER or state.is_reading:
        raise DomainError("The quick check is for refreshers. Start with the first lesson.")
    if state.check_attempt is not None:
        return state.check_attempt
    enrolment = ensure_enrolment(session, member, force, state, now)
    course = force.course
    drawn = draw_questions(
        course,
        rng,
        _seen_last_time(session, member, force.policy.id),
        size=len(course.lessons),
        cover_critical=False,
    )
    return _new_attempt(session, enrolment, member, AttemptKind.CHECK, drawn, 0, now)


def start_attempt(
    session: Session,
    member: StaffMember,
    force: InForce,
    state: Progress,
    now: datetime,
    rng: random.Random,
) -> Attempt:
    """Start the final assessment, or return the sitting already under way."""
    if state.is_reading:
        raise DomainError("This policy has no assessment: read it, then sign the declaration.")
    if state.next_step is Step.CHECK:
        raise DomainError("Do the quick check first: it shows which lessons you can skip.")
    if state.to_revisit:
        titles = ", ".join(force.course.lesson(lesson_id).title for lesson_id in state.to_revisit)
        raise DomainError(f"Read these lessons again before you try again: {titles}.")
    if state.enrolment is None or state.next_lesson_id is not None:
        raise DomainError("Finish every lesson before you take the assessment.")
    if state.passed_attempt is not None:
        raise DomainError("You have already passed. Sign the declaration to finish.")
    if state.open_attempt is not None:
        return state.open_attempt
    # Questions not yet met in this enrolment come first; then those of the last assessment.
    avoid = _seen_last_time(session, member, force.policy.id) | state.seen_questions
    drawn = draw_questions(force.course, rng, avoid, size=force.policy.assessment_size)
    return _new_attempt(
        session,
        state.enrolment,
        member,
        AttemptKind.ASSESSMENT,
        drawn,
        force.policy.pass_mark,
        now,
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
    """A new sitting; a second begun at the same moment (a double click) gets the first."""
    attempt = Attempt(
        school_id=enrolment.school_id,
        policy_id=enrolment.policy_id,
        enrolment_id=enrolment.id,
        member_id=member.id,
        kind=kind,
        questions=[item.as_json() for item in drawn],
        pass_mark=pass_mark,
        started_at=now,
    )
    try:
        with session.begin_nested():
            session.add(attempt)
    except IntegrityError:
        existing = session.scalars(
            select(Attempt).where(
                Attempt.enrolment_id == enrolment.id,
                Attempt.kind == kind,
                Attempt.submitted_at.is_(None),
            )
        ).first()
        if existing is None:
            raise
        return existing
    return attempt


def own_attempt(
    session: Session, member: StaffMember, attempt_id: int, policy_id: int | None = None
) -> Attempt:
    """One of the member's own sittings (of this policy, when given), with its answers."""
    query = (
        select(Attempt)
        .where(Attempt.id == attempt_id, Attempt.member_id == member.id)
        .options(selectinload(Attempt.answers))
    )
    if policy_id is not None:
        query = query.where(Attempt.policy_id == policy_id)
    attempt = session.scalars(query).first()
    if attempt is None:
        raise NotFound("We could not find that assessment.")
    return attempt


def drawn_questions(attempt: Attempt) -> list[DrawnQuestion]:
    return [DrawnQuestion.from_json(item) for item in attempt.questions]


def submit_attempt(
    session: Session,
    member: StaffMember,
    course: Course,
    attempt: Attempt,
    answers: Mapping[str, frozenset[str]],
    now: datetime,
    confidence: Mapping[str, bool] | None = None,
) -> Attempt:
    """Grade a sitting once. A repeat (back button, double click, replay) changes nothing.

    `confidence` says, by question, whether the member was sure of their answer."""
    if attempt.member_id != member.id:
        raise NotFound("We could not find that assessment.")
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
        session.add_all(
            Answer(
                attempt_id=attempt.id,
                question_id=item.question.id,
                position=position,
                selected=",".join(sorted(item.selected)),
                is_correct=item.is_correct,
                is_confident=(confidence or {}).get(item.question.id),
            )
            for position, item in enumerate(result.results)
        )
        session.flush()
    session.expire(attempt)
    return own_attempt(session, member, attempt.id)


def complete_enrolment(enrolment: Enrolment, now: datetime) -> None:
    """The enrolment ends when its declaration is signed."""
    enrolment.completed_at = now


@dataclass(frozen=True)
class AttemptFact:
    """A submitted sitting, as history shows it."""

    policy_id: int
    kind: AttemptKind
    submitted_at: datetime
    correct_count: int | None
    question_count: int
    score_percent: int | None
    is_passed: bool | None


@dataclass(frozen=True)
class EnrolmentFact:
    policy_id: int
    kind: EnrolmentKind
    started_at: datetime


def training_facts(
    session: Session, member: StaffMember
) -> tuple[list[EnrolmentFact], list[AttemptFact]]:
    """Every enrolment and submitted sitting of the member, for their history."""
    enrolments = [
        EnrolmentFact(enrolment.policy_id, enrolment.kind, enrolment.started_at)
        for enrolment in session.scalars(select(Enrolment).where(Enrolment.member_id == member.id))
    ]
    attempts = [
        AttemptFact(
            attempt.policy_id,
            attempt.kind,
            attempt.submitted_at or attempt.started_at,
            attempt.correct_count,
            len(attempt.questions),
            attempt.score_percent,
            attempt.is_passed,
        )
        for attempt in session.scalars(
            select(Attempt).where(Attempt.member_id == member.id, Attempt.submitted_at.is_not(None))
        )
    ]
    return enrolments, attempts


@dataclass(frozen=True)
class ItemStats:
    """How staff answered one assessment question."""

    question_id: str
    answered: int
    right: int
    confident_wrong: int  # wrong, and sure of it: what most needs teaching again
    wrong_choices: tuple[tuple[str, int], ...]  # option keys chosen ("a,c"), most chosen first

    @property
    def share_right(self) -> float:
        return self.right / self.answered if self.answered else 0.0

    @property
    def most_chosen_wrong(self) -> str | None:
        return self.wrong_choices[0][0] if self.wrong_choices else None


@dataclass(frozen=True)
class ClauseStats:
    """How staff answered the questions on one clause."""

    clause_id: str
    answered: int
    right: int
    confident_wrong: int

    @property
    def share_right(self) -> float:
        return self.right / self.answered if self.answered else 0.0


@dataclass(frozen=True)
class AnswersFrom:
    """Whose answers an item analysis counts: staff of one category, and assessments submitted
    between two dates (school time, both included); None for any."""

    category: Category | None = None
    since: date | None = None
    until: date | None = None


def item_analysis(
    session: Session, policy_id: int, course: Course, answers_from: AnswersFrom | None = None
) -> tuple[list[ItemStats], list[ClauseStats]]:
    """Every assessment answer to the policy's questions, by question and by clause, the least
    often right first. One query, grouped in the database."""
    answers_from = answers_from or AnswersFrom()
    query = (
        select(
            Answer.question_id,
            Answer.selected,
            Answer.is_correct,
            Answer.is_confident,
            func.count(Answer.id),
        )
        .join(Attempt, Attempt.id == Answer.attempt_id)
        .where(
            Attempt.policy_id == policy_id,
            Attempt.kind == AttemptKind.ASSESSMENT,
            Attempt.submitted_at.is_not(None),
        )
        .group_by(Answer.question_id, Answer.selected, Answer.is_correct, Answer.is_confident)
    )
    if answers_from.category is not None:
        query = query.join(StaffMember, StaffMember.id == Attempt.member_id).where(
            StaffMember.category == answers_from.category
        )
    if answers_from.since is not None:
        start = datetime.combine(answers_from.since, time(), tzinfo=SCHOOL_TIMEZONE)
        query = query.where(Attempt.submitted_at >= start)
    if answers_from.until is not None:
        next_day = answers_from.until + timedelta(days=1)
        end = datetime.combine(next_day, time(), tzinfo=SCHOOL_TIMEZONE)
        query = query.where(Attempt.submitted_at < end)
    rows = session.execute(query).all()
    answered: Counter[str] = Counter()
    right: Counter[str] = Counter()
    confident_wrong: Counter[str] = Counter()
    wrong: dict[str, Counter[str]] = {}
    for question_id, selected, is_correct, is_confident, count in rows:
        answered[question_id] += count
        if is_correct:
            right[question_id] += count
        else:
            wrong.setdefault(question_id, Counter())[selected] += count
            if is_confident:
                confident_wrong[question_id] += count
    items = [
        ItemStats(
            question_id,
            answered[question_id],
            right[question_id],
            confident_wrong[question_id],
            tuple(wrong.get(question_id, Counter()).most_common()),
        )
        for question_id in answered
        if course.has_question(question_id)
    ]
    items.sort(key=lambda item: (item.share_right, -item.confident_wrong, item.question_id))
    by_clause: dict[str, list[int]] = {}
    for item in items:
        for clause_id in course.question(item.question_id).clauses:
            totals = by_clause.setdefault(clause_id, [0, 0, 0])
            totals[0] += item.answered
            totals[1] += item.right
            totals[2] += item.confident_wrong
    clauses = [ClauseStats(clause_id, *totals) for clause_id, totals in by_clause.items()]
    clauses.sort(key=lambda clause: (clause.share_right, -clause.confident_wrong, clause.clause_id))
    return items, clauses
