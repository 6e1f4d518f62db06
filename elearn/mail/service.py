"""Email: the school's reminder settings and closed dates, the daily run that decides and sends
what is due, invitations with a set-up link, and the log of what was sent.

The rules of who is emailed about what are in `elearn.mail.rules` (pure); the words are in
`elearn.mail.texts`; `elearn.mail.transport` talks to the mail server. Statuses come from
`elearn.compliance`, like everything else that shows one.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator, Sequence
from contextlib import ExitStack
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from email.errors import HeaderParseError
from email.headerregistry import Address
from email.message import EmailMessage as MimeMessage
from email.utils import format_datetime, make_msgid

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from elearn.accounts import api as accounts
from elearn.accounts.api import School, StaffMember
from elearn.clock import SCHOOL_TIMEZONE, school_date
from elearn.compliance import api as compliance
from elearn.compliance.api import MemberStatuses
from elearn.errors import DomainError, NotFound
from elearn.mail import rules, texts
from elearn.mail.models import ClosedPeriod, EmailMessage, ReminderSettings
from elearn.mail.rules import About, Cadence, EmailKind, Sent, Standing
from elearn.mail.transport import MailError, RecipientRefused, SmtpConnection, SmtpMailer
from elearn.policies import api as policies
from elearn.tenancy import scope_to_school, scoped_school_id
from elearn.versions import api as versions

SUBJECT_LENGTH = 200
LABEL_LENGTH = 100
# Closed dates further ahead than this are almost certainly a typing mistake.
CLOSED_YEARS_AHEAD = 2


# --- Settings and closed dates -------------------------------------------------------------------


@dataclass(frozen=True)
class Settings:
    """A school's reminder settings: on or off, and how often."""

    is_on: bool
    cadence: Cadence


def reminder_settings(session: Session, school: School) -> Settings:
    """The school's settings, or the defaults if it has never changed them."""
    row = _settings_row(session, school)
    if row is None:
        return Settings(True, Cadence())
    return Settings(
        row.is_on,
        Cadence(
            remind_days_before=row.remind_days_before,
            overdue_every_days=row.overdue_every_days,
            escalate_after_days=row.escalate_after_days,
            digest_weekday=row.digest_weekday,
        ),
    )


def _settings_row(session: Session, school: School) -> ReminderSettings | None:
    return session.scalars(
        select(ReminderSettings).where(ReminderSettings.school_id == school.id)
    ).first()


def save_settings(session: Session, school: School, settings: Settings) -> None:
    """Keep the school's reminder settings (the form has checked each number's range)."""
    cadence = settings.cadence
    if not 0 <= cadence.digest_weekday <= 6:
        raise DomainError("Choose a day of the week.", field="digest_weekday")
    row = _settings_row(session, school)
    if row is None:
        row = ReminderSettings(school_id=school.id)
        session.add(row)
    row.is_on = settings.is_on
    row.remind_days_before = cadence.remind_days_before
    row.overdue_every_days = cadence.overdue_every_days
    row.escalate_after_days = cadence.escalate_after_days
    row.digest_weekday = cadence.digest_weekday
    session.flush()


def closed_periods(session: Session, school: School) -> list[ClosedPeriod]:
    """The school's closed dates, earliest first."""
    return list(
        session.scalars(
            select(ClosedPeriod)
            .where(ClosedPeriod.school_id == school.id)
            .order_by(ClosedPeriod.starts_on, ClosedPeriod.id)
        )
    )


def add_closed_period(
    session: Session, school: School, label: str, starts_on: date, ends_on: date, now: datetime
) -> ClosedPeriod:
    """Dates the school is closed, first and last day included: nothing is emailed on them."""
    label = " ".join(label.split())[:LABEL_LENGTH]
    today = school_date(now)
    if not label:
        raise DomainError("Say what the dates are, such as Christmas holidays.", field="what")
    if ends_on < starts_on:
        raise DomainError(
            "The last day must be the same as the first day or after it.", field="ends_on"
        )
    if ends_on < today:
        raise DomainError("Those dates have passed: give dates from today on.", field="ends_on")
    if ends_on.year > today.year + CLOSED_YEARS_AHEAD:
        raise DomainError(
            f"Give dates within the next {CLOSED_YEARS_AHEAD} years.", field="ends_on"
        )
    period = ClosedPeriod(
        school_id=school.id, label=label, starts_on=starts_on, ends_on=ends_on, created_at=now
    )
    session.add(period)
    session.flush()
    return period


