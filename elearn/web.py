"""What routes share: the course, the clock, the signed-in member, role checks, audit events."""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any, ParamSpec, TypeVar

from flask import abort, current_app, g
from flask_login import current_user, login_required
from flask_wtf import FlaskForm

from elearn.accounts.models import School, StaffMember
from elearn.accounts.service import get_school
from elearn.audit.models import EventKind
from elearn.audit.service import record
from elearn.clock import Clock
from elearn.content.schema import Course, Library, Policy
from elearn.db import get_session
from elearn.errors import DomainError, NotFound
from elearn.security import client_address
from elearn.versions.service import current_version, version_policy

P = ParamSpec("P")
R = TypeVar("R")


def get_library() -> Library:
    library: Library = current_app.extensions["elearn.library"]
    return library


def get_course() -> Course:
    return get_library().courses[0]


def get_clock() -> Clock:
    clock: Clock = current_app.extensions["elearn.clock"]
    return clock


def current_member() -> StaffMember:
    member: StaffMember = current_user._get_current_object()  # type: ignore[attr-defined]
    return member


def current_school() -> School | None:
    """The signed-in member's own school; before sign-in, the school this instance serves.

    Never the first school for someone signed in: a headteacher of another school in the same
    database would otherwise see and change the first school's staff, drafts and versions.
    """
    if current_user.is_authenticated:
        school_id = current_member().school_id
        cached: School | None = g.get("school")
        if cached is None or cached.id != school_id:
            g.school = get_session().get(School, school_id)
    elif "school" not in g:
        g.school = get_school(get_session())
    school: School | None = g.school
    return school


def require_school() -> School:
    """The school, for pages that make no sense before it is set up."""
    school = current_school()
    if school is None:
        raise NotFound("This school has not been set up yet.")
    return school


def current_policy() -> Policy:
    """The policy in force at this school, as its current version published it."""
    if "policy" not in g:
        g.policy = version_policy(current_version(get_session(), require_school()))
    policy: Policy = g.policy
    return policy


def headteacher_required(view: Callable[P, R]) -> Callable[P, R]:
    """Signed in, and the headteacher; anyone else gets 403."""

    @functools.wraps(view)
    def wrapped(*args: P.args, **kwargs: P.kwargs) -> R:
        if not current_member().is_headteacher:
            abort(403)
        return view(*args, **kwargs)

    protected: Callable[P, R] = login_required(wrapped)
    return protected


def show_form_error(form: FlaskForm, error: DomainError, default_field: str) -> None:
    """Put a rule's message beside the field it concerns, so the page re-renders with it."""
    name = error.field if error.field and error.field in form else default_field
    form[name].errors = [error.message]


def template_context() -> dict[str, Any]:
    school = current_school()
    return {"school_name": school.name if school else None}


def record_event(
    event: EventKind, subject: str, *, actor: StaffMember | None = None, commit: bool = False
) -> None:
    """Add an audit event for this request: by `actor`, or whoever is signed in, from their
    address, now. The view commits it with its change (or passes `commit=True` if it has none).
    """
    if actor is None and current_user.is_authenticated:
        actor = current_member()
    session = get_session()
    record(
        session,
        event,
        actor=actor,
        subject=subject,
        address=client_address(),
        now=get_clock().now(),
        school=current_school(),
    )
    if commit:
        session.commit()
