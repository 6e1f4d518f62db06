"""Each policy's versions: the one in force, drafts for review, publishing, what changed since when.

A version belongs to one policy: publishing a version of one policy changes nothing for another.
"""

from __future__ import annotations

import dataclasses
import functools
import hashlib
import unicodedata
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from elearn.accounts.api import School, StaffMember
from elearn.content.errors import ContentError
from elearn.content.placeholders import course_for_school
from elearn.content.policy_file import parse_policy, policy_to_yaml
from elearn.content.schema import Course, Library, Policy
from elearn.errors import DomainError, NotFound
from elearn.importing import PolicyImportError, import_document, is_new_version_of
from elearn.policies import api as policies
from elearn.policies.api import Policy as PolicyRecord
from elearn.versions.diff import ChangeKind as ClauseChangeKind
from elearn.versions.diff import ClauseChange, declaration_changed, diff_policies
from elearn.versions.models import ChangeKind, PolicyDraft, PolicyVersion

CONTENT_FOLDER_SOURCE = "the content folder"


def _hash(policy_yaml: str) -> str:
    return hashlib.sha256(policy_yaml.encode("utf-8")).hexdigest()


@functools.lru_cache(maxsize=16)
def _parse_cached(content_hash: str, policy_yaml: str) -> Policy:
    return parse_policy(policy_yaml, display_name=f"policy version {content_hash[:8]}")


def version_policy(version: PolicyVersion) -> Policy:
    """The policy exactly as this version published it."""
    return _parse_cached(version.content_hash, version.policy_yaml)


def draft_policy(draft: PolicyDraft) -> Policy:
    """The policy as a draft would publish it."""
    return _parse_cached(_hash(draft.policy_yaml), draft.policy_yaml)


@functools.lru_cache(maxsize=64)
def _changes_between(
    old_hash: str, new_hash: str, old_yaml: str, new_yaml: str
) -> tuple[ClauseChange, ...]:
    old = _parse_cached(old_hash, old_yaml)
    new = _parse_cached(new_hash, new_yaml)
    return diff_policies(old, new)


def clause_changes(old: PolicyVersion, new_yaml: str) -> tuple[ClauseChange, ...]:
    """What changed from a version to another text (a draft, or a later version): worked out
    once per pair of texts in each server process, not on every page that shows it."""
    return _changes_between(old.content_hash, _hash(new_yaml), old.policy_yaml, new_yaml)


def versions_of(session: Session, policy: PolicyRecord) -> list[PolicyVersion]:
    """Every version of one policy, oldest first."""
    return list(
        session.scalars(
            select(PolicyVersion)
            .where(PolicyVersion.policy_id == policy.id)
            .order_by(PolicyVersion.published_at, PolicyVersion.id)
        )
    )


def versions_by_policy(session: Session, policy_ids: list[int]) -> dict[int, list[PolicyVersion]]:
    """Every version of each policy, oldest first, in one query."""
    found: dict[int, list[PolicyVersion]] = {policy_id: [] for policy_id in policy_ids}
    for version in session.scalars(
        select(PolicyVersion)
        .where(PolicyVersion.policy_id.in_(policy_ids))
        .order_by(PolicyVersion.published_at, PolicyVersion.id)
    ):
        found[version.policy_id].append(version)
    return found


def current_version(session: Session, policy: PolicyRecord) -> PolicyVersion:
    version = session.scalars(
        select(PolicyVersion)
        .where(PolicyVersion.policy_id == policy.id)
        .order_by(PolicyVersion.published_at.desc(), PolicyVersion.id.desc())
        .limit(1)
    ).first()
    if version is None:
        raise DomainError(
            f"No version of the {policy.title} has been published yet. Ask the headteacher."
        )
    return version


def is_superseded(version: PolicyVersion, versions: list[PolicyVersion]) -> bool:
    """True once a later version of the same policy has been published."""
    return any(
        other.policy_id == version.policy_id
        and (other.published_at, other.id) > (version.published_at, version.id)
        for other in versions
    )


