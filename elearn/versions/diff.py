"""What changed between two versions of the policy, clause by clause and word by word. Pure."""

from __future__ import annotations

import difflib
import enum
from dataclasses import dataclass

from elearn.content.schema import Clause, Policy


class ChangeKind(enum.StrEnum):
    ADDED = "added"
    REMOVED = "removed"
    REWORDED = "reworded"


class SegmentKind(enum.StrEnum):
    SAME = "same"
    ADDED = "added"
    REMOVED = "removed"


@dataclass(frozen=True)
class Segment:
    """A run of words that stayed, or were added or removed."""

    kind: SegmentKind
    text: str


@dataclass(frozen=True)
class ClauseChange:
    clause_id: str
    kind: ChangeKind
    old: Clause | None
    new: Clause | None
    segments: tuple[Segment, ...] = ()

    @property
    def label(self) -> str:
        clause = self.new or self.old
        return clause.label if clause is not None else self.clause_id


# difflib's matcher takes time in proportion to the product of the two lengths it compares (ten
# thousand words a side took ten seconds). Beyond this product, what lies between the words the
# two versions share at the start and at the end is shown as removed and added whole.
MAX_WORDS_COMPARED = 250_000


def word_diff(old_words: list[str], new_words: list[str]) -> tuple[Segment, ...]:
    """The new text as runs of kept, added and removed words, for highlighting.

    Bounded in time whatever the lengths: the words both versions start and end with are matched
    in one pass, and only a middle of at most `MAX_WORDS_COMPARED` (old x new words) is compared
    word by word.
    """
    start = 0
    most = min(len(old_words), len(new_words))
    while start < most and old_words[start] == new_words[start]:
        start += 1
    end = 0
    while end < most - start and old_words[-1 - end] == new_words[-1 - end]:
        end += 1
    old_middle = old_words[start : len(old_words) - end]
    new_middle = new_words[start : len(new_words) - end]
    segments = []
    if start:
        segments.append(Segment(SegmentKind.SAME, " ".join(new_words[:start])))
    if len(old_middle) * len(new_middle) <= MAX_WORDS_COMPARED:
        segments += _compared(old_middle, new_middle)
    else:
        segments += _replaced(old_middle, new_middle)
    if end:
        segments.append(Segment(SegmentKind.SAME, " ".join(new_words[len(new_words) - end :])))
    return tuple(segments)


def _compared(old_words: list[str], new_words: list[str]) -> list[Segment]:
    segments = []
    matcher = difflib.SequenceMatcher(a=old_words, b=new_words, autojunk=False)
    for tag, old_start, old_end, new_start, new_end in matcher.get_opcodes():
        if tag == "equal":
            segments.append(Segment(SegmentKind.SAME, " ".join(new_words[new_start:new_end])))
            continue
        segments += _replaced(old_words[old_start:old_end], new_words[new_start:new_end])
    return segments


def _replaced(old_words: list[str], new_words: list[str]) -> list[Segment]:
    segments = []
    if old_words:
        segments.append(Segment(SegmentKind.REMOVED, " ".join(old_words)))
    if new_words:
        segments.append(Segment(SegmentKind.ADDED, " ".join(new_words)))
    return segments


def _words(clause: Clause) -> list[str]:
    return ([clause.title] if clause.title else []) + clause.words()


def diff_policies(old: Policy, new: Policy) -> tuple[ClauseChange, ...]:
    """Clauses added, removed or reworded, in the new policy's order (removed ones last).

    A clause is the same clause when it keeps its ID; a change of spacing or line breaks alone is
    not a rewording.
    """
    old_clauses = {clause.id: clause for clause in old.clauses}
    changes = []
    for clause in new.clauses:
        before = old_clauses.pop(clause.id, None)
        if before is None:
            changes.append(ClauseChange(clause.id, ChangeKind.ADDED, None, clause))
        elif _words(before) != _words(clause):
            segments = word_diff(_words(before), _words(clause))
            changes.append(ClauseChange(clause.id, ChangeKind.REWORDED, before, clause, segments))
    changes += [
        ClauseChange(clause_id, ChangeKind.REMOVED, clause, None)
        for clause_id, clause in old_clauses.items()
    ]
    return tuple(changes)


def declaration_changed(old: Policy, new: Policy) -> bool:
    return old.declaration.text.split() != new.declaration.text.split()
