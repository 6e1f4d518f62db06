"""The migrations build exactly the schema the models describe, on SQLite and PostgreSQL."""

from __future__ import annotations

from sqlalchemy import Engine, inspect

from elearn.migrate import pending_changes
from elearn.models import Base


def test_migrated_database_matches_the_models(engine: Engine) -> None:
    assert pending_changes(engine) == []


def test_every_model_table_exists_after_migrating(engine: Engine) -> None:
    tables = set(inspect(engine).get_table_names())
    assert set(Base.metadata.tables) <= tables
