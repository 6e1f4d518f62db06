"""A policy a school asks staff to read and sign, with the rules that say who, how and how often."""

from __future__ import annotations

import enum
from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from elearn.accounts.models import Category, enum_column
from elearn.db import Base, UTCDateTime
from elearn.tenancy import SchoolScoped


class PolicyMode(enum.StrEnum):
    """How staff meet the policy."""

    LEARN = "learn"  # lessons, then the assessment, then the declaration
    READ = "read"  # the full policy text, then the declaration (no questions yet)

    @property
    def label(self) -> str:
        return {"learn": "Learn, pass and sign", "read": "Read and sign"}[self.value]


class Policy(SchoolScoped, Base):
    """One of a school's policies. Its course comes from the content library course `slug`.

    Its rules start as the school's defaults and are then its own: who must do it (`audience`:
    staff categories from policy 1.2.1, empty for everyone), how long a declaration lasts (months,
    or until a fixed yearly date), the days new starters have, the due-soon window, and the pass
    mark and size of the assessment.
    """

    __tablename__ = "policies"
    __table_args__ = (
        sa.UniqueConstraint("school_id", "slug"),
        sa.UniqueConstraint("id", "school_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(sa.String(60))
    title: Mapped[str] = mapped_column(sa.String(200))
    mode: Mapped[PolicyMode] = mapped_column(
        enum_column(PolicyMode, "policy_mode"),
        default=PolicyMode.LEARN,
        server_default=PolicyMode.LEARN.value,
    )
    audience: Mapped[list[str]] = mapped_column(sa.JSON, default=list, server_default="[]")
    validity_months: Mapped[int] = mapped_column(default=12, server_default="12")
    renewal_month: Mapped[int | None]
    renewal_day: Mapped[int | None]
    due_soon_days: Mapped[int] = mapped_column(default=30, server_default="30")
    induction_days: Mapped[int] = mapped_column(default=20, server_default="20")
    pass_mark: Mapped[int] = mapped_column(default=80, server_default="80")
    assessment_size: Mapped[int] = mapped_column(default=12, server_default="12")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    retired_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # When staff already in post when the policy was introduced must have signed it; without
    # one, they have the induction days from the day it was introduced.
    rollout_by: Mapped[date | None] = mapped_column(sa.Date)

    @property
    def is_retired(self) -> bool:
        return self.retired_at is not None

    @property
    def categories(self) -> frozenset[Category]:
        """The staff categories who must do it; every category when `audience` is empty."""
        return frozenset(Category(value) for value in self.audience) or frozenset(Category)

    def applies_to(self, category: Category) -> bool:
        return not self.is_retired and category in self.categories
