"""Making new policy documents for version tests: the shipped policy with a clause reworded."""

from __future__ import annotations

import io
from datetime import date
from pathlib import Path
from typing import Any

from docx import Document
from flask.testing import FlaskClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from elearn.content.policy_import import import_policy
from elearn.content.schema import BlockKind
from elearn.versions.models import PolicyDraft
from tests.conftest import SHIPPED_COURSE_DIR

SOURCE = SHIPPED_COURSE_DIR / "policy" / "source" / "social-networking-policy.txt"
CORPUS = Path(__file__).parents[1] / "fixtures" / "policies" / "corpus"
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


def reworded_policy_docx() -> bytes:
    """The reworded policy as a Word document: a heading style for each section and subsection,
    a paragraph for each clause, Word's bullets, its tables, the slip at the end."""
    policy = import_policy(reworded_policy().decode("utf-8"))
    word = Document()
    word.add_paragraph(policy.school)
    word.add_paragraph(policy.title, style="Title")
    for section in policy.sections:
        word.add_paragraph(section.heading, style="Heading 1")
        for sub in section.subsections:
            if sub.title:
                word.add_paragraph(f"{sub.id} {sub.title}", style="Heading 2")
            for clause in sub.clauses:
                if clause.title:
                    word.add_paragraph(clause.title, style="Heading 3")
                for index, block in enumerate(clause.blocks):
                    if block.kind is BlockKind.LIST:
                        for item in block.items:
                            word.add_paragraph(item, style="List Bullet")
                    elif block.kind is BlockKind.TABLE:
                        table = word.add_table(rows=0, cols=len(block.rows[0]))
                        for row in block.rows:
                            for cell, text in zip(table.add_row().cells, row, strict=True):
                                cell.text = text
                    else:
                        number = f"{clause.number} " if clause.number and index == 0 else ""
                        word.add_paragraph(f"{number}{block.text}")
    word.add_paragraph(policy.declaration.title, style="Heading 1")
    word.add_paragraph(policy.declaration.text)
    buffer = io.BytesIO()
    word.save(buffer)
    return buffer.getvalue()


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
