"""Security headers and CSP, safe redirects, the client address used for throttling, and the
limits on what a URL or form may carry."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from flask import Flask, Response, abort, request
from werkzeug.routing import IntegerConverter, Map

# The largest id a record can have: PostgreSQL's `integer` (SQLite's limit is higher).
LARGEST_ID = 2**31 - 1


class RecordIdConverter(IntegerConverter):
    """`<int:...>` in a URL, no larger than any id the database can hold: a bigger number is a
    404 like any other unknown id, rather than an overflow inside the database driver."""

    def __init__(self, url_map: Map, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("max", LARGEST_ID)
        super().__init__(url_map, *args, **kwargs)


CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "font-src 'self'",
        "connect-src 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
        "base-uri 'none'",
        "object-src 'none'",
    ]
)

SECURITY_HEADERS = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "same-origin",
    "Permissions-Policy": "camera=(), microphone=(), geolocation=(), payment=(), usb=()",
    "Cross-Origin-Opener-Policy": "same-origin",
}


def is_safe_next(target: str | None) -> bool:
    """True only for a path on this site: no scheme, no host, no protocol-relative tricks."""
    if not target or not target.startswith("/") or target.startswith("//"):
        return False
    if "\\" in target or any(ord(ch) < 32 for ch in target):
        return False
    parts = urlsplit(target)
    return not parts.scheme and not parts.netloc


FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def csv_safe(value: object) -> str:
    """A cell a spreadsheet will show as text: a leading = + - @ would otherwise be a formula."""
    text = "" if value is None else str(value)
    return f"'{text}" if text.startswith(FORMULA_STARTS) else text


def client_address() -> str:
    return request.remote_addr or "unknown"


def has_nul_character() -> bool:
    """True if the query string, the form or the URL's own values hold a NUL character."""
    values = [
        *(value for _key, value in request.args.items(multi=True)),
        *(value for _key, value in request.form.items(multi=True)),
        *(request.view_args or {}).values(),
    ]
    return any(isinstance(value, str) and "\x00" in value for value in values)


def init_app(app: Flask) -> None:
    is_production = app.config["ENVIRONMENT"] == "production"
    # Before any blueprint adds its rules, so every `<int:...>` in them is bounded.
    app.url_map.converters["int"] = RecordIdConverter

    @app.before_request
    def refuse_nul_characters() -> None:
        # No field needs one, and PostgreSQL cannot store one in text: refuse it here with a 400
        # rather than fail inside the database driver, or keep it where SQLite would.
        if has_nul_character():
            abort(400)

    @app.after_request
    def add_security_headers(response: Response) -> Response:
        for name, value in SECURITY_HEADERS.items():
            response.headers.setdefault(name, value)
        if is_production:
            response.headers.setdefault(
                "Strict-Transport-Security", "max-age=31536000; includeSubDomains"
            )
        if request.endpoint != "static":
            # Pages can show personal data: never keep them in shared or browser caches.
            response.headers.setdefault("Cache-Control", "no-store")
        return response
