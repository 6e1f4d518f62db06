"""The rules a good course keeps, beyond what loading checks: coverage, bank size and fairness.

`check_course` returns every problem with its file and line; `coverage` gives the clause-by-clause
table that `elearn content report` prints. Pure: a loaded `Course` in, data out (`content_dir`, when
given, is read only to compare the policy with its document and to place problems in course.yaml).
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from itertools import pairwise
from pathlib import Path

from elearn.content.errors import ContentProblem
from elearn.content.question_types import kind_of
from elearn.content.schema import Course, Exhibit, Policy, Question, QuestionType
from elearn.importing import import_document

# Enough for a retake to draw questions the person has not seen yet.
MIN_QUESTIONS_PER_LESSON = 6
# Each clause that protects children is asked about in several ways, so passing takes understanding.
MIN_QUESTIONS_PER_CRITICAL_CLAUSE = 3
# True/false statements are half guessable and tend to give themselves away; scenarios test more.
MAX_SHARE_TRUE_FALSE = 0.15
# A bank question that retells a worked scenario only tests whether the person remembers the
# lesson's answer. Two situations are the same story when, once normalised, they are the same
# words, or at least half of the shorter one's word pairs (and at least eight) are in the other.
MAX_SHARED_WORD_PAIRS = 0.5
MIN_SHARED_WORD_PAIRS = 8
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
    problems += _check_citations(course)
    problems += _check_stems(course)
    problems += _check_true_false_share(course)
    problems += _check_critical_clauses(course, content_dir)
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
        if not kind_of(question).has_fixed_options
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
        if not kind_of(question).has_fixed_options and len(kind_of(question).right_answers) == 1
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


# --- Citations ------------------------------------------------------------------------------------

CITATION = re.compile(r"\(polic(?:y|ies) ([^()]*)\)")
CLAUSE_NUMBER = re.compile(r"(?<![\w.])\d+(?:\.\d+)+(?:\.p\d+|-\d+)?(?![\w-])")
APPENDIX = re.compile(r"\bAppendix ([A-Z])\b")


def _plain(text: str) -> str:
    """Lower-case words alone: "Criminal justice & public order act" -> "criminal justice and"."""
    return " ".join(re.sub(r"[^a-z0-9]+", " ", text.lower().replace("&", " and ")).split())


def cited_references(policy: Policy, feedback: str) -> Iterator[tuple[str, frozenset[str]]]:
    """Each reference in the feedback's "(policy ...)" citations, with the clauses it names.

    A reference is a printed number ("2.3.4", "1.2.3" names both clauses printed so), a clause
    ID ("1.4.p2"), a subsection ("1.4": its clauses), a headed clause by its title ("Appendix A,
    Communications Act 2003"), or an appendix by its letter alone (its unheaded paragraphs). A
    reference naming no clause of the policy comes with an empty set.
    """
    for match in CITATION.finditer(feedback):
        inside = match.group(1)
        for number in CLAUSE_NUMBER.findall(inside):
            yield number, _clauses_numbered(policy, number)
        words = _plain(inside)
        titled = frozenset(
            clause.id
            for clause in policy.clauses
            if clause.title and not clause.number and _plain(clause.title) in words
        )
        for clause_id in sorted(titled):
            yield policy.label_of(clause_id), frozenset({clause_id})
        if not titled:
            for letter in APPENDIX.findall(inside):
                yield f"Appendix {letter}", _appendix_paragraphs(policy, letter)


def _clauses_numbered(policy: Policy, number: str) -> frozenset[str]:
    clauses = {clause.id for clause in policy.clauses if number in (clause.id, clause.number)}
    if clauses:
        return frozenset(clauses)
    return frozenset(
        clause.id
        for section in policy.sections
        for sub in section.subsections
        if number in (sub.id, section.id)
        for clause in sub.clauses
    )


def _appendix_paragraphs(policy: Policy, letter: str) -> frozenset[str]:
    for section in policy.sections:
        if section.id != letter:
            continue
        clauses = section.clauses
        return frozenset(clause.id for clause in clauses if not clause.title) or frozenset(
            clause.id for clause in clauses
        )
    return frozenset()


def _check_citations(course: Course) -> list[ContentProblem]:
    """Every feedback cites the policy; what it cites exists and is what the question lists.

    A reference must name a clause in the question's or that option's `clauses`, and every clause
    listed there must be cited by some feedback of the question, so the clauses shown beside the
    answer are the ones the feedback relies on.
    """
    problems = []
    policy = course.policy
    for lesson in course.lessons:
        for question in (*lesson.practice, *lesson.questions):
            file, line = _question_place(question)
            listed = set(question.clauses)
            cited: set[str] = set()
            for number, option in enumerate(question.options, 1):
                allowed = {*question.clauses, *option.clauses}
                listed |= allowed
                which = _option_name(question, number)
                references = list(cited_references(policy, option.feedback))
                if not references:
                    problems.append(
                        ContentProblem(
                            file,
                            line,
                            f"question '{question.id}': the feedback on {which} cites no "
                            "clause; say which clause it rests on, such as (policy 2.3.4)",
                        )
                    )
                for label, clause_ids in references:
                    if not clause_ids:
                        problems.append(
                            ContentProblem(
                                file,
                                line,
                                f"question '{question.id}': the feedback on {which} cites "
                                f"policy {label}, which is not in the policy",
                            )
                        )
                    elif clause_ids.isdisjoint(allowed):
                        problems.append(
                            ContentProblem(
                                file,
                                line,
                                f"question '{question.id}': the feedback on {which} cites "
                                f"policy {label}, which is not in the 'clauses' of the question "
                                "or that option",
                            )
                        )
                    cited |= clause_ids
            problems += [
                ContentProblem(
                    file,
                    line,
                    f"question '{question.id}' lists clause {clause_id} but no feedback cites it",
                )
                for clause_id in sorted(listed - cited)
            ]
    return problems


def _option_name(question: Question, number: int) -> str:
    if kind_of(question).has_fixed_options:
        return f"'{question.options[number - 1].text.lower()}'"
    return f"option {number}"


# --- Stems, true/false share and critical clauses -------------------------------------------------


@dataclass(frozen=True)
class _Situation:
    """A situation as words, normalised, and its word pairs, to compare with others."""

    words: str
    pairs: frozenset[tuple[str, str]]

    @classmethod
    def of(cls, text: str) -> _Situation:
        words = _plain(text)
        return cls(words, frozenset(pairwise(words.split())))

    def retells(self, other: _Situation) -> bool:
        """Whether the two tell the same story (see MAX_SHARED_WORD_PAIRS)."""
        if not self.words or not other.words:
            return False
        if self.words == other.words:
            return True
        shared = len(self.pairs & other.pairs)
        smaller = min(len(self.pairs), len(other.pairs))
        return shared >= MIN_SHARED_WORD_PAIRS and shared / smaller >= MAX_SHARED_WORD_PAIRS


def _check_stems(course: Course) -> list[ContentProblem]:
    """No bank question retells a worked scenario, or puts a practice question's situation."""
    told = [
        (
            f"the worked scenario '{scenario.title}'",
            _Situation.of(scenario.situation),
            scenario.exhibit,
        )
        for lesson in course.lessons
        for scenario in lesson.scenarios
    ]
    told += [
        (
            f"the practice question '{question.id}'",
            _Situation.of(question.scenario),
            question.exhibit,
        )
        for lesson in course.lessons
        for question in lesson.practice
    ]
    asked = {
        _plain(f"{question.scenario} {question.prompt}"): question.id
        for lesson in course.lessons
        for question in lesson.practice
    }
    problems = []
    for question in course.bank:
        file, line = _question_place(question)
        situation = _Situation.of(question.scenario)
        retold = [
            name
            for name, other, exhibit in told
            if situation.retells(other) or _same_exhibit(question.exhibit, exhibit)
        ]
        practice = asked.get(_plain(f"{question.scenario} {question.prompt}"))
        if practice and f"the practice question '{practice}'" not in retold:
            retold.append(f"the practice question '{practice}'")
        problems += [
            ContentProblem(
                file,
                line,
                f"bank question '{question.id}' retells {name}; give the assessment a situation "
                "of its own",
            )
            for name in retold
        ]
    return problems


def _same_exhibit(first: Exhibit | None, second: Exhibit | None) -> bool:
    if first is None or second is None or not (first.body or first.sender):
        return False
    return (first.body, first.sender) == (second.body, second.sender)


def _check_true_false_share(course: Course) -> list[ContentProblem]:
    bank = course.bank
    true_false = [question for question in bank if question.type is QuestionType.TRUE_FALSE]
    if not bank or len(true_false) / len(bank) <= MAX_SHARE_TRUE_FALSE:
        return []
    file, line = _question_place(true_false[0])
    return [
        ContentProblem(
            file,
            line,
            f"{len(true_false)} of {len(bank)} bank questions ({len(true_false) / len(bank):.0%}) "
            f"are true/false; at most {MAX_SHARE_TRUE_FALSE:.0%} may be, so turn some into "
            "scenarios",
        )
    ]


def _check_critical_clauses(course: Course, content_dir: Path | None) -> list[ContentProblem]:
    counts = Counter(clause_id for question in course.bank for clause_id in question.clauses)
    return [
        ContentProblem(
            "course.yaml",
            _course_yaml_line(content_dir, clause_id),
            f"critical clause {clause_id} is tested by {counts[clause_id]} bank questions; it "
            f"needs at least {MIN_QUESTIONS_PER_CRITICAL_CLAUSE}",
        )
        for clause_id in course.critical_clauses
        if counts[clause_id] < MIN_QUESTIONS_PER_CRITICAL_CLAUSE
    ]


def _course_yaml_line(content_dir: Path | None, clause_id: str) -> int:
    """The line of course.yaml that marks `clause_id` critical (1 when it cannot be read)."""
    if content_dir is None:
        return 1
    try:
        lines = (content_dir / "course.yaml").read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError):
        return 1
    start = next((n for n, row in enumerate(lines) if row.startswith("critical_clauses")), None)
    if start is None:
        return 1
    item = re.compile(rf"(?<![\w.-]){re.escape(clause_id)}(?![\w.-])")
    for number in range(start, len(lines)):
        if number > start and lines[number][:1] not in (" ", "-", "#", ""):
            break
        if item.search(lines[number]):
            return number + 1
    return start + 1


def _check_policy_matches_source(course: Course, content_dir: Path) -> list[ContentProblem]:
    """Every clause in the policy file must read exactly as the policy document does."""
    source = content_dir / course.policy_source
    try:
        imported = import_document(
            source.name,
            source.read_bytes(),
            version=course.policy.version,
            school=course.policy.school,
            title=course.policy.title,
        ).policy
    except (OSError, ValueError) as error:
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
