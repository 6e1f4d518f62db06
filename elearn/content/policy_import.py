"""Turn a numbered school policy, as text copied out of a PDF or Word file, into a `Policy`.

`import_policy` reads the text line by line. It drops page numbers, running headers and footers and
the blank lines a PDF leaves behind, unwraps hard-wrapped paragraphs and bullets, and recognises:

- the school's name and the policy's title at the top;
- section headings ("Section 2: Safer Social Media Practice in Schools"), subsection headings
  ("2.1  What is social media?") and numbered clauses ("2.3.4  Staff should never ...");
- bulleted lists ("Ø", "•", "o", "-", "*"), and tables introduced by a clause that ends in a colon;
- appendices ("Appendix A – Relevant legislation"), whose headed items become clauses of their own;
- the policy's dates ("Date adopted by Governing Body: November 2023") and the declaration slip.

Every word is kept, in the document's order, and nothing is merged. Where the numbering is faulty (a
number used twice, a gap, paragraphs with no number) the text is still stored, under an ID made by
the rules in content/README.md, and a `PolicyWarning` tells the headteacher what was found.

Pure: no file I/O and no Flask.
"""

from __future__ import annotations

import enum
import re
import unicodedata
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


class PolicyImportError(ValueError):
    """The text cannot be read as a numbered policy; the message says what is missing."""


# --- Recognising lines ----------------------------------------------------------------------------

# Word's bullet glyphs survive extraction as these characters ("Ø" and "" come from Wingdings).
_BULLET = re.compile(r"(?:[Ø•●◦▪■‣∙·\uf0a7\uf0b7\uf0d8\uf076]\s*|[-*o]\s+)(?=\S)")
_PAGE_NUMBER = re.compile(
    r"(?:page\s+)?\d{1,4}(?:\s*(?:of|/)\s*\d{1,4})?|[-–—]\s*\d{1,4}\s*[-–—]", re.IGNORECASE
)
_SECTION = re.compile(
    r"(?P<word>Section|SECTION|Part|PART)\s+(?P<number>\d{1,2})(?:(?:\s*[:.\-–—]\s*|\s+)(?P<title>\S.*))?"
)
_BARE_SECTION = re.compile(r"(?P<number>\d{1,2})\.?\s+(?P<title>[A-Z].*)")
_APPENDIX = re.compile(
    r"(?:Appendix|APPENDIX)\s+(?P<letter>[A-Z]|\d{1,2})\b\s*[:.\-–—]?\s*(?P<title>.*)"
)
_NUMBERED = re.compile(r"(?P<number>\d{1,2}(?:\.\d{1,2}){1,3})\.?\s+(?P<text>\S.*)")
_DECLARATION = re.compile(r"(?:Staff\s+|Employee\s+)?(?:Declaration|Acknowledge?ment)\b", re.I)
_FORM_LINE = re.compile(r"\.{4,}|_{4,}|…{2,}")
_SCHOOL = re.compile(
    r"\b(?:School|Academy|College|Federation|Trust|Nursery|Infants?|Juniors?)(?:\s*\([^)]*\))?$"
)
_DATE_LABEL = re.compile(
    r"\b(?:date|adopted|approved|ratified|agreed|reviewed|review|issued|published|updated)\b",
    re.IGNORECASE,
)
_YEAR = re.compile(r"\b(?:19|20)\d{2}\b")
_ENDS_SENTENCE = re.compile(r"[.!?][’”'\")\]]*$")
_TABLE_GAP = re.compile(r"\s{3,}")
_MINOR_WORDS = frozenset(
    {"a", "an", "and", "as", "at", "but", "by", "for", "from", "in", "into", "nor", "of", "on"}
    | {"or", "per", "the", "to", "via", "who", "with"}
)
_MONTHS = (
    "january",
    "february",
    "march",
    "april",
    "may",
    "june",
    "july",
    "august",
    "september",
    "october",
    "november",
    "december",
)
_COUNTS = ("No", "One", "Two", "Three", "Four", "Five", "Six", "Seven", "Eight", "Nine", "Ten")
_ORDINALS = ("", "first", "second", "third", "fourth", "fifth", "sixth", "seventh", "eighth")


