"""The declaration of receipt, signed by ticking, typing a full name and re-entering a password."""

from __future__ import annotations

from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import (
    GovCheckboxInput,
    GovPasswordInput,
    GovSubmitInput,
    GovTextInput,
)
from wtforms import BooleanField, PasswordField, StringField, SubmitField
from wtforms.validators import InputRequired, Length

from elearn.accounts.api import PASSWORD_MAX_LENGTH


class DeclarationForm(FlaskForm):
    confirm = BooleanField(
        "I confirm the declaration above",
        widget=GovCheckboxInput(),
        validators=[InputRequired("Tick the box to confirm the declaration")],
    )
    signature = StringField(
        "Type your full name as your signature",
        widget=GovTextInput(),
        validators=[InputRequired("Type your full name to sign"), Length(max=200)],
    )
    password = PasswordField(
        "Enter your password to sign electronically",
        widget=GovPasswordInput(),
        validators=[InputRequired("Enter your password"), Length(max=PASSWORD_MAX_LENGTH)],
    )
    submit = SubmitField("Sign the declaration", widget=GovSubmitInput())
