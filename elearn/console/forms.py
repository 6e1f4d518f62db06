"""The console's forms: adding staff one by one or in bulk, editing, pausing and archiving them."""

from __future__ import annotations

from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from govuk_frontend_wtf.wtforms_widgets import (
    GovCheckboxInput,
    GovFileInput,
    GovRadioInput,
    GovSubmitInput,
    GovTextArea,
    GovTextInput,
)
from wtforms import (
    BooleanField,
    EmailField,
    RadioField,
    StringField,
    SubmitField,
    TextAreaField,
    ValidationError,
)
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


class StaffListForm(FlaskForm):
    """A staff list: a CSV file, or rows pasted from a spreadsheet."""

    document = FileField(
        "Staff list file",
        widget=GovFileInput(),
        description="A CSV file exported from your school information system or saved from a "
        "spreadsheet. Up to 1 MB.",
    )
    pasted = TextAreaField(
        "Or paste the rows from a spreadsheet",
        widget=GovTextArea(),
        description="Copy the cells, heading row included, and paste them here.",
        validators=[Length(max=1_000_000)],
    )
    archive_missing = BooleanField(
        "This is a full list of our staff: archive anyone on the roster who is not on it",
        widget=GovCheckboxInput(),
    )
    submit = SubmitField("Check the list", widget=GovSubmitInput())

    def validate_pasted(self, field: TextAreaField) -> None:
        has_file = bool(self.document.data and getattr(self.document.data, "filename", ""))
        if has_file and (field.data or "").strip():
            raise ValidationError("Choose a file or paste the rows, not both")
        if not has_file and not (field.data or "").strip():
            raise ValidationError("Choose the staff list file, or paste the rows")


class EditStaffForm(AddStaffForm):
    is_existing_staff = RadioField(
        "Were they already working here when the school started using this training?",
        description="Staff already in post have until each policy's rollout date; new staff "
        "have the induction time from their start date.",
        choices=[SelectChoice("yes", "Yes, already in post"), SelectChoice("no", "No, new staff")],
        widget=GovRadioInput(),
        validators=[InputRequired("Choose yes or no")],
    )
    role = RadioField(
        "What can they do in elearn?",
        choices=[
            SelectChoice("staff", "Their own training"),
            SelectChoice("headteacher", "Run the school's training as a headteacher"),
        ],
        widget=GovRadioInput(),
        validators=[InputRequired("Choose what they can do")],
    )
    submit = SubmitField("Save the changes", widget=GovSubmitInput())
