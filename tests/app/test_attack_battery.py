"""An attack battery: every route in the URL map, attacked as an anonymous visitor, a member of
staff and a headteacher.

It proves two things throughout: no request ends in a server error, and nothing is stored that
should not be. Other people's records stay out of reach (for staff, and for a second school's
headteacher); scripts, template syntax and formulas typed into names, signatures, the school's
name and version labels come back out as text in pages, the CSV export and the certificate PDF;
SQL metacharacters, odd bytes, huge and missing values are refused or kept exactly as typed; and
replayed answers never change a grade.

Routes are discovered from `app.url_map`, so a new route is attacked as soon as it exists, and a
placeholder the table below does not know fails the first test. CSRF protection is off here
(tests/app/test_security.py covers it, with the security headers and cookies); exceptions
propagate, so a crash fails the test that caused it. The last test prints how many requests the
battery sent.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Callable
from dataclasses import dataclass, field, fields
from datetime import timedelta
from typing import Any
from urllib.parse import quote, urlencode

import pytest
from flask import Flask
from flask.testing import FlaskClient
from markupsafe import escape
from pypdf import PdfReader
from sqlalchemy import func, select
from sqlalchemy.orm import Session
from werkzeug.test import TestResponse

from elearn.accounts import service as accounts
from elearn.accounts.models import Category, Role, School, SetupLink, StaffMember
from elearn.certificates.models import Certificate, Declaration
from elearn.console import staff_import
from elearn.content.schema import Course
from elearn.models import Base
from elearn.policies.api import policy_by_slug
from elearn.security import FORMULA_STARTS, csv_safe
from elearn.training.models import Answer, Attempt, AttemptKind, Enrolment, LessonCompletion
from elearn.versions.models import PolicyDraft, PolicyVersion
from elearn.versions.service import create_draft, current_version
from tests.app.journey import (
    answers_form,
    complete_lessons,
    finish_course,
    open_attempt,
    pass_assessment,
    revisit_missed_lessons,
    sign,
)
from tests.app.versions_helpers import reworded_policy
from tests.conftest import sign_in_as
from tests.factories import EPOCH, PASSWORD, make_member, make_policy, make_school

# --- Counting every request ---------------------------------------------------------------------


@dataclass
class Tally:
    """Every request the battery sends, and each one that ended in a server error or a crash."""

    requests: int = 0
    server_errors: list[str] = field(default_factory=list)


TALLY = Tally()


class CountingClient(FlaskClient):
    """The test client, counting each request (a followed redirect is one more)."""

    def open(self, *args: Any, **kwargs: Any) -> TestResponse:
        TALLY.requests += 1
        target = args[0] if args and isinstance(args[0], str) else kwargs.get("path", "?")
        try:
            response = super().open(*args, **kwargs)
        except Exception as error:
            TALLY.server_errors.append(f"{target[:120]} raised {error!r}")
            raise
        if response.status_code >= 500:
            TALLY.server_errors.append(f"{target[:120]}: {response.status_code}")
        return response


@pytest.fixture
def app_config(app_config: dict[str, Any]) -> dict[str, Any]:
    """CSRF off, as in the shared fixture (tests/app/test_security.py tests it with it on), and
    exceptions propagating out of the app into the test, whatever Flask's default."""
    return {**app_config, "WTF_CSRF_ENABLED": False, "PROPAGATE_EXCEPTIONS": True}


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    app.test_client_class = CountingClient
    return app.test_client()


def send(
    client: FlaskClient, failures: list[str], method: str, url: str, **kwargs: Any
) -> TestResponse | None:
    """One attack inside a loop: a crash or a server error joins `failures`, and the loop goes on
    so that one run reports every route that failed, not just the first."""
    label = f"{method} {url[:120]}"
    try:
        # Buffered: the body is read and the response closed (a static file's handle with it).
        response = client.open(url, method=method, buffered=True, **kwargs)
    except Exception as error:  # a crash in the app: note it and attack the next route
        failures.append(f"{label}: raised {error!r}")
        return None
    if response.status_code >= 500:
        failures.append(f"{label}: server error {response.status_code}")
        return None
    return response


# --- The database, before and after -------------------------------------------------------------

MAIN_TABLES = (
    School,
    StaffMember,
    SetupLink,
    Enrolment,
    LessonCompletion,
    Attempt,
    Answer,
    Declaration,
    Certificate,
    PolicyDraft,
    PolicyVersion,
)


