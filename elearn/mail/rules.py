"""Who is emailed about what on a given day, from their statuses and the emails already sent.

Pure: no database, no Flask, no clock. `elearn.mail.service` gathers the statuses (from
`elearn.compliance`) and the emails already sent, and sends what these rules decide.

For each member of staff and each of their policies, on a day the school is open:

1. Nobody paused, archived or not yet started is reminded; nor anyone about a policy they have
   finished (compliant), unless a new version asks them to confirm it again.
2. *Due soon*: once, when the due date is `remind_days_before` days away or nearer.
3. *Due*: once, on the due date.
4. *Overdue*: after the due date, again every `overdue_every_days` days while it stays overdue.
5. *Confirm again*: once, when a new version asks them to confirm it again by a date.

An email that mentioned the policy and its due date counts as the reminder: a run that missed a
day (the school was closed, say) catches up with one email, not several. Everything due for one
person goes in one email, at most one a day. Someone with no password yet gets an invitation with
a set-up link instead, at most once every `INVITE_EVERY_DAYS` days.

Each headteacher gets a weekly summary of who is overdue, on the school's `digest_weekday`, and
an alert the first time someone has been overdue `escalate_after_days` days (in the summary if it
is the summary's day): at most one of these a day.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from datetime import date, timedelta
from typing import Any

from elearn.status import Status, StatusKind

INVITE_EVERY_DAYS = 7
WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")


class EmailKind(enum.StrEnum):
    INVITATION = "invitation"  # a set-up link, to someone without a password yet
    REMINDER = "reminder"  # the member's own policies: due soon, due, overdue, confirm again
    DIGEST = "digest"  # the headteacher's weekly summary of who is overdue
    ESCALATION = "escalation"  # the headteacher: someone has been overdue too long

    @property
    def label(self) -> str:
        return {
            EmailKind.INVITATION: "Invitation with a set-up link",
            EmailKind.REMINDER: "Reminder",
            EmailKind.DIGEST: "Weekly summary",
            EmailKind.ESCALATION: "Overdue alert",
        }[self]


STAFF_KINDS = frozenset({EmailKind.INVITATION, EmailKind.REMINDER})
HEADTEACHER_KINDS = frozenset({EmailKind.DIGEST, EmailKind.ESCALATION})
OVERDUE_KINDS = frozenset({StatusKind.OVERDUE, StatusKind.INDUCTION_OVERDUE})


class Reason(enum.StrEnum):
    """Why a policy is in an email."""

    DUE_SOON = "due_soon"
    DUE = "due"
    OVERDUE = "overdue"
    RECONFIRM = "reconfirm"  # a new version asks them to confirm it again by a date
    TO_DO = "to_do"  # listed in an invitation
    ESCALATED = "escalated"  # in a headteacher's email: overdue longer than the school allows

    @property
    def label(self) -> str:
        return {
            Reason.DUE_SOON: "due soon",
            Reason.DUE: "due today",
            Reason.OVERDUE: "overdue",
            Reason.RECONFIRM: "new version to confirm",
            Reason.TO_DO: "to do",
            Reason.ESCALATED: "overdue too long: raised with the headteacher",
        }[self]


@dataclass(frozen=True)
class Cadence:
    """A school's reminder settings."""

    remind_days_before: int = 14
    overdue_every_days: int = 7
    escalate_after_days: int = 14
    digest_weekday: int = 0  # Monday

    @property
    def digest_day_name(self) -> str:
        return WEEKDAYS[self.digest_weekday]


@dataclass(frozen=True)
class Standing:
    """A member's status for one policy today, and the re-confirmation deadline they face."""

    policy_id: int
    policy: str
    status: Status
    reconfirm_by: date | None = None


@dataclass(frozen=True)
class About:
    """One policy in one email (in a headteacher's email, one person and one policy)."""

    policy_id: int
    policy: str
    status: StatusKind
    due_on: date | None
    reason: Reason
    reconfirm_by: date | None = None
    member_id: int | None = None
    member: str | None = None

    def to_json(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "policy_id": self.policy_id,
            "policy": self.policy,
            "status": self.status.value,
            "due_on": self.due_on.isoformat() if self.due_on else None,
            "reason": self.reason.value,
        }
        if self.reconfirm_by is not None:
            data["reconfirm_by"] = self.reconfirm_by.isoformat()
        if self.member_id is not None:
            data["member_id"] = self.member_id
            data["member"] = self.member
        return data

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> About:
        def day(key: str) -> date | None:
            value = data.get(key)
            return date.fromisoformat(value) if value else None

        return cls(
            policy_id=int(data["policy_id"]),
            policy=str(data["policy"]),
            status=StatusKind(data["status"]),
            due_on=day("due_on"),
            reason=Reason(data["reason"]),
            reconfirm_by=day("reconfirm_by"),
            member_id=data.get("member_id"),
            member=data.get("member"),
        )


