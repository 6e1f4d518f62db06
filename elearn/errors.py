"""Domain errors, and the pages shown for 400, 403, 404, 413 and 500."""

from __future__ import annotations

from flask import Flask, render_template
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
}


def init_app(app: Flask) -> None:
    @app.errorhandler(DomainError)
    def domain_error(error: DomainError) -> tuple[str, int]:
        return _render(error.status_code, error.message)

    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException) -> tuple[str, int]:
        code = error.code or 500
        return _render(code, None)

    if app.testing:
        return  # let tests see the real exception instead of a friendly page

    @app.errorhandler(Exception)
    def server_error(error: Exception) -> tuple[str, int]:
        from elearn.db import rollback_request_session

        rollback_request_session()
        app.logger.exception("Unhandled error", exc_info=error)
        return _render(500, None)


def _render(code: int, message: str | None) -> tuple[str, int]:
    title = ERROR_TITLES.get(code, "Something went wrong")
    return render_template("errors/error.html", code=code, title=title, message=message), code
