"""Axe-core on every page each role can reach, found by crawling, error states included.

Nothing here lists the app's pages. Each role's crawl starts at its home and follows every
same-origin link breadth first, so a new page is checked as soon as any page links to it. Forms
are submitted empty (GET forms also with a bad value) to reach their error states, and the error
states no link leads to (a wrong password, a 404, a 403, a dead set-up link) are visited on
purpose. Every page must also have one <h1>, a title, lang="en-GB" and no repeated ids.

The people are made with the app's own service functions at the stages that exist only part-way
through the course: lessons half done, an assessment under way after a failed one, passed but not
signed, signed, and due a refresher. The headteacher's school has all of them, a policy draft
uploaded through the console, and a second headteacher with two-step sign-in on.
"""

from __future__ import annotations

import re
from collections import Counter, deque
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING, Any
from urllib.parse import urldefrag, urlsplit

import pytest

from elearn.accounts.models import Category, Role
from elearn.accounts.service import add_staff_member
from elearn.content.schema import Course
from elearn.db import get_session
from elearn.mail.models import EmailMessage
from elearn.mail.rules import About, EmailKind, Reason
from elearn.mail.service import add_closed_period
from elearn.status import StatusKind
from tests.app.versions_helpers import reworded_policy
from tests.browser.axe import check_accessibility
from tests.browser.conftest import LiveServer, Person, sign_in, sign_out, the_school
from tests.browser.test_refresher import signed_eleven_months_ago
from tests.factories import PASSWORD, TwoStep, make_member, make_two_step
from tests.factories import learner as learner_of

if TYPE_CHECKING:
    from playwright.sync_api import BrowserContext, Page
    from sqlalchemy.orm import Session

    from elearn.accounts.models import School, StaffMember
    from elearn.training.models import Attempt

pytestmark = pytest.mark.browser

# Pages checked in one role's crawl, error states included. Generous: the staff crawl, the
# largest, is five people and about 95 pages. Reaching it fails the test, so nothing is skipped
# unseen.
MAX_PAGES = 250

# Never submitted, even empty: these forms sign out, or change records for good the moment they
# are posted (archive, restore, resume, publish, discard, new set-up link, start or finish a
# step). Most are one-button forms (a CSRF token and a button), which the crawl leaves alone in
# any case; publishing has inputs, so only this list keeps it out. Every other POST form with an
# input a person fills in is submitted empty, and must come back as a 4xx page with an error
# summary: that proves it reached its error state and changed nothing.
NEVER_SUBMIT = re.compile(
    r"/logout$"
    r"|/console/staff/\d+/(archive|restore|resume|setup-link)$"
    r"|/console/policies/social-networking/(drafts/\d+(/discard)?|from-content)$"
    r"|/(assessment|refresher)/start$"
    r"|/lessons/[^/]+/complete$"
)
# Links not followed: signing out would end the crawl's session.
NEVER_FOLLOW = re.compile(r"/logout$")

# Numbers (record ids) and codes (certificate codes, set-up tokens) vary; the rest of a path
# names the kind of page. Lesson ids are words, so each lesson stays a page type of its own.
NUMBER = re.compile(r"\d+")
CODE = re.compile(r"(?=[A-Za-z0-9_-]*[0-9A-Z])[A-Za-z0-9_-]{16,}")

FILLABLE = (
    "input:not([type]), input[type=text], input[type=email], input[type=password], "
    "input[type=date], input[type=number], input[type=tel], input[type=url], input[type=search], "
    "input[type=radio], input[type=checkbox], input[type=file], textarea, select"
)

LINKS = """() => Array.from(document.querySelectorAll("a[href]"), (link) => link.href)"""

BASICS = """() => ({
  h1: document.querySelectorAll("h1").length,
  title: document.title.trim(),
  lang: document.documentElement.getAttribute("lang"),
  duplicateIds: Array.from(document.querySelectorAll("[id]"), (element) => element.id)
    .filter((id, index, all) => all.indexOf(id) !== index),
})"""

