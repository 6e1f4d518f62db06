"""Domain errors, and the pages shown for 400, 403, 404, 413 and 500."""

from __future__ import annotations

from flask import Flask, current_app, render_template, request, session
from sqlalchemy.exc import OperationalError
from werkzeug.exceptions import HTTPException


class DomainError(Exception):
    """A rule said no. The message is plain UK English and says what to do next."""

    status_code = 400

    def __init__(self, message: str, *, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field  # the form field the message belongs beside, when there is one


class NotAllowed(DomainError):
    status_code = 403


class NotFound(DomainError):
    status_code = 404


ERROR_TITLES = {
    400: "Something was wrong with that request",
    403: "You do not have access to this page",
    404: "Page not found",
    405: "That is not something this page can do",
    413: "That upload is too large",
    429: "Too many attempts",
    500: "Sorry, something went wrong on our side",
    503: "Busy: please try again",
}
BUSY_MESSAGE = "Lots of people are using the site at this moment. Wait a few seconds and try again."
RETRY_AFTER_SECONDS = 2
# SQLite's "database is locked" or "busy"; PostgreSQL's serialisation failure and deadlock.
_BUSY_SQLSTATES = frozenset({"40001", "40P01"})


def is_busy(error: OperationalError) -> bool:
    """True when the database turned a write away only because another was under way."""
    original = error.orig
    if getattr(original, "sqlstate", None) in _BUSY_SQLSTATES:
        return True
    text = str(original).lower()
    return "database is locked" in text or "database is busy" in text


def init_app(app: Flask) -> None:
    @app.errorhandler(DomainError)
    def domain_error(error: DomainError) -> tuple[str, int]:
        return _render(error.status_code, error.message)

    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException) -> tuple[str, int]:
        code = error.code or 500
        return _render(code, None)

    @app.errorhandler(OperationalError)
    def database_busy(error: OperationalError) -> tuple[str, int, dict[str, str]]:
        # Nothing was written: the transaction rolls back and the person simply tries again.
        if not is_busy(error):
            raise error
        _undo_request()
        page, code = _render(503, BUSY_MESSAGE)
        return page, code, {"Retry-After": str(RETRY_AFTER_SECONDS)}

    if app.testing:
        return  # let tests see the real exception instead of a friendly page

    @app.errorhandler(Exception)
    def server_error(error: Exception) -> tuple[str, int]:
        _undo_request()
        app.logger.exception("Unhandled error", exc_info=error)
        return _render(500, None)


def _undo_request() -> None:
    """After a failure, keep nothing of this request: roll the database back, and put back the
    session cookie as it came in, so a sign-in that failed part-way leaves nobody signed in."""
    from elearn.db import rollback_request_session

    rollback_request_session()
    app = current_app._get_current_object()  # type: ignore[attr-defined]
    as_it_came = app.session_interface.open_session(app, request) or {}
    session.clear()
    session.update(as_it_came)


def _render(code: int, message: str | None) -> tuple[str, int]:
    title = ERROR_TITLES.get(code, "Something went wrong")
    return render_template("errors/error.html", code=code, title=title, message=message), code
