"""A school's policies: added from the content library, each with its rules, retired when done.

Rules start as the school's defaults and are the policy's own from then on: who must do it, how
long a declaration lasts, the days new starters have, the due-soon window, the pass mark and the
size of the assessment, and whether staff learn, pass and sign or simply read and sign.
"""

from __future__ import annotations

import calendar
import dataclasses
import threading
from collections import OrderedDict
from datetime import date, datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from elearn.accounts.api import Category, School, StaffMember
from elearn.clock import school_date
from elearn.content.placeholders import course_for_school
from elearn.content.schema import Course, Lesson, Library
from elearn.content.schema import Policy as PolicyText
from elearn.errors import DomainError, NotFound
from elearn.policies.models import Policy, PolicyMode
from elearn.status import Rules

READING_LESSON_ID = "the-policy"
WORDS_READ_A_MINUTE = 200
LARGEST_ASSESSMENT = 50


def school_policies(
    session: Session, school: School, *, include_retired: bool = False
) -> list[Policy]:
    """The school's policies in the order they were added."""
    query = select(Policy).where(Policy.school_id == school.id)
    if not include_retired:
        query = query.where(Policy.retired_at.is_(None))
    return list(session.scalars(query.order_by(Policy.id)))


def policy_by_slug(session: Session, school: School, slug: str) -> Policy:
    policy = session.scalars(
        select(Policy).where(Policy.school_id == school.id, Policy.slug == slug)
    ).first()
    if policy is None:
        raise NotFound("We could not find that policy.")
    return policy


def policy_by_id(session: Session, policy_id: int) -> Policy:
    """One policy by its id, within whatever school the session is limited to."""
    policy = session.get(Policy, policy_id)
    if policy is None:
        raise NotFound("We could not find that policy.")
    return policy


def policies_for(policies: list[Policy], member: StaffMember) -> list[Policy]:
    """The policies `member` must read and sign: in force, and for their category."""
    return [policy for policy in policies if policy.applies_to(member.category)]


def add_policy(session: Session, school: School, course: Course, now: datetime) -> Policy:
    """Add a library course to the school as a policy, under the school's default rules."""
    taken = session.scalar(
        select(Policy.id).where(Policy.school_id == school.id, Policy.slug == course.slug)
    )
    if taken is not None:
        raise DomainError(f"The school already has the {course.title}.", field="slug")
    policy = Policy(
        school_id=school.id,
        slug=course.slug,
        title=course.title,
        mode=PolicyMode.LEARN if course.lessons else PolicyMode.READ,
        audience=[],
        validity_months=school.validity_months,
        renewal_month=school.renewal_month,
        renewal_day=school.renewal_day,
        due_soon_days=school.due_soon_days,
        induction_days=school.induction_days,
        pass_mark=course.pass_mark,
        assessment_size=min(course.assessment_size, max(course.bank_size, 1)),
        created_at=now,
    )
    session.add(policy)
    session.flush()
    return policy


@dataclasses.dataclass(frozen=True)
class RulesChange:
    """What the headteacher may set for one policy."""

    mode: PolicyMode
    audience: frozenset[Category]  # empty: everyone
    validity_months: int
    renewal_month: int | None
    renewal_day: int | None
    due_soon_days: int
    induction_days: int
    pass_mark: int
    assessment_size: int
    rollout_by: date | None = None  # staff in post when it came in: signed by then


def check_renewal_date(renewal_day: int | None, renewal_month: int | None) -> None:
    """A fixed renewal date needs both parts, and a day that is in the month."""
    if (renewal_day is None) != (renewal_month is None):
        raise DomainError(
            "Enter both the day and the month of the renewal date.", field="renewal_day"
        )
    # 29 February is allowed (2024 is a leap year): in other years it falls on 28 February.
    if (
        renewal_day is not None
        and renewal_month is not None
        and renewal_day > calendar.monthrange(2024, renewal_month)[1]
    ):
        raise DomainError("That day is not in that month.", field="renewal_day")