# Every form on the page; for a GET form, the addresses it would go to empty and with a bad value.
# Those are crawled like links: a browser cannot type a bad value into a date input, but a GET
# form's submission is only its address, so building it here is the same request.
FORMS = """(fillable) => Array.from(document.forms, (form) => {
  const fields = Array.from(form.elements).filter((element) => element.matches(fillable));
  const address = (value) => {
    const data = new FormData(form);
    for (const element of fields) if (element.name) data.set(element.name, value);
    const url = new URL(form.action);
    url.search = new URLSearchParams(data).toString();
    return url.href;
  };
  return {
    method: form.method,
    action: form.action,
    fields: fields.length,
    empty: form.method === "get" ? address("") : null,
    bad: form.method === "get" ? address("not a real value") : null,
  };
})"""

# Clear what a person fills in (hidden inputs such as the CSRF token stay), mark the document,
# then submit: through the form's own button, so scripts see it, or as a plain form post.
SUBMIT_EMPTY = """([index, fillable, scripted]) => {
  const form = document.forms[index];
  for (const element of form.elements) {
    if (!element.matches(fillable)) continue;
    if (element.type === "radio" || element.type === "checkbox") element.checked = false;
    else if (element.tagName === "SELECT") element.selectedIndex = -1;
    else element.value = "";
  }
  for (const message of document.querySelectorAll(".govuk-error-message")) {
    message.dataset.crawlSeen = "yes";
  }
  document.documentElement.dataset.crawlSubmitted = "yes";
  if (scripted) form.requestSubmit(form.querySelector("[type=submit]") || undefined);
  else HTMLFormElement.prototype.submit.call(form);
}"""

# After a submission: a new error is showing (answered in place), or the new page has loaded.
SETTLED = """(inPlace) => inPlace
  ? document.querySelector(".govuk-error-message:not([data-crawl-seen])") !== null
  : !document.documentElement.dataset.crawlSubmitted && document.readyState === "complete"
"""

# A floor, not the list of pages: if a crawl stops reaching these, it has gone wrong (a failed
# sign-in, say) and its "no violations" would mean little.
MUST_REACH = {
    "public": {"/login", "/accessibility", "/privacy", "/verify/<code>", "/setup/<code>"},
    "staff": {
        "/",
        "/policies/social-networking/lessons/introduction",
        "/history",
        "/policies/social-networking/refresher",
        "/policies/social-networking/assessment/<n>",
        "/policies/social-networking/assessment/<n>/result",
        "/policies/social-networking/declaration",
        "/certificates/<n>",
        "/account/password",
    },
    "headteacher": {
        "/",
        "/console/",
        "/console/staff/new",
        "/console/staff/import",
        "/console/staff/import/<n>",
        "/console/staff/<n>",
        "/console/staff/<n>/edit",
        "/console/policies/defaults",
        "/console/security",
        "/console/audit",
        "/console/reminders",
        "/console/emails",
        "/console/staff/<n>/invitation",
        "/console/policies/social-networking/",
        "/console/policies/social-networking/drafts/<n>",
        "/console/policies/social-networking/versions/<n>",
        "/account/two-step",
        "/login/two-step",
        "/account/two-step/recovery-codes",
    },
}


def normalise(url: str) -> str:
    return urldefrag(url).url


def page_type(url: str) -> str:
    """The kind of page: the path with ids and codes replaced, and the query's names."""
    parts = urlsplit(url)
    segments = [
        "<n>" if NUMBER.fullmatch(part) else "<code>" if CODE.fullmatch(part) else part
        for part in parts.path.split("/")
    ]
    names = sorted({pair.split("=")[0] for pair in parts.query.split("&") if pair})
    return "/".join(segments) + (f"?{'&'.join(names)}" if names else "")


def form_kind(form: dict[str, Any]) -> str:
    """A form's method and the page type of its action, without the query a GET form drops."""
    action = urlsplit(form["action"])._replace(query="").geturl()
    return f"{form['method'].upper()} {page_type(action)}"


@dataclass(frozen=True)
class Learner:
    """A member of staff at one stage, with the pages only a form's redirect leads to."""

    person: Person
    stage: str
    after_forms: tuple[str, ...] = ()


@dataclass(frozen=True)
class Cast:
    learners: tuple[Learner, ...]
    certificate_code: str
    setup_token: str
    deputy: Person  # a second headteacher, with two-step sign-in on
    deputy_two_step: TwoStep


