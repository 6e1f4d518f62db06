"""The headteacher's policy pages: the version in force, publishing a new one, old versions."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, url_for
from flask.typing import ResponseReturnValue

from elearn.audit.models import EventKind
from elearn.db import get_session
from elearn.errors import DomainError, NotFound
from elearn.versions import service
from elearn.versions.forms import ContentFolderForm, DiscardDraftForm, PublishForm, UploadPolicyForm
from elearn.versions.models import ChangeKind, PolicyVersion
from elearn.web import (
    current_member,
    get_clock,
    get_course,
    headteacher_required,
    record_event,
    require_school,
    show_form_error,
)

versions = Blueprint("versions", __name__, url_prefix="/console/policy")


def _index_page(upload: UploadPolicyForm) -> ResponseReturnValue:
    session = get_session()
    school = require_school()
    current = service.current_version(session, school)
    policy = service.version_policy(current)
    signed = service.declaration_counts(session, school)
    course = get_course()
    return (
        render_template(
            "versions/index.html",
            current=current,
            policy=policy,
            review_overdue=service.review_is_overdue(policy, get_clock().today()),
            history=list(reversed(service.school_versions(session, school))),
            signed=signed,
            upload=upload,
            content_form=ContentFolderForm(formdata=None),
            content_differs=course.policy != policy,
            has_errors=bool(upload.errors),
        ),
        400 if upload.errors else 200,
    )


@versions.route("/")
@headteacher_required
def index() -> ResponseReturnValue:
    return _index_page(UploadPolicyForm(formdata=None))


@versions.route("/upload", methods=["POST"])
@headteacher_required
def upload() -> ResponseReturnValue:
    form = UploadPolicyForm()
    if form.validate_on_submit():
        session = get_session()
        document = form.document.data
        try:
            draft = service.create_draft(
                session,
                require_school(),
                current_member(),
                filename=document.filename or "policy.txt",
                data=document.read(),
                label=form.label.data or "",
                now=get_clock().now(),
            )
        except DomainError as error:
            session.rollback()
            show_form_error(form, error, "document")
        else:
            session.commit()
            return redirect(url_for("versions.draft", draft_id=draft.id), 303)
    return _index_page(form)


@versions.route("/from-content", methods=["POST"])
@headteacher_required
def from_content() -> ResponseReturnValue:
    if not ContentFolderForm().validate_on_submit():
        raise DomainError("The form had expired. Go back and try again.")
    session = get_session()
    draft = service.draft_from_content_folder(
        session, require_school(), current_member(), get_course(), get_clock().now()
    )
    session.commit()
    return redirect(url_for("versions.draft", draft_id=draft.id), 303)


@versions.route("/drafts/<int:draft_id>", methods=["GET", "POST"])
@headteacher_required
def draft(draft_id: int) -> ResponseReturnValue:
    session = get_session()
    school = require_school()
    review = service.review_draft(session, school, draft_id, get_course())
    form = PublishForm()
    if form.validate_on_submit():
        clock = get_clock()
        try:
            version = service.publish_draft(
                session,
                school,
                current_member(),
                draft_id,
                change_kind=ChangeKind(form.change_kind.data),
                reconfirm_by=form.reconfirm_by.data,
                today=clock.today(),
                now=clock.now(),
            )
            record_event(EventKind.VERSION_PUBLISHED, f"{version.label}: {version.change_kind}")
        except DomainError as error:
            session.rollback()
            show_form_error(form, error, "change_kind")
        else:
            session.commit()
            flash(f"Version {version.label} is now the policy in force.", "success")
            return redirect(url_for("versions.index"), 303)
    return (
        render_template(
            "versions/draft.html",
            review=review,
            form=form,
            discard=DiscardDraftForm(formdata=None),
            has_errors=bool(form.errors),
        ),
        400 if form.errors else 200,
    )


@versions.route("/drafts/<int:draft_id>/discard", methods=["POST"])
@headteacher_required
def discard(draft_id: int) -> ResponseReturnValue:
    if not DiscardDraftForm().validate_on_submit():
        raise DomainError("The form had expired. Go back and try again.")
    session = get_session()
    service.discard_draft(session, require_school(), draft_id)
    session.commit()
    flash("The draft has been discarded. Nothing was published.", "info")
    return redirect(url_for("versions.index"), 303)


@versions.route("/versions/<int:version_id>")
@headteacher_required
def show(version_id: int) -> ResponseReturnValue:
    version = get_session().get(PolicyVersion, version_id)
    if version is None or version.school_id != require_school().id:
        raise NotFound("We could not find that version.")
    return render_template(
        "versions/show.html", version=version, policy=service.version_policy(version)
    )
