"""The headteacher's console. Every route here is for the headteacher only."""

from __future__ import annotations

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
    url_for,
)
from flask.typing import ResponseReturnValue
from flask_wtf import FlaskForm

from elearn.accounts import api as accounts
from elearn.accounts.api import Category
from elearn.audit.api import EventKind, recent_events
from elearn.compliance import api as compliance
from elearn.console import service as staff
from elearn.console.forms import ActionForm, AddStaffForm, PauseForm, TwoStepRequirementForm
from elearn.console.reports import roster_csv
from elearn.console.service import roster
from elearn.content.placeholders import is_same_school
from elearn.db import get_session, writes_on_get
from elearn.errors import DomainError, NotFound
from elearn.policies import api as policies
from elearn.policies.api import Policy
from elearn.status import StatusKind
from elearn.web import (
    current_member,
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


def _roster_filters() -> tuple[Policy | None, StatusKind | None]:
    """The policy and status the roster is filtered by (`?policy=`, `?status=`), if any."""
    slug = (request.args.get("policy") or "").strip()[:60]
    only_policy = None
    if slug:
        only_policy = next((p for p in school_policies() if p.slug == slug), None)
        if only_policy is None:
            raise NotFound("We could not find that policy.")
    try:
        only_status = (
            StatusKind(request.args.get("status") or "") if request.args.get("status") else None
        )
    except ValueError:
        only_status = None
    return only_policy, only_status


@console.route("/")
@headteacher_required
def index() -> ResponseReturnValue:
    """The roster; `?as_of=YYYY-MM-DD` forecasts everyone's status on that date, `?policy=` and
    `?status=` filter it."""
    session = get_session()
    school = require_school()
    today = get_clock().today()
    as_of_text = (request.args.get("as_of") or "").strip()[:10]
    as_of, as_of_error = today, None
    if as_of_text:
        try:
            as_of = date.fromisoformat(as_of_text)
        except ValueError:
            as_of_error = "Enter a real date, such as 1 September 2027"
    archived = request.args.get("show") == "archived"
    only_policy, only_status = _roster_filters()
    policy_list = school_policies()
    if only_policy is None and len(policy_list) == 1:
        only_policy = policy_list[0]  # one policy: the roster shows its signing in full
    library = get_library()
    adopted = [
        policies.library_course(library, policy)
        for policy in policy_list
        if library.has(policy.slug)
    ]
    return (
        render_template(
            "console/index.html",
            rows=roster(
                session,
                school,
                policy_list,
                as_of,
                archived=archived,
                only_policy=only_policy,
                only_status=only_status,
            ),
            policies=policy_list,
            only_policy=only_policy,
            only_status=only_status,
            borrowed=[
                course
                for course in adopted
                if not is_same_school(course.policy.school, school.name)
            ],
            as_of=as_of if as_of != today else None,
            as_of_text=as_of_text,
            as_of_error=as_of_error,
            archived=archived,
            has_errors=bool(as_of_error),
        ),
        400 if as_of_error else 200,
    )


@console.route("/roster.csv")
@writes_on_get
@headteacher_required
def roster_export() -> ResponseReturnValue:
    """The roster as a spreadsheet, for the date asked (`?as_of=`) or today."""
    session = get_session()
    today = get_clock().today()
    try:
        as_of = date.fromisoformat((request.args.get("as_of") or "").strip()[:10] or str(today))
    except ValueError:
        as_of = today
    only_policy, only_status = _roster_filters()
    rows = roster(
        session,
        require_school(),
        school_policies(),
        as_of,
        only_policy=only_policy,
        only_status=only_status,
    )
    record_event(EventKind.EXPORT, f"roster on {as_of.isoformat()}", commit=True)
    response = Response(roster_csv(rows, as_of), mimetype="text/csv")
    response.headers["Content-Disposition"] = f'attachment; filename="training-{as_of}.csv"'
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
        return _show_setup_link(*done.value), 201
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


# --- Security: the school's two-step sign-in rule, and the audit log --------------------------

AUDIT_PAGE_SIZE = 200


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


@console.route("/audit")
@headteacher_required
def audit_log() -> ResponseReturnValue:
    events = recent_events(get_session(), require_school(), AUDIT_PAGE_SIZE)
    return render_template("console/audit.html", events=events, limit=AUDIT_PAGE_SIZE)


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
            has_errors=bool(pause_form.errors),
        ),
        400 if pause_form.errors else 200,
    )


@console.route("/staff/<int:member_id>")
@headteacher_required
def member(member_id: int) -> ResponseReturnValue:
    found = accounts.school_member(get_session(), require_school(), member_id)
    return _staff_page(found, PauseForm(formdata=None))


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