def person(member: StaffMember) -> Person:
    return Person(member.name, member.email, PASSWORD)


@pytest.fixture(scope="module")
def cast(live_server: LiveServer, headteacher: Person, course: Course) -> Cast:
    """Staff at every stage of the course, made with the app's service functions.

    They stay in the live server's database for the rest of the run, as other browser tests'
    people do; the names are unique to this module.
    """
    app = live_server.app
    now = app.extensions["elearn.clock"].now()
    with app.app_context():
        session = get_session()
        school = the_school(session)

        def member(name: str, lessons_done: int) -> StaffMember:
            new = make_member(session, school, name=name, starts_on=date(2026, 11, 2))
            learner_of(session, new).complete_lessons(now, lessons_done)
            return new

        def sit(who: StaffMember, *, rightly: bool) -> Attempt:
            return learner_of(session, who).sit(now, rightly=rightly, seed=11)

        every = len(course.lessons)
        part_way = member("Priya Shah", 3)
        retaking = member("Owen Pritchard", every)
        failed = sit(retaking, rightly=False)
        learner_of(session, retaking).revisit(now)
        learner_of(session, retaking).start(now, seed=12)
        passed_only = member("Grace Adeyemi", every)
        passed = sit(passed_only, rightly=True)
        signer = member("Tomasz Nowak", every)
        signed = sit(signer, rightly=True)
        certificate = learner_of(session, signer).sign(now, app.config["BASE_URL"])
        _, token = add_staff_member(
            session,
            school,
            email="jo.whitfield@thorners.example",
            name="Jo Whitfield",
            category=Category.SUPPORT_STAFF,
            starts_on=date(2026, 12, 1),
            now=now,
            link_valid_for=timedelta(hours=app.config["SETUP_LINK_HOURS"]),
        )
        deputy = make_member(
            session, school, name="Daniel Osei", role=Role.HEADTEACHER, starts_on=date(2025, 9, 1)
        )
        deputy_two_step = make_two_step(session, deputy, now)
        show_email_pages_with_rows(session, school, part_way, now)
        session.commit()
        learners = [
            Learner(person(part_way), "part-way"),
            # The result pages and the signed page are where a form's redirect leads.
            Learner(
                person(retaking),
                "retaking",
                (f"/policies/social-networking/assessment/{failed.id}/result",),
            ),
            Learner(
                person(passed_only),
                "passed",
                (f"/policies/social-networking/assessment/{passed.id}/result",),
            ),
            Learner(
                person(signer),
                "signed",
                (
                    f"/policies/social-networking/assessment/{signed.id}/result",
                    f"/certificates/{certificate.id}",
                ),
            ),
        ]
        code = certificate.code
        deputy_person = person(deputy)
    due = signed_eleven_months_ago(live_server, course, "Rhys Morgan")
    learners.append(Learner(due, "due a refresher"))
    return Cast(tuple(learners), code, token, deputy_person, deputy_two_step)


def show_email_pages_with_rows(
    session: Session, school: School, member: StaffMember, now: datetime
) -> None:
    """An email sent and dates the school is closed, so the email pages show their tables."""
    policy = learner_of(session, member).force.policy
    about = About(policy.id, policy.title, StatusKind.DUE_SOON, date(2026, 12, 1), Reason.DUE_SOON)
    session.add(
        EmailMessage(
            school_id=school.id,
            member_id=member.id,
            address=member.email,
            kind=EmailKind.REMINDER,
            subject="Reminder: your policy training",
            about=[about.to_json()],
            run_on=now.date(),
            sent_at=now,
        )
    )
    add_closed_period(
        session, school, "Christmas holidays", date(2026, 12, 21), date(2027, 1, 1), now
    )