def remove_closed_period(session: Session, school: School, period_id: int) -> ClosedPeriod:
    period = session.scalars(
        select(ClosedPeriod).where(
            ClosedPeriod.id == period_id, ClosedPeriod.school_id == school.id
        )
    ).first()
    if period is None:
        raise NotFound("We could not find those closed dates. They may have been removed already.")
    session.delete(period)
    session.flush()
    return period


def closed_on(periods: Sequence[ClosedPeriod], day: date) -> ClosedPeriod | None:
    return next((p for p in periods if p.starts_on <= day <= p.ends_on), None)


# --- What is due today ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Outgoing:
    """One email to send: its kind, to whom, and what it is about. An invitation's words wait for
    its set-up link, made only when it is sent."""

    kind: EmailKind
    member: StaffMember
    about: tuple[About, ...]
    text: texts.Text | None = None

    @property
    def subject(self) -> str:
        return self.text.subject if self.text else "A set-up link for policy training"


@dataclass(frozen=True)
class SchoolPlan:
    school: School
    outgoing: list[Outgoing]
    why_nothing: str | None = None  # closed today, reminders off, a demo school


def standings(row: MemberStatuses) -> list[Standing]:
    return [
        Standing(item.policy.id, item.policy.title, item.status, item.record.reconfirm_by)
        for item in row.policies
    ]


def plan_school(session: Session, school: School, today: date, base_url: str) -> SchoolPlan:
    """Every email due at one school today, in a fixed number of queries whatever its size."""
    if school.is_demo:
        return SchoolPlan(school, [], "a demo school: its sample people are never emailed")
    settings = reminder_settings(session, school)
    if not settings.is_on:
        return SchoolPlan(school, [], "reminders are turned off")
    closed = closed_on(closed_periods(session, school), today)
    if closed is not None:
        return SchoolPlan(school, [], f"closed today ({closed.label})")
    cadence = settings.cadence
    policy_list = policies.school_policies(session, school)
    rows = compliance.school_statuses(session, school, policy_list, today)
    standing_of = {row.member.id: standings(row) for row in rows}
    history = _history(session, school, _since(session, rows, standing_of, today, cadence))
    outgoing = []
    for row in rows:
        member, mine = row.member, standing_of[row.member.id]
        earlier = history[member.id]
        if rules.emailed_today(earlier, today, rules.STAFF_KINDS) or _is_paused(member, today):
            continue
        if member.password_hash is None:
            if rules.invitation_due(mine, earlier, today):
                outgoing.append(Outgoing(EmailKind.INVITATION, member, tuple(rules.to_do(mine))))
            continue
        about = rules.reminders_due(mine, earlier, today, cadence)
        if about:
            text = texts.reminder(school.name, member.name, about, base_url)
            outgoing.append(Outgoing(EmailKind.REMINDER, member, tuple(about), text))
    outgoing += _headteachers_emails(
        session, school, rows, standing_of, history, today, cadence, base_url
    )
    return SchoolPlan(school, outgoing)


def _headteachers_emails(
    session: Session,
    school: School,
    rows: list[MemberStatuses],
    standing_of: dict[int, list[Standing]],
    history: dict[int, list[Sent]],
    today: date,
    cadence: Cadence,
    base_url: str,
) -> list[Outgoing]:
    overdue = [
        line
        for row in rows
        for standing in standing_of[row.member.id]
        if (line := rules.overdue_line(row.member.id, row.member.name, standing)) is not None
    ]
    overdue.sort(key=lambda line: (line.due_on or date.max, line.member or "", line.policy))
    every = [sent for sent_list in history.values() for sent in sent_list]
    report = rules.headteacher_report(overdue, rules.escalated_before(every), today, cadence)
    if report is None:
        return []
    kind, lines = report
    return [
        Outgoing(
            kind,
            head,
            tuple(lines),
            texts.headteacher(kind, school.name, head.name, lines, cadence, base_url),
        )
        for head in accounts.headteachers(session, school)
        if not _is_paused(head, today)
        and not rules.emailed_today(history[head.id], today, rules.HEADTEACHER_KINDS)
    ]


def _is_paused(member: StaffMember, today: date) -> bool:
    return member.paused_until is not None and today < member.paused_until


