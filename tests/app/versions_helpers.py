"""Making new policy documents for version tests: the shipped policy with a clause reworded."""

from __future__ import annotations

import io
from datetime import date
from typing import Any

from flask.testing import FlaskClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from elearn.versions.models import PolicyDraft
from tests.conftest import SHIPPED_COURSE_DIR

SOURCE = SHIPPED_COURSE_DIR / "policy" / "source" / "social-networking-policy.txt"
CLAUSE_234 = "Staff should never ‘friend’ a pupil at the school where they are working onto their"
REWORDED_234 = "Staff must never ‘friend’ or follow a pupil at the school where they are working on"


def reworded_policy(adopted: str = "November 2026") -> bytes:
    """The shipped policy with clause 2.3.4 reworded and a new adoption date."""
    text = SOURCE.read_text(encoding="utf-8")
    assert CLAUSE_234 in text
    text = text.replace(CLAUSE_234, REWORDED_234)
    adoption = "Date adopted by Governing Body: "
    text = text.replace(f"{adoption}November 2023", f"{adoption}{adopted}")
    return text.encode("utf-8")


def upload(client: FlaskClient, data: bytes, name: str = "policy.txt", label: str = "") -> Any:
    return client.post(
        "/console/policies/social-networking/upload",
        data={"document": (io.BytesIO(data), name), "label": label},
        content_type="multipart/form-data",
    )


def draft_id(session: Session) -> int:
    session.expire_all()
    return session.scalars(select(PolicyDraft.id)).one()


def publish(client: FlaskClient, draft: int, kind: str, by: date | None = None) -> Any:
    data: dict[str, Any] = {"change_kind": kind}
    if by is not None:
        data["reconfirm_by"] = [str(by.day), str(by.month), str(by.year)]
    return client.post(f"/console/policies/social-networking/drafts/{draft}", data=data)
