"""Two-step sign-in for headteachers: a time-based code from an app (TOTP), or a recovery code.

Set-up starts with the password (a session left open is not enough to put someone else's phone
on the account) and keeps a new secret on the member, unconfirmed, for `SETUP_FOR`: each start
makes a new one, and one not confirmed in time no longer works. Once they type a code their app
shows, it is on and they get recovery codes, shown once and kept only as hashes. A code is taken
from the 30-second step before, the current one or the one after (phone clocks drift); each step
works once, so a code seen over someone's shoulder cannot be used again.
"""

from __future__ import annotations

import hashlib
import re
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

import pyotp
import segno
from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from elearn.accounts.models import (
    FailureKind,
    RecoveryCode,
    Role,
    School,
    SignInFailure,
    StaffMember,
)
from elearn.accounts.service import (
    TWO_STEP_ENDED,
    WRONG_CODE,
    Throttle,
    ThrottleLimits,
    TwoStepEnded,
    check_throttle,
    confirm_password,
    load_signed_in_member,
    normalise_email,
    record_failure,
)
from elearn.errors import DomainError, NotAllowed

RECOVERY_CODE_COUNT = 10
RECOVERY_CODE_LENGTH = 16
# No 0/o, 1/l/i: the codes are read off paper. 31 symbols x 16 gives about 79 bits.
RECOVERY_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"
STEPS_EITHER_SIDE = 1
PENDING_FOR = timedelta(minutes=10)  # the time allowed between password and code
SETUP_FOR = timedelta(minutes=15)  # the time allowed between starting set-up and confirming it
SETUP_EXPIRED = (
    "Set-up was not finished within 15 minutes, so that QR code no longer works. "
    "Enter your password to start again."
)


@dataclass(frozen=True)
class SecondStep:
    member: StaffMember
    recovery_codes_left: int | None  # None when the code came from the app


def start_setup(
    session: Session, member: StaffMember, password: str, now: datetime, throttle: Throttle
) -> str:
    """Start setting up two-step sign-in, with the password: a new secret every time, to be
    confirmed by a code within `SETUP_FOR`."""
    if not member.is_headteacher:
        raise NotAllowed("Two-step sign-in is for headteacher accounts.")
    if member.has_two_step:
        raise DomainError("Two-step sign-in is already on for your account.")
    confirm_password(session, member, password, now, throttle, purpose="set up two-step sign-in")
    member.two_step_secret = pyotp.random_base32()
    member.two_step_setup_at = now
    member.two_step_last_step = None
    session.flush()
    return member.two_step_secret


def setup_secret(member: StaffMember, now: datetime) -> str | None:
    """The secret being set up, while it may still be confirmed; None before set-up has started,
    once two-step sign-in is on, or once `SETUP_FOR` has passed."""
    if member.has_two_step or member.two_step_secret is None or member.two_step_setup_at is None:
        return None
    if now - member.two_step_setup_at > SETUP_FOR:
        return None
    return member.two_step_secret


def provisioning_uri(member: StaffMember, secret: str, issuer: str) -> str:
    """The otpauth:// address an authenticator app reads from the QR code."""
    return pyotp.TOTP(secret).provisioning_uri(name=member.email, issuer_name=issuer)


def qr_code_data_uri(uri: str) -> str:
    """The QR code as an SVG image in a data: address, drawn here: no script, no other site."""
    qr = segno.make(uri, error="m")
    return str(qr.svg_data_uri(scale=5, border=4, dark="#0b0c0c", light="#ffffff"))


def grouped(text: str, size: int = 4) -> str:
    """'ABCDEFGH' -> 'ABCD EFGH': easier to read and to type."""
    return " ".join(text[start : start + size] for start in range(0, len(text), size))


def enable(session: Session, member: StaffMember, code: str, now: datetime) -> list[str]:
    """Turn two-step sign-in on once a code proves the app has the secret; returns new codes.

    Every other session is signed out, in case someone else signed in with the password alone.
    """
    if setup_secret(member, now) is None:
        raise DomainError(SETUP_EXPIRED, field="code")
    if not _accept_totp(member, code, now):
        raise DomainError(
            "That code is not right. Enter the 6-digit code your app shows now.", field="code"
        )
    member.two_step_enabled_at = now
    member.two_step_setup_at = None
    member.session_token = secrets.token_hex(16)
    return _replace_recovery_codes(session, member, now)


def disable(
    session: Session,
    member: StaffMember,
    school: School,
    password: str,
    now: datetime,
    throttle: Throttle,
) -> None:
    """Turn two-step sign-in off, with the password; not while the school requires it."""
    if school.requires_two_step:
        raise DomainError(
            "The school requires two-step sign-in for headteachers, so it cannot be turned off.",
            field="password",
        )
    confirm_password(session, member, password, now, throttle, purpose="turn off two-step sign-in")
    reset(session, member)


def turn_off_for(session: Session, email: str) -> StaffMember:
    """`reset` for the account with this email, which must have two-step sign-in on."""
    email = normalise_email(email)
    member = session.scalars(select(StaffMember).where(StaffMember.email == email)).first()
    if member is None or not member.has_two_step:
        raise DomainError(f"There is no account with two-step sign-in on for {email}.")
    reset(session, member)
    return member


def reset(session: Session, member: StaffMember) -> None:
    """Turn two-step sign-in off with no questions asked: for `elearn two-step-off`, when a
    headteacher has lost both their phone and their recovery codes. They set it up again."""
    member.two_step_secret = None
    member.two_step_setup_at = None
    member.two_step_enabled_at = None
    member.two_step_last_step = None
    session.execute(delete(RecoveryCode).where(RecoveryCode.member_id == member.id))
    session.flush()