def _since(
    session: Session,
    rows: list[MemberStatuses],
    standing_of: dict[int, list[Standing]],
    today: date,
    cadence: Cadence,
) -> date:
    """How far back the emails already sent can matter today.

    A week or two for the daily limit, invitations and overdue reminders; back to when the
    reminders about each due date began (escalations are once per due date); and back to the
    publication of each new version still waiting to be confirmed (its notice is sent once).
    """
    longest = max(cadence.remind_days_before, cadence.overdue_every_days, rules.INVITE_EVERY_DAYS)
    since = today - timedelta(days=longest + 1)
    waiting: set[date] = set()
    policy_ids: set[int] = set()
    for standing in (s for row in rows for s in standing_of[row.member.id]):
        if standing.status.needs_action and standing.status.due_on is not None:
            since = min(since, standing.status.due_on - timedelta(days=cadence.remind_days_before))
        if standing.reconfirm_by is not None:
            waiting.add(standing.reconfirm_by)
            policy_ids.add(standing.policy_id)
    if waiting:
        for version_list in versions.versions_by_policy(session, sorted(policy_ids)).values():
            for version in version_list:
                if version.reconfirm_by in waiting:
                    since = min(since, school_date(version.published_at))
    return since


def _history(session: Session, school: School, since: date) -> dict[int, list[Sent]]:
    """The school's emails sent since `since`, by recipient."""
    start = datetime.combine(since, time(0), tzinfo=SCHOOL_TIMEZONE).astimezone(UTC)
    found: dict[int, list[Sent]] = defaultdict(list)
    for message in session.scalars(
        select(EmailMessage).where(
            EmailMessage.school_id == school.id, EmailMessage.sent_at >= start
        )
    ):
        found[message.member_id].append(
            Sent(
                message.member_id,
                message.kind,
                message.run_on or school_date(message.sent_at),
                tuple(About.from_json(item) for item in message.about),
            )
        )
    return found


# --- Sending -------------------------------------------------------------------------------------


def compose(
    sender: Address,
    school: School,
    to: StaffMember,
    text: texts.Text,
    now: datetime,
    *,
    automatic: bool,
) -> MimeMessage:
    """The email itself: from the site's address, in the school's name unless the address has a
    name of its own."""
    message = MimeMessage()
    message["Subject"] = text.subject
    message["From"] = (
        sender
        if sender.display_name
        else Address(display_name=school.name, username=sender.username, domain=sender.domain)
    )
    try:
        message["To"] = Address(display_name=to.name, addr_spec=to.email)
    except (ValueError, IndexError, HeaderParseError) as error:
        raise RecipientRefused(f"{to.email} is not an address we can send to.") from error
    message["Date"] = format_datetime(now)
    message["Message-ID"] = make_msgid(domain=sender.domain)
    if automatic:
        # RFC 3834: out-of-office replies should not answer a daily reminder.
        message["Auto-Submitted"] = "auto-generated"
    message.set_content(text.body)
    return message


