"""The headteacher's page for one policy: the version in force, its rules and source, publishing
a new version, and old versions."""

from __future__ import annotations

from flask import Blueprint, Response, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue

from elearn.accounts.api import Category
from elearn.audit.api import EventKind
from elearn.certificates.api import declaration_counts
from elearn.content.placeholders import course_for_school, is_same_school
from elearn.db import get_session, writes_on_get
from elearn.errors import DomainError, NotFound
from elearn.policies import api as policies
from elearn.training.api import AnswersFrom, item_analysis
from elearn.versions import service
from elearn.versions.forms import ContentFolderForm, DiscardDraftForm, PublishForm, UploadPolicyForm
from elearn.versions.models import ChangeKind
from elearn.versions.packages import package_download
from elearn.web import (
    current_member,
    dates_in_address,
    form_status,
    get_clock,
    get_library,
    handle_form,
    headteacher_required,
    record_event,
    require_school,
)
from scorm import STANDARDS, PackageError

versions = Blueprint("versions", __name__, url_prefix="/console/policies/<slug>")


def managed(slug: str) -> service.InForce:
    """One of the school's policies, retired or not, as it stands today."""
    session = get_session()
    school = require_school()
    policy = policies.policy_by_slug(session, school, slug)
    return service.in_force(session, policy, get_library(), school.name)


def _index_page(slug: str, upload: UploadPolicyForm) -> ResponseReturnValue:
    session = get_session()
    force = managed(slug)
    school = require_school()
    library_course = policies.library_course(get_library(), force.policy)
    return (
        render_template(
            "versions/index.html",
            slug=slug,
            force=force,
            policy=force.text,
            current=force.version,
            rules=force.policy,
            source_course=library_course,
            own_document=is_same_school(library_course.policy.school, school.name),
            review_overdue=service.review_is_overdue(force.text, get_clock().today()),
            history=list(reversed(force.versions)),
            signed=declaration_counts(session, force.policy),
            upload=upload,
            content_form=ContentFolderForm(formdata=None),
            content_differs=force.course.policy != force.text,
            has_errors=bool(upload.errors),
        ),
        form_status(upload),
    )


@versions.route("/")
@headteacher_required
def index(slug: str) -> ResponseReturnValue:
    return _index_page(slug, UploadPolicyForm(formdata=None))


@versions.route("/upload", methods=["POST"])
@headteacher_required
def upload(slug: str) -> ResponseReturnValue:
    form = UploadPolicyForm()
    force = managed(slug)
    done = handle_form(
        form,
        lambda: service.create_draft(
            get_session(),
            force.policy,
            current_member(),
            filename=form.document.data.filename or "policy.txt",
            data=form.document.data.read(),
            label=form.label.data or "",
            now=get_clock().now(),
            school_name=require_school().name,
        ),
        error_field="document",
    )
    if done is not None:
        return redirect(url_for("versions.draft", slug=slug, draft_id=done.value.id), 303)
    return _index_page(slug, form)


@versions.route("/from-content", methods=["POST"])
@headteacher_required
def from_content(slug: str) -> ResponseReturnValue:
    if not ContentFolderForm().validate_on_submit():
        raise DomainError("The form had expired. Go back and try again.")
    session = get_session()
    force = managed(slug)
    library_course = policies.library_course(get_library(), force.policy)
    draft = service.draft_from_content_folder(
        session,
        force.policy,
        current_member(),
        course_for_school(library_course, require_school().name),
        get_clock().now(),
    )
    session.commit()
    return redirect(url_for("versions.draft", slug=slug, draft_id=draft.id), 303)


@versions.route("/drafts/<int:draft_id>", methods=["GET", "POST"])
@headteacher_required
def draft(slug: str, draft_id: int) -> ResponseReturnValue:
    session = get_session()
    force = managed(slug)
    review = service.review_draft(session, force.policy, draft_id, force.course)
    form = PublishForm()
    clock = get_clock()

    def publish() -> service.PolicyVersion:
        version = service.publish_draft(
            session,
            force.policy,
            current_member(),
            draft_id,
            change_kind=ChangeKind(form.change_kind.data),
            reconfirm_by=form.reconfirm_by.data,
            today=clock.today(),
            now=clock.now(),
        )
        record_event(
            EventKind.VERSION_PUBLISHED,
            f"{force.policy.title} {version.label}: {version.change_kind}",
        )
        return version

    done = handle_form(form, publish, error_field="change_kind")
    if done is not None:
        flash(f"Version {done.value.label} is now the {force.policy.title} in force.", "success")
        return redirect(url_for("versions.index", slug=slug), 303)
    return (
        render_template(
            "versions/draft.html",
            slug=slug,
            force=force,
            review=review,
            form=form,
            discard=DiscardDraftForm(formdata=None),
            has_errors=bool(form.errors),
        ),
        form_status(form),
    )


@versions.route("/drafts/<int:draft_id>/discard", methods=["POST"])
@headteacher_required
def discard(slug: str, draft_id: int) -> ResponseReturnValue:
    if not DiscardDraftForm().validate_on_submit():
        raise DomainError("The form had expired. Go back and try again.")
    session = get_session()
    service.discard_draft(session, managed(slug).policy, draft_id)
    session.commit()
    flash("The draft has been discarded. Nothing was published.", "info")
    return redirect(url_for("versions.index", slug=slug), 303)


@versions.route("/versions/<int:version_id>")
@headteacher_required
def show(slug: str, version_id: int) -> ResponseReturnValue:
    force = managed(slug)
    version = service.policy_version(get_session(), force.policy, version_id)
    return render_template(
        "versions/show.html",
        slug=slug,
        force=force,
        version=version,
        policy=service.version_policy(version),
    )


@versions.route("/package")
@writes_on_get
@headteacher_required
def package(slug: str) -> ResponseReturnValue:
    """The policy's course as a SCORM 1.2 or 2004 zip (`?standard=`) for a learning platform."""
    standard = request.args.get("standard", "")
    if standard not in STANDARDS:
        raise NotFound("Choose SCORM 1.2 or SCORM 2004.")
    force = managed(slug)
    try:
        filename, data = package_download(force, require_school().name, standard)
    except PackageError as error:
        raise DomainError(f"This policy cannot be packaged yet: {error}") from error
    record_event(EventKind.EXPORT, f"{force.policy.title}: SCORM {standard} package", commit=True)
    response = Response(data, mimetype="application/zip")
    response.headers.set("Content-Disposition", "attachment", filename=filename)
    return response


@versions.route("/analysis")
@headteacher_required
def analysis(slug: str) -> ResponseReturnValue:
    """What staff misunderstand: each question and clause, the least often right first."""
    force = managed(slug)
    args = request.args
    dates, errors = dates_in_address("since", "until")
    category = args.get("category") or ""
    answers_from = AnswersFrom(
        category=Category(category) if category in set(Category) else None,
        since=dates["since"],
        until=dates["until"],
    )
    items, clauses = item_analysis(get_session(), force.policy.id, force.course, answers_from)
    page = render_template(
        "versions/analysis.html",
        slug=slug,
        force=force,
        items=items,
        clauses=clauses,
        answers_from=answers_from,
        categories=list(Category),
        since_text=args.get("since", "")[:10],
        until_text=args.get("until", "")[:10],
        errors=errors,
        has_errors=bool(errors),
    )
    return page, 400 if errors else 200
