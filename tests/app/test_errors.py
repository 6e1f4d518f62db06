"""Error pages: friendly, with no stack trace, in the production configuration."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from sqlalchemy import Engine

from elearn.db import get_db


@pytest.fixture
def production_client(
    app_config: dict[str, Any], engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> Iterator[Any]:
    from elearn import create_app

    # The page under test needs no school: let it through the first-run redirect.
    monkeypatch.setattr("elearn.accounts.routes.FIRST_RUN_EXEMPT", {"explode", "static"})
    config = dict(app_config, ENVIRONMENT="production", SECRET_KEY="k" * 64)
    app = create_app(config)

    @app.route("/explode")
    def explode() -> str:
        raise RuntimeError("internal detail: the database password is hunter2")

    # Share the suite's database connection, as the app fixture does, and leave none open.
    database = get_db(app)
    database.engine.dispose()
    with engine.connect() as connection, database.bound_to(connection):
        yield app.test_client()


def test_an_unexpected_error_shows_a_friendly_page_without_a_trace(production_client: Any) -> None:
    response = production_client.get("/explode")
    body = response.get_data(as_text=True)
    assert response.status_code == 500
    assert "Sorry, something went wrong on our side" in body
    for leak in ("Traceback", "RuntimeError", "hunter2", "explode"):
        assert leak not in body
    assert "frame-ancestors 'none'" in response.headers["Content-Security-Policy"]
    assert "max-age" in response.headers["Strict-Transport-Security"]


def test_production_session_cookie_is_secure(production_client: Any) -> None:
    assert production_client.application.config["SESSION_COOKIE_SECURE"] is True