def deliver(
    session: Session,
    connection: SmtpConnection,
    sender: Address,
    school: School,
    outgoing: Outgoing,
    *,
    now: datetime,
    run_on: date | None,
    base_url: str,
    link_valid_for: timedelta,
    sent_by: StaffMember | None = None,
    token: str | None = None,
) -> EmailMessage:
    """Record the email, then send it. An invitation gets a new set-up link (or `token`, one
    just made). If sending fails, MailError: the caller rolls back, and nothing is recorded."""
    member = outgoing.member
    text = outgoing.text
    if outgoing.kind is EmailKind.INVITATION:
        if token is None:
            token = accounts.issue_setup_link(session, member, now, link_valid_for)
        text = texts.invitation(
            school.name,
            member.name,
            outgoing.about,
            f"{base_url}/setup/{token}",
            int(link_valid_for.total_seconds() // 3600),
            base_url,
            has_password=member.password_hash is not None,
        )
    if text is None:
        raise ValueError("only an invitation is composed as it is sent")
    record = EmailMessage(
        school_id=school.id,
        member_id=member.id,
        address=member.email,
        kind=outgoing.kind,
        subject=text.subject[:SUBJECT_LENGTH],
        about=[item.to_json() for item in outgoing.about],
        run_on=run_on,
        sent_at=now,
        sent_by_id=sent_by.id if sent_by else None,
    )
    # Recorded first, inside the transaction: a second run at the same moment waits on the
    # unique (member, kind, run day) and then fails, rather than sending the email twice.
    session.add(record)
    session.flush()
    connection.send(compose(sender, school, member, text, now, automatic=run_on is not None))
    return record


@dataclass
class SchoolRun:
    """What one school's run did, or would do."""

    school: str
    planned: list[Outgoing]
    why_nothing: str | None
    sent: list[Outgoing] = field(default_factory=list)
    refused: list[str] = field(default_factory=list)


@dataclass
class RunReport:
    dry_run: bool
    schools: list[SchoolRun] = field(default_factory=list)
    error: str | None = None

    @property
    def sent_count(self) -> int:
        return sum(len(school.sent) for school in self.schools)

    def lines(self) -> Iterator[str]:
        """What happened, for the command line."""
        for school in self.schools:
            if school.why_nothing:
                yield f"{school.school}: {school.why_nothing}: nothing sent."
                continue
            done = school.planned if self.dry_run else school.sent
            if not school.planned:
                yield f"{school.school}: nothing to send today."
            elif self.dry_run:
                yield f"{school.school}: would send {_count(done)}."
            else:
                yield f"{school.school}: sent {_count(done)}."
            if self.dry_run:
                for item in done:
                    yield (
                        f"  {item.kind.label} to {item.member.name} <{item.member.email}>: "
                        f"{item.subject}"
                    )
                    for about in item.about:
                        who = f"{about.member}, " if about.member else ""
                        yield f"    {who}{about.policy}: {about.reason.value.replace('_', ' ')}"
            for refused in school.refused:
                yield f"  Not sent: {refused}"

    @property
    def failure(self) -> str | None:
        """Why the run stopped early, if it did."""
        if self.error is None:
            return None
        return (
            f"Stopped: {self.error} {self.sent_count} sent before that (recorded); "
            "nothing else was sent or recorded."
        )


COUNTED = {
    EmailKind.INVITATION: ("invitation", "invitations"),
    EmailKind.REMINDER: ("reminder", "reminders"),
    EmailKind.DIGEST: ("weekly summary", "weekly summaries"),
    EmailKind.ESCALATION: ("overdue alert", "overdue alerts"),
}


def _count(items: Sequence[Outgoing]) -> str:
    """'3 emails: 1 invitation, 2 reminders'."""
    kinds = [item.kind for item in items]
    parts = [
        f"{kinds.count(kind)} {COUNTED[kind][kinds.count(kind) != 1]}"
        for kind in EmailKind
        if kind in kinds
    ]
    return f"{len(items)} email{'' if len(items) == 1 else 's'}: {', '.join(parts)}"


def run_reminders(
    session: Session,
    schools: Sequence[School],
    mailer: SmtpMailer | None,
    *,
    now: datetime,
    base_url: str,
    link_valid_for: timedelta,
    dry_run: bool,
) -> RunReport:
    """The daily run: plan each school's emails for today, then send and record them one by one.

    Unlike other services, this one commits: after each email, because an email once sent
    cannot be taken back, so its record must be kept whatever happens later in the run. If the
    mail server cannot be reached or fails, the run stops there; the email it was sending is
    not recorded (and its set-up link not made), so the next run sends it. With `dry_run`,
    nothing is sent, recorded or made.
    """
    if mailer is None and not dry_run:
        raise DomainError(
            "Email is not set up: set ELEARN_SMTP_URL and ELEARN_MAIL_FROM, or use --dry-run."
        )
    today = school_date(now)
    report = RunReport(dry_run)
    previous = scoped_school_id(session)
    try:
        with ExitStack() as stack:
            connection: SmtpConnection | None = None
            for school in schools:
                scope_to_school(session, school.id)
                plan = plan_school(session, school, today, base_url)
                run = SchoolRun(school.name, plan.outgoing, plan.why_nothing)
                report.schools.append(run)
                if mailer is None or dry_run:
                    continue
                for outgoing in plan.outgoing:
                    try:
                        connection = connection or stack.enter_context(mailer.connect())
                        deliver(
                            session,
                            connection,
                            mailer.sender,
                            school,
                            outgoing,
                            now=now,
                            run_on=today,
                            base_url=base_url,
                            link_valid_for=link_valid_for,
                        )
                    except RecipientRefused as error:
                        session.rollback()
                        run.refused.append(str(error))
                        continue
                    except IntegrityError:
                        # Another run recorded this email first (the unique member, kind and
                        # run day): it is theirs to send.
                        session.rollback()
                        run.refused.append(
                            f"{outgoing.member.email}: already sent today by another run."
                        )
                        continue
                    except MailError as error:
                        session.rollback()
                        report.error = str(error)
                        return report
                    session.commit()
                    run.sent.append(outgoing)
    finally:
        scope_to_school(session, previous)
    return report


def send_invitation(
    session: Session,
    mailer: SmtpMailer,
    school: School,
    member: StaffMember,
    *,
    actor: StaffMember,
    now: datetime,
    base_url: str,
    link_valid_for: timedelta,
    token: str | None = None,
) -> EmailMessage:
    """Email `member` a set-up link now (a new one, or `token` if one was just made), listing the
    training they are asked to do. MailError if it could not be sent: the caller rolls back."""
    if member.is_archived:
        raise DomainError(f"{member.name} has left the school: restore them to the roster first.")
    policy_list = policies.school_policies(session, school)
    row = compliance.member_statuses(session, school, member, policy_list, school_date(now))
    outgoing = Outgoing(EmailKind.INVITATION, member, tuple(rules.to_do(standings(row))))
    with mailer.connect() as connection:
        return deliver(
            session,
            connection,
            mailer.sender,
            school,
            outgoing,
            now=now,
            run_on=None,
            base_url=base_url,
            link_valid_for=link_valid_for,
            sent_by=actor,
            token=token,
        )


def send_invitations(
    session: Session,
    mailer: SmtpMailer,
    school: School,
    people: Sequence[tuple[StaffMember, str]],
    *,
    actor: StaffMember,
    now: datetime,
    base_url: str,
    link_valid_for: timedelta,
) -> list[StaffMember]:
    """Email each of `people` the set-up link just made for them, over one connection, each
    committed as it is sent. Returns those not emailed (their address was refused, or the
    server failed part-way), for the console to show their links instead."""
    policy_list = policies.school_policies(session, school)
    rows = compliance.school_statuses(
        session, school, policy_list, school_date(now), member_ids=[m.id for m, _ in people]
    )
    to_do = {row.member.id: tuple(rules.to_do(standings(row))) for row in rows}
    sent: set[int] = set()
    try:
        with mailer.connect() as connection:
            for member, token in people:
                outgoing = Outgoing(EmailKind.INVITATION, member, to_do.get(member.id, ()))
                try:
                    deliver(
                        session,
                        connection,
                        mailer.sender,
                        school,
                        outgoing,
                        now=now,
                        run_on=None,
                        base_url=base_url,
                        link_valid_for=link_valid_for,
                        sent_by=actor,
                        token=token,
                    )
                except RecipientRefused:
                    session.rollback()
                    continue
                session.commit()
                sent.add(member.id)
    except MailError:
        session.rollback()
    return [member for member, _ in people if member.id not in sent]


# --- What was sent -------------------------------------------------------------------------------


@dataclass(frozen=True)
class SentRow:
    message: EmailMessage
    name: str  # the recipient's name today
    about: tuple[About, ...]


@dataclass(frozen=True)
class SentPage:
    rows: list[SentRow]
    number: int
    count: int  # pages
    total: int  # emails


def sent_page(session: Session, school: School, number: int, per_page: int) -> SentPage:
    """One page of the school's emails, newest first; a page number out of range shows the
    nearest page."""
    total = (
        session.scalar(
            select(func.count(EmailMessage.id)).where(EmailMessage.school_id == school.id)
        )
        or 0
    )
    count = max(1, -(-total // per_page))
    number = min(max(1, number), count)
    query = (
        select(EmailMessage, StaffMember.name)
        .join(StaffMember, StaffMember.id == EmailMessage.member_id)
        .where(EmailMessage.school_id == school.id)
        .order_by(EmailMessage.sent_at.desc(), EmailMessage.id.desc())
        .limit(per_page)
        .offset((number - 1) * per_page)
    )
    rows = [
        SentRow(message, name, tuple(About.from_json(item) for item in message.about))
        for message, name in session.execute(query).all()
    ]
    return SentPage(rows, number, count, total)
