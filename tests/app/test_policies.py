"""Several policies side by side: each with its own rules, statuses, refreshers, versions and
certificates, and the Policies pages that add, set rules for and retire them."""

from __future__ import annotations

import io
import re
import zipfile
from datetime import date

import pytest
from flask.testing import FlaskClient
from pypdf import PdfReader
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from elearn.accounts.models import Category, Role, School, StaffMember
from elearn.certificates.models import Certificate, Declaration
from elearn.clock import FixedClock
from elearn.content.schema import Course
from elearn.policies.models import Policy, PolicyMode
from elearn.training import api as progress_module
from elearn.versions.models import PolicyVersion
from tests.app.journey import finish_course
from tests.app.versions_helpers import draft_id, publish, reworded_policy, upload
from tests.conftest import SN, sign_in_as
from tests.factories import make_member, make_policy, make_school

AUP = "/policies/acceptable-use"


@pytest.fixture
def aup_policy(session: Session, school: School, aup: Course) -> Policy:
    """The acceptable use policy beside the Social Networking Policy, under other rules: it
    lasts 24 months, and new staff have 10 days for it."""
    policy = make_policy(session, school, aup, validity_months=24, induction_days=10)
    session.commit()
    return policy


def table(page: str) -> str:
    """The roster table of a console page."""
    return page[page.index('id="roster"') : page.index("</table>")]


def status_text(client: FlaskClient, base: str) -> str:
    page = client.get(f"{base}/").get_data(as_text=True)
    start = page.index('id="training-status">') + len('id="training-status">')
    return page[start : page.index("<", start)].strip()


def test_my_training_lists_every_policy_most_urgent_first(
    client: FlaskClient, staff: StaffMember, aup_policy: Policy
) -> None:
    sign_in_as(client, staff)
    page = client.get("/").get_data(as_text=True)
    # Both induction overdue; the acceptable use policy's 10 days ran out first.
    assert page.index('id="policy-acceptable-use"') < page.index('id="policy-social-networking"')
    assert "Induction overdue (since 15 January 2026)" in page
    assert "Induction overdue (since 25 January 2026)" in page


def test_two_policies_keep_their_own_status_due_date_and_certificate(
    client: FlaskClient,
    session: Session,
    staff: StaffMember,
    aup_policy: Policy,
    course: Course,
    aup: Course,
) -> None:
    first = finish_course(client, session, staff, course)
    sign_in_as(client, staff)
    assert status_text(client, SN) == "Compliant until 24 November 2027"
    assert status_text(client, AUP) == "Induction overdue (since 15 January 2026)"

    second = finish_course(client, session, staff, aup, AUP)
    sign_in_as(client, staff)
    assert status_text(client, SN) == "Compliant until 24 November 2027"
    assert status_text(client, AUP) == "Compliant until 24 November 2028"
    assert first != second
    texts = {
        certificate_id: " ".join(
            page.extract_text()
            for page in PdfReader(
                io.BytesIO(client.get(f"/certificates/{certificate_id}/download").data)
            ).pages
        )
        for certificate_id in (first, second)
    }
    assert "Social Networking Policy" in texts[first]
    assert "Acceptable Use Policy" not in texts[first]
    assert "Staff Acceptable Use Policy" in texts[second]


def test_refreshers_fall_due_for_each_policy_by_its_own_rules(
    client: FlaskClient,
    session: Session,
    staff: StaffMember,
    aup_policy: Policy,
    course: Course,
    aup: Course,
    clock: FixedClock,
) -> None:
    finish_course(client, session, staff, course)
    finish_course(client, session, staff, aup, AUP)
    clock.advance(days=340)
    sign_in_as(client, staff)
    assert status_text(client, SN) == "Due soon (24 November 2027)"
    assert status_text(client, AUP) == "Compliant until 24 November 2028"
    assert "Start your refresher" in client.get(f"{SN}/").get_data(as_text=True)
    not_due = client.get(f"{AUP}/").get_data(as_text=True)
    assert "Do your refresher early" in not_due
    assert "Start your refresher" not in not_due


