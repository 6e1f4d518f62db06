"""Pages for everyone: the health check and the accessibility and privacy statements."""

from __future__ import annotations

from flask import Blueprint, jsonify, render_template
from flask.typing import ResponseReturnValue
from sqlalchemy import text

from elearn._version import __version__
from elearn.db import get_session

public = Blueprint("public", __name__)


@public.route("/healthz")
def healthz() -> ResponseReturnValue:
    try:
        get_session().execute(text("SELECT 1"))
        database_ok = True
    except Exception:  # any failure to answer means "not healthy", whatever the driver raised
        database_ok = False
    body = {
        "status": "ok" if database_ok else "error",
        "version": __version__,
        "database": database_ok,
    }
    return jsonify(body), 200 if database_ok else 503


@public.route("/accessibility")
def accessibility() -> ResponseReturnValue:
    return render_template("public/accessibility.html")


@public.route("/privacy")
def privacy() -> ResponseReturnValue:
    return render_template("public/privacy.html")
