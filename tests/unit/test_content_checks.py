"""`elearn content check`'s rules: bank size, coverage, policy text, citations and a fair bank."""

from __future__ import annotations

import dataclasses
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

from elearn.content.checks import check_course, cited_references, coverage
from elearn.content.loader import load_course
from elearn.content.schema import Course, Question, QuestionType
from tests.conftest import SHIPPED_COURSE_DIR
from tests.unit.test_assessment import make_course as make_bare_course


@pytest.fixture
def content(tmp_path: Path) -> Path:
    target = tmp_path / "content"
    shutil.copytree(SHIPPED_COURSE_DIR, target)
    return target


def problems(course: Course, content_dir: Path | None = None) -> list[str]:
    return [str(problem) for problem in check_course(course, content_dir)]


def make_course(lessons: int = 3, per_lesson: int = 6, size: int = 6) -> Course:
    """A small, fair course: feedback cites the clause tested, right answers move about."""
    course = make_bare_course(lessons=lessons, per_lesson=per_lesson, size=size)

    def fair(question: Question) -> Question:
        turn = int(question.id.rpartition("q")[2]) % len(question.options)
        options = tuple(
            dataclasses.replace(option, feedback=f"{option.feedback} (policy 1.1.1).")
            for option in (*question.options[turn:], *question.options[:turn])
        )
        return dataclasses.replace(question, options=options)

    return _with_bank(course, fair)


def _with_bank(course: Course, change: Callable[[Question], Question]) -> Course:
    lessons = tuple(
        dataclasses.replace(lesson, questions=tuple(change(q) for q in lesson.questions))
        for lesson in course.lessons
    )
    return dataclasses.replace(course, lessons=lessons, _questions={})


def edit(path: Path, old: str, new: str) -> int:
    """Replace the first `old` with `new`; return the line number where it was."""
    text = path.read_text(encoding="utf-8")
    index = text.index(old)
    path.write_text(text[:index] + new + text[index + len(old) :], encoding="utf-8")
    return text[:index].count("\n") + 1


def question_line(path: Path, question_id: str) -> int:
    lines = path.read_text(encoding="utf-8").splitlines()
    return next(n for n, line in enumerate(lines, 1) if line == f"  - id: {question_id}")


def test_shipped_content_passes_every_check() -> None:
    assert problems(load_course(SHIPPED_COURSE_DIR), SHIPPED_COURSE_DIR) == []


def test_every_clause_is_taught_and_all_but_formal_ones_are_tested() -> None:
    rows = coverage(load_course(SHIPPED_COURSE_DIR))
    assert all(row.lessons for row in rows)
    assert [row.clause_id for row in rows if not row.questions and not row.is_formal] == []


def test_a_lesson_with_fewer_than_six_questions_fails() -> None:
    course = make_course(lessons=2, per_lesson=5, size=4)
    assert problems(course) == [
        ":1: lesson 'lesson0' has 5 assessment questions; it needs at least 6",
        ":1: lesson 'lesson1' has 5 assessment questions; it needs at least 6",
    ]


def test_a_lesson_with_six_questions_passes() -> None:
    assert problems(make_course(lessons=2, per_lesson=6, size=4)) == []


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
    course = make_course(lessons=3, per_lesson=6, size=6)
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
        ":1: the right answer is the longest option in 18 of 18 questions (100%); at most 50% is "
        "allowed, or people learn to pick the longest"
    ]


