"""What routes share: the library, the clock, the signed-in member and their school, the policy
in force and the member's progress in it (each worked out once per request), role checks, the
form-handling pattern, and audit events."""

from __future__ import annotations

import functools
import random
from collections.abc import Callable
from contextlib import nullcontext
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any, Generic, ParamSpec, TypeVar

from flask import Flask, abort, current_app, flash, g, redirect, request, url_for
from flask import session as flask_session
from flask.typing import ResponseReturnValue
from flask_login import current_user, login_required, logout_user
from flask_wtf import FlaskForm

from elearn.accounts.api import (
    FailureKind,
    School,
    SessionLimits,
    StaffMember,
    Throttle,
    ThrottleLimits,
    WrongPassword,
    all_schools,
    record_failure,
    session_ended,
)
from elearn.audit.api import EventKind, record
from elearn.certificates.api import last_signed_version_id
from elearn.clock import Clock
from elearn.content.schema import Library
from elearn.db import get_session
from elearn.errors import DomainError, NotFound
from elearn.policies import api as policies
from elearn.policies.api import Policy
from elearn.security import client_address, is_safe_next
from elearn.tenancy import scope_to_school, scoped_to
from elearn.training import api as training
from elearn.versions import api as versions

P = ParamSpec("P")
R = TypeVar("R")
T = TypeVar("T")
ACTING_SCHOOL = "acting_school_id"  # the school a trust administrator is working in
# When the signed-in person signed in and last made a request, in seconds since 1970 (UTC).
SIGNED_IN_AT = "signed_in_at"
LAST_SEEN_AT = "last_seen_at"


def get_library() -> Library:
    library: Library = current_app.extensions["elearn.library"]
    return library


def get_clock() -> Clock:
    clock: Clock = current_app.extensions["elearn.clock"]
    return clock


def get_rng() -> random.Random:
    """The randomness that draws questions: the system's, or a seeded one in tests."""
    make: Callable[[], random.Random] = current_app.extensions["elearn.random"]
    return make()


def current_member() -> StaffMember:
    member: StaffMember = current_user._get_current_object()  # type: ignore[attr-defined]
    return member


def current_school() -> School | None:
    """The school the signed-in person works in: their own, or for a trust administrator the one
    they chose to act in. Before sign-in, the instance's school if it has just one."""
    if "school" in g:
        school: School | None = g.school
        return school
    session = get_session()
    if current_user.is_authenticated:
        member = current_member()
        school_id = member.school_id
        acting = flask_session.get(ACTING_SCHOOL)
        if member.is_trust_admin and isinstance(acting, int):
            school_id = acting
        g.school = session.get(School, school_id)
    else:
        schools = all_schools(session)
        g.school = schools[0] if len(schools) == 1 else None
    return g.school  # type: ignore[no-any-return]


def require_school() -> School:
    """The school, for pages that make no sense before it is set up."""
    school = current_school()
    if school is None:
        raise NotFound("This school has not been set up yet.")
    return school


def manages_school() -> bool:
    """The headteacher of the school being worked in, or a trust administrator acting there."""
    if not current_user.is_authenticated:
        return False
    member = current_member()
    return member.is_headteacher or member.is_trust_admin


def start_session_clock() -> None:
    """At sign-in: the session's lifetime and idle time start now."""
    moment = int(get_clock().now().timestamp())
    flask_session[SIGNED_IN_AT] = moment
    flask_session[LAST_SEEN_AT] = moment


def session_limits() -> SessionLimits:
    config = current_app.config
    return SessionLimits(
        idle_for_managers=timedelta(minutes=config["MANAGER_SESSION_IDLE_MINUTES"]),
        idle_for_staff=timedelta(minutes=config["SESSION_IDLE_MINUTES"]),
        lifetime=timedelta(hours=config["SESSION_HOURS"]),
    )


def _session_time(key: str) -> datetime | None:
    value = flask_session.get(key)
    if not isinstance(value, int) or isinstance(value, bool):
        return None
    return datetime.fromtimestamp(value, UTC)


