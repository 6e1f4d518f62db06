"""Accounts: creating staff, set-up links, signing in with throttling, changing passwords."""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from elearn.accounts.models import Category, Role, School, SetupLink, SignInFailure, StaffMember
from elearn.clock import school_date
from elearn.errors import DomainError, NotFound

PASSWORD_MIN_LENGTH = 10
PASSWORD_MAX_LENGTH = 200
COMMON_PASSWORDS = frozenset(
    {
        "password123",
        "password1234",
        "qwertyuiop",
        "1234567890",
        "123456789a",
        "iloveyou123",
        "letmein123",
        "welcome123",
        "administrator",
        "passw0rd123",
        "changeme123",
        "football123",
        "school1234",
        "teacher123",
        "qwerty12345",
        "abc1234567",
    }
)
SIGN_IN_FAILED = "Enter a correct email address and password."


class SignInThrottled(DomainError):
    status_code = 429


@dataclass(frozen=True)
class ThrottleLimits:
    window: timedelta
    per_account: int
    per_address: int


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


def password_problem(password: str, *, email: str = "", name: str = "") -> str | None:
    """Why a new password is not good enough, or None: length and a deny-list, no other rules."""
    if len(password) < PASSWORD_MIN_LENGTH:
        return f"Your password must be at least {PASSWORD_MIN_LENGTH} characters long."
    if len(password) > PASSWORD_MAX_LENGTH:
        return f"Your password must be {PASSWORD_MAX_LENGTH} characters or fewer."
    lowered = password.lower()
    if lowered in COMMON_PASSWORDS or len(set(lowered)) < 4:
        return "That password is too easy to guess. Try three random words together."
    if email and lowered == normalise_email(email):
        return "Your password must not be your email address."
    if name and lowered.replace(" ", "") == name.lower().replace(" ", ""):
        return "Your password must not be your name."
    return None


def create_school(session: Session, name: str, now: datetime) -> School:
    school = School(name=name.strip(), created_at=now)
    session.add(school)
    session.flush()
    return school


def get_school(session: Session) -> School | None:
    """The school this instance serves (one per instance until trusts host several)."""
    return session.scalars(select(School).order_by(School.id).limit(1)).first()


def has_headteacher(session: Session) -> bool:
    query = select(StaffMember.id).where(StaffMember.role == Role.HEADTEACHER).limit(1)
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
    if session.scalar(select(StaffMember.id).where(StaffMember.email == email)) is not None:
        raise DomainError(f"There is already an account for {email}.", field="email")
    if password is not None:
        problem = password_problem(password, email=email, name=name)
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
    """First run: name the school and make the headteacher's account. Only while there is none."""
    if has_headteacher(session):
        raise DomainError("This school is already set up. Sign in instead.")
    school = get_school(session) or create_school(session, school_name, now)
    school.name = " ".join(school_name.split())
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


def issue_setup_link(
    session: Session, member: StaffMember, now: datetime, valid_for: timedelta
) -> str:
    """Make a new one-time set-up token for `member`, ending any earlier unused ones."""
    for link in session.scalars(
        select(SetupLink).where(SetupLink.member_id == member.id, SetupLink.used_at.is_(None))
    ):
        link.used_at = now
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
    if link is None or link.used_at is not None or link.expires_at <= now:
        raise DomainError(
            "This set-up link has expired or has already been used. "
            "Ask your headteacher for a new one."
        )
    return link


def use_setup_link(session: Session, token: str, password: str, now: datetime) -> StaffMember:
    """Set the member's first password from a valid link; the link then stops working."""
    link = find_setup_link(session, token, now)
    member = session.get_one(StaffMember, link.member_id)
    problem = password_problem(password, email=member.email, name=member.name)
    if problem:
        raise DomainError(problem)
    member.password_hash = passwords.hash(password)
    member.session_token = secrets.token_hex(16)
    link.used_at = now
    session.flush()
    return member


def authenticate(
    session: Session,
    email: str,
    password: str,
    address: str,
    now: datetime,
    limits: ThrottleLimits,
) -> StaffMember:
    """Sign-in: the same answer for an unknown email and a wrong password; throttled by both."""
    email = normalise_email(email)
    since = now - limits.window
    account_failures = session.scalar(
        select(func.count(SignInFailure.id)).where(
            SignInFailure.email == email, SignInFailure.failed_at > since
        )
    )
    address_failures = session.scalar(
        select(func.count(SignInFailure.id)).where(
            SignInFailure.address == address, SignInFailure.failed_at > since
        )
    )
    if (account_failures or 0) >= limits.per_account or (
        address_failures or 0
    ) >= limits.per_address:
        minutes = int(limits.window.total_seconds() // 60)
        raise SignInThrottled(
            f"Too many failed attempts to sign in. Wait {minutes} minutes and try again."
        )
    member = session.scalars(select(StaffMember).where(StaffMember.email == email)).first()
    hash_to_check = member.password_hash if member is not None else None
    if passwords.verify(hash_to_check, password) and member is not None and member.is_active:
        return member
    session.add(SignInFailure(email=email[:254], address=address[:64], failed_at=now))
    session.flush()
    raise DomainError(SIGN_IN_FAILED)


def change_password(
    session: Session, member: StaffMember, current: str, new: str, now: datetime
) -> None:
    """Change the password and end every other session signed in as this member."""
    if not passwords.verify(member.password_hash, current):
        raise DomainError("Your current password is not right.", field="current")
    problem = password_problem(new, email=member.email, name=member.name)
    if problem:
        raise DomainError(problem, field="password")
    member.password_hash = passwords.hash(new)
    member.session_token = secrets.token_hex(16)
    session.flush()


def end_sessions(session: Session, member: StaffMember) -> None:
    """Sign the member out everywhere: every session cookie made before now stops working."""
    member.session_token = secrets.token_hex(16)
    session.flush()


def load_signed_in_member(session: Session, user_id: str) -> StaffMember | None:
    """Flask-Login's loader: the id carries the session token, so old sessions stop working."""
    member_id, _, token = user_id.partition(":")
    if not member_id.isdigit() or not token:
        return None
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
    member = session.get(StaffMember, member_id)
    if member is None or member.school_id != school.id:
        raise NotFound("We could not find that member of staff.")
    return member