@dataclass(frozen=True)
class InForce:
    """One policy as staff meet it today: its versions, the one in force and its course.

    Made once per request and handed to everything that needs it.
    """

    policy: PolicyRecord
    versions: tuple[PolicyVersion, ...]  # oldest first
    text: Policy  # the policy as the version in force published it
    course: Course  # what staff follow: lessons in the school's name, or the full text to read

    @property
    def version(self) -> PolicyVersion:
        return self.versions[-1]


def in_force(session: Session, policy: PolicyRecord, library: Library, school_name: str) -> InForce:
    versions = versions_of(session, policy)
    if not versions:
        raise DomainError(
            f"No version of the {policy.title} has been published yet. Ask the headteacher."
        )
    text = version_policy(versions[-1])
    course = policies.course_for(library, policy, school_name, text, versions[-1].content_hash)
    return InForce(policy, tuple(versions), text, course)


def record_initial_version(
    session: Session, policy: PolicyRecord, course: Course, now: datetime
) -> PolicyVersion:
    """The first version, from the course in the school's name, if the policy has none yet.

    Later versions are published only by the headteacher, after seeing what changed.
    """
    existing = session.scalars(
        select(PolicyVersion).where(PolicyVersion.policy_id == policy.id).limit(1)
    ).first()
    if existing is not None:
        return existing
    version = PolicyVersion(
        school_id=policy.school_id,
        policy_id=policy.id,
        label=course.policy.version,
        title=course.policy.title,
        declaration_title=course.policy.declaration.title,
        declaration_text=course.policy.declaration.text,
        policy_yaml=course.policy_text,
        content_hash=_hash(course.policy_text),
        published_at=now,
        change_kind=ChangeKind.INITIAL,
        changed_clause_ids=[],
    )
    session.add(version)
    session.flush()
    return version


def adopt_course(session: Session, school: School, course: Course, now: datetime) -> PolicyRecord:
    """Add a library course to a school as a policy, under the school's default rules, with its
    first version: the course's policy in the school's own name."""
    policy = policies.add_policy(session, school, course, now)
    record_initial_version(session, policy, course_for_school(course, school.name), now)
    return policy


def review_is_overdue(policy: Policy, today: date) -> bool:
    """True once the month of the policy's own 'date to be reviewed' has ended."""
    review = policy.date("to be reviewed")
    if review is None or review.month is None:
        return False
    year, month = (int(part) for part in review.month.split("-"))
    return (today.year, today.month) > (year, month)


def reconfirm_deadline(
    versions: tuple[PolicyVersion, ...] | list[PolicyVersion], signed_version_id: int | None
) -> date | None:
    """The earliest re-confirmation deadline of versions published after the one last signed."""
    signed = next((v for v in versions if v.id == signed_version_id), None)
    if signed is None:
        return None
    deadlines = [
        version.reconfirm_by
        for version in versions
        if version.published_at > signed.published_at
        and version.change_kind is ChangeKind.RECONFIRM_NOW
        and version.reconfirm_by is not None
    ]
    return min(deadlines, default=None)


def changed_clauses_since(
    versions: tuple[PolicyVersion, ...] | list[PolicyVersion], signed_version_id: int | None
) -> frozenset[str]:
    """Clauses added or reworded by versions after the one signed, minor changes aside."""
    if signed_version_id is None:
        return frozenset()
    signed = next((v for v in versions if v.id == signed_version_id), None)
    if signed is None:
        return frozenset()
    return frozenset(
        clause_id
        for version in versions
        if version.published_at > signed.published_at
        and version.change_kind is not ChangeKind.MINOR
        for clause_id in version.changed_clause_ids
    )


# --- Drafts and publishing ----------------------------------------------------------------------


