"""My training: every policy a member must sign, and each policy's journey: lessons with practice,
the refresher's check, the assessment, or the whole policy to read."""

from __future__ import annotations

from dataclasses import dataclass

from flask import Blueprint, abort, redirect, render_template, url_for
from flask.typing import ResponseReturnValue
from flask_login import login_required

from elearn.certificates.api import latest_certificate
from elearn.compliance import api as compliance
from elearn.content.schema import Course, Lesson, Question
from elearn.db import get_session
from elearn.errors import DomainError
from elearn.policies import api as policies
from elearn.training import service
from elearn.training.forms import (
    CompleteLessonForm,
    ShownQuestion,
    StartAssessmentForm,
    question_form,
)
from elearn.training.models import AttemptKind
from elearn.training.service import Progress, Step
from elearn.versions.api import changes_since
from elearn.web import (
    Journey,
    current_member,
    get_clock,
    get_rng,
    journey,
    require_school,
    school_policies,
)

training = Blueprint("training", __name__)


@dataclass(frozen=True)
class Reviewed:
    """One answered question, as the result page shows it."""

    question: Question
    chosen: frozenset[str]
    is_correct: bool
    is_confident: bool
    is_critical: bool


def continue_url(slug: str, state: Progress) -> str:
    """Exactly where the member left off in one policy."""
    if state.next_step is Step.DECLARATION:
        return url_for("certificates.declaration", slug=slug)
    if state.next_step is Step.CHECK:
        if state.check_attempt is not None:
            return url_for("training.attempt", slug=slug, attempt_id=state.check_attempt.id)
        return url_for("training.refresher", slug=slug)
    if state.next_step is Step.ASSESSMENT:
        if state.open_attempt is not None:
            return url_for("training.attempt", slug=slug, attempt_id=state.open_attempt.id)
        return url_for("training.assessment", slug=slug)
    return url_for("training.lesson", slug=slug, lesson_id=state.next_lesson_id)


@training.route("/")
@login_required
def home() -> ResponseReturnValue:
    """Every policy the member must sign, most urgent first."""
    session = get_session()
    member = current_member()
    statuses = compliance.member_statuses(
        session, require_school(), member, school_policies(), get_clock().today()
    )
    rows = []
    for row in statuses.policies:
        found = journey(row.policy.slug)
        rows.append((row, found.state, continue_url(row.policy.slug, found.state)))
    return render_template("training/home.html", rows=rows, overall=statuses.overall)


@training.route("/policies/<slug>/")
@login_required
def policy(slug: str) -> ResponseReturnValue:
    """One policy's journey: status, lessons, assessment and declaration."""
    session = get_session()
    member = current_member()
    found = journey(slug)
    statuses = compliance.member_statuses(
        session, require_school(), member, [found.policy], get_clock().today()
    )
    return render_template(
        "training/policy.html",
        slug=slug,
        force=found.force,
        course=found.force.course,
        state=found.state,
        status=statuses.policies[0].status,
        certificate=latest_certificate(session, member, found.policy.id),
        continue_url=continue_url(slug, found.state),
    )


@training.route("/policies/<slug>/text")
@login_required
def policy_text(slug: str) -> ResponseReturnValue:
    """The whole policy as the version in force has it, to read at any time."""
    found = journey(slug)
    return render_template("training/policy_text.html", slug=slug, force=found.force)


@training.route("/policies/<slug>/refresher")
@login_required
def refresher(slug: str) -> ResponseReturnValue:
    found = journey(slug)
    if found.state.kind != "refresher" or found.state.next_step is not Step.CHECK:
        return redirect(continue_url(slug, found.state))
    return render_template(
        "training/refresher.html", slug=slug, course=found.force.course, form=StartAssessmentForm()
    )


@training.route("/policies/<slug>/refresher/start", methods=["POST"])
@login_required
def start_refresher(slug: str) -> ResponseReturnValue:
    if not StartAssessmentForm().validate_on_submit():
        abort(400)
    found = journey(slug)
    session = get_session()
    check = service.start_check(
        session, current_member(), found.force, found.state, get_clock().now(), get_rng()
    )
    session.commit()
    return redirect(url_for("training.attempt", slug=slug, attempt_id=check.id), 303)


def _practice_shown(lesson: Lesson, index: int) -> ShownQuestion:
    question = lesson.practice[index]
    choices = tuple((option.key, option.text) for option in question.options)
    return ShownQuestion(f"practice_{index + 1}", question, choices, index + 1)