def all_rows(session: Session) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of every table: a refused request must leave them all as they were."""
    session.expire_all()
    return {
        table.name: [tuple(row) for row in session.execute(select(table)).all()]
        for table in Base.metadata.sorted_tables
    }


def main_counts(session: Session) -> dict[str, int]:
    """Rows in the tables that hold records (not the audit log or failed sign-ins, which a
    refused request rightly adds to)."""
    session.expire_all()
    return {
        model.__tablename__: session.scalar(select(func.count()).select_from(model)) or 0
        for model in MAIN_TABLES
    }


# --- Routes, discovered -------------------------------------------------------------------------

PLACEHOLDER = re.compile(r"<[^>]+>")
# Every placeholder in the URL map, and the `Values` field that fills it. A rule with one that is
# not here fails test_every_url_placeholder_has_a_value_in_the_table: no route escapes.
PLACEHOLDERS = {
    "<lesson_id>": "lesson_id",
    "<int:number>": "number",
    "<int:attempt_id>": "attempt_id",
    "<int:certificate_id>": "certificate_id",
    "<int:member_id>": "member_id",
    "<int:draft_id>": "draft_id",
    "<int:import_id>": "import_id",
    "<int:version_id>": "version_id",
    "<int:school_id>": "school_id",
    "<slug>": "slug",
    "<code>": "code",
    "<token>": "token",
    "<path:filename>": "filename",
}
# Placeholders that name someone's record: filled with another person's, they must lead nowhere.
# (A certificate code and a set-up token are secrets that open their page by design.)
RECORD_PLACEHOLDERS = frozenset(
    {
        "<int:attempt_id>",
        "<int:certificate_id>",
        "<int:member_id>",
        "<int:draft_id>",
        "<int:import_id>",
        "<int:version_id>",
        "<int:school_id>",
    }
)
HEADTEACHER_ONLY = ("/console/", "/account/two-step", "/trust/")
PUBLIC_ENDPOINTS = frozenset(
    {
        "static",
        "auth.first_run",
        "auth.login",
        "auth.two_step_sign_in",
        "auth.logout",
        "auth.setup_link",
        "certificates.verify",
        "public.healthz",
        "public.accessibility",
        "public.privacy",
    }
)
# Public pages that show a person's name to whoever holds the code or link, by design.
SHOWS_THE_HOLDER = frozenset({"certificates.verify", "auth.setup_link"})


@dataclass(frozen=True)
class Values:
    """What fills each placeholder."""

    lesson_id: str
    number: int
    attempt_id: int
    certificate_id: int
    member_id: int
    draft_id: int
    import_id: int
    version_id: int
    code: str
    token: str
    school_id: int
    slug: str = "social-networking"
    filename: str = "css/elearn.css"


@dataclass(frozen=True, order=True)
class Route:
    rule: str
    method: str
    endpoint: str

    def __str__(self) -> str:
        return f"{self.method} {self.rule}"

    @property
    def placeholders(self) -> list[str]:
        return PLACEHOLDER.findall(self.rule)

    @property
    def names_a_record(self) -> bool:
        return any(placeholder in RECORD_PLACEHOLDERS for placeholder in self.placeholders)

    @property
    def is_for_headteachers(self) -> bool:
        return self.rule.startswith(HEADTEACHER_ONLY)

    def url(self, values: Values, **raw: str) -> str:
        """The rule filled from `values`, or with `raw` text (already quoted) for a placeholder."""
        path = self.rule
        for placeholder in self.placeholders:
            if placeholder in raw:
                text = raw[placeholder]
            else:
                text = quote(str(getattr(values, PLACEHOLDERS[placeholder])), safe="/")
            path = path.replace(placeholder, text)
        return path


def discover_routes(app: Flask) -> list[Route]:
    """Every rule, with every method but HEAD and OPTIONS (Werkzeug and Flask add those)."""
    return sorted(
        Route(rule.rule, method, rule.endpoint)
        for rule in app.url_map.iter_rules()
        for method in (rule.methods or set()) - {"HEAD", "OPTIONS"}
    )


def test_every_url_placeholder_has_a_value_in_the_table(app: Flask) -> None:
    unknown = sorted(
        f"{route}: {placeholder}"
        for route in discover_routes(app)
        for placeholder in route.placeholders
        if placeholder not in PLACEHOLDERS
    )
    assert not unknown, "add these placeholders to PLACEHOLDERS and Values"
    assert set(PLACEHOLDERS.values()) <= {item.name for item in fields(Values)}


def test_routes_are_discovered_with_every_method_but_head_and_options(app: Flask) -> None:
    routes = {str(route) for route in discover_routes(app)}
    assert {
        "GET /console/",
        "POST /policies/<slug>/assessment/<int:attempt_id>",
        "GET /verify/<code>",
    } <= routes
    assert not any(route.startswith(("HEAD ", "OPTIONS ")) for route in routes)


# --- Someone else's records ---------------------------------------------------------------------


@dataclass(frozen=True)
class Records:
    """One school's records, for someone else to try to reach."""

    school: School
    headteacher: StaffMember
    owner: StaffMember  # a member of staff who has finished the course
    values: Values  # the placeholders, filled with the owner's and the school's records
    personal: tuple[str, ...]  # the owner's and a newcomer's names, emails and certificate code
    school_wide: tuple[str, ...]  # the school's and headteacher's names, links to its records

    def leaks_in(self, body: str, *, school_wide: bool = True) -> list[str]:
        """The secrets that appear in `body`, as typed or as HTML shows them."""
        secrets = self.personal + (self.school_wide if school_wide else ())
        return [secret for secret in secrets if secret in body or str(escape(secret)) in body]


def build_records(
    client: FlaskClient,
    session: Session,
    course: Course,
    school: School,
    headteacher: StaffMember,
    owner_name: str,
    domain: str,
) -> Records:
    """A member who finished the course (over HTTP), a draft, and an unused set-up link."""
    first_name = owner_name.split()[0].lower()
    owner = make_member(session, school, name=owner_name, email=f"{first_name}@{domain}")
    session.commit()
    certificate_id = finish_course(client, session, owner, course)
    certificate = session.get_one(Certificate, certificate_id)
    attempt_id = session.scalars(select(Attempt.id).where(Attempt.member_id == owner.id)).one()
    policy = policy_by_slug(session, school, "social-networking")
    draft = create_draft(
        session,
        policy,
        headteacher,
        filename="policy.txt",
        data=reworded_policy(),
        label=f"Draft {domain}",
        now=EPOCH,
    )
    newcomer, token = accounts.add_staff_member(
        session,
        school,
        email=f"newcomer@{domain}",
        name=f"Newcomer of {owner_name}",
        category=Category.TEACHER,
        starts_on=EPOCH.date(),
        now=EPOCH,
        link_valid_for=timedelta(days=3650),
    )
    kept = staff_import.keep_for_review(
        session,
        school,
        headteacher,
        text=f"Full name,Email\nListed Person,listed@{domain}\n",
        source_name=f"staff-{domain}.csv",
        archive_missing=False,
        now=EPOCH,
    )
    session.commit()
    version = current_version(session, policy)
    values = Values(
        lesson_id=course.lessons[0].id,
        number=1,
        attempt_id=attempt_id,
        certificate_id=certificate_id,
        member_id=owner.id,
        draft_id=draft.id,
        import_id=kept.id,
        version_id=version.id,
        code=certificate.code,
        token=token,
        school_id=school.id,
    )
    return Records(
        school=school,
        headteacher=headteacher,
        owner=owner,
        values=values,
        personal=(owner.name, owner.email, certificate.code, newcomer.name, newcomer.email),
        school_wide=(
            school.name,
            headteacher.name,
            headteacher.email,
            draft.label,
            f'"/console/staff/{owner.id}"',
            f'"/certificates/{certificate_id}/download"',
            f'"/console/policies/social-networking/drafts/{draft.id}"',
            f'"/console/policies/social-networking/versions/{version.id}"',
        ),
    )


@pytest.fixture
def first(
    client: FlaskClient,
    session: Session,
    course: Course,
    school: School,
    headteacher: StaffMember,
    staff: StaffMember,
) -> Records:
    """The first school (the conftest's), where `staff` works beside Tom Okafor."""
    return build_records(
        client, session, course, school, headteacher, "Tom Okafor", "first.example"
    )


@pytest.fixture
def second(client: FlaskClient, session: Session, course: Course, first: Records) -> Records:
    """A second school in the same database, with its own headteacher, staff and records."""
    school = make_school(session, "Second Street Primary School")
    make_policy(session, school, course)
    head = make_member(
        session, school, role=Role.HEADTEACHER, name="Harriet Jones", email="head@second.example"
    )
    session.commit()
    return build_records(client, session, course, school, head, "Priya Shah", "second.example")


