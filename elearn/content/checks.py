"""The rules a good course keeps, beyond what loading checks: coverage, bank size and fairness.

`check_course` returns every problem with its file and line; `coverage` gives the clause-by-clause
table that `elearn content report` prints. Pure: a loaded `Course` in, data out.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from elearn.content.errors import ContentProblem
from elearn.content.policy_import import import_policy
from elearn.content.schema import Course, Question, QuestionType

MIN_QUESTIONS_PER_LESSON = 4
OUTCOMES = range(2, 5)  # 2 to 4 learning outcomes a lesson
MAX_READING_MINUTES = 4  # "under 5 minutes"
# A biased bank lets people pass by pattern, not understanding; shuffling options does not
# excuse it, because the same answer keeps the same tell (its length) wherever it is shown.
MAX_SHARE_CORRECT_IS_LONGEST = 0.5
MAX_SHARE_IN_ONE_POSITION = 0.4
MIN_QUESTIONS_FOR_BIAS_CHECKS = 10


@dataclass(frozen=True)
class ClauseCoverage:
    clause_id: str
    is_formal: bool
    lessons: tuple[str, ...]
    questions: tuple[str, ...]


def coverage(course: Course) -> list[ClauseCoverage]:
    """For each clause in policy order: the lessons that teach it and the questions that test it."""
    rows = []
    for clause in course.policy.clauses:
        lessons = tuple(lesson.id for lesson in course.lessons if clause.id in lesson.clauses)
        questions = tuple(
            question.id
            for lesson in course.lessons
            for question in (*lesson.practice, *lesson.questions)
            if clause.id in question.clauses
        )
        rows.append(ClauseCoverage(clause.id, clause.is_formal, lessons, questions))
    return rows


def _clause_line(course: Course, clause_id: str) -> int:
    pattern = re.compile(rf"^\s*-?\s*id:\s*'?{re.escape(clause_id)}'?\s*$")
    for number, line in enumerate(course.policy_text.splitlines(), start=1):
        if pattern.match(line):
            return number
    return 1


def _question_place(question: Question) -> tuple[str, int]:
    file, _, line = question.source.rpartition(":")
    return file, int(line) if line.isdigit() else 1


def check_course(course: Course, content_dir: Path | None = None) -> list[ContentProblem]:
    """Every rule the course breaks, each with file and line."""
    problems: list[ContentProblem] = []
    problems += _check_bank_sizes(course)
    problems += _check_lesson_shape(course)
    problems += _check_clauses_taught(course)
    problems += _check_bias(course)
    if content_dir is not None and course.policy_source:
        problems += _check_policy_matches_source(course, content_dir)
    return sorted(problems)


def _check_bank_sizes(course: Course) -> list[ContentProblem]:
    return [
        ContentProblem(
            lesson.source,
            1,
            f"lesson '{lesson.id}' has {len(lesson.questions)} assessment questions; "
            f"it needs at least {MIN_QUESTIONS_PER_LESSON}",
        )
        for lesson in course.lessons
        if len(lesson.questions) < MIN_QUESTIONS_PER_LESSON
    ]


def _check_lesson_shape(course: Course) -> list[ContentProblem]:
    problems = []
    for lesson in course.lessons:
        if len(lesson.outcomes) not in OUTCOMES:
            problems.append(
                ContentProblem(
                    lesson.source,
                    1,
                    f"lesson '{lesson.id}' has {len(lesson.outcomes)} learning outcomes; "
                    f"give it {OUTCOMES.start} to {OUTCOMES.stop - 1}",
                )
            )
        if lesson.reading_minutes > MAX_READING_MINUTES:
            problems.append(
                ContentProblem(
                    lesson.source,
                    1,
                    f"lesson '{lesson.id}' takes {lesson.reading_minutes} minutes to read; keep "
                    f"it under 5 (split it into two lessons)",
                )
            )
        if not lesson.scenarios:
            problems.append(
                ContentProblem(
                    lesson.source, 1, f"lesson '{lesson.id}' needs at least one worked scenario"
                )
            )
    return problems


def _check_clauses_taught(course: Course) -> list[ContentProblem]:
    return [
        ContentProblem(
            course.policy_file,
            _clause_line(course, row.clause_id),
            f"clause {row.clause_id} is taught by no lesson: add it to a lesson's 'clauses'",
        )
        for row in coverage(course)
        if not row.lessons
    ]


def _check_bias(course: Course) -> list[ContentProblem]:
    problems = []
    choice_questions = [
        question
        for lesson in course.lessons
        for question in lesson.questions
        if question.type is not QuestionType.TRUE_FALSE
    ]
    if len(choice_questions) >= MIN_QUESTIONS_FOR_BIAS_CHECKS:
        longest = [question for question in choice_questions if _correct_is_longest(question)]
        share = len(longest) / len(choice_questions)
        if share > MAX_SHARE_CORRECT_IS_LONGEST:
            file, line = _question_place(longest[0])
            problems.append(
                ContentProblem(
                    file,
                    line,
                    f"the right answer is the longest option in {len(longest)} of "
                    f"{len(choice_questions)} questions ({share:.0%}); at most "
                    f"{MAX_SHARE_CORRECT_IS_LONGEST:.0%} is allowed, or people learn to pick the "
                    "longest",
                )
            )
    single = [
        question
        for lesson in course.lessons
        for question in lesson.questions
        if question.type is QuestionType.SINGLE
    ]
    if len(single) >= MIN_QUESTIONS_FOR_BIAS_CHECKS:
        positions = Counter(
            next(index for index, option in enumerate(q.options, 1) if option.is_correct)
            for q in single
        )
        position, count = positions.most_common(1)[0]
        if count / len(single) > MAX_SHARE_IN_ONE_POSITION:
            example = next(q for q in single if q.options[position - 1].is_correct)
            file, line = _question_place(example)
            problems.append(
                ContentProblem(
                    file,
                    line,
                    f"the right answer is option {position} in {count} of {len(single)} "
                    f"single-choice questions ({count / len(single):.0%}); at most "
                    f"{MAX_SHARE_IN_ONE_POSITION:.0%} may share a position",
                )
            )
    return problems


def _correct_is_longest(question: Question) -> bool:
    longest = max(len(option.text) for option in question.options)
    correct = [option for option in question.options if option.is_correct]
    wrong_longest = max(
        (len(option.text) for option in question.options if not option.is_correct), default=0
    )
    return any(len(option.text) == longest for option in correct) and longest > wrong_longest


def _check_policy_matches_source(course: Course, content_dir: Path) -> list[ContentProblem]:
    """Every clause in the policy file must read exactly as the policy document does."""
    source = content_dir / course.policy_source
    try:
        imported = import_policy(source.read_text(encoding="utf-8"), version=course.policy.version)
    except (OSError, UnicodeDecodeError, ValueError) as error:
        return [
            ContentProblem(course.policy_source, 1, f"cannot read the policy document: {error}")
        ]
    expected = {clause.id: clause for clause in imported.clauses}
    problems = []
    for clause in course.policy.clauses:
        original = expected.pop(clause.id, None)
        if original is None:
            message = f"clause {clause.id} is not in the policy document {course.policy_source}"
        elif original.blocks != clause.blocks:
            message = (
                f"clause {clause.id} differs from the policy document {course.policy_source}: "
                "quote the policy word for word (re-run `elearn content import-policy`)"
            )
        else:
            continue
        problems.append(
            ContentProblem(course.policy_file, _clause_line(course, clause.id), message)
        )
    problems += [
        ContentProblem(
            course.policy_file, 1, f"clause {clause_id} of the policy document is missing here"
        )
        for clause_id in expected
    ]
    if imported.declaration != course.policy.declaration:
        problems.append(
            ContentProblem(
                course.policy_file,
                _clause_line(course, "declaration"),
                "the declaration differs from the policy document's declaration of receipt",
            )
        )
    return problems
