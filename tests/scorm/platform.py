"""Driving a package in the test platform: launch it, act as a learner, read what it reported.

The platform (player/player.js) gives the package scorm-again's runtime and logs every call to it;
`calls` reads that log and `reported` replays its successful SetValue calls into the values the
platform holds, which is what a learning platform's reports would show.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, overload

from elearn.content.schema import Course, Question
from scorm import Standard

if TYPE_CHECKING:
    from playwright.sync_api import Frame, Locator, LocatorAssertions, Page, PageAssertions

LEARNER = "Amelia Hart"

# What each standard calls the parts of the runtime the tests look at.
NAMES = {
    "1.2": {
        "initialize": "LMSInitialize",
        "terminate": "LMSFinish",
        "set": "LMSSetValue",
        "commit": "LMSCommit",
        "location": "cmi.core.lesson_location",
        "exit": "cmi.core.exit",
        "entry": "cmi.core.entry",
        "session_time": "cmi.core.session_time",
        "name": "cmi.core.student_name",
    },
    "2004": {
        "initialize": "Initialize",
        "terminate": "Terminate",
        "set": "SetValue",
        "commit": "Commit",
        "location": "cmi.location",
        "exit": "cmi.exit",
        "entry": "cmi.entry",
        "session_time": "cmi.session_time",
        "name": "cmi.learner_name",
    },
}


@dataclass(frozen=True)
class Package:
    """A built package: the course as the school reads it, the zip, and where it is served."""

    course: Course
    standard: Standard
    zip_path: Path
    folder: Path
    pass_mark: int
    assessment_size: int

    @property
    def url(self) -> str:
        return f"/packages/{self.folder.name}/index.html"

    @property
    def id(self) -> str:
        return f"{self.course.slug}-{self.standard}"


@dataclass(frozen=True)
class Call:
    method: str
    args: tuple[str, ...]
    result: str
    error: str


def launch(page: Page, package: Package, data: Mapping[str, str] | None = None) -> Frame:
    """Open the platform and launch the package in its frame; wait until the course is ready.

    `data` is what the platform kept from an earlier session, as flattened CMI values.
    """
    names = NAMES[package.standard]
    launch_data = {names["name"]: "Hart, Amelia", **(data or {})}
    page.goto("/player/index.html")
    page.evaluate(
        "config => player.launch(config)",
        {"standard": package.standard, "url": package.url, "data": launch_data},
    )
    handle = page.locator("#sco").element_handle()
    frame = handle.content_frame() if handle else None
    assert frame is not None, "the platform did not open the package's frame"
    frame.locator("body.sco-ready").wait_for(state="attached")
    return frame


def launch_in_window(page: Page, package: Package) -> Page:
    """Open the platform and launch the package in a window of its own (a popup)."""
    page.goto("/player/index.html")
    with page.expect_popup() as opened:
        page.evaluate(
            "config => player.launch(config)",
            {"standard": package.standard, "url": package.url, "window": True},
        )
    window = opened.value
    window.locator("body.sco-ready").wait_for(state="attached")
    return window


def calls(page: Page) -> list[Call]:
    return [
        Call(call["method"], tuple(call["args"]), call["result"], call["error"])
        for call in page.evaluate("() => player.calls()")
    ]


def reported(log: Iterable[Call], standard: str) -> dict[str, str]:
    """The values the platform holds: each element's last value the runtime accepted."""
    values: dict[str, str] = {}
    for call in log:
        if call.method == NAMES[standard]["set"] and call.result == "true":
            values[call.args[0]] = call.args[1]
    return values


def refused(log: Iterable[Call]) -> list[Call]:
    """Every call the runtime answered with an error (GetValue of an unset value aside)."""
    return [
        call
        for call in log
        if call.result == "false"
        or (call.method.endswith("SetValue") and call.result != "true")
        or (call.method.endswith("GetValue") and call.error not in {"0", "403"})
    ]


