"""Drawing and grading the final assessment. Pure: content in, results out."""

from __future__ import annotations

import random
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from elearn.content.question_types import kind_of
from elearn.content.schema import Course, Question


@dataclass(frozen=True)
class DrawnQuestion:
    question_id: str
    option_keys: tuple[str, ...]  # in the order shown

    def as_json(self) -> dict[str, object]:
        return {"question": self.question_id, "options": list(self.option_keys)}

    @classmethod
    def from_json(cls, data: Mapping[str, object]) -> DrawnQuestion:
        options = data["options"]
        if not isinstance(options, list):
            raise TypeError("a drawn question's options must be a list")
        return cls(str(data["question"]), tuple(str(key) for key in options))


@dataclass(frozen=True)
class QuestionResult:
    question: Question
    selected: frozenset[str]
    is_correct: bool


@dataclass(frozen=True)
class Grade:
    results: tuple[QuestionResult, ...]
    correct_count: int
    score_percent: int
    is_passed: bool


def draw_questions(
    course: Course,
    rng: random.Random,
    avoid: frozenset[str] = frozenset(),
    size: int | None = None,
) -> list[DrawnQuestion]:
    """Draw a set: one question from every lesson, then the rest at random, all shuffled.

    `size` defaults to the course's assessment size; a refresher's opening check asks one
    question a lesson. Questions in `avoid` (seen last time) are used only when a lesson has no
    others.
    """
    pools = {lesson.id: list(lesson.questions) for lesson in course.lessons if lesson.questions}
    chosen: list[Question] = []
    for pool in pools.values():
        fresh = [question for question in pool if question.id not in avoid] or pool
        chosen.append(rng.choice(fresh))
    remaining = [
        question
        for pool in pools.values()
        for question in pool
        if question not in chosen and question.id not in avoid
    ]
    spare = (course.assessment_size if size is None else size) - len(chosen)
    if spare > 0:
        chosen += rng.sample(remaining, min(spare, len(remaining)))
    rng.shuffle(chosen)
    drawn = []
    for question in chosen:
        keys = [option.key for option in question.options]
        if not kind_of(question).has_fixed_options:
            rng.shuffle(keys)
        drawn.append(DrawnQuestion(question.id, tuple(keys)))
    return drawn


def grade(
    course: Course,
    drawn: Sequence[DrawnQuestion],
    answers: Mapping[str, frozenset[str]],
    pass_mark: int,
) -> Grade:
    """Mark each drawn question right only when exactly its correct options were chosen."""
    results = []
    for item in drawn:
        question = course.question(item.question_id)
        selected = frozenset(key for key in answers.get(item.question_id, frozenset()))
        results.append(
            QuestionResult(question, selected, kind_of(question).is_right(question, selected))
        )
    correct = sum(result.is_correct for result in results)
    percent = round(100 * correct / len(results)) if results else 0
    # Compare exact fractions so 79.6 % rounded to 80 % is still a fail at an 80 % pass mark.
    is_passed = bool(results) and correct * 100 >= pass_mark * len(results)
    return Grade(tuple(results), correct, percent, is_passed)
