"""Drawing and grading the final assessment."""

from __future__ import annotations

import random
from collections import Counter

import pytest

from elearn.content.schema import (
    Block,
    BlockKind,
    Clause,
    Course,
    Declaration,
    Lesson,
    Option,
    Policy,
    Question,
    QuestionType,
    Section,
    Subsection,
    WorkedScenario,
)
from elearn.training.assessment import DrawnQuestion, draw_questions, grade


def make_question(
    lesson_id: str, number: int, kind: QuestionType = QuestionType.SINGLE
) -> Question:
    correct = {"b"} if kind is not QuestionType.MULTIPLE else {"a", "c"}
    options = tuple(
        Option(key, f"Option {key}", key in correct, f"Because {key}", ("1.1.1",)) for key in "abcd"
    )
    return Question(
        f"{lesson_id}-q{number}", lesson_id, kind, "What do you do?", options, ("1.1.1",)
    )


def make_course(
    lessons: int = 3, per_lesson: int = 4, size: int = 6, pass_mark: int = 80
) -> Course:
    clause = Clause("1.1.1", "1.1.1", (Block(BlockKind.PARAGRAPH, text="Text."),))
    policy = Policy(
        title="Policy",
        school="School",
        version="v1",
        sections=(Section("1", "Section 1: One", "One", (Subsection("1.1", None, (clause,)),)),),
        declaration=Declaration("Declaration of receipt", "I confirm."),
    )
    lesson_list = tuple(
        Lesson(
            id=f"lesson{index}",
            title="Lesson",
            summary="",
            clauses=("1.1.1",),
            reading_minutes=3,
            outcomes=("Know one thing.", "Know another."),
            key_points=(),
            scenarios=(WorkedScenario("A case", "What happened.", "What to do."),),
            practice=(),
            questions=tuple(make_question(f"lesson{index}", n) for n in range(per_lesson)),
        )
        for index in range(lessons)
    )
    return Course("Course", pass_mark, size, policy, lesson_list)


def test_draw_includes_at_least_one_question_from_every_lesson() -> None:
    course = make_course(lessons=5, size=6)
    for seed in range(50):
        drawn = draw_questions(course, random.Random(seed))
        lessons = {course.question(item.question_id).lesson_id for item in drawn}
        assert lessons == {lesson.id for lesson in course.lessons}


def test_draw_has_the_configured_size_without_repeats() -> None:
    drawn = draw_questions(make_course(size=9), random.Random(1))
    assert len(drawn) == 9
    assert len({item.question_id for item in drawn}) == 9


def test_draw_is_capped_by_the_size_of_the_bank() -> None:
    drawn = draw_questions(make_course(lessons=2, per_lesson=2, size=12), random.Random(1))
    assert len(drawn) == 4


def test_draw_shuffles_question_order_and_options() -> None:
    course = make_course(size=12)
    first_questions = Counter()
    option_orders = set()
    for seed in range(40):
        drawn = draw_questions(course, random.Random(seed))
        first_questions[drawn[0].question_id] += 1
        option_orders.add(drawn[0].option_keys)
    assert len(first_questions) > 3
    assert len(option_orders) > 3


def test_draw_avoids_questions_seen_last_time_where_the_bank_allows() -> None:
    course = make_course(lessons=3, per_lesson=4, size=6)
    first = draw_questions(course, random.Random(3))
    seen = frozenset(item.question_id for item in first)
    second = draw_questions(course, random.Random(4), avoid=seen)
    assert not seen & {item.question_id for item in second}


def test_grade_counts_an_answer_right_only_with_exactly_the_correct_options() -> None:
    course = make_course(lessons=1, per_lesson=1, size=1)
    question = course.lessons[0].questions[0]
    multiple = Question(
        "m",
        "lesson0",
        QuestionType.MULTIPLE,
        "?",
        make_question("x", 0, QuestionType.MULTIPLE).options,
        ("1.1.1",),
    )
    object.__setattr__(course, "_questions", {question.id: question, "m": multiple})
    drawn = [
        DrawnQuestion(question.id, ("a", "b", "c", "d")),
        DrawnQuestion("m", ("a", "b", "c", "d")),
    ]
    result = grade(course, drawn, {question.id: frozenset("b"), "m": frozenset("ac")}, 80)
    assert [r.is_correct for r in result.results] == [True, True]
    partial = grade(course, drawn, {question.id: frozenset("b"), "m": frozenset("a")}, 80)
    assert [r.is_correct for r in partial.results] == [True, False]
    extra = grade(course, drawn, {question.id: frozenset("b"), "m": frozenset("acd")}, 80)
    assert [r.is_correct for r in extra.results] == [True, False]


@pytest.mark.parametrize(
    ("correct", "total", "passed", "percent"),
    [(4, 5, True, 80), (3, 5, False, 60), (0, 5, False, 0), (5, 5, True, 100)],
    ids=["exactly-pass-mark", "below", "none-right", "all-right"],
)
def test_grade_passes_at_the_pass_mark(
    correct: int, total: int, passed: bool, percent: int
) -> None:
    course = make_course(lessons=1, per_lesson=total, size=total)
    questions = course.lessons[0].questions
    drawn = [DrawnQuestion(q.id, ("a", "b", "c", "d")) for q in questions]
    answers = {
        q.id: frozenset("b" if index < correct else "a") for index, q in enumerate(questions)
    }
    result = grade(course, drawn, answers, 80)
    assert (result.is_passed, result.score_percent, result.correct_count) == (
        passed,
        percent,
        correct,
    )


def test_grade_does_not_round_a_near_miss_up_to_a_pass() -> None:
    # 39 of 49 is 79.6 %, shown as 80 %, but below an 80 % pass mark.
    course = make_course(lessons=1, per_lesson=49, size=49)
    questions = course.lessons[0].questions
    drawn = [DrawnQuestion(q.id, ("a", "b", "c", "d")) for q in questions]
    answers = {q.id: frozenset("b" if index < 39 else "a") for index, q in enumerate(questions)}
    result = grade(course, drawn, answers, 80)
    assert result.score_percent == 80
    assert result.is_passed is False


def test_unanswered_question_is_wrong() -> None:
    course = make_course(lessons=1, per_lesson=2, size=2)
    questions = course.lessons[0].questions
    drawn = [DrawnQuestion(q.id, ("a", "b", "c", "d")) for q in questions]
    result = grade(course, drawn, {questions[0].id: frozenset("b")}, 80)
    assert [r.is_correct for r in result.results] == [True, False]