def _policy_from_upload(
    filename: str, data: bytes, label: str, school_name: str | None = None
) -> Policy:
    """The policy in an upload: a structured .yaml file, or a document (.docx, .pdf, .txt, .md)
    read through the importing pipeline. Any failure is a `DomainError` saying what to do."""
    if not data.strip():
        raise DomainError("That file is empty.", field="document")
    name = filename.lower()
    is_yaml = name.endswith((".yaml", ".yml"))
    if name.endswith((".txt", ".md", ".markdown")) or "." not in name:
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError:
            raise DomainError(
                "That file is not UTF-8 text. Save the policy as plain text (UTF-8), or upload the "
                "Word document or PDF itself.",
                field="document",
            ) from None
        if "\x00" in text:
            raise DomainError(
                "That file is not plain text. Save the policy as plain text, or upload the Word "
                "document or PDF itself.",
                field="document",
            )
    try:
        if is_yaml:
            policy = parse_policy(data.decode("utf-8-sig"), display_name=filename)
        else:
            policy = import_document(
                filename if "." in name else f"{filename}.txt",
                data,
                version=label or None,
                school=school_name,
            ).policy
    except UnicodeDecodeError:
        raise DomainError("That policy file is not UTF-8 text.", field="document") from None
    except ContentError as error:
        first = error.problems[0]
        raise DomainError(
            f"That policy file has problems, for example line {first.line}: {first.message}.",
            field="document",
        ) from error
    except PolicyImportError as error:
        raise DomainError(f"We could not read that policy: {error}", field="document") from error
    return dataclasses.replace(policy, version=label) if label else policy


def create_draft(
    session: Session,
    policy: PolicyRecord,
    actor: StaffMember,
    *,
    filename: str,
    data: bytes,
    label: str,
    now: datetime,
    school_name: str | None = None,
) -> PolicyDraft:
    """Read an uploaded policy (a document, or a structured .yaml file) for review.

    A document that is not a new version of this policy (another title and little text in
    common) is refused: it belongs on the Policies page as a policy of its own.
    """
    filename = clean_file_name(filename)
    text = _policy_from_upload(filename, data, label.strip(), school_name)
    is_version, reason = is_new_version_of(version_policy(current_version(session, policy)), text)
    if not is_version:
        raise DomainError(
            f"{reason} Add it as a new policy on the Policies page instead.", field="document"
        )
    return _save_draft(session, policy, actor, text, filename, now)


def clean_file_name(name: str) -> str:
    """An uploaded file's name as it is kept and shown: no folders, and no control or invisible
    formatting characters, which could break a line of the page or log, or hide the real end of
    the name behind a right-to-left mark."""
    name = name.replace("\\", "/").rsplit("/", 1)[-1]
    spaced = "".join(" " if ch.isspace() else ch for ch in name)
    visible = "".join(ch for ch in spaced if unicodedata.category(ch) not in ("Cc", "Cf"))
    return " ".join(visible.split())[:200] or "policy.txt"


def draft_from_content_folder(
    session: Session, policy: PolicyRecord, actor: StaffMember, course: Course, now: datetime
) -> PolicyDraft:
    """A draft of the library's policy file, in the school's name (`course` is the school's)."""
    return _save_draft(session, policy, actor, course.policy, CONTENT_FOLDER_SOURCE, now)


def _save_draft(
    session: Session,
    policy: PolicyRecord,
    actor: StaffMember,
    text: Policy,
    source_name: str,
    now: datetime,
) -> PolicyDraft:
    policy_yaml = policy_to_yaml(text, source_name=source_name)
    current = current_version(session, policy)
    if version_policy(current) == text:
        raise DomainError(
            "That is the same policy as the version in force: there is nothing to publish.",
            field="document",
        )
    taken = session.scalar(
        select(PolicyVersion.id).where(
            PolicyVersion.policy_id == policy.id, PolicyVersion.label == text.version
        )
    )
    if taken is not None:
        raise DomainError(
            f"There is already a version called '{text.version}'. Give this one a new name, "
            "such as the month it was adopted.",
            field="label",
        )
    draft = PolicyDraft(
        school_id=policy.school_id,
        policy_id=policy.id,
        created_by_id=actor.id,
        source_name=source_name[:200],
        label=text.version,
        policy_yaml=policy_yaml,
        created_at=now,
    )
    session.add(draft)
    session.flush()
    return draft


def discard_draft(session: Session, policy: PolicyRecord, draft_id: int) -> None:
    session.delete(policy_draft(session, policy, draft_id))
    session.flush()


