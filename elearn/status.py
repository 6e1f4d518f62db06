"""Each member of staff's compliance status, computed in one place from their records and a date.

Pure: no database, no Flask, no clock. Pages, exports, reminders and SCORM all ask this function.
"""

from __future__ import annotations

import calendar
import enum
from dataclasses import dataclass
from datetime import date, timedelta

from elearn.clock import long_date


class StatusKind(enum.StrEnum):
    NOT_STARTED = "not_started"
    IN_PROGRESS = "in_progress"
    COMPLIANT = "compliant"
    DUE_SOON = "due_soon"
    OVERDUE = "overdue"
    INDUCTION_DUE = "induction_due"
    INDUCTION_OVERDUE = "induction_overdue"


@dataclass(frozen=True)
class Rules:
    validity_months: int = 12
    due_soon_days: int = 30
    induction_days: int = 20


@dataclass(frozen=True)
class Record:
    """What status needs to know about one member of staff."""

    starts_on: date
    last_signed_on: date | None
    has_started_training: bool


@dataclass(frozen=True)
class Status:
    kind: StatusKind
    due_on: date | None

    @property
    def label(self) -> str:
        due = long_date(self.due_on) if self.due_on else ""
        labels = {
            StatusKind.NOT_STARTED: "Not started",
            StatusKind.IN_PROGRESS: "In progress",
            StatusKind.COMPLIANT: f"Compliant until {due}",
            StatusKind.DUE_SOON: f"Due soon ({due})",
            StatusKind.OVERDUE: "Overdue",
            StatusKind.INDUCTION_DUE: f"Induction due {due}",
            StatusKind.INDUCTION_OVERDUE: "Induction overdue",
        }
        return labels[self.kind]

    @property
    def needs_action(self) -> bool:
        return self.kind is not StatusKind.COMPLIANT


def add_months(start: date, months: int) -> date:
    """The same day `months` later, or the month's last day (29 February + 12 months = 28th)."""
    month_index = start.month - 1 + months
    year, month = start.year + month_index // 12, month_index % 12 + 1
    return date(year, month, min(start.day, calendar.monthrange(year, month)[1]))


def compliance_status(record: Record, today: date, rules: Rules) -> Status:
    """The one current status of a member of staff on `today`."""
    if record.last_signed_on is not None:
        expires_on = add_months(record.last_signed_on, rules.validity_months)
        if today > expires_on:
            return Status(StatusKind.OVERDUE, expires_on)
        if (expires_on - today).days <= rules.due_soon_days:
            return Status(StatusKind.DUE_SOON, expires_on)
        return Status(StatusKind.COMPLIANT, expires_on)
    deadline = record.starts_on + timedelta(days=rules.induction_days)
    if today > deadline:
        return Status(StatusKind.INDUCTION_OVERDUE, deadline)
    if record.has_started_training:
        return Status(StatusKind.IN_PROGRESS, deadline)
    return Status(StatusKind.INDUCTION_DUE, deadline)
