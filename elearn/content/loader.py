"""Read the content library into `Course`s, reporting every problem with its file and line.

The library holds one folder per policy's course; the folder's name is the course's slug. A course
folder holds `course.yaml`, the structured policy it names and one YAML file per lesson (see
`content/README.md`). `load_course` either returns a complete, consistent course or raises
`ContentError` listing all that is wrong, so a school editing the files sees every mistake at once;
`load_library` does the same for every course in the library.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from elearn.content.errors import ContentError, ContentProblem
from elearn.content.policy_file import load_policy
from elearn.content.schema import (
    Course,
    Exhibit,
    Lesson,
    Library,
    Option,
    Policy,
    Question,
    QuestionType,
    WorkedScenario,
)
from elearn.content.yamlfile import LineDict, LineList, read_yaml

EXHIBIT_KINDS = frozenset({"message", "friend_request", "post", "profile", "note"})
OPTION_KEYS = "abcdefgh"
SLUG = re.compile(r"[a-z0-9][a-z0-9-]{0,59}")
SCHOOL_PLACEHOLDER = "{school}"


class _FileReader:
    """Typed access to one parsed file's values, noting a problem instead of raising."""

    def __init__(self, name: str, problems: list[ContentProblem]) -> None:
        self.name = name
        self.problems = problems

    def problem(self, line: int, message: str) -> None:
        self.problems.append(ContentProblem(self.name, line, message))

    def mapping(self, value: Any, line: int, what: str) -> LineDict | None:
        if isinstance(value, LineDict):
            return value
        self.problem(line, f"{what} should be a set of 'key: value' lines")
        return None

    def text(self, data: LineDict, key: str, *, required: bool = True) -> str:
        value = data.get(key)
        if value is None:
            if required:
                self.problem(data.line, f"'{key}' is missing")
            return ""
        if isinstance(value, bool | LineDict | LineList):
            self.problem(data.line_of(key), f"'{key}' should be text")
            return ""
        text = str(value).strip()
        if required and not text:
            self.problem(data.line_of(key), f"'{key}' is empty")
        return text

    def texts(self, data: LineDict, key: str, *, required: bool = True) -> tuple[str, ...]:
        value = data.get(key)
        if value is None:
            if required:
                self.problem(data.line, f"'{key}' is missing")
            return ()
        if not isinstance(value, LineList):
            self.problem(data.line_of(key), f"'{key}' should be a list")
            return ()
        items = []
        for item, line in zip(value, value.item_lines, strict=True):
            if isinstance(item, LineDict | LineList) or item is None or str(item).strip() == "":
                self.problem(line, f"each item of '{key}' should be a line of text")
                continue
            items.append(str(item).strip())
        return tuple(items)

    def items(self, data: LineDict, key: str, *, required: bool = True) -> list[tuple[Any, int]]:
        value = data.get(key)
        if value is None:
            if required:
                self.problem(data.line, f"'{key}' is missing")
            return []
        if not isinstance(value, LineList):
            self.problem(data.line_of(key), f"'{key}' should be a list")
            return []
        return list(zip(value, value.item_lines, strict=True))

    def integer(self, data: LineDict, key: str, default: int, low: int, high: int) -> int:
        value = data.get(key, default)
        if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
            self.problem(
                data.line_of(key), f"'{key}' should be a whole number from {low} to {high}"
            )
            return default
        return value

    def boolean(self, data: LineDict, key: str, *, default: bool) -> bool:
        value = data.get(key, default)
        if not isinstance(value, bool):
            self.problem(data.line_of(key), f"'{key}' should be true or false")
            return default
        return value

    def unknown_keys(self, data: LineDict, allowed: set[str], what: str) -> None:
        for key in data:
            if key not in allowed:
                known = ", ".join(sorted(allowed))
                self.problem(
                    data.line_of(key), f"unknown key '{key}' in {what} (expected: {known})"
                )


