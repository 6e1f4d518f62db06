"""The course as plain, frozen data: the policy, its lessons and its questions.

Nothing here reads files or knows about Flask; `elearn.content.loader` builds these objects from the
content folder and the rest of the app only ever sees them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum

# --- The policy -----------------------------------------------------------------------------------


class BlockKind(StrEnum):
    PARAGRAPH = "p"
    LIST = "ul"
    TABLE = "table"


@dataclass(frozen=True)
class Block:
    """One piece of a clause's text: a paragraph, a bulleted list or a table (header row first)."""

    kind: BlockKind
    text: str = ""
    items: tuple[str, ...] = ()
    rows: tuple[tuple[str, ...], ...] = ()

    def words(self) -> list[str]:
        parts = [self.text, *self.items, *(cell for row in self.rows for cell in row)]
        return " ".join(parts).split()


@dataclass(frozen=True)
class Clause:
    """The smallest citable unit of the policy, quoted verbatim.

    `id` is unique and stable; `number` is what the document printed (None for unnumbered
    paragraphs such as the principles in 1.4); `title` names headed items such as an Act in
    Appendix A. `is_formal` marks text that teaches nothing (dates, adoption) and needs no question.
    """

    id: str
    number: str | None
    blocks: tuple[Block, ...]
    title: str | None = None
    is_formal: bool = False

    @property
    def label(self) -> str:
        return self.number or self.title or self.id

    def plain_text(self) -> str:
        return " ".join(self.words())

    def words(self) -> list[str]:
        return [word for block in self.blocks for word in block.words()]


@dataclass(frozen=True)
class Subsection:
    id: str
    title: str | None
    clauses: tuple[Clause, ...]


@dataclass(frozen=True)
class Section:
    id: str
    heading: str
    title: str
    subsections: tuple[Subsection, ...]

    @property
    def clauses(self) -> tuple[Clause, ...]:
        return tuple(clause for sub in self.subsections for clause in sub.clauses)


@dataclass(frozen=True)
class PolicyDate:
    """A date as the policy prints it ("November 2023") with its label and ISO month ("2023-11")."""

    label: str
    text: str
    month: str | None


@dataclass(frozen=True)
class Declaration:
    title: str
    text: str
    return_note: str | None = None


@dataclass(frozen=True)
class PolicyWarning:
    code: str
    message: str


@dataclass(frozen=True)
class Policy:
    title: str
    school: str
    version: str
    sections: tuple[Section, ...]
    declaration: Declaration
    dates: tuple[PolicyDate, ...] = ()
    warnings: tuple[PolicyWarning, ...] = ()

    @property
    def clauses(self) -> tuple[Clause, ...]:
        return tuple(clause for section in self.sections for clause in section.clauses)

    def clause(self, clause_id: str) -> Clause:
        for clause in self.clauses:
            if clause.id == clause_id:
                return clause
        raise KeyError(clause_id)

    def label_of(self, clause_id: str) -> str:
        """How to cite a clause ("2.3.4", or an Act's name); its ID if this version lacks it."""
        try:
            return self.clause(clause_id).label
        except KeyError:
            return clause_id

    def date(self, label_word: str) -> PolicyDate | None:
        """The first date whose label contains `label_word` ("adopted", "to be reviewed")."""
        for policy_date in self.dates:
            if label_word.lower() in policy_date.label.lower():
                return policy_date
        return None


# --- Lessons and questions ------------------------------------------------------------------------


class QuestionType(StrEnum):
    SINGLE = "single"
    MULTIPLE = "multiple"
    TRUE_FALSE = "true_false"


@dataclass(frozen=True)
class Exhibit:
    """A situation shown as it would appear: a text message, a friend request, a post and replies.

    `kind` is one of message, friend_request, post, profile, note. `lines` are the comments under a
    post or the fields of a profile, as (who or label, text) pairs.
    """

    kind: str
    heading: str = ""
    sender: str = ""
    meta: str = ""
    body: str = ""
    lines: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True)
