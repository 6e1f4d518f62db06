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
    critical_missed: tuple[str, ...] = ()  # critical questions answered wrongly


def draw_questions(
    course: Course,
    rng: random.Random,
    avoid: frozenset[str] = frozenset(),
    size: int | None = None,
    *,
    cover_critical: bool = True,
) -> list[DrawnQuestion]:
    """Draw a set, all shuffled: a question on every critical clause (with `cover_critical`),
    one from every lesson not yet asked about, then the rest at random up to `size`.

    `size` defaults to the course's assessment size; the critical clauses and the lessons come
    first, so a set is larger than `size` only when they need more. A refresher's opening check
    asks one question a lesson and leaves the critical clauses to the assessment. Questions in
    `avoid` (seen already) are drawn only where nothing else will do: a clause or a lesson with
    no others, or a bank with too few left to fill the set.
    """
    bank = [question for lesson in course.lessons for question in lesson.questions]
    chosen: list[Question] = []

    def pick(candidates: list[Question]) -> None:
        fresh = [q for q in candidates if q.id not in avoid and q not in chosen]
        unused = [q for q in candidates if q not in chosen]
        if fresh or unused:
            chosen.append(rng.choice(fresh or unused))

    if cover_critical:
        for clause_id in course.critical_clauses:
            if not any(clause_id in question.clauses for question in chosen):
                pick([question for question in bank if clause_id in question.clauses])
    for lesson in course.lessons:
        if lesson.questions and not any(q.lesson_id == lesson.id for q in chosen):
            pick(list(lesson.questions))
    wanted = (course.assessment_size if size is None else size) - len(chosen)
    for pool in (
        [q for q in bank if q not in chosen and q.id not in avoid],
        [q for q in bank if q not in chosen and q.id in avoid],
    ):
        taken = rng.sample(pool, min(max(wanted, 0), len(pool)))
        chosen += taken
        wanted -= len(taken)
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
    """Mark each drawn question right only when exactly its correct options were chosen.

    A pass needs the pass mark and, where the course says so, every question on a critical
    clause right: a wrong answer there fails the sitting whatever the total.
    """
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
    critical_missed = tuple(
        result.question.id
        for result in results
        if not result.is_correct and course.is_critical(result.question)
    )
    if course.critical_must_pass and critical_missed:
        is_passed = False
    return Grade(tuple(results), correct, percent, is_passed, critical_missed)