@dataclass
class Crawl:
    """One role's crawl in one browser page: what was checked, and every problem found."""

    page: Page
    role: str
    base: str  # the live server's origin
    checked: dict[tuple[str, str], int] = field(default_factory=dict)  # (who, page) -> status
    types: Counter[str] = field(default_factory=Counter)
    violations: int = 0
    problems: list[str] = field(default_factory=list)
    downloads: set[str] = field(default_factory=set)
    forms_done: set[str] = field(default_factory=set)
    forms_left: set[str] = field(default_factory=set)
    capped: bool = False

    def crawl(self, who: str, starts: Iterable[str], *, follow: bool = True) -> None:
        """Breadth first from `starts` as `who`, checking each page once and trying its forms.

        With `follow` off, only the pages in `starts` and their forms' error states.
        """
        queue = deque(self._absolute(url) for url in starts)
        seen = set(queue)
        while queue:
            url = queue.popleft()
            if not self._is_html(url):
                continue
            response = self.page.goto(url)
            assert response is not None
            here = normalise(self.page.url)
            if (who, here) in self.checked:
                continue  # redirected to a page already checked
            if not self.check(who, here, response.status):
                return
            found = [normalise(link) for link in self.page.evaluate(LINKS)]
            forms = self.page.evaluate(FORMS, FILLABLE)
            for form in forms:
                if form["method"] == "get" and self._first_time(form):
                    found += [form["empty"], form["bad"]]
            for link in found if follow else ():
                if link not in seen and self._follows(link):
                    seen.add(link)
                    queue.append(link)
            self._submit_empty(who, here, forms)

    def check(self, who: str, url: str, status: int, what: str = "") -> bool:
        """Run axe and the cheap checks on the page in front of the browser."""
        if len(self.checked) >= MAX_PAGES:
            self.capped = True
            return False
        self.checked[(who, f"{url} {what}".strip())] = status
        self.types[page_type(url)] += 1
        try:
            check_accessibility(self.page, f"{self.role} page {what} ({who})".replace("  ", " "))
        except AssertionError as failure:
            report = str(failure).split("\nassert ")[0]
            self.violations += sum(line.startswith("- ") for line in report.splitlines())
            self.problems.append(report)
        basics = self.page.evaluate(BASICS)
        where = f"{url} ({who}{f', {what}' if what else ''})"
        if basics["h1"] != 1:
            self.problems.append(f"{where}: {basics['h1']} <h1> elements, not one")
        if not basics["title"]:
            self.problems.append(f"{where}: the <title> is empty")
        if basics["lang"] != "en-GB":
            self.problems.append(f"{where}: <html lang={basics['lang']!r}>, not en-GB")
        if basics["duplicateIds"]:
            self.problems.append(f"{where}: repeated ids {sorted(set(basics['duplicateIds']))}")
        if status >= 500:
            self.problems.append(f"{where}: HTTP {status}")
        return True

    def visit_error(self, who: str, url: str, status: int) -> None:
        """Open an address that must fail with `status`, and check the error page."""
        response = self.page.goto(self._absolute(url))
        assert response is not None
        if response.status != status:
            self.problems.append(f"{url} ({who}): HTTP {response.status}, not {status}")
        self.check(who, normalise(self.page.url), response.status)

    def _absolute(self, url: str) -> str:
        return normalise(url if "://" in url else self.base + url)

    def _is_html(self, url: str) -> bool:
        """Files to download (certificates, the CSV export) are not pages: ask before opening."""
        response = self.page.request.head(url)
        content_type = response.headers.get("content-type", "")
        if content_type.startswith("text/html"):
            return True
        self.downloads.add(f"{page_type(url)} ({content_type.split(';')[0]})")
        return False

    def _follows(self, url: str) -> bool:
        parts = urlsplit(url)
        return f"{parts.scheme}://{parts.netloc}" == self.base and not NEVER_FOLLOW.search(
            parts.path
        )

    def _first_time(self, form: dict[str, Any]) -> bool:
        """Each kind of form is tried once a role: the same form for another record or person
        shows the same errors."""
        kind = form_kind(form)
        if kind in self.forms_done:
            return False
        self.forms_done.add(kind)
        return True

    def _submit_empty(self, who: str, here: str, forms: list[dict[str, Any]]) -> None:
        """Submit each POST form with inputs empty, check its error state, then go back."""
        on_page = True
        for index, form in enumerate(forms):
            if form["method"] != "post":
                continue
            kind = form_kind(form)
            if not form["fields"] or NEVER_SUBMIT.search(urlsplit(form["action"]).path):
                self.forms_left.add(kind)
                continue
            if not self._first_time(form):
                continue
            # Submitted as a person with JavaScript would, so a script may answer in place; if
            # one does, also as the plain form post of a browser without it.
            for scripted in (True, False):
                if not on_page:
                    self.page.goto(here)
                on_page = False
                what = f"after {kind} empty{'' if scripted else ' without script'}"
                result = self._post_empty(who, here, index, what, scripted=scripted)
                if result is None:
                    break
                status, in_place = result
                url = normalise(self.page.url)
                if not self.check(who, url, status, f"{what}, in place" if in_place else what):
                    return
                if not in_place:
                    break

    def _post_empty(
        self, who: str, here: str, index: int, what: str, *, scripted: bool
    ) -> tuple[int, bool] | None:
        """Submit form `index` empty and wait for its errors to show.

        Return the reply's status and whether a script showed it in place, without leaving the
        page; or None, with a problem recorded, if no errors showed.
        """
        from playwright.sync_api import TimeoutError as PlaywrightTimeoutError

        with self.page.expect_response(lambda reply: reply.request.method == "POST") as posted:
            self.page.evaluate(SUBMIT_EMPTY, [index, FILLABLE, scripted])
        reply = posted.value
        in_place = not reply.request.is_navigation_request()
        try:
            self.page.wait_for_function(SETTLED, arg=in_place)
        except PlaywrightTimeoutError:
            self.problems.append(f"{here} ({who}, {what}): no new error message appeared")
            return None
        shown = in_place or self.page.locator(".govuk-error-summary").count() == 1
        if not 400 <= reply.status < 500 or not shown:
            self.problems.append(
                f"{here} ({who}, {what}): HTTP {reply.status}"
                f"{'' if shown else ' and no error summary'}; expected a 4xx reply showing "
                "the errors, which proves nothing was changed"
            )
        return reply.status, in_place

    def verdict(self) -> None:
        """Print what was checked; fail listing every problem, if there are any."""
        errors = sum(1 for status in self.checked.values() if status >= 400)
        summary = (
            f"axe: {self.role}: {len(self.checked)} pages ({errors} error states), "
            f"{self.violations} violations"
        )
        print(f"\n{summary}")
        types = (f"{kind} ({count})" for kind, count in sorted(self.types.items()))
        print(f"  page types: {', '.join(types)}")
        print(f"  forms submitted: {', '.join(sorted(self.forms_done)) or 'none'}")
        print(f"  forms left alone: {', '.join(sorted(self.forms_left)) or 'none'}")
        print(f"  downloads not opened: {', '.join(sorted(self.downloads)) or 'none'}")
        problems = list(self.problems)
        if self.capped:
            problems.append(f"the crawl reached its cap of {MAX_PAGES} pages: raise MAX_PAGES")
        missing = MUST_REACH[self.role] - set(self.types)
        if missing:
            problems.append(f"the crawl never reached {sorted(missing)}")
        if problems:
            pytest.fail("\n".join([summary, *problems]), pytrace=False)


