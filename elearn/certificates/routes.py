"""Signing the declaration, downloading certificates, and public verification."""

from __future__ import annotations

import unicodedata
from urllib.parse import quote

from flask import Blueprint, Response, abort, current_app, redirect, render_template, url_for
from flask.typing import ResponseReturnValue
from flask_login import login_required

from elearn.audit.models import EventKind
from elearn.certificates import service
from elearn.certificates.forms import DeclarationForm
from elearn.db import get_session, writes_on_get
from elearn.errors import DomainError
from elearn.training.service import progress
from elearn.versions.service import current_version
from elearn.web import (
    current_member,
    get_clock,
    get_course,
    record_event,
    require_school,
    show_form_error,
)

certificates = Blueprint("certificates", __name__)


@certificates.route("/declaration", methods=["GET", "POST"])
@login_required
def declaration() -> ResponseReturnValue:
    session = get_session()
    member = current_member()
    course = get_course()
    school = require_school()
    state = progress(session, member, course)
    if state.enrolment is None or state.passed_attempt is None:
        latest = service.latest_certificate(session, member)
        if latest is not None and state.enrolment is None:
            return redirect(url_for("certificates.done", certificate_id=latest.id), 303)
        raise DomainError("Pass the assessment before you sign the declaration.")
    version = current_version(session, school)
    form = DeclarationForm()
    if form.validate_on_submit():
        try:
            certificate = service.sign_declaration(
                session,
                member,
                course,
                school,
                signature=form.signature.data or "",
                password=form.password.data or "",
                confirmed=bool(form.confirm.data),
                now=get_clock().now(),
                base_url=current_app.config["BASE_URL"],
            )
        except DomainError as error:
            session.rollback()
            show_form_error(form, error, "signature")
        else:
            session.commit()
            return redirect(url_for("certificates.done", certificate_id=certificate.id), 303)
    return (
        render_template(
            "certificates/declaration.html",
            form=form,
            version=version,
            member=member,
            score=state.passed_attempt.score_percent,
            has_errors=bool(form.errors),
        ),
        400 if form.errors else 200,
    )


@certificates.route("/certificates/<int:certificate_id>")
@login_required
def done(certificate_id: int) -> ResponseReturnValue:
    latest = service.latest_certificate(get_session(), current_member())
    if latest is None or latest.id != certificate_id:
        abort(404)
    return render_template("certificates/done.html", certificate=latest)


@certificates.route("/certificates/<int:certificate_id>/download")
@writes_on_get
@login_required
def download(certificate_id: int) -> ResponseReturnValue:
    pdf, filename = service.certificate_pdf(get_session(), current_member(), certificate_id)
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
        result = service.verify_certificate(get_session(), code)
    except DomainError:
        return render_template("certificates/verify.html", result=None, code=code), 404
    return render_template("certificates/verify.html", result=result, code=code)
