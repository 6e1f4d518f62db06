"""Every email sent, and each school's reminder settings and closed dates."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from elearn.accounts.models import enum_column
from elearn.db import Base, UTCDateTime
from elearn.mail.rules import EmailKind
from elearn.tenancy import SchoolScoped


class EmailMessage(SchoolScoped, Base):
    """One email as it was sent: to whom, what kind, and the policies and statuses it was about.

    `run_on` is the day of the daily run that sent it (None for one sent by hand from the
    console): one email of a kind per person per run day, so a second run the same day finds it
    and sends nothing.
    """

    __tablename__ = "email_messages"
    __table_args__ = (
        sa.UniqueConstraint("member_id", "kind", "run_on"),
        sa.ForeignKeyConstraint(
            ["member_id", "school_id"], ["staff_members.id", "staff_members.school_id"]
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    member_id: Mapped[int] = mapped_column(index=True)
    address: Mapped[str] = mapped_column(sa.String(254))  # where it went, as it was then
    kind: Mapped[EmailKind] = mapped_column(enum_column(EmailKind, "email_kind"))
    subject: Mapped[str] = mapped_column(sa.String(200))
    # Each policy it was about: {"policy_id", "policy", "status", "due_on", "reason", ...}; in a
    # headteacher's email also "member_id" and "member", the person concerned.
    about: Mapped[list[dict[str, Any]]] = mapped_column(sa.JSON, default=list)
    run_on: Mapped[date | None] = mapped_column(sa.Date)
    sent_at: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)
    sent_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("staff_members.id"))


class ReminderSettings(SchoolScoped, Base):
    """How often a school's staff and headteachers are emailed. A school without a row has the
    defaults."""

    __tablename__ = "reminder_settings"
    __table_args__ = (sa.UniqueConstraint("school_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    is_on: Mapped[bool] = mapped_column(default=True)
    remind_days_before: Mapped[int] = mapped_column(default=14)
    overdue_every_days: Mapped[int] = mapped_column(default=7)
    escalate_after_days: Mapped[int] = mapped_column(default=14)
    digest_weekday: Mapped[int] = mapped_column(default=0)  # 0 is Monday


class ClosedPeriod(SchoolScoped, Base):
    """Days the school is closed (holidays, a closure): nothing is emailed on them."""

    __tablename__ = "closed_periods"
    __table_args__ = (sa.CheckConstraint("ends_on >= starts_on", name="ends_after_start"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    label: Mapped[str] = mapped_column(sa.String(100))
    starts_on: Mapped[date] = mapped_column(sa.Date)
    ends_on: Mapped[date] = mapped_column(sa.Date)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
