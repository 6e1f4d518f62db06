"""Signing a policy's declaration of receipt, issuing its certificate, checking a certificate."""

from __future__ import annotations

import secrets
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from elearn import lettering
from elearn.accounts.api import School, StaffMember, Throttle, confirm_password
from elearn.certificates.models import Certificate, Declaration
from elearn.certificates.pdf import CertificateContent, render_certificate
from elearn.clock import school_date
from elearn.content.schema import Course
from elearn.errors import DomainError, NotFound
from elearn.policies import api as policies
from elearn.policies.api import Policy
from elearn.status import valid_until
from elearn.tenancy import unscoped
from elearn.training.api import Attempt, Progress, complete_enrolment
from elearn.versions.api import InForce, PolicyVersion, is_superseded, reconfirm_deadline

# Crockford's base32 without I, L, O, U: easy to read aloud and type from paper.
CODE_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"


def new_certificate_code() -> str:
    """Four groups of four characters: 80 random bits, unguessable."""
    characters = "".join(secrets.choice(CODE_ALPHABET) for _ in range(16))
    return "-".join(characters[index : index + 4] for index in range(0, 16, 4))


def normalise_code(code: str) -> str:
    cleaned = code.strip().upper().replace(" ", "")
    return cleaned.translate(str.maketrans({"O": "0", "I": "1", "L": "1"}))


def _same_name(typed: str, name: str) -> bool:
    def fold(text: str) -> str:
        return " ".join(unicodedata.normalize("NFC", text).casefold().split())

    return fold(typed) == fold(name)


def verify_url(base_url: str, code: str) -> str:
    return f"{base_url}/verify/{code}"


def sign_declaration(
    session: Session,
    member: StaffMember,
    force: InForce,
    state: Progress,
    school: School,
    *,
    signature: str,
    password: str,
    confirmed: bool,
    now: datetime,
    base_url: str,
    throttle: Throttle,
) -> Certificate:
    """Record the signed declaration of `force`'s policy and issue its certificate.

    The password is checked as sign-in checks it: a wrong one counts towards throttling.

    Signing again after it has been done (a double click, the back button, two requests at once)
    returns the certificate already issued instead of making a second one.
    """
    if not state.is_ready_to_sign or state.enrolment is None:
        latest = latest_certificate(session, member, force.policy.id)
        if latest is not None and state.enrolment is None:
            return latest
        raise DomainError(not_ready_message(state))
    if not confirmed:
        raise DomainError(
            "Tick the box to confirm you have read and understood the policy.", field="confirm"
        )
    if (problem := lettering.refusal(member.name, "Your name on your account")) is not None:
        # Added before names were checked: the headteacher can correct it.
        raise DomainError(f"{problem} Ask your headteacher to correct it.", field="signature")
    if not _same_name(signature, member.name):
        raise DomainError(
            f"Type your full name exactly as it is on your account: {member.name}.",
            field="signature",
        )
    confirm_password(
        session,
        member,
        password,
        now,
        throttle,
        purpose="sign the declaration",
        message="Your password is not right. Enter the password you sign in with.",
    )
    # Staff always sign the version in force, even if a new one came out while they trained.
    version = force.version
    attempt = state.passed_attempt
    declaration = Declaration(
        school_id=member.school_id,
        policy_id=force.policy.id,
        member_id=member.id,
        enrolment_id=state.enrolment.id,
        attempt_id=attempt.id if attempt is not None else None,
        policy_version_id=version.id,
        text=version.declaration_text,
        member_name=member.name,
        signature=" ".join(signature.split()),
        signed_at=now,
    )
    try:
        with session.begin_nested():
            session.add(declaration)
    except IntegrityError:
        # The same enrolment signed by another request a moment ago: that one stands.
        existing = session.scalars(
            select(Certificate)
            .join(Declaration, Declaration.id == Certificate.declaration_id)
            .where(Declaration.enrolment_id == state.enrolment.id)
        ).first()
        if existing is None:
            raise
        return existing
    complete_enrolment(state.enrolment, now)
    code = new_certificate_code()
    content = CertificateContent(
        school=school.name,
        policy_title=version.title,
        policy_version=version.label,
        declaration_title=version.declaration_title,
        declaration_text=declaration.text,
        member_name=declaration.member_name,
        signature=declaration.signature,
        signed_at=now,
        score_percent=attempt.score_percent if attempt is not None else None,
        code=code,
        verify_url=verify_url(base_url, code),
    )
    certificate = Certificate(
        school_id=member.school_id,
        declaration_id=declaration.id,
        code=code,
        issued_at=now,
        pdf=render_certificate(content),
    )
    session.add(certificate)
    session.flush()
    return certificate


