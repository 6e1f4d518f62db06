"""Signing the declaration, downloading certificates, and public verification."""

from __future__ import annotations

import unicodedata
from urllib.parse import quote

from flask import Blueprint, Response, abort, current_app, redirect, render_template, url_for
from flask.typing import ResponseReturnValue
from flask_login import login_required

from elearn.audit.api import EventKind
from elearn.certificates import service
from elearn.certificates.forms import DeclarationForm
from elearn.db import get_session, writes_on_get
from elearn.errors import DomainError
from elearn.web import (
    current_member,
    form_status,
    get_clock,
    handle_form,
    journey,
    manages_school,
    record_event,
    require_school,
    throttle,
)

certificates = Blueprint("certificates", __name__)


@certificates.route("/policies/<slug>/declaration", methods=["GET", "POST"])
@login_required
def declaration(slug: str) -> ResponseReturnValue:
    session = get_session()
    member = current_member()
    found = journey(slug)
    state = found.state
    if not state.is_ready_to_sign:
        latest = service.latest_certificate(session, member, found.policy.id)
        if latest is not None and state.enrolment is None:
            return redirect(url_for("certificates.done", certificate_id=latest.id), 303)
        raise DomainError(service.not_ready_message(state))
    form = DeclarationForm()
    done = handle_form(
        form,
        lambda: service.sign_declaration(
            session,
            member,
            found.force,
            state,
            require_school(),
            signature=form.signature.data or "",
            password=form.password.data or "",
            confirmed=bool(form.confirm.data),
            now=get_clock().now(),
            base_url=current_app.config["BASE_URL"],
            throttle=throttle(),
        ),
        error_field="signature",
    )
    if done is not None:
        return redirect(url_for("certificates.done", certificate_id=done.value.id), 303)
    passed = state.passed_attempt
    return (
        render_template(
            "certificates/declaration.html",
            slug=slug,
            form=form,
            version=found.force.version,
            member=member,
            score=passed.score_percent if passed is not None else None,
            has_errors=bool(form.errors),
        ),
        form_status(form),
    )


@certificates.route("/certificates/<int:certificate_id>")
@login_required
def done(certificate_id: int) -> ResponseReturnValue:
    """Straight after signing: the member's own new certificate."""
    found = service.own_certificate(get_session(), current_member(), certificate_id)
    return render_template("certificates/done.html", certificate=found, policy_title=found.title)


@certificates.route("/certificates/<int:certificate_id>/download")
@writes_on_get
@login_required
def download(certificate_id: int) -> ResponseReturnValue:
    pdf, filename = service.certificate_pdf(
        get_session(), current_member(), certificate_id, manages_school=manages_school()
    )
    record_event(EventKind.CERTIFICATE_DOWNLOADED, filename, commit=True)
    response = Response(pdf, mimetype="application/pdf")
    # Headers are Latin-1: a name such as "Nguyễn" goes in filename* (RFC 6266), UTF-8 encoded,
    # with a plain ASCII filename beside it for clients that do not read filename*.
    plain = unicodedata.normalize("NFKD", filename).encode("ascii", "ignore").decode("ascii")
    response.headers.set(
        "Content-Disposition",
        "attachment",
        filename=plain,
        **{"filename*": f"UTF-8''{quote(filename, safe='')}"},
    )
    return response


@certificates.route("/verify/<code>")
def verify(code: str) -> ResponseReturnValue:
    if len(code) > 40:
        abort(404)
    try:
        result = service.verify_certificate(get_session(), code, get_clock().today())
    except DomainError:
        return render_template("certificates/verify.html", result=None, code=code), 404
    return render_template("certificates/verify.html", result=result, code=code)
