"""Well-formed HTML where a browser would hide the fault: repeated attributes and repeated ids."""

from __future__ import annotations

import io
from collections import Counter
from html.parser import HTMLParser

from flask.testing import FlaskClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from elearn.accounts.models import StaffMember
from elearn.content.schema import Course
from elearn.versions.models import PolicyDraft
from tests.app.journey import complete_lessons, open_attempt, pass_assessment
from tests.app.versions_helpers import reworded_policy
from tests.conftest import sign_in_as


class Faults(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.faults: list[str] = []
        self.ids: Counter[str] = Counter()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        names = Counter(name for name, _ in attrs)
        self.faults += [
            f"<{tag}> has {name!r} {count} times" for name, count in names.items() if count > 1
        ]
        self.ids.update(value for name, value in attrs if name == "id" and value)


def faults_in(html: str) -> list[str]:
    parser = Faults()
    parser.feed(html)
    return parser.faults + [f"id {key!r} used {n} times" for key, n in parser.ids.items() if n > 1]


def test_staff_and_headteacher_pages_have_no_repeated_attributes_or_ids(
    client: FlaskClient,
    session: Session,
    staff: StaffMember,
    headteacher: StaffMember,
    course: Course,
) -> None:
    sign_in_as(client, staff)
    pages = [
        "/",
        f"/policies/social-networking/lessons/{course.lessons[0].id}",
        "/account/password",
        "/history",
    ]
    complete_lessons(client, course)
    pages.append("/policies/social-networking/assessment")
    client.post("/policies/social-networking/assessment/start")
    pages.append(f"/policies/social-networking/assessment/{open_attempt(session, staff).id}")
    attempt = pass_assessment(client, session, staff, course)
    pages += [
        f"/policies/social-networking/assessment/{attempt.id}/result",
        "/policies/social-networking/declaration",
    ]
    found = {path: faults_in(client.get(path).get_data(as_text=True)) for path in pages}
    sign_in_as(client, headteacher)
    client.post(
        "/console/policies/social-networking/upload",
        data={"document": (io.BytesIO(reworded_policy()), "policy.txt"), "label": ""},
        content_type="multipart/form-data",
    )
    draft = session.scalars(select(PolicyDraft.id)).one()
    for path in (
        "/console/",
        f"/console/staff/{staff.id}",
        "/console/staff/new",
        "/console/policies/social-networking/",
        f"/console/policies/social-networking/drafts/{draft}",
        "/console/policies/defaults",
    ):
        found[path] = faults_in(client.get(path).get_data(as_text=True))
    assert {path: faults for path, faults in found.items() if faults} == {}


def test_a_review_citing_one_clause_twice_repeats_no_id(
    as_staff: FlaskClient, session: Session, staff: StaffMember, course: Course
) -> None:
    # Two questions on one clause in a review: the clause is quoted twice, its id never.
    questions = [q for lesson in course.lessons for q in lesson.questions]
    cited = Counter(clause for q in questions for clause in q.clauses)
    clause_id = next(clause for clause, count in cited.most_common() if count >= 2)
    pair = [q for q in questions if clause_id in q.clauses][:2]
    complete_lessons(as_staff, course)
    as_staff.post("/policies/social-networking/assessment/start")
    attempt = open_attempt(session, staff)
    attempt.questions = [{"question": q.id, "options": [o.key for o in q.options]} for q in pair]
    session.commit()
    # Answered rightly, so that the review shows the answers and the clauses they cite.
    answers: dict[str, object] = {}
    for number, question in enumerate(pair, 1):
        right = [str(i) for i, o in enumerate(question.options, 1) if o.is_correct]
        answers[f"q{number}"] = right if len(right) > 1 else right[0]
        answers[f"q{number}_sure"] = "sure"
    assert (
        as_staff.post(
            f"/policies/social-networking/assessment/{attempt.id}", data=answers
        ).status_code
        == 303
    )
    page = as_staff.get(f"/policies/social-networking/assessment/{attempt.id}/result").get_data(
        as_text=True
    )
    label = course.policy.clause(clause_id).label
    assert page.count(f"What the policy says: clause {label}") >= 2
    assert faults_in(page) == []
