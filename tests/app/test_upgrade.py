"""Upgrading a database filled under an older schema: nothing is lost, and the app reads it.

The database is built with the old migrations inside the test and filled as the old app would
have filled it (one school's Social Networking Policy: staff, versions, enrolments, attempts,
answers, declarations, certificates with their PDFs, drafts, audit events), then upgraded to the
newest schema. Runs on SQLite, and on PostgreSQL (in a schema of its own) when TEST_DATABASE_URL
names a server.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine, MetaData, create_engine, func, insert, select, text
from sqlalchemy.engine import make_url

from elearn import create_app
from elearn.accounts.models import StaffMember
from elearn.clock import FixedClock
from elearn.db import get_db, get_session, make_engine
from elearn.migrate import pending_changes, upgrade
from tests.conftest import NOW, SHIPPED_COURSE_DIR

SCHEMA = "upgrade_test"
T0 = datetime(2025, 1, 6, 9, 0, tzinfo=UTC)
POLICY_YAML = (SHIPPED_COURSE_DIR / "policy" / "social-networking-policy.yaml").read_text(
    encoding="utf-8"
)
PDF = b"%PDF-1.4 the certificate exactly as issued \x00\xff"


@pytest.fixture
def old_database(tmp_path: Path) -> Iterator[str]:
    """The URL of an empty database of its own: a file on SQLite, a schema on PostgreSQL."""
    server = os.environ.get("TEST_DATABASE_URL")
    if not server:
        yield f"sqlite:///{tmp_path / 'old.sqlite'}"
        return
    admin = create_engine(server)
    with admin.begin() as connection:
        connection.execute(text(f"DROP SCHEMA IF EXISTS {SCHEMA} CASCADE"))
        connection.execute(text(f"CREATE SCHEMA {SCHEMA}"))
    url = make_url(server).update_query_dict({"options": f"-csearch_path={SCHEMA}"})
    yield url.render_as_string(hide_password=False)
    with admin.begin() as connection:
        connection.execute(text(f"DROP SCHEMA IF EXISTS {SCHEMA} CASCADE"))
    admin.dispose()


def fill(engine: Engine, rows: dict[str, list[dict[str, Any]]]) -> None:
    """Insert rows into the tables as they are now, leaving out tables and columns that do not
    exist yet."""
    tables = MetaData()
    tables.reflect(engine)
    with engine.begin() as connection:
        for name, table_rows in rows.items():
            table = tables.tables.get(name)
            for row in table_rows if table is not None else ():
                kept = {key: value for key, value in row.items() if key in table.c}
                connection.execute(insert(table).values(kept))
            if table is not None and table_rows and engine.dialect.name == "postgresql":
                # Rows were given their ids: move the id sequence past them, as the app would be.
                sequence = select(func.pg_get_serial_sequence(name, "id")).scalar_subquery()
                connection.execute(
                    select(func.setval(sequence, select(func.max(table.c.id)).scalar_subquery()))
                )


def old_rows() -> dict[str, list[dict[str, Any]]]:
    """One school's records as the one-policy release made them, with two double-click
    duplicates it allowed: a second open enrolment, and a second sitting begun at once."""
    questions = [{"question": "intro-purpose", "options": ["a", "b", "c", "d"]}]
    member = {
        "school_id": 1,
        "role": "staff",
        "category": "teacher",
        "starts_on": date(2025, 1, 6),
        "password_hash": "not a real hash",
        "session_token": "t" * 32,
        "is_archived": False,
        "created_at": T0,
    }
    return {
        "schools": [
            {
                "id": 1,
                "name": "Thorner's CE VA Primary School",
                "created_at": T0,
                "validity_months": 24,
                "due_soon_days": 14,
                "induction_days": 10,
            }
        ],
        "staff_members": [
            {
                **member,
                "id": 1,
                "email": "head@school.example",
                "name": "Helen Carter",
                "role": "headteacher",
            },
            {**member, "id": 2, "email": "amelia@school.example", "name": "Amelia Hart"},
            {**member, "id": 3, "email": "tom@school.example", "name": "Tom Okafor"},
        ],
        "policy_versions": [
            {
                "id": 1,
                "school_id": 1,
                "label": "November 2023",
                "title": "Social Networking Policy",
                "declaration_title": "Declaration of receipt",
                "declaration_text": "I confirm that I have read Thorner’s Social Networking Policy",
                "policy_yaml": POLICY_YAML,
                "content_hash": hashlib.sha256(POLICY_YAML.encode()).hexdigest(),
                "published_at": T0,
            }
        ],
        "policy_drafts": [
            {
                "id": 1,
                "school_id": 1,
                "created_by_id": 1,
                "source_name": "policy.txt",
                "label": "Draft",
                "policy_yaml": POLICY_YAML,
                "created_at": T0,
            }
        ],
        "enrolments": [
            # Amelia: signed. Tom: two open enrolments from a double click; the newer was used.
            {
                "id": 1,
                "member_id": 2,
                "policy_version_id": 1,
                "kind": "induction",
                "started_at": T0,
                "completed_at": T0 + timedelta(hours=1),
            },
            {
                "id": 2,
                "member_id": 3,
                "policy_version_id": 1,
                "kind": "induction",
                "started_at": T0,
            },
            {
                "id": 3,
                "member_id": 3,
                "policy_version_id": 1,
                "kind": "induction",
                "started_at": T0,
            },
        ],
        "lesson_completions": [
            {"id": 1, "enrolment_id": 1, "lesson_id": "introduction", "completed_at": T0},
            {"id": 2, "enrolment_id": 3, "lesson_id": "introduction", "completed_at": T0},
        ],
        "attempts": [
            {
                "id": 7,
                "enrolment_id": 1,
                "member_id": 2,
                "kind": "assessment",
                "questions": questions,
                "pass_mark": 80,
                "started_at": T0,
                "submitted_at": T0,
                "correct_count": 1,
                "score_percent": 100,
                "is_passed": True,
            },
            {
                "id": 8,
                "enrolment_id": 3,
                "member_id": 3,
                "kind": "assessment",
                "questions": questions,
                "pass_mark": 80,
                "started_at": T0,
            },
            {
                "id": 9,
                "enrolment_id": 3,
                "member_id": 3,
                "kind": "assessment",
                "questions": questions,
                "pass_mark": 80,
                "started_at": T0,
            },
        ],
        "answers": [
            {
                "id": 1,
                "attempt_id": 7,
                "question_id": "intro-purpose",
                "position": 0,
                "selected": "a",
                "is_correct": True,
            },
        ],
        "declarations": [
            {
                "id": 5,
                "member_id": 2,
                "enrolment_id": 1,
                "attempt_id": 7,
                "policy_version_id": 1,
                "text": "I confirm that I have read Thorner’s Social Networking Policy",
                "member_name": "Amelia Hart",
                "signature": "Amelia Hart",
                "signed_at": T0 + timedelta(hours=1),
            },
        ],
        "certificates": [
            {
                "id": 11,
                "declaration_id": 5,
                "code": "ABCD-EFGH-JKMN-PQRS",
                "issued_at": T0 + timedelta(hours=1),
                "pdf": PDF,
            },
        ],
        "audit_events": [
            {
                "id": 1,
                "school_id": 1,
                "actor_id": 2,
                "event": "sign_in",
                "subject": "amelia@school.example",
                "address": "127.0.0.1",
                "occurred_at": T0,
            },
        ],
    }


@pytest.mark.parametrize("start", ["0001", "0003"])
def test_an_old_database_upgrades_with_nothing_lost(old_database: str, start: str) -> None:
    engine = make_engine(old_database)
    upgrade(engine, start)
    fill(engine, old_rows())
    upgrade(engine)
    assert pending_changes(engine) == []
    with engine.connect() as connection:
        policy = connection.execute(
            text(
                "SELECT id, school_id, slug, title, validity_months, induction_days, "
                "due_soon_days, pass_mark FROM policies"
            )
        ).one()
        certificate = connection.execute(
            text("SELECT id, code, pdf, school_id FROM certificates")
        ).one()
        declaration = connection.execute(
            text("SELECT id, attempt_id, policy_id, school_id FROM declarations")
        ).one()
        attempts = connection.execute(
            text("SELECT id, policy_id, school_id, submitted_at FROM attempts ORDER BY id")
        ).all()
        enrolments = connection.execute(
            text("SELECT id, policy_id, school_id, completed_at FROM enrolments ORDER BY id")
        ).all()
        versions = connection.execute(text("SELECT policy_id FROM policy_versions")).all()
        drafts = connection.execute(text("SELECT policy_id FROM policy_drafts")).all()
    # The rules the school had become its Social Networking Policy's (0001 had none: defaults).
    rules = (24, 10, 14) if start == "0003" else (12, 20, 30)
    assert policy[1:] == (1, "social-networking", "Social Networking Policy", *rules, 80)
    assert (certificate.id, certificate.code, bytes(certificate.pdf), certificate.school_id) == (
        11,
        "ABCD-EFGH-JKMN-PQRS",
        PDF,
        1,
    )
    assert tuple(declaration) == (5, 7, policy.id, 1)
    # The sitting shown (8) stays; the one begun a moment later and never answered (9) goes.
    assert [(row.id, row.policy_id, row.school_id) for row in attempts] == [
        (7, policy.id, 1),
        (8, policy.id, 1),
    ]
    # Of Tom's two open enrolments the newer stays open, the older is closed where it began.
    assert [(row.id, row.policy_id, row.completed_at is None) for row in enrolments] == [
        (1, policy.id, False),
        (2, policy.id, False),
        (3, policy.id, True),
    ]
    assert versions == [(policy.id,)]
    assert drafts == ([(policy.id,)] if start == "0003" else [])
    engine.dispose()


def test_the_app_reads_an_upgraded_database(old_database: str, library: Any) -> None:
    engine = make_engine(old_database)
    upgrade(engine, "0003")
    fill(engine, old_rows())
    upgrade(engine)
    engine.dispose()
    app = create_app(
        {
            "ENVIRONMENT": "testing",
            "DATABASE_URL": old_database,
            "LIBRARY": library,
            "CLOCK": FixedClock(NOW),
            "WTF_CSRF_ENABLED": False,
        }
    )
    client = app.test_client()
    page = client.get("/verify/ABCD-EFGH-JKMN-PQRS").get_data(as_text=True)
    assert "Amelia Hart" in page
    assert "Thorner&#39;s CE VA Primary School" in page
    with app.app_context():
        amelia_id = get_session().get_one(StaffMember, 2).get_id()
    with client.session_transaction() as flask_session:
        flask_session["_user_id"] = amelia_id
        flask_session["signed_in_at"] = flask_session["last_seen_at"] = int(NOW.timestamp())
    home = client.get("/").get_data(as_text=True)
    # Signed on 6 January 2025; the school's 24 months carried over to the policy.
    assert "Compliant until 6 January 2027" in home
    assert client.get("/certificates/11/download").data == PDF
    get_db(app).engine.dispose()
