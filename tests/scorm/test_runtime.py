"""The packages in a learning platform: each loaded in headless Chromium inside a page that gives it
scorm-again's SCORM 1.2 or 2004 runtime, and driven as a learner would.

The four paths of issue 11, for both standards and both courses: pass, fail, resume, and leaving by
closing the frame. What the tests read is what the runtime accepted, call by call.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable
from typing import TYPE_CHECKING

import pytest

from scorm.sco import MAX_SUSPEND_DATA_12, NAME_MAX_LENGTH, max_suspend_data_length
from tests.scorm import platform
from tests.scorm.conftest import COURSE_FOLDERS
from tests.scorm.platform import LEARNER, NAMES, Call, Package, expect

if TYPE_CHECKING:
    from playwright.sync_api import Frame, Page

pytestmark = pytest.mark.browser

SESSION_TIME = {
    "1.2": re.compile(r"\d{2,4}:\d{2}:\d{2}(\.\d{1,2})?"),
    "2004": re.compile(r"PT\d+H\d+M\d+(\.\d{1,2})?S"),
}


def _methods(log: list[Call]) -> list[str]:
    return [call.method for call in log]


def _assert_one_session(log: list[Call], standard: str) -> None:
    """Initialised once, terminated once and last; on 2004 no Commit right before Terminate."""
    names = NAMES[standard]
    methods = _methods(log)
    assert methods.count(names["initialize"]) == 1
    assert methods.count(names["terminate"]) == 1
    assert methods[-1] == names["terminate"]
    if standard == "2004":
        writes = [m for m in methods if not m.endswith(("GetValue", "GetLastError"))]
        assert writes[-2] != names["commit"], "Commit right before Terminate"
    assert platform.refused(log) == []


def _wait_for_terminate(page: Page, standard: str) -> None:
    page.wait_for_function(
        "name => player.calls().some(call => call.method === name)",
        arg=NAMES[standard]["terminate"],
    )


def _save_and_close(page: Page, frame: Frame, standard: str) -> list[Call]:
    frame.locator("#save-and-close").click()
    expect(frame.get_by_role("heading", name="Your progress is saved")).to_be_visible()
    _wait_for_terminate(page, standard)
    return platform.calls(page)


def _floor(value: float, places: int) -> str:
    factor = 10**places
    return f"{math.floor(value * factor + 1e-9) / factor:g}"


def _relaunch_data(values: dict[str, str], standard: str) -> dict[str, str]:
    """What a platform hands back on the next launch of a suspended attempt."""
    names = NAMES[standard]
    status = "cmi.core.lesson_status" if standard == "1.2" else "cmi.completion_status"
    return {
        names["location"]: values[names["location"]],
        "cmi.suspend_data": values["cmi.suspend_data"],
        names["entry"]: "resume",
        status: values[status],
    }


def test_pass_path_reports_full_marks_passed_and_the_signature(
    page: Page, package: Package
) -> None:
    standard = package.standard
    frame = platform.launch(page, package)
    platform.start(frame)
    platform.do_lessons(frame, package)
    drawn = platform.take_assessment(frame, package, right=package.assessment_size)
    expect(frame.get_by_role("heading", name="You passed")).to_be_visible()
    before_signing = platform.reported(platform.calls(page), standard)
    if standard == "1.2":
        # Passed but not signed: still incomplete, and no score for a mastery rule to act on.
        assert before_signing["cmi.core.lesson_status"] == "incomplete"
        assert before_signing["cmi.core.score.raw"] == ""
    else:
        assert before_signing["cmi.success_status"] == "passed"
        assert before_signing["cmi.completion_status"] == "incomplete"
    platform.sign(frame)
    certificate = frame.locator(".sco-certificate")
    expect(certificate).to_contain_text(LEARNER)
    expect(certificate).to_contain_text("100%")
    expect(certificate).to_contain_text(package.course.policy.version)
    log = _save_and_close(page, frame, standard)

    _assert_one_session(log, standard)
    values = platform.reported(log, standard)
    if standard == "1.2":
        assert values["cmi.core.lesson_status"] == "passed"
        assert values["cmi.core.score.raw"] == "100"
        assert values["cmi.core.exit"] == ""
        assert LEARNER in values["cmi.comments"]
        assert package.course.policy.version in values["cmi.comments"]
    else:
        assert values["cmi.success_status"] == "passed"
        assert values["cmi.completion_status"] == "completed"
        assert values["cmi.score.raw"] == "100"
        assert values["cmi.score.scaled"] == "1"
        assert values["cmi.exit"] == "normal"
        comment = values["cmi.comments_from_learner.0.comment"]
        assert LEARNER in comment
        assert package.course.policy.version in comment
    prefix = "cmi.core." if standard == "1.2" else "cmi."
    assert (values[prefix + "score.min"], values[prefix + "score.max"]) == ("0", "100")
    assert SESSION_TIME[standard].fullmatch(values[NAMES[standard]["session_time"]])

    records = platform.interactions(values)
    assert [record["id"] for record in records] == [*drawn, "declaration"]
    assert all(record["result"] == "correct" for record in records[:-1])
    assert records[-1]["type"] == "fill-in"
    response = "student_response" if standard == "1.2" else "learner_response"
    assert records[-1][response] == LEARNER


def test_fail_path_reports_failed_with_the_score_and_every_answer(
    page: Page, package: Package
) -> None:
    standard = package.standard
    frame = platform.launch(page, package)
    platform.start(frame)
    platform.do_lessons(frame, package)
    drawn = platform.take_assessment(frame, package, right=1)
    count = len(drawn)
    percent = round(100 / count)
    expect(frame.get_by_role("heading", name="You have not passed this time")).to_be_visible()
    expect(frame.locator("#result")).to_contain_text(f"You scored {percent}%")
    expect(frame.locator("#review .app-review")).to_have_count(count)

    frame.locator("#retake").click()
    retake = platform.drawn_questions(frame)
    assert set(retake).isdisjoint(drawn), "a retake draws questions not seen last time"
    page.evaluate("player.closeFrame()")
    _wait_for_terminate(page, standard)
    log = platform.calls(page)

    _assert_one_session(log, standard)
    values = platform.reported(log, standard)
    if standard == "1.2":
        assert values["cmi.core.lesson_status"] == "failed"
        assert values["cmi.core.score.raw"] == _floor(100 / count, 2)
        assert values["cmi.core.exit"] == "suspend"
    else:
        assert values["cmi.success_status"] == "failed"
        assert values["cmi.completion_status"] == "incomplete"
        assert values["cmi.score.raw"] == _floor(100 / count, 2)
        assert values["cmi.score.scaled"] == _floor(1 / count, 7)
        assert values["cmi.exit"] == "suspend"
    statuses = {
        call.args[1]
        for call in log
        if call.method.endswith("SetValue") and "status" in call.args[0]
    }
    assert statuses.isdisjoint({"passed", "completed"}), "a failed learner is never passed"

    records = platform.interactions(values)
    assert [record["id"] for record in records] == drawn
    wrong = "wrong" if standard == "1.2" else "incorrect"
    assert [record["result"] for record in records] == ["correct"] + [wrong] * (count - 1)
    for question_id, record in zip(drawn, records, strict=True):
        question = package.course.question(question_id)
        pattern = record["correct_responses.0.pattern"]
        if question.type == "true_false":
            correct = next(iter(question.correct_keys))
            truth = {"1.2": {"a": "t", "b": "f"}, "2004": {"a": "true", "b": "false"}}
            assert pattern == truth[standard][correct]
        else:
            separator = "," if standard == "1.2" else "[,]"
            assert pattern == separator.join(sorted(question.correct_keys))
        assert record["objectives.0.id"] == f"clause-{question.clauses[0]}"
        if standard == "2004":
            assert question.prompt[:100] in record["description"]


def test_resume_path_continues_where_the_learner_left(page: Page, package: Package) -> None:
    standard = package.standard
    course = package.course
    frame = platform.launch(page, package)
    platform.start(frame)
    platform.do_lessons(frame, package, count=1)
    second = course.lessons[1]
    if second.practice:
        platform.answer_practice(frame, "lesson-2", second.practice[0], rightly=False)
    first_session = _save_and_close(page, frame, standard)
    _assert_one_session(first_session, standard)
    saved = platform.reported(first_session, standard)
    assert saved[NAMES[standard]["exit"]] == "suspend"
    assert saved[NAMES[standard]["location"]] == "lesson-2"

    # The second session opens on lesson 2, with lesson 1 done and the practice answer kept.
    page2 = page.context.new_page()
    frame = platform.launch(page2, package, _relaunch_data(saved, standard))
    assert platform.shown_page(frame) == "lesson-2"
    if second.practice:
        expect(frame.locator("#lesson-2 .app-feedback--incorrect")).to_be_visible()
    frame.get_by_role("link", name="Course home").click()
    platform.wait_for_page(frame, "home")
    expect(frame.locator("#course-1-status")).to_have_text("Done")
    expect(frame.locator("#lesson-progress-text")).to_have_text(f"1 of {len(course.lessons)}")
    platform.start(frame)
    platform.do_lessons(frame, package, count=len(course.lessons) - 1)
    frame.locator("#start-assessment").click()
    drawn = platform.drawn_questions(frame)
    for question_id in drawn[:2]:
        section = frame.locator(f".app-question[data-question='{question_id}']")
        platform.choose(section, course.question(question_id), rightly=True)
    page2.evaluate("player.closeFrame()")
    _wait_for_terminate(page2, standard)
    second_session = platform.calls(page2)
    _assert_one_session(second_session, standard)

    # The third session opens on the same sitting, same questions, the two answers still ticked.
    page3 = page.context.new_page()
    held = {**saved, **platform.reported(second_session, standard)}
    frame = platform.launch(page3, package, _relaunch_data(held, standard))
    assert platform.shown_page(frame) == "assessment"
    assert platform.drawn_questions(frame) == drawn
    for question_id in drawn[:2]:
        section = frame.locator(f".app-question[data-question='{question_id}']")
        for key in course.question(question_id).correct_keys:
            expect(section.locator(f"input[value='{key}']")).to_be_checked()
    platform.take_assessment(frame, package, right=len(drawn))
    platform.sign(frame)
    third_session = _save_and_close(page3, frame, standard)
    _assert_one_session(third_session, standard)
    values = platform.reported(third_session, standard)
    if standard == "1.2":
        assert values["cmi.core.lesson_status"] == "passed"
    else:
        assert values["cmi.completion_status"] == "completed"
        assert values["cmi.success_status"] == "passed"


def test_closing_the_frame_saves_and_suspends(page: Page, package: Package) -> None:
    standard = package.standard
    frame = platform.launch(page, package)
    platform.start(frame)
    platform.do_lessons(frame, package, count=1)
    page.evaluate("player.closeFrame()")
    _wait_for_terminate(page, standard)
    log = platform.calls(page)

    _assert_one_session(log, standard)
    values = platform.reported(log, standard)
    assert values[NAMES[standard]["exit"]] == "suspend"
    assert values[NAMES[standard]["location"]] == "lesson-2"
    assert values["cmi.suspend_data"].split("|")[1][0] == "1", "lesson 1 is saved as done"
    status = "cmi.core.lesson_status" if standard == "1.2" else "cmi.completion_status"
    assert values[status] == "incomplete"
    assert SESSION_TIME[standard].fullmatch(values[NAMES[standard]["session_time"]])


@pytest.mark.parametrize("slug", list(COURSE_FOLDERS))
def test_sitting_is_drawn_as_the_web_app_draws(
    page: Page, build: Callable[..., Package], slug: str
) -> None:
    """One question from every lesson, the rest at random up to the size; options shuffled, but
    True before False."""
    package = build(slug, "2004")
    course = package.course
    frame = platform.launch(page, package)
    platform.start(frame)
    platform.do_lessons(frame, package)
    frame.locator("#start-assessment").click()
    drawn = platform.drawn_questions(frame)
    assert len(drawn) == len(set(drawn)) == package.assessment_size
    lessons = {course.question(question_id).lesson_id for question_id in drawn}
    assert lessons == {lesson.id for lesson in course.lessons if lesson.questions}
    for question_id in drawn:
        values = frame.locator(f".app-question[data-question='{question_id}'] input").evaluate_all(
            "inputs => inputs.map(input => input.value)"
        )
        question = course.question(question_id)
        assert sorted(values) == [option.key for option in question.options]
        if question.type == "true_false":
            assert values == ["a", "b"]


@pytest.mark.parametrize("standard", ["1.2", "2004"])
def test_every_page_and_answer_is_committed(
    page: Page, build: Callable[..., Package], standard: str
) -> None:
    package = build("acceptable-use", standard)
    frame = platform.launch(page, package)
    commits = NAMES[standard]["commit"]

    def last_write() -> str:
        writes = [
            c.method
            for c in platform.calls(page)
            if not c.method.endswith(("GetValue", "GetLastError"))
        ]
        return writes[-1]

    platform.start(frame)
    assert last_write() == commits
    lesson = package.course.lessons[0]
    platform.answer_practice(frame, "lesson-1", lesson.practice[0])
    assert last_write() == commits
    platform.do_lessons(frame, package)
    frame.locator("#start-assessment").click()
    drawn = platform.drawn_questions(frame)
    before = _methods(platform.calls(page)).count(commits)
    section = frame.locator(f".app-question[data-question='{drawn[0]}']")
    platform.choose(section, package.course.question(drawn[0]), rightly=True)
    page.wait_for_function(
        "([name, count]) => player.calls().filter(c => c.method === name).length > count",
        arg=[commits, before],
    )
    assert last_write() == commits


def test_finds_the_platform_through_the_opener(page: Page, build: Callable[..., Package]) -> None:
    package = build("acceptable-use", "2004")
    window = platform.launch_in_window(page, package)
    expect(window.locator("#standalone-notice")).to_be_hidden()
    window.close()
    _wait_for_terminate(page, "2004")
    _assert_one_session(platform.calls(page), "2004")


@pytest.mark.parametrize("slug", list(COURSE_FOLDERS))
def test_suspend_data_stays_within_scorm_12_at_the_largest_state(
    page: Page, build: Callable[..., Package], slug: str
) -> None:
    """Fill every field the progress saves, and measure what the package writes.

    scorm-again accepts suspend data longer than SCORM 1.2's 4,096 characters, so the length is
    measured here: every lesson done, every practice question answered, a sitting of the whole bank,
    and the longest signature in characters that take nine each once URI-encoded.
    """
    bank_size = sum(len(lesson.questions) for lesson in build(slug, "1.2").course.lessons)
    package = build(slug, "1.2", assessment_size=bank_size)
    frame = platform.launch(page, package)
    platform.start(frame)
    for number, lesson in enumerate(package.course.lessons, start=1):
        for question in lesson.practice:
            platform.answer_practice(frame, f"lesson-{number}", question, rightly=True)
        frame.locator(f"#lesson-{number} .sco-complete-lesson").click()
    drawn = platform.take_assessment(frame, package, right=bank_size)
    assert len(drawn) == bank_size
    platform.sign(frame, "\u20ac" * NAME_MAX_LENGTH)
    log = _save_and_close(page, frame, "1.2")

    written = [
        call.args[1]
        for call in log
        if call.method == "LMSSetValue" and call.args[0] == "cmi.suspend_data"
    ]
    longest = max(len(value) for value in written)
    bound = max_suspend_data_length(package.course, bank_size)
    # The same fields at values no session reaches in a test: the most sittings, the largest seed,
    # a signature time far ahead.
    theoretical = frame.evaluate(
        """([count, size, name]) => {
            const progress = window.elearnProgress;
            const state = window.elearnCourse.state();
            const full = JSON.parse(JSON.stringify(state));
            full.sittings = progress.MAX_SITTINGS;
            full.sitting.seed = 4294967295;
            full.sitting.drawn = full.sitting.drawn.map((_, index) => count - 1 - index);
            full.signature = {at: 36 ** 7 - 1, name: name};
            return progress.encode(full).length;
        }""",
        [bank_size, bank_size, "\u20ac" * NAME_MAX_LENGTH],
    )
    print(f"{slug}: longest suspend data written {longest}, largest possible {theoretical}")
    assert longest <= theoretical == bound <= MAX_SUSPEND_DATA_12


@pytest.mark.parametrize("standard", ["1.2", "2004"])
def test_a_wrong_critical_answer_fails_the_sitting_whatever_the_score(
    page: Page, build: Callable[..., Package], standard: str
) -> None:
    """As in the web app: every sitting asks about each critical clause, and one wrong answer on
    a critical question fails it, here at a score above the pass mark."""
    package = build("social-networking", standard)
    course = package.course
    frame = platform.launch(page, package)
    platform.start(frame)
    platform.do_lessons(frame, package)
    frame.locator("#start-assessment").click()
    drawn = platform.drawn_questions(frame)
    asked = {clause for question_id in drawn for clause in course.question(question_id).clauses}
    assert set(course.critical_clauses) <= asked
    critical = next(q for q in drawn if course.is_critical(course.question(q)))
    for question_id in drawn:
        section = frame.locator(
            f"#assessment-questions .app-question[data-question='{question_id}']"
        )
        platform.choose(section, course.question(question_id), question_id != critical)
    frame.locator("#submit-assessment").click()
    frame.locator("#result:not([hidden])").wait_for()
    percent = round(100 * (len(drawn) - 1) / len(drawn))
    assert percent >= package.pass_mark
    expect(frame.get_by_role("heading", name="You have not passed this time")).to_be_visible()


def test_a_lesson_is_not_done_until_its_practice_is_answered(
    page: Page, build: Callable[..., Package]
) -> None:
    package = build("acceptable-use", "1.2")
    frame = platform.launch(page, package)
    platform.start(frame)
    page_id = platform.shown_page(frame)
    frame.locator(f"#{page_id} .sco-complete-lesson").click()
    expect(frame.locator(f"#practice-first-{page_id.split('-')[1]}")).to_be_visible()
    assert platform.shown_page(frame) == page_id
    lesson = package.course.lessons[0]
    for question in lesson.practice:
        platform.answer_practice(frame, page_id, question, rightly=False)
    frame.locator(f"#{page_id} .sco-complete-lesson").click()
    frame.wait_for_function(f"() => !document.getElementById('{page_id}').offsetParent")
