"""The learner journey through the test client: lessons, assessment, declaration, certificate."""

from __future__ import annotations

import io
from datetime import date

from flask.testing import FlaskClient
from markupsafe import escape
from pypdf import PdfReader
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from elearn.accounts.models import School, StaffMember
from elearn.certificates.models import Certificate, Declaration
from elearn.content.schema import Course
from elearn.training.models import Answer, Attempt
from tests.app.journey import (
    answer_practice,
    answers_form,
    complete_lessons,
    open_attempt,
    pass_assessment,
    revisit_missed_lessons,
    sign,
)
from tests.conftest import SN, sign_in_as
from tests.factories import PASSWORD, make_member


def test_home_shows_what_is_assigned_and_the_due_date(
    client: FlaskClient, session: Session, school: School, headteacher: StaffMember, course: Course
) -> None:
    starter = make_member(session, school, starts_on=date(2026, 11, 20))
    session.commit()
    sign_in_as(client, starter)
    page = client.get(f"{SN}/").get_data(as_text=True)
    assert "Induction training" in page
    assert "Induction due 10 December 2026" in page
    assert f"0 of {len(course.lessons)}" in page
    assert "Start your training" in page


def test_lesson_page_quotes_its_clauses_verbatim(as_staff: FlaskClient, course: Course) -> None:
    lesson = course.lessons[2]
    page = as_staff.get(f"/policies/social-networking/lessons/{lesson.id}").get_data(as_text=True)
    for clause_id in lesson.clauses:
        clause = course.policy.clause(clause_id)
        first_paragraph = next(block.text for block in clause.blocks if block.text)
        assert first_paragraph.replace("’", "&#8217;") in page or first_paragraph in page
    for outcome in lesson.outcomes:
        assert outcome.replace("'", "&#39;") in page


def test_practice_answer_gets_feedback_for_every_option(
    as_staff: FlaskClient, course: Course
) -> None:
    lesson = course.lessons[0]
    question = lesson.practice[0]
    wrong = next(option for option in question.options if not option.is_correct)
    response = as_staff.post(
        f"/policies/social-networking/lessons/{lesson.id}/practice/1",
        data={"practice_1": wrong.key},
    )
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Not quite." in page
    for option in question.options:
        assert option.feedback.replace("'", "&#39;").replace('"', "&#34;")[:40] in page


def test_practice_without_an_answer_re_renders_with_an_error(
    as_staff: FlaskClient, course: Course
) -> None:
    lesson = course.lessons[0]
    response = as_staff.post(f"/policies/social-networking/lessons/{lesson.id}/practice/1", data={})
    assert response.status_code == 400
    assert "Answer question 1" in response.get_data(as_text=True)


def test_continue_returns_to_the_first_unfinished_lesson(
    as_staff: FlaskClient, course: Course
) -> None:
    for lesson in course.lessons[:2]:
        answer_practice(as_staff, lesson)
    as_staff.post(f"/policies/social-networking/lessons/{course.lessons[0].id}/complete")
    response = as_staff.post(f"/policies/social-networking/lessons/{course.lessons[1].id}/complete")
    assert (
        response.headers["Location"]
        == f"/policies/social-networking/lessons/{course.lessons[2].id}"
    )
    home = as_staff.get(f"{SN}/").get_data(as_text=True)
    assert f'href="/policies/social-networking/lessons/{course.lessons[2].id}"' in home
    assert "Continue where you left off" in home
    my_training = as_staff.get("/").get_data(as_text=True)
    assert f'href="/policies/social-networking/lessons/{course.lessons[2].id}"' in my_training
    assert "2 of 11 lessons done" in my_training


def test_assessment_cannot_start_before_every_lesson_is_done(as_staff: FlaskClient) -> None:
    response = as_staff.post("/policies/social-networking/assessment/start")
    assert response.status_code == 400
    assert "Finish every lesson" in response.get_data(as_text=True)