def not_ready_message(state: Progress) -> str:
    if state.is_reading:
        return "Read the policy before you sign the declaration."
    return "Pass the assessment before you sign the declaration."


def latest_certificate(session: Session, member: StaffMember, policy_id: int) -> Certificate | None:
    """The member's most recent certificate for one policy."""
    return session.scalars(
        select(Certificate)
        .join(Declaration, Declaration.id == Certificate.declaration_id)
        .where(Declaration.member_id == member.id, Declaration.policy_id == policy_id)
        .order_by(Declaration.signed_at.desc(), Certificate.id.desc())
        .limit(1)
    ).first()


@dataclass(frozen=True)
class OwnCertificate:
    id: int
    code: str
    title: str  # the policy's, as the version signed names it


def own_certificate(session: Session, member: StaffMember, certificate_id: int) -> OwnCertificate:
    """One of the member's own certificates; anyone else's is not found."""
    row = session.execute(
        select(Certificate.id, Certificate.code, PolicyVersion.title)
        .join(Declaration, Declaration.id == Certificate.declaration_id)
        .join(PolicyVersion, PolicyVersion.id == Declaration.policy_version_id)
        .where(Certificate.id == certificate_id, Declaration.member_id == member.id)
    ).first()
    if row is None:
        raise NotFound("We could not find that certificate.")
    return OwnCertificate(*row)


def last_signed_version_id(session: Session, member: StaffMember, policy_id: int) -> int | None:
    """The version of the policy the member signed most recently, if any."""
    return session.scalar(
        select(Declaration.policy_version_id)
        .where(Declaration.member_id == member.id, Declaration.policy_id == policy_id)
        .order_by(Declaration.signed_at.desc(), Declaration.id.desc())
        .limit(1)
    )


@dataclass(frozen=True)
class SignedRecord:
    """A member's latest signed declaration of one policy, with what the roster shows of it."""

    member_id: int
    policy_id: int
    signed_at: datetime
    policy_version_id: int
    version_label: str
    score_percent: int | None
    certificate_id: int
    certificate_code: str


def latest_signed(
    session: Session, member_ids: Iterable[int], policy_ids: Iterable[int]
) -> dict[tuple[int, int], SignedRecord]:
    """Each member's latest signed declaration of each policy, by (member, policy): one query
    that fetches only the latest, however many they have signed over the years."""
    ranked = (
        select(
            Declaration.id.label("declaration_id"),
            func.row_number()
            .over(
                partition_by=(Declaration.member_id, Declaration.policy_id),
                order_by=(Declaration.signed_at.desc(), Declaration.id.desc()),
            )
            .label("place"),
        )
        .where(
            Declaration.member_id.in_(list(member_ids)),
            Declaration.policy_id.in_(list(policy_ids)),
        )
        .subquery()
    )
    rows = session.execute(
        select(
            Declaration.member_id,
            Declaration.policy_id,
            Declaration.signed_at,
            Declaration.policy_version_id,
            PolicyVersion.label,
            Attempt.score_percent,
            Certificate.id,
            Certificate.code,
        )
        .join(ranked, (ranked.c.declaration_id == Declaration.id) & (ranked.c.place == 1))
        .join(PolicyVersion, PolicyVersion.id == Declaration.policy_version_id)
        .outerjoin(Attempt, Attempt.id == Declaration.attempt_id)
        .join(Certificate, Certificate.declaration_id == Declaration.id)
    )
    return {(row[0], row[1]): SignedRecord(*row) for row in rows}


@dataclass(frozen=True)
class SignedFact:
    """One signed declaration, as a member's history shows it."""

    policy_id: int
    signed_at: datetime
    version_label: str
    certificate_id: int
    certificate_code: str
    is_on_paper: bool = False