def test_anonymous_visitors_are_sent_to_sign_in_from_every_private_route(
    client: FlaskClient, session: Session, first: Records
) -> None:
    failures: list[str] = []
    before = all_rows(session)
    for route in discover_routes(client.application):
        url = route.url(first.values)
        response = send(client, failures, route.method, url)
        if response is None:
            continue
        location = response.headers.get("Location", "")
        if route.endpoint not in PUBLIC_ENDPOINTS:
            if response.status_code != 302 or not location.startswith("/login"):
                failures.append(f"{route}: {response.status_code} {location}, not sent to sign in")
        elif route.endpoint not in SHOWS_THE_HOLDER and (
            leaks := first.leaks_in(response.get_data(as_text=True), school_wide=False)
        ):
            failures.append(f"{route}: shows {leaks}")
    assert not failures, "\n".join(failures)
    assert all_rows(session) == before


def test_staff_get_403_or_404_for_other_peoples_records_and_every_console_page(
    client: FlaskClient, session: Session, staff: StaffMember, first: Records
) -> None:
    failures: list[str] = []
    sign_in_as(client, staff)
    before = all_rows(session)
    for route in discover_routes(client.application):
        if not (route.names_a_record or route.is_for_headteachers):
            continue
        response = send(client, failures, route.method, route.url(first.values))
        if response is None:
            continue
        expected = {403} if route.is_for_headteachers else {403, 404}
        if response.status_code not in expected:
            failures.append(f"{route}: {response.status_code}, expected {sorted(expected)}")
        if leaks := first.leaks_in(response.get_data(as_text=True), school_wide=False):
            failures.append(f"{route}: shows {leaks}")
    assert not failures, "\n".join(failures)
    assert all_rows(session) == before


@pytest.mark.parametrize(
    "attacker_is_second",
    [True, False],
    ids=["second-schools-head-on-the-first", "first-schools-head-on-the-second"],
)
def test_a_headteacher_reaches_nothing_of_another_school(
    client: FlaskClient,
    session: Session,
    first: Records,
    second: Records,
    attacker_is_second: bool,
) -> None:
    attacker, victim = (second, first) if attacker_is_second else (first, second)
    failures: list[str] = []
    routes = discover_routes(client.application)
    sign_in_as(client, attacker.headteacher)
    before = all_rows(session)
    for route in routes:
        if not route.names_a_record:
            continue
        response = send(client, failures, route.method, route.url(victim.values))
        if response is None:
            continue
        if response.status_code not in (403, 404):
            failures.append(f"{route}: {response.status_code}, expected 403 or 404")
        if leaks := victim.leaks_in(response.get_data(as_text=True)):
            failures.append(f"{route}: shows {leaks}")
    assert all_rows(session) == before
    # Pages without an id (the roster, its CSV, the audit log, the policy's history) show only
    # the headteacher's own school.
    for route in routes:
        if route.method != "GET" or route.placeholders:
            continue
        response = send(client, failures, "GET", route.rule)
        if response is not None and (leaks := victim.leaks_in(response.get_data(as_text=True))):
            failures.append(f"{route}: shows {leaks}")
    assert not failures, "\n".join(failures)


def test_the_owners_of_those_records_open_the_same_urls(
    client: FlaskClient, session: Session, first: Records
) -> None:
    """The control for the tests above: their 403s and 404s are not down to ids that do not
    exist."""
    failures: list[str] = []
    for route in discover_routes(client.application):
        if route.method != "GET" or not route.names_a_record:
            continue
        viewer = first.headteacher if route.is_for_headteachers else first.owner
        session.refresh(viewer)  # signing out at the end of the course gave a new session token
        sign_in_as(client, viewer)
        url = route.url(first.values)
        response = send(client, failures, "GET", url, follow_redirects=True)
        if response is not None and response.status_code != 200:
            failures.append(f"{route} as {viewer.name}: {response.status_code}")
    assert not failures, "\n".join(failures)


# --- Scripts, template syntax and formulas in every text field that is shown -------------------

PAYLOADS = {
    "script-element": "<script>alert(1)</script>",
    "attribute-break": '"><img src=x onerror=alert(1)>',
    "template": "{{7*7}}",
    "formula": '=HYPERLINK("http://x")',
    "sql": "'; DROP TABLE staff_members; --",
}
HEAD_SUFFIX = " Carter"  # the headteacher is "<payload> Carter"
CLI_SUFFIX = " Smith"  # the member added by the command line's service is "<payload> Smith"


def setup_token_in(page: str) -> str:
    match = re.search(r"/setup/([A-Za-z0-9_-]+)", page)
    assert match, "no set-up link on the page"
    return match.group(1)


def shown_as_text(body: str, texts: list[str]) -> list[str]:
    """What is wrong with how `texts` appear in an HTML page: each must appear, escaped."""
    problems = []
    for text in texts:
        escaped = str(escape(text))
        if escaped not in body:
            problems.append(f"{text!r} is not shown (escaped)")
        if escaped != text and text in body:
            problems.append(f"{text!r} appears unescaped")
    return problems


def member_with_email(session: Session, email: str) -> StaffMember:
    return session.scalars(select(StaffMember).where(StaffMember.email == email)).one()


def pdf_text(data: bytes) -> str:
    reader = PdfReader(io.BytesIO(data))
    return " ".join("".join(page.extract_text() for page in reader.pages).split())


