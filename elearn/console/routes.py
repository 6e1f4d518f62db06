"""The headteacher's console. Every route here is for the headteacher only."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from datetime import date, timedelta

from flask import (
    Blueprint,
    Response,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    stream_with_context,
    url_for,
)
from flask.typing import ResponseReturnValue
from flask_wtf import FlaskForm

from elearn.accounts import api as accounts
from elearn.accounts.api import Category
from elearn.audit.api import AuditQuery, EventKind, audit_csv, audit_page
from elearn.compliance import api as compliance
from elearn.console import service as staff
from elearn.console import staff_import
from elearn.console.forms import (
    ActionForm,
    AddStaffForm,
    EditStaffForm,
    PauseForm,
    StaffListForm,
    TwoStepRequirementForm,
)
from elearn.console.models import StaffImport
from elearn.console.reports import roster_csv
from elearn.content.placeholders import is_same_school
from elearn.db import get_session, writes_on_get
from elearn.errors import DomainError, NotFound
from elearn.mail import api as mail
from elearn.policies import api as policies
from elearn.status import StatusKind
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
    school_policies,
)

console = Blueprint("console", __name__, url_prefix="/console")


def _link_valid_for() -> timedelta:
    return timedelta(hours=current_app.config["SETUP_LINK_HOURS"])


def _roster_query(today: date) -> tuple[staff.RosterQuery, str | None]:
    """The roster's question from the address: `?policy=`, `status=`, `category=`, `q=`,
    `sort=`, `page=`, `as_of=`, `show=archived`. A date that is not a date is an error to show;
    anything else unknown is ignored."""
    args = request.args
    slug = (args.get("policy") or "").strip()[:60]
    policy = None
    if slug:
        policy = next((p for p in school_policies() if p.slug == slug), None)
        if policy is None:
            raise NotFound("We could not find that policy.")
    status = args.get("status") or ""
    category = args.get("category") or ""
    page = args.get("page") or "1"
    as_of_text = (args.get("as_of") or "").strip()[:10]
    as_of, error = today, None
    if as_of_text:
        try:
            as_of = date.fromisoformat(as_of_text)
        except ValueError:
            error = "Enter a real date, such as 1 September 2027"
    query = staff.RosterQuery(
        as_of=as_of,
        archived=args.get("show") == "archived",
        policy=policy,
        status=StatusKind(status) if status in set(StatusKind) else None,
        category=Category(category) if category in set(Category) else None,
        search=" ".join((args.get("q") or "").split())[:100],
        sort=args.get("sort") if args.get("sort") in staff.SORTS else "name",  # type: ignore[arg-type]
        page=int(page) if page.isdigit() and len(page) < 7 else 1,
    )
    return query, error


@console.route("/")
@headteacher_required
def index() -> ResponseReturnValue:
    """The roster: headline counts for each policy, then the staff who match the filters, a
    page at a time. `?as_of=YYYY-MM-DD` forecasts everyone's status on that date."""
    session = get_session()
    school = require_school()
    today = get_clock().today()
    query, as_of_error = _roster_query(today)
    policy_list = school_policies()
    if query.policy is None and len(policy_list) == 1:
        # One policy: the roster shows its signing in full.
        query = dataclasses.replace(query, policy=policy_list[0])
    library = get_library()
    adopted = [
        policies.library_course(library, policy)
        for policy in policy_list
        if library.has(policy.slug)
    ]
    roster = staff.roster(session, school, policy_list, query)
    links = accounts.link_states(session, [row.member for row in roster.rows], get_clock().now())
    return (
        render_template(
            "console/index.html",
            roster=roster,
            links=links,
            query=query,
            policies=policy_list,
            categories=list(Category),
            statuses=list(StatusKind),
            sorts={"name": "Name", "status": "Most urgent first", "due": "Due date"},
            borrowed=[c for c in adopted if not is_same_school(c.policy.school, school.name)],
            as_of=query.as_of if query.as_of != today else None,
            as_of_text=request.args.get("as_of", "")[:10],
            as_of_error=as_of_error,
            has_errors=bool(as_of_error),
        ),
        400 if as_of_error else 200,
    )