def upload_staff_list(page: Page, rows: str) -> str:
    """Paste a staff list and return the address of its preview."""
    page.goto("/console/staff/import")
    page.get_by_label("Or paste the rows from a spreadsheet").fill(rows)
    page.get_by_role("button", name="Check the list").click()
    page.wait_for_url(re.compile(r"/console/staff/import/\d+$"))
    return page.url


def start_crawl(
    new_context: Callable[..., BrowserContext], live_server: LiveServer, role: str
) -> Crawl:
    """One browser context for the role's whole crawl, one page reused throughout."""
    return Crawl(page=new_context().new_page(), role=role, base=live_server.url)


def test_every_page_open_to_the_public_passes_axe(
    new_context: Callable[..., BrowserContext], live_server: LiveServer, cast: Cast
) -> None:
    crawl = start_crawl(new_context, live_server, "public")
    who = "signed out"
    crawl.crawl(
        who,
        [
            "/login",
            "/",
            # Reached from outside the app: the address printed on a certificate, and the
            # set-up link a headteacher passes on to a new starter.
            f"/verify/{cast.certificate_code}",
            f"/setup/{cast.setup_token}",
        ],
    )
    page = crawl.page
    page.goto("/login")
    page.get_by_label("Email address").fill(cast.learners[0].person.email)
    page.get_by_label("Password", exact=True).fill("not the password")
    with page.expect_response(lambda response: response.request.method == "POST") as posted:
        page.get_by_role("button", name="Sign in").click()
    page.get_by_role("heading", name="There is a problem").wait_for()
    crawl.check(who, normalise(page.url), posted.value.status, "after a wrong password")
    crawl.visit_error(who, "/no-such-page", 404)
    crawl.visit_error(who, "/verify/NOT0-A0RE-AL00-CODE", 404)
    crawl.visit_error(who, "/setup/not-a-token", 410)
    crawl.verdict()


