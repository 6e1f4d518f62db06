"""Uploading a new version of the policy and saying what it asks of staff."""

from __future__ import annotations

from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from govuk_frontend_wtf.wtforms_widgets import (
    GovFileInput,
    GovRadioInput,
    GovSubmitInput,
    GovTextInput,
)
from wtforms import RadioField, StringField, SubmitField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import InputRequired, Length, Optional

from elearn.fields import DayMonthYearField
from elearn.versions.models import ChangeKind


class UploadPolicyForm(FlaskForm):
    document = FileField(
        "Policy document",
        widget=GovFileInput(),
        description=(
            "The policy as a Word document (.docx), a PDF, plain text (.txt) or Markdown (.md), "
            "or a policy file made by `elearn content import-policy` (.yaml). Up to 1 MB."
        ),
        validators=[FileRequired("Choose the policy file to upload")],
    )
    label = StringField(
        "Version name (optional)",
        widget=GovTextInput(),
        description="What certificates call this version, such as 'November 2026'. If you leave "
        "it blank, the date the document says it was adopted is used.",
        validators=[Length(max=100)],
    )
    submit = SubmitField("Upload and see what changed", widget=GovSubmitInput())


class ContentFolderForm(FlaskForm):
    submit = SubmitField("Review the policy in the content folder", widget=GovSubmitInput())


PUBLISHABLE = [kind for kind in ChangeKind if kind is not ChangeKind.INITIAL]


class PublishForm(FlaskForm):
    change_kind = RadioField(
        "What does this change ask of staff?",
        choices=[SelectChoice(kind.value, kind.description) for kind in PUBLISHABLE],
        widget=GovRadioInput(),
        validators=[InputRequired("Choose what this change asks of staff")],
    )
    reconfirm_by = DayMonthYearField(
        "Deadline to confirm again",
        description="Only if everyone confirms again now. For example 31 1 2027.",
        validators=[Optional()],
    )
    submit = SubmitField("Publish this version", widget=GovSubmitInput())


class DiscardDraftForm(FlaskForm):
    submit = SubmitField("Discard this draft", widget=GovSubmitInput())