@console.route("/roster.csv")
@writes_on_get
@headteacher_required
def roster_export() -> ResponseReturnValue:
    """The roster as a spreadsheet: everyone who matches the filters, for the date asked."""
    session = get_session()
    query, _ = _roster_query(get_clock().today())
    rows = staff.matching(
        staff.everyone(session, require_school(), school_policies(), query), query
    )
    record_event(EventKind.EXPORT, f"roster on {query.as_of.isoformat()}", commit=True)
    response = Response(roster_csv(rows), mimetype="text/csv")
    response.headers["Content-Disposition"] = (
        f'attachment; filename="training-{query.as_of.isoformat()}.csv"'
    )
    return response


@console.route("/staff/new", methods=["GET", "POST"])
@headteacher_required
def add_staff() -> ResponseReturnValue:
    form = AddStaffForm()

    def add() -> tuple[accounts.StaffMember, str]:
        added = accounts.add_staff_member(
            get_session(),
            require_school(),
            email=form.email.data or "",
            name=form.name.data or "",
            category=Category(form.category.data),
            starts_on=form.starts_on.data,  # type: ignore[arg-type]
            now=get_clock().now(),
            link_valid_for=_link_valid_for(),
        )
        record_event(EventKind.STAFF_ADDED, added[0].email)
        return added

    if (done := handle_form(form, add, error_field="email")) is not None:
        # With email set up, the link goes to them by email; otherwise (or if sending failed)
        # it is shown here to pass on.
        emailed = mail.email_new_starter(*done.value)
        return (emailed or _show_setup_link(*done.value)), 201
    page = render_template("console/add_staff.html", form=form, has_errors=bool(form.errors))
    return page, form_status(form)


@console.route("/staff/<int:member_id>/setup-link", methods=["POST"])
@headteacher_required
def new_setup_link(member_id: int) -> ResponseReturnValue:
    if not FlaskForm().validate_on_submit():
        raise DomainError("The form had expired. Go back and try again.")
    session = get_session()
    member = accounts.school_member(session, require_school(), member_id)
    token = accounts.issue_setup_link(session, member, get_clock().now(), _link_valid_for())
    record_event(EventKind.SETUP_LINK_ISSUED, member.email)
    session.commit()
    return _show_setup_link(member, token)


def _show_setup_link(member: accounts.StaffMember, token: str) -> str:
    link = current_app.config["BASE_URL"] + url_for("auth.setup_link", token=token)
    hours = current_app.config["SETUP_LINK_HOURS"]
    return render_template("console/setup_link.html", member=member, link=link, hours=hours)


# --- Staff in bulk: a list uploaded or pasted, previewed, then applied all at once ------------


@console.route("/staff/import", methods=["GET", "POST"])
@headteacher_required
def import_staff() -> ResponseReturnValue:
    form = StaffListForm()

    def keep() -> int:
        upload = form.document.data
        if upload and upload.filename:
            text = staff_import.decode(upload.read())
            source = upload.filename
        else:
            text, source = form.pasted.data or "", "pasted rows"
        kept = staff_import.keep_for_review(
            get_session(),
            require_school(),
            current_member(),
            text=text,
            source_name=source,
            archive_missing=bool(form.archive_missing.data),
            now=get_clock().now(),
        )
        return kept.id

    if (done := handle_form(form, keep, error_field="document")) is not None:
        return redirect(url_for("console.import_preview", import_id=done.value), 303)
    page = render_template("console/import_staff.html", form=form, has_errors=bool(form.errors))
    return page, form_status(form)


@console.route("/staff/import/<int:import_id>", methods=["GET", "POST"])
@headteacher_required
def import_preview(import_id: int) -> ResponseReturnValue:
    """What the list would change, row by row; posted, the confirmation that applies it."""
    session = get_session()
    school = require_school()
    kept = staff_import.kept_list(session, school, import_id)
    if request.method == "POST":
        return _apply_staff_list(kept)
    the_plan = staff_import.plan_kept(session, school, kept, get_clock().today())
    return render_template(
        "console/import_preview.html", kept=kept, plan=the_plan, action=ActionForm(formdata=None)
    )


