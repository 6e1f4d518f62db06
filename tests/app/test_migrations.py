"""The migrations build exactly the schema the models describe, on SQLite and PostgreSQL."""

from __future__ import annotations

from alembic import command
from sqlalchemy import Engine, inspect

from elearn.db import make_engine
from elearn.migrate import alembic_config, pending_changes, upgrade
from elearn.models import Base


def test_migrated_database_matches_the_models(engine: Engine) -> None:
    assert pending_changes(engine) == []


def test_every_model_table_exists_after_migrating(engine: Engine) -> None:
    tables = set(inspect(engine).get_table_names())
    assert set(Base.metadata.tables) <= tables


def test_every_migration_downgrades_and_upgrades_again(tmp_path: object) -> None:
    # Its own SQLite file, whichever database the rest of the suite runs on.
    engine = make_engine(f"sqlite:///{tmp_path}/round-trip.sqlite")
    upgrade(engine)
    config = alembic_config(engine)
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.downgrade(config, "base")
    assert set(inspect(engine).get_table_names()) <= {"alembic_version"}
    upgrade(engine)
    assert pending_changes(engine) == []
    engine.dispose()