def load_library(library_dir: str | Path) -> Library:
    """Load every course in the library; raise `ContentError` with every problem in any of them.

    Each sub-folder holding a `course.yaml` is a course. A folder that is itself a course (it
    holds `course.yaml`) is a library of that one course.
    """
    root = Path(library_dir)
    if (root / "course.yaml").is_file():
        folders = [root]
    else:
        folders = sorted(path.parent for path in root.glob("*/course.yaml"))
    if not folders:
        raise ContentError(
            [
                ContentProblem(
                    str(root.name or root), 1, "no course here: no folder with course.yaml"
                )
            ]
        )
    courses: list[Course] = []
    problems: list[ContentProblem] = []
    for folder in folders:
        prefix = "" if folder == root else f"{folder.name}/"
        try:
            courses.append(load_course(folder))
        except ContentError as error:
            problems += [
                ContentProblem(f"{prefix}{problem.file}", problem.line, problem.message)
                for problem in error.problems
            ]
    if problems:
        raise ContentError(problems)
    return Library(tuple(courses))


def load_course(content_dir: str | Path) -> Course:
    """Load and validate one course folder; raise `ContentError` with every problem found."""
    root = Path(content_dir).resolve()
    slug = root.name
    problems: list[ContentProblem] = []
    data, read_problems = read_yaml(root / "course.yaml", "course.yaml")
    problems += read_problems
    if data is None:
        raise ContentError(problems)
    reader = _FileReader("course.yaml", problems)
    course_data = reader.mapping(data, 1, "course.yaml")
    if course_data is None:
        raise ContentError(problems)
    reader.unknown_keys(
        course_data,
        {
            "title",
            "policy",
            "policy_source",
            "pass_mark",
            "assessment_size",
            "lessons",
            "names_the_school",
            "critical_clauses",
            "critical_must_pass",
        },
        "course.yaml",
    )
    if not SLUG.fullmatch(slug):
        reader.problem(
            1,
            f"the folder name '{slug}' cannot name a course: use lower-case letters, digits and "
            "hyphens, such as social-networking",
        )
    title = reader.text(course_data, "title")
    policy_name = reader.text(course_data, "policy")
    policy_source = reader.text(course_data, "policy_source", required=False)
    if policy_source and not (root / policy_source).is_file():
        reader.problem(
            course_data.line_of("policy_source"), f"policy document '{policy_source}' not found"
        )
    pass_mark = reader.integer(course_data, "pass_mark", 80, 1, 100)
    assessment_size = reader.integer(course_data, "assessment_size", 12, 1, 200)
    lesson_ids = reader.texts(course_data, "lessons")

    policy = _load_policy(root, policy_name, course_data, reader)
    if policy is None:
        raise ContentError(problems)
    names_the_school = _names_the_school(reader, course_data, policy)
    critical_clauses = _critical_clauses(reader, course_data, policy)
    critical_must_pass = reader.boolean(course_data, "critical_must_pass", default=True)

    clause_ids = {clause.id for clause in policy.clauses}
    lessons: list[Lesson] = []
    seen_lessons: set[str] = set()
    for lesson_id, line in zip(lesson_ids, _item_lines(course_data, "lessons"), strict=False):
        if lesson_id in seen_lessons:
            reader.problem(line, f"lesson '{lesson_id}' is listed twice")
            continue
        seen_lessons.add(lesson_id)
        lesson = _load_lesson(root, lesson_id, clause_ids, problems)
        if lesson is None and not (root / "lessons" / f"{lesson_id}.yaml").exists():
            reader.problem(line, f"lesson '{lesson_id}' has no file lessons/{lesson_id}.yaml")
        if lesson is not None:
            lessons.append(lesson)
    lessons_dir = root / "lessons"
    if lessons_dir.is_dir():
        for path in sorted(lessons_dir.glob("*.yaml")):
            if path.stem not in seen_lessons:
                problems.append(
                    ContentProblem(
                        f"lessons/{path.name}", 1, "this lesson is not listed in course.yaml"
                    )
                )
    _check_unique_question_ids(lessons, problems)
    if problems:
        raise ContentError(problems)
    return Course(
        title=title,
        pass_mark=pass_mark,
        assessment_size=assessment_size,
        policy=policy,
        lessons=tuple(lessons),
        policy_file=policy_name,
        policy_text=(root / policy_name).read_text(encoding="utf-8"),
        policy_source=policy_source,
        slug=slug,
        names_the_school=names_the_school,
        critical_clauses=critical_clauses,
        critical_must_pass=critical_must_pass,
    )