def _lesson_page(
    slug: str,
    found: Journey,
    lesson: Lesson,
    feedback_for: int | None = None,
    complete_error: str | None = None,
) -> ResponseReturnValue:
    """The lesson, with feedback on the practice question just answered (which is recorded),
    or the reason it cannot be marked done yet."""
    forms = [
        question_form([_practice_shown(lesson, index)], "Check my answer")
        for index in range(len(lesson.practice))
    ]
    feedback: dict[int, frozenset[str]] = {}
    has_errors = complete_error is not None
    if feedback_for is not None:
        form = forms[feedback_for]
        if form.validate():
            data = form[f"practice_{feedback_for + 1}"].data
            chosen = frozenset(
                str(key) for key in (data if isinstance(data, list) else [data]) if key
            )
            feedback[feedback_for] = chosen
            session = get_session()
            service.answer_practice(
                session,
                current_member(),
                found.force,
                found.state,
                lesson.practice[feedback_for],
                chosen,
                get_clock().now(),
            )
            session.commit()
            found = journey(slug, refresh=True)
        else:
            has_errors = True
    force, state = found.force, found.state
    text = force.text
    present = {clause.id for clause in text.clauses}
    changes = {}
    if lesson.id in state.changed_lessons:
        changes = {
            clause_id: change
            for clause_id, change in changes_since(force, state.signed_version_id).items()
            if clause_id in lesson.clauses
        }
    return (
        render_template(
            "training/lesson.html",
            slug=slug,
            course=force.course,
            policy=text,
            lesson=lesson,
            clauses=[
                text.clause(clause_id) for clause_id in lesson.clauses if clause_id in present
            ],
            changes=changes,
            position=force.course.lesson_index(lesson.id),
            forms=forms,
            feedback=feedback,
            is_done=lesson.id in state.completed_lessons,
            is_known=lesson.id in state.known_lessons,
            is_revisit=lesson.id in state.to_revisit,
            unpractised=len(state.unpractised(lesson)),
            complete_form=CompleteLessonForm(formdata=None),
            complete_error=complete_error,
            has_errors=has_errors,
        ),
        400 if has_errors else 200,
    )


def _lesson_or_404(course: Course, lesson_id: str) -> Lesson:
    try:
        return course.lesson(lesson_id)
    except KeyError:
        abort(404)


@training.route("/policies/<slug>/lessons/<lesson_id>")
@login_required
def lesson(slug: str, lesson_id: str) -> ResponseReturnValue:
    found = journey(slug)
    return _lesson_page(slug, found, _lesson_or_404(found.force.course, lesson_id))


@training.route("/policies/<slug>/lessons/<lesson_id>/practice/<int:number>", methods=["POST"])
@login_required
def practice(slug: str, lesson_id: str, number: int) -> ResponseReturnValue:
    found = journey(slug)
    lesson = _lesson_or_404(found.force.course, lesson_id)
    if not 1 <= number <= len(lesson.practice):
        abort(404)
    return _lesson_page(slug, found, lesson, feedback_for=number - 1)


@training.route("/policies/<slug>/lessons/<lesson_id>/complete", methods=["POST"])
@login_required
def complete_lesson(slug: str, lesson_id: str) -> ResponseReturnValue:
    found = journey(slug)
    lesson = _lesson_or_404(found.force.course, lesson_id)
    if not CompleteLessonForm().validate_on_submit():
        abort(400)
    session = get_session()
    try:
        service.complete_lesson(
            session, current_member(), found.force, found.state, lesson.id, get_clock().now()
        )
    except DomainError as error:
        session.rollback()
        return _lesson_page(slug, found, lesson, complete_error=error.message)
    session.commit()
    return redirect(continue_url(slug, journey(slug, refresh=True).state), 303)


@training.route("/policies/<slug>/assessment")
@login_required
def assessment(slug: str) -> ResponseReturnValue:
    found = journey(slug)
    state = found.state
    if state.is_reading:
        return redirect(continue_url(slug, state))
    if state.open_attempt is not None:
        return redirect(url_for("training.attempt", slug=slug, attempt_id=state.open_attempt.id))
    return render_template(
        "training/assessment_intro.html",
        slug=slug,
        policy=found.policy,
        state=state,
        form=StartAssessmentForm(),
        question_count=min(found.policy.assessment_size, found.force.course.bank_size),
    )


