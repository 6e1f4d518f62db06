"""The headteacher's email pages: reminder settings and closed dates, the emails sent, and a
set-up link sent by email."""

from __future__ import annotations

from datetime import timedelta

from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue

from elearn.accounts import api as accounts
from elearn.accounts.api import StaffMember
from elearn.audit.api import EventKind
from elearn.db import get_session
from elearn.errors import DomainError
from elearn.mail import service
from elearn.mail.forms import (
    ClosedPeriodForm,
    ReminderSettingsForm,
    RemoveClosedPeriodForm,
    SendInvitationForm,
)
from elearn.mail.rules import Cadence
from elearn.mail.transport import MailError, SmtpMailer
from elearn.web import (
    current_member,
    form_status,
    get_clock,
    handle_form,
    headteacher_required,
    record_event,
    require_school,
)

mail = Blueprint("mail", __name__, url_prefix="/console")

SENT_PER_PAGE = 50
CLOSED_PREFIX = "closed"


def _mailer() -> SmtpMailer | None:
    mailer: SmtpMailer | None = current_app.extensions.get("elearn.mailer")
    return mailer


def _link_valid_for() -> timedelta:
    return timedelta(hours=current_app.config["SETUP_LINK_HOURS"])


# --- Reminder settings and closed dates -------------------------------------------------------


def _settings_form(formdata: bool = True) -> ReminderSettingsForm:
    settings = service.reminder_settings(get_session(), require_school())
    cadence = settings.cadence
    data = {
        "is_on": "yes" if settings.is_on else "no",
        "remind_days_before": cadence.remind_days_before,
        "overdue_every_days": cadence.overdue_every_days,
        "escalate_after_days": cadence.escalate_after_days,
        "digest_weekday": str(cadence.digest_weekday),
    }
    if formdata:
        return ReminderSettingsForm(data=data)
    return ReminderSettingsForm(formdata=None, data=data)


def _reminders_page(
    form: ReminderSettingsForm, closed_form: ClosedPeriodForm
) -> ResponseReturnValue:
    session = get_session()
    school = require_school()
    failed = bool(form.errors or closed_form.errors)
    page = render_template(
        "mail/reminders.html",
        form=form,
        closed_form=closed_form,
        periods=service.closed_periods(session, school),
        today=get_clock().today(),
        has_errors=failed,
    )
    return page, 400 if failed else 200


@mail.route("/reminders", methods=["GET", "POST"])
@headteacher_required
def reminders() -> ResponseReturnValue:
    """How often staff and headteachers are emailed, and the dates the school is closed."""
    form = _settings_form()

    def save() -> None:
        cadence = Cadence(
            remind_days_before=form.remind_days_before.data or 0,
            overdue_every_days=form.overdue_every_days.data or 0,
            escalate_after_days=form.escalate_after_days.data or 0,
            digest_weekday=int(form.digest_weekday.data or 0),
        )
        settings = service.Settings(form.is_on.data == "yes", cadence)
        service.save_settings(get_session(), require_school(), settings)

    if handle_form(form, save, error_field="is_on") is not None:
        flash("The reminder settings are saved.", "success")
        return redirect(url_for("mail.reminders"), 303)
    return _reminders_page(form, ClosedPeriodForm(formdata=None, prefix=CLOSED_PREFIX))


@mail.route("/reminders/closed", methods=["POST"])
@headteacher_required
def add_closed() -> ResponseReturnValue:
    form = ClosedPeriodForm(prefix=CLOSED_PREFIX)

    def add() -> None:
        service.add_closed_period(
            get_session(),
            require_school(),
            form.what.data or "",
            form.starts_on.data,  # type: ignore[arg-type]
            form.ends_on.data,  # type: ignore[arg-type]
            get_clock().now(),
        )

    if handle_form(form, add, error_field="what") is not None:
        flash("The closed dates are added: nothing is emailed on them.", "success")
        return redirect(url_for("mail.reminders"), 303)
    return _reminders_page(_settings_form(formdata=False), form)


@mail.route("/reminders/closed/remove", methods=["POST"])
@headteacher_required
def remove_closed() -> ResponseReturnValue:
    form = RemoveClosedPeriodForm()
    if not form.validate_on_submit() or not str(form.period.data).isdigit():
        raise DomainError("The form had expired. Go back and try again.")
    session = get_session()
    removed = service.remove_closed_period(session, require_school(), int(form.period.data))
    session.commit()
    flash(f"The closed dates ({removed.label}) are removed.", "success")
    return redirect(url_for("mail.reminders"), 303)


# --- The emails sent -------------------------------------------------------------------------


@mail.route("/emails")
@headteacher_required
def sent() -> ResponseReturnValue:
    """Every email sent to the school's staff and headteachers, newest first, a page at a time."""
    number = request.args.get("page", "1")
    page = service.sent_page(
        get_session(),
        require_school(),
        int(number) if number.isdigit() and len(number) < 7 else 1,
        SENT_PER_PAGE,
    )
    return render_template("mail/sent.html", page=page)


# --- Set-up links by email ---------------------------------------------------------------------


@mail.route("/staff/<int:member_id>/invitation", methods=["GET", "POST"])
@headteacher_required
def invitation(member_id: int) -> ResponseReturnValue:
    """Email someone a new set-up link, from their page."""
    session = get_session()
    school = require_school()
    member = accounts.school_member(session, school, member_id)
    form = SendInvitationForm()
    mailer = _mailer()
    error = None
    if mailer is not None and form.validate_on_submit():
        try:
            service.send_invitation(
                session,
                mailer,
                school,
                member,
                actor=current_member(),
                now=get_clock().now(),
                base_url=current_app.config["BASE_URL"],
                link_valid_for=_link_valid_for(),
            )
        except MailError as failure:
            session.rollback()
            error = f"The email was not sent: {failure} Try again later."
        else:
            record_event(EventKind.SETUP_LINK_ISSUED, f"{member.email} (by email)")
            session.commit()
            flash(f"A new set-up link is on its way to {member.name} by email.", "success")
            return redirect(url_for("console.member", member_id=member.id), 303)
    page = render_template(
        "mail/invitation.html",
        member=member,
        form=form,
        error=error,
        hours=current_app.config["SETUP_LINK_HOURS"],
        has_errors=bool(error),
    )
    return page, 503 if error else form_status(form)


def email_new_starter(member: StaffMember, token: str) -> ResponseReturnValue | None:
    """After the console has added someone: email them their set-up link, if email is set up.

    Returns the page to show, or None for the console to show the link on screen: when email
    is off, or when sending failed (then a message above the link says so).
    """
    mailer = _mailer()
    if mailer is None:
        return None
    session = get_session()
    try:
        service.send_invitation(
            session,
            mailer,
            require_school(),
            member,
            actor=current_member(),
            now=get_clock().now(),
            base_url=current_app.config["BASE_URL"],
            link_valid_for=_link_valid_for(),
            token=token,
        )
    except MailError as failure:
        session.rollback()
        flash(f"The set-up link could not be emailed: {failure} Pass this link on instead.")
        return None
    session.commit()
    return render_template(
        "mail/invitation_sent.html", member=member, hours=current_app.config["SETUP_LINK_HOURS"]
    )
