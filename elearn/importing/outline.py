"""The outline: a document's sifted lines read into a `Policy`, every line's place noted.

`build_outline` reads the lines in order, with the evidence each brings (a heading style, a table
row, a whole paragraph), unwraps hard-wrapped paragraphs and bullets, and recognises:

- the cover: the school's name, the policy's title, its version and dates; the rest is set aside;
- section headings ("Section 2: ...", "Part 2", "2. Roles", "2.0 Roles", a heading style, a line
  in capitals), subsection headings ("2.1  What is social media?") and numbered clauses ("2.3.4",
  "2.3", "12."); a two-part number over a heading where the document numbers no deeper ("3.1
  Harassment or Victimisation") heads a clause of its own;
- bulleted lists ("Ø", "•", "o", "-", "*") and sub-items ("(a)", "ii."), kept in their clause, and
  tables: the document's own, or introduced by a clause that ends in a colon;
- appendices ("Appendix A – Relevant legislation"), whose headed items become clauses of their own;
- the policy's dates ("Date adopted by Governing Body: November 2023") and the declaration slip;
  without a slip a standard declaration is written, and a warning says so;
- signature and date fields, which are set aside; placeholders ("[School name]"), which are kept
  and warned about.

Every word is kept, in the document's order, and nothing is merged. Where the numbering is faulty (a
number used twice, a gap, paragraphs with no number) the text is still stored, under an ID made by
the rules in content/README.md, and a `PolicyWarning` tells the headteacher what was found.

Pure: no file I/O and no Flask.
"""

from __future__ import annotations

import dataclasses
import enum
import re
from collections import Counter
from dataclasses import dataclass, field

from elearn.content.schema import (
    Block,
    BlockKind,
    Clause,
    Declaration,
    Policy,
    PolicyDate,
    PolicyWarning,
    Section,
    Subsection,
)
from elearn.importing.patterns import (
    APPENDIX,
    BARE_SECTION,
    BULLET,
    DATE_TOKEN,
    DECLARATION,
    FIELD_LABEL,
    FORM_LINE,
    MINOR_WORDS,
    NUMBERED,
    PLACEHOLDER,
    POLICY_WORDS,
    SCHOOL,
    SECTION,
    SUB_ITEM,
    TABLE_GAP,
    VERSION_LINE,
    VERSION_TOKEN,
    and_list,
    continues,
    count_word,
    date_line,
    ends_sentence,
    is_form_field,
    is_heading,
    is_structural,
    is_title_case,
    join_all,
    join_lines,
    month_of,
    opens_body,
    ordinal_word,
    sentence_start,
    slugify,
    split_words,
)
from elearn.importing.source import Line, LineFate, PolicyImportError

# "1.0 Introduction": a section numbered in the style of a clause.
_DOTTED_SECTION = re.compile(r"(?P<number>\d{1,2})\.0\.?\s+(?P<title>\S.*)")
# "12. Staff must ..." or "12) ...": a clause numbered on one level.
_SINGLE = re.compile(r"(?P<number>\d{1,3})[.)]\s+(?P<text>\S.*)")
_SCHOOL_IN_TEXT = re.compile(
    r"(?:[A-Z][\w’'.&-]+\s+){1,6}(?:Primary|Secondary|Infant|Junior|High|Grammar|Community|"
    r"Special|Free|Nursery|Church\s+of\s+England|C\s?of\s?E|CE|Catholic|Academy|School)"
    r"(?:\s+(?:School|Academy|College))?(?:\s+(?:and|&)\s+Nursery)?"
)


def _is_form_row(evidence: object) -> bool:
    """A table row of a signature block: labels ("Signed", "Date") and empty cells or lines."""
    cells = [cell for cell in getattr(evidence, "cells", ()) or () if cell]
    return bool(cells) and all(is_form_field(cell) or FIELD_LABEL.fullmatch(cell) for cell in cells)


def _title_from_name(name: str) -> str:
    """A title from a file's name: "whistleblowing-policy-2024.docx" -> "Whistleblowing Policy"."""
    stem = re.sub(r"\.[A-Za-z0-9]{1,5}$", "", name.rsplit("/", 1)[-1])
    words_ = [word for word in re.split(r"[\s_\-]+", stem) if word and not word.isdigit()]
    return " ".join(word[:1].upper() + word[1:] for word in words_) or "Policy"


# --- Building the policy --------------------------------------------------------------------------


class _Kind(enum.Enum):
    NUMBERED = "numbered"  # "2.3.4 ..."
    HEADED = "headed"  # an appendix item under its own heading
    PARAGRAPH = "paragraph"  # text with no number
    BULLET = "bullet"  # a bullet standing on its own, such as a principle in 1.4
    DATES = "dates"  # the policy's date lines


@dataclass
class _BlockDraft:
    kind: BlockKind
    text: str = ""
    items: list[str] = field(default_factory=list)
    rows: list[tuple[str, ...]] = field(default_factory=list)

    def add(self, text: str) -> None:
        if self.kind is BlockKind.LIST:
            self.items[-1] = join_lines(self.items[-1], text)
        else:
            self.text = join_lines(self.text, text)

    def build(self) -> Block:
        return Block(self.kind, text=self.text, items=tuple(self.items), rows=tuple(self.rows))


@dataclass
class _ClauseDraft:
    id: str
    number: str | None
    kind: _Kind
    position: int
    title: str | None = None
    blocks: list[_BlockDraft] = field(default_factory=list)
    is_formal: bool = False

    @property
    def last(self) -> _BlockDraft | None:
        return self.blocks[-1] if self.blocks else None

    def build(self) -> Clause:
        blocks = tuple(block.build() for block in self.blocks)
        title = self.title
        if not blocks and title:
            # A heading with no text under it: its words are the clause's text.
            blocks, title = (Block(BlockKind.PARAGRAPH, text=title),), None
        return Clause(
            id=self.id, number=self.number, blocks=blocks, title=title, is_formal=self.is_formal
        )