def end_expired_session() -> ResponseReturnValue | None:
    """Before each request: a signed-in session that has been idle too long, or has lasted too
    long, ends here, on the server, and the person is sent to sign in again with the reason.
    Otherwise this request counts as activity."""
    if request.endpoint == "static" or not current_user.is_authenticated:
        return None
    now = get_clock().now()
    reason = session_ended(
        current_member(),
        _session_time(SIGNED_IN_AT),
        _session_time(LAST_SEEN_AT),
        now,
        session_limits(),
    )
    if reason is None:
        flask_session[LAST_SEEN_AT] = int(now.timestamp())
        return None
    logout_user()
    flask_session.clear()
    g.pop("school", None)
    flash(reason, "info")
    target = request.full_path.rstrip("?")
    if request.method == "GET" and is_safe_next(target):
        return redirect(url_for("auth.login", next=target))
    return redirect(url_for("auth.login"), 303)


def scope_request() -> None:
    """Before each request: a signed-in person's database work is limited to their school."""
    if current_user.is_authenticated:
        school = current_school()
        member = current_member()
        scope_to_school(get_session(), school.id if school else None, actor=member)


def headteacher_required(view: Callable[P, R]) -> Callable[P, R]:
    """Signed in, and managing the school (headteacher or trust administrator); others get 403."""

    @functools.wraps(view)
    def wrapped(*args: P.args, **kwargs: P.kwargs) -> R:
        if not manages_school():
            abort(403)
        return view(*args, **kwargs)

    protected: Callable[P, R] = login_required(wrapped)
    return protected


def trust_admin_required(view: Callable[P, R]) -> Callable[P, R]:
    """Signed in as a trust administrator; anyone else gets 403."""

    @functools.wraps(view)
    def wrapped(*args: P.args, **kwargs: P.kwargs) -> R:
        if not current_member().is_trust_admin:
            abort(403)
        return view(*args, **kwargs)

    protected: Callable[P, R] = login_required(wrapped)
    return protected


# --- Policies and progress, once per request -------------------------------------------------


def school_policies() -> list[Policy]:
    """The school's policies in force (not retired), once per request."""
    if "policies" not in g:
        g.policies = policies.school_policies(get_session(), require_school())
    found: list[Policy] = g.policies
    return found


def policy_in_force(slug: str) -> versions.InForce:
    """A policy of the school as staff meet it today. Retired or unknown: not found."""
    cache: dict[str, versions.InForce] = g.setdefault("in_force", {})
    if slug not in cache:
        session = get_session()
        school = require_school()
        policy = policies.policy_by_slug(session, school, slug)
        if policy.is_retired:
            raise NotFound("That policy has been retired: nobody needs to do it now.")
        cache[slug] = versions.in_force(session, policy, get_library(), school.name)
    return cache[slug]


@dataclass(frozen=True)
class Journey:
    """The signed-in member in one policy's course: the policy in force and their progress."""

    force: versions.InForce
    state: training.Progress

    @property
    def policy(self) -> Policy:
        return self.force.policy


def journey(slug: str, *, refresh: bool = False) -> Journey:
    """The signed-in member's progress in one of their policies, worked out once per request
    (again with `refresh`, after a change). A policy that is not theirs is not found."""
    cache: dict[str, Journey] = g.setdefault("journeys", {})
    if slug not in cache or refresh:
        force = policy_in_force(slug)
        member = current_member()
        if not force.policy.applies_to(member.category):
            raise NotFound("That policy is not one you need to read and sign.")
        session = get_session()
        signed = last_signed_version_id(session, member, force.policy.id)
        cache[slug] = Journey(force, training.progress(session, member, force, signed))
    return cache[slug]


# --- Forms -------------------------------------------------------------------------------------


def show_form_error(form: FlaskForm, error: DomainError, default_field: str) -> None:
    """Put a rule's message beside the field it concerns, so the page re-renders with it."""
    name = error.field if error.field and error.field in form else default_field
    form[name].errors = [error.message]


@dataclass(frozen=True)
class Done(Generic[T]):
    """A form's change made and committed; `value` is what the service returned."""

    value: T


