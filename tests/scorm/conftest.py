"""Fixtures for the SCORM tests: packages built once a run, unpacked and served on loopback beside a
stand-in learning platform (scorm-again, from node_modules), and headless Chromium.

Every package is built for a school other than the one its policy was written for, so the tests see
the school's own name filled in, and for both the shipped course and the fixture course.
"""

from __future__ import annotations

import functools
import threading
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar
from urllib.parse import unquote, urlsplit

import pytest

from elearn.content.loader import load_course
from elearn.content.placeholders import course_for_school
from elearn.content.schema import Course
from scorm import STANDARDS, Standard, build_package
from tests.browser.conftest import TIMEOUT_MS
from tests.conftest import FIXTURE_LIBRARY, SHIPPED_COURSE_DIR, require_or_skip
from tests.scorm.platform import Package

if TYPE_CHECKING:
    from playwright.sync_api import Browser, BrowserContext, Page, Route

SCHOOL = "Meadow Lane Primary School"
COURSE_FOLDERS = {
    "social-networking": SHIPPED_COURSE_DIR,
    "acceptable-use": FIXTURE_LIBRARY / "acceptable-use",
}
PLAYER = Path(__file__).resolve().parent / "player"
SCORM_AGAIN = Path(__file__).resolve().parents[2] / "node_modules" / "scorm-again" / "dist"


PACKAGE_IDS = [f"{slug}-{standard}" for slug in COURSE_FOLDERS for standard in STANDARDS]


@pytest.fixture(scope="session")
def served_root(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("served")


@pytest.fixture(scope="session")
def build(served_root: Path) -> Callable[..., Package]:
    """Build and unpack a package, once per settings; `assessment_size` defaults to the course's."""
    built: dict[tuple[str, str, int | None], Package] = {}

    def make(slug: str, standard: Standard, assessment_size: int | None = None) -> Package:
        key = (slug, standard, assessment_size)
        if key not in built:
            course = _source_course(slug)
            size = assessment_size or course.assessment_size
            out = served_root / "zips" / f"{slug}-{size}"
            zip_path = build_package(
                course,
                standard=standard,
                school_name=SCHOOL,
                version_label=course.policy.version,
                pass_mark=course.pass_mark,
                assessment_size=size,
                out_dir=out,
            )
            folder = served_root / "packages" / f"{zip_path.stem}-{size}"
            with zipfile.ZipFile(zip_path) as archive:
                archive.extractall(folder)
            school_course = course_for_school(course, SCHOOL)
            built[key] = Package(school_course, standard, zip_path, folder, course.pass_mark, size)
        return built[key]

    return make


@functools.cache
def _source_course(slug: str) -> Course:
    return load_course(COURSE_FOLDERS[slug])


@pytest.fixture(params=PACKAGE_IDS)
def package(request: pytest.FixtureRequest, build: Callable[..., Package]) -> Package:
    """Each course in each standard, with the course's own settings."""
    slug, standard = str(request.param).rsplit("-", 1)
    return build(slug, standard)


class _QuietHandler(SimpleHTTPRequestHandler):
    """Serves the unpacked packages, the test platform and scorm-again; logs nothing."""

    routes: ClassVar[dict[str, Path]] = {}

    def translate_path(self, path: str) -> str:
        path = unquote(urlsplit(path).path)
        for prefix, folder in self.routes.items():
            if path.startswith(prefix):
                target = (folder / path.removeprefix(prefix)).resolve()
                if target.is_relative_to(folder.resolve()):
                    return str(target)
        return str(Path(self.directory) / "missing")

    def log_message(self, format: str, *args: Any) -> None:
        pass


@pytest.fixture(scope="session")
def server(served_root: Path) -> Iterator[str]:
    """A static server on 127.0.0.1: /packages/, /player/ and /vendor/scorm-again/."""
    if not (SCORM_AGAIN / "scorm12.min.js").exists():
        require_or_skip("scorm-again not installed: run npm ci")
    routes = {
        "/packages/": served_root / "packages",
        "/player/": PLAYER,
        "/vendor/scorm-again/": SCORM_AGAIN,
    }
    handler = type("Handler", (_QuietHandler,), {"routes": routes})
    httpd = ThreadingHTTPServer(
        ("127.0.0.1", 0), functools.partial(handler, directory=str(served_root))
    )
    thread = threading.Thread(target=httpd.serve_forever, name="scorm-server", daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_port}"
    httpd.shutdown()
    thread.join(timeout=10)
    httpd.server_close()


@dataclass
class Watch:
    """What went wrong in the browser: script errors, and requests that left this machine."""

    errors: list[str]
    off_machine: list[str]


@pytest.fixture
def watch() -> Watch:
    return Watch([], [])


@pytest.fixture
def context(browser: Browser, server: str, watch: Watch) -> Iterator[BrowserContext]:
    """A fresh browser on the test server; any request off loopback is refused and recorded."""
    context = browser.new_context(
        base_url=server,
        viewport={"width": 1280, "height": 900},
        locale="en-GB",
        timezone_id="Europe/London",
    )
    context.set_default_timeout(TIMEOUT_MS)

    def guard(route: Route) -> None:
        host = urlsplit(route.request.url).hostname
        if route.request.url.startswith(("data:", "blob:")) or host == "127.0.0.1":
            route.continue_()
        else:
            watch.off_machine.append(route.request.url)
            route.abort()

    context.route("**/*", guard)
    context.on("weberror", lambda error: watch.errors.append(str(error.error)))
    yield context
    context.close()
    assert watch.errors == [], "the course raised script errors"
    assert watch.off_machine == [], "the course asked for something off this machine"


@pytest.fixture
def page(context: BrowserContext) -> Page:
    return context.new_page()
