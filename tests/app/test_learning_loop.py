"""The learning loop: practice before a lesson is done, critical questions that must be right,
no right answers before a pass, retakes of unseen questions after revisiting, and confidence."""

from __future__ import annotations

import random
import re

import pytest
from flask.testing import FlaskClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from elearn.accounts.models import StaffMember
from elearn.content.schema import Course, Question
from elearn.training.api import item_analysis
from elearn.training.assessment import draw_questions
from elearn.training.models import Attempt, LessonCompletion
from tests.app.journey import (
    answer_practice,
    answers_form,
    complete_lessons,
    open_attempt,
    revisit_missed_lessons,
)
from tests.conftest import SN

pytestmark = pytest.mark.usefixtures("staff")


def test_a_lesson_is_not_done_until_its_practice_is_answered(
    as_staff: FlaskClient, session: Session, course: Course
) -> None:
    lesson = course.lessons[0]
    response = as_staff.post(f"{SN}/lessons/{lesson.id}/complete")
    assert response.status_code == 400
    count = len(lesson.practice)
    assert f"Answer the {count} practice questions in this lesson first" in response.get_data(
        as_text=True
    )
    assert session.scalar(select(func.count(LessonCompletion.id))) == 0
    answer_practice(as_staff, lesson)
    assert as_staff.post(f"{SN}/lessons/{lesson.id}/complete").status_code == 303
    assert session.scalar(select(func.count(LessonCompletion.id))) == 1


def set_questions(session: Session, attempt: Attempt, questions: list[Question]) -> None:
    """Put these questions, options in their natural order, into a sitting under way."""
    attempt.questions = [
        {"question": q.id, "options": [o.key for o in q.options]} for q in questions
    ]
    session.commit()


def answer(questions: list[Question], wrong: set[str]) -> dict[str, object]:
    data: dict[str, object] = {}
    for number, question in enumerate(questions, start=1):
        keys = [o.key for o in question.options if o.is_correct != (question.id in wrong)]
        positions = [str(i) for i, o in enumerate(question.options, 1) if o.key in keys]
        data[f"q{number}"] = positions[:1] if question.id in wrong else positions
        data[f"q{number}_sure"] = "sure"
    return data


def test_a_wrong_answer_on_a_critical_question_fails_at_any_score(
    as_staff: FlaskClient, session: Session, staff: StaffMember, course: Course
) -> None:
    critical = next(q for q in course.bank if course.is_critical(q))
    others = [q for q in course.bank if not course.is_critical(q)][:19]
    questions = [critical, *others]
    complete_lessons(as_staff, course)
    as_staff.post(f"{SN}/assessment/start")
    attempt = open_attempt(session, staff)
    set_questions(session, attempt, questions)
    response = as_staff.post(f"{SN}/assessment/{attempt.id}", data=answer(questions, {critical.id}))
    assert response.status_code == 303
    graded = open_attempt(session, staff)
    assert graded.score_percent == 95
    assert graded.is_passed is False
    page = as_staff.get(f"{SN}/assessment/{attempt.id}/result").get_data(as_text=True)
    assert "every question about keeping children safe right" in page


def test_a_failed_sittings_review_never_shows_the_right_answers(
    as_staff: FlaskClient, session: Session, staff: StaffMember, course: Course
) -> None:
    complete_lessons(as_staff, course)
    as_staff.post(f"{SN}/assessment/start")
    attempt = open_attempt(session, staff)
    as_staff.post(f"{SN}/assessment/{attempt.id}", data=answers_form(course, attempt, right=3))
    page = as_staff.get(f"{SN}/assessment/{attempt.id}/result").get_data(as_text=True)
    assert "You have not passed this time" in page
    assert "Right answer" not in page
    for item in attempt.questions:
        for option in course.question(item["question"]).options:
            if option.is_correct and len(option.text) > 20:
                assert option.text not in page, option.text
    assert 'id="lessons-to-revisit"' in page


def test_a_retake_opens_after_revisiting_and_draws_only_unseen_questions(
    as_staff: FlaskClient, session: Session, staff: StaffMember, course: Course
) -> None:
    complete_lessons(as_staff, course)
    seen: set[str] = set()
    # Every critical clause has at least three questions and each sitting asks about all of
    # them: two sittings can always be told apart; a third may have to repeat one.
    for _ in range(2):
        response = as_staff.post(f"{SN}/assessment/start")
        assert response.status_code == 303, response.get_data(as_text=True)[:300]
        attempt = open_attempt(session, staff)
        drawn = {str(item["question"]) for item in attempt.questions}
        assert drawn.isdisjoint(seen), "a retake draws questions not yet seen in the enrolment"
        seen |= drawn
        as_staff.post(f"{SN}/assessment/{attempt.id}", data=answers_form(course, attempt, right=0))
        refused = as_staff.post(f"{SN}/assessment/start")
        assert refused.status_code == 400
        assert "Read these lessons again before you try again" in refused.get_data(as_text=True)
        assert revisit_missed_lessons(as_staff, session, staff, course)
    assert len(seen) == 2 * len(attempt.questions)


