"""Signing the declaration of receipt, issuing its certificate, and checking a certificate."""

from __future__ import annotations

import secrets
import unicodedata
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from elearn.accounts.models import School, StaffMember
from elearn.accounts.service import passwords
from elearn.certificates.models import Certificate, Declaration
from elearn.certificates.pdf import CertificateContent, render_certificate
from elearn.content.schema import Course
from elearn.errors import DomainError, NotFound
from elearn.training.service import progress
from elearn.versions.models import PolicyVersion
from elearn.versions.service import current_version

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
    course: Course,
    school: School,
    *,
    signature: str,
    password: str,
    confirmed: bool,
    now: datetime,
    base_url: str,
) -> Certificate:
    """Record the signed declaration and issue its certificate.

    Signing again after it has been done (a double click, the back button) returns the
    certificate already issued instead of making a second one.
    """
    state = progress(session, member, course)
    if state.enrolment is None or state.passed_attempt is None:
        latest = latest_certificate(session, member)
        if latest is not None and state.enrolment is None:
            return latest
        raise DomainError("Pass the assessment before you sign the declaration.")
    if not confirmed:
        raise DomainError(
            "Tick the box to confirm you have read and understood the policy.", field="confirm"
        )
    if not _same_name(signature, member.name):
        raise DomainError(
            f"Type your full name exactly as it is on your account: {member.name}.",
            field="signature",
        )
    if not passwords.verify(member.password_hash, password):
        raise DomainError(
            "Your password is not right. Enter the password you sign in with.", field="password"
        )
    # Staff always sign the version in force, even if a new one came out while they trained.
    version = current_version(session, school)
    attempt = state.passed_attempt
    declaration = Declaration(
        member_id=member.id,
        enrolment_id=state.enrolment.id,
        attempt_id=attempt.id,
        policy_version_id=version.id,
        text=version.declaration_text,
        member_name=member.name,
        signature=" ".join(signature.split()),
        signed_at=now,
    )
    session.add(declaration)
    state.enrolment.completed_at = now
    session.flush()
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
        score_percent=attempt.score_percent or 0,
        code=code,
        verify_url=verify_url(base_url, code),
    )
    certificate = Certificate(
        declaration_id=declaration.id, code=code, issued_at=now, pdf=render_certificate(content)
    )
    session.add(certificate)
    session.flush()
    return certificate


def latest_certificate(session: Session, member: StaffMember) -> Certificate | None:
    return session.scalars(
        select(Certificate)
        .join(Certificate.declaration)
        .where(Declaration.member_id == member.id)
        .order_by(Declaration.signed_at.desc(), Certificate.id.desc())
        .limit(1)
    ).first()


def certificate_pdf(session: Session, actor: StaffMember, certificate_id: int) -> tuple[bytes, str]:
    """The stored PDF and a file name, for its owner or their school's headteacher only."""
    row = session.execute(
        select(Certificate.pdf, Certificate.code, Declaration.member_name, StaffMember)
        .join(Declaration, Declaration.id == Certificate.declaration_id)
        .join(StaffMember, StaffMember.id == Declaration.member_id)
        .where(Certificate.id == certificate_id)
    ).first()
    # Someone else's certificate gets the same answer as one that does not exist.
    if row is None:
        raise NotFound("We could not find that certificate.")
    pdf, code, member_name, owner = row
    is_own = owner.id == actor.id
    is_their_head = actor.is_headteacher and owner.school_id == actor.school_id
    if not (is_own or is_their_head):
        raise NotFound("We could not find that certificate.")
    safe_name = "".join(ch if ch.isalnum() else "-" for ch in member_name).strip("-")
    return pdf, f"certificate-{safe_name or 'staff'}-{code}.pdf"


@dataclass(frozen=True)
class Verification:
    member_name: str
    signed_at: datetime
    policy_title: str
    version_label: str
    is_current: bool


def verify_certificate(session: Session, code: str) -> Verification:
    """What the public may know of a certificate: who, when, which version, still current or not."""
    row = session.execute(
        select(Declaration, PolicyVersion)
        .join(Certificate, Certificate.declaration_id == Declaration.id)
        .join(PolicyVersion, PolicyVersion.id == Declaration.policy_version_id)
        .where(Certificate.code == normalise_code(code))
    ).first()
    if row is None:
        raise NotFound("We could not find a certificate with that code.")
    declaration, version = row
    newer = session.scalar(
        select(PolicyVersion.id)
        .where(
            PolicyVersion.school_id == version.school_id,
            PolicyVersion.published_at > version.published_at,
        )
        .limit(1)
    )
    return Verification(
        member_name=declaration.member_name,
        signed_at=declaration.signed_at,
        policy_title=version.title,
        version_label=version.label,
        is_current=newer is None,
    )


def sample_certificate(course: Course, name: str, now: datetime, base_url: str) -> bytes:
    """A specimen certificate for checking the layout; it verifies nothing."""
    policy = course.policy
    code = "SPEC-IMEN-0000-0000"
    return render_certificate(
        CertificateContent(
            school=policy.school,
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
