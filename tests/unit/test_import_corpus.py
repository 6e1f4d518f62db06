"""The fixture corpus: Word, PDF, text and Markdown policies against their expected outlines.

The exact-clause rate is the share of clauses read with the same number, title and text as the
document printed them, counting every clause the importer made up as a miss too. Print it with:

    .venv/bin/python -m pytest -q tests/unit/test_import_corpus.py -k rate -s
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import pytest
import yaml

from elearn.importing import ImportResult, import_document

CORPUS = Path(__file__).parents[1] / "fixtures" / "policies" / "corpus"
DOCUMENTS = sorted(path for path in CORPUS.iterdir() if not path.name.endswith(".yaml"))
REQUIRED_RATE = 0.98


def _expected(path: Path) -> dict[str, object]:
    stem = path.name.rsplit(".", 1)[0]
    return yaml.safe_load((CORPUS / f"{stem}.expected.yaml").read_text(encoding="utf-8"))


def _import(path: Path) -> ImportResult:
    return import_document(path.name, path.read_bytes())


@dataclass(frozen=True)
class Score:
    matched: int
    expected: int
    extra: int
    missed: tuple[tuple[str | None, str | None, str], ...]
    made_up: tuple[tuple[str | None, str | None, str], ...]


def _score(path: Path) -> Score:
    wanted = Counter(
        (clause["number"], clause["title"], clause["text"])
        for clause in _expected(path)["clauses"]  # type: ignore[union-attr]
    )
    got = Counter(
        (clause.number, clause.title, clause.plain_text())
        for clause in _import(path).policy.clauses
    )
    matched = wanted & got
    return Score(
        sum(matched.values()),
        sum(wanted.values()),
        sum((got - wanted).values()),
        tuple((wanted - got).elements()),
        tuple((got - wanted).elements()),
    )


@pytest.fixture(scope="module")
def scores() -> dict[str, Score]:
    return {path.name: _score(path) for path in DOCUMENTS}


def test_exact_clause_rate_over_the_corpus_is_at_least_98_percent(
    scores: dict[str, Score],
) -> None:
    matched = sum(score.matched for score in scores.values())
    counted = sum(score.expected + score.extra for score in scores.values())
    for name, score in scores.items():
        print(f"{name}: {score.matched}/{score.expected} exact, {score.extra} made up")
        for miss in score.missed:
            print(f"  missed {miss}")
        for extra in score.made_up:
            print(f"  made up {extra}")
    rate = matched / counted
    print(f"exact-clause rate: {matched}/{counted} = {rate:.1%} over {len(scores)} documents")

    assert rate >= REQUIRED_RATE


@pytest.mark.parametrize("path", DOCUMENTS, ids=[path.name for path in DOCUMENTS])
def test_every_source_line_is_kept_or_skipped_exactly_once(path: Path) -> None:
    result = _import(path)

    by_line: dict[int, list[str]] = {}
    for fate in result.fates:
        assert (fate.kept is None) != (fate.skipped is None), fate
        by_line.setdefault(fate.line, []).append(fate.text)

    assert {line.number: line.text for line in result.source.lines} == {
        number: " ".join(texts) for number, texts in by_line.items()
    }


@pytest.mark.parametrize("path", DOCUMENTS, ids=[path.name for path in DOCUMENTS])
def test_no_header_footer_contents_or_history_line_becomes_a_clause(path: Path) -> None:
    result = _import(path)
    expected = _expected(path)
    wanted = " ".join(clause["text"] for clause in expected["clauses"])  # type: ignore[union-attr]
    texts = [clause.plain_text() for clause in result.policy.clauses]

    assert not [
        (line, text)
        for line in expected["not_clauses"]  # type: ignore[union-attr]
        for text in texts
        if line in text and line not in wanted  # a header may name the school the text names
    ]
    assert not any("Error! Bookmark" in text or "......" in text for text in texts)


@pytest.mark.parametrize("path", DOCUMENTS, ids=[path.name for path in DOCUMENTS])
def test_title_and_school_are_read_from_the_document(path: Path) -> None:
    policy = _import(path).policy
    expected = _expected(path)

    assert (policy.title, policy.school) == (expected["title"], expected["school"])


@pytest.mark.parametrize("path", DOCUMENTS, ids=[path.name for path in DOCUMENTS])
def test_a_document_without_a_declaration_gets_a_standard_one_with_a_warning(
    path: Path,
) -> None:
    policy = _import(path).policy
    warned = "no-declaration" in [warning.code for warning in policy.warnings]

    assert warned is not _expected(path)["has_declaration"]
