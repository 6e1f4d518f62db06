"""The compliance status rules, pinned on the days around each boundary."""

from __future__ import annotations

from datetime import date

import pytest

from elearn.status import Record, Rules, StatusKind, add_months, compliance_status

RULES = Rules(validity_months=12, due_soon_days=30, induction_days=20)


def signed(on: date) -> Record:
    return Record(starts_on=date(2020, 1, 6), last_signed_on=on, has_started_training=False)


def new_starter(starts_on: date, *, started: bool = False) -> Record:
    return Record(starts_on=starts_on, last_signed_on=None, has_started_training=started)


@pytest.mark.parametrize(
    ("today", "kind"),
    [
        (date(2026, 9, 1), StatusKind.COMPLIANT),
        (date(2026, 12, 31), StatusKind.COMPLIANT),
        (date(2027, 1, 1), StatusKind.DUE_SOON),
        (date(2027, 1, 31), StatusKind.DUE_SOON),
        (date(2027, 2, 1), StatusKind.OVERDUE),
    ],
    ids=["just-signed", "31-days-before-expiry", "30-days-before", "day-of-expiry", "day-after"],
)
def test_status_after_signing_follows_the_expiry_date(today: date, kind: StatusKind) -> None:
    status = compliance_status(signed(date(2026, 1, 31)), today, RULES)
    assert status.kind is kind
    assert status.due_on == date(2027, 1, 31)


def test_signed_eleven_months_ago_is_due_soon() -> None:
    status = compliance_status(signed(date(2025, 12, 24)), date(2026, 11, 24), RULES)
    assert status.kind is StatusKind.DUE_SOON


def test_signed_thirteen_months_ago_is_overdue() -> None:
    status = compliance_status(signed(date(2025, 10, 24)), date(2026, 11, 24), RULES)
    assert status.kind is StatusKind.OVERDUE


def test_compliant_label_names_the_expiry_date() -> None:
    status = compliance_status(signed(date(2026, 3, 2)), date(2026, 4, 1), RULES)
    assert status.label == "Compliant until 2 March 2027"


@pytest.mark.parametrize(
    ("start", "months", "expected"),
    [
        (date(2024, 2, 29), 12, date(2025, 2, 28)),
        (date(2023, 2, 28), 12, date(2024, 2, 28)),
        (date(2026, 1, 31), 1, date(2026, 2, 28)),
        (date(2026, 12, 15), 1, date(2027, 1, 15)),
    ],
    ids=["leap-day", "before-leap-year", "short-month", "year-end"],
)
def test_add_months_keeps_to_real_dates(start: date, months: int, expected: date) -> None:
    assert add_months(start, months) == expected


@pytest.mark.parametrize(
    ("today", "started", "kind"),
    [
        (date(2026, 8, 20), False, StatusKind.INDUCTION_DUE),
        (date(2026, 9, 21), False, StatusKind.INDUCTION_DUE),
        (date(2026, 9, 21), True, StatusKind.IN_PROGRESS),
        (date(2026, 9, 22), False, StatusKind.INDUCTION_OVERDUE),
        (date(2026, 9, 22), True, StatusKind.INDUCTION_OVERDUE),
    ],
    ids=[
        "start-date-in-future",
        "deadline-day",
        "deadline-day-started",
        "day-after",
        "late-started",
    ],
)
def test_new_starter_induction_deadline(today: date, started: bool, kind: StatusKind) -> None:
    status = compliance_status(new_starter(date(2026, 9, 1), started=started), today, RULES)
    assert status.kind is kind
    assert status.due_on == date(2026, 9, 21)
