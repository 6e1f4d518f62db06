"""The registry of question kinds: every kind is in it, and each part of the app asks it."""

from __future__ import annotations

import random

import pytest

from elearn.content.question_types import QUESTION_TYPES, kind_of
from elearn.content.schema import Course, QuestionType
from elearn.training.assessment import draw_questions, grade


def test_every_question_type_has_one_entry() -> None:
    assert set(QUESTION_TYPES) == set(QuestionType)
    assert all(kind.type is question_type for question_type, kind in QUESTION_TYPES.items())


@pytest.mark.parametrize("question_type", list(QuestionType), ids=str)
def test_the_shipped_bank_keeps_each_kinds_rules(
    course: Course, question_type: QuestionType
) -> None:
    questions = [q for q in course.bank if q.type is question_type]
    kind = QUESTION_TYPES[question_type]
    for question in questions:
        assert sum(option.is_correct for option in question.options) in kind.right_answers


def test_fixed_options_are_never_shuffled_and_the_rest_are(course: Course) -> None:
    drawn = draw_questions(course, random.Random(3), size=course.bank_size)
    shuffled = 0
    for item in drawn:
        question = course.question(item.question_id)
        natural = tuple(option.key for option in question.options)
        if kind_of(question).has_fixed_options:
            assert item.option_keys == natural
        else:
            shuffled += item.option_keys != natural
    assert shuffled > 0


def test_grading_asks_the_kind_whether_an_answer_is_right(course: Course) -> None:
    question = next(q for q in course.bank if q.type is QuestionType.MULTIPLE)
    drawn = draw_questions(course, random.Random(1), size=course.bank_size)
    item = next(d for d in drawn if d.question_id == question.id)
    part = frozenset(sorted(question.correct_keys)[:1])
    result = grade(course, [item], {question.id: part}, 50)
    assert result.results[0].is_correct is kind_of(question).is_right(question, part) is False
