"""The trust administrator's pages: every school's figures, adding a school, sharing a course,
and working as headteacher in any school."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, url_for
from flask import session as flask_session
from flask.typing import ResponseReturnValue

from elearn.accounts.api import all_schools
from elearn.audit.api import EventKind
from elearn.db import get_session
from elearn.errors import DomainError, NotFound
from elearn.tenancy import unscoped
from elearn.trust import service
from elearn.trust.forms import ActForm, AddSchoolForm, ShareCourseForm
from elearn.web import (
    ACTING_SCHOOL,
    form_status,
    get_clock,
    get_library,
    handle_form,
    record_event,
    trust_admin_required,
)

trust = Blueprint("trust", __name__, url_prefix="/trust")


def _share_form() -> ShareCourseForm:
    form = ShareCourseForm()
    form.course.choices = [(course.slug, course.title) for course in get_library().courses]
    with unscoped(get_session()) as session:
        form.schools.choices = [(str(school.id), school.name) for school in all_schools(session)]
    return form


def _index_page(
    add_form: AddSchoolForm | None = None, share_form: ShareCourseForm | None = None
) -> ResponseReturnValue:
    add_form = add_form or AddSchoolForm(formdata=None)
    share_form = share_form or _share_form()
    status = max(form_status(add_form), form_status(share_form))
    page = render_template(
        "trust/index.html",
        figures=service.trust_figures(get_session(), get_clock().today()),
        add_form=add_form,
        share_form=share_form,
        act_form=ActForm(formdata=None),
        has_errors=status == 400,
    )
    return page, status


@trust.route("/")
@trust_admin_required
def index() -> ResponseReturnValue:
    return _index_page()


@trust.route("/schools", methods=["POST"])
@trust_admin_required
def add_school() -> ResponseReturnValue:
    form = AddSchoolForm()

    def add() -> str:
        school = service.add_school(
            get_session(), form.name.data or "", get_library(), get_clock().now()
        )
        record_event(EventKind.SCHOOL_ADDED, school.name, school_id=school.id)
        return school.name

    done = handle_form(form, add, error_field="name")
    if done is not None:
        flash(f"{done.value} is added, with every policy course this site holds.", "success")
        return redirect(url_for("trust.index"), 303)
    return _index_page(add_form=form)


@trust.route("/share", methods=["POST"])
@trust_admin_required
def share() -> ResponseReturnValue:
    form = _share_form()

    def share_it() -> tuple[str, int]:
        try:
            course = get_library().course(form.course.data or "")
        except KeyError:
            raise DomainError("Choose a policy from the list.", field="course") from None
        school_ids = [int(value) for value in form.schools.data or [] if value.isdigit()]
        received = service.share_course(get_session(), course, school_ids, get_clock().now())
        for school in received:
            record_event(EventKind.POLICY_ADDED, course.title, school_id=school.id)
        return course.title, len(received)

    done = handle_form(form, share_it, error_field="schools")
    if done is not None:
        title, count = done.value
        flash(
            f"The {title} is shared with {count} more {'school' if count == 1 else 'schools'}.",
            "success",
        )
        return redirect(url_for("trust.index"), 303)
    return _index_page(share_form=form)


@trust.route("/schools/<int:school_id>/act", methods=["POST"])
@trust_admin_required
def act(school_id: int) -> ResponseReturnValue:
    if not ActForm().validate_on_submit():
        raise DomainError("The form had expired. Go back and try again.")
    with unscoped(get_session()) as session:
        school = next((s for s in all_schools(session) if s.id == school_id), None)
    if school is None:
        raise NotFound("We could not find that school.")
    flask_session[ACTING_SCHOOL] = school.id
    record_event(EventKind.ACTED_AS_HEADTEACHER, school.name, school_id=school.id, commit=True)
    return redirect(url_for("console.index"), 303)


@trust.route("/stop-acting", methods=["POST"])
@trust_admin_required
def stop_acting() -> ResponseReturnValue:
    if not ActForm().validate_on_submit():
        raise DomainError("The form had expired. Go back and try again.")
    flask_session.pop(ACTING_SCHOOL, None)
    return redirect(url_for("trust.index"), 303)