class Option:
    key: str
    text: str
    is_correct: bool
    feedback: str
    clauses: tuple[str, ...]


@dataclass(frozen=True)
class Question:
    id: str
    lesson_id: str
    type: QuestionType
    prompt: str
    options: tuple[Option, ...]
    clauses: tuple[str, ...]
    scenario: str = ""
    exhibit: Exhibit | None = None
    source: str = ""

    @property
    def correct_keys(self) -> frozenset[str]:
        return frozenset(option.key for option in self.options if option.is_correct)

    def option(self, key: str) -> Option:
        for option in self.options:
            if option.key == key:
                return option
        raise KeyError(key)


@dataclass(frozen=True)
class WorkedScenario:
    title: str
    situation: str
    what_to_do: str
    exhibit: Exhibit | None = None


@dataclass(frozen=True)
class Lesson:
    id: str
    title: str
    summary: str
    clauses: tuple[str, ...]
    reading_minutes: int
    outcomes: tuple[str, ...]
    key_points: tuple[str, ...]
    scenarios: tuple[WorkedScenario, ...]
    practice: tuple[Question, ...]
    questions: tuple[Question, ...]
    source: str = ""
    shows_full_text: bool = False  # the clauses on the page in full, not folded away


@dataclass(frozen=True)
class Course:
    """One policy's course: its folder in the content library is named by `slug`."""

    title: str
    pass_mark: int
    assessment_size: int
    policy: Policy
    lessons: tuple[Lesson, ...]
    policy_file: str = ""
    policy_text: str = ""  # the policy file as it stands, recorded with each published version
    policy_source: str = ""  # the policy document it was imported from, if shipped alongside
    slug: str = ""
    # Where the policy names the school it was written for: each phrase, and what a school that
    # adopts the course reads there instead ("{school}" stands for its own name).
    names_the_school: tuple[tuple[str, str], ...] = ()
    # The clauses that protect children (images, contact with pupils, reporting). The assessment
    # always asks about them and, when `critical_must_pass` is set, a wrong answer to a question
    # testing one of them fails the attempt whatever the score.
    critical_clauses: tuple[str, ...] = ()
    critical_must_pass: bool = True
    _questions: dict[str, Question] = field(default_factory=dict, compare=False, repr=False)

    def __post_init__(self) -> None:
        for lesson in self.lessons:
            for question in (*lesson.practice, *lesson.questions):
                self._questions[question.id] = question

    def lesson(self, lesson_id: str) -> Lesson:
        for lesson in self.lessons:
            if lesson.id == lesson_id:
                return lesson
        raise KeyError(lesson_id)

    def question(self, question_id: str) -> Question:
        return self._questions[question_id]

    def has_question(self, question_id: str) -> bool:
        return question_id in self._questions

    def lesson_index(self, lesson_id: str) -> int:
        return [lesson.id for lesson in self.lessons].index(lesson_id)

    @property
    def bank(self) -> tuple[Question, ...]:
        """Every assessment question, lesson by lesson (practice questions are not in the bank)."""
        return tuple(question for lesson in self.lessons for question in lesson.questions)

    @property
    def bank_size(self) -> int:
        return sum(len(lesson.questions) for lesson in self.lessons)

    def is_critical(self, question: Question) -> bool:
        """Whether `question` tests one of the course's critical clauses."""
        return not set(question.clauses).isdisjoint(self.critical_clauses)

    @property
    def critical_question_ids(self) -> frozenset[str]:
        """The bank questions that test a critical clause."""
        return frozenset(question.id for question in self.bank if self.is_critical(question))


@dataclass(frozen=True)
class Library:
    """Every course in the content library, by slug, in folder order."""

    courses: tuple[Course, ...]

    def course(self, slug: str) -> Course:
        for course in self.courses:
            if course.slug == slug:
                return course
        raise KeyError(slug)

    def has(self, slug: str) -> bool:
        return any(course.slug == slug for course in self.courses)

    @property
    def slugs(self) -> tuple[str, ...]:
        return tuple(course.slug for course in self.courses)