@dataclass(frozen=True)
class _Line:
    text: str  # whitespace collapsed to single spaces
    raw: str  # as extracted, tabs expanded: tables use its spacing
    after_break: bool  # a blank line, page number or page header came just before


def _words(text: str) -> list[str]:
    return text.split()


def _core(word: str) -> str:
    return word.strip("()[]‘’“”'\",;")


def _continues(text: str) -> bool:
    """Whether a line reads as the rest of the sentence before it (it starts in lower case)."""
    core = text.lstrip("‘“'\"([")
    return bool(core) and (core[0].islower() or text[0] in ",;:)]")


def _ends_sentence(text: str) -> bool:
    return bool(_ENDS_SENTENCE.search(text))


def _is_heading(text: str, max_words: int = 12) -> bool:
    """A short line that does not end like a sentence: "Objectives", "What is social media?"."""
    words = _words(text)
    return (
        0 < len(words) <= max_words
        and (text[0].isupper() or text[0].isdigit())
        and text[-1] not in ".,;:"
        and ". " not in text
    )


def _is_title_case(text: str) -> bool:
    """Every word capitalised except small words: a table header or a document's name."""
    words = _words(text)
    if len(words) < 2 or not words[0][:1].isupper() or text[-1] in ".,;:":
        return False
    return _sentence_start(text) is None


def _sentence_start(text: str) -> int | None:
    """Where a table row's first line turns from a name into a sentence, as a word index.

    "Single Equality Policy Use of social networking sites ..." turns at "Use" (3): the capital
    before the first lower-case word that is not a small word. None when the line is all name.
    """
    words = _words(text)
    for index, word in enumerate(words):
        core = _core(word)
        if core[:1].isalpha() and core[0].islower() and core.lower() not in _MINOR_WORDS:
            start = index
            while start > 0 and _core(words[start - 1]).lower() in _MINOR_WORDS:
                if not _core(words[start - 1])[:1].islower():
                    break
                start -= 1
            if start > 0 and _core(words[start - 1])[:1].isupper():
                start -= 1
            return start
    return None


def _join(head: str, tail: str) -> str:
    """Unwrap one line onto the text before it; "non-" + "disclosure" is one word again."""
    if not head:
        return tail
    if re.search(r"[^\W\d_]-$", head) and tail[:1].islower():
        return head + tail
    return f"{head} {tail}"


def _join_all(pieces: list[str]) -> str:
    text = ""
    for piece in pieces:
        text = _join(text, piece)
    return text


def _slug(text: str) -> str:
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")


def _date_line(text: str) -> tuple[str, str] | None:
    """("Date adopted by Governing Body", "November 2023") from a date line, else None."""
    label, colon, value = text.partition(":")
    label, value = label.strip(), value.strip()
    if not colon or not label or not value:
        return None
    if len(_words(label)) > 10 or len(_words(value)) > 5:
        return None
    if not _DATE_LABEL.search(label) or not _YEAR.search(value):
        return None
    return label, value


def month_of(text: str) -> str | None:
    """The ISO month of a printed date: "November 2023", "Sept 2024", "14/03/2025" -> "2025-03"."""
    if match := re.search(r"\b(\d{1,2})[/.-](\d{1,2})[/.-]((?:19|20)\d{2})\b", text):
        month, year = int(match[2]), match[3]
    elif match := re.search(r"\b((?:19|20)\d{2})-(\d{1,2})\b", text):
        month, year = int(match[2]), match[1]
    elif match := re.search(r"\b(\d{1,2})[/.-]((?:19|20)\d{2})\b", text):
        month, year = int(match[1]), match[2]
    elif match := _YEAR.search(text):
        year = match[0]
        names = [word for word in re.findall(r"[a-z]+", text.lower()) if len(word) >= 3]
        month = next(
            (
                number
                for word in names
                for number, name in enumerate(_MONTHS, start=1)
                if name.startswith(word)
            ),
            0,
        )
    else:
        return None
    return f"{year}-{month:02d}" if 1 <= month <= 12 else None


