"""A refresher in a real browser: the quick check marks known lessons, which are skipped."""

from __future__ import annotations

import re
from datetime import date, timedelta
from typing import TYPE_CHECKING

import pytest

from elearn.content.schema import Course
from elearn.db import get_session
from tests.browser.axe import check_accessibility
from tests.browser.conftest import LiveServer, Person, sign_in, the_school
from tests.browser.test_journey import (
    SHOWN_QUESTIONS,
    answer_every_practice_question,
    choose,
    question_on_page,
)
from tests.factories import PASSWORD, learner, make_member

if TYPE_CHECKING:
    from playwright.sync_api import Page

pytestmark = pytest.mark.browser

FORGOTTEN_LESSON = "cyberbullying"


def signed_eleven_months_ago(live_server: LiveServer, course: Course, name: str) -> Person:
    """A member who did their induction and signed the declaration 335 days ago."""
    app = live_server.app
    past = app.extensions["elearn.clock"].now() - timedelta(days=335)
    with app.app_context():
        session = get_session()
        member = make_member(session, the_school(session), name=name, starts_on=date(2024, 9, 2))
        learner(session, member).finish(past)
        session.commit()
        return Person(member.name, member.email, PASSWORD)


def answer_check(page: Page, course: Course, forgotten: str) -> None:
    """Answer rightly except for the question from the `forgotten` lesson."""
    selector = "section.app-question .app-answer fieldset"
    for index, item in enumerate(page.evaluate(SHOWN_QUESTIONS, selector)):
        question = question_on_page(course, item["prompt"], item["options"])
        choose(page.locator(selector).nth(index), question, rightly=question.lesson_id != forgotten)


def test_a_refresher_skips_the_lessons_the_quick_check_shows_are_known(
    page: Page, live_server: LiveServer, headteacher: Person, course: Course
) -> None:
    person = signed_eleven_months_ago(live_server, course, "Fatima Begum")
    sign_in(page, person)
    assert "Due soon" in page.locator("#policy-social-networking").inner_text()
    page.get_by_role("button", name="Start your refresher").click()
    page.wait_for_url(re.compile(r"/policies/social-networking/refresher$"))
    check_accessibility(page, "refresher introduction")
    page.get_by_role("button", name="Start the quick check").click()
    page.wait_for_url(re.compile(r"/policies/social-networking/assessment/\d+$"))
    assert page.get_by_role("heading", name="Quick check").is_visible()
    assert page.locator("section.app-question").count() == len(course.lessons)
    check_accessibility(page, "quick check")
    answer_check(page, course, FORGOTTEN_LESSON)
    page.get_by_role("button", name="Submit my answers").click()
    page.wait_for_url(re.compile(r"/result$"))
    summary = page.locator("#check-summary").inner_text()
    assert f"You can skip {len(course.lessons) - 1} lessons you already know" in summary
    check_accessibility(page, "quick check result")

    page.get_by_role("button", name="Continue").click()
    page.wait_for_url(re.compile(rf"/policies/social-networking/lessons/{FORGOTTEN_LESSON}$"))
    answer_every_practice_question(page, course)
    page.get_by_role("button", name="Mark as done and continue").click()
    page.wait_for_url(re.compile(r"/policies/social-networking/assessment$"))

    page.goto("/policies/social-networking/")
    assert page.get_by_text("Known: you can skip it").count() == len(course.lessons) - 1
    assert "1 of 1" in page.locator(".app-progress__text").inner_text()
    check_accessibility(page, "refresher home with known lessons")
    known = course.lessons[0]
    page.goto(f"/policies/social-networking/lessons/{known.id}")
    assert page.get_by_text("Your quick check showed you know this lesson").is_visible()