def _names_the_school(
    reader: _FileReader, course_data: LineDict, policy: Policy
) -> tuple[tuple[str, str], ...]:
    """The phrases by which the policy names its own school, and what other schools read there."""
    if "names_the_school" not in course_data:
        return ()
    mapping = reader.mapping(
        course_data["names_the_school"],
        course_data.line_of("names_the_school"),
        "'names_the_school'",
    )
    if mapping is None:
        return ()
    words = _policy_words(policy)
    pairs = []
    for phrase, replacement in mapping.items():
        line = mapping.line_of(phrase)
        if not isinstance(replacement, str) or SCHOOL_PLACEHOLDER not in replacement:
            reader.problem(line, f"what replaces '{phrase}' must contain {SCHOOL_PLACEHOLDER}")
            continue
        if phrase not in words:
            reader.problem(line, f"the policy never says '{phrase}'")
            continue
        pairs.append((phrase, replacement))
    return tuple(pairs)


def _critical_clauses(
    reader: _FileReader, course_data: LineDict, policy: Policy
) -> tuple[str, ...]:
    """The clauses marked critical: each must be a clause of the policy that teaches something."""
    cited = reader.texts(course_data, "critical_clauses", required=False)
    formal = {clause.id for clause in policy.clauses if clause.is_formal}
    known = {clause.id for clause in policy.clauses}
    lines = _item_lines(course_data, "critical_clauses")
    seen: set[str] = set()
    for clause_id, line in zip(cited, lines, strict=False):
        if clause_id not in known:
            reader.problem(line, f"critical clause '{clause_id}' is not in the policy")
        elif clause_id in formal:
            reader.problem(
                line, f"critical clause '{clause_id}' is formal text that no question tests"
            )
        elif clause_id in seen:
            reader.problem(line, f"critical clause '{clause_id}' is listed twice")
        seen.add(clause_id)
    return tuple(dict.fromkeys(cited))


def _policy_words(policy: Policy) -> str:
    texts = [policy.school, policy.declaration.text]
    texts += [" ".join(clause.words()) for clause in policy.clauses]
    return "\n".join(texts)


def _item_lines(data: LineDict, key: str) -> list[int]:
    value = data.get(key)
    return value.item_lines if isinstance(value, LineList) else []


def _load_policy(
    root: Path, policy_name: str, course_data: LineDict, reader: _FileReader
) -> Policy | None:
    if not policy_name:
        return None
    path = root / policy_name
    if not path.is_file():
        reader.problem(course_data.line_of("policy"), f"policy file '{policy_name}' not found")
        return None
    try:
        return load_policy(path, display_name=policy_name)
    except ContentError as error:
        reader.problems.extend(error.problems)
        return None


