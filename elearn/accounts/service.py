"""Accounts: creating staff, set-up links, signing in with throttling, changing passwords."""

from __future__ import annotations

import enum
import hashlib
import re
import secrets
import threading
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError
from sqlalchemy import distinct, func, or_, select
from sqlalchemy.orm import Session
from zxcvbn import zxcvbn

from elearn import lettering
from elearn.accounts.models import (
    Category,
    FailureKind,
    Role,
    School,
    SetupLink,
    SignInFailure,
    StaffMember,
)
from elearn.clock import school_date
from elearn.errors import DomainError, NotFound
from elearn.tenancy import unscoped

PASSWORD_MIN_LENGTH = 10
PASSWORD_MAX_LENGTH = 200
# zxcvbn scores 0 (guessed at once) to 4; below 3 it would fall to an offline attack on a
# stolen hash within days. It only reads the first 72 characters: it refuses anything longer.
PASSWORD_MIN_SCORE = 3
ZXCVBN_MAX_LENGTH = 72
GUESSABLE_ADVICE = "Try three random words together."
SIGN_IN_FAILED = "Enter a correct email address and password."
WRONG_CODE = (
    "That code is not right, or it has been used already. Enter the next code your app shows, "
    "or one of your recovery codes."
)
TWO_STEP_ENDED = "Too many wrong codes, or you took too long. Sign in again."


class SignInThrottled(DomainError):
    status_code = 429


class WrongPassword(DomainError):
    """A signed-in person typed a wrong password to confirm a change. The view keeps the failure
    after rolling the change back (`record_failure`): it counts towards sign-in throttling, as a
    wrong password at sign-in does, and goes into the audit log."""

    def __init__(self, message: str, *, field: str, email: str, purpose: str) -> None:
        super().__init__(message, field=field)
        self.email = email
        self.purpose = purpose  # what the password was for, for the audit log


class TwoStepEnded(DomainError):
    """The half-finished sign-in waiting for a two-step code can no longer be finished."""

    status_code = 429


@dataclass(frozen=True)
class ThrottleLimits:
    """How many failures in `window` close the door (see `check_throttle` for the rule)."""

    window: timedelta
    per_account_at_address: int
    per_address: int  # different accounts failed at one address
    per_account: int


@dataclass(frozen=True)
class Throttle:
    """Where a password check comes from, and the limits its failures count towards."""

    address: str
    limits: ThrottleLimits


# The defaults of the settings in elearn.config, for work done outside a request (demo data).
DEFAULT_LIMITS = ThrottleLimits(
    window=timedelta(minutes=15), per_account_at_address=5, per_address=20, per_account=50
)
OFFLINE = Throttle("command line", DEFAULT_LIMITS)


class Passwords:
    """Argon2id hashing. Tests make it cheap; production keeps the library's defaults."""

    def __init__(self) -> None:
        self.hasher = PasswordHasher()
        self._dummy_hash = self.hasher.hash(secrets.token_hex(16))

    def make_cheap(self) -> None:
        self.hasher = PasswordHasher(time_cost=1, memory_cost=8, parallelism=1)
        self._dummy_hash = self.hasher.hash(secrets.token_hex(16))

    def hash(self, password: str) -> str:
        return self.hasher.hash(password)

    def verify(self, password_hash: str | None, password: str) -> bool:
        try:
            # With no hash, verify against a dummy: unknown and known emails take as long.
            return self.hasher.verify(password_hash or self._dummy_hash, password) and bool(
                password_hash
            )
        except (VerifyMismatchError, VerificationError, InvalidHashError):
            return False


passwords = Passwords()


def normalise_email(email: str) -> str:
    return email.strip().lower()


def password_problem(
    password: str, *, email: str = "", name: str = "", school: str = ""
) -> str | None:
    """Why a new password is not good enough, or None.

    As the NCSC advises: a minimum length and a deny-list, no rules about symbols or digits.
    The deny-list is zxcvbn's: common and breached passwords, words, names, keyboard patterns
    and dates, plus the person's own email, name and school, all shipped with the package.
    """
    if len(password) < PASSWORD_MIN_LENGTH:
        return f"Your password must be at least {PASSWORD_MIN_LENGTH} characters long."
    if len(password) > PASSWORD_MAX_LENGTH:
        return f"Your password must be {PASSWORD_MAX_LENGTH} characters or fewer."
    lowered = password.lower()
    if email and lowered == normalise_email(email):
        return "Your password must not be your email address."
    if name and lowered.replace(" ", "") == name.lower().replace(" ", ""):
        return "Your password must not be your name."
    result = _strength(password[:ZXCVBN_MAX_LENGTH], _user_inputs(email, name, school))
    if result["score"] >= PASSWORD_MIN_SCORE:
        return None
    feedback = result["feedback"]
    warning = str(feedback.get("warning") or "").strip().rstrip(".")
    suggestions = [_uk_wording(str(text)) for text in feedback.get("suggestions") or []]
    message = "That password is too easy to guess"
    message += f": {warning[0].lower()}{warning[1:]}." if warning else "."
    # zxcvbn's first suggestion is always "Add another word or two": ours says it more simply.
    extra = [text for text in suggestions if not text.startswith("Add another word")]
    return " ".join([message, *extra[:1], GUESSABLE_ADVICE])


