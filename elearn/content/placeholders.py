"""A course as one school reads it: its own name wherever the course names the school.

Lessons write `{school}` where they name the school. The policy file stays the document's own
words; the course lists the phrases by which it names the school it was written for
(`names_the_school` in course.yaml), and a school that adopts the course reads its own name there
instead, in clauses and declaration alike. The school the document was written for reads it
exactly as written. Pure: a `Course` and a name in, a `Course` out.
"""

from __future__ import annotations

import dataclasses
import enum
import re
import threading
import unicodedata
from collections import OrderedDict
from collections.abc import Callable
from typing import Any, TypeVar

from elearn.content.policy_file import policy_to_yaml
from elearn.content.schema import Course, Policy

SCHOOL = "{school}"
T = TypeVar("T")
_CACHE_SIZE = 512
_cache: OrderedDict[tuple[int, str], tuple[Course, Course]] = OrderedDict()
_cache_lock = threading.Lock()


def _folded(name: str) -> str:
    text = unicodedata.normalize("NFKC", name).casefold().replace("’", "'")
    text = re.sub(r"\bchurch of england\b", "ce", text)
    text = re.sub(r"[^\w' ]+", " ", text)
    return " ".join(text.split())


def is_same_school(first: str, second: str) -> bool:
    """True when two names plainly name one school ("CE" for "Church of England", any quotes)."""
    return _folded(first) == _folded(second)


def _replace_text(value: T, replace: Callable[[str], str]) -> T:
    """`value` with `replace` applied to every string inside it, however deeply nested (names
    such as a question's type are enum members, not text, and stay as they are)."""
    if isinstance(value, enum.Enum):
        return value
    if isinstance(value, str):
        return replace(value)  # type: ignore[return-value]
    if isinstance(value, tuple):
        return tuple(_replace_text(item, replace) for item in value)  # type: ignore[return-value]
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        changes: dict[str, Any] = {
            field.name: _replace_text(getattr(value, field.name), replace)
            for field in dataclasses.fields(value)
            if field.init and field.compare
        }
        return dataclasses.replace(value, **changes)  # type: ignore[type-var]
    return value


def policy_for_school(
    policy: Policy, names_the_school: tuple[tuple[str, str], ...], school_name: str
) -> Policy:
    """The policy with the school's own name where it names the school it was written for."""
    if is_same_school(policy.school, school_name):
        return policy
    filled = dataclasses.replace(policy, school=school_name)
    if not names_the_school:
        return filled
    replacements = {
        phrase: replacement.replace(SCHOOL, school_name) for phrase, replacement in names_the_school
    }
    pattern = re.compile(
        "|".join(re.escape(phrase) for phrase in sorted(replacements, key=len, reverse=True))
    )
    sections = _replace_text(
        policy.sections, lambda text: pattern.sub(lambda m: replacements[m.group(0)], text)
    )
    declaration = _replace_text(
        policy.declaration, lambda text: pattern.sub(lambda m: replacements[m.group(0)], text)
    )
    return dataclasses.replace(filled, sections=sections, declaration=declaration)


def course_for_school(course: Course, school_name: str) -> Course:
    """The course as `school_name`'s staff read it. Made once per course and school."""
    key = (id(course), school_name)
    with _cache_lock:
        cached = _cache.get(key)
        if cached is not None and cached[0] is course:
            _cache.move_to_end(key)
            return cached[1]
    filled = _fill(course, school_name)
    with _cache_lock:
        _cache[key] = (course, filled)
        while len(_cache) > _CACHE_SIZE:
            _cache.popitem(last=False)
    return filled


def _fill(course: Course, school_name: str) -> Course:
    lessons = _replace_text(course.lessons, lambda text: text.replace(SCHOOL, school_name))
    policy = policy_for_school(course.policy, course.names_the_school, school_name)
    policy_text = course.policy_text
    if policy != course.policy:
        policy_text = policy_to_yaml(policy, source_name=course.policy_source or course.policy_file)
    return dataclasses.replace(course, lessons=lessons, policy=policy, policy_text=policy_text)