def test_publishing_a_version_of_one_policy_changes_nothing_for_the_other(
    client: FlaskClient,
    session: Session,
    staff: StaffMember,
    headteacher: StaffMember,
    aup_policy: Policy,
    course: Course,
    aup: Course,
) -> None:
    social = finish_course(client, session, staff, course)
    acceptable = finish_course(client, session, staff, aup, AUP)
    codes = {
        certificate_id: session.get_one(Certificate, certificate_id).code
        for certificate_id in (social, acceptable)
    }
    sign_in_as(client, headteacher)
    assert upload(client, reworded_policy()).status_code == 303
    response = publish(client, draft_id(session), "reconfirm_now", date(2027, 1, 31))
    assert response.status_code == 303

    sign_in_as(client, staff)
    assert status_text(client, SN) == "Compliant until 31 January 2027"
    assert status_text(client, AUP) == "Compliant until 24 November 2028"
    assert "Superseded" in client.get(f"/verify/{codes[social]}").get_data(as_text=True)
    assert "Yes: this is the policy version in force" in client.get(
        f"/verify/{codes[acceptable]}"
    ).get_data(as_text=True)
    versions = dict(
        session.execute(
            select(PolicyVersion.policy_id, func.count(PolicyVersion.id)).group_by(
                PolicyVersion.policy_id
            )
        ).all()
    )
    assert versions[aup_policy.id] == 1


def test_a_policy_for_some_categories_is_not_asked_of_the_others(
    client: FlaskClient,
    session: Session,
    school: School,
    headteacher: StaffMember,
    aup_policy: Policy,
) -> None:
    aup_policy.audience = [Category.TEACHER.value, Category.SUPPORT_STAFF.value]
    volunteer = make_member(session, school, name="Margaret Ellis", category=Category.VOLUNTEER)
    session.commit()
    sign_in_as(client, volunteer)
    page = client.get("/").get_data(as_text=True)
    assert 'id="policy-social-networking"' in page
    assert 'id="policy-acceptable-use"' not in page
    assert client.get(f"{AUP}/").status_code == 404
    sign_in_as(client, headteacher)
    roster = client.get("/console/?policy=acceptable-use").get_data(as_text=True)
    assert "Margaret Ellis" not in roster
    assert "Margaret Ellis" in client.get("/console/").get_data(as_text=True)


def test_a_read_and_sign_policy_is_read_in_full_then_signed_without_an_assessment(
    client: FlaskClient,
    session: Session,
    staff: StaffMember,
    aup_policy: Policy,
    aup: Course,
) -> None:
    aup_policy.mode = PolicyMode.READ
    session.commit()
    sign_in_as(client, staff)
    home = client.get(f"{AUP}/").get_data(as_text=True)
    assert "Final assessment" not in home
    page = client.get(f"{AUP}/lessons/the-policy").get_data(as_text=True)
    for clause in aup.policy.clauses:
        assert clause.number is None or f"Clause {clause.number}" in page
    assert client.post(f"{AUP}/assessment/start").status_code == 400
    assert client.get(f"{AUP}/declaration").status_code == 400  # not read yet
    response = client.post(f"{AUP}/lessons/the-policy/complete")
    assert response.headers["Location"] == f"{AUP}/declaration"
    signed = client.post(
        f"{AUP}/declaration",
        data={"confirm": "y", "signature": staff.name, "password": "correct horse battery staple"},
    )
    assert signed.status_code == 303
    declaration = session.scalars(
        select(Declaration).where(Declaration.policy_id == aup_policy.id)
    ).one()
    assert declaration.attempt_id is None
    pdf = client.get(f"/certificates/{session.scalars(select(Certificate.id)).one()}/download")
    text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf.data)).pages)
    assert "Read in full before signing" in text
    assert status_text(client, AUP) == "Compliant until 24 November 2028"


def test_the_headteacher_adds_a_policy_from_the_library(
    as_headteacher: FlaskClient, session: Session, school: School
) -> None:
    page = as_headteacher.get("/console/policies/").get_data(as_text=True)
    assert "Staff Acceptable Use Policy" in page
    response = as_headteacher.post("/console/policies/add", data={"course": "acceptable-use"})
    assert response.status_code == 303
    assert response.headers["Location"] == "/console/policies/acceptable-use/"
    added = session.scalars(select(Policy).where(Policy.slug == "acceptable-use")).one()
    assert (added.school_id, added.validity_months, added.pass_mark) == (school.id, 12, 75)
    versions = session.scalars(select(PolicyVersion).where(PolicyVersion.policy_id == added.id))
    assert [version.declaration_text for version in versions] == [
        "I confirm that I have read Thorner's CE VA Primary School’s Staff Acceptable Use Policy "
        "and agree to follow it."
    ]
    again = as_headteacher.post("/console/policies/add", data={"course": "acceptable-use"})
    assert again.status_code == 400