@pytest.mark.parametrize("payload", list(PAYLOADS.values()), ids=list(PAYLOADS))
def test_text_typed_into_any_field_comes_back_as_text_everywhere(
    client: FlaskClient, session: Session, course: Course, payload: str
) -> None:
    head_name, cli_name = payload + HEAD_SUFFIX, payload + CLI_SUFFIX
    pages: dict[str, TestResponse] = {}
    # First run: the school's name and the headteacher's own.
    response = client.post(
        "/setup",
        data={
            "school": payload,
            "name": head_name,
            "email": "head@school.example",
            "password": PASSWORD,
        },
    )
    assert response.status_code == 303, response.get_data(as_text=True)[:2000]
    head = member_with_email(session, "head@school.example")
    school = session.get_one(School, head.school_id)
    assert (school.name, head.name) == (payload, head_name)
    pages["console after set-up"] = client.get(response.headers["Location"])

    # A new version of the policy, labelled with the payload.
    response = client.post(
        "/console/policies/social-networking/upload",
        data={"document": (io.BytesIO(reworded_policy()), "policy.txt"), "label": payload},
    )
    assert response.status_code == 303, response.get_data(as_text=True)[:2000]
    pages["draft"] = client.get(response.headers["Location"])
    pages["policy after publishing"] = client.post(
        response.headers["Location"], data={"change_kind": "minor"}, follow_redirects=True
    )
    version = current_version(session, policy_by_slug(session, school, "social-networking"))
    assert version.label == payload
    pages["version"] = client.get(f"/console/policies/social-networking/versions/{version.id}")

    # A member of staff with the payload for a name, added on the console; another added as the
    # command line adds them (the same service call).
    response = client.post(
        "/console/staff/new",
        data={
            "name": payload,
            "email": "amelia@school.example",
            "category": "teacher",
            "starts_on": ["1", "9", "2026"],
        },
    )
    assert response.status_code == 201, response.get_data(as_text=True)[:2000]
    pages["set-up link"] = response
    token = setup_token_in(response.get_data(as_text=True))
    by_cli = make_member(session, school, name=cli_name, email="cli@school.example")
    session.commit()

    # They set their password, train, and sign with the payload as their signature.
    client.post("/logout")
    assert client.post(f"/setup/{token}", data={"password": PASSWORD}).status_code == 303
    member = member_with_email(session, "amelia@school.example")
    complete_lessons(client, course)
    pass_assessment(client, session, member, course)
    pages["declaration"] = client.get("/policies/social-networking/declaration")
    sign(client, member)
    certificate = session.scalars(
        select(Certificate).join(Declaration).where(Declaration.member_id == member.id)
    ).one()
    declaration = session.get_one(Declaration, certificate.declaration_id)
    assert (declaration.member_name, declaration.signature) == (payload, payload)
    pages["done"] = client.get(f"/certificates/{certificate.id}")
    pages["home"] = client.get("/")
    pages["history"] = client.get("/history")
    pdfs = {"staff's certificate": client.get(f"/certificates/{certificate.id}/download")}

    # Anyone checking the certificate, or signing in.
    client.post("/logout")
    pages["verify"] = client.get(f"/verify/{certificate.code}")
    pages["sign in"] = client.get("/login")

    # The headteacher's console, with flash messages that name the member.
    session.refresh(head)
    sign_in_as(client, head)
    pause = {"returns_on": ["1", "9", "2027"]}
    pages["paused"] = client.post(
        f"/console/staff/{member.id}/pause", data=pause, follow_redirects=True
    )
    pages["resumed"] = client.post(f"/console/staff/{member.id}/resume", follow_redirects=True)
    pages["roster"] = client.get("/console/")
    pages["member"] = client.get(f"/console/staff/{member.id}")
    pages["member added by the command line"] = client.get(f"/console/staff/{by_cli.id}")
    pages["audit log"] = client.get("/console/audit")
    pdfs["headteacher's download"] = client.get(f"/certificates/{certificate.id}/download")
    export = client.get("/console/roster.csv")

    failures = []
    # Every page shows the school's name; some show more.
    more = {
        "roster": [head_name, cli_name],
        "member added by the command line": [cli_name],
        "audit log": [head_name],
    }
    for name, page in pages.items():
        if page.status_code not in (200, 201):
            failures.append(f"{name}: {page.status_code}")
        body = page.get_data(as_text=True)
        failures += [f"{name}: {p}" for p in shown_as_text(body, [payload, *more.get(name, [])])]
    for name, response in pdfs.items():
        assert response.status_code == 200, name
        text = pdf_text(response.data)
        # The school's name heads it; the version label, member's name and signature follow.
        printed = [
            text.startswith(f"{payload} "),
            f"Version: {payload} " in text,
            f"Name: {payload} " in text,
            f"Signed electronically by {payload} on " in text,
        ]
        if not all(printed):
            failures.append(f"{name}: the payload is not printed literally: {text[:600]}")
    assert export.status_code == 200
    rows = list(csv.reader(io.StringIO(export.get_data(as_text=True))))
    names = {row[1]: row[0] for row in rows[2:]}
    expected_names = {
        "head@school.example": csv_safe(head_name),
        "amelia@school.example": csv_safe(payload),
        "cli@school.example": csv_safe(cli_name),
    }
    if names != expected_names:
        failures.append(f"CSV names: {names}, expected {expected_names}")
    for row in rows[2:]:
        failures += [
            f"CSV cell {cell!r} is a formula" for cell in row if cell.startswith(FORMULA_STARTS)
        ]
    assert not failures, "\n".join(failures)
    assert session.scalar(select(func.count()).select_from(StaffMember)) == 3


# --- SQL metacharacters, odd bytes, huge, missing and mistyped values in every field -----------


class Missing:
    """The field is left out of the form altogether."""


class NotUtf8:
    """The field's value is bytes that are not UTF-8 (%FF%FE)."""


MISSING, NOT_UTF8 = Missing(), NotUtf8()
OddValue = str | list[str] | Missing | NotUtf8
# In this order, so the refusals come before any value a field may rightly accept.
ODD_VALUES: dict[str, OddValue] = {
    "missing": MISSING,
    "nul": "a\x00b",
    "ten-thousand": "x" * 10_000,
    # A million characters, two bytes each in UTF-8: over the 1 MB request limit in a body.
    "million": "é" * 1_000_000,
    "not-utf8": NOT_UTF8,
    "array": ["99", "1"],
    "or-true": "' OR '1'='1",
    "drop-table": "1; DROP TABLE staff_members; --",
}
POSITIONS: dict[str, OddValue] = {"ninety-nine": "99", "minus-one": "-1", "abc": "abc", "zero": "0"}
DATES: dict[str, OddValue] = {
    "31-february": ["31", "2", "2026"],
    "two-parts": ["1", "9"],
    "letters": ["dd", "mm", "yyyy"],
    "year-9999": ["31", "12", "9999"],
    "year-1": ["1", "1", "1"],
    "negative": ["-1", "-1", "-1"],
}
INTEGERS: dict[str, OddValue] = {
    "abc": "abc",
    "minus-one": "-1",
    "zero": "0",
    "float": "1.5",
    "huge": "9" * 30,
}
# 410: a set-up link that has been used (by an earlier odd value that was a fine password).
ALLOWED = frozenset({200, 201, 302, 303, 400, 404, 410, 413, 429})
# After a form accepts odd input, the pages that show what it stored must still work: a value
# stored today must not break the roster tomorrow (or on the furthest date it can forecast).
AFTERMATH = {
    "nobody yet": ("/console/", "/console/roster.csv"),
    "anonymous": ("/",),
    "staff": ("/", "/history"),
    "headteacher": (
        "/console/",
        "/console/?as_of=9999-12-31",
        "/console/roster.csv",
        "/console/staff/{member}",
        "/console/policies/social-networking/",
    ),
}