_zxcvbn_lock = threading.Lock()


def _strength(password: str, user_inputs: list[str]) -> dict[str, Any]:
    # zxcvbn keeps the user inputs in a module-level dictionary while it scores: one at a time.
    with _zxcvbn_lock:
        result: dict[str, Any] = zxcvbn(password, user_inputs=user_inputs)
    return result


def _user_inputs(email: str, name: str, school: str) -> list[str]:
    """The person's own words, which zxcvbn then treats as the most guessable of all."""
    local_part = normalise_email(email).partition("@")[0]
    whole = [email, local_part, name, school, name.replace(" ", "")]
    words = re.findall(r"[a-z0-9]+", re.sub(r"['’]", "", f"{local_part} {name} {school}".lower()))
    return [text.lower() for text in [*whole, *words] if len(text) > 2]


def _uk_wording(suggestion: str) -> str:
    if suggestion.startswith("Capitalization"):
        return "A capital letter does not help much."
    return suggestion


SCHOOL_NAME_LENGTH = 200


def create_school(session: Session, name: str, now: datetime, *, is_demo: bool = False) -> School:
    """A new school in the instance; its name must be its own."""
    name = " ".join(name.split())
    if not name:
        raise DomainError("Enter the school's name.", field="name")
    if len(name) > SCHOOL_NAME_LENGTH:
        raise DomainError(
            f"The school's name must be {SCHOOL_NAME_LENGTH} characters or fewer.", field="name"
        )
    if school_named(session, name) is not None:
        raise DomainError(f"There is already a school called {name}.", field="name")
    school = School(name=name, created_at=now, is_demo=is_demo)
    session.add(school)
    session.flush()
    return school


def all_schools(session: Session) -> list[School]:
    """Every school in the instance, by name."""
    return list(session.scalars(select(School).order_by(School.name, School.id)))


def school_named(session: Session, name: str) -> School | None:
    """The school of that name, ignoring case and spacing."""
    wanted = " ".join(name.split()).casefold()
    return next(
        (school for school in all_schools(session) if school.name.casefold() == wanted), None
    )


def has_headteacher(session: Session) -> bool:
    """True once anyone can run a real school here: a headteacher or a trust administrator (the
    demo school's headteacher does not count: set-up still waits for the real one)."""
    query = (
        select(StaffMember.id)
        .join(School, School.id == StaffMember.school_id)
        .where(
            StaffMember.role.in_([Role.HEADTEACHER, Role.TRUST_ADMIN]),
            School.is_demo.is_(False),
        )
        .limit(1)
    )
    with unscoped(session):
        return session.scalar(query) is not None


def staff_count(session: Session, school: School) -> int:
    """Current (not archived) staff of one school."""
    return (
        session.scalar(
            select(func.count(StaffMember.id)).where(
                StaffMember.school_id == school.id, StaffMember.is_archived.is_(False)
            )
        )
        or 0
    )


def account_school_id(session: Session, email: str) -> int | None:
    """The school of the account with this address, to file an event about it under."""
    query = select(StaffMember.school_id).where(StaffMember.email == normalise_email(email))
    with unscoped(session):
        return session.scalar(query)


def emails_taken(session: Session, emails: list[str]) -> set[str]:
    """Which of these addresses any school in the instance already has, in one query."""
    normal = [normalise_email(email) for email in emails]
    with unscoped(session):
        return set(session.scalars(select(StaffMember.email).where(StaffMember.email.in_(normal))))


