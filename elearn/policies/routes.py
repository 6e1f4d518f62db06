"""The headteacher's Policies pages: every policy of the school, adding one from the library,
each policy's rules, and retiring a policy nobody needs to sign any more."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, url_for
from flask.typing import ResponseReturnValue

from elearn.accounts.api import Category
from elearn.audit.api import EventKind
from elearn.compliance import api as compliance
from elearn.db import get_session
from elearn.errors import DomainError
from elearn.policies import service
from elearn.policies.forms import (
    AddPolicyForm,
    PolicyActionForm,
    PolicyRulesForm,
    TrainingRulesForm,
)
from elearn.policies.models import Policy, PolicyMode
from elearn.versions.api import adopt_course, in_force
from elearn.web import (
    form_status,
    get_clock,
    get_library,
    handle_form,
    headteacher_required,
    record_event,
    require_school,
)

policies = Blueprint("policies", __name__, url_prefix="/console/policies")


def _add_form() -> AddPolicyForm:
    """The library's courses the school has not added yet, to choose from."""
    session = get_session()
    taken = {
        policy.slug
        for policy in service.school_policies(session, require_school(), include_retired=True)
    }
    form = AddPolicyForm()
    form.course.choices = [
        (course.slug, course.title) for course in get_library().courses if course.slug not in taken
    ]
    return form


def _index_page(form: AddPolicyForm) -> ResponseReturnValue:
    session = get_session()
    school = require_school()
    all_policies = service.school_policies(session, school, include_retired=True)
    in_use = [policy for policy in all_policies if not policy.is_retired]
    rows = compliance.school_statuses(session, school, in_use, get_clock().today())
    return (
        render_template(
            "policies/index.html",
            policies=all_policies,
            counts={policy.id: compliance.status_counts(rows, policy) for policy in in_use},
            form=form,
            has_errors=bool(form.errors),
        ),
        form_status(form),
    )


@policies.route("/")
@headteacher_required
def index() -> ResponseReturnValue:
    return _index_page(_add_form())


def add_to_school(slug: str) -> Policy:
    """Add a library course to the school, with its first version in the school's name."""
    session = get_session()
    school = require_school()
    try:
        course = get_library().course(slug)
    except KeyError:
        raise DomainError("Choose a policy from the list.", field="course") from None
    policy = adopt_course(session, school, course, get_clock().now())
    record_event(EventKind.POLICY_ADDED, policy.title)
    return policy


@policies.route("/add", methods=["POST"])
@headteacher_required
def add() -> ResponseReturnValue:
    form = _add_form()
    done = handle_form(form, lambda: add_to_school(form.course.data or ""), error_field="course")
    if done is not None:
        flash(
            f"The {done.value.title} is added. Everyone it applies to is now asked to sign it.",
            "success",
        )
        return redirect(url_for("versions.index", slug=done.value.slug), 303)
    return _index_page(form)


@policies.route("/<slug>/rules", methods=["GET", "POST"])
@headteacher_required
def rules(slug: str) -> ResponseReturnValue:
    session = get_session()
    school = require_school()
    policy = service.policy_by_slug(session, school, slug)
    force = in_force(session, policy, get_library(), school.name)
    base_course = service.library_course(get_library(), policy)
    form = PolicyRulesForm(
        data={
            "mode": policy.mode.value,
            "audience": sorted(category.value for category in policy.categories),
            "validity_months": policy.validity_months,
            "due_soon_days": policy.due_soon_days,
            "induction_days": policy.induction_days,
            "renewal": "date" if policy.renewal_month else "months",
            "renewal_day": policy.renewal_day,
            "renewal_month": policy.renewal_month,
            "pass_mark": policy.pass_mark,
            "assessment_size": policy.assessment_size,
            "rollout_by": policy.rollout_by,
        }
    )

    def save() -> None:
        fixed = form.renewal.data == "date"
        chosen = frozenset(Category(value) for value in form.audience.data or [])
        change = service.RulesChange(
            mode=PolicyMode(form.mode.data),
            audience=frozenset() if chosen == frozenset(Category) else chosen,
            validity_months=form.validity_months.data or 12,
            renewal_month=form.renewal_month.data if fixed else None,
            renewal_day=form.renewal_day.data if fixed else None,
            due_soon_days=form.due_soon_days.data or 0,
            induction_days=form.induction_days.data or 20,
            pass_mark=form.pass_mark.data or 80,
            assessment_size=form.assessment_size.data or 1,
            rollout_by=form.rollout_by.data,
        )
        service.update_rules(policy, change, base_course)
        record_event(EventKind.POLICY_RULES_CHANGED, policy.title)

    if handle_form(form, save, error_field="renewal_day") is not None:
        flash(f"The rules for the {policy.title} are saved.", "success")
        return redirect(url_for("versions.index", slug=slug), 303)
    return (
        render_template(
            "policies/rules.html",
            policy=policy,
            force=force,
            bank_size=base_course.bank_size,
            form=form,
            has_errors=bool(form.errors),
        ),
        form_status(form),
    )


def _one_button(slug: str, change: str) -> ResponseReturnValue:
    if not PolicyActionForm().validate_on_submit():
        raise DomainError("The form had expired. Go back and try again.")
    session = get_session()
    policy = service.policy_by_slug(session, require_school(), slug)
    if change == "retire":
        service.retire(policy, get_clock().now())
        record_event(EventKind.POLICY_RETIRED, policy.title)
        message = f"The {policy.title} is retired: nobody is asked to sign it. Records are kept."
    else:
        service.restore(policy)
        record_event(EventKind.POLICY_RESTORED, policy.title)
        message = f"The {policy.title} is back: everyone it applies to is asked to sign it."
    session.commit()
    flash(message, "success")
    return redirect(url_for("versions.index", slug=slug), 303)


@policies.route("/<slug>/retire", methods=["POST"])
@headteacher_required
def retire(slug: str) -> ResponseReturnValue:
    return _one_button(slug, "retire")


@policies.route("/<slug>/restore", methods=["POST"])
@headteacher_required
def restore(slug: str) -> ResponseReturnValue:
    return _one_button(slug, "restore")


# --- The school's default rules for new policies ----------------------------------------------


@policies.route("/defaults", methods=["GET", "POST"])
@headteacher_required
def defaults() -> ResponseReturnValue:
    school = require_school()
    form = TrainingRulesForm(
        data={
            "validity_months": school.validity_months,
            "due_soon_days": school.due_soon_days,
            "induction_days": school.induction_days,
            "renewal": "date" if school.renewal_month else "months",
            "renewal_day": school.renewal_day,
            "renewal_month": school.renewal_month,
        }
    )

    def save() -> None:
        fixed = form.renewal.data == "date"
        service.update_school_defaults(
            school,
            validity_months=form.validity_months.data or 12,
            due_soon_days=form.due_soon_days.data or 0,
            induction_days=form.induction_days.data or 20,
            renewal_day=form.renewal_day.data if fixed else None,
            renewal_month=form.renewal_month.data if fixed else None,
        )

    if handle_form(form, save, error_field="renewal_day") is not None:
        flash("The default rules are saved. Each new policy starts with them.", "success")
        return redirect(url_for("policies.index"), 303)
    page = render_template("policies/defaults.html", form=form, has_errors=bool(form.errors))
    return page, form_status(form)