@dataclass(frozen=True)
class Sent:
    """An email already sent, as these rules need it."""

    member_id: int  # to whom
    kind: EmailKind
    sent_on: date  # the school day it was sent for
    about: tuple[About, ...] = field(default=())


def reminders_due(
    standings: Iterable[Standing], history: Sequence[Sent], today: date, cadence: Cadence
) -> list[About]:
    """What one member's reminder today is about: nothing, or one line per policy."""
    mentions = [
        (sent.sent_on, about)
        for sent in history
        if sent.kind in STAFF_KINDS
        for about in sent.about
    ]
    due = []
    for standing in standings:
        earlier = [(on, about) for on, about in mentions if about.policy_id == standing.policy_id]
        about = _reminder(standing, earlier, today, cadence)
        if about is not None:
            due.append(about)
    return due


def _reminder(
    standing: Standing, earlier: list[tuple[date, About]], today: date, cadence: Cadence
) -> About | None:
    status = standing.status
    if status.kind in (StatusKind.PAUSED, StatusKind.NOT_STARTED) or status.due_on is None:
        return None
    due_on = status.due_on
    told = [on for on, about in earlier if about.due_on == due_on]
    reason = None
    if status.needs_action:
        days_left = (due_on - today).days
        if days_left < 0:
            if not any((today - on).days < cadence.overdue_every_days for on in told):
                reason = Reason.OVERDUE
        elif days_left == 0:
            if not any(on >= due_on for on in told):
                reason = Reason.DUE
        elif days_left <= cadence.remind_days_before:
            window_opens = due_on - timedelta(days=cadence.remind_days_before)
            if not any(on >= window_opens for on in told):
                reason = Reason.DUE_SOON
    if (
        reason is None
        and standing.reconfirm_by is not None
        and not any(about.reconfirm_by == standing.reconfirm_by for _, about in earlier)
    ):
        reason = Reason.RECONFIRM
    if reason is None:
        return None
    return About(
        policy_id=standing.policy_id,
        policy=standing.policy,
        status=status.kind,
        due_on=due_on,
        reason=reason,
        reconfirm_by=standing.reconfirm_by,
    )


def to_do(standings: Iterable[Standing]) -> list[About]:
    """The policies an invitation lists: all but those finished or paused (a new starter's
    first day may not have come yet)."""
    return [
        About(
            policy_id=standing.policy_id,
            policy=standing.policy,
            status=standing.status.kind,
            due_on=standing.status.due_on,
            reason=Reason.TO_DO,
            reconfirm_by=standing.reconfirm_by,
        )
        for standing in standings
        if standing.status.kind not in (StatusKind.COMPLIANT, StatusKind.PAUSED)
    ]


def invitation_due(standings: Sequence[Standing], history: Sequence[Sent], today: date) -> bool:
    """Someone without a password, with training to do now, not invited in the last week."""
    if not any(standing.status.needs_action for standing in standings):
        return False
    return not any(
        sent.kind is EmailKind.INVITATION and (today - sent.sent_on).days < INVITE_EVERY_DAYS
        for sent in history
    )


def emailed_today(history: Iterable[Sent], today: date, kinds: frozenset[EmailKind]) -> bool:
    return any(sent.sent_on == today and sent.kind in kinds for sent in history)


def overdue_line(member_id: int, member: str, standing: Standing) -> About | None:
    """The line for a headteacher's email, if this member is overdue with this policy."""
    if standing.status.kind not in OVERDUE_KINDS:
        return None
    return About(
        policy_id=standing.policy_id,
        policy=standing.policy,
        status=standing.status.kind,
        due_on=standing.status.due_on,
        reason=Reason.OVERDUE,
        member_id=member_id,
        member=member,
    )


def escalated_before(history: Iterable[Sent]) -> set[tuple[int | None, int, date | None]]:
    """(member, policy, due date) already raised with a headteacher."""
    return {
        (about.member_id, about.policy_id, about.due_on)
        for sent in history
        if sent.kind in HEADTEACHER_KINDS
        for about in sent.about
        if about.reason is Reason.ESCALATED
    }


def headteacher_report(
    overdue: Sequence[About],
    already_escalated: set[tuple[int | None, int, date | None]],
    today: date,
    cadence: Cadence,
) -> tuple[EmailKind, list[About]] | None:
    """The headteacher's email today, if any: the weekly summary (with any new alerts marked),
    or on other days an alert about those newly overdue too long."""
    lines = []
    escalations = 0
    for about in overdue:
        key = (about.member_id, about.policy_id, about.due_on)
        days = (today - about.due_on).days if about.due_on else 0
        if days >= cadence.escalate_after_days and key not in already_escalated:
            about = replace(about, reason=Reason.ESCALATED)
            escalations += 1
        lines.append(about)
    if today.weekday() == cadence.digest_weekday and lines:
        return EmailKind.DIGEST, lines
    if escalations:
        return EmailKind.ESCALATION, [line for line in lines if line.reason is Reason.ESCALATED]
    return None
