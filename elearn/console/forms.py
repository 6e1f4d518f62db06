"""The console's forms: adding staff, pausing and archiving them."""

from __future__ import annotations

from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import (
    GovRadioInput,
    GovSubmitInput,
    GovTextInput,
)
from wtforms import EmailField, RadioField, StringField, SubmitField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import Email, InputRequired, Length

from elearn.accounts.api import Category
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


class TwoStepRequirementForm(FlaskForm):
    required = RadioField(
        "Must headteachers use two-step sign-in?",
        choices=[
            SelectChoice("yes", "Yes: a headteacher without it must set it up when they sign in"),
            SelectChoice("no", "No: each headteacher chooses"),
        ],
        widget=GovRadioInput(),
        validators=[InputRequired("Choose yes or no")],
    )
    submit = SubmitField("Save", widget=GovSubmitInput())