def renew_recovery_codes(
    session: Session, member: StaffMember, password: str, now: datetime, throttle: Throttle
) -> list[str]:
    """New recovery codes, with the password; the old ones stop working."""
    if not member.has_two_step:
        raise DomainError("Turn on two-step sign-in first.")
    confirm_password(session, member, password, now, throttle, purpose="new recovery codes")
    return _replace_recovery_codes(session, member, now)


def recovery_codes_left(session: Session, member: StaffMember) -> int:
    return (
        session.scalar(
            select(func.count(RecoveryCode.id)).where(
                RecoveryCode.member_id == member.id, RecoveryCode.used_at.is_(None)
            )
        )
        or 0
    )


def set_requirement(session: Session, school: School, required: bool) -> None:
    """Whether every headteacher must use two-step sign-in."""
    school.requires_two_step = required
    session.flush()


def must_set_up(member: StaffMember, school: School | None) -> bool:
    """A headteacher at a school that requires two-step sign-in, who has not set it up."""
    return (
        bool(member.is_headteacher and school is not None and school.requires_two_step)
        and not member.has_two_step
    )


def pending_member(
    session: Session, user_id: str, started_at: datetime, now: datetime, limits: ThrottleLimits
) -> StaffMember:
    """The member whose password was right a moment ago and who now owes a code.

    The half-finished sign-in ends after `PENDING_FOR`, after as many wrong codes as one
    address may get wrong passwords, and when the member's sessions are ended (sign-out
    everywhere or a new password changes the token inside `user_id`).
    """
    member = load_signed_in_member(session, user_id)
    if member is None or not member.has_two_step or now - started_at > PENDING_FOR:
        raise TwoStepEnded(TWO_STEP_ENDED)
    wrong_codes = session.scalar(
        select(func.count(SignInFailure.id)).where(
            SignInFailure.email == member.email,
            SignInFailure.kind == FailureKind.CODE,
            SignInFailure.failed_at >= started_at,
        )
    )
    if (wrong_codes or 0) >= limits.per_account_at_address:
        raise TwoStepEnded(TWO_STEP_ENDED)
    return member


def second_step(
    session: Session,
    user_id: str,
    started_at: datetime,
    code: str,
    address: str,
    now: datetime,
    limits: ThrottleLimits,
) -> SecondStep:
    """Check the code after a right password: an app code, or an unused recovery code.

    Wrong codes count as sign-in failures for the throttle, as wrong passwords do; the last
    one allowed ends the half-finished sign-in.
    """
    member = pending_member(session, user_id, started_at, now, limits)
    check_throttle(session, member.email, address, now, limits)
    if _accept_totp(member, code, now):
        return SecondStep(member, recovery_codes_left=None)
    recovery = session.scalars(
        select(RecoveryCode).where(
            RecoveryCode.member_id == member.id,
            RecoveryCode.code_hash == _recovery_hash(member, code),
            RecoveryCode.used_at.is_(None),
        )
    ).first()
    if recovery is not None:
        recovery.used_at = now
        session.flush()
        return SecondStep(member, recovery_codes_left=recovery_codes_left(session, member))
    record_failure(session, member.email, address, now, FailureKind.CODE)
    pending_member(session, user_id, started_at, now, limits)
    raise DomainError(WRONG_CODE, field="code")


def _accept_totp(member: StaffMember, code: str, now: datetime) -> bool:
    """True for a code from a nearby time step later than the last one accepted; remembers it."""
    digits = re.sub(r"\s", "", code)
    if member.two_step_secret is None or not re.fullmatch(r"\d{6}", digits):
        return False
    totp = pyotp.TOTP(member.two_step_secret)
    current = totp.timecode(now)
    for step in range(current - STEPS_EITHER_SIDE, current + STEPS_EITHER_SIDE + 1):
        if member.two_step_last_step is not None and step <= member.two_step_last_step:
            continue
        if secrets.compare_digest(totp.generate_otp(step), digits):
            member.two_step_last_step = step
            return True
    return False


def _replace_recovery_codes(session: Session, member: StaffMember, now: datetime) -> list[str]:
    session.execute(delete(RecoveryCode).where(RecoveryCode.member_id == member.id))
    codes = [
        "".join(secrets.choice(RECOVERY_ALPHABET) for _ in range(RECOVERY_CODE_LENGTH))
        for _ in range(RECOVERY_CODE_COUNT)
    ]
    session.add_all(
        RecoveryCode(member_id=member.id, code_hash=_recovery_hash(member, code), created_at=now)
        for code in codes
    )
    session.flush()
    return [grouped(code) for code in codes]


def _recovery_hash(member: StaffMember, code: str) -> str:
    # The codes carry about 79 random bits, so a fast hash is enough, as for set-up links.
    normalised = re.sub(r"[\s-]", "", code).lower()
    return hashlib.sha256(f"{member.id}:{normalised}".encode()).hexdigest()


def headteachers(session: Session, school: School) -> list[StaffMember]:
    """The school's headteacher accounts, to show who has two-step sign-in on."""
    query = (
        select(StaffMember)
        .where(
            StaffMember.school_id == school.id,
            StaffMember.role == Role.HEADTEACHER,
            StaffMember.is_archived.is_(False),
        )
        .order_by(StaffMember.name)
    )
    return list(session.scalars(query))
