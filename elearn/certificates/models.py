"""Signed declarations of receipt and the certificates that record them. Never updated."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from elearn.accounts.models import StaffMember
from elearn.db import Base, UTCDateTime
from elearn.tenancy import SchoolScoped
from elearn.training.models import Attempt, member_of_the_school
from elearn.versions.models import PolicyVersion, policy_of_the_school


class Declaration(SchoolScoped, Base):
    """The declaration of receipt, signed electronically: name typed, password re-entered.

    `attempt_id` is the passed assessment; a policy staff read and sign has none.
    """

    __tablename__ = "declarations"
    __table_args__ = (
        sa.UniqueConstraint("member_id", "policy_version_id", "attempt_id"),
        member_of_the_school(),
        policy_of_the_school(),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    policy_id: Mapped[int] = mapped_column(index=True)
    member_id: Mapped[int] = mapped_column(index=True)
    enrolment_id: Mapped[int] = mapped_column(sa.ForeignKey("enrolments.id"), unique=True)
    attempt_id: Mapped[int | None] = mapped_column(sa.ForeignKey("attempts.id"))
    policy_version_id: Mapped[int] = mapped_column(sa.ForeignKey("policy_versions.id"))
    text: Mapped[str] = mapped_column(sa.Text)
    member_name: Mapped[str] = mapped_column(sa.String(200))
    signature: Mapped[str] = mapped_column(sa.String(200))
    signed_at: Mapped[datetime] = mapped_column(UTCDateTime())

    member: Mapped[StaffMember] = relationship(lazy="raise")
    attempt: Mapped[Attempt | None] = relationship(lazy="raise")
    policy_version: Mapped[PolicyVersion] = relationship(lazy="raise")
    certificate: Mapped[Certificate] = relationship(lazy="raise", back_populates="declaration")


class Certificate(SchoolScoped, Base):
    """The PDF issued for a declaration, stored as issued so it never changes."""

    __tablename__ = "certificates"

    id: Mapped[int] = mapped_column(primary_key=True)
    declaration_id: Mapped[int] = mapped_column(sa.ForeignKey("declarations.id"), unique=True)
    code: Mapped[str] = mapped_column(sa.String(32), unique=True)
    issued_at: Mapped[datetime] = mapped_column(UTCDateTime())
    pdf: Mapped[bytes] = mapped_column(sa.LargeBinary, deferred=True)

    declaration: Mapped[Declaration] = relationship(lazy="raise", back_populates="certificate")