class LinkState(enum.StrEnum):
    """Where someone's latest set-up link stands, for the headteacher to see who is stuck."""

    PENDING = "pending"  # sent, not yet used, still valid
    USED = "used"  # they chose a password with it
    EXPIRED = "expired"  # ran out unused: they need a new one

    @property
    def label(self) -> str:
        return {
            "pending": "Set-up link not used yet",
            "used": "Set-up link used",
            "expired": "Set-up link expired",
        }[self.value]


def link_states(
    session: Session, members: list[StaffMember], now: datetime
) -> dict[int, LinkState]:
    """The state of each member's latest set-up link, in one query; members never sent one
    are left out."""
    latest: dict[int, SetupLink] = {}
    ids = [member.id for member in members]
    for link in session.scalars(
        select(SetupLink).where(SetupLink.member_id.in_(ids)).order_by(SetupLink.id)
    ):
        latest[link.member_id] = link
    states = {}
    for member_id, link in latest.items():
        if link.used_at is not None:
            states[member_id] = LinkState.USED
        elif link.expires_at <= now:
            states[member_id] = LinkState.EXPIRED
        else:
            states[member_id] = LinkState.PENDING
    return states


def change_email(session: Session, member: StaffMember, email: str) -> None:
    """Give someone a new sign-in address, if no account in the instance has it."""
    email = normalise_email(email)
    if email == member.email:
        return
    if email_is_taken(session, email):
        raise DomainError(f"There is already an account for {email}.", field="email")
    member.email = email
    session.flush()


def email_is_taken(session: Session, email: str) -> bool:
    """True if any school in the instance has an account with this address."""
    query = select(StaffMember.id).where(StaffMember.email == normalise_email(email))
    with unscoped(session):
        return session.scalar(query) is not None


def create_member(
    session: Session,
    school: School,
    *,
    email: str,
    name: str,
    role: Role,
    category: Category,
    starts_on: date,
    now: datetime,
    password: str | None = None,
) -> StaffMember:
    """Add a member of staff; with no password they sign in for the first time by a set-up link."""
    email = normalise_email(email)
    # An address signs in once in the whole instance; the message says nothing of where it is.
    if email_is_taken(session, email):
        raise DomainError(f"There is already an account for {email}.", field="email")
    # The name is printed on every certificate the member signs: it must be printable.
    if (problem := lettering.refusal(name, "The name")) is not None:
        raise DomainError(problem, field="name")
    if password is not None:
        problem = password_problem(password, email=email, name=name, school=school.name)
        if problem:
            raise DomainError(problem, field="password")
    member = StaffMember(
        school_id=school.id,
        email=email,
        name=" ".join(name.split()),
        role=role,
        category=category,
        starts_on=starts_on,
        password_hash=passwords.hash(password) if password is not None else None,
        session_token=secrets.token_hex(16),
        created_at=now,
    )
    session.add(member)
    session.flush()
    return member


def set_up_school(
    session: Session, *, school_name: str, name: str, email: str, password: str, now: datetime
) -> StaffMember:
    """First run: name the school and make the headteacher's account. Only while there is none.

    A school made beforehand from the command line (`elearn init --school`) is the one set up.
    """
    if has_headteacher(session):
        raise DomainError("This school is already set up. Sign in instead.")
    real = [school for school in all_schools(session) if not school.is_demo]
    if len(real) == 1:
        school = real[0]
        school.name = " ".join(school_name.split())
    else:
        school = create_school(session, school_name, now)
    return create_member(
        session,
        school,
        email=email,
        name=name,
        role=Role.HEADTEACHER,
        category=Category.TEACHER,
        starts_on=school_date(now),
        now=now,
        password=password,
    )


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _cancel_setup_links(session: Session, member: StaffMember, now: datetime) -> None:
    for link in session.scalars(
        select(SetupLink).where(SetupLink.member_id == member.id, SetupLink.used_at.is_(None))
    ):
        link.used_at = now


def issue_setup_link(
    session: Session, member: StaffMember, now: datetime, valid_for: timedelta
) -> str:
    """Make a new one-time set-up token for `member`, ending any earlier unused ones."""
    _cancel_setup_links(session, member, now)
    token = secrets.token_urlsafe(32)
    session.add(
        SetupLink(
            member_id=member.id,
            token_hash=_token_hash(token),
            created_at=now,
            expires_at=now + valid_for,
        )
    )
    session.flush()
    return token


def find_setup_link(session: Session, token: str, now: datetime) -> SetupLink:
    link = session.scalars(
        select(SetupLink).where(SetupLink.token_hash == _token_hash(token))
    ).first()
    if link is not None:
        with unscoped(session):
            member = session.get(StaffMember, link.member_id)
        if member is None or member.is_archived:
            link = None
    if link is None or link.used_at is not None or link.expires_at <= now:
        raise DomainError(
            "This set-up link has expired or has already been used. "
            "Ask your headteacher for a new one."
        )
    return link