@training.route("/policies/<slug>/assessment/start", methods=["POST"])
@login_required
def start_assessment(slug: str) -> ResponseReturnValue:
    if not StartAssessmentForm().validate_on_submit():
        abort(400)
    found = journey(slug)
    session = get_session()
    attempt = service.start_attempt(
        session, current_member(), found.force, found.state, get_clock().now(), get_rng()
    )
    session.commit()
    return redirect(url_for("training.attempt", slug=slug, attempt_id=attempt.id), 303)


def _attempt_shown(course: Course, drawn: list[service.DrawnQuestion]) -> list[ShownQuestion]:
    shown = []
    for number, item in enumerate(drawn, start=1):
        question: Question = course.question(item.question_id)
        # Values are positions on the page, not option keys, so the form hints at no answer.
        choices = tuple(
            (str(position), question.option(key).text)
            for position, key in enumerate(item.option_keys, start=1)
        )
        shown.append(ShownQuestion(f"q{number}", question, choices, number))
    return shown


@training.route("/policies/<slug>/assessment/<int:attempt_id>", methods=["GET", "POST"])
@login_required
def attempt(slug: str, attempt_id: int) -> ResponseReturnValue:
    session = get_session()
    member = current_member()
    found = journey(slug)
    course = found.force.course
    sitting = service.own_attempt(session, member, attempt_id, found.policy.id)
    if sitting.submitted_at is not None:
        return redirect(url_for("training.result", slug=slug, attempt_id=sitting.id), 303)
    drawn = service.drawn_questions(sitting)
    try:
        shown = _attempt_shown(course, drawn)
    except KeyError as error:
        raise DomainError("The course has changed since you started. Start again.") from error
    is_check = sitting.kind is AttemptKind.CHECK
    form = question_form(shown, "Submit my answers", ask_confidence=not is_check)
    if form.validate_on_submit():
        answers = {}
        confidence = {}
        for item, shown_question in zip(drawn, shown, strict=True):
            data = form[shown_question.field_name].data
            positions = data if isinstance(data, list) else [data]
            answers[item.question_id] = frozenset(
                item.option_keys[int(position) - 1] for position in positions
            )
            if not is_check:
                confidence[item.question_id] = form[shown_question.sure_name].data == "sure"
        service.submit_attempt(
            session, member, course, sitting, answers, get_clock().now(), confidence
        )
        session.commit()
        return redirect(url_for("training.result", slug=slug, attempt_id=sitting.id), 303)
    return (
        render_template(
            "training/assessment.html",
            slug=slug,
            form=form,
            shown=shown,
            attempt=sitting,
            is_check=is_check,
            has_errors=bool(form.errors),
        ),
        400 if form.errors else 200,
    )


@training.route("/policies/<slug>/assessment/<int:attempt_id>/result")
@login_required
def result(slug: str, attempt_id: int) -> ResponseReturnValue:
    session = get_session()
    found = journey(slug)
    course = found.force.course
    sitting = service.own_attempt(session, current_member(), attempt_id, found.policy.id)
    if sitting.submitted_at is None:
        return redirect(url_for("training.attempt", slug=slug, attempt_id=sitting.id))
    reviewed = [
        Reviewed(
            course.question(answer.question_id),
            frozenset(key for key in answer.selected.split(",") if key),
            answer.is_correct,
            bool(answer.is_confident),
            course.is_critical(course.question(answer.question_id)),
        )
        for answer in sitting.answers
        if course.has_question(answer.question_id)
    ]
    # Confident mistakes first: they are what the member most needs to look at again.
    reviewed.sort(key=lambda item: (item.is_correct, not item.is_confident))
    revisit = [
        course.lesson(lesson_id)
        for lesson_id in dict.fromkeys(
            item.question.lesson_id for item in reviewed if not item.is_correct
        )
    ]
    return render_template(
        "training/result.html",
        slug=slug,
        attempt=sitting,
        is_check=sitting.kind is AttemptKind.CHECK,
        # Right answers are shown only once the member has passed.
        shows_answers=sitting.kind is AttemptKind.CHECK or found.state.passed_attempt is not None,
        reviewed=reviewed,
        revisit=revisit,
        course=course,
        policy=found.force.text,
        state=found.state,
        continue_url=continue_url(slug, found.state),
        form=StartAssessmentForm(),
    )


@training.route("/history")
@login_required
def history() -> ResponseReturnValue:
    session = get_session()
    member = current_member()
    return render_template(
        "training/history.html",
        member=member,
        histories=compliance.member_history(
            session,
            member,
            policies.school_policies(session, require_school(), include_retired=True),
        ),
    )
