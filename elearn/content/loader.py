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

from elearn.content.errors import ContentError, ContentProblem
from elearn.content.policy_file import load_policy
from elearn.content.question_types import QUESTION_TYPES, clause_list
from elearn.content.reader import FileReader
from elearn.content.schema import (
    Course,
    Exhibit,
    Lesson,
    Library,
    Policy,
    Question,
    QuestionType,
    WorkedScenario,
)
from elearn.content.yamlfile import LineDict, LineList, read_yaml

EXHIBIT_KINDS = frozenset({"message", "friend_request", "post", "profile", "note"})
SLUG = re.compile(r"[a-z0-9][a-z0-9-]{0,59}")
SCHOOL_PLACEHOLDER = "{school}"


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
    reader = FileReader("course.yaml", problems)
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
    reader: FileReader, course_data: LineDict, policy: Policy
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


def _critical_clauses(reader: FileReader, course_data: LineDict, policy: Policy) -> tuple[str, ...]:
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
    root: Path, policy_name: str, course_data: LineDict, reader: FileReader
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
    reader = FileReader(name, problems)
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
    clauses = clause_list(reader, lesson_data, "clauses", clause_ids, required=True)
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


def _exhibit(reader: FileReader, data: LineDict) -> Exhibit | None:
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
    reader: FileReader,
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
    reader: FileReader,
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
    clauses = clause_list(reader, data, "clauses", clause_ids, required=True)
    kind = QUESTION_TYPES[question_type]
    options = kind.read_options(reader, data, clauses, clause_ids)
    kind.check_right_answers(reader, data, options)
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