def _load_lesson(
    root: Path, lesson_id: str, clause_ids: set[str], problems: list[ContentProblem]
) -> Lesson | None:
    name = f"lessons/{lesson_id}.yaml"
    path = root / name
    if not path.is_file():
        return None
    data, read_problems = read_yaml(path, name)
    problems += read_problems
    if data is None:
        return None
    reader = _FileReader(name, problems)
    lesson_data = reader.mapping(data, 1, "a lesson file")
    if lesson_data is None:
        return None
    reader.unknown_keys(
        lesson_data,
        {
            "title",
            "summary",
            "clauses",
            "reading_minutes",
            "outcomes",
            "key_points",
            "scenarios",
            "practice",
            "questions",
        },
        "a lesson",
    )
    clauses = _clause_list(reader, lesson_data, "clauses", clause_ids, required=True)
    scenarios = []
    for item, line in reader.items(lesson_data, "scenarios"):
        scenario = reader.mapping(item, line, "a scenario")
        if scenario is None:
            continue
        reader.unknown_keys(scenario, {"title", "situation", "what_to_do", "exhibit"}, "a scenario")
        scenarios.append(
            WorkedScenario(
                title=reader.text(scenario, "title"),
                situation=reader.text(scenario, "situation"),
                what_to_do=reader.text(scenario, "what_to_do"),
                exhibit=_exhibit(reader, scenario),
            )
        )
    practice = _questions(reader, lesson_data, "practice", lesson_id, clause_ids, clauses)
    questions = _questions(reader, lesson_data, "questions", lesson_id, clause_ids, clauses)
    return Lesson(
        id=lesson_id,
        title=reader.text(lesson_data, "title"),
        summary=reader.text(lesson_data, "summary"),
        clauses=clauses,
        reading_minutes=reader.integer(lesson_data, "reading_minutes", 3, 1, 30),
        outcomes=reader.texts(lesson_data, "outcomes"),
        key_points=reader.texts(lesson_data, "key_points"),
        scenarios=tuple(scenarios),
        practice=practice,
        questions=questions,
        source=name,
    )


def _clause_list(
    reader: _FileReader, data: LineDict, key: str, clause_ids: set[str], *, required: bool
) -> tuple[str, ...]:
    cited = reader.texts(data, key, required=required)
    for clause_id in cited:
        if clause_id not in clause_ids:
            reader.problem(data.line_of(key), f"clause '{clause_id}' is not in the policy")
    return cited


def _exhibit(reader: _FileReader, data: LineDict) -> Exhibit | None:
    if "exhibit" not in data:
        return None
    exhibit = reader.mapping(data["exhibit"], data.line_of("exhibit"), "'exhibit'")
    if exhibit is None:
        return None
    reader.unknown_keys(
        exhibit, {"kind", "heading", "sender", "meta", "body", "lines"}, "an exhibit"
    )
    kind = reader.text(exhibit, "kind")
    if kind and kind not in EXHIBIT_KINDS:
        allowed = ", ".join(sorted(EXHIBIT_KINDS))
        reader.problem(exhibit.line_of("kind"), f"exhibit kind '{kind}' is not one of {allowed}")
    lines = []
    for item, line in reader.items(exhibit, "lines", required=False):
        if not isinstance(item, LineList) or len(item) != 2:
            reader.problem(line, "each of an exhibit's 'lines' should be a pair: [who, text]")
            continue
        lines.append((str(item[0]).strip(), str(item[1]).strip()))
    return Exhibit(
        kind=kind,
        heading=reader.text(exhibit, "heading", required=False),
        sender=reader.text(exhibit, "sender", required=False),
        meta=reader.text(exhibit, "meta", required=False),
        body=reader.text(exhibit, "body", required=False),
        lines=tuple(lines),
    )


def _questions(
    reader: _FileReader,
    lesson_data: LineDict,
    key: str,
    lesson_id: str,
    clause_ids: set[str],
    lesson_clauses: tuple[str, ...],
) -> tuple[Question, ...]:
    questions = []
    for item, line in reader.items(lesson_data, key):
        data = reader.mapping(item, line, "a question")
        if data is None:
            continue
        question = _question(reader, data, lesson_id, clause_ids, lesson_clauses)
        if question is not None:
            questions.append(question)
    return tuple(questions)