def test_a_policys_rules_are_set_on_its_own_page(
    as_headteacher: FlaskClient, session: Session, aup_policy: Policy, policy: Policy
) -> None:
    response = as_headteacher.post(
        "/console/policies/acceptable-use/rules",
        data={
            "mode": "learn",
            "audience": ["teacher", "governor"],
            "validity_months": "36",
            "due_soon_days": "14",
            "induction_days": "5",
            "renewal": "months",
            "pass_mark": "100",
            "assessment_size": "6",
            "rollout_by": ["31", "1", "2027"],
        },
    )
    assert response.status_code == 303
    session.refresh(aup_policy)
    session.refresh(policy)
    assert (aup_policy.validity_months, aup_policy.pass_mark, aup_policy.audience) == (
        36,
        100,
        ["governor", "teacher"],
    )
    assert aup_policy.rollout_by == date(2027, 1, 31)
    assert (policy.validity_months, policy.pass_mark, policy.audience) == (12, 80, [])
    assert policy.rollout_by is None
    page = as_headteacher.get("/console/policies/acceptable-use/rules").get_data(as_text=True)
    assert re.search(r'name="rollout_by"[^>]*value="2027"', page)


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"assessment_size": "50"}, "at most 12 questions"),
        ({"audience": []}, "Tick at least one group"),
        ({"pass_mark": "20"}, "from 50 to 100"),
        ({"renewal": "date", "renewal_day": "30", "renewal_month": "2"}, "not in that month"),
        ({"rollout_by": ["31", "2", "2027"]}, "Not a valid date value"),
    ],
    ids=["bigger-than-the-bank", "nobody", "low-pass-mark", "30-february", "rollout-31-february"],
)
def test_rules_that_cannot_work_re_render_with_the_reason(
    as_headteacher: FlaskClient, aup_policy: Policy, change: dict[str, object], message: str
) -> None:
    form: dict[str, object] = {
        "mode": "learn",
        "audience": ["teacher"],
        "validity_months": "12",
        "due_soon_days": "30",
        "induction_days": "20",
        "renewal": "months",
        "pass_mark": "75",
        "assessment_size": "4",
    }
    form.update(change)
    response = as_headteacher.post("/console/policies/acceptable-use/rules", data=form)
    assert response.status_code == 400
    assert message in response.get_data(as_text=True)


def test_a_retired_policy_is_asked_of_nobody_and_keeps_its_records(
    client: FlaskClient,
    session: Session,
    staff: StaffMember,
    headteacher: StaffMember,
    aup_policy: Policy,
    aup: Course,
) -> None:
    certificate_id = finish_course(client, session, staff, aup, AUP)
    sign_in_as(client, headteacher)
    assert client.post("/console/policies/acceptable-use/retire").status_code == 303
    roster = table(client.get("/console/").get_data(as_text=True))
    assert "Staff Acceptable Use Policy" not in roster
    sign_in_as(client, staff)
    assert 'id="policy-acceptable-use"' not in client.get("/").get_data(as_text=True)
    assert client.get(f"{AUP}/").status_code == 404
    assert client.get(f"/certificates/{certificate_id}/download").status_code == 200
    assert "Staff Acceptable Use Policy (retired)" in client.get("/history").get_data(as_text=True)
    sign_in_as(client, headteacher)
    assert client.post("/console/policies/acceptable-use/restore").status_code == 303
    session.refresh(aup_policy)
    assert aup_policy.retired_at is None


def test_the_roster_filters_by_policy_and_status(
    client: FlaskClient,
    session: Session,
    school: School,
    staff: StaffMember,
    headteacher: StaffMember,
    aup_policy: Policy,
    course: Course,
) -> None:
    finish_course(client, session, staff, course)
    sign_in_as(client, headteacher)
    both = table(client.get("/console/").get_data(as_text=True))
    assert both.count("Social Networking Policy:") == 2
    assert both.count("Staff Acceptable Use Policy:") == 2
    compliant = table(
        client.get("/console/?policy=social-networking&status=compliant").get_data(as_text=True)
    )
    assert staff.name in compliant
    assert headteacher.name not in compliant
    assert client.get("/console/?policy=no-such-policy").status_code == 404


