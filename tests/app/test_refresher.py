"""Refreshers: a quick check, skip what you know, re-learn what changed, sign again."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

from flask.testing import FlaskClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from elearn.accounts.models import StaffMember
from elearn.certificates.models import Certificate, Declaration
from elearn.clock import FixedClock
from elearn.content.schema import Course
from elearn.training.models import Attempt, AttemptKind
from tests.app.journey import answer_practice, finish_course, open_attempt, pass_assessment, sign
from tests.app.versions_helpers import draft_id, publish, reworded_policy, upload
from tests.conftest import SN, sign_in_as

SIGNED = datetime(2025, 12, 1, 10, 0, tzinfo=UTC)


def signed_member(
    client: FlaskClient, session: Session, member: StaffMember, course: Course, clock: FixedClock
) -> int:
    """`member` finishes induction on 1 December 2025; the clock is back at 24 November 2026."""
    now = clock.now()
    clock.set(SIGNED)
    certificate_id = finish_course(client, session, member, course)
    clock.set(now)
    sign_in_as(client, member)
    return certificate_id


def check_attempt(session: Session, member: StaffMember) -> Attempt:
    session.expire_all()
    return session.scalars(
        select(Attempt).where(Attempt.member_id == member.id, Attempt.kind == AttemptKind.CHECK)
    ).one()


def answer_check(
    client: FlaskClient, session: Session, member: StaffMember, course: Course, wrong: set[str]
) -> Attempt:
    """Start and submit the check, answering wrongly for lessons in `wrong`."""
    assert client.post("/policies/social-networking/refresher/start").status_code == 303
    check = check_attempt(session, member)
    data: dict[str, Any] = {}
    for number, item in enumerate(check.questions, start=1):
        question = course.question(item["question"])
        right = question.lesson_id not in wrong
        keys = [k for k in item["options"] if (k in question.correct_keys) == right]
        chosen = sorted(question.correct_keys) if right else keys[:1]
        positions = [str(item["options"].index(key) + 1) for key in chosen]
        data[f"q{number}"] = positions if len(positions) > 1 else positions[0]
    assert (
        client.post(f"/policies/social-networking/assessment/{check.id}", data=data).status_code
        == 303
    )
    return check_attempt(session, member)


def test_signed_eleven_months_ago_is_due_soon_and_offered_a_refresher(
    client: FlaskClient, session: Session, staff: StaffMember, course: Course, clock: FixedClock
) -> None:
    signed_member(client, session, staff, course, clock)
    page = client.get(f"{SN}/").get_data(as_text=True)
    assert "Due soon (1 December 2026)" in page
    assert "Start your refresher" in page
    assert 'href="/policies/social-networking/refresher"' in page


def test_signed_thirteen_months_ago_is_overdue(
    client: FlaskClient, session: Session, staff: StaffMember, course: Course, clock: FixedClock
) -> None:
    signed_member(client, session, staff, course, clock)
    clock.set(datetime(2027, 1, 2, 10, 0, tzinfo=UTC))
    sign_in_as(client, staff)  # a month later: a new session
    assert "Overdue (since 1 December 2026)" in client.get(f"{SN}/").get_data(as_text=True)


def test_the_check_asks_one_question_from_every_lesson(
    client: FlaskClient, session: Session, staff: StaffMember, course: Course, clock: FixedClock
) -> None:
    signed_member(client, session, staff, course, clock)
    client.post("/policies/social-networking/refresher/start")
    check = check_attempt(session, staff)
    lessons = [course.question(item["question"]).lesson_id for item in check.questions]
    assert sorted(lessons) == sorted(lesson.id for lesson in course.lessons)


def test_lessons_answered_rightly_are_known_and_the_rest_assigned(
    client: FlaskClient, session: Session, staff: StaffMember, course: Course, clock: FixedClock
) -> None:
    signed_member(client, session, staff, course, clock)
    answer_check(client, session, staff, course, wrong={"cyberbullying", "the-law"})
    page = client.get(f"{SN}/").get_data(as_text=True)
    assert "0 of 2 (9 more you already know)" in page
    assert page.count("Known: you can skip it") == 9
    answer_practice(client, course.lesson("cyberbullying"))
    answer_practice(client, course.lesson("the-law"))
    response = client.post("/policies/social-networking/lessons/cyberbullying/complete")
    assert response.headers["Location"] == "/policies/social-networking/lessons/the-law"
    response = client.post("/policies/social-networking/lessons/the-law/complete")
    assert response.headers["Location"] == "/policies/social-networking/assessment"


def test_the_assessment_avoids_the_questions_of_the_last_one(
    client: FlaskClient, session: Session, staff: StaffMember, course: Course, clock: FixedClock
) -> None:
    signed_member(client, session, staff, course, clock)
    first = session.scalars(select(Attempt).where(Attempt.kind == AttemptKind.ASSESSMENT)).one()
    answer_check(client, session, staff, course, wrong=set())
    client.post("/policies/social-networking/assessment/start")
    second = open_attempt(session, staff)
    assert second.kind is AttemptKind.ASSESSMENT
    assert not {i["question"] for i in first.questions} & {i["question"] for i in second.questions}


def test_after_the_refresher_they_are_compliant_for_twelve_more_months(
    client: FlaskClient, session: Session, staff: StaffMember, course: Course, clock: FixedClock
) -> None:
    first_certificate = signed_member(client, session, staff, course, clock)
    answer_check(client, session, staff, course, wrong=set())
    pass_assessment(client, session, staff, course)
    sign(client, staff)
    page = client.get(f"{SN}/").get_data(as_text=True)
    assert "Compliant until 24 November 2027" in page
    certificates = session.scalars(select(Certificate.id).order_by(Certificate.id)).all()
    assert certificates[0] == first_certificate
    assert len(certificates) == 2
    assert client.get(f"/certificates/{first_certificate}/download").status_code == 200


def test_induction_has_no_quick_check(as_staff: FlaskClient) -> None:
    response = as_staff.post("/policies/social-networking/refresher/start")
    assert response.status_code == 400
    assert "The quick check is for refreshers" in response.get_data(as_text=True)


def publish_reworded_234(
    client: FlaskClient, session: Session, head: StaffMember, kind: str, by: date | None = None
) -> None:
    sign_in_as(client, head)
    upload(client, reworded_policy())
    assert publish(client, draft_id(session), kind, by).status_code == 303
    client.post("/logout")


def test_a_reworded_clause_assigns_its_lesson_at_the_next_refresher_with_the_change_shown(
    client: FlaskClient,
    session: Session,
    staff: StaffMember,
    headteacher: StaffMember,
    course: Course,
    clock: FixedClock,
) -> None:
    signed_member(client, session, staff, course, clock)
    publish_reworded_234(client, session, headteacher, "at_refresher")
    sign_in_as(client, staff)
    home = client.get(f"{SN}/").get_data(as_text=True)
    assert "Due soon (1 December 2026)" in home
    answer_check(client, session, staff, course, wrong=set())
    home = client.get(f"{SN}/").get_data(as_text=True)
    assert "0 of 1 (10 more you already know)" in home
    assert "Changed" in home
    lesson = client.get("/policies/social-networking/lessons/safer-online-behaviour").get_data(
        as_text=True
    )
    assert "What changed since you last signed" in lesson
    assert 'id="change-2.3.4"' in lesson
    assert "[added: </span>must" in lesson


def test_reconfirm_now_brings_everyones_due_date_to_the_deadline(
    client: FlaskClient,
    session: Session,
    staff: StaffMember,
    headteacher: StaffMember,
    course: Course,
    clock: FixedClock,
) -> None:
    clock.set(datetime(2026, 6, 1, 10, 0, tzinfo=UTC))
    finish_course(client, session, staff, course)
    publish_reworded_234(client, session, headteacher, "reconfirm_now", date(2026, 6, 30))
    sign_in_as(client, staff)
    assert "Due soon (30 June 2026)" in client.get(f"{SN}/").get_data(as_text=True)
    clock.set(datetime(2026, 7, 1, 10, 0, tzinfo=UTC))
    sign_in_as(client, staff)  # a month later: a new session
    assert "Overdue (since 30 June 2026)" in client.get(f"{SN}/").get_data(as_text=True)


def test_a_minor_change_asks_nothing_more_of_staff(
    client: FlaskClient,
    session: Session,
    staff: StaffMember,
    headteacher: StaffMember,
    course: Course,
    clock: FixedClock,
) -> None:
    clock.set(datetime(2026, 6, 1, 10, 0, tzinfo=UTC))
    finish_course(client, session, staff, course)
    publish_reworded_234(client, session, headteacher, "minor")
    sign_in_as(client, staff)
    assert "Compliant until 1 June 2027" in client.get(f"{SN}/").get_data(as_text=True)


def test_older_certificates_stay_verifiable_marked_superseded(
    client: FlaskClient,
    session: Session,
    staff: StaffMember,
    headteacher: StaffMember,
    course: Course,
    clock: FixedClock,
) -> None:
    finish_course(client, session, staff, course)
    code = session.scalars(select(Certificate.code)).one()
    before = client.get(f"/verify/{code}").get_data(as_text=True)
    assert "Yes: this is the policy version in force" in before
    publish_reworded_234(client, session, headteacher, "at_refresher")
    after = client.get(f"/verify/{code}")
    assert after.status_code == 200
    assert "Superseded" in after.get_data(as_text=True)
    assert "version November 2023" in after.get_data(as_text=True)


def test_signing_after_a_new_version_signs_the_version_in_force(
    client: FlaskClient,
    session: Session,
    staff: StaffMember,
    headteacher: StaffMember,
    course: Course,
    clock: FixedClock,
) -> None:
    signed_member(client, session, staff, course, clock)
    publish_reworded_234(client, session, headteacher, "at_refresher")
    sign_in_as(client, staff)
    answer_check(client, session, staff, course, wrong=set())
    answer_practice(client, course.lesson("safer-online-behaviour"))
    client.post("/policies/social-networking/lessons/safer-online-behaviour/complete")
    pass_assessment(client, session, staff, course)
    sign(client, staff)
    labels = session.execute(
        select(Declaration.id, Declaration.text).order_by(Declaration.id)
    ).all()
    assert len(labels) == 2
    history = client.get("/history").get_data(as_text=True)
    assert "Signed the declaration for version November 2023" in history
    assert "Signed the declaration for version November 2026" in history
    assert history.index("November 2023") < history.index("Version November 2026 published")