def interactions(values: Mapping[str, str]) -> list[dict[str, str]]:
    """cmi.interactions.n.* as a list of dicts of their fields, in order."""
    found: dict[int, dict[str, str]] = {}
    for element, value in values.items():
        parts = element.split(".")
        if parts[:2] == ["cmi", "interactions"] and parts[2].isdigit():
            found.setdefault(int(parts[2]), {})[".".join(parts[3:])] = value
    return [found[index] for index in sorted(found)]


@overload
def expect(target: Locator) -> LocatorAssertions: ...
@overload
def expect(target: Page) -> PageAssertions: ...
def expect(target: Locator | Page) -> LocatorAssertions | PageAssertions:
    """Playwright's expect, imported when a browser test runs: without Playwright the browser
    fixture has already skipped (or, with ELEARN_REQUIRE_BROWSER=1, failed) the test."""
    from playwright.sync_api import expect as playwright_expect

    return playwright_expect(target)


# --- A learner's actions -------------------------------------------------------------------------


def shown_page(frame: Frame) -> str:
    return str(frame.evaluate("() => document.querySelector('.sco-page:not([hidden])').id"))


def start(frame: Frame) -> None:
    """Press the course home's start (or continue) button and wait for the page it leads to."""
    target = str(frame.locator("#continue").get_attribute("href")).removeprefix("#")
    frame.locator("#continue").click()
    wait_for_page(frame, target)


def wait_for_page(frame: Frame, page_id: str) -> None:
    frame.locator(f"#{page_id}.sco-page:not([hidden])").wait_for()


def do_lessons(frame: Frame, package: Package, count: int | None = None) -> None:
    """Work through `count` lessons (all by default) from the one shown, answering every
    practice question of each rightly first."""
    lessons = package.course.lessons
    for _ in range(len(lessons) if count is None else count):
        page_id = shown_page(frame)
        assert page_id.startswith("lesson-"), f"expected a lesson, not {page_id}"
        lesson = lessons[int(page_id.split("-")[1]) - 1]
        for question in lesson.practice:
            answer_practice(frame, page_id, question)
        frame.locator(f"#{page_id} .sco-complete-lesson").click()
        frame.wait_for_function(f"() => !document.getElementById('{page_id}').offsetParent")


def answer_practice(frame: Frame, page_id: str, question: Question, rightly: bool = True) -> None:
    section = frame.locator(f"#{page_id} .app-practice[data-question='{question.id}']")
    choose(section, question, rightly)
    section.get_by_role("button", name="Check my answer").click()
    section.locator(".app-feedback").wait_for()


def choose(container: Locator, question: Question, rightly: bool) -> None:
    """Tick the right options, or one wrong option."""
    if rightly:
        keys = sorted(question.correct_keys)
    else:
        keys = [next(option.key for option in question.options if not option.is_correct)]
    for key in keys:
        container.locator(f"input[value='{key}']").check()


def take_assessment(frame: Frame, package: Package, right: int) -> list[str]:
    """Start the assessment if need be, answer the first `right` questions rightly and the rest
    wrongly, and submit. Returns the drawn question IDs in order."""
    start_button = frame.locator("#start-assessment")
    if start_button.is_visible():
        start_button.click()
    drawn = drawn_questions(frame)
    for index, question_id in enumerate(drawn):
        section = frame.locator(
            f"#assessment-questions .app-question[data-question='{question_id}']"
        )
        choose(section, package.course.question(question_id), index < right)
    frame.locator("#submit-assessment").click()
    frame.locator("#result:not([hidden])").wait_for()
    return drawn


def drawn_questions(frame: Frame) -> list[str]:
    frame.locator("#assessment-questions .app-question").first.wait_for()
    return [
        str(value)
        for value in frame.locator("#assessment-questions .app-question").evaluate_all(
            "sections => sections.map(section => section.dataset.question)"
        )
    ]


def sign(frame: Frame, name: str = LEARNER) -> None:
    frame.locator("#go-to-declaration").click()
    frame.get_by_label("I confirm the declaration above").check()
    frame.get_by_label("Type your full name as your signature").fill(name)
    frame.get_by_role("button", name="Sign the declaration").click()
    frame.locator("#certificate:not([hidden])").wait_for()
