"""A published version of the policy, kept whole so old declarations can always be read."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from elearn.db import Base, UTCDateTime


class PolicyVersion(Base):
    __tablename__ = "policy_versions"
    __table_args__ = (sa.UniqueConstraint("school_id", "content_hash"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    school_id: Mapped[int] = mapped_column(sa.ForeignKey("schools.id"), index=True)
    label: Mapped[str] = mapped_column(sa.String(100))
    title: Mapped[str] = mapped_column(sa.String(200))
    declaration_title: Mapped[str] = mapped_column(sa.String(200))
    declaration_text: Mapped[str] = mapped_column(sa.Text)
    # The structured policy file as published, and its SHA-256: what staff signed, word for word.
    policy_yaml: Mapped[str] = mapped_column(sa.Text)
    content_hash: Mapped[str] = mapped_column(sa.String(64))
    published_at: Mapped[datetime] = mapped_column(UTCDateTime())
