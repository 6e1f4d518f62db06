"""Making new policy documents for version tests: the shipped policy with a clause reworded."""

from __future__ import annotations

from elearn.config import REPO_CONTENT_DIR

SOURCE = REPO_CONTENT_DIR / "policy" / "source" / "social-networking-policy.txt"
CLAUSE_234 = "Staff should never ‘friend’ a pupil at the school where they are working onto their"
REWORDED_234 = "Staff must never ‘friend’ or follow a pupil at the school where they are working on"


def reworded_policy(adopted: str = "November 2026") -> bytes:
    """The shipped policy with clause 2.3.4 reworded and a new adoption date."""
    text = SOURCE.read_text(encoding="utf-8")
    assert CLAUSE_234 in text
    text = text.replace(CLAUSE_234, REWORDED_234)
    adoption = "Date adopted by Governing Body: "
    text = text.replace(f"{adoption}November 2023", f"{adoption}{adopted}")
    return text.encode("utf-8")
