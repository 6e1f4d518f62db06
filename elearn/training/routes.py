"""My training: the home page, lessons with practice, the refresher's check and the assessment."""

from __future__ import annotations

import random

from flask import Blueprint, abort, redirect, render_template, url_for
from flask.typing import ResponseReturnValue
from flask_login import login_required

from elearn.certificates.service import latest_certificate
from elearn.content.schema import Course, Lesson, Question
from elearn.db import get_session
from elearn.errors import DomainError
from elearn.training import service
from elearn.training.forms import (
    CompleteLessonForm,
    ShownQuestion,
    StartAssessmentForm,
    question_form,
)
from elearn.training.history import member_history
from elearn.training.models import AttemptKind
from elearn.training.service import Progress, Step
from elearn.training.tracking import member_status
from elearn.versions.service import changes_since, current_version
from elearn.web import (
    current_member,
    current_policy,
    get_clock,
    get_course,
    require_school,
)

training = Blueprint("training", __name__)


def continue_url(state: Progress) -> str:
    """Exactly where the member left off."""
    if state.next_step is Step.DECLARATION:
        return url_for("certificates.declaration")
    if state.next_step is Step.CHECK:
        if state.check_attempt is not None:
            return url_for("training.attempt", attempt_id=state.check_attempt.id)
        return url_for("training.refresher")
    if state.next_step is Step.ASSESSMENT:
        if state.open_attempt is not None:
            return url_for("training.attempt", attempt_id=state.open_attempt.id)
        return url_for("training.assessment")
    return url_for("training.lesson", lesson_id=state.next_lesson_id)


@training.route("/")
@login_required
def home() -> ResponseReturnValue:
    session = get_session()
    member = current_member()
    course = get_course()
    state = service.progress(session, member, course)
    return render_template(
        "training/home.html",
        course=course,
        state=state,
        status=member_status(session, member, get_clock().today()).status,
        certificate=latest_certificate(session, member),
        continue_url=continue_url(state),
    )


@training.route("/refresher")
@login_required
def refresher() -> ResponseReturnValue:
    state = service.progress(get_session(), current_member(), get_course())
    if state.kind != "refresher" or state.next_step is not Step.CHECK:
        return redirect(continue_url(state))
    return render_template(
        "training/refresher.html", course=get_course(), form=StartAssessmentForm()
    )


@training.route("/refresher/start", methods=["POST"])
@login_required
def start_refresher() -> ResponseReturnValue:
    if not StartAssessmentForm().validate_on_submit():
        abort(400)
    session = get_session()
    check = service.start_check(
        session, current_member(), get_course(), get_clock().now(), random.SystemRandom()
    )
    session.commit()
    return redirect(url_for("training.attempt", attempt_id=check.id), 303)


def _practice_shown(lesson: Lesson, index: int) -> ShownQuestion:
    question = lesson.practice[index]
    choices = tuple((option.key, option.text) for option in question.options)
    return ShownQuestion(f"practice_{index + 1}", question, choices, index + 1)


def _lesson_page(
    course: Course, lesson: Lesson, feedback_for: int | None = None
) -> ResponseReturnValue:
    """The lesson, with feedback on the practice question just answered, if any."""
    forms = [
        question_form([_practice_shown(lesson, index)], "Check my answer")
        for index in range(len(lesson.practice))
    ]
    feedback: dict[int, frozenset[str]] = {}
    has_errors = False
    if feedback_for is not None:
        form = forms[feedback_for]
        if form.validate():
            data = form[f"practice_{feedback_for + 1}"].data
            feedback[feedback_for] = frozenset(
                str(key) for key in (data if isinstance(data, list) else [data]) if key
            )
        else:
            has_errors = True
    session = get_session()
    member = current_member()
    state = service.progress(session, member, course)
    policy = current_policy()
    present = {clause.id for clause in policy.clauses}
    changes = {}
    if lesson.id in state.changed_lessons:
        signed = service.last_signed_version_id(session, member)
        changes = {
            clause_id: change
            for clause_id, change in changes_since(session, require_school(), signed).items()
            if clause_id in lesson.clauses
        }
    return (
        render_template(
            "training/lesson.html",
            course=course,
            policy=policy,
            lesson=lesson,
            clauses=[
                policy.clause(clause_id) for clause_id in lesson.clauses if clause_id in present
            ],
            changes=changes,
            position=course.lesson_index(lesson.id),
            forms=forms,
            feedback=feedback,
            is_done=lesson.id in state.completed_lessons,
            is_known=lesson.id in state.known_lessons,
            complete_form=CompleteLessonForm(formdata=None),
            has_errors=has_errors,
        ),
        400 if has_errors else 200,
    )


def _lesson_or_404(course: Course, lesson_id: str) -> Lesson:
    try:
        return course.lesson(lesson_id)
    except KeyError:
        abort(404)