def test_a_bank_whose_right_answer_sits_in_one_position_fails() -> None:
    found = problems(_rebuilt(lambda index: 0, make_longest=False))
    assert found == [
        ":1: the right answer is option 1 in 18 of 18 single-choice questions (100%); "
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


# --- Citations: what feedback cites exists and is what the question lists -------------------------


@pytest.mark.parametrize(
    ("feedback", "expected"),
    [
        ("Right (policy 2.3.4).", [("2.3.4", {"2.3.4"})]),
        ("See (policy 2.3.4 and 2.3.5).", [("2.3.4", {"2.3.4"}), ("2.3.5", {"2.3.5"})]),
        ("Both clauses printed 1.2.3 (policy 1.2.3).", [("1.2.3", {"1.2.3", "1.2.3-2"})]),
        ("The principles (policy 1.4).", [("1.4", {"1.4.p1", "1.4.p2", "1.4.p3"})]),
        (
            "(policy Appendix A, Criminal Justice and Public Order Act 1994)",
            [
                (
                    "Criminal justice & public order act 1994",
                    {"A.criminal-justice-public-order-act-1994"},
                )
            ],
        ),
        ("Offline and online alike (policy Appendix A).", [("Appendix A", {"A.p1"})]),
        ("No such clause (policy 2.9.9).", [("2.9.9", set())]),
        ("School practice, with no clause at all.", []),
    ],
    ids=["one", "two", "printed-twice", "subsection", "act", "appendix", "unknown", "none"],
)
def test_feedback_citations_name_the_clauses_they_cite(
    feedback: str, expected: list[tuple[str, set[str]]]
) -> None:
    policy = load_course(SHIPPED_COURSE_DIR).policy
    found = [(label, set(ids)) for label, ids in cited_references(policy, feedback)]
    assert found == expected


def test_feedback_citing_a_clause_the_question_does_not_list_fails(content: Path) -> None:
    path = content / "lessons/social-contact.yaml"
    edit(
        path,
        "social circle, and that is fine when the contact is easily recognised and openly "
        "acknowledged (policy 2.6.2).",
        "social circle (policy 2.6.1).",
    )
    line = question_line(path, "soc-cricket-club-group")
    assert problems(load_course(content), content) == [
        f"lessons/social-contact.yaml:{line}: question 'soc-cricket-club-group': the feedback on "
        "option 2 cites policy 2.6.1, which is not in the 'clauses' of the question or that option"
    ]


def test_feedback_citing_a_clause_not_in_the_policy_fails(content: Path) -> None:
    path = content / "lessons/social-contact.yaml"
    edit(path, "Talk about his son's schooling through the school.", "See (policy 2.6.9).")
    line = question_line(path, "soc-cricket-club-group")
    assert problems(load_course(content), content) == [
        f"lessons/social-contact.yaml:{line}: question 'soc-cricket-club-group': the feedback on "
        "option 2 cites policy 2.6.9, which is not in the policy"
    ]


def test_feedback_that_cites_no_clause_fails(content: Path) -> None:
    path = content / "lessons/social-contact.yaml"
    edit(
        path,
        "More cautious than the policy. Social contact between staff and parents in the same "
        "circle is fine when it is easily recognised and openly acknowledged (policy 2.6.2).",
        "More cautious than it needs to be.",
    )
    line = question_line(path, "soc-cricket-club-group")
    assert problems(load_course(content), content) == [
        f"lessons/social-contact.yaml:{line}: question 'soc-cricket-club-group': the feedback on "
        "option 1 cites no clause; say which clause it rests on, such as (policy 2.3.4)"
    ]


def test_feedback_may_cite_only_its_own_options_clauses(content: Path) -> None:
    path = content / "lessons/social-contact.yaml"
    edit(
        path,
        "what makes contact like this open to misunderstanding (policy 2.6.3).",
        "what makes contact like this open to misunderstanding (policy 2.6.2).",
    )
    line = question_line(path, "soc-private-tutoring")
    assert problems(load_course(content), content) == [
        f"lessons/social-contact.yaml:{line}: question 'soc-private-tutoring': the feedback on "
        "option 4 cites policy 2.6.2, which is not in the 'clauses' of the question or that option"
    ]


def test_a_listed_clause_that_no_feedback_cites_fails(content: Path) -> None:
    path = content / "lessons/social-contact.yaml"
    edit(
        path,
        "  - id: soc-cricket-club-group\n    type: single\n    clauses: [2.6.2, 2.6.3]",
        "  - id: soc-cricket-club-group\n    type: single\n    clauses: [2.6.2, 2.6.3, 2.6.1]",
    )
    line = question_line(path, "soc-cricket-club-group")
    assert problems(load_course(content), content) == [
        f"lessons/social-contact.yaml:{line}: question 'soc-cricket-club-group' lists clause "
        "2.6.1 but no feedback cites it"
    ]


# --- Stems: the bank doesn't retell the lessons ---------------------------------------------------


def test_a_bank_question_retelling_a_worked_scenario_fails(content: Path) -> None:
    path = content / "lessons/social-contact.yaml"
    edit(
        path,
        "      Playing an online game at home, you see a colleague's gamertag in a voice chat with "
        "three Year 6 boys from your school. From their chat, it is clearly a regular thing.\n",
        "      Finn, your son's best friend, is in Year 5 at the school where you work. The day "
        "after a sleepover at your house he asks to follow you on Instagram.\n",
    )
    line = question_line(path, "soc-colleague-games-with-pupils")
    assert problems(load_course(content), content) == [
        f"lessons/social-contact.yaml:{line}: bank question 'soc-colleague-games-with-pupils' "
        "retells the worked scenario 'After the sleepover'; give the assessment a situation of "
        "its own"
    ]


def test_a_bank_question_sharing_a_worked_scenarios_exhibit_fails(content: Path) -> None:
    path = content / "lessons/communicating-with-pupils.yaml"
    edit(
        path,
        "      body: sir can i tell u something. mums boyfriend is back and i dont want to go home "
        "this weekend. dont tell anyone\n",
        "      body: Miss can I tell you something but you have to promise not to tell anyone. "
        "Things at home are really bad and I don't want to go back after school tomorrow\n",
    )
    edit(path, "      sender: Ellis (Year 6)\n", "      sender: Lily B (Year 5)\n")
    line = question_line(path, "cwp-friday-disclosure")
    assert problems(load_course(content), content) == [
        f"lessons/communicating-with-pupils.yaml:{line}: bank question 'cwp-friday-disclosure' "
        "retells the worked scenario 'An email late at night'; give the assessment a situation "
        "of its own"
    ]


def test_a_bank_question_asking_a_practice_question_again_fails() -> None:
    course = load_course(SHIPPED_COURSE_DIR)
    practice = course.question("soc-practice-lonely-pupil")
    copy = dataclasses.replace(practice, id="soc-lonely-again", lesson_id="social-contact")
    lesson = course.lesson("social-contact")
    changed = dataclasses.replace(lesson, questions=(*lesson.questions, copy))
    lessons = tuple(changed if item.id == lesson.id else item for item in course.lessons)
    found = problems(dataclasses.replace(course, lessons=lessons, _questions={}))
    assert (
        f"{practice.source}: bank question 'soc-lonely-again' retells the practice question "
        "'soc-practice-lonely-pupil'; give the assessment a situation of its own"
    ) in found


# --- True/false share and critical clauses ------------------------------------------------------


def _as_true_false(course: Course, count: int) -> Course:
    """The course with its first `count` single-choice bank questions marked true/false."""
    chosen = {question.id for question in course.bank if question.type is QuestionType.SINGLE}
    chosen = set(sorted(chosen)[:count])
    return _with_bank(
        course,
        lambda question: (
            dataclasses.replace(question, type=QuestionType.TRUE_FALSE)
            if question.id in chosen
            else question
        ),
    )


def test_a_bank_with_too_many_true_false_questions_fails() -> None:
    course = load_course(SHIPPED_COURSE_DIR)
    size = course.bank_size
    existing = sum(q.type is QuestionType.TRUE_FALSE for q in course.bank)
    too_many = int(size * 0.15) + 1
    found = problems(_as_true_false(course, too_many - existing))
    share = too_many / size
    assert [problem for problem in found if "true/false" in problem] == [
        f"{next(q for q in course.bank if q.type is QuestionType.TRUE_FALSE).source}: "
        f"{too_many} of {size} bank questions ({share:.0%}) are true/false; at most 15% may be, "
        "so turn some into scenarios"
    ]


def test_a_bank_with_fifteen_per_cent_true_false_passes_that_check() -> None:
    course = load_course(SHIPPED_COURSE_DIR)
    existing = sum(q.type is QuestionType.TRUE_FALSE for q in course.bank)
    allowed = int(course.bank_size * 0.15)
    found = problems(_as_true_false(course, allowed - existing))
    assert [problem for problem in found if "true/false" in problem] == []


def test_a_critical_clause_with_fewer_than_three_bank_questions_fails(content: Path) -> None:
    line = edit(content / "course.yaml", "critical_must_pass:", "  - 2.4.5\ncritical_must_pass:")
    assert problems(load_course(content), content) == [
        f"course.yaml:{line}: critical clause 2.4.5 is tested by 2 bank questions; it needs at "
        "least 3"
    ]


def test_every_shipped_critical_clause_has_three_bank_questions() -> None:
    course = load_course(SHIPPED_COURSE_DIR)
    assert course.critical_clauses
    for clause_id in course.critical_clauses:
        assert sum(clause_id in q.clauses for q in course.bank) >= 3, clause_id
