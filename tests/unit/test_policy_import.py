"""The policy importer: a numbered policy's text in, a `Policy` out, every word kept."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from elearn.content.policy_file import policy_to_yaml
from elearn.content.policy_import import PolicyImportError, import_policy, month_of
from elearn.content.schema import BlockKind, Policy, PolicyDate, PolicyWarning

REPO = Path(__file__).parents[2]
SOURCE = (
    REPO / "content" / "social-networking" / "policy" / "source" / "social-networking-policy.txt"
)
SHIPPED = REPO / "content" / "social-networking" / "policy" / "social-networking-policy.yaml"
SHARED_SOURCE = REPO / ".." / "shared" / "policy" / "social-networking-policy.txt"
FIXTURES = REPO / "tests" / "fixtures" / "policies"

BULLET_GLYPHS = frozenset({"Ø", "•", "o", "-", "*"})
PAGE_NUMBER = re.compile(r"(?:Page )?\d+(?: of \d+)?|- \d+ -")
FORM_LINE = re.compile(r"\.{4,}|_{4,}")
# Running headers and footers, which the importer sets aside as page furniture: whole lines, or
# the end of a line that a PDF ran a footer into.
FOOTER_2007 = "Children, Families and Education Directorate page 38 April 2007."
FURNITURE = {
    "staff-code-of-conduct.txt": {"Brookfield C of E Academy | Staff Code of Conduct"},
    "social-networking-policy.txt": {FOOTER_2007},
}

DECLARATION = (
    "I confirm that I have read Thorner’s Social Networking Policy and understand that any "
    "unlawful or unsafe behaviour could lead to appropriate legal or disciplinary action being "
    "taken."
)

POLICY_TEXTS = [
    pytest.param(SOURCE, id="social-networking-policy"),
    pytest.param(FIXTURES / "acceptable-use-policy.txt", id="acceptable-use-policy"),
    pytest.param(FIXTURES / "staff-code-of-conduct.txt", id="staff-code-of-conduct"),
]


@pytest.fixture(scope="module")
def policy() -> Policy:
    return import_policy(SOURCE.read_text(encoding="utf-8"))


def _import_fixture(name: str) -> Policy:
    return import_policy((FIXTURES / name).read_text(encoding="utf-8"))


def _source_words(text: str, furniture: set[str]) -> list[str]:
    """The document's words, less page numbers, running headers, bullet glyphs and form lines.

    A word hyphenated across a line break ("log-" / "in") counts as the one word it is.
    """
    text = re.sub(r"(?<=[^\W\d_]-)[ \t]*\n\s*(?=[a-z])", "", text)
    words: list[str] = []
    for line in text.splitlines():
        tokens = line.split()
        joined = " ".join(tokens)
        for piece in furniture:
            if joined.endswith(piece) and joined != piece:
                tokens = joined.removesuffix(piece).split()
        if not tokens or PAGE_NUMBER.fullmatch(joined) or joined in furniture:
            continue
        if FORM_LINE.search(joined):
            continue
        if tokens[0] in BULLET_GLYPHS:
            tokens = tokens[1:]
        words += tokens
    return words


def _policy_words(policy: Policy, source: str) -> list[str]:
    """Every word the policy holds, in reading order."""
    top = sorted([policy.school, policy.title], key=source.find)
    words = " ".join(top).split()
    for section in policy.sections:
        words += section.heading.split()
        for sub in section.subsections:
            words += [sub.id, *(sub.title or "").split()]
            for clause in sub.clauses:
                words += [*(clause.number or "").split(), *(clause.title or "").split()]
                words += clause.words()
    declaration = policy.declaration
    words += f"{declaration.title} {declaration.text} {declaration.return_note or ''}".split()
    for policy_date in policy.dates:
        words += f"{policy_date.label}: {policy_date.text}".split()
    return words


def _first_missing(wanted: list[str], have: list[str]) -> str | None:
    """The first of `wanted` not found, in order, in `have` (with what came before it)."""
    position = 0
    for index, word in enumerate(wanted):
        try:
            position = have.index(word, position) + 1
        except ValueError:
            return f"{word!r} after {' '.join(wanted[max(0, index - 8) : index])!r}"
    return None


# --- Nothing is lost ------------------------------------------------------------------------------


@pytest.mark.parametrize("path", POLICY_TEXTS)
def test_every_word_of_the_source_is_kept_in_order(path: Path) -> None:
    source = path.read_text(encoding="utf-8")
    policy = import_policy(source)

    wanted = _source_words(source, FURNITURE.get(path.name, set()))

    assert _first_missing(wanted, _policy_words(policy, source)) is None


@pytest.mark.parametrize("path", POLICY_TEXTS)
def test_every_clause_id_is_unique(path: Path) -> None:
    policy = import_policy(path.read_text(encoding="utf-8"))

    ids = [clause.id for clause in policy.clauses]

    assert len(ids) == len(set(ids))


# --- The shared policy ----------------------------------------------------------------------------


def test_title_and_school_come_from_the_top(policy: Policy) -> None:
    assert (policy.title, policy.school) == (
        "Social Networking Policy",
        "Thorner’s Church of England VA Primary School",
    )


def test_sections_are_read_from_their_headings(policy: Policy) -> None:
    assert [(section.id, section.title) for section in policy.sections] == [
        ("1", "Introduction"),
        ("2", "Safer Social Media Practice in Schools"),
        ("3", "Link with other policies"),
        ("4", "Review of policy"),
        ("A", "Appendices"),
    ]


def test_subsection_headings_become_titles(policy: Policy) -> None:
    section = policy.sections[1]

    assert [(sub.id, sub.title) for sub in section.subsections][:2] == [
        ("2.1", "What is social media?"),
        ("2.2", "Overview and expectations"),
    ]


def test_clauses_without_a_subsection_heading_get_an_untitled_subsection(policy: Policy) -> None:
    assert [(sub.id, sub.title) for sub in policy.sections[2].subsections] == [("3.1", None)]


def test_wrapped_lines_are_unwrapped_into_one_paragraph(policy: Policy) -> None:
    assert policy.clause("2.3.4").plain_text() == (
        "Staff should never ‘friend’ a pupil at the school where they are working onto their "
        "social networking site."
    )


def test_text_is_kept_as_written_including_its_slips(policy: Policy) -> None:
    assert "part a grooming process" in policy.clause("2.6.3").plain_text()


def test_a_bullet_wrapped_across_a_blank_line_is_one_item(policy: Policy) -> None:
    items = policy.clause("1.1.1").blocks[1].items

    assert items[0] == (
        "Assist schools staff working with children to work safely and responsibly with the "
        "internet and other communication technologies and to monitor their own standards and "
        "practice"
    )
    assert len(items) == 6


def test_the_2007_page_footer_run_into_a_clause_is_not_policy_text(policy: Policy) -> None:
    clause = policy.clause("A.public-order-act-1986")

    assert clause.plain_text().endswith("with a view of releasing it a criminal offence.")
    assert not any("Directorate" in other.plain_text() for other in policy.clauses)


def test_page_numbers_are_dropped(policy: Policy) -> None:
    words = [word for clause in policy.clauses for word in clause.words()]

    assert "49" not in words
    assert "50" not in words


def test_second_clause_numbered_1_2_3_is_stored_as_1_2_3_2(policy: Policy) -> None:
    clause = policy.clause("1.2.3-2")

    assert clause.number == "1.2.3"
    assert clause.plain_text().startswith("The local authority is not able to accept liability")
    assert policy.clause("1.2.3").plain_text().startswith("This policy should not be used")


def test_duplicate_clause_number_is_reported(policy: Policy) -> None:
    assert (
        PolicyWarning(
            "duplicate-number", "Two clauses are numbered 1.2.3; the second is stored as 1.2.3-2."
        )
        in policy.warnings
    )


def test_principles_in_1_4_are_unnumbered_clauses(policy: Policy) -> None:
    principles = policy.sections[0].subsections[3].clauses

    assert [(clause.id, clause.number) for clause in principles] == [
        ("1.4.p1", None),
        ("1.4.p2", None),
        ("1.4.p3", None),
    ]
    assert principles[1].plain_text() == (
        "Staff in schools should work and be seen to work, in an open and transparent way."
    )


def test_unnumbered_principles_are_reported(policy: Policy) -> None:
    assert (
        PolicyWarning(
            "unnumbered-clause",
            "Three paragraphs in 1.4 Principles have no clause numbers; they are stored as 1.4.p1, "
            "1.4.p2 and 1.4.p3.",
        )
        in policy.warnings
    )


def test_second_section_4_holds_appendix_a_as_section_a(policy: Policy) -> None:
    appendices = policy.sections[-1]

    assert (appendices.id, appendices.heading) == ("A", "Section 4: Appendices")
    assert [(sub.id, sub.title) for sub in appendices.subsections] == [
        ("A", "Appendix A – Relevant legislation")
    ]


def test_duplicate_section_is_reported(policy: Policy) -> None:
    assert [warning.code for warning in policy.warnings].count("duplicate-section") == 1
    assert "Two sections are headed Section 4" in policy.warnings[-1].message


def test_appendix_intro_is_a_p1(policy: Policy) -> None:
    assert policy.clause("A.p1").plain_text().startswith("Schools staff should be aware")


def test_each_act_in_the_appendix_is_a_clause_titled_by_its_heading(policy: Policy) -> None:
    act = policy.clause("A.computer-misuse-act-1990")

    assert (act.title, act.number, act.label) == (
        "Computer misuse act 1990",
        None,
        "Computer misuse act 1990",
    )
    assert act.blocks[0].text == "This Act makes it an offence to:"
    assert act.blocks[1].items[-1] == "Deny access to authorised users."


def test_appendix_has_one_clause_per_act(policy: Policy) -> None:
    acts = [clause for clause in policy.sections[-1].clauses if clause.title]

    assert len(acts) == 17
    assert acts[-1].id == "A.human-rights-act-1998"


def test_paragraph_after_a_page_break_stays_with_its_act(policy: Policy) -> None:
    blocks = policy.clause("A.human-rights-act-1998").blocks

    assert [block.kind for block in blocks] == [
        BlockKind.PARAGRAPH,
        BlockKind.LIST,
        BlockKind.PARAGRAPH,
    ]
    assert blocks[2].text.startswith("These rights are not absolute.")


def test_linked_policies_table_keeps_its_header_and_rows(policy: Policy) -> None:
    table = policy.clause("3.1.1").blocks[1]

    assert table.kind is BlockKind.TABLE
    assert [row[0] for row in table.rows] == [
        "Link to Policy / Document",
        "IT Security Standards & Policies",
        "Disciplinary Policy and Procedure",
        "Single Equality Policy",
        "Code of Conduct and Guidelines for Safe Working Practices for the Protection of Children "
        "and Staff",
        "Guidance for Safer Working Practice for Adults who Work with Children and Young People",
    ]
    assert table.rows[0][1] == "Relevance"
    assert table.rows[4][1].endswith(
        "non-disclosure of confidential information and standards of behaviour expected."
    )


def test_closing_statements_after_4_1_1_are_formal_unnumbered_clauses(policy: Policy) -> None:
    closing = policy.sections[3].subsections[0].clauses[1:]

    assert [(clause.id, clause.number, clause.is_formal) for clause in closing] == [
        ("4.1.p1", None, True),
        ("4.1.p2", None, True),
        ("4.1.p3", None, True),
    ]
    assert closing[0].plain_text().startswith("In accordance with the Equality Duty")


def test_date_lines_are_a_formal_clause(policy: Policy) -> None:
    assert [block.text for block in policy.clause("4.1.p3").blocks] == [
        "Date reviewed by Staffing & Curriculum Committee: November 2023",
        "Date adopted by Governing Body: November 2023",
        "Date to be reviewed: November 2024",
    ]


def test_numbered_clauses_are_not_formal(policy: Policy) -> None:
    assert not any(clause.is_formal for clause in policy.clauses if clause.number)


@pytest.mark.parametrize(
    ("label_word", "expected"),
    [
        pytest.param(
            "adopted",
            PolicyDate("Date adopted by Governing Body", "November 2023", "2023-11"),
            id="adopted",
        ),
        pytest.param(
            "to be reviewed",
            PolicyDate("Date to be reviewed", "November 2024", "2024-11"),
            id="review-due",
        ),
        pytest.param(
            "committee",
            PolicyDate(
                "Date reviewed by Staffing & Curriculum Committee", "November 2023", "2023-11"
            ),
            id="reviewed-by-committee",
        ),
    ],
)
def test_dates_are_parsed_with_their_month(
    policy: Policy, label_word: str, expected: PolicyDate
) -> None:
    assert policy.date(label_word) == expected


def test_version_defaults_to_the_adoption_date(policy: Policy) -> None:
    assert policy.version == "November 2023"


def test_version_can_be_given() -> None:
    given = import_policy(SOURCE.read_text(encoding="utf-8"), version="2023-24 (revised)")

    assert given.version == "2023-24 (revised)"


def test_declaration_text_is_verbatim(policy: Policy) -> None:
    assert policy.declaration.text == DECLARATION


def test_declaration_has_its_title_and_return_note(policy: Policy) -> None:
    assert (policy.declaration.title, policy.declaration.return_note) == (
        "Declaration of receipt",
        "Please return this slip to Headteacher as soon as possible",
    )


def test_warnings_are_in_document_order(policy: Policy) -> None:
    assert [warning.code for warning in policy.warnings] == [
        "duplicate-number",
        "unnumbered-clause",
        "unnumbered-clause",
        "duplicate-section",
    ]


# --- The shipped files ----------------------------------------------------------------------------


def test_shipped_policy_file_is_exactly_what_the_importer_makes() -> None:
    made = policy_to_yaml(
        import_policy(SOURCE.read_text(encoding="utf-8")),
        source_name="source/social-networking-policy.txt",
    )

    assert SHIPPED.read_bytes() == made.encode("utf-8")


def test_shipped_source_is_a_verbatim_copy_of_the_shared_policy() -> None:
    if not SHARED_SOURCE.is_file():
        pytest.skip("the shared policy folder (../shared/policy) is not beside this repository")

    assert SOURCE.read_bytes() == SHARED_SOURCE.read_bytes()


# --- The fixtures: other policies, other quirks ---------------------------------------------------


def test_fixture_acceptable_use_warnings() -> None:
    policy = _import_fixture("acceptable-use-policy.txt")

    assert [warning.message for warning in policy.warnings] == [
        "Two clauses are numbered 2.2.2; the second is stored as 2.2.2-2.",
        "The clause numbering jumps from 3.1.3 to 3.1.5: there is no clause 3.1.4.",
        "A paragraph after clause 4.1.2 has no clause number; it is stored as 4.1.p1, and marked "
        "as formal text that needs no questions.",
    ]


def test_fixture_code_of_conduct_warnings() -> None:
    policy = _import_fixture("staff-code-of-conduct.txt")

    assert [(warning.code, warning.message) for warning in policy.warnings] == [
        (
            "unnumbered-clause",
            "A paragraph in 1.2 Scope has no clause number; it is stored as 1.2.p1.",
        ),
        (
            "skipped-number",
            "The subsection numbering jumps from 2.1 to 2.3: there is no subsection 2.2.",
        ),
        ("skipped-number", "The clause numbering jumps from 4.2 to 4.4: there is no clause 4.3."),
        (
            "unnumbered-clause",
            "A paragraph after clause 5.1.1 has no clause number; it is stored as 5.1.p1, and "
            "marked as formal text that needs no questions.",
        ),
    ]


def test_sub_bullets_join_their_list_in_order() -> None:
    items = _import_fixture("acceptable-use-policy.txt").clause("2.1.1").blocks[1].items

    assert items[2:4] == (
        "including online auctions and betting sites;",
        "including lotteries run through social media;",
    )


def test_a_word_hyphenated_across_lines_is_joined() -> None:
    policy = _import_fixture("acceptable-use-policy.txt")

    assert policy.clause("1.1.1").blocks[1].items[-1].endswith("a school log-in.")


def test_a_name_column_wrapped_over_two_lines_is_one_cell() -> None:
    table = _import_fixture("acceptable-use-policy.txt").clause("4.1.1").blocks[1]

    assert table.rows == (
        ("Document", "Purpose"),
        (
            "Online Safety Policy",
            "Explains how pupils are taught to stay safe online and how incidents are recorded.",
        ),
        ("Data Protection Policy", "Sets out how personal data is kept, shared and destroyed."),
        (
            "Keeping Children Safe in Education",
            "Statutory guidance that all staff must read each September.",
        ),
    )


def test_a_table_laid_out_with_spaces_keeps_its_columns() -> None:
    table = _import_fixture("staff-code-of-conduct.txt").clause("3.1.1").blocks[1]

    assert table.rows == (
        ("Concern", "Who to tell"),
        (
            "A pupil’s safety",
            "The designated safeguarding lead, Mrs Ruth Okafor, or a deputy if she is not "
            "available.",
        ),
        (
            "The conduct of a colleague",
            "The headteacher, or the chair of trustees if the concern is about the headteacher.",
        ),
        ("Data lost or sent in error", "The data protection officer, within 24 hours."),
    )


def test_a_paragraph_after_a_list_stays_in_its_clause() -> None:
    clause = _import_fixture("staff-code-of-conduct.txt").clause("2.3.1")

    assert [block.kind for block in clause.blocks] == [
        BlockKind.PARAGRAPH,
        BlockKind.LIST,
        BlockKind.PARAGRAPH,
    ]


def test_an_unnumbered_paragraph_keeps_the_list_it_introduces() -> None:
    clause = _import_fixture("staff-code-of-conduct.txt").clause("1.2.p1")

    assert clause.blocks[1].items == (
        "teachers and teaching assistants;",
        "supply and agency staff;",
        "volunteers, including parent helpers on trips.",
    )


def test_two_level_clause_numbers_are_clauses_of_their_section() -> None:
    section = _import_fixture("staff-code-of-conduct.txt").sections[3]

    assert [(sub.id, [clause.id for clause in sub.clauses]) for sub in section.subsections] == [
        ("4", ["4.1", "4.2", "4.4"])
    ]


def test_running_headers_are_dropped() -> None:
    policy = _import_fixture("staff-code-of-conduct.txt")

    assert not any("|" in clause.plain_text() for clause in policy.clauses)


def test_an_appendix_without_a_section_heading_is_its_own_section() -> None:
    appendix = _import_fixture("staff-code-of-conduct.txt").sections[-1]

    assert (appendix.id, appendix.heading, appendix.title) == (
        "A",
        "Appendix A – Contacts",
        "Contacts",
    )
    assert [clause.id for clause in appendix.clauses] == [
        "A.local-authority-designated-officer-lado",
        "A.nspcc-whistleblowing-helpline",
    ]


def test_a_request_on_the_slip_becomes_its_return_note() -> None:
    declaration = _import_fixture("staff-code-of-conduct.txt").declaration

    assert (
        declaration.return_note
        == "Please sign and return this form to the school business manager."
    )
    assert declaration.text.endswith("may lead to disciplinary action.")


# --- Small documents, one quirk each --------------------------------------------------------------

TOP = "Elm Tree Infant School\nHome Visits Policy\n\nSection 1: Visits\n1.1 Before a visit\n"
SLIP = "\nDeclaration of receipt\nI confirm that I have read the policy.\n"


def _small(body: str) -> Policy:
    return import_policy(TOP + body + SLIP, version="Summer 2025")


@pytest.mark.parametrize(
    "glyph",
    [
        pytest.param("Ø", id="wingdings-arrow"),
        pytest.param("•", id="bullet"),
        pytest.param("-", id="hyphen"),
        pytest.param("*", id="asterisk"),
        pytest.param("o", id="letter-o"),
        pytest.param("\uf0b7", id="symbol-font"),
    ],
)
def test_bullet_glyphs_become_list_items(glyph: str) -> None:
    policy = _small(f"1.1.1 Staff must:\n{glyph} tell the office\n{glyph} carry a phone\n")

    assert policy.clause("1.1.1").blocks[1].items == ("tell the office", "carry a phone")


@pytest.mark.parametrize(
    "furniture",
    [
        pytest.param("7", id="bare-number"),
        pytest.param("Page 7 of 9", id="page-of"),
        pytest.param("- 7 -", id="dashes"),
    ],
)
def test_page_numbers_between_lines_are_dropped(furniture: str) -> None:
    policy = _small(f"1.1.1 Staff must tell the office\n{furniture}\nbefore they leave.\n")

    assert policy.clause("1.1.1").plain_text() == "Staff must tell the office before they leave."


@pytest.mark.parametrize(
    ("line", "is_heading"),
    [
        pytest.param("1.2 After a visit", True, id="short-title"),
        pytest.param("1.2 What happens next?", True, id="question"),
        pytest.param("1.2 Staff must record every visit on the day.", False, id="sentence"),
    ],
)
def test_two_part_numbers_head_a_subsection_only_when_they_read_as_a_title(
    line: str, is_heading: bool
) -> None:
    policy = _small(f"1.1.1 Staff must plan.\n{line}\n")

    assert ("1.2" in [sub.id for sub in policy.sections[0].subsections]) is is_heading
    assert ("1.2" in [clause.id for clause in policy.clauses]) is not is_heading


@pytest.mark.parametrize(
    ("printed", "month"),
    [
        pytest.param("November 2023", "2023-11", id="month-year"),
        pytest.param("Sept 2024", "2024-09", id="abbreviated"),
        pytest.param("14 March 2025", "2025-03", id="day-month-year"),
        pytest.param("12/09/2024", "2024-09", id="uk-numeric"),
        pytest.param("09/2024", "2024-09", id="numeric-month-year"),
        pytest.param("Spring term 2025", None, id="no-month"),
        pytest.param("13/2024", None, id="impossible-month"),
    ],
)
def test_month_of_a_printed_date(printed: str, month: str | None) -> None:
    assert month_of(printed) == month


def test_text_with_no_numbered_sections_is_refused() -> None:
    with pytest.raises(PolicyImportError, match="No numbered sections or clauses"):
        import_policy("Elm Tree Infant School\nHome Visits Policy\n\nStaff must be careful.\n")


def test_a_policy_without_a_declaration_slip_gets_a_standard_one_and_a_warning() -> None:
    policy = import_policy(TOP + "1.1.1 Staff must plan.\n", version="Summer 2025")

    assert policy.declaration.title == "Declaration of receipt"
    assert policy.declaration.text == (
        "I confirm that I have read and understood Elm Tree Infant School’s Home Visits Policy "
        "and that I will follow it."
    )
    assert [warning.code for warning in policy.warnings] == ["no-declaration"]


def test_a_policy_without_a_school_name_says_so_in_its_place_and_warns() -> None:
    policy = import_policy(
        "Home Visits Policy\n\nSection 1: Visits\n1.1.1 Staff must plan.\n" + SLIP,
        version="Summer 2025",
    )

    assert policy.school == "[School name]"
    assert "no-school" in [warning.code for warning in policy.warnings]


def test_a_school_name_given_fills_the_gap_without_a_warning() -> None:
    policy = import_policy(
        "Home Visits Policy\n\nSection 1: Visits\n1.1.1 Staff must plan.\n" + SLIP,
        version="Summer 2025",
        school="Elm Tree Infant School",
    )

    assert policy.school == "Elm Tree Infant School"
    assert policy.warnings == ()


def test_without_dates_or_a_version_the_version_is_undated_with_a_warning() -> None:
    policy = import_policy(TOP + "1.1.1 Staff must plan.\n" + SLIP)

    assert policy.version == "Undated"
    assert [warning.code for warning in policy.warnings] == ["no-version"]
