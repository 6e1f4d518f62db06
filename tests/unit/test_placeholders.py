"""A course as each school reads it: its own name wherever the course names the school."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from elearn.content.errors import ContentError
from elearn.content.loader import load_course, load_library
from elearn.content.placeholders import course_for_school, is_same_school
from elearn.content.schema import Course
from tests.conftest import FIXTURE_LIBRARY, SHIPPED_COURSE_DIR

OAKFIELD = "Oakfield Primary School"


def everything_read(course: Course) -> str:
    """All the text a member of staff could read in a course, as one string."""
    return repr((course.policy, course.lessons))


def test_another_school_reads_its_own_name_in_the_declaration(course: Course) -> None:
    filled = course_for_school(course, OAKFIELD)
    assert filled.policy.declaration.text.startswith(
        "I confirm that I have read Oakfield Primary School’s Social Networking Policy"
    )


def test_nothing_another_school_reads_names_thorners(course: Course) -> None:
    filled = course_for_school(course, OAKFIELD)
    assert "Thorner" not in everything_read(filled)
    assert "{school}" not in everything_read(filled)
    assert filled.policy.school == OAKFIELD
    assert "Thorner" not in filled.policy_text.split("\n", 2)[2]  # the header names the source


def test_the_policy_names_the_school_where_it_named_its_own(course: Course) -> None:
    filled = course_for_school(course, OAKFIELD)
    assert (
        filled.policy.clause("1.2.1")
        .plain_text()
        .startswith(
            "This document applies to all staff who work in Oakfield Primary School as adopted"
        )
    )


def test_the_school_the_policy_was_written_for_reads_it_word_for_word(course: Course) -> None:
    filled = course_for_school(course, "Thorner's CE VA Primary School")
    assert filled.policy == course.policy
    assert filled.policy_text == course.policy_text


def test_lessons_name_the_school_they_are_read_at(course: Course) -> None:
    filled = course_for_school(course, OAKFIELD)
    lesson = filled.lesson("safer-online-behaviour")
    works_at = [
        text
        for scenario in lesson.scenarios
        if scenario.exhibit
        for label, text in scenario.exhibit.lines
        if label == "Works at"
    ]
    assert works_at == [f"Teaching assistant at {OAKFIELD}"]


def test_a_filled_course_is_made_once_per_school(course: Course) -> None:
    assert course_for_school(course, OAKFIELD) is course_for_school(course, OAKFIELD)
    assert course_for_school(course, OAKFIELD) is not course_for_school(course, "Elm Academy")


@pytest.mark.parametrize(
    ("first", "second", "same"),
    [
        ("Thorner's CE VA Primary School", "Thorner’s Church of England VA Primary School", True),
        ("  oakfield primary school ", "Oakfield Primary School", True),
        ("Oakfield Primary School", "Oakfield Infant School", False),
    ],
    ids=["church-of-england-and-curly-quote", "case-and-spaces", "another-school"],
)
def test_same_school_despite_spelling(first: str, second: str, same: bool) -> None:
    assert is_same_school(first, second) is same


def test_the_second_fixture_course_reads_the_schools_name_too() -> None:
    library = load_library(FIXTURE_LIBRARY)
    aup = library.course("acceptable-use")
    filled = course_for_school(aup, "Thorner's CE VA Primary School")
    assert "Oakfield" not in everything_read(filled)
    assert filled.policy.declaration.text == (
        "I confirm that I have read Thorner's CE VA Primary School’s Staff Acceptable Use Policy "
        "and agree to follow it."
    )


def test_a_library_is_a_folder_of_courses_named_by_their_folders() -> None:
    library = load_library(FIXTURE_LIBRARY)
    assert library.slugs == ("acceptable-use",)
    assert load_library(SHIPPED_COURSE_DIR).slugs == ("social-networking",)


def copy_course(tmp_path: Path) -> Path:
    target = tmp_path / "acceptable-use"
    shutil.copytree(FIXTURE_LIBRARY / "acceptable-use", target)
    return target


def test_a_phrase_the_policy_never_says_is_a_problem_with_its_line(tmp_path: Path) -> None:
    folder = copy_course(tmp_path)
    course_file = folder / "course.yaml"
    course_file.write_text(
        course_file.read_text(encoding="utf-8").replace(
            '"Oakfield Primary School"', '"Oakfield Junior School"'
        ),
        encoding="utf-8",
    )
    with pytest.raises(ContentError) as raised:
        load_course(folder)
    assert [str(p) for p in raised.value.problems] == [
        "course.yaml:11: the policy never says 'Oakfield Junior School'"
    ]


def test_a_replacement_without_the_placeholder_is_a_problem(tmp_path: Path) -> None:
    folder = copy_course(tmp_path)
    course_file = folder / "course.yaml"
    course_file.write_text(
        course_file.read_text(encoding="utf-8").replace('"{school}"', '"our school"'),
        encoding="utf-8",
    )
    with pytest.raises(ContentError, match="must contain \\{school\\}"):
        load_course(folder)


def test_a_folder_name_that_cannot_be_a_slug_is_a_problem(tmp_path: Path) -> None:
    target = tmp_path / "Acceptable Use"
    shutil.copytree(FIXTURE_LIBRARY / "acceptable-use", target)
    with pytest.raises(ContentError, match="cannot name a course"):
        load_course(target)


def test_filling_keeps_every_question_type_and_block_kind(course: Course) -> None:
    filled = course_for_school(course, OAKFIELD)
    for original, copy in zip(course.lessons, filled.lessons, strict=True):
        for before, after in zip(original.questions, copy.questions, strict=True):
            assert after.type is before.type
    for before, after in zip(course.policy.clauses, filled.policy.clauses, strict=True):
        assert [block.kind for block in after.blocks] == [block.kind for block in before.blocks]
        assert all(
            type(block.kind) is type(old.kind)
            for block, old in zip(after.blocks, before.blocks, strict=True)
        )
