"""Loading the content folder: the shipped course loads, and each broken copy fails precisely."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from elearn.content.errors import ContentError
from elearn.content.loader import load_course
from elearn.content.schema import QuestionType
from tests.conftest import SHIPPED_COURSE_DIR


@pytest.fixture
def content(tmp_path: Path) -> Path:
    target = tmp_path / "content"
    shutil.copytree(SHIPPED_COURSE_DIR, target)
    return target


def edit(path: Path, old: str, new: str) -> int:
    """Replace the first `old` with `new`; return the line number where it was."""
    text = path.read_text(encoding="utf-8")
    index = text.index(old)
    path.write_text(text[:index] + new + text[index + len(old) :], encoding="utf-8")
    return text[:index].count("\n") + 1


def problems_of(content: Path) -> list[str]:
    with pytest.raises(ContentError) as caught:
        load_course(content)
    return [str(problem) for problem in caught.value.problems]


def test_shipped_course_loads_every_lesson_in_order() -> None:
    course = load_course(SHIPPED_COURSE_DIR)
    assert [lesson.id for lesson in course.lessons][:3] == [
        "introduction",
        "social-media-and-expectations",
        "safer-online-behaviour",
    ]
    assert len(course.lessons) == 11
    assert course.pass_mark == 80


def test_true_false_questions_become_two_options_with_feedback() -> None:
    course = load_course(SHIPPED_COURSE_DIR)
    question = next(
        q
        for lesson in course.lessons
        for q in lesson.questions
        if q.type is QuestionType.TRUE_FALSE
    )
    assert [option.text for option in question.options] == ["True", "False"]
    assert sum(option.is_correct for option in question.options) == 1
    assert all(option.feedback for option in question.options)


def test_citing_a_clause_that_does_not_exist_names_file_and_line(content: Path) -> None:
    line = edit(content / "lessons/social-contact.yaml", "clauses: [2.6.2]", "clauses: [2.6.9]")
    assert problems_of(content) == [
        f"lessons/social-contact.yaml:{line}: clause '2.6.9' is not in the policy"
    ]


def test_option_without_feedback_is_reported(content: Path) -> None:
    path = content / "lessons/social-contact.yaml"
    text = path.read_text(encoding="utf-8")
    match = re.search(r"\n( +)feedback: Right\. The policy recognises[^\n]*", text)
    assert match
    path.write_text(text[: match.start()] + text[match.end() :], encoding="utf-8")
    line = text[: match.start()].count("\n") + 1 - 1
    problems = problems_of(content)
    assert len(problems) == 1
    assert problems[0].startswith("lessons/social-contact.yaml:")
    assert problems[0].endswith("'feedback' is missing")
    assert abs(int(problems[0].split(":")[1]) - line) <= 2


def test_single_choice_question_without_a_right_answer_is_reported(content: Path) -> None:
    path = content / "lessons/social-contact.yaml"
    text = path.read_text(encoding="utf-8")
    start = text.index("  - id: soc-cricket-club-group")
    first_correct = text.index("        correct: true\n", start)
    path.write_text(text[:first_correct] + text[first_correct + len("        correct: true\n") :])
    problems = problems_of(content)
    assert len(problems) == 1
    assert "needs exactly one correct option, not 0" in problems[0]


def test_broken_yaml_is_reported_with_its_line(content: Path) -> None:
    line = edit(content / "lessons/cyberbullying.yaml", "title:", "title: [unclosed")
    problems = problems_of(content)
    assert len(problems) == 1
    assert problems[0].startswith("lessons/cyberbullying.yaml:")
    assert "not valid YAML" in problems[0]
    assert int(problems[0].split(":")[1]) >= line


def test_a_listed_lesson_with_no_file_is_reported_against_course_yaml(content: Path) -> None:
    (content / "lessons/the-law.yaml").unlink()
    assert problems_of(content) == [
        f"course.yaml:{_line_of(content / 'course.yaml', '  - the-law')}: "
        "lesson 'the-law' has no file lessons/the-law.yaml"
    ]


def test_a_lesson_file_not_in_the_course_is_reported(content: Path) -> None:
    shutil.copy(content / "lessons/the-law.yaml", content / "lessons/extra.yaml")
    problems = problems_of(content)
    assert "lessons/extra.yaml:1: this lesson is not listed in course.yaml" in problems


def test_a_repeated_question_id_is_reported(content: Path) -> None:
    edit(
        content / "lessons/cyberbullying.yaml",
        "  - id: cyb-",
        "  - id: soc-cricket-club-group\n    x-old-id: cyb-",
    )
    problems = problems_of(content)
    assert any("question id 'soc-cricket-club-group' is already used" in p for p in problems)


def test_a_misspelt_key_is_reported(content: Path) -> None:
    line = edit(content / "lessons/social-contact.yaml", "reading_minutes:", "reading_mins:")
    assert (
        f"lessons/social-contact.yaml:{line}: unknown key 'reading_mins' in a lesson"
        in " ".join(problems_of(content))
    )


def test_every_problem_is_reported_at_once(content: Path) -> None:
    edit(content / "lessons/social-contact.yaml", "clauses: [2.6.2]", "clauses: [2.6.9]")
    edit(content / "lessons/cyberbullying.yaml", "reading_minutes:", "reading_mins:")
    files = {problem.split(":")[0] for problem in problems_of(content)}
    assert files == {"lessons/social-contact.yaml", "lessons/cyberbullying.yaml"}


def test_shipped_course_marks_its_critical_clauses() -> None:
    course = load_course(SHIPPED_COURSE_DIR)
    assert {"2.3.4", "2.5.7", "2.7.4"} <= set(course.critical_clauses)
    assert course.critical_must_pass is True


def test_a_course_without_critical_clauses_has_none_and_must_pass_by_default(
    content: Path,
) -> None:
    path = content / "course.yaml"
    text = path.read_text(encoding="utf-8")
    start = text.index("# The clauses that protect children")
    end = text.index("lessons:\n")
    path.write_text(text[:start] + text[end:], encoding="utf-8")
    course = load_course(content)
    assert (course.critical_clauses, course.critical_must_pass) == ((), True)
    assert course.critical_question_ids == frozenset()


def test_critical_questions_are_the_bank_questions_testing_a_critical_clause() -> None:
    course = load_course(SHIPPED_COURSE_DIR)
    critical = course.critical_question_ids
    assert "img-usb-stick" in critical  # tests 2.7.4
    assert "ppi-phone-left-unlocked" not in critical  # tests only 2.4.5
    assert "img-practice-found-images" not in critical  # practice, not the bank
    assert course.is_critical(course.question("soc-could-be-misread"))


@pytest.mark.parametrize(
    ("item", "message"),
    [
        ("  - 9.9.9", "critical clause '9.9.9' is not in the policy"),
        ("  - 4.1.p3", "critical clause '4.1.p3' is formal text that no question tests"),
        ("  - 2.7.4", "critical clause '2.7.4' is listed twice"),
    ],
    ids=["unknown", "formal", "twice"],
)
def test_a_bad_critical_clause_is_reported_with_its_line(
    content: Path, item: str, message: str
) -> None:
    line = edit(content / "course.yaml", "critical_must_pass:", f"{item}\ncritical_must_pass:")
    assert problems_of(content) == [f"course.yaml:{line}: {message}"]


def test_critical_must_pass_must_be_true_or_false(content: Path) -> None:
    line = edit(content / "course.yaml", "critical_must_pass: true", "critical_must_pass: always")
    assert problems_of(content) == [
        f"course.yaml:{line}: 'critical_must_pass' should be true or false"
    ]


def test_a_course_can_let_critical_questions_be_missed(content: Path) -> None:
    edit(content / "course.yaml", "critical_must_pass: true", "critical_must_pass: false")
    assert load_course(content).critical_must_pass is False


def _line_of(path: Path, text: str) -> int:
    lines = path.read_text(encoding="utf-8").splitlines()
    return next(number for number, line in enumerate(lines, 1) if line.startswith(text))
