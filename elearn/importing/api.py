"""The one door to importing: a document's bytes in, a `Policy` and every line's fate out."""

from __future__ import annotations

from dataclasses import dataclass

from elearn.content.schema import Policy, PolicyWarning
from elearn.importing.docx import read_docx
from elearn.importing.furniture import sift
from elearn.importing.outline import build_outline
from elearn.importing.pdf import read_pdf
from elearn.importing.source import LineFate, PolicyImportError, Source
from elearn.importing.text import read_markdown, read_text

SUFFIXES = (".txt", ".md", ".markdown", ".docx", ".pdf")


@dataclass(frozen=True)
class ImportResult:
    """The policy read from a document, and what became of each of the document's lines."""

    policy: Policy
    fates: tuple[LineFate, ...]
    source: Source

    @property
    def skipped(self) -> tuple[LineFate, ...]:
        return tuple(fate for fate in self.fates if fate.skipped)

    @property
    def kept(self) -> tuple[LineFate, ...]:
        return tuple(fate for fate in self.fates if fate.kept)

    @property
    def warnings(self) -> tuple[PolicyWarning, ...]:
        return self.policy.warnings


def read_source(name: str, data: bytes) -> Source:
    """The document's lines, read by the reader its file name calls for."""
    suffix = "." + name.lower().rsplit(".", 1)[-1] if "." in name else ".txt"
    if suffix == ".docx":
        return read_docx(data, name)
    if suffix == ".pdf":
        return read_pdf(data, name)
    if suffix not in (".txt", ".md", ".markdown", ".text"):
        raise PolicyImportError(
            f"Files ending {suffix} cannot be imported: use a Word document (.docx), a PDF, "
            "plain text (.txt) or Markdown (.md)."
        )
    if data.startswith((b"%PDF", b"PK\x03\x04")):
        raise PolicyImportError(
            "That file is a PDF or a Word document with the wrong ending: rename it to .pdf or "
            ".docx and try again."
        )
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise PolicyImportError(
            f"That file is not UTF-8 text (byte {error.start} cannot be read): save it as UTF-8 "
            "and try again."
        ) from error
    if "\x00" in text:
        raise PolicyImportError("That file is not plain text.")
    if suffix in (".md", ".markdown"):
        return read_markdown(text, name)
    return read_text(text, name)


def import_source(
    source: Source,
    *,
    school: str | None = None,
    title: str | None = None,
    version: str | None = None,
) -> ImportResult:
    sifted = sift(source)
    outline = build_outline(
        sifted.lines,
        version=version,
        school=school,
        title=title,
        source_name=source.name,
        source_kind=source.kind,
    )
    texts = {line.number: line.text for line in source.lines}
    # In document order, and within a line in the order its parts come.
    fates = tuple(
        sorted(
            (*sifted.skipped, *outline.fates),
            key=lambda fate: (fate.line, texts.get(fate.line, "").find(fate.text)),
        )
    )
    return ImportResult(outline.policy, fates, source)


def import_document(
    name: str,
    data: bytes,
    *,
    school: str | None = None,
    title: str | None = None,
    version: str | None = None,
) -> ImportResult:
    """Import a policy document (.docx, .pdf, .txt or .md, told apart by `name`).

    `school`, `title` and `version` stand in for what the document says, or fill in what it does
    not; whatever is missing is a warning on the policy, never a refusal. Raises
    `PolicyImportError` when the file cannot be read, or holds no headings or numbers at all.
    """
    return import_source(read_source(name, data), school=school, title=title, version=version)


def import_text(
    text: str,
    *,
    name: str = "policy.txt",
    school: str | None = None,
    title: str | None = None,
    version: str | None = None,
) -> ImportResult:
    """Import a policy already in hand as plain text (or Markdown, by `name`)."""
    reader = read_markdown if name.lower().endswith((".md", ".markdown")) else read_text
    return import_source(reader(text, name), school=school, title=title, version=version)