def expected_text(value: OddValue, *, multipart: bool) -> str:
    """What a field that accepts `value` should store: the text, as typed (spaces collapsed).

    Bytes that are not UTF-8 stay percent-encoded in a query string or urlencoded form, and
    become replacement characters in a multipart form: text either way, never the raw bytes.
    """
    if isinstance(value, NotUtf8):
        return "\ufffd\ufffd" if multipart else "%FF%FE"
    text = value[0] if isinstance(value, list) else str(value)
    return " ".join(text.split())


Kept = Callable[[Session, str, str], bool]


def stored_name(session: Session, n: str, text: str) -> bool:
    return session.scalar(select(StaffMember.name).where(StaffMember.email == odd_email(n))) == text


def stored_label(session: Session, _n: str, text: str) -> bool:
    return session.scalar(select(PolicyDraft.label).order_by(PolicyDraft.id.desc())) == text


def stored_school(session: Session, _n: str, text: str) -> bool:
    return session.scalar(select(School.name)) == text


def stored_head(session: Session, _n: str, text: str) -> bool:
    head = session.scalars(select(StaffMember)).one()
    return text in (head.name, head.email) or accounts.passwords.verify(head.password_hash, text)


def stored_rename(session: Session, _n: str, text: str) -> bool:
    return text in session.scalars(select(StaffMember.name))


def odd_email(n: str) -> str:
    return f"odd-{n}@school.example"


@dataclass(frozen=True)
class Target:
    """A form (or a query string) and the one field in it under attack."""

    role: str  # "nobody yet" (first run), "anonymous", "staff" or "headteacher"
    stage: str  # what must exist first: see `prepare`
    method: str
    path: str  # may hold {lesson}, {attempt}, {member}, {draft} and {token}
    form: dict[str, Any]  # a valid form; "{n}" in a value becomes the odd value's id
    field: str
    extra: dict[str, OddValue] = field(default_factory=dict)
    only: tuple[str, ...] | None = None  # attack with just these of ODD_VALUES
    kept: Kept | None = None  # when the field may accept odd text: was it stored as typed?
    optional: bool = False  # leaving the field out is a valid form
    upload: bool = False  # a multipart form with a policy document


STAFF_FORM = {
    "name": "Odd {n}",
    "email": "odd-{n}@school.example",
    "category": "teacher",
    "starts_on": ["1", "9", "2026"],
}
EDIT_FORM = {**STAFF_FORM, "is_existing_staff": "no", "role": "staff"}
STAFF_LIST = "Full name,Email,Start date\nOdd {n},odd-{n}@school.example,01/09/2026\n"
RULES_FORM = {
    "validity_months": "12",
    "due_soon_days": "30",
    "induction_days": "20",
    "renewal": "date",
    "renewal_day": "1",
    "renewal_month": "9",
}
FIRST_RUN_FORM = {
    "school": "Odd School",
    "name": "Odd Head",
    "email": "odd-head@school.example",
    "password": PASSWORD,
}
SIGN_IN = {"email": "{staff_email}", "password": PASSWORD}
DECLARATION = {"confirm": "y", "signature": "{staff_name}", "password": PASSWORD}
NEW_PASSWORD = "lantern orchard biscuit"

