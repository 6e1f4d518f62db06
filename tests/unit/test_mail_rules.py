"""Who is emailed about what on a day (elearn.mail.rules) and the words (elearn.mail.texts):
pure, pinned at each boundary."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from elearn.mail import texts
from elearn.mail.rules import (
    About,
    Cadence,
    EmailKind,
    Reason,
    Sent,
    Standing,
    emailed_today,
    escalated_before,
    headteacher_report,
    invitation_due,
    overdue_line,
    reminders_due,
    to_do,
)
from elearn.status import Status, StatusKind

TODAY = date(2026, 11, 24)  # a Tuesday
CADENCE = Cadence(remind_days_before=14, overdue_every_days=7, escalate_after_days=14)
POLICY = 1


def standing(
    kind: StatusKind, due_in: int, reconfirm_in: int | None = None, policy: int = POLICY
) -> Standing:
    return Standing(
        policy,
        f"Policy {policy}",
        Status(kind, TODAY + timedelta(days=due_in)),
        TODAY + timedelta(days=reconfirm_in) if reconfirm_in is not None else None,
    )


def told(
    days_ago: int,
    due_in: int,
    *,
    kind: EmailKind = EmailKind.REMINDER,
    reason: Reason = Reason.DUE_SOON,
    reconfirm_in: int | None = None,
) -> Sent:
    """An email sent `days_ago` about the policy due `due_in` days from today."""
    about = About(
        POLICY,
        "Policy 1",
        StatusKind.DUE_SOON,
        TODAY + timedelta(days=due_in),
        reason,
        TODAY + timedelta(days=reconfirm_in) if reconfirm_in is not None else None,
    )
    return Sent(7, kind, TODAY - timedelta(days=days_ago), (about,))


def reasons(standings: list[Standing], history: list[Sent] | None = None) -> list[Reason]:
    return [about.reason for about in reminders_due(standings, history or [], TODAY, CADENCE)]


@pytest.mark.parametrize(
    ("kind", "due_in", "expected"),
    [
        (StatusKind.COMPLIANT, 60, []),
        (StatusKind.DUE_SOON, 15, []),
        (StatusKind.DUE_SOON, 14, [Reason.DUE_SOON]),
        (StatusKind.INDUCTION_DUE, 1, [Reason.DUE_SOON]),
        (StatusKind.IN_PROGRESS, 3, [Reason.DUE_SOON]),
        (StatusKind.DUE_SOON, 0, [Reason.DUE]),
        (StatusKind.OVERDUE, -1, [Reason.OVERDUE]),
        (StatusKind.INDUCTION_OVERDUE, -100, [Reason.OVERDUE]),
        (StatusKind.PAUSED, 30, []),
        (StatusKind.NOT_STARTED, 5, []),
    ],
    ids=[
        "compliant",
        "15-days-before",
        "14-days-before",
        "induction-1-day-before",
        "in-progress",
        "on-the-due-date",
        "1-day-overdue",
        "induction-long-overdue",
        "paused",
        "not-started",
    ],
)
def test_a_first_reminder_by_status_and_days_to_the_due_date(
    kind: StatusKind, due_in: int, expected: list[Reason]
) -> None:
    assert reasons([standing(kind, due_in)]) == expected


def test_due_soon_is_sent_once_in_the_window() -> None:
    assert reasons([standing(StatusKind.DUE_SOON, 5)], [told(9, 5)]) == []


def test_an_email_before_the_window_opened_does_not_count_as_the_due_soon_reminder() -> None:
    # Told 20 days ago (the window opened 9 days ago, 14 days before the due date).
    assert reasons([standing(StatusKind.DUE_SOON, 5)], [told(20, 5)]) == [Reason.DUE_SOON]


def test_a_reminder_about_another_due_date_does_not_count() -> None:
    assert reasons([standing(StatusKind.DUE_SOON, 5)], [told(2, 400)]) == [Reason.DUE_SOON]


def test_the_due_date_reminder_follows_a_due_soon_one() -> None:
    assert reasons([standing(StatusKind.DUE_SOON, 0)], [told(10, 0)]) == [Reason.DUE]


@pytest.mark.parametrize(
    ("days_ago", "expected"),
    [(1, []), (6, []), (7, [Reason.OVERDUE]), (30, [Reason.OVERDUE])],
    ids=["1-day", "6-days", "7-days", "30-days"],
)
def test_overdue_is_repeated_every_7_days(days_ago: int, expected: list[Reason]) -> None:
    history = [told(days_ago, -20, reason=Reason.OVERDUE)]
    assert reasons([standing(StatusKind.OVERDUE, -20)], history) == expected


def test_an_invitation_counts_as_the_reminder_about_what_it_listed() -> None:
    history = [told(2, -20, kind=EmailKind.INVITATION, reason=Reason.TO_DO)]
    assert reasons([standing(StatusKind.OVERDUE, -20)], history) == []


def test_a_headteachers_email_does_not_count_as_the_members_reminder() -> None:
    history = [told(2, -20, kind=EmailKind.DIGEST, reason=Reason.OVERDUE)]
    assert reasons([standing(StatusKind.OVERDUE, -20)], history) == [Reason.OVERDUE]


def test_a_new_version_to_confirm_is_told_once_even_when_otherwise_compliant() -> None:
    compliant = standing(StatusKind.COMPLIANT, 40, reconfirm_in=40)
    assert reasons([compliant]) == [Reason.RECONFIRM]
    history = [told(3, 40, reason=Reason.RECONFIRM, reconfirm_in=40)]
    assert reasons([compliant], history) == []


def test_an_overdue_reminder_carries_the_new_version_so_it_is_not_told_again() -> None:
    overdue = standing(StatusKind.OVERDUE, -2, reconfirm_in=-2)
    (about,) = reminders_due([overdue], [], TODAY, CADENCE)
    assert (about.reason, about.reconfirm_by) == (Reason.OVERDUE, TODAY - timedelta(days=2))
    assert "overdue since" in texts.line(about)
    assert "A new version asks you to confirm it again." in texts.line(about)


def test_a_paused_member_is_not_told_of_a_new_version() -> None:
    assert reasons([standing(StatusKind.PAUSED, 40, reconfirm_in=40)]) == []


def test_each_policy_is_decided_on_its_own() -> None:
    both = [standing(StatusKind.OVERDUE, -3), standing(StatusKind.COMPLIANT, 90, policy=2)]
    assert [about.policy_id for about in reminders_due(both, [], TODAY, CADENCE)] == [POLICY]


@pytest.mark.parametrize(
    ("days_ago", "expected"),
    [(None, True), (6, False), (7, True)],
    ids=["never", "6-days-ago", "7-days-ago"],
)
def test_an_invitation_goes_at_most_weekly(days_ago: int | None, expected: bool) -> None:
    history = [] if days_ago is None else [told(days_ago, -3, kind=EmailKind.INVITATION)]
    assert invitation_due([standing(StatusKind.OVERDUE, -3)], history, TODAY) is expected


def test_nobody_is_invited_before_their_first_day_but_the_invitation_lists_it() -> None:
    future = [standing(StatusKind.NOT_STARTED, 25)]
    assert invitation_due(future, [], TODAY) is False
    assert [about.reason for about in to_do(future)] == [Reason.TO_DO]
    assert to_do([standing(StatusKind.COMPLIANT, 100)]) == []


def test_emailed_today_counts_only_the_kinds_asked() -> None:
    history = [told(0, 5)]
    assert emailed_today(history, TODAY, frozenset({EmailKind.REMINDER}))
    assert not emailed_today(history, TODAY, frozenset({EmailKind.DIGEST}))
    assert not emailed_today([told(1, 5)], TODAY, frozenset({EmailKind.REMINDER}))


def overdue_people(*days_overdue: int) -> list[About]:
    lines = []
    for number, overdue in enumerate(days_overdue, start=100):
        line = overdue_line(number, f"Person {number}", standing(StatusKind.OVERDUE, -overdue))
        assert line is not None
        lines.append(line)
    return lines


@pytest.mark.parametrize(
    ("days_overdue", "expected"),
    [((13,), None), ((14,), EmailKind.ESCALATION), ((3, 20), EmailKind.ESCALATION)],
    ids=["13-days", "14-days", "one-of-two"],
)
def test_the_headteacher_is_alerted_at_14_days_overdue(
    days_overdue: tuple[int, ...], expected: EmailKind | None
) -> None:
    found = headteacher_report(overdue_people(*days_overdue), set(), TODAY, CADENCE)
    assert (found[0] if found else None) is expected
    if found:
        assert [about.reason for about in found[1]] == [Reason.ESCALATED]


def test_the_headteacher_is_alerted_once_per_person_policy_and_due_date() -> None:
    lines = overdue_people(20)
    first = headteacher_report(lines, set(), TODAY, CADENCE)
    assert first is not None
    sent = Sent(1, first[0], TODAY, tuple(first[1]))
    assert headteacher_report(lines, escalated_before([sent]), TODAY, CADENCE) is None


def test_the_weekly_summary_lists_everyone_overdue_on_its_day() -> None:
    tuesday = Cadence(digest_weekday=TODAY.weekday())
    found = headteacher_report(overdue_people(2, 20), set(), TODAY, tuesday)
    assert found is not None
    kind, lines = found
    assert kind is EmailKind.DIGEST
    assert [about.reason for about in lines] == [Reason.OVERDUE, Reason.ESCALATED]
    assert headteacher_report([], set(), TODAY, tuesday) is None


def test_about_survives_the_log() -> None:
    (about,) = overdue_people(20)
    assert About.from_json(about.to_json()) == about


def test_a_headteachers_email_gives_numbers_not_names() -> None:
    lines = overdue_people(2, 20, 30)
    found = headteacher_report(lines, set(), TODAY, Cadence(digest_weekday=TODAY.weekday()))
    assert found is not None
    text = texts.headteacher(
        found[0], "Thorner's", "Helen Carter", found[1], CADENCE, "https://example.test"
    )
    assert text.subject == "Weekly summary: 3 staff overdue with policy training"
    assert "- Policy 1: 3 staff" in text.body
    assert "2 staff have now been overdue for 14 days or more" in text.body
    assert "Person" not in text.body
    assert "https://example.test/console/" in text.body


@pytest.mark.parametrize(
    ("reasons_and_statuses", "subject"),
    [
        ([(Reason.DUE_SOON, StatusKind.DUE_SOON)], "Reminder: your policy training at X"),
        ([(Reason.DUE, StatusKind.DUE_SOON)], "Due today: your policy training at X"),
        (
            [(Reason.DUE_SOON, StatusKind.DUE_SOON), (Reason.OVERDUE, StatusKind.OVERDUE)],
            "Overdue: your policy training at X",
        ),
        (
            [(Reason.RECONFIRM, StatusKind.COMPLIANT)],
            "A policy has changed: please confirm it again (X)",
        ),
    ],
    ids=["due-soon", "due", "overdue-wins", "new-version"],
)
def test_the_reminders_subject_names_the_most_urgent(
    reasons_and_statuses: list[tuple[Reason, StatusKind]], subject: str
) -> None:
    about = [
        About(number, f"Policy {number}", status, TODAY, reason, TODAY)
        for number, (reason, status) in enumerate(reasons_and_statuses)
    ]
    assert texts.reminder("X", "Amelia Hart", about, "https://x.test").subject == subject