def _is_structural(text: str) -> bool:
    return bool(
        _NUMBERED.fullmatch(text)
        or _SECTION.fullmatch(text)
        or _APPENDIX.fullmatch(text)
        or _BULLET.match(text)
    )


def _count(number: int) -> str:
    return _COUNTS[number] if number < len(_COUNTS) else str(number)


def _ordinal(number: int) -> str:
    return _ORDINALS[number] if number < len(_ORDINALS) else f"number {number}"


def _and_list(items: list[str]) -> str:
    return items[0] if len(items) == 1 else f"{', '.join(items[:-1])} and {items[-1]}"


# --- Reading the lines ----------------------------------------------------------------------------


def _read_lines(text: str) -> list[_Line]:
    """The text's lines, less blank lines, page numbers and running headers.

    Each line notes whether a break came before it. The title page (the lines before the first
    heading or clause) is kept whole, so a school name repeated as a page header is still found.
    """
    raws = [raw.expandtabs(8).rstrip() for raw in text.splitlines()]
    texts = [" ".join(raw.split()) for raw in raws]
    body_start = next((index for index, text in enumerate(texts) if _opens_body(text)), len(texts))
    front = {text for text in texts[:body_start] if text}
    repeats = Counter(re.sub(r"\d+", "#", text) for text in texts[body_start:] if text)

    def is_furniture(text: str) -> bool:
        if _PAGE_NUMBER.fullmatch(text):
            return True
        if _is_structural(text) or _FORM_LINE.search(text) or _date_line(text):
            return False
        if text in front:
            return True  # the school or title repeated at the top of each page
        return (
            repeats[re.sub(r"\d+", "#", text)] >= 3
            and len(_words(text)) <= 15
            and any(char.isalpha() for char in text)
        )

    lines: list[_Line] = []
    after_break = False
    for index, (raw, text) in enumerate(zip(raws, texts, strict=True)):
        if not text or (index >= body_start and is_furniture(text)):
            after_break = True
            continue
        lines.append(_Line(text, raw, after_break))
        after_break = False
    return lines