def test_every_page_open_to_staff_passes_axe(
    new_context: Callable[..., BrowserContext], live_server: LiveServer, cast: Cast
) -> None:
    crawl = start_crawl(new_context, live_server, "staff")
    for number, learner in enumerate(cast.learners):
        who = f"{learner.person.name}, {learner.stage}"
        sign_in(crawl.page, learner.person)
        crawl.crawl(who, ["/", *learner.after_forms])
        if number == 0:  # the same error pages for everyone signed in as staff
            crawl.visit_error(who, "/no-such-page", 404)
            crawl.visit_error(who, "/console/", 403)
        sign_out(crawl.page)
    crawl.verdict()


def test_every_page_open_to_the_headteacher_passes_axe(
    new_context: Callable[..., BrowserContext],
    live_server: LiveServer,
    headteacher: Person,
    cast: Cast,
) -> None:
    crawl = start_crawl(new_context, live_server, "headteacher")
    page = crawl.page
    sign_in(page, headteacher)
    # A draft to review exists only after an upload, which leads straight to it.
    page.goto("/console/policies/social-networking/")
    page.get_by_label("Policy document").set_input_files(
        {"name": "policy.txt", "mimeType": "text/plain", "buffer": reworded_policy()}
    )
    page.get_by_role("button", name="Upload and see what changed").click()
    page.wait_for_url(re.compile(r"/console/policies/social-networking/drafts/\d+$"))
    draft = page.url
    # So is a staff list's preview: one with rows to correct, one ready to confirm.
    preview_with_problems = upload_staff_list(
        page,
        "Full name\tEmail\tStart date\n"
        "Nia Roberts\tnia.roberts@thorners.example\t01/09/2026\n"
        "Sam Ellis\tnot an address\tlast week\n",
    )
    preview = upload_staff_list(
        page,
        "First name,Last name,Email,Category,Already in post\n"
        "Nia,Roberts,nia.roberts@thorners.example,Teaching assistant,yes\n",
    )
    who = headteacher.name
    crawl.crawl(who, ["/", "/console/", draft, preview_with_problems, preview])
    page.goto(preview)
    with page.expect_response(lambda response: response.request.method == "POST") as posted:
        page.get_by_role("button", name="Confirm and apply the list").click()
    page.get_by_role("heading", name="Staff list applied").wait_for()
    crawl.check(who, normalise(page.url), posted.value.status, "after applying a staff list")
    crawl.visit_error(who, "/no-such-page", 404)
    sign_out(page)

    # A headteacher with two-step sign-in on sees the same console; what differs is asking for
    # the code, managing two-step sign-in, and new recovery codes (which only a form leads to).
    deputy = cast.deputy
    who = f"{deputy.name}, two-step sign-in on"
    page.goto("/login")
    page.get_by_label("Email address").fill(deputy.email)
    page.get_by_label("Password", exact=True).fill(deputy.password)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(re.compile(r"/login/two-step$"))
    crawl.crawl(who, ["/login/two-step"], follow=False)
    now = live_server.app.extensions["elearn.clock"].now()
    page.get_by_label("Security code").fill(cast.deputy_two_step.code_at(now))
    page.get_by_role("button", name="Continue").click()
    page.wait_for_url(lambda url: "/login" not in url)
    crawl.crawl(who, ["/account/two-step"], follow=False)
    page.goto("/account/two-step")
    page.get_by_label("Your password, to make new recovery codes").fill(deputy.password)
    with page.expect_response(lambda response: response.request.method == "POST") as posted:
        page.get_by_role("button", name="Make new recovery codes").click()
    page.get_by_role("heading", name="Your new recovery codes").wait_for()
    crawl.check(who, normalise(page.url), posted.value.status, "after making new recovery codes")
    crawl.verdict()
