"""The course in a real browser: the whole journey, resuming, failing, keyboard use, small screens.

Every form is posted by the browser with CSRF on. Right answers come from the course content,
matched on what the page shows (the question and its options), never from the database.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from io import BytesIO
from typing import TYPE_CHECKING

import pytest
from pypdf import PdfReader

from elearn.content.schema import Course, Question, QuestionType
from tests.browser.axe import check_accessibility
from tests.browser.conftest import Person, sign_in, sign_out

if TYPE_CHECKING:
    from playwright.sync_api import BrowserContext, Locator, Page

pytestmark = pytest.mark.browser

NEW_STARTER = Person("Nguyễn Thị Ánh", "anh.nguyen@thorners.example", "kettle meadow violin")
NARROW = {"width": 320, "height": 800}

SHOWN_QUESTIONS = """(selector) => Array.from(document.querySelectorAll(selector), (fieldset) => ({
  prompt: fieldset.querySelector("legend").innerText,
  options: Array.from(fieldset.querySelectorAll("label"), (label) => label.innerText),
}))"""

# GOV.UK radios and checkboxes hide the input itself and draw its focus ring on the label's
# ::before, so that is where to look. A transparent outline is there for forced-colours mode only.
FOCUSED = """() => {
  const element = document.activeElement;
  const isChoice = element.matches(".govuk-radios__input, .govuk-checkboxes__input");
  const style = isChoice
    ? getComputedStyle(element.labels[0], "::before")
    : getComputedStyle(element);
  const hasOutline = style.outlineStyle !== "none" && parseFloat(style.outlineWidth) > 0
    && style.outlineColor !== "rgba(0, 0, 0, 0)";
  return {
    id: element.id,
    name: element.getAttribute("name") || "",
    type: element.getAttribute("type") || "",
    text: element.innerText || "",
    checked: Boolean(element.checked),
    hasFocusRing: hasOutline || style.boxShadow !== "none",
  };
}"""

OVERFLOWING = """() => Array.from(document.querySelectorAll("body *"))
  .filter((element) => element.getBoundingClientRect().right > document.documentElement.clientWidth)
  .slice(0, 5)
  .map((element) => element.tagName.toLowerCase() + "." + element.className)"""


def flat(text: str) -> str:
    """Text as a reader sees it: one space between words, one Unicode form."""
    return unicodedata.normalize("NFC", " ".join(text.split()))


def heading(page: Page) -> str:
    return flat(page.locator("h1").first.inner_text())


def question_on_page(course: Course, prompt: str, options: list[str]) -> Question:
    """The course question with this prompt and these options (prompts alone can repeat)."""
    shown = (flat(prompt), frozenset(flat(option) for option in options))
    for lesson in course.lessons:
        for question in (*lesson.questions, *lesson.practice):
            if (flat(question.prompt), frozenset(flat(o.text) for o in question.options)) == shown:
                return question
    raise AssertionError(f"no question in the course matches {shown!r}")


def choose(fieldset: Locator, question: Question, *, rightly: bool) -> None:
    """Click the labels of the right options, or of one wrong option."""
    if rightly:
        chosen = [option.text for option in question.options if option.is_correct]
    else:
        chosen = [next(option.text for option in question.options if not option.is_correct)]
    labels = fieldset.locator("label")
    texts = [flat(text) for text in labels.all_inner_texts()]
    for text in chosen:
        labels.nth(texts.index(flat(text))).click()


ANSWERS = "section.app-question .app-answer fieldset"


def answer_assessment(page: Page, course: Course, *, rightly: bool) -> int:
    """Answer every question on the assessment page, sure of each; return how many there were."""
    shown = page.evaluate(SHOWN_QUESTIONS, ANSWERS)
    for index, item in enumerate(shown):
        question = question_on_page(course, item["prompt"], item["options"])
        choose(page.locator(ANSWERS).nth(index), question, rightly=rightly)
    sure = page.locator("section.app-question .app-confidence")
    for index in range(sure.count()):
        sure.nth(index).get_by_label("Sure", exact=True).check()
    return len(shown)


def answer_every_practice_question(page: Page, course: Course) -> None:
    """Answer each practice question on the lesson page not answered yet, and see its feedback."""
    sections = page.locator("section.app-practice")
    for index in range(sections.count()):
        section = page.locator("section.app-practice").nth(index)
        if section.locator("[role=status]").count():
            continue
        fieldset = section.locator("fieldset")
        question = question_on_page(
            course,
            fieldset.locator("legend").inner_text(),
            fieldset.locator("label").all_inner_texts(),
        )
        choose(fieldset, question, rightly=True)
        section.get_by_role("button", name="Check my answer").click()
        page.locator(f"#{section.get_attribute('id')} [role=status]").wait_for()


def start_assessment(page: Page) -> None:
    page.get_by_role("button", name="Start the assessment").click()
    page.wait_for_url(re.compile(r"/policies/social-networking/assessment/\d+$"))


def no_horizontal_scroll(page: Page, what: str) -> None:
    width = page.evaluate("() => document.documentElement.scrollWidth")
    assert width <= NARROW["width"], (
        f"{what} scrolls sideways at {NARROW['width']}px: content is {width}px wide; "
        f"widest elements: {page.evaluate(OVERFLOWING)}"
    )


def test_a_new_member_of_staff_goes_from_set_up_link_to_a_verified_certificate(
    new_context: Callable[..., BrowserContext], headteacher: Person, course: Course
) -> None:
    head = new_context().new_page()
    head.goto("/login")
    check_accessibility(head, "sign-in page")
    head.get_by_label("Email address").fill(headteacher.email)
    head.get_by_label("Password", exact=True).fill("not the password")
    head.get_by_role("button", name="Sign in").click()
    head.get_by_role("heading", name="There is a problem").wait_for()
    assert head.title().startswith("Error: ")
    check_accessibility(head, "failed sign-in page")
    sign_in(head, headteacher)

    head.get_by_role("link", name="Console").click()
    assert heading(head) == "Staff training"
    check_accessibility(head, "console")
    head.get_by_role("button", name="Add a member of staff").click()
    head.get_by_role("button", name="Add and make a set-up link").click()
    summary = head.locator(".govuk-error-summary")
    summary.wait_for()
    assert "Enter their full name" in summary.inner_text()
    assert "Enter their start date" in summary.inner_text()
    check_accessibility(head, "add staff form with errors")
    head.get_by_label("Full name").fill(NEW_STARTER.name)
    head.get_by_label("Email address").fill(NEW_STARTER.email)
    head.get_by_label("Support staff").check()
    head.get_by_label("Day").fill("20")
    head.get_by_label("Month").fill("11")
    head.get_by_label("Year").fill("2026")
    head.get_by_role("button", name="Add and make a set-up link").click()
    head.get_by_role("heading", name="Set-up link ready").wait_for()
    check_accessibility(head, "set-up link page")
    link = head.locator("#setup-link").inner_text().strip()
    sign_out(head)

    page = new_context().new_page()
    page.goto(link)
    assert heading(page) == flat(f"Welcome, {NEW_STARTER.name}")
    check_accessibility(page, "choose password page")
    page.get_by_label("Choose a password").fill(NEW_STARTER.password)
    page.get_by_role("button", name="Save password").click()
    page.wait_for_url(re.compile(r"/$"))
    assert page.title().startswith("My training")
    assert "Induction due" in page.locator("#policy-social-networking").inner_text()
    check_accessibility(page, "my training page")

    page.get_by_role("button", name="Start your training").click()
    for index, lesson in enumerate(course.lessons):
        page.wait_for_url(re.compile(f"/policies/social-networking/lessons/{lesson.id}$"))
        assert heading(page) == flat(lesson.title)
        if index == 0:
            check_accessibility(page, "lesson page")
            practice = page.locator("#practice-1")
            question = question_on_page(
                course,
                practice.locator("legend").inner_text(),
                practice.locator("label").all_inner_texts(),
            )
            choose(practice.locator("fieldset"), question, rightly=False)
            practice.get_by_role("button", name="Check my answer").click()
            feedback = page.locator("#practice-1 [role=status]")
            feedback.wait_for()
            assert "Not quite." in feedback.inner_text()
            assert flat(question.options[0].feedback) in flat(feedback.inner_text())
            check_accessibility(page, "lesson page with practice feedback")
        answer_every_practice_question(page, course)
        page.get_by_role("button", name="Mark as done and continue").click()

    page.wait_for_url(re.compile(r"/policies/social-networking/assessment$"))
    start_assessment(page)
    check_accessibility(page, "assessment page")
    assert answer_assessment(page, course, rightly=True) == course.assessment_size
    page.get_by_role("button", name="Submit my answers").click()
    page.get_by_role("heading", name="You passed").wait_for()
    assert "You scored 100%" in page.locator(".govuk-panel").inner_text()
    check_accessibility(page, "result page")

    page.get_by_role("button", name="Sign the declaration").click()
    page.wait_for_url(re.compile(r"/declaration$"))
    declaration = course.policy.declaration.text
    assert flat(page.locator("#declaration-text").inner_text()) == flat(declaration)
    check_accessibility(page, "declaration page")
    page.get_by_label("I confirm the declaration above").check()
    page.get_by_label("Type your full name as your signature").fill(NEW_STARTER.name)
    page.get_by_label("Enter your password to sign electronically").fill(NEW_STARTER.password)
    page.get_by_role("button", name="Sign the declaration").click()
    page.get_by_role("heading", name="Declaration signed").wait_for()
    code = page.locator(".govuk-panel strong").inner_text().strip()
    assert re.fullmatch(r"[A-Z0-9]{4}(-[A-Z0-9]{4}){3}", code), code
    check_accessibility(page, "declaration signed page")

    with page.expect_download() as download:
        page.get_by_role("link", name="Download your certificate (PDF)").click()
    # The name is not Latin-1, so it can only reach the file name through filename* (RFC 6266).
    assert flat(download.value.suggested_filename) == f"certificate-Nguyễn-Thị-Ánh-{code}.pdf"
    pdf = PdfReader(BytesIO(download.value.path().read_bytes()))
    text = flat(" ".join(pdf_page.extract_text() for pdf_page in pdf.pages))
    assert flat(NEW_STARTER.name) in text
    assert flat(declaration) in text
    assert code in text

    page.goto(f"/verify/{code}")
    assert heading(page) == "This certificate is genuine"
    assert flat(NEW_STARTER.name) in flat(page.locator("main").inner_text())
    check_accessibility(page, "certificate check page")
    response = page.goto("/no-such-page")
    assert response is not None
    assert response.status == 404
    assert heading(page) == "Page not found"
    check_accessibility(page, "page not found")


def test_continue_after_signing_in_again_returns_to_the_next_lesson(
    page: Page, make_learner: Callable[..., Person], course: Course
) -> None:
    learner = make_learner("Amelia Hart")
    sign_in(page, learner)
    page.get_by_role("button", name="Start your training").click()
    for lesson in course.lessons[:2]:
        page.wait_for_url(re.compile(f"/policies/social-networking/lessons/{lesson.id}$"))
        answer_every_practice_question(page, course)
        page.get_by_role("button", name="Mark as done and continue").click()
    page.wait_for_url(re.compile(f"/policies/social-networking/lessons/{course.lessons[2].id}$"))
    sign_out(page)

    sign_in(page, learner)
    page.get_by_role("button", name="Continue where you left off").click()
    page.wait_for_url(re.compile(f"/policies/social-networking/lessons/{course.lessons[2].id}$"))
    assert heading(page) == flat(course.lessons[2].title)
    assert "Lesson 3 of" in page.locator(".govuk-caption-l").inner_text()


def test_a_failing_score_leaves_the_declaration_closed(
    page: Page, make_learner: Callable[..., Person], course: Course
) -> None:
    learner = make_learner("Bernard Okoro", lessons_done=len(course.lessons))
    sign_in(page, learner)
    page.get_by_role("button", name="Continue where you left off").click()
    start_assessment(page)
    answer_assessment(page, course, rightly=False)
    page.get_by_role("button", name="Submit my answers").click()
    page.get_by_role("heading", name="You have not passed this time").wait_for()

    response = page.goto("/policies/social-networking/declaration")
    assert response is not None
    assert response.status == 400
    assert (
        "Pass the assessment before you sign the declaration." in page.locator("main").inner_text()
    )
    assert page.locator("input[name=signature]").count() == 0
    assert page.get_by_role("button", name="Sign the declaration").count() == 0


def test_a_practice_question_can_be_answered_with_the_keyboard_alone(
    page: Page, make_learner: Callable[..., Person], course: Course
) -> None:
    lesson, number = next(
        (lesson, number)
        for lesson in course.lessons
        for number, question in enumerate(lesson.practice, start=1)
        if question.type is not QuestionType.MULTIPLE
    )
    sign_in(page, make_learner("Chloe Baxter"))
    page.goto(f"/policies/social-networking/lessons/{lesson.id}")

    page.keyboard.press("Tab")
    focused = page.evaluate(FOCUSED)
    assert focused["text"].strip() == "Skip to main content"
    assert focused["hasFocusRing"], "the skip link shows no focus"
    page.keyboard.press("Enter")
    assert page.evaluate(FOCUSED)["id"] == "main-content"

    field = f"practice_{number}"
    for _ in range(60):
        page.keyboard.press("Tab")
        focused = page.evaluate(FOCUSED)
        if focused["name"] == field:
            break
    else:
        raise AssertionError(f"Tab never reached the radios of practice question {number}")
    assert focused["type"] == "radio"
    assert focused["hasFocusRing"], "the radio shows no focus"
    page.keyboard.press("Space")
    assert page.evaluate(FOCUSED)["checked"]
    page.keyboard.press("Tab")
    focused = page.evaluate(FOCUSED)
    assert focused["text"].strip() == "Check my answer"
    assert focused["hasFocusRing"], "the button shows no focus"
    page.keyboard.press("Enter")

    feedback = page.locator(f"#practice-{number} [role=status]")
    feedback.wait_for()
    assert re.search(r"That's right\.|Not quite\.", feedback.inner_text())


def test_pages_fit_a_320_pixel_screen_without_sideways_scrolling(
    new_context: Callable[..., BrowserContext],
    make_learner: Callable[..., Person],
    course: Course,
) -> None:
    page = new_context(viewport=NARROW).new_page()
    sign_in(page, make_learner("Dominic Fairweather-Lewington", lessons_done=len(course.lessons)))
    no_horizontal_scroll(page, "My training")
    for lesson in course.lessons:
        page.goto(f"/policies/social-networking/lessons/{lesson.id}")
        page.locator("#policy-text summary").click()  # the policy text, tables and all
        no_horizontal_scroll(page, f"lesson {lesson.id!r}")
    page.goto("/policies/social-networking/assessment")
    start_assessment(page)
    no_horizontal_scroll(page, "the assessment")