def update_rules(policy: Policy, change: RulesChange, course: Course) -> None:
    """Set one policy's rules. Learning needs questions to draw an assessment from."""
    check_renewal_date(change.renewal_day, change.renewal_month)
    if change.mode is PolicyMode.LEARN and not course.lessons:
        raise DomainError(
            "This policy has no lessons or questions yet: staff can only read and sign it.",
            field="mode",
        )
    bank = course.bank_size
    if change.mode is PolicyMode.LEARN and change.assessment_size > bank:
        raise DomainError(
            f"The assessment can ask at most {bank} questions: that is all the course has.",
            field="assessment_size",
        )
    policy.mode = change.mode
    policy.audience = sorted(category.value for category in change.audience)
    policy.validity_months = change.validity_months
    policy.renewal_month = change.renewal_month
    policy.renewal_day = change.renewal_day
    policy.due_soon_days = change.due_soon_days
    policy.induction_days = change.induction_days
    policy.pass_mark = change.pass_mark
    policy.assessment_size = change.assessment_size
    policy.rollout_by = change.rollout_by


def retire(policy: Policy, now: datetime) -> None:
    """No longer asked of anyone; every record and certificate is kept."""
    if policy.retired_at is None:
        policy.retired_at = now


def restore(policy: Policy) -> None:
    policy.retired_at = None


def update_school_defaults(
    school: School,
    *,
    validity_months: int,
    due_soon_days: int,
    induction_days: int,
    renewal_day: int | None,
    renewal_month: int | None,
) -> None:
    """Set the rules each new policy starts with; a fixed renewal date replaces the months."""
    check_renewal_date(renewal_day, renewal_month)
    school.validity_months = validity_months
    school.due_soon_days = due_soon_days
    school.induction_days = induction_days
    school.renewal_day = renewal_day
    school.renewal_month = renewal_month


def rollout_deadline(policy: Policy, member: StaffMember) -> date | None:
    """When someone already in post when the policy was introduced must have signed it: its
    rollout deadline, or the induction days from the day it was introduced. None for a new
    starter, who has the induction days from their first day."""
    introduced = school_date(policy.created_at)
    if not (member.is_existing_staff or member.starts_on < introduced):
        return None
    return policy.rollout_by or introduced + timedelta(days=policy.induction_days)


def rules_of(policy: Policy) -> Rules:
    renewal = None
    if policy.renewal_month is not None and policy.renewal_day is not None:
        renewal = (policy.renewal_month, policy.renewal_day)
    return Rules(
        validity_months=policy.validity_months,
        due_soon_days=policy.due_soon_days,
        induction_days=policy.induction_days,
        renewal_month_day=renewal,
    )


def library_course(library: Library, policy: Policy) -> Course:
    try:
        return library.course(policy.slug)
    except KeyError:
        raise NotFound(
            f"The course for the {policy.title} is not in this site's content library. Ask the "
            "person who looks after the site to put it back."
        ) from None


_courses: OrderedDict[tuple[int, str, str, str], tuple[Course, Course]] = OrderedDict()
_courses_lock = threading.Lock()
_COURSES_KEPT = 256


def course_for(
    library: Library, policy: Policy, school_name: str, text: PolicyText, text_key: str
) -> Course:
    """The course staff follow for `policy`: the library's, in the school's name, and for a policy
    staff read and sign, one page holding every clause of `text`, the version in force.

    Made once per course, school, mode and version (`text_key` names the version's text).
    """
    base = library_course(library, policy)
    key = (id(base), school_name, policy.mode.value, text_key)
    with _courses_lock:
        cached = _courses.get(key)
        if cached is not None and cached[0] is base:
            return cached[1]
    course = course_for_school(base, school_name)
    if policy.mode is PolicyMode.READ:
        course = dataclasses.replace(course, lessons=(_reading_lesson(text),))
    with _courses_lock:
        _courses[key] = (base, course)
        while len(_courses) > _COURSES_KEPT:
            _courses.popitem(last=False)
    return course


def _reading_lesson(text: PolicyText) -> Lesson:
    words = sum(len(clause.words()) for clause in text.clauses)
    return Lesson(
        id=READING_LESSON_ID,
        title=f"Read the {text.title}",
        summary="The whole policy, word for word. Read it all, then sign the declaration.",
        clauses=tuple(clause.id for clause in text.clauses),
        reading_minutes=max(1, round(words / WORDS_READ_A_MINUTE)),
        outcomes=(),
        key_points=(),
        scenarios=(),
        practice=(),
        questions=(),
        shows_full_text=True,
    )