def use_setup_link(session: Session, token: str, password: str, now: datetime) -> StaffMember:
    """Set the member's first password from a valid link; the link then stops working."""
    link = find_setup_link(session, token, now)
    member = setup_link_member(session, link)
    problem = _member_password_problem(session, member, password)
    if problem:
        raise DomainError(problem)
    member.password_hash = passwords.hash(password)
    member.session_token = secrets.token_hex(16)
    link.used_at = now
    session.flush()
    return member


def setup_link_member(session: Session, link: SetupLink) -> StaffMember:
    """Whose link it is: the token is the secret, whichever school they are at."""
    with unscoped(session):
        return session.get_one(StaffMember, link.member_id)


def check_throttle(
    session: Session, email: str, address: str, now: datetime, limits: ThrottleLimits
) -> None:
    """Refuse a sign-in attempt that comes too soon after too many failures.

    Failures (wrong passwords, wrong two-step codes, wrong passwords typed inside a session)
    count within `limits.window`, per account and per account at one address:

    - an account that has failed `per_account_at_address` times at one address is refused there;
    - once an account has failed `per_account` times from all addresses together (a distributed
      attack), any address that has failed for that account even once is refused;
    - once one address has failed for `per_address` different accounts (someone trying a list
      of addresses, known or not), it is refused for any account that has already failed there.

    A school's staff share one public address, so none of these ever refuses an account that
    has not failed at the address asking: however many wrong passwords come from the staff
    room, the headteacher's right password still signs them in.
    """
    since = now - limits.window
    is_pair = (SignInFailure.email == email) & (SignInFailure.address == address)
    pair, account, accounts_at_address = session.execute(
        select(
            func.count(SignInFailure.id).filter(is_pair),
            func.count(SignInFailure.id).filter(SignInFailure.email == email),
            func.count(distinct(SignInFailure.email)).filter(SignInFailure.address == address),
        ).where(
            SignInFailure.failed_at > since,
            or_(SignInFailure.email == email, SignInFailure.address == address),
        )
    ).one()
    if pair == 0:
        return
    is_spraying = accounts_at_address >= limits.per_address
    if pair >= limits.per_account_at_address or account >= limits.per_account or is_spraying:
        minutes = int(limits.window.total_seconds() // 60)
        raise SignInThrottled(
            f"Too many failed attempts to sign in. Wait {minutes} minutes and try again."
        )


def confirm_password(
    session: Session,
    member: StaffMember,
    password: str,
    now: datetime,
    throttle: Throttle,
    *,
    purpose: str,
    field: str = "password",
    message: str = "Your password is not right.",
) -> None:
    """Check the password of someone already signed in before a change that needs it.

    Throttled as sign-in is, so a stolen session cannot be used to guess the password; a wrong
    one raises `WrongPassword`, which the view records as a failure.
    """
    try:
        check_throttle(session, member.email, throttle.address, now, throttle.limits)
    except SignInThrottled:
        minutes = int(throttle.limits.window.total_seconds() // 60)
        raise SignInThrottled(
            f"Too many wrong passwords. Wait {minutes} minutes and try again.", field=field
        ) from None
    if not passwords.verify(member.password_hash, password):
        raise WrongPassword(message, field=field, email=member.email, purpose=purpose)


def record_failure(
    session: Session, email: str, address: str, now: datetime, kind: FailureKind
) -> None:
    session.add(SignInFailure(email=email[:254], address=address[:64], failed_at=now, kind=kind))
    session.flush()


def authenticate(
    session: Session,
    email: str,
    password: str,
    address: str,
    now: datetime,
    limits: ThrottleLimits,
) -> StaffMember:
    """Check an email and password: the same answer for an unknown email and a wrong password.

    Throttled as `check_throttle` says. A right password for an account with two-step sign-in
    is only the first step: the caller must ask for a code before signing the member in.
    """
    email = normalise_email(email)
    check_throttle(session, email, address, now, limits)
    with unscoped(session):
        member = session.scalars(select(StaffMember).where(StaffMember.email == email)).first()
    hash_to_check = member.password_hash if member is not None else None
    if passwords.verify(hash_to_check, password) and member is not None and member.is_active:
        return member
    record_failure(session, email, address, now, FailureKind.PASSWORD)
    raise DomainError(SIGN_IN_FAILED)


def change_password(
    session: Session,
    member: StaffMember,
    current: str,
    new: str,
    now: datetime,
    throttle: Throttle,
) -> None:
    """Change the password and end every other session signed in as this member."""
    confirm_password(
        session,
        member,
        current,
        now,
        throttle,
        purpose="change password",
        field="current",
        message="Your current password is not right.",
    )
    problem = _member_password_problem(session, member, new)
    if problem:
        raise DomainError(problem, field="password")
    member.password_hash = passwords.hash(new)
    member.session_token = secrets.token_hex(16)
    session.flush()


def _member_password_problem(session: Session, member: StaffMember, password: str) -> str | None:
    school = session.get_one(School, member.school_id)
    return password_problem(password, email=member.email, name=member.name, school=school.name)


def end_sessions(session: Session, member: StaffMember) -> None:
    """Sign the member out everywhere: every session cookie made before now stops working."""
    member.session_token = secrets.token_hex(16)
    session.flush()


def archive_member(
    session: Session, member: StaffMember, actor: StaffMember | None, now: datetime
) -> None:
    """A leaver: off the roster and unable to sign in, their records kept.

    Their sessions end and their unused set-up links are cancelled, so that bringing them back
    later revives neither a browser left signed in nor a link handed out before they left.
    """
    if actor is not None and member.id == actor.id:
        raise DomainError("You cannot archive your own account.")
    member.is_archived = True
    member.session_token = secrets.token_hex(16)
    _cancel_setup_links(session, member, now)
    session.flush()


@dataclass(frozen=True)
class SessionLimits:
    """How long a signed-in session lasts: idle, and in all (see `session_ended`)."""

    idle_for_managers: timedelta  # headteachers and trust administrators
    idle_for_staff: timedelta
    lifetime: timedelta


def session_ended(
    member: StaffMember,
    signed_in_at: datetime | None,
    last_seen_at: datetime | None,
    now: datetime,
    limits: SessionLimits,
) -> str | None:
    """Why a signed-in session has ended, or None while it may go on.

    It ends once it has been idle too long (less long for those who see every member of staff's
    records than for staff, who may read a lesson for a while) and, however busy, once it is
    `limits.lifetime` old. A session that does not say when it began has ended.
    """
    if signed_in_at is None or last_seen_at is None:
        return "Sign in to continue."
    if now - signed_in_at > limits.lifetime:
        return (
            f"You were signed out because you signed in more than {_duration(limits.lifetime)} "
            "ago. Sign in again to carry on."
        )
    is_manager = member.is_headteacher or member.is_trust_admin
    idle = limits.idle_for_managers if is_manager else limits.idle_for_staff
    if now - last_seen_at > idle:
        return (
            f"You were signed out because you had not used the site for {_duration(idle)}. "
            "Sign in again to carry on."
        )
    return None


def _duration(length: timedelta) -> str:
    minutes = int(length.total_seconds() // 60)
    if minutes % 60 == 0:
        hours = minutes // 60
        return "1 hour" if hours == 1 else f"{hours} hours"
    return "1 minute" if minutes == 1 else f"{minutes} minutes"


def load_signed_in_member(session: Session, user_id: str) -> StaffMember | None:
    """Flask-Login's loader: the id carries the session token, so old sessions stop working."""
    member_id, _, token = user_id.partition(":")
    if not member_id.isdigit() or not token or len(member_id) > 10:
        return None
    with unscoped(session):
        member = session.get(StaffMember, int(member_id))
    if (
        member is None
        or not member.is_active
        or not secrets.compare_digest(member.session_token, token)
    ):
        return None
    return member


def add_staff_member(
    session: Session,
    school: School,
    *,
    email: str,
    name: str,
    category: Category,
    starts_on: date,
    now: datetime,
    link_valid_for: timedelta,
) -> tuple[StaffMember, str]:
    """The headteacher adds someone: an account with no password and a set-up link to pass on."""
    member = create_member(
        session,
        school,
        email=email,
        name=name,
        role=Role.STAFF,
        category=category,
        starts_on=starts_on,
        now=now,
    )
    return member, issue_setup_link(session, member, now, link_valid_for)


def school_member(session: Session, school: School, member_id: int) -> StaffMember:
    member = session.scalars(
        select(StaffMember).where(StaffMember.id == member_id, StaffMember.school_id == school.id)
    ).first()
    if member is None:
        raise NotFound("We could not find that member of staff.")
    return member