def _question(
    reader: _FileReader,
    data: LineDict,
    lesson_id: str,
    clause_ids: set[str],
    lesson_clauses: tuple[str, ...],
) -> Question | None:
    reader.unknown_keys(
        data,
        {"id", "type", "clauses", "scenario", "exhibit", "prompt", "options", "answer", "feedback"},
        "a question",
    )
    question_id = reader.text(data, "id")
    type_name = reader.text(data, "type")
    try:
        question_type = QuestionType(type_name)
    except ValueError:
        allowed = ", ".join(kind.value for kind in QuestionType)
        reader.problem(data.line_of("type"), f"question type '{type_name}' is not one of {allowed}")
        return None
    clauses = _clause_list(reader, data, "clauses", clause_ids, required=True)
    if question_type is QuestionType.TRUE_FALSE:
        options = _true_false_options(reader, data, clauses)
    else:
        options = _choice_options(reader, data, clauses, clause_ids)
    _check_correct_count(reader, data, question_type, options)
    return Question(
        id=question_id,
        lesson_id=lesson_id,
        type=question_type,
        prompt=reader.text(data, "prompt"),
        options=options,
        clauses=clauses,
        scenario=reader.text(data, "scenario", required=False),
        exhibit=_exhibit(reader, data),
        source=f"{reader.name}:{data.line}",
    )


def _choice_options(
    reader: _FileReader, data: LineDict, clauses: tuple[str, ...], clause_ids: set[str]
) -> tuple[Option, ...]:
    options = []
    items = reader.items(data, "options")
    if items and not 2 <= len(items) <= len(OPTION_KEYS):
        reader.problem(data.line_of("options"), f"a question needs 2 to {len(OPTION_KEYS)} options")
    for index, (item, line) in enumerate(items[: len(OPTION_KEYS)]):
        option = reader.mapping(item, line, "an option")
        if option is None:
            continue
        reader.unknown_keys(option, {"text", "correct", "feedback", "clauses"}, "an option")
        correct = option.get("correct", False)
        if not isinstance(correct, bool):
            reader.problem(option.line_of("correct"), "'correct' should be true or false")
            correct = False
        own_clauses = _clause_list(reader, option, "clauses", clause_ids, required=False)
        options.append(
            Option(
                key=OPTION_KEYS[index],
                text=reader.text(option, "text"),
                is_correct=correct,
                feedback=reader.text(option, "feedback"),
                clauses=own_clauses or clauses,
            )
        )
    return tuple(options)


def _true_false_options(
    reader: _FileReader, data: LineDict, clauses: tuple[str, ...]
) -> tuple[Option, ...]:
    answer = data.get("answer")
    if not isinstance(answer, bool):
        reader.problem(
            data.line_of("answer"), "a true_false question needs 'answer: true' or 'false'"
        )
        return ()
    feedback = reader.mapping(data.get("feedback"), data.line_of("feedback"), "'feedback'")
    if feedback is None:
        return ()
    texts = {}
    for choice in (True, False):
        name = "true" if choice else "false"
        value = feedback.get(name)
        if value is None or not str(value).strip():
            reader.problem(feedback.line, f"'feedback' needs a '{name}' line")
        texts[choice] = str(value or "").strip()
    return (
        Option("a", "True", answer is True, texts[True], clauses),
        Option("b", "False", answer is False, texts[False], clauses),
    )


def _check_correct_count(
    reader: _FileReader, data: LineDict, question_type: QuestionType, options: tuple[Option, ...]
) -> None:
    if not options:
        return
    correct = sum(option.is_correct for option in options)
    line = data.line_of("options") if "options" in data else data.line
    if question_type is QuestionType.SINGLE and correct != 1:
        reader.problem(
            line, f"a single-choice question needs exactly one correct option, not {correct}"
        )
    if question_type is QuestionType.MULTIPLE and correct < 2:
        reader.problem(
            line, f"a multiple-response question needs two or more correct options, not {correct}"
        )


def _check_unique_question_ids(lessons: list[Lesson], problems: list[ContentProblem]) -> None:
    first_seen: dict[str, str] = {}
    for lesson in lessons:
        for question in (*lesson.practice, *lesson.questions):
            if not question.id:
                continue
            if question.id in first_seen:
                file, line = question.source.rsplit(":", 1)
                problems.append(
                    ContentProblem(
                        file,
                        int(line),
                        f"question id '{question.id}' is already used at {first_seen[question.id]}",
                    )
                )
            else:
                first_seen[question.id] = question.source
