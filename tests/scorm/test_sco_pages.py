"""The SCO's pages as a person meets them: accessible (axe, WCAG 2.2 AA) on every page and state,
usable on a 320-pixel phone, printable as a certificate, and plain about it when no learning
platform is there to record anything.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

import pytest

from tests.browser.axe import check_accessibility
from tests.scorm import platform
from tests.scorm.conftest import COURSE_FOLDERS
from tests.scorm.platform import Package, expect

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Page

pytestmark = pytest.mark.browser

PHONE_WIDTH = 320


def _open_standalone(page: Page, package: Package) -> None:
    page.goto(package.url)
    page.locator("body.sco-ready").wait_for(state="attached")


@pytest.mark.parametrize("slug", list(COURSE_FOLDERS))
def test_every_page_is_accessible_and_fits_a_phone(
    page: Page, build: Callable[..., Package], slug: str
) -> None:
    package = build(slug, "2004")
    course = package.course
    page.set_viewport_size({"width": PHONE_WIDTH, "height": 640})
    _open_standalone(page, package)
    frame = page.main_frame

    def check(label: str) -> None:
        check_accessibility(page, label)
        width = page.evaluate("() => document.documentElement.scrollWidth")
        assert width <= PHONE_WIDTH, f"the {label} is {width} pixels wide at {PHONE_WIDTH}"

    check("course home")
    platform.start(frame)
    lesson = course.lessons[0]
    page.locator("#lesson-1 .govuk-details__summary").click()
    page.locator("#lesson-1 .sco-complete-lesson").click()
    check("first lesson, asked to answer its practice first")
    for question in lesson.practice:
        platform.answer_practice(frame, "lesson-1", question, rightly=False)
    check("first lesson, policy open, practice answered")
    for number in range(2, len(course.lessons) + 1):
        page.locator(f"#lesson-{number - 1} .sco-complete-lesson").click()
        platform.wait_for_page(frame, f"lesson-{number}")
        check(f"lesson {number}")
        for question in course.lessons[number - 1].practice:
            platform.answer_practice(frame, f"lesson-{number}", question)
    page.locator(f"#lesson-{len(course.lessons)} .sco-complete-lesson").click()
    platform.wait_for_page(frame, "assessment")
    check("assessment introduction")

    page.locator("#start-assessment").click()
    page.locator("#submit-assessment").click()
    expect(page.locator(".govuk-error-summary")).to_be_focused()
    expect(page.locator(".govuk-error-summary li")).to_have_count(package.assessment_size)
    check("assessment with every answer missing")
    platform.take_assessment(frame, package, right=0)
    check("result of a failed sitting, answers reviewed")

    page.locator("#retake").click()
    platform.take_assessment(frame, package, right=package.assessment_size)
    check("result of a passed sitting")
    page.locator("#go-to-declaration").click()
    page.get_by_role("button", name="Sign the declaration").click()
    expect(page.locator(".govuk-error-summary li")).to_have_count(2)
    check("declaration with both fields missing")
    page.get_by_role("link", name="Type your full name to sign").click()
    expect(page.get_by_label("Type your full name as your signature")).to_be_focused()
    page.get_by_label("I confirm the declaration above").check()
    page.get_by_label("Type your full name as your signature").fill(platform.LEARNER)
    page.get_by_role("button", name="Sign the declaration").click()
    platform.wait_for_page(frame, "certificate")
    check("certificate")


def test_certificate_prints_on_its_own(page: Page, build: Callable[..., Package]) -> None:
    package = build("acceptable-use", "1.2")
    _open_standalone(page, package)
    frame = page.main_frame
    platform.start(frame)
    platform.do_lessons(frame, package)
    platform.take_assessment(frame, package, right=package.assessment_size)
    platform.sign(frame)
    page.emulate_media(media="print")
    expect(page.locator(".sco-certificate")).to_be_visible()
    expect(page.locator(".sco-certificate")).to_contain_text(platform.LEARNER)
    for hidden in (
        ".app-header",
        ".govuk-service-navigation",
        "#sco-notices",
        "#print-certificate",
    ):
        expect(page.locator(hidden)).to_be_hidden()


def test_without_a_platform_the_course_says_nothing_is_recorded(
    page: Page, build: Callable[..., Package]
) -> None:
    package = build("acceptable-use", "2004")
    _open_standalone(page, package)
    notice = page.get_by_role("region", name="Not connected to a learning platform")
    expect(notice).to_be_visible()
    expect(notice).to_contain_text("Your progress and result are not being recorded.")
    expect(page.locator("#save-and-close")).to_be_hidden()
    frame = page.main_frame
    platform.start(frame)
    platform.do_lessons(frame, package)
    platform.take_assessment(frame, package, right=package.assessment_size)
    platform.sign(frame)
    expect(page.locator("#certificate-not-recorded")).to_be_visible()
    expect(page.locator("#certificate-recorded")).to_be_hidden()


def test_in_the_platform_there_is_no_standalone_notice(
    page: Page, build: Callable[..., Package]
) -> None:
    frame = platform.launch(page, build("acceptable-use", "1.2"))
    expect(frame.locator("#standalone-notice")).to_be_hidden()
    expect(frame.get_by_role("button", name="Save and close")).to_be_visible()


@pytest.mark.parametrize("standard", ["1.2", "2004"])
def test_review_mode_shows_the_course_and_records_nothing(
    page: Page, build: Callable[..., Package], standard: str
) -> None:
    package = build("acceptable-use", standard)
    mode = "cmi.core.lesson_mode" if standard == "1.2" else "cmi.mode"
    frame = platform.launch(page, package, {mode: "review"})
    expect(frame.locator("#review-notice")).to_be_visible()
    platform.start(frame)
    platform.do_lessons(frame, package, count=1)
    writes = [call for call in platform.calls(page) if call.method.endswith(("SetValue", "Commit"))]
    assert writes == []


def test_without_javascript_the_lessons_show_and_nothing_contradicts_itself(
    browser: Browser, server: str, build: Callable[..., Package]
) -> None:
    package = build("acceptable-use", "2004")
    context = browser.new_context(base_url=server, java_script_enabled=False)
    try:
        page = context.new_page()
        page.goto(package.url)
        expect(page.get_by_role("region", name="JavaScript is off")).to_be_visible()
        expect(page.locator("#lesson-2")).to_be_visible()
        expect(page.get_by_role("heading", name="You passed")).to_be_hidden()
        expect(page.get_by_role("heading", name="You have not passed this time")).to_be_hidden()
    finally:
        context.close()
