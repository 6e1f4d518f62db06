"""Practice questions: a plain form post without JavaScript, answered in place with it."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import TYPE_CHECKING

import pytest

from elearn.content.schema import Course
from tests.browser.conftest import Person, sign_in
from tests.browser.test_journey import choose

if TYPE_CHECKING:
    from playwright.sync_api import BrowserContext

pytestmark = pytest.mark.browser


def test_with_javascript_a_practice_answer_appears_without_leaving_the_page(
    new_context: Callable[..., BrowserContext],
    make_learner: Callable[..., Person],
    course: Course,
) -> None:
    person = make_learner("Tom Okafor")
    page = new_context().new_page()
    sign_in(page, person)
    lesson = course.lessons[2]
    page.goto(f"/policies/social-networking/lessons/{lesson.id}")
    page.evaluate("() => { window.stillHere = true; }")
    section = page.locator("#practice-2")
    choose(section.locator("fieldset"), lesson.practice[1], rightly=True)
    section.get_by_role("button", name="Check my answer").click()
    feedback = page.locator("#practice-2 [role=status]")
    feedback.wait_for()
    assert "That's right." in feedback.inner_text()
    assert page.evaluate("() => window.stillHere === true"), "the page was reloaded"
    assert page.evaluate("() => document.activeElement.classList.contains('app-feedback')")
    assert page.url.endswith(f"/policies/social-networking/lessons/{lesson.id}")
    again = page.locator("#practice-2")
    choose(again.locator("fieldset"), lesson.practice[1], rightly=False)
    again.get_by_role("button", name="Check my answer").click()
    page.locator("#practice-2 .app-feedback--incorrect").wait_for()
    assert page.evaluate("() => window.stillHere === true")


def test_without_javascript_a_practice_answer_posts_and_returns_to_the_question(
    new_context: Callable[..., BrowserContext],
    make_learner: Callable[..., Person],
    course: Course,
) -> None:
    person = make_learner("Rhys Jones")
    page = new_context(java_script_enabled=False).new_page()
    sign_in(page, person)
    lesson = course.lessons[2]
    page.goto(f"/policies/social-networking/lessons/{lesson.id}")
    section = page.locator("#practice-1")
    choose(section.locator("fieldset"), lesson.practice[0], rightly=False)
    section.get_by_role("button", name="Check my answer").click()
    page.wait_for_url(
        re.compile(rf"/policies/social-networking/lessons/{lesson.id}/practice/1#practice-1$")
    )
    assert "Not quite." in page.locator("#practice-1 [role=status]").inner_text()
