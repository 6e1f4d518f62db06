"""The headteacher's console. Every route here is for the headteacher only."""

from __future__ import annotations

from datetime import timedelta

from flask import Blueprint, current_app, flash, redirect, render_template, url_for
from flask.typing import ResponseReturnValue
from flask_wtf import FlaskForm

from elearn.accounts import service as accounts
from elearn.accounts import two_step
from elearn.accounts.forms import TwoStepRequirementForm
from elearn.accounts.models import Category
from elearn.audit.models import EventKind
from elearn.audit.service import recent_events
from elearn.console.forms import AddStaffForm
from elearn.console.service import roster
from elearn.db import get_session
from elearn.errors import DomainError, NotFound
from elearn.versions.service import current_version
from elearn.web import (
    current_school,
    get_clock,
    headteacher_required,
    record_event,
    show_form_error,
)

console = Blueprint("console", __name__, url_prefix="/console")


def _school() -> accounts.School:
    school = current_school()
    if school is None:
        raise NotFound("This school has not been set up yet.")
    return school


def _link_valid_for() -> timedelta:
    return timedelta(hours=current_app.config["SETUP_LINK_HOURS"])


@console.route("/")
@headteacher_required
def index() -> ResponseReturnValue:
    session = get_session()
    school = _school()
    version = current_version(session, school)
    rows = roster(session, school, get_clock().today())
    return render_template("console/index.html", rows=rows, version=version)


@console.route("/staff/new", methods=["GET", "POST"])
@headteacher_required
def add_staff() -> ResponseReturnValue:
    form = AddStaffForm()
    if form.validate_on_submit():
        session = get_session()
        try:
            member, token = accounts.add_staff_member(
                session,
                _school(),
                email=form.email.data or "",
                name=form.name.data or "",
                category=Category(form.category.data),
                starts_on=form.starts_on.data,  # type: ignore[arg-type]
                now=get_clock().now(),
                link_valid_for=_link_valid_for(),
            )
        except DomainError as error:
            session.rollback()
            show_form_error(form, error, "email")
        else:
            record_event(EventKind.STAFF_ADDED, member.email)
            session.commit()
            return _show_setup_link(member, token), 201
    return (
        render_template("console/add_staff.html", form=form, has_errors=bool(form.errors)),
        400 if form.errors else 200,
    )


@console.route("/staff/<int:member_id>/setup-link", methods=["POST"])
@headteacher_required
def new_setup_link(member_id: int) -> ResponseReturnValue:
    if not FlaskForm().validate_on_submit():
        raise DomainError("The form had expired. Go back and try again.")
    session = get_session()
    member = accounts.school_member(session, _school(), member_id)
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
    school = _school()
    form = TwoStepRequirementForm(data={"required": "yes" if school.requires_two_step else "no"})
    if form.validate_on_submit():
        required = form.required.data == "yes"
        two_step.set_requirement(session, school, required)
        record_event(EventKind.TWO_STEP_REQUIREMENT_CHANGED, "required" if required else "optional")
        session.commit()
        flash("The two-step sign-in setting is saved.", "success")
        return redirect(url_for("console.security"), 303)
    heads = two_step.headteachers(session, school)
    page = render_template("console/security.html", form=form, headteachers=heads)
    return page, 400 if form.errors else 200


@console.route("/audit")
@headteacher_required
def audit_log() -> ResponseReturnValue:
    events = recent_events(get_session(), _school(), AUDIT_PAGE_SIZE)
    return render_template("console/audit.html", events=events, limit=AUDIT_PAGE_SIZE)
