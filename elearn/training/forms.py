"""Forms for practice questions, the assessment and lesson completion, built per question set."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import (
    GovCheckboxesInput,
    GovRadioInput,
    GovSubmitInput,
)
from wtforms import Field, RadioField, SelectMultipleField, SubmitField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import InputRequired

from elearn.content.schema import Question, QuestionType


@dataclass(frozen=True)
class ShownQuestion:
    """A question as one form shows it: its field name, and its options as (value, label)."""

    field_name: str
    question: Question
    choices: tuple[tuple[str, str], ...]
    number: int


def answer_field(shown: ShownQuestion) -> Field:
    label = shown.question.prompt
    required = InputRequired(f"Answer question {shown.number}")
    if shown.question.type is QuestionType.MULTIPLE:
        return SelectMultipleField(
            label,
            choices=[SelectChoice(value, label) for value, label in shown.choices],
            widget=GovCheckboxesInput(),
            description="Select all that apply.",
            validators=[required],
        )
    return RadioField(
        label,
        choices=[SelectChoice(value, label) for value, label in shown.choices],
        widget=GovRadioInput(),
        validators=[required],
    )


def question_form(shown: Sequence[ShownQuestion], submit_label: str) -> FlaskForm:
    """A form with one answer field per shown question."""

    class QuestionForm(FlaskForm):
        pass

    for item in shown:
        setattr(QuestionForm, item.field_name, answer_field(item))
    QuestionForm.submit = SubmitField(submit_label, widget=GovSubmitInput())  # type: ignore[attr-defined]
    return QuestionForm()


class CompleteLessonForm(FlaskForm):
    submit = SubmitField("Mark as done and continue", widget=GovSubmitInput())


class StartAssessmentForm(FlaskForm):
    submit = SubmitField("Start the assessment", widget=GovSubmitInput())
