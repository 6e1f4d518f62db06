"""The importing pipeline, layout by layout: numbering, page furniture, the cover, accounting."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from docx import Document

from elearn.content.schema import BlockKind, Policy
from elearn.importing import ImportResult, PolicyImportError, import_document, import_text

REPO = Path(__file__).parents[2]
SOURCE = (
    REPO / "content" / "social-networking" / "policy" / "source" / "social-networking-policy.txt"
)
TOP = "Elm Tree Infant School\nHome Visits Policy\n\n"
SLIP = "\nDeclaration of receipt\nI confirm that I have read the policy.\n"


def _read(body: str, **options: str) -> Policy:
    return import_text(TOP + body + SLIP, version="Summer 2025", **options).policy


def _numbers(policy: Policy) -> list[tuple[str | None, str]]:
    return [(clause.number, clause.plain_text()) for clause in policy.clauses]


# --- Every line accounted for ---------------------------------------------------------------------


def _accounted(result: ImportResult) -> dict[int, str]:
    parts: dict[int, list[str]] = {}
    for fate in result.fates:
        parts.setdefault(fate.line, []).append(fate.text)
    return {line: " ".join(texts) for line, texts in parts.items()}


def test_every_line_of_the_shipped_policy_is_kept_or_skipped_exactly_once() -> None:
    result = import_text(SOURCE.read_text(encoding="utf-8"))

    assert _accounted(result) == {line.number: line.text for line in result.source.lines}


def test_the_2007_footer_is_skipped_as_a_footer_run_into_the_text() -> None:
    result = import_text(SOURCE.read_text(encoding="utf-8"))

    footer = [fate for fate in result.skipped if "Directorate" in fate.text]

    assert [(fate.text, fate.skipped) for fate in footer] == [
        (
            "Children, Families and Education Directorate page 38 April 2007.",
            "page footer run into the text",
        )
    ]
    assert [fate.kept for fate in result.fates if fate.line == footer[0].line] == [
        "clause A.public-order-act-1986",
        None,
    ]


def test_each_kept_line_names_the_clause_that_holds_its_words() -> None:
    result = import_text(SOURCE.read_text(encoding="utf-8"))
    policy = result.policy

    for fate in result.kept:
        if fate.kept and fate.kept.startswith("clause "):
            clause = policy.clause(fate.kept.removeprefix("clause "))
            words = set(" ".join([clause.number or "", clause.title or ""]).split())
            words |= set(clause.plain_text().replace("-", " ").split())
            line_words = fate.text.replace("-", " ").split()
            assert sum(word in words for word in line_words) >= len(line_words) - 2, fate


# --- Numbering ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("heading", "section_id"),
    [
        pytest.param("Section 1: Visits", "1", id="section-colon"),
        pytest.param("1. Visits", "1", id="one-dot"),
        pytest.param("1.0 Visits", "1", id="one-point-zero"),
        pytest.param("1 Visits", "1", id="bare-number"),
        pytest.param("Part 1 – Visits", "1", id="part"),
        pytest.param("1\nVisits", "1", id="number-on-its-own-line"),
        pytest.param("1.0\nVisits", "1", id="point-zero-on-its-own-line"),
    ],
)
def test_section_numbering_styles(heading: str, section_id: str) -> None:
    policy = _read(f"{heading}\n\n1.1 Staff must plan every visit.\n1.2 Staff must go in pairs.\n")

    assert [(section.id, section.title) for section in policy.sections] == [(section_id, "Visits")]
    assert _numbers(policy) == [
        ("1.1", "Staff must plan every visit."),
        ("1.2", "Staff must go in pairs."),
    ]


def test_a_clause_number_on_its_own_line_joins_its_text() -> None:
    policy = _read("1. Visits\n\n1.1\nStaff must plan every visit.\n\n1.2\nStaff go in pairs.\n")

    assert _numbers(policy) == [
        ("1.1", "Staff must plan every visit."),
        ("1.2", "Staff go in pairs."),
    ]


def test_a_run_in_heading_heads_its_own_clause_where_numbers_go_no_deeper() -> None:
    policy = _read(
        "3. Equality\n\n3.1 Harassment or Victimisation\nStaff must not harass anyone.\n\n"
        "3.2 Reporting\nStaff report harassment to the headteacher.\n"
    )

    assert [(c.number, c.title, c.plain_text()) for c in policy.clauses] == [
        ("3.1", "Harassment or Victimisation", "Staff must not harass anyone."),
        ("3.2", "Reporting", "Staff report harassment to the headteacher."),
    ]


@pytest.mark.parametrize(
    "labels",
    [
        pytest.param(("(a)", "(b)"), id="bracketed-letters"),
        pytest.param(("a)", "b)"), id="letters"),
        pytest.param(("i.", "ii."), id="roman"),
        pytest.param(("(i)", "(ii)"), id="bracketed-roman"),
    ],
)
def test_lettered_sub_items_stay_in_their_clause_with_their_labels(
    labels: tuple[str, str],
) -> None:
    first, second = labels
    policy = _read(
        f"1. Visits\n\n1.1 Staff must:\n{first} tell the office;\n{second} carry a phone.\n"
    )

    assert policy.clause("1.1").blocks[1].items == (
        f"{first} tell the office;",
        f"{second} carry a phone.",
    )


def test_paragraphs_numbered_right_through_under_plain_headings() -> None:
    policy = _read(
        "INTRODUCTION\n\n1. Staff must plan every visit.\n\n2. Staff go in pairs.\n\n"
        "REPORTING\n\n3. Staff report every visit on the day.\n"
    )

    assert [section.title for section in policy.sections] == ["INTRODUCTION", "REPORTING"]
    assert [clause.number for clause in policy.clauses] == ["1", "2", "3"]


def test_a_document_without_numbers_takes_its_sections_from_capitals() -> None:
    policy = _read(
        "AIMS\n\nWe keep children safe on visits.\n\nRESPONSIBILITIES\n\n"
        "The headteacher approves every visit.\n"
    )

    assert [(section.id, section.title) for section in policy.sections] == [
        ("1", "AIMS"),
        ("2", "RESPONSIBILITIES"),
    ]
    assert [clause.id for clause in policy.clauses] == ["1.p1", "2.p1"]


# --- What is not policy text ----------------------------------------------------------------------


def test_a_contents_list_is_set_aside() -> None:
    result = import_text(
        TOP + "Contents\n1. Visits ............ 2\n2. Reporting 3\nAppendix A Error! Bookmark not "
        "defined.\n\n1. Visits\n1.1 Staff must plan.\n2. Reporting\n2.1 Staff report.\n" + SLIP,
        version="Summer 2025",
    )

    assert [fate.skipped for fate in result.skipped] == ["contents list"] * 4
    assert _numbers(result.policy) == [("1.1", "Staff must plan."), ("2.1", "Staff report.")]


def test_a_version_history_is_set_aside() -> None:
    result = import_text(
        TOP + "Version control\nVersion   Date        Changes\n1.0       01/09/2023  New\n"
        "1.1       01/09/2024  Contacts\n\n1. Visits\n1.1 Staff must plan.\n" + SLIP,
        version="Summer 2025",
    )

    assert [fate.skipped for fate in result.skipped] == ["version history"] * 4
    assert _numbers(result.policy) == [("1.1", "Staff must plan.")]


def test_signature_and_date_fields_are_set_aside() -> None:
    result = import_text(
        TOP + "1. Visits\n1.1 Staff must plan.\n\nSigned: ______________ (Headteacher)\n"
        "Date: ..........\n",
        version="Summer 2025",
    )

    assert [fate.skipped for fate in result.skipped] == ["signature or date field"] * 2
    assert _numbers(result.policy) == [("1.1", "Staff must plan.")]


def test_cover_page_lines_are_set_aside_and_its_dates_read() -> None:
    result = import_text(
        "Elm Tree Infant School\nHome Visits Policy\nStatus: Approved\nOwner: Headteacher\n"
        "Date adopted: March 2025\nVersion 2.1\n\n1. Visits\n1.1 Staff must plan.\n" + SLIP
    )

    assert [(fate.text, fate.skipped) for fate in result.skipped] == [
        ("Status: Approved", "cover page"),
        ("Owner: Headteacher", "cover page"),
    ]
    assert result.policy.version == "Version 2.1"
    assert result.policy.date("adopted").month == "2025-03"  # type: ignore[union-attr]


def test_placeholders_are_kept_and_warned_about() -> None:
    policy = _read("1. Visits\n1.1 Tell [insert name of DSL] before every visit.\n")

    assert policy.clause("1.1").plain_text() == "Tell [insert name of DSL] before every visit."
    assert any(
        warning.code == "placeholder" and "[insert name of DSL]" in warning.message
        for warning in policy.warnings
    )


def test_the_title_and_school_given_stand_in_for_the_document() -> None:
    policy = _read("1. Visits\n1.1 Staff must plan.\n", school="Oak School", title="Visits")

    assert (policy.school, policy.title) == ("Oak School", "Visits")


def test_a_school_named_only_in_the_text_is_found_and_warned_about() -> None:
    policy = import_text(
        "Home Visits Policy\n\n1. Visits\n1.1 Staff at Elm Tree Infant School must plan.\n",
        version="Summer 2025",
    ).policy

    assert policy.school == "Elm Tree Infant School"
    assert "school-from-text" in [warning.code for warning in policy.warnings]


def test_text_with_no_headings_or_numbers_is_refused() -> None:
    with pytest.raises(PolicyImportError, match="No numbered sections or clauses were found"):
        import_text("Some notes from the staff meeting.\n")


# --- Word -----------------------------------------------------------------------------------------


def _docx(build: object) -> bytes:
    word = Document()
    build(word)  # type: ignore[operator]
    buffer = io.BytesIO()
    word.save(buffer)
    return buffer.getvalue()


def test_word_headings_bullets_and_tables_are_read_by_their_styles() -> None:
    def build(word: Document) -> None:
        word.add_paragraph("Home Visits Policy", style="Title")
        word.add_paragraph("Elm Tree Infant School")
        word.add_paragraph("Planning", style="Heading 1")
        word.add_paragraph("Staff must:")
        word.add_paragraph("tell the office", style="List Bullet")
        word.add_paragraph("carry a phone", style="List Bullet 2")
        table = word.add_table(rows=2, cols=2)
        for cell, text in zip(table._cells, ["Who", "When", "Office", "Before"], strict=True):
            cell.text = text
        word.sections[0].footer.paragraphs[0].text = "Home Visits Policy v2"

    result = import_document("visits.docx", _docx(build), version="2")
    clause = result.policy.clauses[0]

    assert (result.policy.title, result.policy.school) == (
        "Home Visits Policy",
        "Elm Tree Infant School",
    )
    assert [block.kind for block in clause.blocks] == [
        BlockKind.PARAGRAPH,
        BlockKind.LIST,
        BlockKind.TABLE,
    ]
    assert clause.blocks[1].items == ("tell the office", "carry a phone")
    assert clause.blocks[2].rows == (("Who", "When"), ("Office", "Before"))
    assert [(fate.text, fate.skipped) for fate in result.skipped] == [
        ("Home Visits Policy v2", "page footer")
    ]


def test_a_file_that_is_not_a_word_document_is_refused_in_plain_words() -> None:
    with pytest.raises(PolicyImportError, match="could not be read as a Word document"):
        import_document("policy.docx", b"PK\x03\x04 broken")


def test_a_pdf_with_no_text_is_refused_as_a_scan() -> None:
    from reportlab.pdfgen.canvas import Canvas

    buffer = io.BytesIO()
    canvas = Canvas(buffer)
    canvas.rect(100, 100, 200, 200)
    canvas.save()

    with pytest.raises(PolicyImportError, match="may be a scan"):
        import_document("scan.pdf", buffer.getvalue())


CORPUS = REPO / "tests" / "fixtures" / "policies" / "corpus"


@pytest.mark.parametrize(
    ("name", "cut"),
    [
        pytest.param("staff-code-of-conduct.pdf", 0.5, id="pdf-half"),
        pytest.param("staff-code-of-conduct.pdf", 0.05, id="pdf-start"),
        pytest.param("child-protection-policy.docx", 0.5, id="docx-half"),
    ],
)
def test_a_damaged_file_is_refused_in_plain_words(name: str, cut: float) -> None:
    data = (CORPUS / name).read_bytes()

    with pytest.raises(PolicyImportError, match="could not be read"):
        import_document(name, data[: int(len(data) * cut)])


def test_a_heading_with_nothing_under_it_keeps_its_words_as_its_clause() -> None:
    policy = _read("3. Equality\n\n3.1 Harassment\nStaff must not harass.\n\n3.2 Reporting\n")

    assert [(clause.number, clause.title, clause.plain_text()) for clause in policy.clauses] == [
        ("3.1", "Harassment", "Staff must not harass."),
        ("3.2", None, "Reporting"),
    ]


def test_form_labels_on_the_slip_are_set_aside_and_the_note_after_them_kept() -> None:
    result = import_text(
        TOP + "1. Visits\n1.1 Staff must plan.\n\nDeclaration of receipt\n"
        "I confirm that I have read the policy.\nName:\nSigned:\nReturn it to the office.\n",
        version="Summer 2025",
    )
    declaration = result.policy.declaration

    assert (declaration.text, declaration.return_note) == (
        "I confirm that I have read the policy.",
        "Return it to the office.",
    )
    assert [fate.text for fate in result.skipped] == ["Name:", "Signed:"]