def test_assessment_page_never_shows_the_answers(
    as_staff: FlaskClient, session: Session, staff: StaffMember, course: Course
) -> None:
    complete_lessons(as_staff, course)
    as_staff.post("/policies/social-networking/assessment/start")
    attempt = open_attempt(session, staff)
    page = as_staff.get(f"/policies/social-networking/assessment/{attempt.id}").get_data(
        as_text=True
    )
    for item in attempt.questions:
        question = course.question(item["question"])
        for option in question.options:
            assert option.feedback[:60].replace("'", "&#39;") not in page
    for marker in ("Right answer", "app-review-option--correct", "correct", "is_correct"):
        assert f'"{marker}' not in page
        assert f">{marker}<" not in page
    assert 'value="a"' not in page
    assert 'value="b"' not in page


def test_resuming_returns_to_the_open_assessment(
    as_staff: FlaskClient, session: Session, staff: StaffMember, course: Course
) -> None:
    complete_lessons(as_staff, course)
    as_staff.post("/policies/social-networking/assessment/start")
    attempt = open_attempt(session, staff)
    home = as_staff.get("/").get_data(as_text=True)
    assert f'href="/policies/social-networking/assessment/{attempt.id}"' in home
    again = as_staff.post("/policies/social-networking/assessment/start")
    assert again.headers["Location"] == f"/policies/social-networking/assessment/{attempt.id}"


def test_unanswered_assessment_re_renders_with_errors_and_keeps_answers(
    as_staff: FlaskClient, session: Session, staff: StaffMember, course: Course
) -> None:
    complete_lessons(as_staff, course)
    as_staff.post("/policies/social-networking/assessment/start")
    attempt = open_attempt(session, staff)
    data = answers_form(course, attempt)
    data.pop("q2")
    response = as_staff.post(f"/policies/social-networking/assessment/{attempt.id}", data=data)
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "Answer question 2" in page
    assert "checked" in page
    assert open_attempt(session, staff).submitted_at is None


def test_failing_score_blocks_the_declaration(
    as_staff: FlaskClient, session: Session, staff: StaffMember, course: Course
) -> None:
    complete_lessons(as_staff, course)
    as_staff.post("/policies/social-networking/assessment/start")
    attempt = open_attempt(session, staff)
    as_staff.post(
        f"/policies/social-networking/assessment/{attempt.id}",
        data=answers_form(course, attempt, right=1),
    )
    result = as_staff.get(f"/policies/social-networking/assessment/{attempt.id}/result").get_data(
        as_text=True
    )
    assert "You have not passed this time" in result
    response = as_staff.post(
        "/policies/social-networking/declaration",
        data={"confirm": "y", "signature": staff.name, "password": PASSWORD},
    )
    assert response.status_code == 400
    assert session.scalar(select(func.count(Declaration.id))) == 0


def test_review_shows_every_answer_with_the_right_one_and_the_clause(
    as_staff: FlaskClient, session: Session, staff: StaffMember, course: Course
) -> None:
    complete_lessons(as_staff, course)
    attempt = pass_assessment(as_staff, session, staff, course)
    page = as_staff.get(f"/policies/social-networking/assessment/{attempt.id}/result").get_data(
        as_text=True
    )
    assert "You passed" in page
    assert page.count("Right answer") >= len(attempt.questions)
    assert page.count("Your answer") >= len(attempt.questions)
    first = course.question(attempt.questions[0]["question"])
    clause = course.policy.clause(first.clauses[0])
    assert "What the policy says: " in page
    assert f"{'clause ' if clause.number else ''}{escape(clause.label)}" in page
    assert str(escape(next(block.text for block in clause.blocks if block.text))) in page
    for option in first.options:
        assert str(escape(option.feedback)) in page


