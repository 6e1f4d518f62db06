"""`elearn content check` and `elearn content report`."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from click.testing import CliRunner

from elearn.content.cli import content
from elearn.content.loader import load_course
from tests.conftest import FIXTURE_LIBRARY, SHIPPED_COURSE_DIR


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(content, list(args))
    return result.exit_code, result.stdout, result.stderr


def test_check_passes_on_the_shipped_content() -> None:
    code, out, err = run("check", "--content-dir", str(SHIPPED_COURSE_DIR))
    assert (code, err) == (0, "")
    assert out.startswith("social-networking: ready: 11 lessons")
    assert "Two clauses are numbered 1.2.3" in out


def test_check_checks_every_course_in_a_library() -> None:
    code, out, err = run("check", "--content-dir", str(FIXTURE_LIBRARY))
    assert (code, err) == (0, "")
    assert "acceptable-use: ready: 2 lessons, 12 assessment questions" in out


def test_check_names_the_course_of_each_problem(tmp_path: Path) -> None:
    library = tmp_path / "library"
    shutil.copytree(FIXTURE_LIBRARY, library)
    course_file = library / "acceptable-use" / "course.yaml"
    course_file.write_text(
        course_file.read_text(encoding="utf-8").replace("  - email-and-data\n", ""),
        encoding="utf-8",
    )
    code, _, err = run("check", "--content-dir", str(library))
    assert code == 1
    assert "acceptable-use/lessons/email-and-data.yaml:1: this lesson is not listed" in err


def test_report_asks_which_course_when_the_library_holds_several(tmp_path: Path) -> None:
    library = tmp_path / "library"
    shutil.copytree(FIXTURE_LIBRARY / "acceptable-use", library / "acceptable-use-2")
    shutil.copytree(FIXTURE_LIBRARY / "acceptable-use", library / "acceptable-use")
    code, _, err = run("report", "--content-dir", str(library))
    assert code == 1
    assert "choose one with --course" in err
    code, out, _ = run(
        "report", "--json", "--course", "acceptable-use", "--content-dir", str(library)
    )
    assert code == 0
    assert json.loads(out)["course"] == "acceptable-use"


def test_check_fails_with_file_and_line_on_broken_content(tmp_path: Path) -> None:
    folder = tmp_path / "content"
    shutil.copytree(SHIPPED_COURSE_DIR, folder)
    lesson = folder / "lessons/social-contact.yaml"
    text = lesson.read_text(encoding="utf-8")
    lesson.write_text(text.replace("clauses: [2.6.2]", "clauses: [9.9.9]", 1), encoding="utf-8")
    line = text[: text.index("clauses: [2.6.2]")].count("\n") + 1
    code, out, err = run("check", "--content-dir", str(folder))
    assert code == 1
    assert err == f"lessons/social-contact.yaml:{line}: clause '9.9.9' is not in the policy\n"
    assert "ready" not in out


def test_check_fails_on_a_rule_that_loading_allows(tmp_path: Path) -> None:
    folder = tmp_path / "content"
    shutil.copytree(SHIPPED_COURSE_DIR, folder)
    lesson = folder / "lessons/social-contact.yaml"
    text = lesson.read_text(encoding="utf-8")
    lesson.write_text(text.replace("clauses: [2.6.1, 2.6.2, 2.6.3]", "clauses: [2.6.1, 2.6.2]", 1))
    code, _, err = run("check", "--content-dir", str(folder))
    assert code == 1
    assert "clause 2.6.3 is taught by no lesson" in err


def test_report_json_lists_every_clause_in_policy_order() -> None:
    code, out, _ = run("report", "--json", "--content-dir", str(SHIPPED_COURSE_DIR))
    data = json.loads(out)
    course = load_course(SHIPPED_COURSE_DIR)
    assert code == 0
    assert data["policy_file"] == "policy/social-networking-policy.yaml"
    assert data["lesson_count"] == len(course.lessons)
    assert data["question_count"] == sum(len(lesson.questions) for lesson in course.lessons)
    assert [row["id"] for row in data["clauses"]] == [c.id for c in course.policy.clauses]
    row = next(row for row in data["clauses"] if row["id"] == "2.3.4")
    assert row["lessons"] == ["safer-online-behaviour"]
    assert row["questions"]


def test_report_json_shows_the_bank_by_lesson_and_the_critical_clauses() -> None:
    code, out, _ = run("report", "--json", "--content-dir", str(SHIPPED_COURSE_DIR))
    data = json.loads(out)
    course = load_course(SHIPPED_COURSE_DIR)
    assert code == 0
    assert data["lessons"][0] == {
        "id": "introduction",
        "questions": len(course.lessons[0].questions),
        "practice": len(course.lessons[0].practice),
    }
    assert sum(row["questions"] for row in data["lessons"]) == data["question_count"]
    true_false = sum(q.type.value == "true_false" for q in course.bank)
    assert data["true_false_count"] == true_false
    assert data["true_false_share"] == round(true_false / course.bank_size, 3)
    assert data["critical_must_pass"] is True
    assert [row["id"] for row in data["critical_clauses"]] == list(course.critical_clauses)
    row = next(row for row in data["critical_clauses"] if row["id"] == "2.7.4")
    assert "img-usb-stick" in row["questions"]
    assert data["critical_question_count"] == len(course.critical_question_ids)


def test_report_table_has_a_row_per_clause() -> None:
    code, out, _ = run("report", "--content-dir", str(SHIPPED_COURSE_DIR))
    lines = out.splitlines()
    assert code == 0
    assert lines[0].split() == ["Clause", "Lessons", "Questions", "Taught", "in"]
    assert len(lines) == 1 + len(load_course(SHIPPED_COURSE_DIR).policy.clauses)