@training.route("/lessons/<lesson_id>")
@login_required
def lesson(lesson_id: str) -> ResponseReturnValue:
    course = get_course()
    return _lesson_page(course, _lesson_or_404(course, lesson_id))


@training.route("/lessons/<lesson_id>/practice/<int:number>", methods=["POST"])
@login_required
def practice(lesson_id: str, number: int) -> ResponseReturnValue:
    course = get_course()
    lesson = _lesson_or_404(course, lesson_id)
    if not 1 <= number <= len(lesson.practice):
        abort(404)
    return _lesson_page(course, lesson, feedback_for=number - 1)


@training.route("/lessons/<lesson_id>/complete", methods=["POST"])
@login_required
def complete_lesson(lesson_id: str) -> ResponseReturnValue:
    course = get_course()
    lesson = _lesson_or_404(course, lesson_id)
    if not CompleteLessonForm().validate_on_submit():
        abort(400)
    session = get_session()
    member = current_member()
    version = current_version(session, require_school())
    service.complete_lesson(session, member, course, version, lesson.id, get_clock().now())
    session.commit()
    return redirect(continue_url(service.progress(session, member, course)), 303)


@training.route("/assessment")
@login_required
def assessment() -> ResponseReturnValue:
    course = get_course()
    state = service.progress(get_session(), current_member(), course)
    if state.open_attempt is not None:
        return redirect(url_for("training.attempt", attempt_id=state.open_attempt.id))
    bank = sum(len(lesson.questions) for lesson in course.lessons)
    return render_template(
        "training/assessment_intro.html",
        course=course,
        state=state,
        form=StartAssessmentForm(),
        question_count=min(course.assessment_size, bank),
    )


@training.route("/assessment/start", methods=["POST"])
@login_required
def start_assessment() -> ResponseReturnValue:
    if not StartAssessmentForm().validate_on_submit():
        abort(400)
    session = get_session()
    attempt = service.start_attempt(
        session, current_member(), get_course(), get_clock().now(), random.SystemRandom()
    )
    session.commit()
    return redirect(url_for("training.attempt", attempt_id=attempt.id), 303)


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


@training.route("/assessment/<int:attempt_id>", methods=["GET", "POST"])
@login_required
def attempt(attempt_id: int) -> ResponseReturnValue:
    session = get_session()
    member = current_member()
    course = get_course()
    sitting = service.own_attempt(session, member, attempt_id)
    if sitting.submitted_at is not None:
        return redirect(url_for("training.result", attempt_id=sitting.id), 303)
    drawn = service.drawn_questions(sitting)
    try:
        shown = _attempt_shown(course, drawn)
    except KeyError as error:
        raise DomainError("The course has changed since you started. Start again.") from error
    is_check = sitting.kind is AttemptKind.CHECK
    form = question_form(shown, "Submit my answers")
    if form.validate_on_submit():
        answers = {}
        for item, shown_question in zip(drawn, shown, strict=True):
            data = form[shown_question.field_name].data
            positions = data if isinstance(data, list) else [data]
            answers[item.question_id] = frozenset(
                item.option_keys[int(position) - 1] for position in positions
            )
        service.submit_attempt(session, member, course, sitting.id, answers, get_clock().now())
        session.commit()
        return redirect(url_for("training.result", attempt_id=sitting.id), 303)
    return (
        render_template(
            "training/assessment.html",
            form=form,
            shown=shown,
            attempt=sitting,
            is_check=is_check,
            has_errors=bool(form.errors),
        ),
        400 if form.errors else 200,
    )


@training.route("/assessment/<int:attempt_id>/result")
@login_required
def result(attempt_id: int) -> ResponseReturnValue:
    session = get_session()
    course = get_course()
    member = current_member()
    sitting = service.own_attempt(session, member, attempt_id)
    if sitting.submitted_at is None:
        return redirect(url_for("training.attempt", attempt_id=sitting.id))
    reviewed = []
    for answer in sitting.answers:
        if not course.has_question(answer.question_id):
            continue
        question = course.question(answer.question_id)
        chosen = frozenset(key for key in answer.selected.split(",") if key)
        reviewed.append((question, chosen, answer.is_correct))
    state = service.progress(session, member, course)
    return render_template(
        "training/result.html",
        attempt=sitting,
        is_check=sitting.kind is AttemptKind.CHECK,
        reviewed=reviewed,
        course=course,
        policy=current_policy(),
        state=state,
        continue_url=continue_url(state),
        form=StartAssessmentForm(),
    )


@training.route("/history")
@login_required
def history() -> ResponseReturnValue:
    member = current_member()
    return render_template(
        "training/history.html", member=member, events=member_history(get_session(), member)
    )