def test_replayed_submission_does_not_change_the_grade(
    as_staff: FlaskClient, session: Session, staff: StaffMember, course: Course
) -> None:
    complete_lessons(as_staff, course)
    as_staff.post("/policies/social-networking/assessment/start")
    attempt = open_attempt(session, staff)
    as_staff.post(
        f"/policies/social-networking/assessment/{attempt.id}",
        data=answers_form(course, attempt, right=0),
    )
    replay = as_staff.post(
        f"/policies/social-networking/assessment/{attempt.id}", data=answers_form(course, attempt)
    )
    assert replay.status_code == 303
    after = open_attempt(session, staff)
    assert after.is_passed is False
    assert session.scalar(select(func.count(Attempt.id))) == 1
    assert session.scalar(select(func.count(Answer.id))) == len(attempt.questions)


def test_retake_draws_a_fresh_set(
    as_staff: FlaskClient, session: Session, staff: StaffMember, course: Course
) -> None:
    complete_lessons(as_staff, course)
    as_staff.post("/policies/social-networking/assessment/start")
    first = open_attempt(session, staff)
    as_staff.post(
        f"/policies/social-networking/assessment/{first.id}",
        data=answers_form(course, first, right=0),
    )
    assert as_staff.post("/policies/social-networking/assessment/start").status_code == 400
    revisit_missed_lessons(as_staff, session, staff, course)
    as_staff.post("/policies/social-networking/assessment/start")
    second = open_attempt(session, staff)
    assert second.id != first.id
    assert {i["question"] for i in first.questions} != {i["question"] for i in second.questions}


def test_whole_journey_ends_in_a_certificate_that_is_the_declaration(
    as_staff: FlaskClient, session: Session, staff: StaffMember, course: Course
) -> None:
    complete_lessons(as_staff, course)
    pass_assessment(as_staff, session, staff, course)
    declaration_page = as_staff.get("/policies/social-networking/declaration").get_data(
        as_text=True
    )
    assert course.policy.declaration.text.replace("’", "&#8217;") in declaration_page or (
        course.policy.declaration.text in declaration_page
    )
    sign(as_staff, staff)
    certificate = session.scalars(select(Certificate)).one()
    response = as_staff.get(f"/certificates/{certificate.id}/download")
    assert response.status_code == 200
    assert response.mimetype == "application/pdf"
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(response.data)).pages)
    flat = " ".join(text.split())
    assert staff.name in flat
    assert course.policy.declaration.text in flat
    assert certificate.code in flat
    verify = as_staff.get(f"/verify/{certificate.code}").get_data(as_text=True)
    assert "This certificate is genuine" in verify
    assert staff.name in verify


def test_signing_twice_keeps_one_declaration(
    as_staff: FlaskClient, session: Session, staff: StaffMember, course: Course
) -> None:
    complete_lessons(as_staff, course)
    pass_assessment(as_staff, session, staff, course)
    sign(as_staff, staff)
    again = as_staff.post(
        "/policies/social-networking/declaration",
        data={"confirm": "y", "signature": staff.name, "password": PASSWORD},
    )
    assert again.status_code == 303
    assert session.scalar(select(func.count(Declaration.id))) == 1


def test_declaration_needs_the_right_name_and_password(
    as_staff: FlaskClient, session: Session, staff: StaffMember, course: Course
) -> None:
    complete_lessons(as_staff, course)
    pass_assessment(as_staff, session, staff, course)
    wrong_name = as_staff.post(
        "/policies/social-networking/declaration",
        data={"confirm": "y", "signature": "Someone Else", "password": PASSWORD},
    )
    assert wrong_name.status_code == 400
    assert "Type your full name exactly" in wrong_name.get_data(as_text=True)
    wrong_password = as_staff.post(
        "/policies/social-networking/declaration",
        data={"confirm": "y", "signature": staff.name, "password": "not it at all"},
    )
    assert wrong_password.status_code == 400
    assert "Your password is not right" in wrong_password.get_data(as_text=True)
    unticked = as_staff.post(
        "/policies/social-networking/declaration",
        data={"signature": staff.name, "password": PASSWORD},
    )
    assert unticked.status_code == 400
    assert session.scalar(select(func.count(Declaration.id))) == 0
