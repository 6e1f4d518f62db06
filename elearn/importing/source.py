"""A document as the importer sees it: its lines, each with the evidence the format gives.

Every reader (plain text and Markdown, Word, PDF) turns a document into `SourceLine`s: the
document's own lines, numbered from 1, each with what the format says about it (a Word style, a
list level, the page and the position on it, the cells of a table row). Everything after the
readers works on these, so one pipeline serves every format; and every source line ends as one or
more `LineFate`s, kept (and where) or skipped (and why), so that nothing is lost unseen.

Pure: no file I/O and no Flask.
"""

from __future__ import annotations

from dataclasses import dataclass, field


class PolicyImportError(ValueError):
    """The document cannot be read as a policy; the message says what is missing."""


@dataclass(frozen=True)
class SourceLine:
    """One line of the document, with its evidence.

    `number` counts the document's lines from 1 in reading order (for Word: paragraphs and table
    rows, then the page headers and footers; for PDF: the text lines page by page). `text` has its
    whitespace collapsed; `raw` keeps the spacing that lays out a table in plain text.
    """

    number: int
    text: str
    raw: str = ""
    page: int | None = None
    # Where on its page, as a share of the page's height from the top (PDF only).
    top: float | None = None
    indent: float = 0.0
    style: str | None = None  # the Word style's name, "h2" for Markdown's "##"
    heading_level: int | None = None  # 1 for a section's heading, 2 for a subsection's
    is_bold: bool = False
    is_list_item: bool = False  # Word numbering or a Markdown list: the label is in `text`
    is_bullet: bool = False
    cells: tuple[str, ...] | None = None  # a table row
    table: int | None = None  # which table of the document the row belongs to
    region: str = "body"  # "body", "header" or "footer" (Word's own page headers and footers)
    is_paragraph: bool = False  # a whole paragraph: never joined to the line before it
    after_break: bool = False  # a blank line or a paragraph's space came before it


@dataclass(frozen=True)
class Source:
    """A document read into lines. `kind` is "text", "markdown", "docx" or "pdf"."""

    name: str
    kind: str
    lines: tuple[SourceLine, ...]
    page_count: int = 1


@dataclass(frozen=True)
class LineFate:
    """What became of (part of) one source line: `kept` says where, `skipped` says why."""

    line: int
    text: str
    kept: str | None = None
    skipped: str | None = None

    def __str__(self) -> str:
        where = f"kept in {self.kept}" if self.kept else f"skipped: {self.skipped}"
        return f"line {self.line}: {where}: {self.text}"


@dataclass(frozen=True)
class Piece:
    """Part of a source line that the outline reads: its line number and its text."""

    line: int
    text: str


@dataclass(frozen=True)
class Line:
    """A line as the outline reads it: one source line, part of one, or a number on a line of
    its own joined to the title on the next. `evidence` is the first source line's."""

    text: str
    raw: str
    after_break: bool  # a blank line, page number or page header came just before
    pieces: tuple[Piece, ...]
    evidence: SourceLine


@dataclass
class Sifted:
    """The lines left for the outline after page furniture is taken out, and what was taken."""

    lines: list[Line] = field(default_factory=list)
    skipped: list[LineFate] = field(default_factory=list)