TARGETS = {
    "first-run-school": Target(
        "nobody yet", "", "POST", "/setup", FIRST_RUN_FORM, "school", kept=stored_school
    ),
    "first-run-name": Target(
        "nobody yet", "", "POST", "/setup", FIRST_RUN_FORM, "name", kept=stored_head
    ),
    "first-run-email": Target("nobody yet", "", "POST", "/setup", FIRST_RUN_FORM, "email"),
    "first-run-password": Target(
        "nobody yet", "", "POST", "/setup", FIRST_RUN_FORM, "password", kept=stored_head
    ),
    "sign-in-email": Target("anonymous", "", "POST", "/login", SIGN_IN, "email"),
    "sign-in-password": Target("anonymous", "", "POST", "/login", SIGN_IN, "password"),
    "set-up-link-password": Target(
        "anonymous", "token", "POST", "/setup/{token}", {"password": NEW_PASSWORD}, "password"
    ),
    "change-password-current": Target(
        "staff",
        "",
        "POST",
        "/account/password",
        {"current": PASSWORD, "password": NEW_PASSWORD},
        "current",
    ),
    "change-password-new": Target(
        "staff",
        "",
        "POST",
        "/account/password",
        {"current": PASSWORD, "password": NEW_PASSWORD},
        "password",
    ),
    "practice-answer": Target(
        "staff",
        "",
        "POST",
        "/policies/social-networking/lessons/{lesson}/practice/1",
        {"practice_1": "{practice_key}"},
        "practice_1",
        extra=POSITIONS,
    ),
    "assessment-answer": Target(
        "staff",
        "attempt",
        "POST",
        "/policies/social-networking/assessment/{attempt}",
        {},
        "q1",
        extra=POSITIONS,
    ),
    "declaration-signature": Target(
        "staff",
        "passed",
        "POST",
        "/policies/social-networking/declaration",
        DECLARATION,
        "signature",
    ),
    "declaration-password": Target(
        "staff",
        "passed",
        "POST",
        "/policies/social-networking/declaration",
        DECLARATION,
        "password",
    ),
    "declaration-confirm": Target(
        # A tick box: any value at all means ticked, so only leaving it out (or a value the
        # app refuses whatever the field) is odd.
        "staff",
        "passed",
        "POST",
        "/policies/social-networking/declaration",
        DECLARATION,
        "confirm",
        only=("missing", "nul", "million"),
    ),
    "roster-as-of": Target(
        "headteacher",
        "",
        "GET",
        "/console/",
        {"as_of": "2027-01-01"},
        "as_of",
        extra={"31-february": "2027-02-31", "year-1": "0001-01-01", "year-9999": "9999-12-31"},
    ),
    "roster-csv-as-of": Target(
        "headteacher",
        "",
        "GET",
        "/console/roster.csv",
        {"as_of": "2027-01-01"},
        "as_of",
        extra={"31-february": "2027-02-31", "year-1": "0001-01-01", "year-9999": "9999-12-31"},
    ),
    "add-staff-name": Target(
        "headteacher", "", "POST", "/console/staff/new", STAFF_FORM, "name", kept=stored_name
    ),
    "add-staff-email": Target(
        "headteacher",
        "",
        "POST",
        "/console/staff/new",
        STAFF_FORM,
        "email",
        extra={"no-at": "odd.school.example", "spaces": "o d d@school.example"},
    ),
    "add-staff-category": Target(
        "headteacher",
        "",
        "POST",
        "/console/staff/new",
        STAFF_FORM,
        "category",
        extra={"headteacher": "headteacher", **POSITIONS},
    ),
    "add-staff-start-date": Target(
        "headteacher", "", "POST", "/console/staff/new", STAFF_FORM, "starts_on", extra=DATES
    ),
    "import-staff-pasted": Target(
        "headteacher", "", "POST", "/console/staff/import", {"pasted": STAFF_LIST}, "pasted"
    ),
    "import-staff-archive-missing": Target(
        "headteacher",
        "",
        "POST",
        "/console/staff/import",
        {"pasted": STAFF_LIST, "archive_missing": "y"},
        "archive_missing",
        optional=True,
    ),
    "edit-staff-name": Target(
        "headteacher",
        "",
        "POST",
        "/console/staff/{member}/edit",
        EDIT_FORM,
        "name",
        kept=stored_rename,
    ),
    "edit-staff-email": Target(
        "headteacher",
        "",
        "POST",
        "/console/staff/{member}/edit",
        EDIT_FORM,
        "email",
        extra={"no-at": "odd.school.example", "spaces": "o d d@school.example"},
    ),
    "edit-staff-role": Target(
        "headteacher",
        "",
        "POST",
        "/console/staff/{member}/edit",
        EDIT_FORM,
        "role",
        extra={"trust-admin": "trust_admin", **POSITIONS},
    ),
    "edit-staff-existing": Target(
        "headteacher",
        "",
        "POST",
        "/console/staff/{member}/edit",
        EDIT_FORM,
        "is_existing_staff",
        extra=POSITIONS,
    ),
    "pause-return-date": Target(
        "headteacher",
        "",
        "POST",
        "/console/staff/{member}/pause",
        {"returns_on": ["1", "9", "2027"]},
        "returns_on",
        extra=DATES,
    ),
    "rules-validity-months": Target(
        "headteacher",
        "",
        "POST",
        "/console/policies/defaults",
        RULES_FORM,
        "validity_months",
        INTEGERS,
    ),
    "rules-renewal": Target(
        "headteacher", "", "POST", "/console/policies/defaults", RULES_FORM, "renewal", POSITIONS
    ),
    "rules-renewal-month": Target(
        "headteacher",
        "",
        "POST",
        "/console/policies/defaults",
        RULES_FORM,
        "renewal_month",
        INTEGERS,
    ),
    "security-required": Target(
        "headteacher", "", "POST", "/console/security", {"required": "yes"}, "required", POSITIONS
    ),
    "two-step-code": Target(
        "headteacher", "two-step", "POST", "/account/two-step", {"code": "123456"}, "code"
    ),
    "two-step-start-password": Target(
        "headteacher",
        "",
        "POST",
        "/account/two-step/start",
        {"start-password": PASSWORD},
        "start-password",
    ),
    "upload-label": Target(
        "headteacher",
        "",
        "POST",
        "/console/policies/social-networking/upload",
        {"label": "Odd {n}"},
        "label",
        kept=stored_label,
        optional=True,
        upload=True,
    ),
    "publish-change-kind": Target(
        "headteacher",
        "draft",
        "POST",
        "/console/policies/social-networking/drafts/{draft}",
        {"change_kind": "minor"},
        "change_kind",
        extra={"initial": "initial", **POSITIONS},
    ),
    "publish-deadline": Target(
        "headteacher",
        "draft",
        "POST",
        "/console/policies/social-networking/drafts/{draft}",
        {"change_kind": "reconfirm_now", "reconfirm_by": ["1", "9", "2027"]},
        "reconfirm_by",
        extra=DATES,
    ),
}


def prepare(
    request: pytest.FixtureRequest,
    client: FlaskClient,
    session: Session,
    course: Course,
    target: Target,
) -> tuple[dict[str, Any], dict[str, Any]]:
    """Sign in as the target's role and make what its stage needs; return the values for its
    path and form, and any form fields the stage decides (the assessment's answers)."""
    if target.role == "nobody yet":
        return {}, {}
    school: School = request.getfixturevalue("school")
    headteacher: StaffMember = request.getfixturevalue("headteacher")
    staff: StaffMember = request.getfixturevalue("staff")
    lesson = course.lessons[0]
    values: dict[str, Any] = {
        "lesson": lesson.id,
        "member": staff.id,
        "staff_email": staff.email,
        "staff_name": staff.name,
        "practice_key": lesson.practice[0].options[0].key,
    }
    form: dict[str, Any] = {}
    if target.stage in ("attempt", "passed"):
        sign_in_as(client, staff)
        complete_lessons(client, course)
        if target.stage == "passed":
            pass_assessment(client, session, staff, course)
        else:
            assert client.post("/policies/social-networking/assessment/start").status_code == 303
            attempt = open_attempt(session, staff)
            values["attempt"] = attempt.id
            form = answers_form(course, attempt)
    if target.stage == "draft":
        draft = create_draft(
            session,
            policy_by_slug(session, school, "social-networking"),
            headteacher,
            filename="policy.txt",
            data=reworded_policy(),
            label="November 2026",
            now=EPOCH,
        )
        session.commit()
        values["draft"] = draft.id
    if target.stage == "token":
        _member, values["token"] = accounts.add_staff_member(
            session,
            school,
            email="newcomer@school.example",
            name="New Comer",
            category=Category.TEACHER,
            starts_on=EPOCH.date(),
            now=EPOCH,
            link_valid_for=timedelta(days=3650),
        )
        session.commit()
    if target.role == "staff":
        sign_in_as(client, staff)
    elif target.role == "headteacher":
        sign_in_as(client, headteacher)
    if target.stage == "two-step":
        started = client.post("/account/two-step/start", data={"start-password": PASSWORD})
        assert started.status_code == 303
    return values, form


def fill(value: Any, values: dict[str, Any]) -> Any:
    if isinstance(value, dict):
        return {key: fill(item, values) for key, item in value.items()}
    if isinstance(value, list):
        return [fill(item, values) for item in value]
    return value.format(**values) if isinstance(value, str) else value