def _opens_body(text: str) -> bool:
    section = _SECTION.fullmatch(text)
    if section and (section["title"] is None or _is_heading(section["title"], 14)):
        return True
    bare = _BARE_SECTION.fullmatch(text)
    return bool(_NUMBERED.fullmatch(text) or (bare and bare["number"] == "1" and _is_heading(text)))


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
            self.items[-1] = _join(self.items[-1], text)
        else:
            self.text = _join(self.text, text)

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
        return Clause(
            id=self.id,
            number=self.number,
            blocks=tuple(block.build() for block in self.blocks),
            title=self.title,
            is_formal=self.is_formal,
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

    @property
    def width(self) -> int:
        return len(self.block.rows[0])

    def flush(self) -> None:
        if any(self.cells):
            row = [_join_all(pieces) for pieces in self.cells]
            self.block.rows.append(tuple(row + [""] * (self.width - len(row))))
        self.cells = []


@dataclass
class _SlipDraft:
    """The declaration slip: its statement, then the form, then where to return it."""

    title: str
    paragraphs: list[tuple[bool, list[str]]] = field(default_factory=list)  # (is the note, lines)
    after_form: bool = False
    at_break: bool = False

    def add(self, line: _Line) -> None:
        text = line.text
        if _FORM_LINE.search(text):  # "Name (please print) .....": the form, not the policy
            self.after_form = self.at_break = True
            return
        is_request = text.lower().startswith("please")
        last = self.paragraphs[-1][1] if self.paragraphs else None
        if (
            last is None
            or self.at_break
            or (line.after_break and not _continues(text))
            or (is_request and _ends_sentence(last[-1]))
        ):
            self.paragraphs.append((self.after_form or is_request, []))
        self.paragraphs[-1][1].append(text)
        self.at_break = False

    def build(self) -> Declaration:
        paragraphs = [(is_note, _join_all(lines)) for is_note, lines in self.paragraphs]
        text = " ".join(text for is_note, text in paragraphs if not is_note)
        note = " ".join(text for is_note, text in paragraphs if is_note)
        if not text:
            raise PolicyImportError(f"The ‘{self.title}’ slip has no statement for staff to sign.")
        return Declaration(title=self.title, text=text, return_note=note or None)


class _Importer:
    """Reads the lines in order, filling in the section, subsection and clause being read."""

    def __init__(self, lines: list[_Line]) -> None:
        self.lines = lines
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

    # The document -------------------------------------------------------------------------------

    def run(self, version: str | None) -> Policy:
        body_start = next(
            (index for index, line in enumerate(self.lines) if _opens_body(line.text)), None
        )
        if body_start is None:
            raise PolicyImportError(
                "No numbered sections or clauses were found: the importer reads numbered policies "
                "with headings such as 'Section 1: Introduction' and clauses such as '1.1.1'."
            )
        school, title = self._front_matter(self.lines[:body_start])
        for index in range(body_start, len(self.lines)):
            self.index = index
            self._read(self.lines[index])
        self._close_table()
        slip = self.slip
        if slip is None:
            raise PolicyImportError(
                "No declaration slip was found: the policy should end with a 'Declaration of "
                "receipt' for staff to sign."
            )
        self._mark_formal_and_unnumbered()
        if version is None:
            version = self._adoption_text()
        return Policy(
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
            declaration=slip.build(),
            dates=tuple(self.dates),
            warnings=tuple(warning for _, warning in sorted(self.warnings, key=lambda w: w[0])),
        )

    def _front_matter(self, lines: list[_Line]) -> tuple[str, str]:
        """The school's name (the line that names a school) and the policy's title (the rest)."""
        school = ""
        titles: list[str] = []
        for line in lines:
            if found := _date_line(line.text):
                self.dates.append(PolicyDate(found[0], found[1], month_of(found[1])))
            elif not school and _SCHOOL.search(line.text):
                school = line.text
            else:
                titles.append(line.text)
        if not school or not titles:
            missing = "school's name" if not school else "policy's title"
            raise PolicyImportError(
                f"No {missing} was found: the first lines should give the school's name and the "
                "policy's title, before the first section."
            )
        if len(titles) > 1:
            self._warn(
                0,
                "long-title",
                f"The lines at the top, ‘{' / '.join(titles)}’, were joined to make the policy's "
                "title; check that it reads well.",
            )
        return school, " ".join(titles)

    def _adoption_text(self) -> str:
        for word in ("adopted", "approved", "ratified", "agreed"):
            for policy_date in self.dates:
                if word in policy_date.label.lower():
                    return policy_date.text
        if self.dates:
            return self.dates[0].text
        raise PolicyImportError(
            "The policy gives no date of adoption, so the version cannot be named after it; "
            "name the version yourself (--version)."
        )

    def _warn(self, position: int, code: str, message: str) -> None:
        self.warnings.append((position, PolicyWarning(code, message)))

    def _peek(self) -> _Line | None:
        following = self.index + 1
        return self.lines[following] if following < len(self.lines) else None

    def _previous(self) -> str:
        return self.lines[self.index - 1].text if self.index > 0 else ""

    def _starts_fresh(self, line: _Line) -> bool:
        """Whether a line stands apart from the text before it, as a heading does."""
        previous = self._previous()
        return (
            self.clause is None  # straight after a heading
            or (line.after_break and not previous.endswith(":"))
            or _ends_sentence(previous)
        )

    # One line -----------------------------------------------------------------------------------

    def _read(self, line: _Line) -> None:
        text = line.text
        if self.slip is not None and not (_SECTION.fullmatch(text) or _APPENDIX.fullmatch(text)):
            self.slip.add(line)
            return
        if _DECLARATION.match(text) and _is_heading(text, 8) and self._starts_fresh(line):
            self._close_table()
            self.slip = _SlipDraft(text)
            return
        if (section := _SECTION.fullmatch(text)) and (
            section["title"] is None or _is_heading(section["title"], 14)
        ):
            self._start_section(section["number"], section["title"] or text, text)
            return
        if (appendix := _APPENDIX.fullmatch(text)) and _is_heading(text, 14):
            self._start_appendix(appendix["letter"], appendix["title"], text)
            return
        if numbered := _NUMBERED.fullmatch(text):
            self._numbered(numbered["number"], numbered["text"])
            return
        if (bare := _BARE_SECTION.fullmatch(text)) and self._is_bare_section(line, bare["number"]):
            self._start_section(bare["number"], bare["title"], text)
            return
        if (found := _date_line(text)) and (self._starts_fresh(line) or self._in_dates()):
            self._date(found[0], found[1], text)
            return
        if bullet := _BULLET.match(text):
            self._bullet(text[bullet.end() :])
            return
        if self.table is not None and self._table_line(self.table, line):
            return
        if self._starts_table(line) or self._starts_appendix_item(line):
            return
        self._text(line)

    def _is_bare_section(self, line: _Line, number: str) -> bool:
        expected = max((int(n) for n in self.section_numbers if n.isdigit()), default=0) + 1
        return (
            int(number) == expected
            and _is_heading(line.text)
            and self._starts_fresh(line)
            and not _is_structural(line.text)
        )

    def _in_dates(self) -> bool:
        return self.clause is not None and self.clause.kind is _Kind.DATES

    # Headings -----------------------------------------------------------------------------------

    def _start_section(self, number: str, title: str, heading: str) -> _SectionDraft:
        self._close_table()
        self.clause = None
        self.subsection = None
        is_appendices = title.lower().startswith("appendi")
        following = self._peek()
        appendix = _APPENDIX.fullmatch(following.text) if following else None
        previous = max((int(n) for n in self.section_numbers if n.isdigit()), default=0)
        self.section_numbers[number] += 1
        times = self.section_numbers[number]
        section_id = self._section_id(appendix["letter"] if is_appendices and appendix else number)
        if times > 1:
            self._warn(
                self.index,
                "duplicate-section",
                f"{_count(times)} sections are headed Section {number}; the {_ordinal(times)} "
                f"(‘{heading}’) is stored as section {section_id}.",
            )
        elif int(number) > previous + 1:
            self._warn(
                self.index,
                "skipped-number",
                f"The sections go from {previous} to {number}: there is no section "
                f"{_and_list([str(n) for n in range(previous + 1, int(number))])}.",
            )
        self.section = _SectionDraft(section_id, number, heading, title, is_appendices)
        self.sections.append(self.section)
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
        if self.section is not None and self.section.is_appendices:
            self._add_subsection(appendix_id, heading, is_appendix=True)
            return
        self.section = _SectionDraft(
            self._section_id(appendix_id), None, heading, title or heading, is_appendices=True
        )
        self.sections.append(self.section)
        self._add_subsection(appendix_id, None, is_appendix=True)

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
                f"The {what} numbering jumps {before}: there is no {what} {_and_list(missing)}.",
            )
        self.last_numbers[prefix] = max(previous, last)

    def _numbered(self, number: str, text: str) -> None:
        parts = number.split(".")
        following = self._peek()
        if (
            len(parts) == 2
            and _is_heading(text)
            and not (following and not following.after_break and _continues(following.text))
        ):
            self._start_subsection(number, text)
        else:
            self._numbered_clause(number, parts, text)

    def _start_subsection(self, number: str, title: str) -> None:
        self._close_table()
        self.clause = None
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

    def _numbered_clause(self, number: str, parts: list[str], text: str) -> None:
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
                f"{_count(times)} clauses are numbered {number}; the {_ordinal(times)} is stored "
                f"as {clause_id}.",
            )
        clause = self._add_clause(clause_id, number, _Kind.NUMBERED)
        self._add_paragraph(clause, text)

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

    def _text(self, line: _Line) -> None:
        clause = self.clause
        last = clause.last if clause else None
        if (
            last is not None
            and self.is_open
            and last.kind is not BlockKind.TABLE
            and (not line.after_break or _continues(line.text))
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
            )
        ):
            self._add_paragraph(clause, line.text)  # more of the clause: after a list, a table
            return
        self._add_paragraph(self._add_unnumbered(_Kind.PARAGRAPH), line.text)

    def _starts_appendix_item(self, line: _Line) -> bool:
        """In an appendix, a short line standing apart heads an item: "Computer misuse act 1990"."""
        if self.subsection is None or not self.subsection.is_appendix:
            return False
        following = self._peek()
        if (
            not _is_heading(line.text, 10)
            or not self._starts_fresh(line)
            or following is None
            or _continues(following.text)
            or _is_heading(following.text, 10)  # the item's text, not another heading
            or _NUMBERED.fullmatch(following.text)
            or _SECTION.fullmatch(following.text)
            or _APPENDIX.fullmatch(following.text)
        ):
            return False
        clause_id = self._unique_id(f"{self.subsection.id}.{_slug(line.text)}")
        self._add_clause(clause_id, None, _Kind.HEADED, title=line.text)
        self.is_open = False
        return True

    # Tables -------------------------------------------------------------------------------------

    def _starts_table(self, line: _Line) -> bool:
        """A header row straight after a clause that ends in a colon starts a table."""
        clause = self.clause
        last = clause.last if clause else None
        if clause is None or last is None or last.kind is not BlockKind.PARAGRAPH:
            return False
        if not self.is_open or not last.text.endswith(":"):
            return False
        following = self._peek()
        if following is None or _is_structural(following.text) or _continues(following.text):
            return False
        raw = line.raw.strip()
        header = _TABLE_GAP.split(raw)
        if len(header) >= 2:
            indent = len(line.raw) - len(line.raw.lstrip())
            starts, offset = [], 0
            for cell in header:
                offset = raw.index(cell, offset)
                starts.append(indent + offset)
                offset += len(cell)
        elif _is_title_case(line.text):
            words = _words(line.text)
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

    def _table_line(self, table: _TableDraft, line: _Line) -> bool:
        """Add a line to the table being read; False when the line is not part of it."""
        if table.starts is not None:
            return self._spaced_table_line(table, table.starts, line)
        text = line.text
        if table.cells and table.cells[1]:
            second = table.cells[1]
            if _continues(text) or not _ends_sentence(second[-1]):
                second.append(text)
                return True
            if _sentence_start(text) == 0:
                self._close_table()
                return False
            table.flush()
        if not table.cells:
            table.cells = [[], []]
        start = _sentence_start(text)
        words = _words(text)
        if start is None:
            table.cells[0].append(text)
        elif start > 0:
            table.cells[0].append(" ".join(words[:start]))
            table.cells[1].append(" ".join(words[start:]))
        else:
            table.cells[1].append(text)
        return True

    def _spaced_table_line(self, table: _TableDraft, starts: list[int], line: _Line) -> bool:
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
            bool(table.cells) and bool(table.cells[-1]) and _ends_sentence(table.cells[-1][-1])
        )
        if (
            len(pieces) == 1
            and columns[0] == 0
            and row_done
            and line.after_break
            and _sentence_start(line.text) == 0
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
        stored = _and_list([clause.id for clause in run])
        if len(run) > 1:
            message = f"{_count(len(run))} paragraphs {place} have no clause numbers; they are"
        else:
            message = f"A paragraph {place} has no clause number; it is"
        message = f"{message} stored as {stored}"
        if all(clause.is_formal for clause in run):
            message += ", and marked as formal text that needs no questions"
        self._warn(run[0].position, "unnumbered-clause", f"{message}.")


def import_policy(text: str, *, version: str | None = None) -> Policy:
    """Read a numbered policy's text into a `Policy`, with a warning for each numbering defect.

    `version` is what certificates print; it defaults to the date the policy was adopted. Raises
    `PolicyImportError` when the text has no numbered sections, title, school or declaration slip.
    """
    return _Importer(_read_lines(text)).run(version)
