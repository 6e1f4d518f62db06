"""Forms for practice questions, the assessment and lesson completion, built per question set."""

from __future__ import annotations

from collections.abc import Callable, Sequence
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

from elearn.content.question_types import kind_of
from elearn.content.schema import Question


@dataclass(frozen=True)
class ShownQuestion:
    """A question as one form shows it: its field name, and its options as (value, label)."""

    field_name: str
    question: Question
    choices: tuple[tuple[str, str], ...]
    number: int

    @property
    def sure_name(self) -> str:
        """The field that asks how sure the member is of this answer."""
        return f"{self.field_name}_sure"


# How each kind of question's `input` is asked for on a page.
INPUT_FIELDS: dict[str, tuple[type[Field], Callable[[], object]]] = {
    "radios": (RadioField, GovRadioInput),
    "checkboxes": (SelectMultipleField, GovCheckboxesInput),
}


def answer_field(shown: ShownQuestion) -> Field:
    kind = kind_of(shown.question)
    field_class, widget = INPUT_FIELDS[kind.input]
    return field_class(
        shown.question.prompt,
        choices=[SelectChoice(value, label) for value, label in shown.choices],
        widget=widget(),
        description=kind.hint,
        validators=[InputRequired(f"Answer question {shown.number}")],
    )


def sure_field(shown: ShownQuestion) -> Field:
    return RadioField(
        f"How sure are you of your answer to question {shown.number}?",
        choices=[SelectChoice("sure", "Sure"), SelectChoice("not_sure", "Not sure")],
        widget=GovRadioInput(),
        validators=[
            InputRequired(f"Say how sure you are of your answer to question {shown.number}")
        ],
    )


def question_form(
    shown: Sequence[ShownQuestion], submit_label: str, *, ask_confidence: bool = False
) -> FlaskForm:
    """A form with one answer field per shown question (and with `ask_confidence`, a "how
    sure are you?" field beside each)."""

    class QuestionForm(FlaskForm):
        pass

    for item in shown:
        setattr(QuestionForm, item.field_name, answer_field(item))
        if ask_confidence:
            setattr(QuestionForm, item.sure_name, sure_field(item))
    QuestionForm.submit = SubmitField(submit_label, widget=GovSubmitInput())  # type: ignore[attr-defined]
    return QuestionForm()


class CompleteLessonForm(FlaskForm):
    submit = SubmitField("Mark as done and continue", widget=GovSubmitInput())


class StartAssessmentForm(FlaskForm):
    submit = SubmitField("Start the assessment", widget=GovSubmitInput())