@dataclass
class _SubsectionDraft:
    id: str
    title: str | None
    is_appendix: bool = False
    clauses: list[_ClauseDraft] = field(default_factory=list)
    unnumbered: int = 0


@dataclass
class _SectionDraft:
    id: str
    number: str | None
    heading: str
    title: str
    is_appendices: bool = False
    subsections: list[_SubsectionDraft] = field(default_factory=list)

    def clauses_drafted(self) -> list[_ClauseDraft]:
        return [clause for sub in self.subsections for clause in sub.clauses]


@dataclass
class _TableDraft:
    block: _BlockDraft
    starts: list[int] | None  # where each column starts, when columns are set apart by spaces
    cells: list[list[str]] = field(default_factory=list)  # the row being read: pieces per cell
    whole_rows: bool = False  # rows come whole from the document's own table

    @property
    def width(self) -> int:
        return len(self.block.rows[0])

    def flush(self) -> None:
        if any(self.cells):
            row = [join_all(pieces) for pieces in self.cells]
            self.block.rows.append(tuple(row + [""] * (self.width - len(row))))
        self.cells = []
        if self.whole_rows:  # every row as wide as the widest
            width = max(len(row) for row in self.block.rows)
            self.block.rows[:] = [row + ("",) * (width - len(row)) for row in self.block.rows]


@dataclass
class _SlipDraft:
    """The declaration slip: its statement, then the form, then where to return it."""

    title: str
    paragraphs: list[tuple[bool, list[str]]] = field(default_factory=list)  # (is the note, lines)
    after_form: bool = False
    at_break: bool = False

    def add(self, line: Line) -> None:
        text = line.text
        if FORM_LINE.search(text):  # "Name (please print) .....": the form, not the policy
            self.after_form = self.at_break = True
            return
        is_request = text.lower().startswith("please")
        last = self.paragraphs[-1][1] if self.paragraphs else None
        if (
            last is None
            or self.at_break
            or (line.after_break and not continues(text))
            or (is_request and ends_sentence(last[-1]))
        ):
            self.paragraphs.append((self.after_form or is_request, []))
        self.paragraphs[-1][1].append(text)
        self.at_break = False

    def build(self) -> Declaration:
        paragraphs = [(is_note, join_all(lines)) for is_note, lines in self.paragraphs]
        text = " ".join(text for is_note, text in paragraphs if not is_note)
        note = " ".join(text for is_note, text in paragraphs if is_note)
        if not text:
            raise PolicyImportError(f"The ‘{self.title}’ slip has no statement for staff to sign.")
        return Declaration(title=self.title, text=text, return_note=note or None)


@dataclass(frozen=True)
class Outline:
    """A document read as a policy: the `Policy`, and what became of every line it read."""

    policy: Policy
    fates: tuple[LineFate, ...]


