"""The trust administrator's forms: a new school, a course to share."""

from __future__ import annotations

from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import (
    GovCheckboxesInput,
    GovRadioInput,
    GovSubmitInput,
    GovTextInput,
)
from wtforms import RadioField, SelectMultipleField, StringField, SubmitField
from wtforms.validators import InputRequired, Length

from elearn.accounts.api import SCHOOL_NAME_LENGTH


class AddSchoolForm(FlaskForm):
    name = StringField(
        "School name",
        widget=GovTextInput(),
        description="As staff know it, for example Oakfield Primary School.",
        validators=[
            InputRequired("Enter the school's name"),
            Length(max=SCHOOL_NAME_LENGTH, message="Enter 200 characters or fewer"),
        ],
    )
    submit = SubmitField("Add the school", widget=GovSubmitInput())


class ShareCourseForm(FlaskForm):
    course = RadioField(
        "Policy course", widget=GovRadioInput(), validators=[InputRequired("Choose a policy")]
    )
    schools = SelectMultipleField(
        "Schools",
        widget=GovCheckboxesInput(),
        description="Each school keeps its own rules, versions and declarations.",
        validators=[InputRequired("Tick at least one school")],
    )
    submit = SubmitField("Share with these schools", widget=GovSubmitInput())


class ActForm(FlaskForm):
    """A one-button form: only the CSRF token is checked."""

    submit = SubmitField("Work as headteacher", widget=GovSubmitInput())
