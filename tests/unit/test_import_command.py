"""`elearn content import-policy` on Word, PDF, text and Markdown documents."""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner

from elearn.content.cli import content
from elearn.content.policy_file import load_policy
from elearn.importing import import_document

CORPUS = Path(__file__).parents[1] / "fixtures" / "policies" / "corpus"


def _run(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(content, ["import-policy", *args])
    return result.exit_code, result.output


def test_a_word_document_is_imported_and_its_skipped_lines_listed(tmp_path: Path) -> None:
    source = CORPUS / "child-protection-policy.docx"
    out = tmp_path / "policy.yaml"

    code, output = _run(str(source), "--out", str(out))

    assert code == 0, output
    assert load_policy(out) == import_document(source.name, source.read_bytes()).policy
    assert "line 12 (contents list): Contents" in output
    assert "(version history): Version Date Author Summary of changes" in output
    assert "(page header): Riverside Community Primary School" in output


def test_a_pdf_takes_the_school_and_title_given(tmp_path: Path) -> None:
    out = tmp_path / "policy.yaml"

    code, output = _run(
        str(CORPUS / "whistleblowing-policy.pdf"),
        "--out",
        str(out),
        "--school",
        "Elm Tree Infant School",
        "--title",
        "Whistleblowing Policy",
        "--version",
        "April 2024",
    )

    assert code == 0, output
    policy = load_policy(out)
    assert (policy.school, policy.title, policy.version) == (
        "Elm Tree Infant School",
        "Whistleblowing Policy",
        "April 2024",
    )


def test_a_missing_school_date_and_slip_are_warnings_not_refusals(tmp_path: Path) -> None:
    source = tmp_path / "visits.txt"
    source.write_text("Home Visits Policy\n\n1. Visits\n1.1 Staff must plan.\n", encoding="utf-8")

    code, output = _run(str(source), "--out", str(tmp_path / "policy.yaml"))

    assert code == 0, output
    assert "no-school:" in output
    assert "no-declaration:" in output
    assert "no-version:" in output


def test_a_markdown_document_is_imported(tmp_path: Path) -> None:
    code, output = _run(str(CORPUS / "acceptable-use-policy.md"), "--out", str(tmp_path / "p.yaml"))

    assert code == 0, output
    assert "Staff Acceptable Use Policy, Meadowbank Infant School, version June 2024" in output


def test_a_file_that_is_not_a_pdf_fails_in_one_line(tmp_path: Path) -> None:
    source = tmp_path / "policy.pdf"
    source.write_bytes(b"%PDF-1.4 this is not really a PDF")

    code, output = _run(str(source), "--out", str(tmp_path / "policy.yaml"))

    assert code == 1
    assert output.count("\n") == 1
    assert "could not be read as a PDF" in output


def test_a_file_that_is_not_a_word_document_fails_in_one_line(tmp_path: Path) -> None:
    source = tmp_path / "policy.docx"
    source.write_bytes(b"PK\x03\x04 not a zip at all")

    code, output = _run(str(source), "--out", str(tmp_path / "policy.yaml"))

    assert code == 1
    assert "could not be read as a Word document" in output


def test_another_kind_of_file_is_refused_with_the_kinds_that_work(tmp_path: Path) -> None:
    source = tmp_path / "policy.odt"
    source.write_bytes(b"anything")

    code, output = _run(str(source), "--out", str(tmp_path / "policy.yaml"))

    assert code == 1
    assert "Word document (.docx), a PDF, plain text (.txt) or Markdown (.md)" in output
