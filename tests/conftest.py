"""Shared fixtures: one migrated database per run, a rolled-back transaction per test."""

from __future__ import annotations

import importlib.util
import os
import random
import re
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import Engine, create_engine, event, select, text
from sqlalchemy.orm import Session

from elearn import create_app
from elearn.accounts.models import Role, School, StaffMember
from elearn.clock import FixedClock
from elearn.config import REPO_CONTENT_DIR
from elearn.content.loader import load_course
from elearn.content.schema import Course, Library
from elearn.db import get_db, make_engine
from elearn.migrate import upgrade
from elearn.policies.models import Policy
from elearn.versions.models import PolicyVersion
from tests.factories import make_member, make_policy, make_school

if TYPE_CHECKING:
    from playwright.sync_api import Browser

NOW = datetime(2026, 11, 24, 10, 0, tzinfo=UTC)


CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def pytest_configure(config: pytest.Config) -> None:
    os.environ.setdefault("ELEARN_ENV", "testing")


def require_or_skip(reason: str) -> None:
    """Skip with a reason; with ELEARN_REQUIRE_BROWSER=1 (as in CI) a missing part is a failure."""
    if os.environ.get("ELEARN_REQUIRE_BROWSER") == "1":
        pytest.fail(f"required for this run but missing: {reason}")
    pytest.skip(reason)


SHIPPED_COURSE_DIR = REPO_CONTENT_DIR / "social-networking"
SN = "/policies/social-networking"  # the shipped policy's pages for staff
# A second, small course (an acceptable use policy), for several policies side by side.
FIXTURE_LIBRARY = Path(__file__).resolve().parent / "fixtures" / "courses"


# One browser for the whole run: Playwright's synchronous API runs one instance per process,
# so the browser tests and the SCORM runtime tests share it.
@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    if not CHROMIUM.exists():
        require_or_skip(f"no Chromium at {CHROMIUM}: install Debian's chromium package")
    if importlib.util.find_spec("playwright") is None:
        require_or_skip("Playwright for Python is not installed: pip install -e '.[test]'")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
        )
        yield browser
        browser.close()


@pytest.fixture(scope="session")
def course() -> Course:
    return load_course(SHIPPED_COURSE_DIR)


@pytest.fixture(scope="session")
def aup(course: Course) -> Course:
    """The second, small course: a staff acceptable use policy with two lessons."""
    return load_course(FIXTURE_LIBRARY / "acceptable-use")


@pytest.fixture(scope="session")
def library(course: Course, aup: Course) -> Library:
    """The app's library in tests: the shipped course and the acceptable use course."""
    return Library((course, aup))


@pytest.fixture(scope="session")
def database_url(tmp_path_factory: pytest.TempPathFactory) -> str:
    url = os.environ.get("TEST_DATABASE_URL")
    if url:
        return url
    return f"sqlite:///{tmp_path_factory.mktemp('db') / 'test.sqlite'}"


@pytest.fixture(scope="session")
def engine(database_url: str) -> Iterator[Engine]:
    engine = make_engine(database_url)
    if engine.dialect.name == "postgresql":
        with engine.begin() as connection:
            connection.execute(text("DROP SCHEMA public CASCADE"))
            connection.execute(text("CREATE SCHEMA public"))
    upgrade(engine)
    yield engine
    engine.dispose()


@pytest.fixture
def clock() -> FixedClock:
    return FixedClock(NOW)


@pytest.fixture
def app_config(database_url: str, library: Library) -> dict[str, Any]:
    return {
        "ENVIRONMENT": "testing",
        "DATABASE_URL": database_url,
        "LIBRARY": library,
        "WTF_CSRF_ENABLED": False,
        "BASE_URL": "https://training.school.example",
    }


@pytest.fixture
def draw_seed() -> int:
    """The seed of this test's question draws: the same questions every run. Override it (or
    parametrise it) to see other draws."""
    return 2026


# Apps already built, by their configuration: building one per test costs more than most tests.
_apps: dict[tuple[tuple[str, object], ...], Flask] = {}


