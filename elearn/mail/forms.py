"""The forms of the email pages: the school's reminder settings, its closed dates, and sending a
set-up link."""

from __future__ import annotations

from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import (
    GovRadioInput,
    GovSelect,
    GovSubmitInput,
    GovTextInput,
)
from wtforms import HiddenField, IntegerField, RadioField, SelectField, StringField, SubmitField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import InputRequired, Length, NumberRange

from elearn.fields import DayMonthYearField
from elearn.mail.rules import WEEKDAYS


class ReminderSettingsForm(FlaskForm):
    is_on = RadioField(
        "Email staff and headteachers about training?",
        choices=[
            SelectChoice("yes", "Yes: reminders, invitations and the headteacher's summary"),
            SelectChoice("no", "No: nothing is emailed automatically"),
        ],
        widget=GovRadioInput(),
        validators=[InputRequired("Choose whether to send reminders")],
    )
    remind_days_before = IntegerField(
        "First reminder, in days before the due date",
        widget=GovTextInput(),
        description="One reminder when the due date is this close, another on the day.",
        validators=[
            InputRequired("Enter how many days before the due date to remind"),
            NumberRange(1, 90, "Enter a number of days from 1 to 90"),
        ],
    )
    overdue_every_days = IntegerField(
        "While overdue, remind every this many days",
        widget=GovTextInput(),
        validators=[
            InputRequired("Enter how often to remind someone who is overdue"),
            NumberRange(1, 60, "Enter a number of days from 1 to 60"),
        ],
    )
    escalate_after_days = IntegerField(
        "Tell the headteacher when someone is overdue by this many days",
        widget=GovTextInput(),
        validators=[
            InputRequired("Enter after how many days overdue to tell the headteacher"),
            NumberRange(1, 365, "Enter a number of days from 1 to 365"),
        ],
    )
    digest_weekday = SelectField(
        "Day of the headteacher's weekly summary of who is overdue",
        choices=[SelectChoice(str(number), day) for number, day in enumerate(WEEKDAYS)],
        widget=GovSelect(),
        validators=[InputRequired("Choose a day of the week")],
    )
    submit = SubmitField("Save the reminder settings", widget=GovSubmitInput())


class ClosedPeriodForm(FlaskForm):
    """Shown on the same page as the settings, so its fields carry the prefix `closed-`."""

    what = StringField(
        "What they are",
        widget=GovTextInput(),
        description="For example Christmas holidays, or a training day.",
        validators=[InputRequired("Say what the dates are"), Length(max=100)],
    )
    starts_on = DayMonthYearField(
        "First day closed",
        description="For example 21 12 2026.",
        validators=[InputRequired("Enter the first day the school is closed")],
    )
    ends_on = DayMonthYearField(
        "Last day closed",
        description="The same as the first day for a single day.",
        validators=[InputRequired("Enter the last day the school is closed")],
    )
    submit = SubmitField("Add the closed dates", widget=GovSubmitInput())


class RemoveClosedPeriodForm(FlaskForm):
    """A one-button form: the closed dates to remove, by their id."""

    period = HiddenField(validators=[InputRequired()])


class SendInvitationForm(FlaskForm):
    """A one-button form: only the CSRF token is checked."""

    submit = SubmitField("Send the email", widget=GovSubmitInput())
