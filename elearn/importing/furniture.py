"""Taking out what is on the pages but is not the policy, and saying why for each line.

Before the outline is read, `sift` sets aside: Word's page headers and footers; in a PDF, lines
at the top or foot of the page that repeat across pages (found by position and repetition); page
numbers; a footer that a PDF ran into the last line of a page; contents lists (dot leaders, page
numbers, "Error! Bookmark not defined."); version-control and policy-history tables; Markdown
mark-up. What is left is joined where a number stands on a line of its own above its title. Every
line set aside becomes a `LineFate` with its reason; nothing is dropped unseen.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict

from elearn.importing.patterns import (
    APPENDIX,
    BARE_NUMBER,
    CONTENTS_HEADING,
    DATE_TOKEN,
    HISTORY_HEADING,
    NUMBERED,
    PAGE_NUMBER,
    SECTION,
    TRAILING_FOOTER,
    VERSION_TOKEN,
    date_line,
    is_contents_entry,
    is_form_field,
    is_heading,
    is_history_header,
    is_structural,
    opens_body,
    split_words,
)
from elearn.importing.source import Line, LineFate, Piece, Sifted, Source, SourceLine

_LEADING_NUMBER = re.compile(r"(?:Section|Part)?\s*(?P<number>\d{1,2})\.?0?\s+[A-Z]")
_ZONE = 0.12  # the top and foot of a page where running headers and footers sit
_SAME_PLACE = 0.012  # about ten points on A4: the same line's place on every page
PAGE_NUMBER_REASON = "page number"
RUNNING_REASON = "running header or footer"


def _shape(text: str) -> str:
    """A line with its numbers taken out, to see it repeat: "Page 3 of 9" ~ "Page 4 of 9"."""
    return re.sub(r"\d+", "#", text.lower())


class _Sifter:
    def __init__(self, source: Source) -> None:
        self.source = source
        self.lines = list(source.lines)
        self.reasons: dict[int, str] = {}  # index -> why it is skipped
        self.splits: dict[int, tuple[str, str]] = {}  # index -> (kept part, footer part)

    def skip(self, index: int, reason: str) -> None:
        self.reasons.setdefault(index, reason)

    def run(self) -> Sifted:
        self.regions()
        if self.source.kind == "pdf":
            self.pdf_furniture()
        self.trailing_footers()
        self.contents()
        self.history()
        if self.source.kind in ("text", "pdf", "markdown"):
            self.text_furniture()
        return self.result()

    # Word's headers and footers, Markdown's mark-up ------------------------------------------

    def regions(self) -> None:
        for index, line in enumerate(self.lines):
            if line.region == "header":
                self.skip(index, "page header")
            elif line.region == "footer":
                self.skip(index, "page footer")
            elif line.style in ("table-rule", "fence"):
                self.skip(index, "Markdown mark-up")

    # PDF: position and repetition ---------------------------------------------------------------

    def pdf_furniture(self) -> None:
        # Running headers and footers repeat at the same place on the page (give or take a
        # point or two), unlike a cover's first line that happens to read the same.
        tops: dict[tuple[str, str], list[tuple[float, int]]] = defaultdict(list)
        for line in self.lines:
            zone = self.zone(line)
            if zone:
                tops[(zone, _shape(line.text))].append((line.top or 0.0, line.page or 0))
        page_count = max(self.source.page_count, 1)
        needed = max(2, round(page_count * 0.3))
        for index, line in enumerate(self.lines):
            zone = self.zone(line)
            if not zone or line.cells is not None:
                continue
            if PAGE_NUMBER.fullmatch(line.text):
                self.skip(index, PAGE_NUMBER_REASON)
                continue
            pages = {
                page
                for top, page in tops[(zone, _shape(line.text))]
                if abs(top - (line.top or 0.0)) <= _SAME_PLACE
            }
            if len(pages) >= needed:
                self.skip(index, f"running {'header' if zone == 'top' else 'footer'}")

    @staticmethod
    def zone(line: SourceLine) -> str | None:
        if line.top is None:
            return None
        if line.top < _ZONE:
            return "top"
        if line.top > 1 - _ZONE:
            return "foot"
        return None

    # A footer run into a line --------------------------------------------------------------------

    def trailing_footers(self) -> None:
        if self.source.kind not in ("text", "pdf"):
            return
        for index, line in enumerate(self.lines):
            if index in self.reasons or line.cells is not None:
                continue
            match = TRAILING_FOOTER.search(line.text)
            if match and len(split_words(match["footer"])) <= 14:
                kept = line.text[: match.start()].rstrip()
                if kept:
                    self.splits[index] = (kept, match["footer"])

    # Contents lists ------------------------------------------------------------------------------

    def contents(self) -> None:
        in_contents = False
        for index, line in enumerate(self.lines):
            if index in self.reasons:
                continue
            text = line.text
            if line.style and line.style.lower().startswith("toc"):
                self.skip(index, "contents list")
                in_contents = True
                continue
            if CONTENTS_HEADING.fullmatch(text.rstrip(":")) and line.cells is None:
                self.skip(index, "contents list")
                in_contents = True
                continue
            if line.cells is not None and in_contents:
                cells = [cell for cell in line.cells if cell]
                if cells and re.fullmatch(r"\d{1,3}|page", cells[-1], re.IGNORECASE):
                    self.skip(index, "contents list")
                    continue
            if is_contents_entry(text) and (in_contents or "Error!" in text or self.leaders(text)):
                self.skip(index, "contents list")
                in_contents = True
                continue
            if in_contents and self.wraps_into_entry(index):
                self.skip(index, "contents list")
                continue
            if in_contents and text.lower() in ("page", "page no", "page no.", "section page"):
                self.skip(index, "contents list")
                continue
            in_contents = False

    @staticmethod
    def leaders(text: str) -> bool:
        return bool(re.search(r"(?:\.\s?){4,}\s*\d{1,3}$|…+\s*\d{1,3}$", text))

    def wraps_into_entry(self, index: int) -> bool:
        """A contents entry's first line, when the entry wraps onto the next line."""
        text = self.lines[index].text
        following = self.next_kept(index)
        return (
            following is not None
            and is_contents_entry(self.lines[following].text)
            and len(split_words(text)) <= 12
            and is_heading(text, 12)
        )

    def next_kept(self, index: int) -> int | None:
        for following in range(index + 1, len(self.lines)):
            if following not in self.reasons:
                return following
        return None

    # Version control and policy history ----------------------------------------------------------

    def history(self) -> None:
        history_tables: set[int] = set()
        in_history = False
        for index, line in enumerate(self.lines):
            if index in self.reasons:
                continue
            if line.cells is not None:
                if line.table in history_tables:
                    self.skip(index, "version history")
                    continue
                if is_history_header(list(line.cells)) or (
                    in_history and self.first_row_of_table(index)
                ):
                    history_tables.add(line.table or 0)
                    self.skip(index, "version history")
                    in_history = False
                    continue
                in_history = False
                continue
            text = line.text
            if HISTORY_HEADING.fullmatch(text) and len(split_words(text)) <= 6:
                self.skip(index, "version history")
                in_history = True
                continue
            if in_history and self.is_history_row(line):
                self.skip(index, "version history")
                continue
            in_history = False

    def first_row_of_table(self, index: int) -> bool:
        return index == 0 or self.lines[index - 1].table != self.lines[index].table

    @staticmethod
    def is_history_row(line: SourceLine) -> bool:
        text = line.text
        if line.heading_level is not None or SECTION.match(text) or APPENDIX.match(text):
            return False
        header_words = {word.strip(".:()").lower() for word in text.split()}
        if {"version", "date"} <= header_words or {"revision", "date"} <= header_words:
            return True
        starts_with_version = bool(VERSION_TOKEN.match(text))
        return (
            bool(DATE_TOKEN.search(text))
            and (starts_with_version or len(split_words(text)) <= 16)
            and not date_line(text)
        )

    # Plain text and PDF: page numbers and repeated lines ------------------------------------------

    def text_furniture(self) -> None:
        kept = [index for index in range(len(self.lines)) if index not in self.reasons]
        texts = {index: self.lines[index].text for index in kept}
        body_start = next(
            (i for i in kept if opens_body(texts[i]) or self.lines[i].heading_level in (1, 2)),
            kept[min(len(kept) - 1, 6)] if kept else 0,
        )
        front = {texts[i] for i in kept if i < body_start}
        repeats = Counter(_shape(texts[i]) for i in kept if i >= body_start)
        for index in kept:
            text = texts[index]
            line = self.lines[index]
            if index < body_start or line.heading_level is not None or line.cells:
                continue
            if PAGE_NUMBER.fullmatch(text) or BARE_NUMBER.fullmatch(text):
                continue
            if is_structural(text) or is_form_field(text) or date_line(text):
                continue
            if text in front or (
                self.by_page(index)
                and len(split_words(text)) <= 15
                and any(len(name) > 8 and name in text for name in front)
            ):
                # The school or title at the top of each page, or beside its page number.
                self.skip(index, RUNNING_REASON)
            elif (
                (repeats[_shape(text)] >= 3 or (repeats[_shape(text)] >= 2 and self.by_page(index)))
                and len(split_words(text)) <= 15
                and any(char.isalpha() for char in text)
            ):
                self.skip(index, RUNNING_REASON)
        kept = [index for index in kept if index not in self.reasons]
        self.bare_numbers = self.numbers_on_their_own(kept)
        for index in kept:
            if index not in self.bare_numbers and PAGE_NUMBER.fullmatch(texts[index]):
                self.skip(index, PAGE_NUMBER_REASON)

    def by_page(self, index: int) -> bool:
        """Whether a line stands next to a page number ("Page 2 of 5"), as a footer does."""
        return any(
            0 <= other < len(self.lines)
            and re.fullmatch(r"page\s+\d+(?:\s+of\s+\d+)?", self.lines[other].text, re.I)
            for other in (index - 1, index + 1)
        )

    def numbers_on_their_own(self, kept: list[int]) -> set[int]:
        """Lines holding only a number ("1", "2.3", "Section 4") whose title is on the next."""
        found: set[int] = set()
        last_section = 0
        for position, index in enumerate(kept):
            text = self.lines[index].text
            if (numbered := NUMBERED.match(text)) or (numbered := _LEADING_NUMBER.match(text)):
                last_section = max(last_section, int(numbered["number"].split(".")[0]))
            if position + 1 >= len(kept):
                break
            following = self.lines[kept[position + 1]]
            if not BARE_NUMBER.fullmatch(text) or following.cells is not None:
                continue
            if PAGE_NUMBER.fullmatch(text) and not self.is_section_number(
                index, following, last_section
            ):
                continue
            if is_structural(following.text) or BARE_NUMBER.fullmatch(following.text):
                continue
            if PAGE_NUMBER.fullmatch(following.text):
                continue
            found.add(index)
            if text.rstrip(".").isdigit():
                last_section = int(text.rstrip("."))
        return found

    def is_section_number(self, index: int, following: SourceLine, last_section: int) -> bool:
        """A bare whole number is a section's when it is the next section's number and its title
        follows straight after it; otherwise it is a page number."""
        text = self.lines[index].text.rstrip(".")
        return (
            text.isdigit()
            and int(text) == last_section + 1
            and is_heading(following.text, 10)
            and not following.after_break
            and not NUMBERED.match(following.text)
        )

    # The result ----------------------------------------------------------------------------------

    def result(self) -> Sifted:
        sifted = Sifted()
        after_break = False
        bare = getattr(self, "bare_numbers", set())
        pending: SourceLine | None = None
        for index, line in enumerate(self.lines):
            if index in self.reasons:
                sifted.skipped.append(LineFate(line.number, line.text, skipped=self.reasons[index]))
                after_break = True
                continue
            if index in bare or (
                self.source.kind == "docx"
                and BARE_NUMBER.fullmatch(line.text)
                and self.next_kept(index) is not None
                and not is_structural(self.lines[self.next_kept(index) or 0].text)
            ):
                pending = line
                continue
            text, raw = line.text, line.raw or line.text
            footer = self.splits.get(index)
            if footer is not None:
                text, raw = footer[0], footer[0]
            pieces = (Piece(line.number, text),)
            evidence = line
            if pending is not None:
                pieces = (Piece(pending.number, pending.text), *pieces)
                text = f"{pending.text} {text}"
                raw = f"{pending.text} {raw.lstrip()}"
                evidence = _with_heading(pending, line)
                pending = None
            sifted.lines.append(Line(text, raw, after_break or line.after_break, pieces, evidence))
            after_break = False
            if footer is not None:
                sifted.skipped.append(
                    LineFate(line.number, footer[1], skipped="page footer run into the text")
                )
                after_break = True
        if pending is not None:
            sifted.lines.append(
                Line(
                    pending.text,
                    pending.raw or pending.text,
                    True,
                    (Piece(pending.number, pending.text),),
                    pending,
                )
            )
        return sifted


def _with_heading(number: SourceLine, title: SourceLine) -> SourceLine:
    """The evidence for a number joined to its title: the title's style, the number's place."""
    return SourceLine(
        number.number,
        number.text,
        raw=number.raw,
        page=number.page,
        top=number.top,
        indent=number.indent,
        style=title.style or number.style,
        heading_level=title.heading_level or number.heading_level,
        is_bold=title.is_bold or number.is_bold,
        region=number.region,
        is_paragraph=True,
        after_break=number.after_break,
    )


def sift(source: Source) -> Sifted:
    """The lines the outline reads, and every line set aside with the reason."""
    return _Sifter(source).run()