def test_the_person_page_shows_history_for_each_policy(
    client: FlaskClient,
    session: Session,
    staff: StaffMember,
    headteacher: StaffMember,
    aup_policy: Policy,
    aup: Course,
) -> None:
    finish_course(client, session, staff, aup, AUP)
    sign_in_as(client, headteacher)
    page = client.get(f"/console/staff/{staff.id}").get_data(as_text=True)
    social = page[page.index('id="history-social-networking"') :]
    acceptable = page[page.index('id="history-acceptable-use"') :]
    assert "Signed the declaration" not in social[: social.index("</section>")]
    assert "Signed the declaration for version September 2025" in acceptable
    assert 'id="member-policy-acceptable-use"' in page


def test_a_declaration_works_out_progress_once(
    client: FlaskClient,
    session: Session,
    staff: StaffMember,
    course: Course,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from tests.app.journey import complete_lessons, pass_assessment

    sign_in_as(client, staff)
    complete_lessons(client, course)
    pass_assessment(client, session, staff, course)
    calls: list[int] = []
    original = progress_module.progress

    def counting(*args: object, **kwargs: object) -> object:
        calls.append(1)
        return original(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(progress_module, "progress", counting)
    response = client.post(
        f"{SN}/declaration",
        data={"confirm": "y", "signature": staff.name, "password": "correct horse battery staple"},
    )
    assert response.status_code == 303
    assert len(calls) == 1


def test_a_course_made_from_another_schools_policy_says_so_at_set_up_and_on_the_console(
    client: FlaskClient, session: Session, course: Course
) -> None:
    page = client.get("/setup").get_data(as_text=True)
    assert (
        "the Social Networking Policy, made from the policy of Thorner’s Church of England" in page
    )
    oakfield = make_school(session, "Oakfield Primary School")
    make_policy(session, oakfield, course)
    head = make_member(session, oakfield, role=Role.HEADTEACHER, name="Olive Head")
    session.commit()
    sign_in_as(client, head)
    console = client.get("/console/").get_data(as_text=True)
    assert (
        "Your Social Networking Policy course was made from the policy of Thorner’s Church of "
        "England VA Primary School" in console
    )
    policy_page = client.get("/console/policies/social-networking/").get_data(as_text=True)
    assert 'id="course-source"' in policy_page


def test_the_trust_shares_a_course_with_the_schools_that_lack_it(
    client: FlaskClient, session: Session, school: School, course: Course
) -> None:
    oakfield = make_school(session, "Oakfield Primary School")
    make_policy(session, oakfield, course)
    admin = make_member(session, school, role=Role.TRUST_ADMIN, name="Trudy Ames")
    session.commit()
    sign_in_as(client, admin)
    response = client.post(
        "/trust/share",
        data={"course": "acceptable-use", "schools": [str(school.id), str(oakfield.id)]},
    )
    assert response.status_code == 303
    shared = session.execute(
        select(Policy.school_id, Policy.validity_months).where(Policy.slug == "acceptable-use")
    ).all()
    assert sorted(shared) == sorted([(school.id, 12), (oakfield.id, 12)])
    again = client.post(
        "/trust/share", data={"course": "acceptable-use", "schools": [str(school.id)]}
    )
    assert again.status_code == 303
    assert session.scalar(select(func.count(Policy.id)).where(Policy.slug == "acceptable-use")) == 2


def test_the_policy_page_offers_the_course_for_a_learning_platform(
    as_headteacher: FlaskClient,
) -> None:
    page = as_headteacher.get("/console/policies/social-networking/").get_data(as_text=True)
    assert "Use it in your learning platform" in page
    response = as_headteacher.get("/console/policies/social-networking/package?standard=1.2")
    assert response.status_code == 200
    assert response.mimetype == "application/zip"
    assert "social-networking-scorm12.zip" in response.headers["Content-Disposition"]
    archive = zipfile.ZipFile(io.BytesIO(response.data))
    manifest = archive.read("imsmanifest.xml").decode("utf-8")
    assert "<adlcp:masteryscore>80</adlcp:masteryscore>" in manifest
    assert (
        as_headteacher.get("/console/policies/social-networking/package?standard=3").status_code
        == 404
    )


def test_staff_cannot_download_the_package(as_staff: FlaskClient) -> None:
    response = as_staff.get("/console/policies/social-networking/package?standard=2004")
    assert response.status_code == 403
