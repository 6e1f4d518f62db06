"""The forms for a school's policies: adding one from the library, and each policy's rules."""

from __future__ import annotations

from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import (
    GovCheckboxesInput,
    GovRadioInput,
    GovSubmitInput,
    GovTextInput,
)
from wtforms import IntegerField, RadioField, SelectMultipleField, SubmitField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import InputRequired, NumberRange, Optional

from elearn.accounts.api import Category
from elearn.fields import DayMonthYearField
from elearn.policies.models import PolicyMode
from elearn.policies.service import LARGEST_ASSESSMENT


class TrainingRulesForm(FlaskForm):
    """The school's default rules, which each new policy starts with."""

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


class PolicyRulesForm(TrainingRulesForm):
    """One policy's rules: the school's kind, plus who does it, how, and how it is assessed."""

    mode = RadioField(
        "What staff do",
        choices=[
            SelectChoice(
                PolicyMode.LEARN.value, "Learn, pass and sign: lessons, an assessment, then sign"
            ),
            SelectChoice(
                PolicyMode.READ.value,
                "Read and sign: read the whole policy, then sign (no questions)",
            ),
        ],
        widget=GovRadioInput(),
        validators=[InputRequired("Choose what staff do")],
    )
    audience = SelectMultipleField(
        "Who must read and sign it",
        choices=[SelectChoice(category.value, category.label) for category in Category],
        widget=GovCheckboxesInput(),
        description="Tick every group it applies to (policy 1.2.1 lists them all).",
        validators=[InputRequired("Tick at least one group of staff")],
    )
    rollout_by = DayMonthYearField(
        "Rollout date (optional)",
        description="When staff already working here must have signed it, for example 31 1 "
        "2027. Leave it blank to give them the induction days from the day the policy was "
        "added. New starters always have the induction days from their first day.",
        validators=[Optional()],
    )
    pass_mark = IntegerField(
        "Pass mark, in per cent",
        widget=GovTextInput(),
        validators=[
            InputRequired("Enter the pass mark"),
            NumberRange(50, 100, "Enter a pass mark from 50 to 100"),
        ],
    )
    assessment_size = IntegerField(
        "Questions in the assessment",
        widget=GovTextInput(),
        validators=[
            InputRequired("Enter how many questions the assessment asks"),
            NumberRange(
                1,
                LARGEST_ASSESSMENT,
                f"Enter a number of questions from 1 to {LARGEST_ASSESSMENT}",
            ),
        ],
    )
    submit = SubmitField("Save the rules", widget=GovSubmitInput())


class AddPolicyForm(FlaskForm):
    course = RadioField(
        "Policy to add",
        widget=GovRadioInput(),
        validators=[InputRequired("Choose a policy to add")],
    )
    submit = SubmitField("Add the policy", widget=GovSubmitInput())


class PolicyActionForm(FlaskForm):
    """A one-button form (retire, bring back): only the CSRF token is checked."""

    submit = SubmitField("Confirm", widget=GovSubmitInput())
