"""Sign in (with a two-step code where it is on) and out, first-run set-up, set-up links,
changing a password, and setting up two-step sign-in."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask import session as flask_session
from flask.typing import ResponseReturnValue
from flask_login import current_user, login_required, login_user, logout_user

from elearn.accounts import service, two_step
from elearn.accounts.forms import (
    ChangePasswordForm,
    ConfirmPasswordForm,
    FirstRunForm,
    NewPasswordForm,
    SignInForm,
    TwoStepCodeForm,
    TwoStepSetupForm,
)
from elearn.accounts.models import School, StaffMember
from elearn.audit.api import EventKind
from elearn.db import get_session
from elearn.errors import DomainError
from elearn.security import client_address, is_safe_next
from elearn.versions.api import adopt_course
from elearn.web import (
    current_member,
    current_school,
    form_status,
    get_clock,
    get_library,
    handle_form,
    headteacher_required,
    record_event,
    require_school,
    show_form_error,
    start_session_clock,
    throttle,
    throttle_limits,
)

auth = Blueprint("auth", __name__)
accounts = Blueprint("accounts", __name__, url_prefix="/account")

FIRST_RUN_EXEMPT = {"auth.first_run", "public.healthz", "static"}
# Pages a headteacher may still open while their school requires two-step sign-in they lack.
TWO_STEP_SETUP_EXEMPT = {
    "accounts.two_step_settings",
    "accounts.start_two_step",
    "auth.logout",
    "static",
}
# The Flask session key for a sign-in waiting for its two-step code. While it is there the
# person is not signed in: Flask-Login's user is not set.
PENDING = "two_step_pending"


@auth.before_app_request
def send_to_first_run() -> ResponseReturnValue | None:
    """Until a headteacher exists, every page leads to the set-up page."""
    if request.endpoint in FIRST_RUN_EXEMPT or request.endpoint is None:
        return None
    if not service.has_headteacher(get_session()):
        return redirect(url_for("auth.first_run"))
    return None


@accounts.before_app_request
def send_to_two_step_setup() -> ResponseReturnValue | None:
    """A headteacher whose school requires two-step sign-in sets it up before anything else."""
    endpoint = request.endpoint
    if endpoint is None or endpoint in TWO_STEP_SETUP_EXEMPT or endpoint.startswith("public."):
        return None
    if not current_user.is_authenticated or not current_member().is_headteacher:
        return None
    if two_step.must_set_up(current_member(), current_school()):
        return redirect(url_for("accounts.two_step_settings"))
    return None


def _sign_in(member: StaffMember, event: EventKind = EventKind.SIGN_IN) -> None:
    """Start a fresh signed-in session: nothing from before sign-in is carried over."""
    flask_session.clear()
    login_user(member)
    start_session_clock()
    record_event(event, member.email, actor=member)


def _landing_page(member: StaffMember, next_page: str | None) -> str:
    """Where someone goes after signing in: where they were going, or else their own start
    page (the console for whoever manages the school, My training for everyone else)."""
    if two_step.must_set_up(member, current_school()):
        return url_for("accounts.two_step_settings")
    if next_page and is_safe_next(next_page):
        return next_page
    if member.is_headteacher or member.is_trust_admin:
        return url_for("console.index")
    return url_for("training.home")


@auth.route("/setup", methods=["GET", "POST"])
def first_run() -> ResponseReturnValue:
    session = get_session()
    if service.has_headteacher(session):
        return redirect(url_for("auth.login"))
    form = FirstRunForm()
    now = get_clock().now()

    def set_up() -> StaffMember:
        member = service.set_up_school(
            session,
            school_name=form.school.data or "",
            name=form.name.data or "",
            email=form.email.data or "",
            password=form.password.data or "",
            now=now,
        )
        school = session.get_one(School, member.school_id)
        for course in get_library().courses:
            adopt_course(session, school, course, now)
        return member

    if (done := handle_form(form, set_up, error_field="password")) is not None:
        _sign_in(done.value)
        session.commit()
        flash("Your school is set up. Add your staff from the console.", "success")
        return redirect(url_for("console.index"), 303)
    page = render_template("accounts/first_run.html", form=form, library=get_library())
    return page, form_status(form)


@auth.route("/login", methods=["GET", "POST"])
def login() -> ResponseReturnValue:
    form = SignInForm()
    next_page = request.args.get("next")
    if form.validate_on_submit():
        session = get_session()
        now = get_clock().now()
        email = form.email.data or ""
        try:
            member = service.authenticate(
                session, email, form.password.data or "", client_address(), now, throttle_limits()
            )
        except DomainError as error:
            if not isinstance(error, service.SignInThrottled):
                tried = service.normalise_email(email)
                record_event(
                    EventKind.SIGN_IN_FAILED,
                    tried,
                    school_id=service.account_school_id(session, tried),
                )
            session.commit()  # keep the failure: it counts towards throttling
            form.email.errors = [error.message]
            return render_template("accounts/login.html", form=form), error.status_code
        if member.has_two_step:
            return _ask_for_code(member, now, next_page)
        _sign_in(member)
        session.commit()
        return redirect(_landing_page(member, next_page), 303)
    return render_template("accounts/login.html", form=form), 400 if form.errors else 200


def _ask_for_code(member: StaffMember, now: datetime, next_page: str | None) -> ResponseReturnValue:
    flask_session.clear()
    flask_session[PENDING] = {
        "user": member.get_id(),
        "email": member.email,
        "since": now.isoformat(),
        "next": next_page if is_safe_next(next_page) else None,
    }
    return redirect(url_for("auth.two_step_sign_in"), 303)


@auth.route("/login/two-step", methods=["GET", "POST"])
def two_step_sign_in() -> ResponseReturnValue:
    pending: dict[str, Any] | None = flask_session.get(PENDING)
    if not pending:
        return redirect(url_for("auth.login"))
    form = TwoStepCodeForm()
    result = None
    try:
        result = _check_code(pending, form.code.data if form.validate_on_submit() else None)
    except (service.TwoStepEnded, service.SignInThrottled) as error:
        return _end_pending_sign_in(pending, error)
    except DomainError as error:
        record_event(
            EventKind.SIGN_IN_FAILED,
            f"{pending['email']} (wrong security code)",
            school_id=service.account_school_id(get_session(), pending["email"]),
        )
        get_session().commit()  # keep the failure: it counts towards throttling
        show_form_error(form, error, "code")
    if result is None:
        status = 400 if form.errors else 200
        return render_template("accounts/two_step_sign_in.html", form=form), status
    return _finish_two_step(result, pending.get("next"))


def _check_code(pending: dict[str, Any], code: str | None) -> two_step.SecondStep | None:
    """Check a submitted code; with none, only check the sign-in can still be finished."""
    session = get_session()
    now = get_clock().now()
    started_at = datetime.fromisoformat(pending["since"])
    if code is None:
        two_step.pending_member(session, pending["user"], started_at, now, throttle_limits())
        return None
    return two_step.second_step(
        session, pending["user"], started_at, code, client_address(), now, throttle_limits()
    )


def _end_pending_sign_in(pending: dict[str, Any], error: DomainError) -> ResponseReturnValue:
    session = get_session()
    record_event(
        EventKind.SIGN_IN_FAILED,
        f"{pending['email']} (two-step sign-in ended)",
        school_id=service.account_school_id(session, pending["email"]),
    )
    session.commit()
    flask_session.pop(PENDING, None)
    form = SignInForm(formdata=None)
    form.email.errors = [error.message]
    return render_template("accounts/login.html", form=form), error.status_code


def _finish_two_step(result: two_step.SecondStep, next_page: str | None) -> ResponseReturnValue:
    member = result.member
    _sign_in(member)
    if result.recovery_codes_left is not None:
        record_event(EventKind.RECOVERY_CODE_USED, member.email, actor=member)
        flash(
            f"You signed in with a recovery code. You have {result.recovery_codes_left} left: "
            "make new ones from the two-step sign-in page if you are running low.",
            "info",
        )
    get_session().commit()
    return redirect(_landing_page(member, next_page), 303)


@auth.route("/logout", methods=["POST"])
def logout() -> ResponseReturnValue:
    if current_user.is_authenticated:
        session = get_session()
        record_event(EventKind.SIGN_OUT, current_member().email)
        service.end_sessions(session, current_member())
        session.commit()
    logout_user()
    flask_session.clear()
    flash("You have signed out.", "info")
    return redirect(url_for("auth.login"), 303)


@auth.route("/setup/<token>", methods=["GET", "POST"])
def setup_link(token: str) -> ResponseReturnValue:
    session = get_session()
    now = get_clock().now()
    try:
        link = service.find_setup_link(session, token, now)
    except DomainError:
        # Used, run out or replaced: say what to do next, and nothing about whose it was.
        return render_template("accounts/setup_link_spent.html"), 410
    member = service.setup_link_member(session, link)
    form = NewPasswordForm()

    def choose_password() -> StaffMember:
        chosen = service.use_setup_link(session, token, form.password.data or "", now)
        record_event(EventKind.PASSWORD_CHANGED, chosen.email, actor=chosen)
        return chosen

    if (done := handle_form(form, choose_password, error_field="password")) is not None:
        member = done.value
        if member.has_two_step:  # a new password is still only the first step
            return _ask_for_code(member, now, None)
        _sign_in(member)
        session.commit()
        flash("Your password is saved. Welcome to your training.", "success")
        return redirect(_landing_page(member, None), 303)
    page = render_template("accounts/setup_link.html", form=form, member=member)
    return page, form_status(form)


@accounts.route("/password", methods=["GET", "POST"])
@login_required
def change_password() -> ResponseReturnValue:
    form = ChangePasswordForm()
    member = current_member()

    def change() -> None:
        service.change_password(
            get_session(),
            member,
            form.current.data or "",
            form.password.data or "",
            get_clock().now(),
            throttle(),
        )
        record_event(EventKind.PASSWORD_CHANGED, member.email)

    if handle_form(form, change, error_field="password") is not None:
        login_user(member)  # the old session id is no longer valid; carry on with the new one
        flash("Your password has been changed. Other devices have been signed out.", "success")
        return redirect(url_for("training.home"), 303)
    return render_template("accounts/change_password.html", form=form), form_status(form)


@accounts.route("/two-step", methods=["GET", "POST"])
@headteacher_required
def two_step_settings() -> ResponseReturnValue:
    """Two-step sign-in: what is on; or set-up under way (the QR code and a code to confirm it);
    or, before set-up or once it has expired, the password to start it."""
    member = current_member()
    if member.has_two_step:
        return _two_step_is_on(member)
    now = get_clock().now()
    secret = two_step.setup_secret(member, now)
    if secret is None:
        start = ConfirmPasswordForm(prefix="start", formdata=None)
        if request.method == "POST":  # a code for a set-up that has expired
            start.password.errors = [two_step.SETUP_EXPIRED]
        return _two_step_start_page(start), form_status(start)
    form = TwoStepSetupForm()

    def enable() -> list[str]:
        codes = two_step.enable(get_session(), member, form.code.data or "", now)
        record_event(EventKind.TWO_STEP_ENABLED, member.email)
        return codes

    if (done := handle_form(form, enable, error_field="code")) is not None:
        login_user(member)  # other sessions have ended; this one carries on
        return render_template("accounts/recovery_codes.html", codes=done.value, is_new=True)
    return _two_step_setup_page(member, secret, form), form_status(form)


@accounts.route("/two-step/start", methods=["POST"])
@headteacher_required
def start_two_step() -> ResponseReturnValue:
    """Start set-up with the password: a new secret each time, shown on the settings page."""
    form = ConfirmPasswordForm(prefix="start")
    member = current_member()

    def start() -> None:
        two_step.start_setup(
            get_session(), member, form.password.data or "", get_clock().now(), throttle()
        )

    if handle_form(form, start, error_field="password") is not None:
        return redirect(url_for("accounts.two_step_settings"), 303)
    return _two_step_start_page(form), 400


def _two_step_start_page(form: ConfirmPasswordForm) -> str:
    school = current_school()
    return render_template(
        "accounts/two_step_start.html",
        form=form,
        is_required=school is not None and school.requires_two_step,
    )


def _two_step_setup_page(member: StaffMember, secret: str, form: TwoStepSetupForm) -> str:
    school = current_school()
    issuer = school.name if school is not None else "Policy training"
    uri = two_step.provisioning_uri(member, secret, issuer)
    return render_template(
        "accounts/two_step_setup.html",
        form=form,
        qr_code=two_step.qr_code_data_uri(uri),
        secret=two_step.grouped(secret),
        is_required=school is not None and school.requires_two_step,
    )


def _two_step_is_on(
    member: StaffMember,
    renew_form: ConfirmPasswordForm | None = None,
    off_form: ConfirmPasswordForm | None = None,
) -> str:
    school = current_school()
    return render_template(
        "accounts/two_step_on.html",
        codes_left=two_step.recovery_codes_left(get_session(), member),
        renew_form=renew_form or ConfirmPasswordForm(prefix="renew", formdata=None),
        off_form=off_form or ConfirmPasswordForm(prefix="off", formdata=None),
        is_required=school is not None and school.requires_two_step,
    )


@accounts.route("/two-step/recovery-codes", methods=["POST"])
@headteacher_required
def renew_recovery_codes() -> ResponseReturnValue:
    form = ConfirmPasswordForm(prefix="renew")
    member = current_member()

    def renew() -> list[str]:
        codes = two_step.renew_recovery_codes(
            get_session(), member, form.password.data or "", get_clock().now(), throttle()
        )
        record_event(EventKind.RECOVERY_CODES_RENEWED, member.email)
        return codes

    if (done := handle_form(form, renew, error_field="password")) is not None:
        return render_template("accounts/recovery_codes.html", codes=done.value, is_new=False)
    return _two_step_is_on(member, renew_form=form), 400


@accounts.route("/two-step/off", methods=["POST"])
@headteacher_required
def turn_off_two_step() -> ResponseReturnValue:
    form = ConfirmPasswordForm(prefix="off")
    member = current_member()
    school = require_school()

    def turn_off() -> None:
        two_step.disable(
            get_session(), member, school, form.password.data or "", get_clock().now(), throttle()
        )
        record_event(EventKind.TWO_STEP_DISABLED, member.email)

    if handle_form(form, turn_off, error_field="password") is not None:
        flash("Two-step sign-in is off. You now sign in with your password alone.", "success")
        return redirect(url_for("accounts.two_step_settings"), 303)
    return _two_step_is_on(member, off_form=form), 400
