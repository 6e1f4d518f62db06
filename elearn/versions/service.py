"""Which policy version is in force, and recording the one the content folder holds."""

from __future__ import annotations

import hashlib
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from elearn.accounts.models import School
from elearn.content.schema import Course
from elearn.errors import DomainError
from elearn.versions.models import PolicyVersion


def current_version(session: Session, school: School) -> PolicyVersion:
    version = session.scalars(
        select(PolicyVersion)
        .where(PolicyVersion.school_id == school.id)
        .order_by(PolicyVersion.published_at.desc(), PolicyVersion.id.desc())
        .limit(1)
    ).first()
    if version is None:
        raise DomainError("No policy has been published yet. Ask the headteacher to run set-up.")
    return version


def record_version(
    session: Session, school: School, course: Course, now: datetime
) -> PolicyVersion:
    """Record the course's policy as a version if this exact text is not one already; return it."""
    policy, policy_yaml = course.policy, course.policy_text
    content_hash = hashlib.sha256(policy_yaml.encode("utf-8")).hexdigest()
    existing = session.scalars(
        select(PolicyVersion).where(
            PolicyVersion.school_id == school.id, PolicyVersion.content_hash == content_hash
        )
    ).first()
    if existing is not None:
        return existing
    version = PolicyVersion(
        school_id=school.id,
        label=policy.version,
        title=policy.title,
        declaration_title=policy.declaration.title,
        declaration_text=policy.declaration.text,
        policy_yaml=policy_yaml,
        content_hash=content_hash,
        published_at=now,
    )
    session.add(version)
    session.flush()
    return version
