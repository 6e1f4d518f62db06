"""The compliance status rules, pinned on the days around each boundary."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from elearn.status import (
    Record,
    Rules,
    Status,
    StatusKind,
    add_months,
    compliance_status,
    overall_status,
    valid_until,
)

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
        (date(2026, 8, 20), False, StatusKind.NOT_STARTED),
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


def test_a_start_date_in_the_future_is_not_started_with_its_deadline() -> None:
    status = compliance_status(new_starter(date(2026, 9, 1)), date(2026, 8, 31), RULES)
    assert (status.kind, status.due_on) == (StatusKind.NOT_STARTED, date(2026, 9, 21))


def test_training_in_progress_at_expiry_is_overdue_the_day_after() -> None:
    record = Record(date(2020, 1, 6), date(2025, 11, 24), has_started_training=True)
    assert compliance_status(record, date(2026, 11, 24), RULES).kind is StatusKind.IN_PROGRESS
    assert compliance_status(record, date(2026, 11, 25), RULES).kind is StatusKind.OVERDUE


def test_refresher_begun_early_stays_compliant_until_the_window() -> None:
    record = Record(date(2020, 1, 6), date(2026, 1, 31), has_started_training=True)
    assert compliance_status(record, date(2026, 12, 31), RULES).kind is StatusKind.COMPLIANT
    assert compliance_status(record, date(2027, 1, 1), RULES).kind is StatusKind.IN_PROGRESS


@pytest.mark.parametrize(
    ("today", "kind", "due"),
    [
        (date(2026, 5, 31), StatusKind.PAUSED, date(2026, 6, 1)),
        (date(2026, 6, 1), StatusKind.DUE_SOON, date(2026, 6, 21)),
        (date(2026, 6, 21), StatusKind.DUE_SOON, date(2026, 6, 21)),
        (date(2026, 6, 22), StatusKind.OVERDUE, date(2026, 6, 21)),
    ],
    ids=["on-leave", "return-day", "last-day-of-grace", "after-grace"],
)
def test_a_pause_that_spans_expiry_restarts_with_an_induction_style_deadline(
    today: date, kind: StatusKind, due: date
) -> None:
    # Signed 1 March 2025, so due 1 March 2026: on leave from February until 1 June 2026.
    record = Record(date(2020, 1, 6), date(2025, 3, 1), False, paused_until=date(2026, 6, 1))
    status = compliance_status(record, today, RULES)
    assert (status.kind, status.due_on) == (kind, due)


def test_a_pause_that_ends_before_expiry_changes_nothing_after_return() -> None:
    record = Record(date(2020, 1, 6), date(2026, 3, 1), False, paused_until=date(2026, 4, 1))
    status = compliance_status(record, date(2026, 5, 1), RULES)
    assert (status.kind, status.due_on) == (StatusKind.COMPLIANT, date(2027, 3, 1))


def test_a_new_starter_paused_before_induction_gets_a_deadline_from_return() -> None:
    record = Record(date(2026, 1, 5), None, False, paused_until=date(2026, 9, 1))
    status = compliance_status(record, date(2026, 9, 2), RULES)
    assert (status.kind, status.due_on) == (StatusKind.INDUCTION_DUE, date(2026, 9, 21))


@pytest.mark.parametrize(
    ("today", "kind"),
    [
        (date(2026, 11, 30), StatusKind.COMPLIANT),
        (date(2026, 12, 1), StatusKind.DUE_SOON),
        (date(2026, 12, 31), StatusKind.DUE_SOON),
        (date(2027, 1, 1), StatusKind.OVERDUE),
    ],
    ids=["31-days-before-deadline", "30-days-before", "deadline-day", "day-after"],
)
def test_a_version_that_asks_for_reconfirmation_brings_the_due_date_forward(
    today: date, kind: StatusKind
) -> None:
    record = Record(date(2020, 1, 6), date(2026, 9, 1), False, reconfirm_by=date(2026, 12, 31))
    status = compliance_status(record, today, RULES)
    assert (status.kind, status.due_on) == (kind, date(2026, 12, 31))


FIXED = Rules(validity_months=12, due_soon_days=30, induction_days=20, renewal_month_day=(9, 1))


@pytest.mark.parametrize(
    ("signed_on", "expires"),
    [
        (date(2025, 10, 10), date(2026, 9, 1)),
        (date(2026, 8, 1), date(2026, 9, 1)),
        (date(2026, 8, 2), date(2027, 9, 1)),
        (date(2026, 9, 1), date(2027, 9, 1)),
    ],
    ids=["autumn", "31-days-before-training-day", "30-days-before", "on-training-day"],
)
def test_a_fixed_renewal_date_sets_expiry_to_the_training_day(
    signed_on: date, expires: date
) -> None:
    status = compliance_status(signed(signed_on), signed_on, FIXED)
    assert status.due_on == expires


def test_leap_day_signing_expires_on_28_february() -> None:
    status = compliance_status(signed(date(2024, 2, 29)), date(2025, 2, 28), RULES)
    assert (status.kind, status.due_on) == (StatusKind.DUE_SOON, date(2025, 2, 28))
    assert compliance_status(signed(date(2024, 2, 29)), date(2025, 3, 1), RULES).kind is (
        StatusKind.OVERDUE
    )


def test_a_persons_overall_status_is_the_most_urgent_of_their_policies() -> None:
    compliant = Status(StatusKind.COMPLIANT, date(2027, 1, 1))
    due_soon = Status(StatusKind.DUE_SOON, date(2026, 12, 1))
    overdue_later = Status(StatusKind.OVERDUE, date(2026, 11, 20))
    overdue_first = Status(StatusKind.OVERDUE, date(2026, 10, 1))
    assert overall_status([compliant, due_soon]) == due_soon
    assert overall_status([compliant, overdue_later, overdue_first, due_soon]) == overdue_first
    assert overall_status([]) is None


# When a declaration runs out (the certificate check page shows it)


@pytest.mark.parametrize(
    ("signed_on", "rules", "reconfirm_by", "expected"),
    [
        (date(2026, 3, 14), RULES, None, date(2027, 3, 14)),
        (date(2024, 2, 29), RULES, None, date(2025, 2, 28)),
        (date(2026, 8, 15), Rules(renewal_month_day=(9, 1)), None, date(2027, 9, 1)),
        (date(2026, 3, 14), RULES, date(2026, 6, 30), date(2026, 6, 30)),
        (date(2026, 3, 14), RULES, date(2028, 1, 1), date(2027, 3, 14)),
    ],
    ids=["12-months", "leap-day", "yearly-date", "reconfirm-sooner", "reconfirm-later"],
)
def test_valid_until_is_the_due_date_of_whoever_signed_it_last(
    signed_on: date, rules: Rules, reconfirm_by: date | None, expected: date
) -> None:
    assert valid_until(signed_on, rules, reconfirm_by) == expected
    record = Record(
        starts_on=date(2020, 1, 6),
        last_signed_on=signed_on,
        has_started_training=False,
        reconfirm_by=reconfirm_by,
    )
    assert compliance_status(record, expected, rules).kind is not StatusKind.OVERDUE
    later = expected + timedelta(days=1)
    assert compliance_status(record, later, rules) == Status(StatusKind.OVERDUE, expected)