def encoded(pairs: list[tuple[str, str]], raw: list[str]) -> bytes:
    """A query string or form body: `pairs` percent-encoded as UTF-8, `raw` fields as %FF%FE."""
    parts = [urlencode(pairs)] if pairs else []
    parts += [f"{quote(name)}=%FF%FE" for name in raw]
    return "&".join(parts).encode("ascii")


def multipart(pairs: list[tuple[str, bytes]], document: bytes) -> tuple[bytes, str]:
    """A multipart form by hand, so a field can carry bytes that are not UTF-8."""
    boundary = "attack-battery-boundary"
    chunks = [
        f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n'.encode()
        + value
        + b"\r\n"
        for name, value in pairs
    ]
    chunks.append(
        f"--{boundary}\r\nContent-Disposition: form-data; "
        'name="document"; filename="policy.txt"\r\nContent-Type: text/plain\r\n\r\n'.encode()
        + document
        + b"\r\n"
    )
    chunks.append(f"--{boundary}--\r\n".encode())
    return b"".join(chunks), f"multipart/form-data; boundary={boundary}"


def request_for(
    target: Target, form: dict[str, Any], value: OddValue, address: str
) -> tuple[dict[str, Any], int]:
    """The keyword arguments for `client.open`, and the size of the body sent."""
    pairs: list[tuple[str, str]] = []
    raw: list[str] = []
    for name, item in form.items():
        if name == target.field:
            item = value
        if isinstance(item, Missing):
            continue
        if isinstance(item, NotUtf8):
            raw.append(name)
            continue
        pairs += [(name, str(one)) for one in (item if isinstance(item, list) else [item])]
    kwargs: dict[str, Any] = {"environ_base": {"REMOTE_ADDR": address}}
    if target.method == "GET":
        kwargs["query_string"] = encoded(pairs, raw).decode("ascii")
        return kwargs, 0
    if target.upload:
        byte_pairs = [(name, text.encode()) for name, text in pairs]
        byte_pairs += [(name, b"\xff\xfe") for name in raw]
        body, content_type = multipart(byte_pairs, reworded_policy())
    else:
        body, content_type = encoded(pairs, raw), "application/x-www-form-urlencoded"
    kwargs.update(data=body, content_type=content_type)
    return kwargs, len(body)


@pytest.mark.parametrize("target", list(TARGETS.values()), ids=list(TARGETS))
def test_odd_input_in_every_field_is_refused_or_kept_as_typed(
    request: pytest.FixtureRequest,
    app: Flask,
    client: FlaskClient,
    session: Session,
    course: Course,
    target: Target,
) -> None:
    values, stage_form = prepare(request, client, session, course, target)
    path = target.path.format(**values)
    odd = {**ODD_VALUES, **target.extra}
    if target.only is not None:
        odd = {name: odd[name] for name in target.only}
    failures: list[str] = []
    for index, (n, value) in enumerate(odd.items(), start=1):
        form = {**fill(target.form, {**values, "n": n}), **stage_form}
        kwargs, size = request_for(target, form, value, f"198.51.100.{index}")
        before = main_counts(session)
        response = send(client, failures, target.method, path, **kwargs)
        if response is None:
            continue
        status = response.status_code
        if status not in ALLOWED:
            failures.append(f"{n}: {status}")
        if size > app.config["MAX_CONTENT_LENGTH"] and status != 413:
            failures.append(f"{n}: {status} for a {size}-byte body, not 413")
        if isinstance(value, str) and "\x00" in value and status != 400:
            failures.append(f"{n}: {status} for a NUL character, not 400")
        if status < 400:
            shown = [response.headers.get("Location"), *AFTERMATH[target.role]]
            for page in filter(None, shown):
                send(client, failures, "GET", page.format(**values))
        if main_counts(session) != before:
            if isinstance(value, Missing) and target.optional and status < 400:
                pass
            elif status >= 400 or target.kept is None:
                failures.append(f"{n}: {status}, and rows were stored: {main_counts(session)}")
            elif not target.kept(session, n, expected_text(value, multipart=target.upload)):
                failures.append(f"{n}: accepted, but not stored as typed")
    assert not failures, "\n".join(failures)


ODD_QUERIES = {
    "sql": "as_of=%27%20OR%20%271%27%3D%271&show=%27%3B%20DROP%20TABLE%20schools%3B%20--",
    "not-utf8": "as_of=%FF%FE&show=%FF&next=%FE",
    "array": "as_of=2027-01-01&as_of=2027-02-01&show=archived&show=x",
    "long": "next=/" + "x" * 10_000,
    "open-redirect": "next=//evil.example/&next=https://evil.example/",
    "nul": "show=%00",
}


@pytest.mark.parametrize("role", ["staff", "headteacher"])
def test_odd_query_strings_on_every_page_store_nothing(
    client: FlaskClient,
    session: Session,
    staff: StaffMember,
    headteacher: StaffMember,
    first: Records,
    role: str,
) -> None:
    sign_in_as(client, staff if role == "staff" else headteacher)
    failures: list[str] = []
    before = main_counts(session)
    for route in discover_routes(client.application):
        if route.method != "GET":
            continue
        for name, query in ODD_QUERIES.items():
            response = send(client, failures, "GET", route.url(first.values), query_string=query)
            if response is None:
                continue
            if name == "nul" and response.status_code != 400:
                failures.append(f"{route} with a NUL character: {response.status_code}, not 400")
            if "evil.example" in response.headers.get("Location", ""):
                failures.append(f"{route}: redirects off the site")
    assert not failures, "\n".join(failures)
    assert main_counts(session) == before


def test_staff_added_with_a_role_field_are_still_staff(
    as_headteacher: FlaskClient, session: Session
) -> None:
    response = as_headteacher.post(
        "/console/staff/new",
        data={**STAFF_FORM, "email": "eve@school.example", "role": "headteacher"},
    )
    assert response.status_code == 201
    eve = session.scalars(select(StaffMember).where(StaffMember.email == "eve@school.example"))
    assert eve.one().role is Role.STAFF


ODD_PATH_VALUES = {
    "letters": "abc",
    "negative": "-1",
    "zero": "0",
    "float": "1.5",
    "beyond-any-id": "9" * 30,
    "nul": "%00",
    "not-utf8": "%FF%FE",
    "long": "x" * 10_000,
    "sql": quote("1' OR '1'='1", safe=""),
    "dot-dot": "..%2F..%2Fpyproject.toml",
}