class _Importer:
    """Reads the lines in order, filling in the section, subsection and clause being read."""

    def __init__(
        self,
        lines: list[Line],
        *,
        school: str | None = None,
        title: str | None = None,
        source_name: str = "",
        source_kind: str = "text",
    ) -> None:
        self.lines = lines
        self.given_school = school
        self.given_title = title
        self.source_name = source_name
        self.index = 0
        self.sections: list[_SectionDraft] = []
        self.section: _SectionDraft | None = None
        self.subsection: _SubsectionDraft | None = None
        self.clause: _ClauseDraft | None = None
        self.is_open = False  # whether the next plain line may continue the clause's last block
        self.table: _TableDraft | None = None
        self.dates: list[PolicyDate] = []
        self.warnings: list[tuple[int, PolicyWarning]] = []
        self.clause_ids: set[str] = set()
        self.number_counts: Counter[str] = Counter()
        self.last_numbers: dict[str, int] = {}
        self.section_numbers: Counter[str] = Counter()
        self.slip: _SlipDraft | None = None
        self.fates: list[LineFate] = []
        self.placed: str | None = None  # where the line being read went, when not a clause
        self.skipped: str | None = None  # why the line being read was set aside
        self.version: str | None = None  # "Version 3.1" on the cover
        self.table_number: int | None = None  # the document table being read, row by row
        self.depth = max(
            (
                len(match["number"].split("."))
                for line in lines
                if (match := NUMBERED.fullmatch(line.text)) and not match["number"].endswith(".0")
            ),
            default=1,
        )
        # Where the format marks paragraphs (Word, PDF spacing, Markdown), a paragraph with no
        # number after a numbered one goes on with its clause; plain text cannot tell them apart.
        self.paragraphs_known = source_kind in ("docx", "pdf", "markdown")
        self.has_numbered_sections = any(
            SECTION.fullmatch(line.text)
            or ((bare := BARE_SECTION.fullmatch(line.text)) and is_heading(bare["title"]))
            for line in lines
        )

    # The document -------------------------------------------------------------------------------

    def run(self, version: str | None) -> Outline:
        body_start = self._body_start()
        if body_start is None:
            raise PolicyImportError(
                "No numbered sections or clauses were found, and no headings: the importer reads "
                "policies with headings such as '1. Introduction' or 'Section 1: Introduction' "
                "and clauses such as '1.1'."
            )
        school, title = self._front_matter(self.lines[:body_start])
        for index in range(body_start, len(self.lines)):
            self.index = index
            self._place(self.lines[index])
        self._close_table()
        if not self.sections:
            raise PolicyImportError(
                "No numbered sections or clauses were found: the importer reads policies with "
                "headings such as '1. Introduction' and clauses such as '1.1'."
            )
        self._mark_formal_and_unnumbered()
        declaration = self._declaration(school, title)
        version = version or self.version or self._adoption_text()
        if not version:
            version = "Undated"
            self._warn(
                len(self.lines),
                "no-version",
                "The document gives no version and no date of adoption, so it is called "
                "‘Undated’: give the version its name (--version, or the version name when you "
                "upload it).",
            )
        policy = Policy(
            title=title,
            school=school,
            version=version,
            sections=tuple(
                Section(
                    id=section.id,
                    heading=section.heading,
                    title=section.title,
                    subsections=tuple(
                        Subsection(
                            id=sub.id,
                            title=sub.title,
                            clauses=tuple(clause.build() for clause in sub.clauses),
                        )
                        for sub in section.subsections
                    ),
                )
                for section in self.sections
            ),
            declaration=declaration,
            dates=tuple(self.dates),
            warnings=(),
        )
        self._warn_placeholders(policy)
        warnings = tuple(warning for _, warning in sorted(self.warnings, key=lambda w: w[0]))
        return Outline(
            dataclasses.replace(policy, warnings=warnings),
            tuple(sorted(self.fates, key=lambda fate: fate.line)),
        )

    def _body_start(self) -> int | None:
        """The first line of the policy's body: a section heading, a numbered clause, a heading
        style (after the title's), or failing those the first paragraph after the title."""
        title_seen = False
        for index, line in enumerate(self.lines):
            evidence = line.evidence
            if opens_body(line.text) or _DOTTED_SECTION.fullmatch(line.text):
                return index
            if SECTION.fullmatch(line.text) or (
                APPENDIX.fullmatch(line.text) and index > 0 and is_heading(line.text, 14)
            ):
                return index
            is_title = not title_seen and (
                evidence.heading_level == 0
                or (POLICY_WORDS.search(line.text) and is_heading(line.text, 14))
                or SCHOOL.search(line.text)
                or date_line(line.text)
                or VERSION_LINE.fullmatch(line.text)
            )
            if evidence.heading_level is not None and evidence.heading_level >= 1 and title_seen:
                return index
            if (
                evidence.heading_level is not None
                and evidence.heading_level >= 1
                and not POLICY_WORDS.search(line.text)
                and not SCHOOL.search(line.text)
            ):
                return index
            if POLICY_WORDS.search(line.text) and is_heading(line.text, 14):
                title_seen = True
            elif is_title:
                continue
            elif title_seen and (
                self._is_caps_heading(line)
                or len(split_words(line.text)) > 12
                or line.evidence.cells
            ):
                return index
        return None

    def _front_matter(self, lines: list[Line]) -> tuple[str, str]:
        """The school's name, the policy's title, dates and version from the cover; the rest of
        the cover is set aside."""
        school = ""
        titles: list[Line] = []
        in_title = False
        for line in lines:
            self.index = self.lines.index(line)
            text = line.text
            if line.evidence.cells is not None:
                self._front_cells(line)
                in_title = False
                continue
            if found := date_line(text):
                self.dates.append(PolicyDate(found[0], found[1], month_of(found[1])))
                self._fate(line, kept="the policy's dates")
                in_title = False
            elif (version := VERSION_LINE.fullmatch(text)) and not self.version:
                self.version = f"Version {version['version'].lstrip('vV')}"
                self._fate(line, kept="the policy's version")
                in_title = False
            elif not school and SCHOOL.search(text) and is_heading(text, 14):
                school = text
                self._fate(line, kept="the school's name")
                in_title = False
            elif (in_title and self._continues_title(titles, line)) or (
                not titles and self._is_title(line, lines)
            ):
                titles.append(line)
                self._fate(line, kept="the policy's title")
                in_title = True
            else:
                self._fate(line, skipped="cover page")
                in_title = False
        if len(titles) > 1:
            self._warn(
                0,
                "long-title",
                f"The lines at the top, ‘{' / '.join(line.text for line in titles)}’, were joined "
                "to make the policy's title; check that it reads well.",
            )
        title = self.given_title or " ".join(line.text for line in titles)
        if not title:
            title = _title_from_name(self.source_name)
            self._warn(
                0,
                "no-title",
                f"No title was found at the top of the document, so it is called ‘{title}’; "
                "give the title if that is wrong (--title).",
            )
        if self.given_school:
            school = self.given_school
        elif not school:
            school = self._school_in_text()
            if school:
                self._warn(
                    0,
                    "school-from-text",
                    f"The school's name was not at the top of the document; ‘{school}’ was taken "
                    "from its text: check it, or give the name (--school).",
                )
            else:
                school = "[School name]"
                self._warn(
                    0,
                    "no-school",
                    "No school's name was found, so the policy says ‘[School name]’: give the "
                    "name (--school).",
                )
        return school, title

    def _is_title(self, line: Line, lines: list[Line]) -> bool:
        """The policy's title: a heading naming a policy, or the cover's first heading."""
        text = line.text
        if not is_heading(text, 16) or FORM_LINE.search(text):
            return False
        if POLICY_WORDS.search(text) or line.evidence.heading_level == 0:
            return True
        named = any(
            POLICY_WORDS.search(other.text) and is_heading(other.text, 16)
            for other in lines
            if other.evidence.cells is None
        )
        return not named and not DATE_TOKEN.search(text)

    @staticmethod
    def _continues_title(titles: list[Line], line: Line) -> bool:
        """A title that wraps onto a second line: "Code of Conduct for" / "Staff and Volunteers"."""
        if not titles or len(titles) > 2:
            return False
        text = line.text
        last = titles[-1].text
        level = titles[-1].evidence.heading_level
        if level is not None and line.evidence.heading_level != level:
            return False  # the title's type ends where the title ends
        if last.split()[-1].lower() in MINOR_WORDS or text[:1].islower():
            return is_heading(text, 10)  # "... Procedure for" / "Schools"
        return (
            is_heading(text, 10)
            and not DATE_TOKEN.search(text)
            and not SCHOOL.search(text)
            and (
                last.split()[-1].lower() in MINOR_WORDS
                or text.split()[0].lower() in MINOR_WORDS
                or (POLICY_WORDS.search(text) is not None and not POLICY_WORDS.search(last))
                or line.evidence.heading_level == titles[-1].evidence.heading_level == 0
            )
        )

    def _front_cells(self, line: Line) -> None:
        """A row of a table on the cover: dates and the version are read, the rest set aside."""
        cells = [cell for cell in line.evidence.cells or () if cell]
        if len(cells) == 2 and (found := date_line(f"{cells[0].rstrip(':')}: {cells[1]}")):
            self.dates.append(PolicyDate(found[0], found[1], month_of(found[1])))
            self._fate(line, kept="the policy's dates")
            return
        if (
            len(cells) == 2
            and cells[0].rstrip(":").lower() in ("version", "version number", "version no.")
            and VERSION_TOKEN.fullmatch(cells[1])
            and not self.version
        ):
            self.version = f"Version {cells[1].lstrip('vV')}"
            self._fate(line, kept="the policy's version")
            return
        self._fate(line, skipped="document details on the cover")

    def _school_in_text(self) -> str:
        """The school named most often in the text ("... at Oakfield Primary School ...")."""
        found: Counter[str] = Counter()
        for line in self.lines:
            for match in _SCHOOL_IN_TEXT.finditer(line.text):
                found[match[0]] += 1
        return found.most_common(1)[0][0] if found else ""

    def _adoption_text(self) -> str | None:
        for word in ("adopted", "approved", "ratified", "agreed"):
            for policy_date in self.dates:
                if word in policy_date.label.lower():
                    return policy_date.text
        if self.dates:
            return self.dates[0].text
        return None

    def _declaration(self, school: str, title: str) -> Declaration:
        if self.slip is not None:
            try:
                return self.slip.build()
            except PolicyImportError as error:
                self._warn(len(self.lines), "no-declaration", str(error))
        else:
            self._warn(
                len(self.lines),
                "no-declaration",
                "The document has no declaration for staff to sign, so a standard one was "
                "written: check its words.",
            )
        possessive = f"{school}’s" if school and not school.startswith("[") else "the school’s"
        return Declaration(
            title="Declaration of receipt",
            text=f"I confirm that I have read and understood {possessive} {title} and that I "
            "will follow it.",
        )

    def _warn_placeholders(self, policy: Policy) -> None:
        seen: set[str] = set()
        places = [("the school's name", policy.school), ("the title", policy.title)]
        places += [(f"clause {clause.id}", clause.plain_text()) for clause in policy.clauses]
        places += [("the declaration", policy.declaration.text)]
        for place, text in places:
            for match in PLACEHOLDER.finditer(text):
                if match[0] in seen:
                    continue
                seen.add(match[0])
                self._warn(
                    len(self.lines),
                    "placeholder",
                    f"The document still holds the placeholder ‘{match[0]}’ ({place}): fill it "
                    "in before staff read it.",
                )

    def _warn(self, position: int, code: str, message: str) -> None:
        self.warnings.append((position, PolicyWarning(code, message)))

    def _fate(self, line: Line, *, kept: str | None = None, skipped: str | None = None) -> None:
        for piece in line.pieces:
            self.fates.append(LineFate(piece.line, piece.text, kept=kept, skipped=skipped))

    def _peek(self) -> Line | None:
        following = self.index + 1
        return self.lines[following] if following < len(self.lines) else None

    def _previous(self) -> str:
        return self.lines[self.index - 1].text if self.index > 0 else ""

    def _starts_fresh(self, line: Line) -> bool:
        """Whether a line stands apart from the text before it, as a heading does."""
        previous = self._previous()
        return (
            self.clause is None  # straight after a heading
            or (line.after_break and not previous.endswith(":"))
            or ends_sentence(previous)
        )

    def _is_caps_heading(self, line: Line) -> bool:
        """A short line in capitals standing alone: a section's heading in a plain document."""
        text = line.text
        letters = [char for char in text if char.isalpha()]
        return (
            len(letters) >= 4
            and text.upper() == text
            and is_heading(text, 10)
            and not BULLET.match(text)
            and not PLACEHOLDER.search(text)
        )

    # One line -----------------------------------------------------------------------------------

    def _place(self, line: Line) -> None:
        """Read a line and note where it went."""
        self.placed = self.skipped = None
        self._read(line)
        if self.skipped:
            self._fate(line, skipped=self.skipped)
        elif self.placed:
            self._fate(line, kept=self.placed)
        elif self.slip is not None:
            self._fate(line, kept="the declaration")
        elif self.clause is not None:
            self._fate(line, kept=f"clause {self.clause.id}")
        else:
            self._fate(line, kept="the policy")

    def _read(self, line: Line) -> None:
        text = line.text
        evidence = line.evidence
        ends_slip = SECTION.fullmatch(text) or APPENDIX.fullmatch(text)
        if self.slip is not None and not ends_slip:
            if is_form_field(text) or (evidence.cells is not None and _is_form_row(evidence)):
                self.skipped = "signature or date field"
                self.slip.after_form = self.slip.at_break = True  # what follows is the note
                return
            self.slip.add(line)
            return
        if is_form_field(text) or (evidence.cells is not None and _is_form_row(evidence)):
            self._close_table()
            self.skipped = "signature or date field"
            return
        if (
            DECLARATION.match(text)
            and is_heading(text, 8)
            and (self._starts_fresh(line) or evidence.heading_level is not None)
        ):
            self._close_table()
            self.slip = _SlipDraft(text)
            return
        if evidence.cells is not None:
            self._table_row(line)
            return
        if (section := SECTION.fullmatch(text)) and (
            section["title"] is None or is_heading(section["title"], 14)
        ):
            self._start_section(section["number"], section["title"] or text, text)
            return
        if (appendix := APPENDIX.fullmatch(text)) and is_heading(text, 14):
            self._start_appendix(appendix["letter"], appendix["title"], text)
            return
        if (dotted := _DOTTED_SECTION.fullmatch(text)) and is_heading(dotted["title"], 14):
            self._start_section(dotted["number"], dotted["title"], text)
            return
        if (bare := BARE_SECTION.fullmatch(text)) and (
            self._is_bare_section(line, bare["number"])
            or (evidence.heading_level == 1 and is_heading(bare["title"], 14))
        ):
            self._start_section(bare["number"], bare["title"], text)
            return
        if numbered := NUMBERED.fullmatch(text):
            self._numbered(numbered["number"], numbered["text"])
            return
        if evidence.heading_level is not None and evidence.heading_level >= 1:
            if self._heading(line):
                return
        elif (level := self._plain_heading_level(line)) and self._heading(line, level=level):
            return
        if (found := date_line(text)) and (self._starts_fresh(line) or self._in_dates()):
            self._date(found[0], found[1], text)
            return
        if bullet := BULLET.match(text):
            self._bullet(text[bullet.end() :])
            return
        if (single := _SINGLE.fullmatch(text)) and not is_heading(single["text"], 6):
            self._single_clause(single["number"], single["text"])
            return
        if SUB_ITEM.match(text) and self.clause is not None:
            self._bullet(text)
            return
        if self.table is not None and self._table_line(self.table, line):
            return
        if self._starts_table(line) or self._starts_appendix_item(line):
            return
        self._text(line)

    def _plain_heading_level(self, line: Line) -> int | None:
        """A heading shown only by capitals or bold type: a section's in a document with no
        numbered sections, a subsection's in one with them."""
        if not self._starts_fresh(line) or line.evidence.cells is not None:
            return None
        if DECLARATION.match(line.text) or NUMBERED.match(line.text):
            return None
        is_caps = self._is_caps_heading(line)
        is_bold = line.evidence.is_bold and is_heading(line.text, 10)
        if not (is_caps or is_bold):
            return None
        if not self.has_numbered_sections:
            return 1
        following = self._peek()
        # In a numbered document, a bold line heads a subsection only when text follows it.
        if self.section is None or following is None or following.evidence.is_bold:
            return None
        return 2

    def _heading(self, line: Line, level: int | None = None) -> bool:
        """A heading with no number: a section's (level 1) or a subsection's (level 2 and 3)."""
        text = line.text
        level = level or line.evidence.heading_level or 1
        if not is_heading(text, 16):
            return False
        sub = self.subsection
        if level >= 2 and sub is not None and sub.is_appendix:
            self._close_table()
            self._add_clause(
                self._unique_id(f"{sub.id}.{slugify(text)}"), None, _Kind.HEADED, title=text
            )
            self.is_open = False
            return True
        if level <= 1 or self.section is None:
            number = str(max((int(n) for n in self.section_numbers if n.isdigit()), default=0) + 1)
            self._start_section(number, text, text, numbered=False)
            return True
        self._close_table()
        self.clause = None
        section = self.section
        taken = self._subsection_ids()
        if self.has_numbered_sections or self.depth >= 2:
            # Numbers belong to the document's own subsections: this one is named by its title.
            wanted = self._unique_subsection(f"{section.id}.{slugify(text)}")
        else:
            position = len(section.subsections) + 1
            wanted = f"{section.id}.{position}"
            while wanted in taken:
                position += 1
                wanted = f"{section.id}.{position}"
        self._add_subsection(wanted, text)
        self.placed = f"the heading of {wanted}"
        return True

    def _is_bare_section(self, line: Line, number: str) -> bool:
        expected = max((int(n) for n in self.section_numbers if n.isdigit()), default=0) + 1
        title = line.text.split(None, 1)[1] if " " in line.text else ""
        return (
            int(number) == expected
            and is_heading(title)
            and self._starts_fresh(line)
            and not is_structural(line.text)
        )

    def _in_dates(self) -> bool:
        return self.clause is not None and self.clause.kind is _Kind.DATES

    # Headings -----------------------------------------------------------------------------------

    def _start_section(
        self, number: str, title: str, heading: str, *, numbered: bool = True
    ) -> _SectionDraft:
        self._close_table()
        self.clause = None
        self.subsection = None
        is_appendices = title.lower().startswith("appendi")
        following = self._peek()
        appendix = APPENDIX.fullmatch(following.text) if following else None
        previous = max((int(n) for n in self.section_numbers if n.isdigit()), default=0)
        self.section_numbers[number] += 1
        times = self.section_numbers[number]
        section_id = self._section_id(appendix["letter"] if is_appendices and appendix else number)
        if times > 1:
            self._warn(
                self.index,
                "duplicate-section",
                f"{count_word(times)} sections are headed Section {number}; the "
                f"{ordinal_word(times)} (‘{heading}’) is stored as section {section_id}.",
            )
        elif numbered and int(number) > previous + 1:
            self._warn(
                self.index,
                "skipped-number",
                f"The sections go from {previous} to {number}: there is no section "
                f"{and_list([str(n) for n in range(previous + 1, int(number))])}.",
            )
        self.section = _SectionDraft(
            section_id, number if numbered else None, heading, title, is_appendices
        )
        self.sections.append(self.section)
        self.placed = f"the heading of section {section_id}"
        return self.section

    def _section_id(self, wanted: str) -> str:
        taken = {section.id for section in self.sections}
        section_id, copy = wanted, 1
        while section_id in taken:
            copy += 1
            section_id = f"{wanted}-{copy}"
        return section_id

    def _start_appendix(self, letter: str, title: str, heading: str) -> None:
        self._close_table()
        self.clause = None
        appendix_id = letter if letter.isalpha() else f"appendix-{letter}"
        self.placed = f"the heading of appendix {letter}"
        if self.section is not None and self.section.is_appendices:
            self._add_subsection(self._unique_subsection(appendix_id), heading, is_appendix=True)
            return
        self.section = _SectionDraft(
            self._section_id(appendix_id), None, heading, title or heading, is_appendices=True
        )
        self.sections.append(self.section)
        self._add_subsection(self._unique_subsection(appendix_id), None, is_appendix=True)

    def _unique_subsection(self, wanted: str) -> str:
        taken = self._subsection_ids()
        subsection_id, copy = wanted, 1
        while subsection_id in taken:
            copy += 1
            subsection_id = f"{wanted}-{copy}"
        return subsection_id

    def _add_subsection(
        self, subsection_id: str, title: str | None, *, is_appendix: bool = False
    ) -> _SubsectionDraft:
        section = self._section_for(subsection_id.split(".")[0])
        self.subsection = _SubsectionDraft(subsection_id, title, is_appendix)
        section.subsections.append(self.subsection)
        return self.subsection

    def _section_for(self, number: str) -> _SectionDraft:
        """The section being read; one named "Section <number>" for text before any heading."""
        if self.section is not None:
            return self.section
        heading = f"Section {number}"
        self._warn(
            self.index,
            "no-section-heading",
            f"Numbered text comes before any section heading; it is stored under ‘{heading}’.",
        )
        return self._start_section(number, heading, heading)

    def _subsection_ids(self) -> set[str]:
        return {sub.id for section in self.sections for sub in section.subsections}

    def _check_sequence(self, number: str, what: str) -> None:
        """Warn when a number skips ahead of the one before it at the same level."""
        parts = number.split(".")
        prefix, last = ".".join(parts[:-1]), int(parts[-1])
        previous = self.last_numbers.get(prefix, 0)
        if last > previous + 1:
            missing = [f"{prefix}.{n}" for n in range(previous + 1, last)]
            before = f"from {prefix}.{previous} to {number}" if previous else f"at {number}"
            self._warn(
                self.index,
                "skipped-number",
                f"The {what} numbering jumps {before}: there is no {what} {and_list(missing)}.",
            )
        self.last_numbers[prefix] = max(previous, last)

    def _numbered(self, number: str, text: str) -> None:
        parts = number.split(".")
        following = self._peek()
        if (
            len(parts) == 2
            and is_heading(text)
            and not (following and not following.after_break and continues(following.text))
        ):
            if self.depth >= 3 or self._numbers_below(number):
                self._start_subsection(number, text)
            else:
                # A run-in heading ("3.1 Harassment or Victimisation") over its clause's text.
                self._numbered_clause(number, parts, None, title=text)
        else:
            self._numbered_clause(number, parts, text)

    def _numbers_below(self, number: str) -> bool:
        """Whether clauses numbered under `number` ("2.1.1" under "2.1") follow it."""
        for line in self.lines[self.index + 1 :]:
            found = NUMBERED.fullmatch(line.text)
            if found and found["number"].startswith(f"{number}."):
                return True
            if found and len(found["number"].split(".")) <= 2:
                return False
        return False

    def _start_subsection(self, number: str, title: str) -> None:
        self._close_table()
        self.clause = None
        self.placed = f"the heading of {number}"
        self._check_sequence(number, "subsection")
        subsection_id = number
        if number in self._subsection_ids():
            subsection_id = f"{number}-2"
            self._warn(
                self.index,
                "duplicate-number",
                f"Two subsections are numbered {number}; the second is stored as {subsection_id}.",
            )
        self._add_subsection(subsection_id, title)

    def _numbered_clause(
        self, number: str, parts: list[str], text: str | None, *, title: str | None = None
    ) -> None:
        self._close_table()
        section = self._section_for(parts[0])
        wanted = parts[0] if len(parts) == 2 else ".".join(parts[:2])
        if self.subsection is None or self.subsection.id != wanted:
            if wanted not in self._subsection_ids():
                if len(parts) > 2:
                    self._check_sequence(wanted, "subsection")
                self._add_subsection(wanted, None)
            else:
                self._warn(
                    self.index,
                    "out-of-place-number",
                    f"Clause {number} is printed out of order; it is kept where it appears.",
                )
        if section.number is not None and parts[0] != section.number and not section.is_appendices:
            self._warn(
                self.index,
                "out-of-place-number",
                f"Clause {number} is printed in Section {section.number}; it is kept there.",
            )
        self._check_sequence(number, "clause")
        self.number_counts[number] += 1
        times = self.number_counts[number]
        clause_id = number if times == 1 else self._unique_id(f"{number}-{times}")
        if times > 1:
            self._warn(
                self.index,
                "duplicate-number",
                f"{count_word(times)} clauses are numbered {number}; the {ordinal_word(times)} is "
                f"stored as {clause_id}.",
            )
        clause = self._add_clause(clause_id, number, _Kind.NUMBERED, title=title)
        if text is not None:
            self._add_paragraph(clause, text)
        else:
            self.is_open = False

    def _single_clause(self, number: str, text: str) -> None:
        """A clause numbered on one level ("12. Staff must ..."), in the section being read."""
        self._close_table()
        self.number_counts[number] += 1
        times = self.number_counts[number]
        clause_id = number if times == 1 else self._unique_id(f"{number}-{times}")
        if clause_id in self.clause_ids:
            clause_id = self._unique_id(f"{number}-{times}")
        if times > 1:
            self._warn(
                self.index,
                "duplicate-number",
                f"{count_word(times)} clauses are numbered {number}; the {ordinal_word(times)} is "
                f"stored as {clause_id}.",
            )
        clause = self._add_clause(clause_id, number, _Kind.NUMBERED)
        self._add_paragraph(clause, text)

    def _table_row(self, line: Line) -> None:
        """A row of a table the document itself made (Word, a ruled PDF table, Markdown)."""
        cells = tuple(line.evidence.cells or ())
        if self.table is not None and self.table_number == line.evidence.table:
            self.table.block.rows.append(cells)
            return
        self._close_table()
        clause = self.clause
        if clause is None or clause.kind in (_Kind.BULLET, _Kind.DATES):
            clause = self._add_unnumbered(_Kind.PARAGRAPH)
        block = _BlockDraft(BlockKind.TABLE, rows=[cells])
        clause.blocks.append(block)
        self.table = _TableDraft(block, None, whole_rows=True)
        self.table_number = line.evidence.table
        self.is_open = False

    def _unique_id(self, wanted: str) -> str:
        clause_id, copy = wanted, 1
        while clause_id in self.clause_ids:
            copy += 1
            clause_id = f"{wanted}-{copy}"
        return clause_id

    # Clauses and blocks -------------------------------------------------------------------------

    def _container(self) -> _SubsectionDraft:
        """The subsection being read; an untitled one named after the section if there is none."""
        if self.subsection is not None:
            return self.subsection
        section = self._section_for("1")
        taken = self._subsection_ids()
        subsection_id = section.id if section.id not in taken else f"{section.id}-{len(taken)}"
        return self._add_subsection(subsection_id, None)

    def _add_clause(
        self, clause_id: str, number: str | None, kind: _Kind, title: str | None = None
    ) -> _ClauseDraft:
        clause = _ClauseDraft(clause_id, number, kind, self.index, title)
        self._container().clauses.append(clause)
        self.clause_ids.add(clause_id)
        self.clause = clause
        return clause

    def _add_unnumbered(self, kind: _Kind) -> _ClauseDraft:
        """A clause with no number, stored as its container's ID and .p1, .p2 (README rule)."""
        container = self._container()
        container.unnumbered += 1
        return self._add_clause(
            self._unique_id(f"{container.id}.p{container.unnumbered}"), None, kind
        )

    def _add_paragraph(self, clause: _ClauseDraft, text: str) -> None:
        clause.blocks.append(_BlockDraft(BlockKind.PARAGRAPH, text=text))
        self.is_open = True

    def _bullet(self, text: str) -> None:
        self._close_table()
        clause = self.clause
        if clause is None or clause.kind in (_Kind.BULLET, _Kind.DATES):
            self._add_paragraph(self._add_unnumbered(_Kind.BULLET), text)
            return
        if clause.last is not None and clause.last.kind is BlockKind.LIST:
            clause.last.items.append(text)
        else:
            clause.blocks.append(_BlockDraft(BlockKind.LIST, items=[text]))
        self.is_open = True

    def _date(self, label: str, value: str, text: str) -> None:
        self._close_table()
        self.dates.append(PolicyDate(label, value, month_of(value)))
        clause = self.clause
        if clause is None or clause.kind is not _Kind.DATES:
            clause = self._add_unnumbered(_Kind.DATES)
        self._add_paragraph(clause, text)
        self.is_open = False

    def _text(self, line: Line) -> None:
        clause = self.clause
        last = clause.last if clause else None
        if (
            last is not None
            and self.is_open
            and last.kind is not BlockKind.TABLE
            and not line.evidence.is_paragraph
            and (not line.after_break or continues(line.text))
        ):
            last.add(line.text)
            return
        if (
            clause is not None
            and clause.kind not in (_Kind.BULLET, _Kind.DATES)
            and (
                last is None
                or last.kind is not BlockKind.PARAGRAPH
                or last.text.endswith(":")
                or clause.kind is _Kind.HEADED
                or clause.title is not None
                or (clause.kind is _Kind.NUMBERED and self.paragraphs_known)
            )
        ):
            self._add_paragraph(clause, line.text)  # more of the clause: after a list, a table
            return
        self._add_paragraph(self._add_unnumbered(_Kind.PARAGRAPH), line.text)

    def _starts_appendix_item(self, line: Line) -> bool:
        """In an appendix, a short line standing apart heads an item: "Computer misuse act 1990"."""
        if self.subsection is None or not self.subsection.is_appendix:
            return False
        following = self._peek()
        if (
            not is_heading(line.text, 10)
            or not self._starts_fresh(line)
            or following is None
            or continues(following.text)
            or is_heading(following.text, 10)  # the item's text, not another heading
            or NUMBERED.fullmatch(following.text)
            or SECTION.fullmatch(following.text)
            or APPENDIX.fullmatch(following.text)
        ):
            return False
        clause_id = self._unique_id(f"{self.subsection.id}.{slugify(line.text)}")
        self._add_clause(clause_id, None, _Kind.HEADED, title=line.text)
        self.is_open = False
        return True

    # Tables -------------------------------------------------------------------------------------

    def _starts_table(self, line: Line) -> bool:
        """A header row straight after a clause that ends in a colon starts a table."""
        clause = self.clause
        last = clause.last if clause else None
        if clause is None or last is None or last.kind is not BlockKind.PARAGRAPH:
            return False
        if not self.is_open or not last.text.endswith(":"):
            return False
        following = self._peek()
        if following is None or is_structural(following.text) or continues(following.text):
            return False
        raw = line.raw.strip()
        header = TABLE_GAP.split(raw)
        if len(header) >= 2:
            indent = len(line.raw) - len(line.raw.lstrip())
            starts, offset = [], 0
            for cell in header:
                offset = raw.index(cell, offset)
                starts.append(indent + offset)
                offset += len(cell)
        elif is_title_case(line.text):
            words = split_words(line.text)
            header, starts = [" ".join(words[:-1]), words[-1]], None
        else:
            return False
        block = _BlockDraft(
            BlockKind.TABLE, rows=[tuple(" ".join(cell.split()) for cell in header)]
        )
        clause.blocks.append(block)
        self.table = _TableDraft(block, starts)
        self.is_open = False
        return True

    def _close_table(self) -> None:
        if self.table is not None:
            self.table.flush()
            self.table = None
            self.is_open = False

    def _table_line(self, table: _TableDraft, line: Line) -> bool:
        """Add a line to the table being read; False when the line is not part of it."""
        if table.starts is not None:
            return self._spaced_table_line(table, table.starts, line)
        text = line.text
        if table.cells and table.cells[1]:
            second = table.cells[1]
            if continues(text) or not ends_sentence(second[-1]):
                second.append(text)
                return True
            if sentence_start(text) == 0:
                self._close_table()
                return False
            table.flush()
        if not table.cells:
            table.cells = [[], []]
        start = sentence_start(text)
        words = split_words(text)
        if start is None:
            table.cells[0].append(text)
        elif start > 0:
            table.cells[0].append(" ".join(words[:start]))
            table.cells[1].append(" ".join(words[start:]))
        else:
            table.cells[1].append(text)
        return True

    def _spaced_table_line(self, table: _TableDraft, starts: list[int], line: Line) -> bool:
        """A line of a table laid out with spaces: each piece goes in the column it sits under."""
        pieces = [
            (match.start(), " ".join(match[0].split()))
            for match in re.finditer(r"\S+(?: {1,2}\S+)*", line.raw)
        ]
        columns = [
            max((k for k, start in enumerate(starts) if start <= position + 2), default=0)
            for position, _ in pieces
        ]
        row_done = (
            bool(table.cells) and bool(table.cells[-1]) and ends_sentence(table.cells[-1][-1])
        )
        if (
            len(pieces) == 1
            and columns[0] == 0
            and row_done
            and line.after_break
            and sentence_start(line.text) == 0
        ):
            self._close_table()
            return False
        if 0 in columns and table.cells and any(table.cells[1:]):
            table.flush()
        if not table.cells:
            table.cells = [[] for _ in starts]
        for column, (_, text) in zip(columns, pieces, strict=True):
            table.cells[column].append(text)
        return True

    # After reading ------------------------------------------------------------------------------

    def _mark_formal_and_unnumbered(self) -> None:
        """Mark closing text as formal and warn about every run of clauses without numbers.

        The dates are formal, and so are unnumbered paragraphs after the policy's last numbered
        clause (the closing statements): they teach nothing and need no question.
        """
        for section in self.sections:
            for clause in section.clauses_drafted():
                clause.is_formal = clause.kind is _Kind.DATES
        body = [section for section in self.sections if not section.is_appendices]
        numbered = [
            clause
            for section in body
            for clause in section.clauses_drafted()
            if clause.kind is _Kind.NUMBERED
        ]
        final = numbered[-1] if numbered else None
        for section in body:
            for sub in section.subsections:
                after_final = False
                run: list[_ClauseDraft] = []
                before: _ClauseDraft | None = None
                for clause in [*sub.clauses, None]:
                    if clause is not None and clause.kind is not _Kind.NUMBERED:
                        clause.is_formal = clause.is_formal or after_final
                        run.append(clause)
                        continue
                    if run:
                        self._warn_unnumbered(sub, before, run)
                    run, before = [], clause
                    after_final = after_final or clause is final

    def _warn_unnumbered(
        self, sub: _SubsectionDraft, before: _ClauseDraft | None, run: list[_ClauseDraft]
    ) -> None:
        place = f"after clause {before.number}" if before else f"in {sub.id} {sub.title or ''}"
        place = place.strip()
        stored = and_list([clause.id for clause in run])
        if len(run) > 1:
            message = f"{count_word(len(run))} paragraphs {place} have no clause numbers; they are"
        else:
            message = f"A paragraph {place} has no clause number; it is"
        message = f"{message} stored as {stored}"
        if all(clause.is_formal for clause in run):
            message += ", and marked as formal text that needs no questions"
        self._warn(run[0].position, "unnumbered-clause", f"{message}.")


def build_outline(
    lines: list[Line],
    *,
    version: str | None = None,
    school: str | None = None,
    title: str | None = None,
    source_name: str = "",
    source_kind: str = "text",
) -> Outline:
    """Read the sifted lines into a `Policy`, with a warning for each defect found.

    `version`, `school` and `title`, when given, stand in for what the document says. Raises
    `PolicyImportError` only when the lines hold no policy at all (no headings, no numbers).
    """
    importer = _Importer(
        lines, school=school, title=title, source_name=source_name, source_kind=source_kind
    )
    return importer.run(version)
