"""The words of every email: plain UK English, in the school's name, with a link to the site.

Pure: no database, no Flask. A member of staff's email holds nothing personal but their own name
and their own training. A headteacher's email gives numbers, not names: who is overdue is on the
console, behind sign-in, one link away.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

from elearn.clock import long_date
from elearn.mail.rules import About, Cadence, EmailKind, Reason
from elearn.status import StatusKind

SIGN_OFF = "{school}\nStaff policy training: {base_url}/"


@dataclass(frozen=True)
class Text:
    subject: str
    body: str


def line(about: About) -> str:
    """One policy in a member's own email, such as 'Social Networking Policy: due by 1 May.'"""
    due = long_date(about.due_on) if about.due_on else ""
    overdue = about.status in (StatusKind.OVERDUE, StatusKind.INDUCTION_OVERDUE)
    if about.reason is Reason.RECONFIRM and about.reconfirm_by is not None:
        text = (
            f"a new version asks you to read it and confirm it again by "
            f"{long_date(about.reconfirm_by)}."
        )
    elif about.reason is Reason.DUE:
        text = f"due today, {due}."
    elif overdue:
        text = f"overdue since {due}."
    else:
        text = f"due by {due}."
    if about.reason is not Reason.RECONFIRM and about.reconfirm_by is not None:
        text += " A new version asks you to confirm it again."
    return f"{about.policy}: {text}"


def reminder(school: str, recipient: str, about: Sequence[About], base_url: str) -> Text:
    """A member's own reminder: each policy due soon, due, overdue or to confirm again."""
    reasons = {item.reason for item in about}
    statuses = {item.status for item in about}
    if statuses & {StatusKind.OVERDUE, StatusKind.INDUCTION_OVERDUE}:
        subject = f"Overdue: your policy training at {school}"
    elif Reason.DUE in reasons:
        subject = f"Due today: your policy training at {school}"
    elif reasons == {Reason.RECONFIRM}:
        subject = f"A policy has changed: please confirm it again ({school})"
    else:
        subject = f"Reminder: your policy training at {school}"
    lines = "\n".join(f"- {line(item)}" for item in about)
    body = (
        f"Dear {recipient},\n\n"
        f"This is a reminder from {school} about the policies you are asked to read and sign.\n\n"
        f"{lines}\n\n"
        f"Sign in to do your training: {base_url}/\n"
        "It takes you back to where you left off.\n\n"
        "If this is wrong (you are on leave, say), please tell the headteacher.\n\n"
        + SIGN_OFF.format(school=school, base_url=base_url)
    )
    return Text(subject, body)


def invitation(
    school: str,
    recipient: str,
    about: Sequence[About],
    link: str,
    hours: int,
    base_url: str,
    *,
    has_password: bool,
) -> Text:
    """A set-up link: to choose a first password, or a new one for someone who forgot theirs."""
    if has_password:
        subject = f"A new set-up link for your policy training at {school}"
        opening = (
            f"Here is a new set-up link for {school}'s staff policy training. With it you can "
            f"choose a new password, if you have forgotten yours. It works once, for {hours} "
            f"hours:\n\n{link}\n\nUntil you use it, your password stays as it is."
        )
    else:
        subject = f"Set up your account for policy training at {school}"
        opening = (
            f"{school} asks its staff to read and sign its policies on this site: short lessons, "
            "a few questions, and a declaration to sign.\n\n"
            f"To start, choose your password with this link. It works once, for {hours} hours:"
            f"\n\n{link}"
        )
    to_do = ""
    if about:
        lines = "\n".join(f"- {line(item)}" for item in about)
        to_do = f"What you are asked to do:\n{lines}\n\n"
    body = (
        f"Dear {recipient},\n\n"
        f"{opening}\n\n"
        f"Then sign in at {base_url}/login with this email address.\n\n"
        f"{to_do}"
        "If the link has run out, ask the headteacher for a new one. If you were not expecting "
        "this email, you can ignore it.\n\n" + SIGN_OFF.format(school=school, base_url=base_url)
    )
    return Text(subject, body)


def headteacher(
    kind: EmailKind,
    school: str,
    recipient: str,
    about: Sequence[About],
    cadence: Cadence,
    base_url: str,
) -> Text:
    """The weekly summary of who is overdue, or an alert about those overdue too long: numbers
    by policy, and a link to the console for the names."""
    people = len({item.member_id for item in about})
    escalated = [item for item in about if item.reason is Reason.ESCALATED]
    alerted = len({item.member_id for item in escalated})
    counted = escalated if kind is EmailKind.ESCALATION else about
    by_policy = Counter(item.policy for item in counted)
    lines = "\n".join(
        f"- {policy}: {count} {'member of staff' if count == 1 else 'staff'}"
        for policy, count in sorted(by_policy.items())
    )
    days = cadence.escalate_after_days
    if kind is EmailKind.DIGEST:
        subject = f"Weekly summary: {_staff(people)} overdue with policy training"
        opening = (
            f"This is the weekly summary of policy training at {school}. "
            f"{_staff(people, capital=True)} {'is' if people == 1 else 'are'} overdue.\n\n"
            f"Overdue, by policy:\n{lines}"
        )
        if alerted:
            opening += (
                f"\n\n{_staff(alerted, capital=True)} {'has' if alerted == 1 else 'have'} now "
                f"been overdue for {days} days or more and may need following up."
            )
        why = f"You get this summary every {cadence.digest_day_name} as a headteacher of {school}."
    else:
        subject = f"Policy training: {_staff(alerted)} overdue for {days} days or more"
        opening = (
            f"{_staff(alerted, capital=True)} at {school} {'has' if alerted == 1 else 'have'} "
            f"now been overdue with policy training for {days} days or more, and may need "
            f"following up.\n\n{lines}"
        )
        why = f"You get these alerts as a headteacher of {school}."
    body = (
        f"Dear {recipient},\n\n"
        f"{opening}\n\n"
        f"To see who, sign in and open the console: {base_url}/console/\n\n"
        f"{why} You can change when they are sent on the console's Email reminders page: "
        f"{base_url}/console/reminders\n\n" + SIGN_OFF.format(school=school, base_url=base_url)
    )
    return Text(subject, body)


def _staff(count: int, *, capital: bool = False) -> str:
    words = f"{count} member of staff" if count == 1 else f"{count} staff"
    return words[0].upper() + words[1:] if capital else words
