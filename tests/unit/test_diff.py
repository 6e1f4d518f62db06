"""The clause diff: runs of kept, added and removed words, in bounded time however long."""

from __future__ import annotations

import random
import time

import pytest

from elearn.versions.diff import MAX_WORDS_COMPARED, Segment, SegmentKind, word_diff

SAME, ADDED, REMOVED = SegmentKind.SAME, SegmentKind.ADDED, SegmentKind.REMOVED
VOCABULARY = ["the", "staff", "pupil", "must", "never", "school", "social", "media", "and", "or"]


def words(text: str) -> list[str]:
    return text.split()


def old_text(segments: tuple[Segment, ...]) -> list[str]:
    return [w for s in segments if s.kind is not ADDED for w in s.text.split()]


def new_text(segments: tuple[Segment, ...]) -> list[str]:
    return [w for s in segments if s.kind is not REMOVED for w in s.text.split()]


def random_words(seed: int, count: int) -> list[str]:
    draw = random.Random(seed)
    return [draw.choice(VOCABULARY) for _ in range(count)]


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [
        ("staff should never", "staff must never", [(SAME, "staff"), (REMOVED, "should"),
                                                    (ADDED, "must"), (SAME, "never")]),
        ("a b c", "a b c d", [(SAME, "a b c"), (ADDED, "d")]),
        ("x a b", "a b", [(REMOVED, "x"), (SAME, "a b")]),
        ("a b", "c d", [(REMOVED, "a b"), (ADDED, "c d")]),
        ("a x b y c", "a b c", [(SAME, "a"), (REMOVED, "x"), (SAME, "b"), (REMOVED, "y"),
                                (SAME, "c")]),
    ],
    ids=["reworded", "added-at-end", "removed-at-start", "all-new", "two-removals"],
)  # fmt: skip
def test_word_diff_shows_what_stayed_and_what_changed(
    old: str, new: str, expected: list[tuple[SegmentKind, str]]
) -> None:
    assert [(s.kind, s.text) for s in word_diff(words(old), words(new))] == expected


def test_a_long_clause_with_one_word_changed_is_diffed_exactly_and_quickly() -> None:
    old = random_words(1, 50_000)
    new = [*old[:25_000], "changed", *old[25_001:]]
    started = time.perf_counter()
    segments = word_diff(old, new)
    assert time.perf_counter() - started < 1
    assert [s.kind for s in segments] == [SAME, REMOVED, ADDED, SAME]
    assert segments[2].text == "changed"


def test_two_long_unrelated_clauses_take_bounded_time() -> None:
    # Ten thousand words a side took difflib ten seconds; the diff must not grow with the square.
    old, new = random_words(1, 10_000), random_words(2, 10_000)
    started = time.perf_counter()
    segments = word_diff(old, new)
    assert time.perf_counter() - started < 1
    assert (old_text(segments), new_text(segments)) == (old, new)


def test_a_middle_within_the_bound_is_still_compared_word_by_word() -> None:
    side = int(MAX_WORDS_COMPARED**0.5)
    old = random_words(3, side)
    new = [*old[:10], "inserted", *old[10:-10], "appended", *old[-10:]]
    segments = word_diff(old, new)
    assert [s.text for s in segments if s.kind is ADDED] == ["inserted", "appended"]
    assert (old_text(segments), new_text(segments)) == (old, new)
