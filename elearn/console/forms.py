"""The console's forms: adding staff, pausing and archiving them, the training rules."""

from __future__ import annotations

from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import (
    GovRadioInput,
    GovSubmitInput,
    GovTextInput,
)
from wtforms import EmailField, IntegerField, RadioField, StringField, SubmitField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import Email, InputRequired, Length, NumberRange, Optional

from elearn.accounts.models import Category
from elearn.fields import DayMonthYearField


class AddStaffForm(FlaskForm):
    name = StringField(
        "Full name",
        widget=GovTextInput(),
        validators=[InputRequired("Enter their full name"), Length(max=200)],
    )
    email = EmailField(
        "Email address",
        widget=GovTextInput(),
        description="They sign in with this.",
        validators=[
            InputRequired("Enter their email address"),
            Email("Enter an email address like name@school.sch.uk"),
            Length(max=254),
        ],
    )
    category = RadioField(
        "Role at the school",
        choices=[SelectChoice(category.value, category.label) for category in Category],
        widget=GovRadioInput(),
        validators=[InputRequired("Choose their role at the school")],
    )
    starts_on = DayMonthYearField(
        "Start date",
        description="Their first day, for example 1 9 2026. Induction is due from this date.",
        validators=[InputRequired("Enter their start date")],
    )
    submit = SubmitField("Add and make a set-up link", widget=GovSubmitInput())


class PauseForm(FlaskForm):
    returns_on = DayMonthYearField(
        "Date they return",
        description="Their training clock stops until then. On return they get the usual "
        "induction time to catch up. For example 1 9 2027.",
        validators=[InputRequired("Enter the date they return")],
    )
    submit = SubmitField("Pause their training", widget=GovSubmitInput())


class ActionForm(FlaskForm):
    """A one-button form (resume, archive, restore): only the CSRF token is checked."""

    submit = SubmitField("Confirm", widget=GovSubmitInput())


class TrainingRulesForm(FlaskForm):
    validity_months = IntegerField(
        "How long a signed declaration lasts, in months",
        widget=GovTextInput(),
        validators=[
            InputRequired("Enter how many months a declaration lasts"),
            NumberRange(1, 36, "Enter a number of months from 1 to 36"),
        ],
    )
    due_soon_days = IntegerField(
        "Warn this many days before it runs out",
        widget=GovTextInput(),
        validators=[
            InputRequired("Enter how many days before to warn"),
            NumberRange(0, 120, "Enter a number of days from 0 to 120"),
        ],
    )
    induction_days = IntegerField(
        "Days new staff have to finish their induction",
        widget=GovTextInput(),
        description="Calendar days from their start date, including weekends and holidays.",
        validators=[
            InputRequired("Enter how many days new staff have"),
            NumberRange(1, 365, "Enter a number of days from 1 to 365"),
        ],
    )
    renewal = RadioField(
        "When declarations run out",
        choices=[
            SelectChoice("months", "A set number of months after each person signs"),
            SelectChoice("date", "Every year on the same date, such as the September training day"),
        ],
        widget=GovRadioInput(),
        validators=[InputRequired("Choose when declarations run out")],
    )
    renewal_day = IntegerField(
        "Day", widget=GovTextInput(), validators=[Optional(), NumberRange(1, 31, "Enter a day")]
    )
    renewal_month = IntegerField(
        "Month",
        widget=GovTextInput(),
        validators=[Optional(), NumberRange(1, 12, "Enter a month from 1 to 12")],
    )
    submit = SubmitField("Save the rules", widget=GovSubmitInput())