@pytest.mark.parametrize("seed", range(10))
def test_a_draw_repeats_no_avoided_question_while_each_clause_and_lesson_has_others(
    course: Course, seed: int
) -> None:
    first = draw_questions(course, random.Random(seed), size=course.assessment_size)
    avoid = frozenset(item.question_id for item in first)
    second = draw_questions(course, random.Random(seed + 100), avoid, size=course.assessment_size)
    assert avoid.isdisjoint(item.question_id for item in second)


def test_confident_but_wrong_answers_are_counted_in_the_item_analysis(
    as_staff: FlaskClient, session: Session, staff: StaffMember, course: Course, policy: object
) -> None:
    complete_lessons(as_staff, course)
    as_staff.post(f"{SN}/assessment/start")
    attempt = open_attempt(session, staff)
    data = answers_form(course, attempt, right=0)
    unsure = str(attempt.questions[1]["question"])
    data["q2_sure"] = "not_sure"
    as_staff.post(f"{SN}/assessment/{attempt.id}", data=data)
    items, clauses = item_analysis(session, policy.id, course)  # type: ignore[attr-defined]
    by_question = {item.question_id: item for item in items}
    sure = str(attempt.questions[0]["question"])
    assert (by_question[sure].answered, by_question[sure].confident_wrong) == (1, 1)
    assert by_question[unsure].confident_wrong == 0
    assert by_question[sure].most_chosen_wrong is not None
    assert sum(clause.confident_wrong for clause in clauses) >= len(attempt.questions) - 1
    page = as_staff.get("/console/policies/social-networking/analysis")
    assert page.status_code == 403


def test_the_analysis_page_lists_the_worst_questions_first(
    client: FlaskClient,
    session: Session,
    staff: StaffMember,
    headteacher: StaffMember,
    course: Course,
) -> None:
    from tests.conftest import sign_in_as

    sign_in_as(client, staff)
    complete_lessons(client, course)
    client.post(f"{SN}/assessment/start")
    attempt = open_attempt(session, staff)
    client.post(f"{SN}/assessment/{attempt.id}", data=answers_form(course, attempt, right=0))
    sign_in_as(client, headteacher)
    page = client.get("/console/policies/social-networking/analysis").get_data(as_text=True)
    assert '0% right of 1 answer; <span class="app-confident-wrong">1 sure but wrong' in page


@pytest.mark.parametrize("seed", range(20))
def test_every_draw_asks_about_every_critical_clause(course: Course, seed: int) -> None:
    drawn = draw_questions(course, random.Random(seed), size=course.assessment_size)
    asked = {c for item in drawn for c in course.question(item.question_id).clauses}
    assert set(course.critical_clauses) <= asked
    assert len(drawn) == course.assessment_size


def test_the_analysis_filters_by_role_and_by_the_dates_answers_were_given(
    client: FlaskClient,
    session: Session,
    staff: StaffMember,
    headteacher: StaffMember,
    course: Course,
) -> None:
    from tests.conftest import sign_in_as

    sign_in_as(client, staff)  # a teacher, answering on 24 November 2026
    complete_lessons(client, course)
    client.post(f"{SN}/assessment/start")
    attempt = open_attempt(session, staff)
    client.post(f"{SN}/assessment/{attempt.id}", data=answers_form(course, attempt, right=0))
    sign_in_as(client, headteacher)
    analysis = "/console/policies/social-networking/analysis"

    def answered(query: str) -> int:
        response = client.get(f"{analysis}?{query}")
        assert response.status_code == 200
        counts = re.findall(r"right of (\d+) answer", response.get_data(as_text=True))
        return sum(int(count) for count in counts)

    everyone = answered("")
    assert everyone == len(attempt.questions)
    assert answered("category=teacher") == everyone
    assert answered("category=governor") == 0
    assert answered("since=2026-11-24&until=2026-11-24") == everyone
    assert answered("since=2026-11-25") == 0
    assert answered("until=2026-11-23") == 0
    refused = client.get(f"{analysis}?since=2026-13-01")
    assert refused.status_code == 400
    assert "Enter a real date" in refused.get_data(as_text=True)
