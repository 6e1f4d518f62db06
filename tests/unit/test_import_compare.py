"""Telling a new version of a policy from another policy uploaded in its place."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

from elearn.content.policy_import import import_policy
from elearn.content.schema import Policy
from elearn.importing import import_document, is_new_version_of

REPO = Path(__file__).parents[2]
SOURCE = (
    REPO / "content" / "social-networking" / "policy" / "source" / "social-networking-policy.txt"
)
CORPUS = REPO / "tests" / "fixtures" / "policies" / "corpus"


@pytest.fixture(scope="module")
def social_networking() -> Policy:
    return import_policy(SOURCE.read_text(encoding="utf-8"))


def _corpus(name: str) -> Policy:
    return import_document(name, (CORPUS / name).read_bytes()).policy


def test_a_reworded_clause_is_a_new_version(social_networking: Policy) -> None:
    text = SOURCE.read_text(encoding="utf-8").replace("should never", "must never")

    is_version, reason = is_new_version_of(social_networking, import_policy(text))

    assert is_version
    assert reason.startswith("Both are the Social Networking Policy")


def test_a_whistleblowing_policy_is_not_a_new_version_of_social_networking(
    social_networking: Policy,
) -> None:
    is_version, reason = is_new_version_of(social_networking, _corpus("whistleblowing-policy.pdf"))

    assert not is_version
    assert "not a new version of the ‘Social Networking Policy’" in reason


def test_a_renamed_policy_with_the_same_text_is_a_new_version(social_networking: Policy) -> None:
    renamed = dataclasses.replace(social_networking, title="Online Conduct Policy")

    is_version, reason = is_new_version_of(social_networking, renamed)

    assert is_version
    assert "The title has changed" in reason


def test_the_same_policy_from_another_school_is_a_new_version() -> None:
    word = _corpus("staff-code-of-conduct.docx")
    pdf = _corpus("staff-code-of-conduct.pdf")

    assert is_new_version_of(word, dataclasses.replace(pdf, school="Elm Tree Infant School"))[0]


@pytest.mark.parametrize(
    ("old", "new"),
    [
        pytest.param("child-protection-policy.docx", "online-safety-policy.docx", id="cp-os"),
        pytest.param("staff-code-of-conduct.pdf", "intimate-care-policy.txt", id="coc-ic"),
        pytest.param("data-protection-policy.txt", "acceptable-use-policy.md", id="dp-aup"),
    ],
)
def test_policies_on_other_subjects_are_told_apart(old: str, new: str) -> None:
    assert not is_new_version_of(_corpus(old), _corpus(new))[0]