def policy_draft(session: Session, policy: PolicyRecord, draft_id: int) -> PolicyDraft:
    draft = session.get(PolicyDraft, draft_id)
    if draft is None or draft.policy_id != policy.id:
        raise NotFound("That draft has been published or discarded.")
    return draft


def policy_version(session: Session, policy: PolicyRecord, version_id: int) -> PolicyVersion:
    version = session.get(PolicyVersion, version_id)
    if version is None or version.policy_id != policy.id:
        raise NotFound("We could not find that version.")
    return version


@dataclass(frozen=True)
class DraftReview:
    """What the headteacher sees before publishing."""

    draft: PolicyDraft
    policy: Policy
    current: PolicyVersion
    changes: tuple[ClauseChange, ...]
    declaration_changed: bool
    untaught_clauses: tuple[str, ...]  # new clauses no lesson teaches yet
    lessons_to_reteach: tuple[str, ...]  # lesson titles whose clauses changed


def review_draft(
    session: Session, policy_record: PolicyRecord, draft_id: int, course: Course
) -> DraftReview:
    draft = policy_draft(session, policy_record, draft_id)
    policy = draft_policy(draft)
    current = current_version(session, policy_record)
    changes = clause_changes(current, draft.policy_yaml)
    changed_ids = {
        c.clause_id
        for c in changes
        if c.kind is not ClauseChangeKind.REMOVED and c.new is not None and not c.new.is_formal
    }
    taught = {clause_id for lesson in course.lessons for clause_id in lesson.clauses}
    return DraftReview(
        draft=draft,
        policy=policy,
        current=current,
        changes=changes,
        declaration_changed=declaration_changed(version_policy(current), policy),
        untaught_clauses=tuple(
            c.clause_id
            for c in changes
            if c.kind is ClauseChangeKind.ADDED and c.clause_id not in taught
        ),
        lessons_to_reteach=tuple(
            lesson.title for lesson in course.lessons if changed_ids & set(lesson.clauses)
        ),
    )


def publish_draft(
    session: Session,
    policy_record: PolicyRecord,
    actor: StaffMember,
    draft_id: int,
    *,
    change_kind: ChangeKind,
    reconfirm_by: date | None,
    today: date,
    now: datetime,
) -> PolicyVersion:
    """Publish a reviewed draft as the version in force. The caller commits once: all or nothing."""
    draft = policy_draft(session, policy_record, draft_id)
    if change_kind is ChangeKind.INITIAL:
        raise DomainError("Choose what this change asks of staff.", field="change_kind")
    if change_kind is ChangeKind.RECONFIRM_NOW:
        if reconfirm_by is None or reconfirm_by <= today:
            raise DomainError(
                "Give a deadline after today for everyone to confirm the new version.",
                field="reconfirm_by",
            )
    else:
        reconfirm_by = None
    policy = draft_policy(draft)
    previous = current_version(session, policy_record)
    changes = clause_changes(previous, draft.policy_yaml)
    version = PolicyVersion(
        school_id=policy_record.school_id,
        policy_id=policy_record.id,
        label=draft.label,
        title=policy.title,
        declaration_title=policy.declaration.title,
        declaration_text=policy.declaration.text,
        policy_yaml=draft.policy_yaml,
        content_hash=_hash(draft.policy_yaml),
        published_at=now,
        change_kind=change_kind,
        reconfirm_by=reconfirm_by,
        changed_clause_ids=[
            change.clause_id
            for change in changes
            if change.kind is not ClauseChangeKind.REMOVED
            and change.new is not None
            and not change.new.is_formal  # dates and adoption lines teach nothing
        ],
        published_by_id=actor.id,
    )
    session.add(version)
    session.delete(draft)
    session.flush()
    return version


def changes_since(force: InForce, signed_version_id: int | None) -> dict[str, ClauseChange]:
    """Each clause changed between the version signed and the one in force, by clause ID."""
    signed = next((v for v in force.versions if v.id == signed_version_id), None)
    if signed is None or signed.id == force.version.id:
        return {}
    changes = clause_changes(signed, force.version.policy_yaml)
    return {change.clause_id: change for change in changes}