def _apply_staff_list(kept: StaffImport) -> ResponseReturnValue:
    if not ActionForm().validate_on_submit():
        raise DomainError("The form had expired. Go back and try again.")
    session = get_session()
    school = require_school()
    clock = get_clock()
    applied = staff_import.confirm(
        session,
        school,
        kept,
        actor=current_member(),
        now=clock.now(),
        today=clock.today(),
        link_valid_for=_link_valid_for(),
    )
    record_event(
        EventKind.STAFF_IMPORTED,
        f"{kept.source_name}: {len(applied.added)} added, {applied.updated} updated, "
        f"{applied.archived} archived",
    )
    session.commit()
    base = current_app.config["BASE_URL"]
    to_show = [member.id for member, _ in applied.added]
    mailer = mail.get_mailer()
    if mailer is not None and applied.added:
        # Each new person is emailed their own link; only those the email did not reach are
        # listed, for the headteacher to pass on.
        not_sent = mail.send_invitations(
            session,
            mailer,
            school,
            applied.added,
            actor=current_member(),
            now=clock.now(),
            base_url=base,
            link_valid_for=_link_valid_for(),
        )
        to_show = [member.id for member in not_sent]
    links = [
        (member, base + url_for("auth.setup_link", token=token))
        for member, token in applied.added
        if member.id in to_show
    ]
    return render_template(
        "console/import_done.html",
        applied=applied,
        links=links,
        emailed=len(applied.added) - len(links) if mailer is not None else None,
        hours=current_app.config["SETUP_LINK_HOURS"],
    )


# --- Security: the school's two-step sign-in rule, and the audit log --------------------------


@console.route("/security", methods=["GET", "POST"])
@headteacher_required
def security() -> ResponseReturnValue:
    session = get_session()
    school = require_school()
    form = TwoStepRequirementForm(data={"required": "yes" if school.requires_two_step else "no"})
    if form.validate_on_submit():
        required = form.required.data == "yes"
        accounts.set_requirement(session, school, required)
        record_event(EventKind.TWO_STEP_REQUIREMENT_CHANGED, "required" if required else "optional")
        session.commit()
        flash("The two-step sign-in setting is saved.", "success")
        return redirect(url_for("console.security"), 303)
    heads = accounts.headteachers(session, school)
    page = render_template("console/security.html", form=form, headteachers=heads)
    return page, 400 if form.errors else 200


def _audit_query() -> tuple[AuditQuery, dict[str, str]]:
    """The audit log's question from the address: `?kind=`, `security=yes`, `person=`,
    `since=`, `until=` (YYYY-MM-DD), `page=`. A date that is not a date is an error to show;
    anything else unknown is ignored."""
    args = request.args
    dates, errors = dates_in_address("since", "until")
    since, until = dates["since"], dates["until"]
    if since and until and since > until:
        errors["until"] = "The end date must be on or after the start date"
    kind = args.get("kind") or ""
    page = args.get("page") or "1"
    query = AuditQuery(
        kind=EventKind(kind) if kind in set(EventKind) else None,
        security_only=args.get("security") == "yes",
        person=" ".join((args.get("person") or "").split())[:100],
        since=since,
        until=until if "until" not in errors else None,
        page=int(page) if page.isdigit() and len(page) < 7 else 1,
    )
    return query, errors


@console.route("/audit")
@headteacher_required
def audit_log() -> ResponseReturnValue:
    """The audit log, newest first, a page at a time, filtered by kind, person and dates; the
    security events alone at a click."""
    query, errors = _audit_query()
    found = audit_page(get_session(), require_school(), query)
    page = render_template(
        "console/audit.html",
        found=found,
        query=query,
        kinds=sorted(EventKind, key=lambda kind: kind.label),
        since_text=request.args.get("since", "")[:10],
        until_text=request.args.get("until", "")[:10],
        errors=errors,
        has_errors=bool(errors),
    )
    return page, 400 if errors else 200


@console.route("/audit.csv")
@writes_on_get
@headteacher_required
def audit_export() -> ResponseReturnValue:
    """Every event that matches the filters, as a spreadsheet, streamed as it is read."""
    query, errors = _audit_query()
    if errors:
        raise DomainError(next(iter(errors.values())))
    session = get_session()
    school = require_school()
    record_event(EventKind.EXPORT, "audit log", commit=True)
    response = Response(stream_with_context(audit_csv(session, school, query)), mimetype="text/csv")
    response.headers["Content-Disposition"] = (
        f'attachment; filename="audit-log-{get_clock().today().isoformat()}.csv"'
    )
    return response


# --- One member of staff: their record, history, long leave and leaving ------------------------


