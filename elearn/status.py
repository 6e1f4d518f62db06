"""Each member of staff's compliance status for one policy, computed in one place from their
records, the policy's rules and a date.

Pure: no database, no Flask, no clock. Pages, exports, reminders and SCORM all ask
`compliance_status`; `elearn.compliance` gathers the `Record`s it needs. A person's one status
across all their policies is `overall_status`, the most urgent of them.

The rules, in the order they apply:
1. A member on long leave (paused, with a return date after today) is `paused` until they return.
2. Their due date is the induction deadline (start date + `induction_days` calendar days) if they
   have never signed (or, for staff already in post when the policy was introduced, its rollout
   deadline), otherwise when their last declaration runs out (12 months by default, or the
   next fixed renewal date such as 1 September). A policy version that asks everyone to re-confirm
   by a deadline brings the due date forward for anyone who has not signed it. Back from leave,
   nobody is due sooner than their return date + `induction_days`.
3. Past the due date: `overdue` (or `induction_overdue`). Never signed: `not_started` before their
   first day, `in_progress` once they have begun, otherwise `induction_due`. Signed before: within
   `due_soon_days` of the due date, `in_progress` once they have begun their refresher, otherwise
   `due_soon`; further off, `compliant` until the due date.
"""

from __future__ import annotations

import calendar
import enum
from collections.abc import Iterable
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
    PAUSED = "paused"


@dataclass(frozen=True)
class Rules:
    """How long a declaration lasts and how long new starters have; set per policy."""

    validity_months: int = 12
    due_soon_days: int = 30
    induction_days: int = 20
    renewal_month_day: tuple[int, int] | None = None  # e.g. (9, 1): every 1 September


@dataclass(frozen=True)
class Record:
    """What status needs to know about one member of staff and one policy."""

    starts_on: date
    last_signed_on: date | None
    has_started_training: bool
    reconfirm_by: date | None = None  # a new version asks them to re-confirm by this date
    paused_until: date | None = None  # on long leave; back on this date
    # In post before the policy was introduced: never signed, they are due by this date
    # instead of start date + induction days.
    rollout_by: date | None = None


@dataclass(frozen=True)
class Status:
    kind: StatusKind
    due_on: date | None

    @property
    def label(self) -> str:
        due = long_date(self.due_on) if self.due_on else ""
        labels = {
            StatusKind.NOT_STARTED: f"Not started (due {due})",
            StatusKind.IN_PROGRESS: f"In progress (due {due})",
            StatusKind.COMPLIANT: f"Compliant until {due}",
            StatusKind.DUE_SOON: f"Due soon ({due})",
            StatusKind.OVERDUE: f"Overdue (since {due})",
            StatusKind.INDUCTION_DUE: f"Induction due {due}",
            StatusKind.INDUCTION_OVERDUE: f"Induction overdue (since {due})",
            StatusKind.PAUSED: f"Paused until {due}",
        }
        return labels[self.kind]

    @property
    def needs_action(self) -> bool:
        return self.kind not in (StatusKind.COMPLIANT, StatusKind.PAUSED, StatusKind.NOT_STARTED)


# Most urgent first: what a person or a headteacher should see before anything else.
URGENCY = (
    StatusKind.INDUCTION_OVERDUE,
    StatusKind.OVERDUE,
    StatusKind.INDUCTION_DUE,
    StatusKind.DUE_SOON,
    StatusKind.IN_PROGRESS,
    StatusKind.NOT_STARTED,
    StatusKind.COMPLIANT,
    StatusKind.PAUSED,
)


def urgency(status: Status) -> tuple[int, date]:
    """A sort key: the more urgent status first, then the earlier due date."""
    return URGENCY.index(status.kind), status.due_on or date.max


def overall_status(statuses: Iterable[Status]) -> Status | None:
    """A person's one status across their policies: the most urgent of them (None for none)."""
    return min(statuses, key=urgency, default=None)


def add_months(start: date, months: int) -> date:
    """The same day `months` later, or the month's last day (29 February + 12 months = 28th)."""
    month_index = start.month - 1 + months
    year, month = start.year + month_index // 12, month_index % 12 + 1
    return date(year, month, min(start.day, calendar.monthrange(year, month)[1]))


def _on_or_after(day: date, month_day: tuple[int, int]) -> date:
    month, day_of_month = month_day
    for year in (day.year, day.year + 1):
        last = calendar.monthrange(year, month)[1]
        candidate = date(year, month, min(day_of_month, last))
        if candidate >= day:
            return candidate
    raise AssertionError("unreachable: next year's date is always later")  # pragma: no cover


def expires_on(signed_on: date, rules: Rules) -> date:
    """When a declaration signed on `signed_on` runs out.

    With a fixed renewal date, it lasts until the first such date more than `due_soon_days`
    after signing, so signing in the run-up to the training day counts for the coming year.
    """
    if rules.renewal_month_day is None:
        return add_months(signed_on, rules.validity_months)
    earliest = signed_on + timedelta(days=rules.due_soon_days + 1)
    return _on_or_after(earliest, rules.renewal_month_day)


def valid_until(signed_on: date, rules: Rules, reconfirm_by: date | None = None) -> date:
    """The last day a declaration signed on `signed_on` counts: the due date that
    `compliance_status` gives someone whose latest declaration it is (rule 2), brought forward
    to `reconfirm_by` when a later version asks everyone to confirm again. It has expired once
    `today` is after this day, when such a person is `overdue`."""
    due = expires_on(signed_on, rules)
    return due if reconfirm_by is None else min(due, reconfirm_by)


def compliance_status(record: Record, today: date, rules: Rules) -> Status:
    """The one current status of a member of staff on `today`."""
    if record.paused_until is not None and today < record.paused_until:
        return Status(StatusKind.PAUSED, record.paused_until)
    never_signed = record.last_signed_on is None
    if record.last_signed_on is None:
        due = record.rollout_by or record.starts_on + timedelta(days=rules.induction_days)
    else:
        due = expires_on(record.last_signed_on, rules)
    if record.reconfirm_by is not None:
        due = min(due, record.reconfirm_by)
    if record.paused_until is not None:
        due = max(due, record.paused_until + timedelta(days=rules.induction_days))

    if today > due:
        return Status(StatusKind.INDUCTION_OVERDUE if never_signed else StatusKind.OVERDUE, due)
    if never_signed:
        if record.has_started_training:
            return Status(StatusKind.IN_PROGRESS, due)
        if today < record.starts_on:
            return Status(StatusKind.NOT_STARTED, due)
        return Status(StatusKind.INDUCTION_DUE, due)
    if (due - today).days <= rules.due_soon_days:
        return Status(
            StatusKind.IN_PROGRESS if record.has_started_training else StatusKind.DUE_SOON, due
        )
    return Status(StatusKind.COMPLIANT, due)