@pytest.mark.parametrize("role", ["staff", "headteacher"])
def test_odd_values_in_the_url_find_nothing(
    client: FlaskClient,
    session: Session,
    staff: StaffMember,
    headteacher: StaffMember,
    first: Records,
    role: str,
) -> None:
    sign_in_as(client, staff if role == "staff" else headteacher)
    failures: list[str] = []
    before = all_rows(session)
    for route in discover_routes(client.application):
        for placeholder in route.placeholders:
            for name, text in ODD_PATH_VALUES.items():
                url = route.url(first.values, **{placeholder: text})
                response = send(client, failures, route.method, url)
                if response is None:
                    continue
                # 410: a set-up link that does not work, whatever the reason, says so alike.
                if response.status_code not in (400, 403, 404, 410):
                    failures.append(f"{route} with {placeholder} {name}: {response.status_code}")
    assert not failures, "\n".join(failures)
    assert all_rows(session) == before


# --- Replayed and misdirected answers -----------------------------------------------------------


def grading(session: Session, attempt_id: int) -> tuple[Any, ...]:
    """Everything grading decides about an attempt, and its answers."""
    session.expire_all()
    attempt = session.get_one(Attempt, attempt_id)
    answers = session.execute(
        select(Answer.question_id, Answer.selected, Answer.is_correct)
        .where(Answer.attempt_id == attempt_id)
        .order_by(Answer.position)
    ).all()
    return (
        attempt.submitted_at,
        attempt.correct_count,
        attempt.score_percent,
        attempt.is_passed,
        tuple(tuple(row) for row in answers),
    )


def counts(session: Session) -> tuple[int, ...]:
    session.expire_all()
    return tuple(
        session.scalar(select(func.count()).select_from(model)) or 0
        for model in (Attempt, Answer, Declaration, Certificate)
    )


def test_the_same_answers_posted_twice_are_graded_once(
    as_staff: FlaskClient, session: Session, staff: StaffMember, course: Course
) -> None:
    complete_lessons(as_staff, course)
    assert as_staff.post("/policies/social-networking/assessment/start").status_code == 303
    attempt = open_attempt(session, staff)
    wrong = answers_form(course, attempt, right=0)
    assert (
        as_staff.post(
            f"/policies/social-networking/assessment/{attempt.id}", data=wrong
        ).status_code
        == 303
    )
    graded, before = grading(session, attempt.id), counts(session)
    assert graded[3] is False
    for form in (wrong, answers_form(course, attempt)):
        response = as_staff.post(f"/policies/social-networking/assessment/{attempt.id}", data=form)
        assert response.status_code == 303
        assert (
            response.headers["Location"]
            == f"/policies/social-networking/assessment/{attempt.id}/result"
        )
    assert grading(session, attempt.id) == graded
    assert counts(session) == before


def test_answers_to_an_old_attempt_after_a_retake_change_nothing(
    as_staff: FlaskClient, session: Session, staff: StaffMember, course: Course
) -> None:
    complete_lessons(as_staff, course)
    as_staff.post("/policies/social-networking/assessment/start")
    old = open_attempt(session, staff)
    as_staff.post(
        f"/policies/social-networking/assessment/{old.id}", data=answers_form(course, old, right=0)
    )
    revisit_missed_lessons(as_staff, session, staff, course)
    assert as_staff.post("/policies/social-networking/assessment/start").status_code == 303
    retake = open_attempt(session, staff)
    assert retake.id != old.id
    graded, open_retake, before = (
        grading(session, old.id),
        grading(session, retake.id),
        counts(session),
    )
    response = as_staff.post(
        f"/policies/social-networking/assessment/{old.id}", data=answers_form(course, old)
    )
    assert response.status_code == 303
    assert grading(session, old.id) == graded
    assert grading(session, retake.id) == open_retake
    assert counts(session) == before


def test_answers_to_another_members_attempt_are_not_found(
    client: FlaskClient, session: Session, school: School, staff: StaffMember, course: Course
) -> None:
    other = make_member(session, school, name="Tom Okafor")
    session.commit()
    sign_in_as(client, other)
    complete_lessons(client, course)
    client.post("/policies/social-networking/assessment/start")
    theirs = open_attempt(session, other)
    untouched, before = grading(session, theirs.id), counts(session)
    sign_in_as(client, staff)
    right = answers_form(course, theirs)
    assert (
        client.post(f"/policies/social-networking/assessment/{theirs.id}", data=right).status_code
        == 404
    )
    assert client.get(f"/policies/social-networking/assessment/{theirs.id}").status_code == 404
    assert (
        client.get(f"/policies/social-networking/assessment/{theirs.id}/result").status_code == 404
    )
    assert grading(session, theirs.id) == untouched
    assert counts(session) == before


def test_assessment_answers_posted_to_a_refresher_check_pass_nothing(
    client: FlaskClient, session: Session, staff: StaffMember, course: Course
) -> None:
    finish_course(client, session, staff, course)
    passed = open_attempt(session, staff)
    assert passed.kind is AttemptKind.ASSESSMENT
    passed_grading = grading(session, passed.id)
    session.refresh(staff)
    sign_in_as(client, staff)
    assert client.post("/policies/social-networking/refresher/start").status_code == 303
    check = open_attempt(session, staff)
    assert check.kind is AttemptKind.CHECK
    assessment_answers = answers_form(course, passed)
    # To the submitted assessment: nothing changes.
    before = counts(session)
    assert (
        client.post(
            f"/policies/social-networking/assessment/{passed.id}", data=assessment_answers
        ).status_code
        == 303
    )
    assert grading(session, passed.id) == passed_grading
    assert counts(session) == before
    # To the open check: graded as a check if the positions happen to fit, never as a pass.
    response = client.post(
        f"/policies/social-networking/assessment/{check.id}", data=assessment_answers
    )
    assert response.status_code in (303, 400)
    after_first = grading(session, check.id)
    assert after_first[3] is None
    certificates = counts(session)[2:]
    assert certificates == before[2:]
    # And again: nothing more.
    response = client.post(
        f"/policies/social-networking/assessment/{check.id}", data=assessment_answers
    )
    assert response.status_code in (303, 400)
    assert grading(session, check.id) == after_first
    assert counts(session)[2:] == certificates


# --- The count ----------------------------------------------------------------------------------


def test_the_battery_met_no_server_error() -> None:
    """Last in the module: the total of every request the tests above sent."""
    if TALLY.requests == 0:
        pytest.skip("run with the rest of this module: it totals the requests the others sent")
    summary = f"attack battery: {TALLY.requests} requests, {len(TALLY.server_errors)} server errors"
    print(f"\n{summary}")
    assert not TALLY.server_errors, "\n".join([summary, *TALLY.server_errors])