def signed_facts(session: Session, member: StaffMember) -> list[SignedFact]:
    rows = session.execute(
        select(
            Declaration.policy_id,
            Declaration.signed_at,
            PolicyVersion.label,
            Certificate.id,
            Certificate.code,
        )
        .join(PolicyVersion, PolicyVersion.id == Declaration.policy_version_id)
        .join(Certificate, Certificate.declaration_id == Declaration.id)
        .where(Declaration.member_id == member.id)
    )
    return [SignedFact(*row) for row in rows]


def declaration_counts(session: Session, policy: Policy) -> dict[int, int]:
    """How many declarations each version of the policy has had, by version ID."""
    rows = session.execute(
        select(Declaration.policy_version_id, func.count(Declaration.id))
        .where(Declaration.policy_id == policy.id)
        .group_by(Declaration.policy_version_id)
    )
    return {version_id: count for version_id, count in rows}


def certificate_pdf(
    session: Session, actor: StaffMember, certificate_id: int, *, manages_school: bool
) -> tuple[bytes, str]:
    """The stored PDF and a file name: for its owner, or whoever manages the school.

    The session is scoped to the school being worked in, so another school's certificate is not
    found at all.
    """
    row = session.execute(
        select(Certificate.pdf, Certificate.code, Declaration.member_name, Declaration.member_id)
        .join(Declaration, Declaration.id == Certificate.declaration_id)
        .where(Certificate.id == certificate_id)
    ).first()
    # Someone else's certificate gets the same answer as one that does not exist.
    if row is None or not (row.member_id == actor.id or manages_school):
        raise NotFound("We could not find that certificate.")
    safe_name = "".join(ch if ch.isalnum() else "-" for ch in row.member_name).strip("-")
    return row.pdf, f"certificate-{safe_name or 'staff'}-{row.code}.pdf"


@dataclass(frozen=True)
class Verification:
    member_name: str
    signed_at: datetime
    school_name: str
    policy_title: str
    version_label: str
    is_current: bool
    valid_until: date  # the last day the declaration counts, under the policy's rules today
    is_expired: bool


def verify_certificate(session: Session, code: str, today: date) -> Verification:
    """What the public may know of a certificate: who, which school, when, which version of which
    policy, still current or superseded, and until when the declaration counts (the policy's
    rules, as `elearn.status` applies them) and whether that day has passed on `today`. A code
    may be from any school in the instance."""
    with unscoped(session):
        row = session.execute(
            select(Declaration, PolicyVersion, School.name)
            .join(Certificate, Certificate.declaration_id == Declaration.id)
            .join(PolicyVersion, PolicyVersion.id == Declaration.policy_version_id)
            .join(School, School.id == Declaration.school_id)
            .where(Certificate.code == normalise_code(code))
        ).first()
        if row is None:
            raise NotFound("We could not find a certificate with that code.")
        declaration, version, school_name = row
        versions = list(
            session.scalars(
                select(PolicyVersion).where(PolicyVersion.policy_id == version.policy_id)
            )
        )
        rules = policies.rules_of(policies.policy_by_id(session, declaration.policy_id))
    until = valid_until(
        school_date(declaration.signed_at), rules, reconfirm_deadline(versions, version.id)
    )
    return Verification(
        member_name=declaration.member_name,
        signed_at=declaration.signed_at,
        school_name=school_name,
        policy_title=version.title,
        version_label=version.label,
        is_current=not is_superseded(version, versions),
        valid_until=until,
        is_expired=today > until,
    )


def sample_certificate(
    course: Course, school_name: str, name: str, now: datetime, base_url: str
) -> bytes:
    """A specimen certificate for checking the layout; it verifies nothing. `course` is the
    school's own (its name already filled in)."""
    policy = course.policy
    code = "SPEC-IMEN-0000-0000"
    return render_certificate(
        CertificateContent(
            school=school_name,
            policy_title=policy.title,
            policy_version=policy.version,
            declaration_title=policy.declaration.title,
            declaration_text=policy.declaration.text,
            member_name=name,
            signature=name,
            signed_at=now,
            score_percent=100,
            code=code,
            verify_url=verify_url(base_url, code),
            is_specimen=True,
        )
    )
