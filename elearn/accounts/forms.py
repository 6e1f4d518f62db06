"""Sign-in, set-up, password and two-step forms. They check shape; the services check rules."""

from __future__ import annotations

from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import (
    GovPasswordInput,
    GovSubmitInput,
    GovTextInput,
)
from wtforms import EmailField, PasswordField, StringField, SubmitField
from wtforms.validators import Email, InputRequired, Length

from elearn.accounts.service import PASSWORD_MAX_LENGTH


class SignInForm(FlaskForm):
    email = EmailField(
        "Email address",
        widget=GovTextInput(),
        validators=[InputRequired("Enter your email address"), Length(max=254)],
    )
    password = PasswordField(
        "Password",
        widget=GovPasswordInput(),
        validators=[InputRequired("Enter your password"), Length(max=PASSWORD_MAX_LENGTH)],
    )
    submit = SubmitField("Sign in", widget=GovSubmitInput())


class NewPasswordForm(FlaskForm):
    password = PasswordField(
        "Choose a password",
        widget=GovPasswordInput(),
        description="At least 10 characters. Three random words together work well.",
        validators=[InputRequired("Choose a password"), Length(max=PASSWORD_MAX_LENGTH)],
    )
    submit = SubmitField("Save password", widget=GovSubmitInput())


class ChangePasswordForm(FlaskForm):
    current = PasswordField(
        "Current password",
        widget=GovPasswordInput(),
        validators=[InputRequired("Enter your current password"), Length(max=PASSWORD_MAX_LENGTH)],
    )
    password = PasswordField(
        "New password",
        widget=GovPasswordInput(),
        description="At least 10 characters. Three random words together work well.",
        validators=[InputRequired("Choose a new password"), Length(max=PASSWORD_MAX_LENGTH)],
    )
    submit = SubmitField("Change password", widget=GovSubmitInput())


class FirstRunForm(FlaskForm):
    school = StringField(
        "School name",
        widget=GovTextInput(),
        validators=[InputRequired("Enter the school's name"), Length(max=200)],
    )
    name = StringField(
        "Your full name",
        widget=GovTextInput(),
        validators=[InputRequired("Enter your full name"), Length(max=200)],
    )
    email = EmailField(
        "Your email address",
        widget=GovTextInput(),
        description="You will sign in with this.",
        validators=[
            InputRequired("Enter your email address"),
            Email("Enter an email address like name@school.sch.uk"),
            Length(max=254),
        ],
    )
    password = PasswordField(
        "Choose a password",
        widget=GovPasswordInput(),
        description="At least 10 characters. Three random words together work well.",
        validators=[InputRequired("Choose a password"), Length(max=PASSWORD_MAX_LENGTH)],
    )
    submit = SubmitField("Set up", widget=GovSubmitInput())


class TwoStepSetupForm(FlaskForm):
    code = StringField(
        "Code from the app",
        widget=GovTextInput(),
        description="The 6-digit code your authenticator app shows for this account.",
        validators=[InputRequired("Enter the 6-digit code from the app"), Length(max=20)],
    )
    submit = SubmitField("Turn on two-step sign-in", widget=GovSubmitInput())


class TwoStepCodeForm(FlaskForm):
    code = StringField(
        "Security code",
        widget=GovTextInput(),
        description="The 6-digit code your authenticator app shows, or a recovery code.",
        validators=[InputRequired("Enter the code from your authenticator app"), Length(max=40)],
    )
    submit = SubmitField("Continue", widget=GovSubmitInput())


class ConfirmPasswordForm(FlaskForm):
    """For changes to two-step sign-in: the password shows it is still the account's owner."""

    password = PasswordField(
        "Your password",
        widget=GovPasswordInput(),
        validators=[InputRequired("Enter your password"), Length(max=PASSWORD_MAX_LENGTH)],
    )
    submit = SubmitField("Confirm", widget=GovSubmitInput())
