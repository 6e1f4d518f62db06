"""Helpers that walk a member of staff through the course over HTTP, as the browser would."""

from __future__ import annotations

from flask.testing import FlaskClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from elearn.accounts.models import StaffMember
from elearn.certificates.models import Certificate, Declaration
from elearn.content.schema import Course, Lesson
from elearn.training.models import Answer, Attempt
from tests.conftest import SN, sign_in_as
from tests.factories import PASSWORD


def answer_practice(client: FlaskClient, lesson: Lesson, base: str = SN) -> None:
    """Answer each of the lesson's practice questions (with its first option, right or wrong)."""
    for number, question in enumerate(lesson.practice, start=1):
        response = client.post(
            f"{base}/lessons/{lesson.id}/practice/{number}",
            data={f"practice_{number}": question.options[0].key},
        )
        assert response.status_code == 200, response.data[:500]


def revisit_missed_lessons(
    client: FlaskClient, session: Session, member: StaffMember, course: Course, base: str = SN
) -> list[str]:
    """After a failed sitting, read again each lesson it got a question wrong on."""
    failed = open_attempt(session, member)
    missed = {
        course.question(answer.question_id).lesson_id
        for answer in session.scalars(select(Answer).where(Answer.attempt_id == failed.id))
        if not answer.is_correct
    }
    lessons = [lesson.id for lesson in course.lessons if lesson.id in missed]
    for lesson_id in lessons:
        response = client.post(f"{base}/lessons/{lesson_id}/complete")
        assert response.status_code == 303, response.data[:500]
    return lessons


def complete_lessons(client: FlaskClient, course: Course, base: str = SN) -> None:
    for lesson in course.lessons:
        answer_practice(client, lesson, base)
        response = client.post(f"{base}/lessons/{lesson.id}/complete")
        assert response.status_code == 303, response.data[:500]


def open_attempt(session: Session, member: StaffMember) -> Attempt:
    session.expire_all()
    return session.scalars(
        select(Attempt).where(Attempt.member_id == member.id).order_by(Attempt.id.desc())
    ).first()


def answers_form(course: Course, attempt: Attempt, right: int | None = None) -> dict[str, object]:
    """Form data answering the first `right` questions rightly (all when None), the rest wrongly."""
    data: dict[str, object] = {}
    for number, item in enumerate(attempt.questions, start=1):
        question = course.question(item["question"])
        keys = item["options"]
        is_right = right is None or number <= right
        chosen = (
            question.correct_keys
            if is_right
            else {next(o.key for o in question.options if not o.is_correct)}
        )
        positions = [str(keys.index(key) + 1) for key in sorted(chosen)]
        data[f"q{number}"] = positions if len(positions) > 1 else positions[0]
        data[f"q{number}_sure"] = "sure"
    return data


def pass_assessment(
    client: FlaskClient, session: Session, member: StaffMember, course: Course, base: str = SN
) -> Attempt:
    response = client.post(f"{base}/assessment/start")
    assert response.status_code == 303, response.data[:500]
    attempt = open_attempt(session, member)
    response = client.post(f"{base}/assessment/{attempt.id}", data=answers_form(course, attempt))
    assert response.status_code == 303, response.data[:2000]
    return open_attempt(session, member)


def sign(client: FlaskClient, member: StaffMember, base: str = SN) -> None:
    response = client.post(
        f"{base}/declaration",
        data={"confirm": "y", "signature": member.name, "password": PASSWORD},
    )
    assert response.status_code == 303, response.data[:2000]


def finish_course(
    client: FlaskClient,
    session: Session,
    member: StaffMember,
    course: Course,
    base: str = SN,
) -> int:
    """Sign in as `member`, do everything in one policy's course, sign out; return the
    certificate id."""
    sign_in_as(client, member)
    complete_lessons(client, course, base)
    pass_assessment(client, session, member, course, base)
    sign(client, member, base)
    client.post("/logout")
    session.expire_all()
    return session.scalars(
        select(Certificate.id)
        .join(Declaration)
        .where(Declaration.member_id == member.id)
        .order_by(Certificate.id.desc())
    ).first()