def _config_key(config: dict[str, Any]) -> tuple[tuple[str, object], ...]:
    """Plain values as they are; anything else (the library) by identity."""
    plain = (str, int, float, bool, type(None))
    return tuple(
        sorted(
            (name, value if isinstance(value, plain) else id(value))
            for name, value in config.items()
        )
    )


@pytest.fixture
def app(
    app_config: dict[str, Any], engine: Engine, clock: FixedClock, draw_seed: int
) -> Iterator[Flask]:
    """The app for this test's configuration, built once per run and shared by every test with
    the same configuration. Each test gets its own clock, its own seeded draw and its own
    transaction, rolled back afterwards."""
    key = _config_key(app_config)
    if key not in _apps:
        _apps[key] = create_app(dict(app_config))
        get_db(_apps[key]).engine.dispose()
    app = _apps[key]
    app.extensions["elearn.clock"] = clock
    draws = random.Random(draw_seed)
    app.extensions["elearn.random"] = lambda: draws
    database = get_db(app)
    with engine.connect() as connection:
        transaction = connection.begin()
        with database.bound_to(connection):
            yield app
        transaction.rollback()


@pytest.fixture
def session(app: Flask) -> Iterator[Session]:
    # No app context here: requests must push their own, so each gets a fresh session.
    session = get_db(app).session()
    yield session
    session.close()


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()


@pytest.fixture
def school(session: Session, course: Course) -> School:
    school = make_school(session)
    make_policy(session, school, course)
    session.commit()
    return school


@pytest.fixture
def policy(session: Session, school: School) -> Policy:
    """The school's Social Networking Policy."""
    return session.scalars(
        select(Policy).where(Policy.school_id == school.id, Policy.slug == "social-networking")
    ).one()


@pytest.fixture
def version(session: Session, policy: Policy) -> PolicyVersion:
    return session.scalars(select(PolicyVersion).where(PolicyVersion.policy_id == policy.id)).one()


@pytest.fixture
def headteacher(session: Session, school: School) -> StaffMember:
    member = make_member(session, school, role=Role.HEADTEACHER, name="Helen Carter")
    session.commit()
    return member


@pytest.fixture
def staff(session: Session, school: School, headteacher: StaffMember) -> StaffMember:
    member = make_member(session, school, name="Amelia Hart")
    session.commit()
    return member


def sign_in_as(client: FlaskClient, member: StaffMember) -> None:
    """Sign in as the member, as the sign-in page does, at the app's clock's time."""
    moment = int(client.application.extensions["elearn.clock"].now().timestamp())
    with client.session_transaction() as flask_session:
        flask_session["_user_id"] = member.get_id()
        flask_session["_fresh"] = True
        flask_session["signed_in_at"] = moment
        flask_session["last_seen_at"] = moment


@pytest.fixture
def as_staff(client: FlaskClient, staff: StaffMember) -> FlaskClient:
    sign_in_as(client, staff)
    return client


@pytest.fixture
def as_headteacher(client: FlaskClient, headteacher: StaffMember) -> FlaskClient:
    sign_in_as(client, headteacher)
    return client


@pytest.fixture
def count_queries(app: Flask) -> Callable[[], Any]:
    """Use as `with count_queries() as counter: ...`, then read counter.count."""

    class Counter:
        def __init__(self) -> None:
            self.count = 0
            self.statements: list[str] = []

    @contextmanager
    def counting() -> Iterator[Counter]:
        counter = Counter()
        engine = get_db(app).session_factory.kw["bind"]
        target = engine.engine if hasattr(engine, "engine") else engine

        def before(*args: Any) -> None:
            counter.count += 1
            counter.statements.append(str(args[2]))

        event.listen(target, "before_cursor_execute", before)
        try:
            yield counter
        finally:
            event.remove(target, "before_cursor_execute", before)

    return counting


def csrf_token_from(html: str) -> str:
    match = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', html) or re.search(
        r'value="([^"]+)"[^>]*name="csrf_token"', html
    )
    assert match, "no CSRF token on the page"
    return match.group(1)


__all__ = [
    "FIXTURE_LIBRARY",
    "NOW",
    "SHIPPED_COURSE_DIR",
    "SN",
    "Path",
    "create_engine",
    "csrf_token_from",
    "require_or_skip",
    "sign_in_as",
]