def _staff_page(member: accounts.StaffMember, pause_form: PauseForm) -> ResponseReturnValue:
    session = get_session()
    school = require_school()
    statuses = compliance.member_statuses(
        session, school, member, school_policies(), get_clock().today()
    )
    every_policy = policies.school_policies(session, school, include_retired=True)
    return (
        render_template(
            "console/member.html",
            member=member,
            row=statuses,
            histories=compliance.member_history(session, member, every_policy),
            pause_form=pause_form,
            action=ActionForm(formdata=None),
            link_state=accounts.link_states(session, [member], get_clock().now()).get(member.id),
            has_errors=bool(pause_form.errors),
        ),
        400 if pause_form.errors else 200,
    )


@console.route("/staff/<int:member_id>")
@headteacher_required
def member(member_id: int) -> ResponseReturnValue:
    found = accounts.school_member(get_session(), require_school(), member_id)
    return _staff_page(found, PauseForm(formdata=None))


@console.route("/staff/<int:member_id>/edit", methods=["GET", "POST"])
@headteacher_required
def edit_member(member_id: int) -> ResponseReturnValue:
    session = get_session()
    found = accounts.school_member(session, require_school(), member_id)
    form = EditStaffForm(
        data={
            "name": found.name,
            "email": found.email,
            "category": found.category.value,
            "starts_on": found.starts_on,
            "is_existing_staff": "yes" if found.is_existing_staff else "no",
            "role": "staff" if found.role is accounts.Role.STAFF else "headteacher",
        }
    )
    if found.role is accounts.Role.TRUST_ADMIN:
        del form.role

    def save() -> list[str]:
        role = form.role.data if "role" in form else None
        details = staff.StaffDetails(
            name=form.name.data or "",
            email=form.email.data or "",
            category=Category(form.category.data),
            starts_on=form.starts_on.data,  # type: ignore[arg-type]
            is_existing_staff=form.is_existing_staff.data == "yes",
            role=accounts.Role(role) if role else found.role,
        )
        old_role = found.role
        changes = staff.edit(session, found, current_member(), details)
        if changes:
            record_event(EventKind.STAFF_CHANGED, f"{found.email}: {'; '.join(changes)}")
        if found.role is not old_role:
            record_event(EventKind.ROLE_CHANGED, f"{found.email}: now {found.role.label}")
        return changes

    if (done := handle_form(form, save, error_field="name")) is not None:
        flash(
            f"{found.name}'s record is saved." if done.value else "Nothing was changed.",
            "success",
        )
        return redirect(url_for("console.member", member_id=found.id), 303)
    page = render_template(
        "console/edit_member.html", form=form, member=found, has_errors=bool(form.errors)
    )
    return page, form_status(form)


@console.route("/staff/<int:member_id>/pause", methods=["POST"])
@headteacher_required
def pause(member_id: int) -> ResponseReturnValue:
    session = get_session()
    found = accounts.school_member(session, require_school(), member_id)
    form = PauseForm()

    def pause_them() -> None:
        staff.pause(found, form.returns_on.data, get_clock().today())  # type: ignore[arg-type]

    if handle_form(form, pause_them, error_field="returns_on") is not None:
        flash(f"{found.name}'s training is paused.", "success")
        return redirect(url_for("console.member", member_id=found.id), 303)
    return _staff_page(found, form)


def _one_button_action(
    member_id: int, change: Callable[[accounts.StaffMember], None], done: str
) -> ResponseReturnValue:
    if not ActionForm().validate_on_submit():
        raise DomainError("The form had expired. Go back and try again.")
    session = get_session()
    found = accounts.school_member(session, require_school(), member_id)
    change(found)
    session.commit()
    flash(done.format(name=found.name), "success")
    return redirect(url_for("console.member", member_id=found.id), 303)


@console.route("/staff/<int:member_id>/resume", methods=["POST"])
@headteacher_required
def resume(member_id: int) -> ResponseReturnValue:
    return _one_button_action(member_id, staff.resume, "{name}'s training clock is running again.")


@console.route("/staff/<int:member_id>/archive", methods=["POST"])
@headteacher_required
def archive(member_id: int) -> ResponseReturnValue:
    actor = current_member()
    return _one_button_action(
        member_id,
        lambda found: staff.archive(get_session(), found, actor, get_clock().now()),
        "{name} is archived: off the roster, with their records kept.",
    )


@console.route("/staff/<int:member_id>/restore", methods=["POST"])
@headteacher_required
def restore(member_id: int) -> ResponseReturnValue:
    return _one_button_action(member_id, staff.restore, "{name} is back on the roster.")
