"""Real-browser fixtures: the app on a live server, headless Chromium, and people to sign in as.

One server and one browser serve the whole run; every test gets a fresh browser context, so no
cookies or storage leak between tests. The school and its headteacher are set up once, through
the first-run page, as the first person to open a new installation would do it.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, Any

import pytest
from flask import Flask, got_request_exception
from sqlalchemy.orm import Session
from werkzeug.serving import WSGIRequestHandler, make_server

from elearn import create_app
from elearn.accounts.models import School
from elearn.accounts.service import school_named
from elearn.clock import FixedClock
from elearn.content.schema import Course, Library
from elearn.db import get_db, get_session
from elearn.migrate import upgrade
from tests.browser.axe import check_accessibility
from tests.conftest import NOW
from tests.factories import PASSWORD, learner, make_member

if TYPE_CHECKING:
    from playwright.sync_api import Browser, BrowserContext, Page

# Long enough for a slow shared machine, short enough that a missing element fails quickly.
TIMEOUT_MS = 10_000


@dataclass(frozen=True)
class Person:
    """Someone who can sign in: what they would type."""

    name: str
    email: str
    password: str


HEADTEACHER = Person("Helen Carter", "head@thorners.example", "lantern orchard biscuit")
SCHOOL_NAME = "Thorner's CE VA Primary School"


class QuietRequestHandler(WSGIRequestHandler):
    """Log errors, not every request: a failing test's output stays readable."""

    def log_request(self, code: int | str = "-", size: int | str = "-") -> None:
        pass


@dataclass
class LiveServer:
    url: str
    app: Flask
    errors: list[str]


@pytest.fixture(scope="session")
def live_server(tmp_path_factory: pytest.TempPathFactory, course: Course) -> Iterator[LiveServer]:
    """The real app, CSRF on, served on 127.0.0.1 from a thread, with its own SQLite file."""
    database = tmp_path_factory.mktemp("live") / "elearn.sqlite"
    app = create_app(
        {
            "ENVIRONMENT": "testing",
            "DATABASE_URL": f"sqlite:///{database}",
            "BASE_URL": "http://127.0.0.1",
            "WTF_CSRF_ENABLED": True,
            "LIBRARY": Library((course,)),
            "CLOCK": FixedClock(NOW),
        }
    )
    upgrade(get_db(app).engine)
    server = make_server("127.0.0.1", 0, app, threaded=True, request_handler=QuietRequestHandler)
    # Port 0 lets the system pick a free port; set-up links and certificates must name it.
    app.config["BASE_URL"] = f"http://127.0.0.1:{server.server_port}"
    live = LiveServer(url=app.config["BASE_URL"], app=app, errors=[])

    def record_error(_sender: Flask, exception: BaseException, **_extra: Any) -> None:
        live.errors.append(f"{type(exception).__name__}: {exception}")

    got_request_exception.connect(record_error, app)
    thread = threading.Thread(target=server.serve_forever, name="live-server", daemon=True)
    thread.start()
    yield live
    server.shutdown()
    thread.join(timeout=10)
    server.server_close()
    get_db(app).engine.dispose()


@pytest.fixture
def new_context(
    browser: Browser, live_server: LiveServer
) -> Iterator[Callable[..., BrowserContext]]:
    """Make a fresh browser context (another person's browser); all are closed afterwards."""
    contexts: list[BrowserContext] = []
    problems: list[str] = []

    def make(**options: Any) -> BrowserContext:
        settings: dict[str, Any] = {
            "base_url": live_server.url,
            "viewport": {"width": 1280, "height": 900},
            "locale": "en-GB",
            "timezone_id": "Europe/London",
            "accept_downloads": True,
        }
        settings.update(options)
        context = browser.new_context(**settings)
        context.set_default_timeout(TIMEOUT_MS)
        context.on("page", lambda page: _watch_for_problems(page, problems))
        contexts.append(context)
        return context

    errors_before = len(live_server.errors)
    yield make
    for context in contexts:
        context.close()
    assert live_server.errors[errors_before:] == [], "the server raised while handling a request"
    assert problems == [], "the browser reported script errors or Content Security Policy blocks"


def _watch_for_problems(page: Page, problems: list[str]) -> None:
    """Record uncaught script errors and anything the Content Security Policy blocked."""
    page.on("pageerror", lambda error: problems.append(f"{page.url}: {error}"))
    page.on(
        "console",
        lambda message: (
            problems.append(f"{page.url}: {message.text}")
            if "Content Security Policy" in message.text
            else None
        ),
    )


@pytest.fixture
def context(new_context: Callable[..., BrowserContext]) -> BrowserContext:
    return new_context()


@pytest.fixture
def page(context: BrowserContext) -> Page:
    return context.new_page()


@pytest.fixture(scope="session")
def headteacher(browser: Browser, live_server: LiveServer) -> Person:
    """Set up the school through the first-run page, which every page leads to until then."""
    context = browser.new_context(base_url=live_server.url)
    context.set_default_timeout(TIMEOUT_MS)
    try:
        page = context.new_page()
        page.goto("/")
        assert page.url.endswith("/setup")
        check_accessibility(page, "first-run set-up page")
        page.get_by_label("School name").fill(SCHOOL_NAME)
        page.get_by_label("Your full name").fill(HEADTEACHER.name)
        page.get_by_label("Your email address").fill(HEADTEACHER.email)
        page.get_by_label("Choose a password").fill(HEADTEACHER.password)
        page.get_by_role("button", name="Set up", exact=True).click()
        page.get_by_role("heading", name="Staff training").wait_for()
    finally:
        context.close()
    return HEADTEACHER


@pytest.fixture
def make_learner(
    live_server: LiveServer, headteacher: Person, course: Course
) -> Callable[..., Person]:
    """A member of staff with a password, who has done the first `lessons_done` lessons."""

    def make(name: str, lessons_done: int = 0) -> Person:
        app = live_server.app
        now = app.extensions["elearn.clock"].now()
        with app.app_context():
            session = get_session()
            school = the_school(session)
            member = make_member(session, school, name=name, starts_on=date(2026, 11, 20))
            learner(session, member).complete_lessons(now, lessons_done)
            session.commit()
            return Person(member.name, member.email, PASSWORD)

    return make


def the_school(session: Session) -> School:
    """The school the browser tests set up through the first-run page."""
    school = school_named(session, SCHOOL_NAME)
    assert school is not None
    return school


def sign_in(page: Page, person: Person) -> None:
    """Sign in through the sign-in page and land on My training."""
    page.goto("/login")
    page.get_by_label("Email address").fill(person.email)
    page.get_by_label("Password", exact=True).fill(person.password)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(lambda url: "/login" not in url)


def sign_out(page: Page) -> None:
    page.get_by_role("button", name="Sign out").click()
    page.get_by_role("heading", name="Sign in").wait_for()
