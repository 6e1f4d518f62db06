"""Published versions of each policy, kept whole so old declarations can always be read."""

from __future__ import annotations

import enum
from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from elearn.accounts.models import enum_column
from elearn.db import Base, UTCDateTime
from elearn.tenancy import SchoolScoped


def policy_of_the_school() -> sa.ForeignKeyConstraint:
    """The row's policy, which must be a policy of the row's own school."""
    return sa.ForeignKeyConstraint(
        ["policy_id", "school_id"], ["policies.id", "policies.school_id"]
    )


class ChangeKind(enum.StrEnum):
    """What a new version asks of staff who signed an earlier one."""

    INITIAL = "initial"  # the first version: everyone signs it at induction or refresher
    MINOR = "minor"  # no need to confirm again
    RECONFIRM_NOW = "reconfirm_now"  # everyone confirms again by `reconfirm_by`
    AT_REFRESHER = "at_refresher"  # staff confirm it at their next refresher

    @property
    def description(self) -> str:
        return {
            ChangeKind.INITIAL: "First version",
            ChangeKind.MINOR: "Minor change: staff do not need to confirm again",
            ChangeKind.RECONFIRM_NOW: "Everyone confirms again by a deadline",
            ChangeKind.AT_REFRESHER: "Staff confirm at their next refresher",
        }[self]


class PolicyVersion(SchoolScoped, Base):
    """A version of one policy, published on a date; the newest is the one in force."""

    __tablename__ = "policy_versions"
    __table_args__ = (
        sa.UniqueConstraint("policy_id", "content_hash"),
        sa.UniqueConstraint("policy_id", "label"),
        policy_of_the_school(),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    policy_id: Mapped[int] = mapped_column(index=True)
    label: Mapped[str] = mapped_column(sa.String(100))
    title: Mapped[str] = mapped_column(sa.String(200))
    declaration_title: Mapped[str] = mapped_column(sa.String(200))
    declaration_text: Mapped[str] = mapped_column(sa.Text)
    # The structured policy file as published, and its SHA-256: what staff signed, word for word.
    policy_yaml: Mapped[str] = mapped_column(sa.Text)
    content_hash: Mapped[str] = mapped_column(sa.String(64))
    published_at: Mapped[datetime] = mapped_column(UTCDateTime())
    change_kind: Mapped[ChangeKind] = mapped_column(
        enum_column(ChangeKind, "change_kind"),
        default=ChangeKind.INITIAL,
        server_default=ChangeKind.INITIAL.value,
    )
    reconfirm_by: Mapped[date | None] = mapped_column(sa.Date)
    # Clauses added or reworded since the version before: their lessons are taught again.
    changed_clause_ids: Mapped[list[str]] = mapped_column(
        sa.JSON, default=list, server_default="[]"
    )
    published_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("staff_members.id"))


class PolicyDraft(SchoolScoped, Base):
    """A new version of a policy, kept while the headteacher reviews what changed."""

    __tablename__ = "policy_drafts"
    __table_args__ = (policy_of_the_school(),)

    id: Mapped[int] = mapped_column(primary_key=True)
    policy_id: Mapped[int] = mapped_column(index=True)
    created_by_id: Mapped[int] = mapped_column(sa.ForeignKey("staff_members.id"))
    source_name: Mapped[str] = mapped_column(sa.String(200))
    label: Mapped[str] = mapped_column(sa.String(100))
    policy_yaml: Mapped[str] = mapped_column(sa.Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