def throttle_limits() -> ThrottleLimits:
    config = current_app.config
    return ThrottleLimits(
        window=timedelta(minutes=config["SIGN_IN_WINDOW_MINUTES"]),
        per_account_at_address=config["SIGN_IN_MAX_FAILURES_PER_ACCOUNT_AT_ADDRESS"],
        per_address=config["SIGN_IN_MAX_ACCOUNTS_PER_ADDRESS"],
        per_account=config["SIGN_IN_MAX_FAILURES_PER_ACCOUNT"],
    )


def throttle() -> Throttle:
    """This request's address and the sign-in limits, for a password checked in a session."""
    return Throttle(client_address(), throttle_limits())


def handle_form(form: FlaskForm, action: Callable[[], T], *, error_field: str) -> Done[T] | None:
    """The pattern of every form view: validate, call the service, commit.

    Returns `Done` once committed. Returns None when the form was not submitted or not valid,
    or when a rule said no: then nothing is kept and the message is on the form, beside the
    field it concerns (or `error_field`), for the page to re-render with status 400. A wrong
    password typed to confirm the change is the exception: it is kept, as a failure that counts
    towards sign-in throttling, and in the audit log.
    """
    if not form.validate_on_submit():
        return None
    session = get_session()
    try:
        value = action()
    except DomainError as error:
        session.rollback()
        if isinstance(error, WrongPassword):
            _keep_wrong_password(error)
        show_form_error(form, error, error_field)
        return None
    session.commit()
    return Done(value)


def dates_in_address(*names: str) -> tuple[dict[str, date | None], dict[str, str]]:
    """Dates given in the address as YYYY-MM-DD (a filter's "from" and "to", say): each one
    given, or None; and for each that is not a date, the message to show beside it."""
    dates: dict[str, date | None] = {}
    errors = {}
    for name in names:
        text = (request.args.get(name) or "").strip()[:10]
        dates[name] = None
        if text:
            try:
                dates[name] = date.fromisoformat(text)
            except ValueError:
                errors[name] = "Enter a real date, such as 1 September 2026"
    return dates, errors


def _keep_wrong_password(error: WrongPassword) -> None:
    session = get_session()
    now = get_clock().now()
    record_failure(session, error.email, client_address(), now, FailureKind.PASSWORD)
    record_event(EventKind.PASSWORD_CHECK_FAILED, f"{error.email} ({error.purpose})")
    session.commit()


def form_status(form: FlaskForm) -> int:
    return 400 if form.errors else 200


# --- Page context and audit ---------------------------------------------------------------------


def template_context() -> dict[str, Any]:
    school = current_school()
    member = current_member() if current_user.is_authenticated else None
    acting = bool(member and member.is_trust_admin and school and school.id != member.school_id)
    return {
        "school_name": school.name if school else None,
        "is_demo_school": bool(school and school.is_demo),
        "acting_school": school if acting else None,
        "manages_school": manages_school(),
    }


def record_event(
    event: EventKind,
    subject: str,
    *,
    actor: StaffMember | None = None,
    school_id: int | None = None,
    commit: bool = False,
) -> None:
    """Add an audit event for this request: by `actor`, or whoever is signed in, from their
    address, now. It is filed under `school_id` (the school of the account concerned) or else
    the school being worked in (before sign-in: the instance's school, if it has just one). The
    view commits it with its change (or passes `commit=True`).
    """
    if actor is None and current_user.is_authenticated:
        actor = current_member()
    if school_id is None:
        school = current_school()
        school_id = school.id if school else (actor.school_id if actor else None)
    session = get_session()
    # Filed under its own school even when the actor works elsewhere (a trust administrator).
    with scoped_to(session, school_id) if school_id is not None else nullcontext():
        record(
            session,
            event,
            actor=actor,
            subject=subject,
            address=client_address(),
            now=get_clock().now(),
            school_id=school_id,
        )
    if commit:
        session.commit()


def init_app(app: Flask) -> None:
    app.extensions.setdefault("elearn.random", random.SystemRandom)
    app.before_request(end_expired_session)
    app.before_request(scope_request)
    app.context_processor(template_context)
