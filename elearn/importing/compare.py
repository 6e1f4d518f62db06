"""Whether a document is a new version of a policy, or another policy altogether. Pure."""

from __future__ import annotations

import re
import unicodedata

from elearn.content.schema import Policy

# Words every policy's title may hold, which say nothing about what it is about.
_TITLE_NOISE = frozenset(
    {"policy", "policies", "and", "the", "of", "for", "procedure", "procedures", "statement",
     "school", "schools", "academy", "staff", "guidance", "a", "an", "in", "on", "to", "our",
     "document", "draft", "final", "version", "v", "updated", "revised", "new"}
)  # fmt: skip
SAME_TITLE = 0.5  # share of the title's words in common above which two titles name one policy
SHARED_TEXT = 0.3  # share of word runs in common above which two texts are one policy's versions


def _words(text: str) -> list[str]:
    folded = unicodedata.normalize("NFKC", text).casefold().replace("’", "'")
    return re.findall(r"[a-z0-9']+", folded)


def _title_words(policy: Policy) -> set[str]:
    school = set(_words(policy.school))
    words = {word for word in _words(policy.title) if word not in _TITLE_NOISE}
    return (words - school) or set(_words(policy.title))


def _shingles(policy: Policy, size: int = 3) -> set[tuple[str, ...]]:
    words = [word for clause in policy.clauses for word in _words(clause.plain_text())]
    return {tuple(words[i : i + size]) for i in range(max(len(words) - size + 1, 0))}


def _overlap(first: set[object], second: set[object]) -> float:
    if not first or not second:
        return 0.0
    return len(first & second) / min(len(first), len(second))


def title_similarity(old: Policy, new: Policy) -> float:
    return _overlap(_title_words(old), _title_words(new))  # type: ignore[arg-type]


def text_overlap(old: Policy, new: Policy) -> float:
    """The share of the shorter text's three-word runs that the other text also has."""
    return _overlap(_shingles(old), _shingles(new))  # type: ignore[arg-type]


def is_new_version_of(old: Policy, new: Policy) -> tuple[bool, str]:
    """Whether `new` reads as a new version of `old`, and why in plain words.

    A new version keeps the policy's subject: its title names the same thing, or much of its text
    is the same (a renamed policy). A document with another title and little text in common is
    another policy, whatever it is uploaded as.
    """
    titles = title_similarity(old, new)
    shared = text_overlap(old, new)
    percent = round(shared * 100)
    if titles >= SAME_TITLE:
        return True, f"Both are the {old.title}; {percent}% of the text is the same."
    if shared >= SHARED_TEXT:
        return True, (
            f"The title has changed from ‘{old.title}’ to ‘{new.title}’, but {percent}% of the "
            "text is the same."
        )
    return False, (
        f"This document is the ‘{new.title}’, not a new version of the ‘{old.title}’: the titles "
        f"differ and only {percent}% of the text is the same."
    )
