"""`elearn content check`'s rules: bank size, coverage, policy text and a fair bank."""

from __future__ import annotations

import dataclasses
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

from elearn.content.checks import check_course, coverage
from elearn.content.loader import load_course
from elearn.content.schema import Course, Question
from tests.conftest import SHIPPED_COURSE_DIR
from tests.unit.test_assessment import make_course


@pytest.fixture
def content(tmp_path: Path) -> Path:
    target = tmp_path / "content"
    shutil.copytree(SHIPPED_COURSE_DIR, target)
    return target


def problems(course: Course, content_dir: Path | None = None) -> list[str]:
    return [str(problem) for problem in check_course(course, content_dir)]


def test_shipped_content_passes_every_check() -> None:
    assert problems(load_course(SHIPPED_COURSE_DIR), SHIPPED_COURSE_DIR) == []


def test_every_clause_is_taught_and_all_but_formal_ones_are_tested() -> None:
    rows = coverage(load_course(SHIPPED_COURSE_DIR))
    assert all(row.lessons for row in rows)
    assert [row.clause_id for row in rows if not row.questions and not row.is_formal] == []


def test_a_lesson_with_fewer_than_four_questions_fails() -> None:
    course = make_course(lessons=2, per_lesson=3, size=4)
    assert problems(course) == [
        ":1: lesson 'lesson0' has 3 assessment questions; it needs at least 4",
        ":1: lesson 'lesson1' has 3 assessment questions; it needs at least 4",
    ]


def test_a_clause_taught_by_no_lesson_fails(content: Path) -> None:
    path = content / "lessons/social-contact.yaml"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("clauses: [2.6.1, 2.6.2, 2.6.3]", "clauses: [2.6.1, 2.6.2]", 1))
    found = problems(load_course(content), content)
    assert len(found) == 1
    assert found[0].startswith("policy/social-networking-policy.yaml:")
    assert found[0].endswith("clause 2.6.3 is taught by no lesson: add it to a lesson's 'clauses'")


def test_a_policy_file_edited_by_hand_fails_against_the_policy_document(content: Path) -> None:
    path = content / "policy/social-networking-policy.yaml"
    text = path.read_text(encoding="utf-8")
    path.write_text(
        text.replace(
            "Staff should never share their work log-ins", "Staff may share their work log-ins"
        )
    )
    found = problems(load_course(content), content)
    line = next(
        n
        for n, row in enumerate(text.splitlines(), 1)
        if row.strip() in ("- id: 2.4.3", "- id: '2.4.3'")
    )
    assert found == [
        f"policy/social-networking-policy.yaml:{line}: clause 2.4.3 differs from the policy "
        "document policy/source/social-networking-policy.txt: quote the policy word for word "
        "(re-run `elearn content import-policy`)"
    ]


def _place_correct(question: Question, position: int, make_longest: bool) -> Question:
    """Put the right option at `position` (0-based), padded to be the longest if asked."""
    correct = next(o for o in question.options if o.is_correct)
    others = [o for o in question.options if not o.is_correct]
    if make_longest:
        correct = dataclasses.replace(correct, text=correct.text + " and much more besides")
    others.insert(position, correct)
    return dataclasses.replace(question, options=tuple(others))


def _rebuilt(position_of: Callable[[int], int], make_longest: bool) -> Course:
    course = make_course(lessons=3, per_lesson=4, size=6)
    lessons = tuple(
        dataclasses.replace(
            lesson,
            questions=tuple(
                _place_correct(question, position_of(index), make_longest)
                for index, question in enumerate(lesson.questions)
            ),
        )
        for lesson in course.lessons
    )
    return dataclasses.replace(course, lessons=lessons, _questions={})


def test_a_bank_whose_right_answer_is_usually_the_longest_fails() -> None:
    found = problems(_rebuilt(lambda index: index % 4, make_longest=True))
    assert found == [
        ":1: the right answer is the longest option in 12 of 12 questions (100%); at most 50% is "
        "allowed, or people learn to pick the longest"
    ]


def test_a_bank_whose_right_answer_sits_in_one_position_fails() -> None:
    found = problems(_rebuilt(lambda index: 0, make_longest=False))
    assert found == [
        ":1: the right answer is option 1 in 12 of 12 single-choice questions (100%); "
        "at most 40% may share a position"
    ]


def test_a_balanced_bank_passes_the_bias_checks() -> None:
    assert problems(_rebuilt(lambda index: index % 4, make_longest=False)) == []


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"outcomes": ("Only one",)}, "has 1 learning outcomes; give it 2 to 4"),
        ({"outcomes": ("a", "b", "c", "d", "e")}, "has 5 learning outcomes; give it 2 to 4"),
        (
            {"reading_minutes": 5},
            "takes 5 minutes to read; keep it under 5 (split it into two lessons)",
        ),
        ({"scenarios": ()}, "needs at least one worked scenario"),
    ],
    ids=["one-outcome", "five-outcomes", "five-minutes", "no-scenario"],
)
def test_a_lesson_of_the_wrong_shape_fails(change: dict[str, object], message: str) -> None:
    course = load_course(SHIPPED_COURSE_DIR)
    lesson = dataclasses.replace(course.lessons[0], **change)
    broken = dataclasses.replace(course, lessons=(lesson, *course.lessons[1:]), _questions={})
    found = problems(broken)
    assert found == [f"lessons/introduction.yaml:1: lesson 'introduction' {message}"]
