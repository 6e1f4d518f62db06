"""Publishing a new version of the policy: review the changes, choose what staff must do."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from flask.testing import FlaskClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from elearn.accounts.models import StaffMember
from elearn.content.schema import Course, Policy
from elearn.versions import service as versions_service
from elearn.versions.diff import ClauseChange, diff_policies
from elearn.versions.models import ChangeKind, PolicyDraft, PolicyVersion
from elearn.versions.service import clean_file_name
from tests.app.versions_helpers import (
    CORPUS,
    draft_id,
    publish,
    reworded_policy,
    reworded_policy_docx,
    upload,
)


def test_policy_page_warns_once_the_review_date_has_passed(as_headteacher: FlaskClient) -> None:
    page = as_headteacher.get("/console/policies/social-networking/").get_data(as_text=True)
    assert 'id="review-overdue"' in page
    assert "to be reviewed by November 2024" in page
    assert "Two clauses are numbered 1.2.3" in page


def test_upload_shows_the_reworded_clause_highlighted_before_publishing(
    as_headteacher: FlaskClient, session: Session
) -> None:
    response = upload(as_headteacher, reworded_policy())
    assert response.status_code == 303
    page = as_headteacher.get(response.headers["Location"]).get_data(as_text=True)
    assert "Check what changed in version November 2026" in page
    assert 'id="change-2.3.4"' in page
    hidden = '<span class="govuk-visually-hidden">'
    assert f'<ins class="app-diff__added">{hidden}[added: </span>must' in page
    assert f'<del class="app-diff__removed">{hidden}[removed: </span>should' in page
    assert "Safer online behaviour" in page
    assert session.scalar(select(func.count(PolicyVersion.id))) == 1


def test_the_clause_diff_is_worked_out_once_per_draft_not_on_every_view(
    as_headteacher: FlaskClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    calls: list[str] = []

    def counted(old: Policy, new: Policy) -> tuple[ClauseChange, ...]:
        calls.append(new.version)
        return diff_policies(old, new)

    monkeypatch.setattr(versions_service, "diff_policies", counted)
    versions_service._changes_between.cache_clear()
    draft_page = upload(as_headteacher, reworded_policy("June 2031")).headers["Location"]
    for _ in range(3):
        assert as_headteacher.get(draft_page).status_code == 200
    assert calls == ["June 2031"]


def test_publishing_records_the_version_and_its_changed_clauses(
    as_headteacher: FlaskClient, session: Session
) -> None:
    upload(as_headteacher, reworded_policy())
    response = publish(as_headteacher, draft_id(session), "at_refresher")
    assert response.status_code == 303
    session.expire_all()
    latest = session.scalars(select(PolicyVersion).order_by(PolicyVersion.id.desc())).first()
    assert latest.label == "November 2026"
    assert latest.change_kind is ChangeKind.AT_REFRESHER
    assert latest.changed_clause_ids == ["2.3.4"]
    assert session.scalar(select(func.count(PolicyDraft.id))) == 0


def test_reconfirm_now_needs_a_deadline_after_today(
    as_headteacher: FlaskClient, session: Session
) -> None:
    upload(as_headteacher, reworded_policy())
    draft = draft_id(session)
    missing = publish(as_headteacher, draft, "reconfirm_now")
    assert missing.status_code == 400
    assert "Give a deadline after today" in missing.get_data(as_text=True)
    past = publish(as_headteacher, draft, "reconfirm_now", date(2026, 11, 1))
    assert past.status_code == 400
    assert session.scalar(select(func.count(PolicyVersion.id))) == 1
    ok = publish(as_headteacher, draft, "reconfirm_now", date(2027, 1, 31))
    assert ok.status_code == 303


@pytest.mark.parametrize(
    ("data", "name", "message"),
    [
        (b"\xff\xfe not utf-8 \x80", "policy.txt", "not UTF-8 text"),
        (b"", "policy.txt", "That file is empty"),
        (b"Just words, no sections.\n", "policy.txt", "We could not read that policy"),
        (b"title: [unclosed", "policy.yaml", "That policy file has problems"),
        (b"Section 1: Intro\x00\n1.1.1 Text.\n", "policy.txt", "That file is not plain text"),
        (b"%PDF-1.4 not really a PDF", "policy.pdf", "could not be read as a PDF"),
        (b"PK\x03\x04 not really a zip", "policy.docx", "could not be read as a Word document"),
        (b"PK\x03\x04 an OpenDocument file", "policy.odt", "cannot be imported"),
        (b"title: &a [*a]\n", "policy.yaml", "aliases (*name) are not allowed"),
        (b"title: " + b"[" * 5000, "policy.yaml", "nested more than 20 levels deep"),
        (b"title: 1" + b"0" * 5000, "policy.yaml", "is too long"),
        (
            b"title: x\nadopted: 2023-02-30\n",
            "policy.yml",
            "line 2: not valid YAML: &#39;2023-02-30&#39; is not a real date",
        ),
    ],
    ids=[
        "not-utf8",
        "empty",
        "not-a-policy",
        "broken-yaml",
        "nul-byte",
        "bad-pdf",
        "bad-docx",
        "odt",
        "recursive-alias",
        "deep-nesting",
        "huge-number",
        "impossible-date",
    ],
)
def test_a_bad_upload_re_renders_with_a_clear_message(
    as_headteacher: FlaskClient, session: Session, data: bytes, name: str, message: str
) -> None:
    response = upload(as_headteacher, data, name)
    assert response.status_code == 400
    assert message in response.get_data(as_text=True)
    assert session.scalar(select(func.count(PolicyDraft.id))) == 0


def test_another_policy_uploaded_as_a_new_version_is_refused(
    as_headteacher: FlaskClient, session: Session
) -> None:
    whistleblowing = (CORPUS / "whistleblowing-policy.pdf").read_bytes()

    response = upload(as_headteacher, whistleblowing, "whistleblowing-policy.pdf")

    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert "not a new version of the ‘Social Networking Policy’" in page
    assert "Add it as a new policy on the Policies page instead." in page
    assert session.scalar(select(func.count(PolicyDraft.id))) == 0


def test_a_new_version_can_be_uploaded_as_a_word_document(
    as_headteacher: FlaskClient, session: Session
) -> None:
    response = upload(as_headteacher, reworded_policy_docx(), "policy.docx")

    assert response.status_code == 303
    draft = session.scalars(select(PolicyDraft)).one()
    assert draft.label == "November 2026"
    assert "must never ‘friend’ or follow a pupil" in draft.policy_yaml


def test_an_uploaded_file_name_loses_control_and_invisible_characters(
    as_headteacher: FlaskClient, session: Session
) -> None:
    name = "new\x1b[31m policy\u202etxt.exe\x7f.txt"
    assert upload(as_headteacher, reworded_policy(), name).status_code == 303
    draft = session.get_one(PolicyDraft, draft_id(session))
    assert draft.source_name == "new[31m policytxt.exe.txt"


@pytest.mark.parametrize(
    ("name", "kept"),
    [
        ("C:\\Users\\head\\policy.txt", "policy.txt"),
        ("../../etc/policy.yaml", "policy.yaml"),
        ("line\r\nbreak\t.txt", "line break .txt"),
        ("\u200b\u2066\x00", "policy.txt"),
    ],
    ids=["windows-folders", "relative-folders", "line-break", "nothing-visible"],
)
def test_clean_file_name(name: str, kept: str) -> None:
    assert clean_file_name(name) == kept


def test_uploading_the_policy_in_force_says_there_is_nothing_to_publish(
    as_headteacher: FlaskClient, course: Course
) -> None:
    response = upload(as_headteacher, course.policy_text.encode(), "policy.yaml")
    assert response.status_code == 400
    assert "nothing to publish" in response.get_data(as_text=True)


def test_a_version_name_already_used_is_refused(as_headteacher: FlaskClient) -> None:
    response = upload(as_headteacher, reworded_policy(), label="November 2023")
    assert response.status_code == 400
    assert "There is already a version called" in response.get_data(as_text=True)


def test_an_upload_over_the_size_limit_is_refused(as_headteacher: FlaskClient) -> None:
    # A raw body: the test client would spool a real multipart one this size to a temporary file.
    response = as_headteacher.post(
        "/console/policies/social-networking/upload",
        data=b"x" * (1024 * 1024 + 1),
        content_type="multipart/form-data; boundary=boundary",
    )
    assert response.status_code == 413
    assert "That upload is too large" in response.get_data(as_text=True)


def test_publishing_is_all_or_nothing(
    as_headteacher: FlaskClient, session: Session, monkeypatch: pytest.MonkeyPatch
) -> None:
    upload(as_headteacher, reworded_policy())
    draft = draft_id(session)

    def fail(*_args: Any, **_kwargs: Any) -> None:
        raise RuntimeError("the audit log is unavailable")

    monkeypatch.setattr("elearn.versions.routes.record_event", fail)
    monkeypatch.setitem(as_headteacher.application.config, "PROPAGATE_EXCEPTIONS", False)
    assert publish(as_headteacher, draft, "at_refresher").status_code == 500
    session.expire_all()
    assert session.scalar(select(func.count(PolicyVersion.id))) == 1
    assert session.scalar(select(func.count(PolicyDraft.id))) == 1


def test_discarding_a_draft_publishes_nothing(
    as_headteacher: FlaskClient, session: Session
) -> None:
    upload(as_headteacher, reworded_policy())
    response = as_headteacher.post(
        f"/console/policies/social-networking/drafts/{draft_id(session)}/discard"
    )
    assert response.status_code == 303
    assert session.scalar(select(func.count(PolicyDraft.id))) == 0
    assert session.scalar(select(func.count(PolicyVersion.id))) == 1


def test_old_versions_can_be_read_in_full(as_headteacher: FlaskClient, session: Session) -> None:
    upload(as_headteacher, reworded_policy())
    publish(as_headteacher, draft_id(session), "minor")
    first = session.scalars(select(PolicyVersion).order_by(PolicyVersion.id)).first()
    page = as_headteacher.get(f"/console/policies/social-networking/versions/{first.id}").get_data(
        as_text=True
    )
    assert "Staff should never" in page
    assert "version November 2023" in page


@pytest.mark.parametrize(
    "path",
    [
        "/console/policies/social-networking/",
        "/console/policies/social-networking/versions/1",
        "/console/policies/social-networking/drafts/1",
    ],
    ids=["index", "version", "draft"],
)
def test_policy_pages_are_for_the_headteacher_only(
    as_staff: FlaskClient, path: str, staff: StaffMember
) -> None:
    assert as_staff.get(path).status_code == 403
