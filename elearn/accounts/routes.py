"""Sign in and out, first-run set-up, set-up links and changing a password."""

from __future__ import annotations

from datetime import timedelta

from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_login import current_user, login_required, login_user, logout_user

from elearn.accounts import service
from elearn.accounts.forms import ChangePasswordForm, FirstRunForm, NewPasswordForm, SignInForm
from elearn.db import get_session
from elearn.errors import DomainError
from elearn.security import client_address, is_safe_next
from elearn.versions.service import record_version
from elearn.web import current_member, get_clock, get_course, show_form_error

auth = Blueprint("auth", __name__)
accounts = Blueprint("accounts", __name__, url_prefix="/account")

FIRST_RUN_EXEMPT = {"auth.first_run", "public.healthz", "static"}


@auth.before_app_request
def send_to_first_run() -> ResponseReturnValue | None:
    """Until a headteacher exists, every page leads to the set-up page."""
    if request.endpoint in FIRST_RUN_EXEMPT or request.endpoint is None:
        return None
    if not service.has_headteacher(get_session()):
        return redirect(url_for("auth.first_run"))
    return None


@auth.route("/setup", methods=["GET", "POST"])
def first_run() -> ResponseReturnValue:
    session = get_session()
    if service.has_headteacher(session):
        return redirect(url_for("auth.login"))
    form = FirstRunForm()
    if form.validate_on_submit():
        now = get_clock().now()
        try:
            member = service.set_up_school(
                session,
                school_name=form.school.data or "",
                name=form.name.data or "",
                email=form.email.data or "",
                password=form.password.data or "",
                now=now,
            )
            school = service.get_school(session)
            if school is not None:
                record_version(session, school, get_course(), now)
        except DomainError as error:
            session.rollback()
            show_form_error(form, error, "password")
        else:
            session.commit()
            login_user(member)
            flash("Your school is set up. Add your staff from the console.", "success")
            return redirect(url_for("console.index"), 303)
    return render_template("accounts/first_run.html", form=form), 400 if form.errors else 200


@auth.route("/login", methods=["GET", "POST"])
def login() -> ResponseReturnValue:
    form = SignInForm()
    next_page = request.args.get("next")
    if form.validate_on_submit():
        session = get_session()
        limits = service.ThrottleLimits(
            window=timedelta(minutes=current_app.config["SIGN_IN_WINDOW_MINUTES"]),
            per_account=current_app.config["SIGN_IN_MAX_FAILURES_PER_ACCOUNT"],
            per_address=current_app.config["SIGN_IN_MAX_FAILURES_PER_ADDRESS"],
        )
        try:
            member = service.authenticate(
                session,
                form.email.data or "",
                form.password.data or "",
                client_address(),
                get_clock().now(),
                limits,
            )
        except DomainError as error:
            session.commit()  # keep the failure: it counts towards throttling
            form.email.errors = [error.message]
            return render_template("accounts/login.html", form=form), error.status_code
        login_user(member)
        target = next_page if is_safe_next(next_page) else url_for("training.home")
        return redirect(target or url_for("training.home"), 303)
    return render_template("accounts/login.html", form=form), 400 if form.errors else 200


@auth.route("/logout", methods=["POST"])
def logout() -> ResponseReturnValue:
    if current_user.is_authenticated:
        session = get_session()
        service.end_sessions(session, current_member())
        session.commit()
    logout_user()
    flash("You have signed out.", "info")
    return redirect(url_for("auth.login"), 303)


@auth.route("/setup/<token>", methods=["GET", "POST"])
def setup_link(token: str) -> ResponseReturnValue:
    session = get_session()
    now = get_clock().now()
    link = service.find_setup_link(session, token, now)
    member = session.get_one(service.StaffMember, link.member_id)
    form = NewPasswordForm()
    if form.validate_on_submit():
        try:
            member = service.use_setup_link(session, token, form.password.data or "", now)
        except DomainError as error:
            session.rollback()
            show_form_error(form, error, "password")
        else:
            session.commit()
            login_user(member)
            flash("Your password is saved. Welcome to your training.", "success")
            return redirect(url_for("training.home"), 303)
    status = 400 if form.errors else 200
    return render_template("accounts/setup_link.html", form=form, member=member), status


@accounts.route("/password", methods=["GET", "POST"])
@login_required
def change_password() -> ResponseReturnValue:
    form = ChangePasswordForm()
    if form.validate_on_submit():
        session = get_session()
        member = current_member()
        try:
            service.change_password(
                session,
                member,
                form.current.data or "",
                form.password.data or "",
                get_clock().now(),
            )
        except DomainError as error:
            session.rollback()
            show_form_error(form, error, "password")
        else:
            session.commit()
            login_user(member)  # the old session id is no longer valid; carry on with the new one
            flash("Your password has been changed. Other devices have been signed out.", "success")
            return redirect(url_for("training.home"), 303)
    return render_template("accounts/change_password.html", form=form), 400 if form.errors else 200
