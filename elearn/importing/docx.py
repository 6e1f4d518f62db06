"""Word documents (.docx) read into `SourceLine`s through the document's own structure.

The body is read in order, paragraph by paragraph and table row by table row, including content
controls (where Word keeps its cover pages and contents lists) and text boxes. Each paragraph
brings its evidence: its style (Heading 1, Title, TOC 2, List Bullet), its heading level, and the
label Word's automatic numbering shows for it ("1.2", "(a)", a bullet), worked out from the
numbering definitions as Word does, since that label is not in the text. The page headers and
footers come last, marked as such, so that every line of the document is accounted for.

Uses python-docx for the package, the styles and the XML; no file I/O of its own.
"""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from docx import Document
from docx.oxml.ns import qn

from elearn.importing.source import PolicyImportError, Source, SourceLine

_MC = "http://schemas.openxmlformats.org/markup-compatibility/2006"
_TEXT_TAGS = {
    qn("w:t"): None,
    qn("w:tab"): "\t",
    qn("w:cr"): "\n",
    qn("w:noBreakHyphen"): "-",
    qn("w:softHyphen"): "",
}
_SKIP_ANCESTORS = {qn("w:pPr"), qn("w:rPr"), qn("w:txbxContent"), qn("w:del"), f"{{{_MC}}}Fallback"}
_HEADING_STYLE = re.compile(r"heading\s*(\d)", re.IGNORECASE)
_ROMAN = (
    (1000, "m"), (900, "cm"), (500, "d"), (400, "cd"), (100, "c"), (90, "xc"),
    (50, "l"), (40, "xl"), (10, "x"), (9, "ix"), (5, "v"), (4, "iv"), (1, "i"),
)  # fmt: skip
MAX_PARAGRAPHS = 20_000  # a 1 MB upload holds far fewer; a bound against a crafted file


def _roman(number: int) -> str:
    out = ""
    for value, letters in _ROMAN:
        while number >= value:
            out += letters
            number -= value
    return out


def _letters(number: int) -> str:
    # Word's letter numbering runs a..z, then aa..zz, then aaa..zzz.
    return chr(ord("a") + (number - 1) % 26) * ((number - 1) // 26 + 1)


def _format(number: int, fmt: str) -> str:
    if fmt in ("lowerLetter",):
        return _letters(number)
    if fmt == "upperLetter":
        return _letters(number).upper()
    if fmt == "lowerRoman":
        return _roman(number)
    if fmt == "upperRoman":
        return _roman(number).upper()
    if fmt == "decimalZero":
        return f"{number:02d}"
    if fmt == "none":
        return ""
    return str(number)


@dataclass
class _Level:
    start: int = 1
    fmt: str = "decimal"
    text: str = "%1."
    restart: int | None = None  # restarts after this level (0-based); None: after any higher
    is_legal: bool = False


@dataclass
class _Numbering:
    """Word's automatic numbering: the label each numbered paragraph shows."""

    abstract: dict[str, dict[int, _Level]] = field(default_factory=dict)
    nums: dict[str, str] = field(default_factory=dict)  # numId -> abstractNumId
    overrides: dict[str, dict[int, int]] = field(default_factory=dict)  # numId -> level -> start
    counters: dict[str, list[int]] = field(default_factory=dict)  # abstractNumId -> counts
    started: set[str] = field(default_factory=set)

    @classmethod
    def of(cls, document: Any) -> _Numbering:
        numbering = cls()
        try:
            root = document.part.numbering_part.element
        except (KeyError, NotImplementedError):
            return numbering
        for abstract in root.findall(qn("w:abstractNum")):
            levels: dict[int, _Level] = {}
            for lvl in abstract.findall(qn("w:lvl")):
                level = _Level()
                if (start := lvl.find(qn("w:start"))) is not None:
                    level.start = int(start.get(qn("w:val"), "1"))
                if (fmt := lvl.find(qn("w:numFmt"))) is not None:
                    level.fmt = fmt.get(qn("w:val"), "decimal")
                if (text := lvl.find(qn("w:lvlText"))) is not None:
                    level.text = text.get(qn("w:val"), "")
                if (restart := lvl.find(qn("w:lvlRestart"))) is not None:
                    level.restart = int(restart.get(qn("w:val"), "0")) - 1
                level.is_legal = lvl.find(qn("w:isLgl")) is not None
                levels[int(lvl.get(qn("w:ilvl"), "0"))] = level
            numbering.abstract[abstract.get(qn("w:abstractNumId"), "")] = levels
        for num in root.findall(qn("w:num")):
            num_id = num.get(qn("w:numId"), "")
            abstract_id = num.find(qn("w:abstractNumId"))
            if abstract_id is None:
                continue
            numbering.nums[num_id] = abstract_id.get(qn("w:val"), "")
            for override in num.findall(qn("w:lvlOverride")):
                start = override.find(qn("w:startOverride"))
                if start is not None:
                    numbering.overrides.setdefault(num_id, {})[
                        int(override.get(qn("w:ilvl"), "0"))
                    ] = int(start.get(qn("w:val"), "1"))
        return numbering

    def label(self, num_id: str, level: int) -> tuple[str, bool] | None:
        """The label shown for the next paragraph of list `num_id` at `level`, and whether it is
        a bullet; None when the paragraph is not numbered after all (numId 0)."""
        abstract_id = self.nums.get(num_id)
        if abstract_id is None or abstract_id not in self.abstract:
            return None
        levels = self.abstract[abstract_id]
        definition = levels.get(level, _Level())
        if definition.fmt == "bullet":
            return "•", True
        counts = self.counters.setdefault(abstract_id, [0] * 9)
        overrides = self.overrides.get(num_id, {})
        if num_id not in self.started and overrides:
            self.started.add(num_id)
            for override_level, start in overrides.items():
                counts[override_level] = start - 1
                for deeper in range(override_level + 1, 9):
                    counts[deeper] = 0
        level = min(max(level, 0), 8)
        counts[level] = (counts[level] or levels.get(level, _Level()).start - 1) + 1
        for deeper in range(level + 1, 9):
            deeper_level = levels.get(deeper, _Level())
            if deeper_level.restart is None or deeper_level.restart >= level:
                counts[deeper] = 0

        def value(match: re.Match[str]) -> str:
            index = int(match[1]) - 1
            shown = levels.get(index, _Level())
            count = counts[index] or shown.start
            return _format(count, "decimal" if definition.is_legal else shown.fmt)

        return re.sub(r"%(\d)", value, definition.text).strip(), False


@dataclass
class _Reader:
    document: Any
    numbering: _Numbering
    lines: list[SourceLine] = field(default_factory=list)
    tables: int = 0
    after_break: bool = True
    styles: dict[str, Any] = field(default_factory=dict)

    def add(self, text: str, **evidence: Any) -> None:
        collapsed = " ".join(text.split())
        if not collapsed:
            self.after_break = True
            return
        if len(self.lines) >= MAX_PARAGRAPHS:
            raise PolicyImportError("That Word document is too long to be one policy.")
        number = len(self.lines) + 1
        evidence.setdefault("is_paragraph", True)
        self.lines.append(
            SourceLine(number, collapsed, raw=collapsed, after_break=True, **evidence)
        )
        self.after_break = False

    # The body, in order --------------------------------------------------------------------------

    def body(self, element: Any, *, in_toc: bool = False, region: str = "body") -> None:
        for child in element.iterchildren():
            if child.tag == qn("w:p"):
                self.paragraph(child, in_toc=in_toc, region=region)
            elif child.tag == qn("w:tbl"):
                self.table(child, region=region)
            elif child.tag == qn("w:sdt"):
                gallery = child.find(
                    f"{qn('w:sdtPr')}/{qn('w:docPartObj')}/{qn('w:docPartGallery')}"
                )
                is_toc = gallery is not None and "content" in gallery.get(qn("w:val"), "").lower()
                content = child.find(qn("w:sdtContent"))
                if content is not None:
                    self.body(content, in_toc=in_toc or is_toc, region=region)
            elif child.tag in (qn("w:customXml"), qn("w:ins")) or child.tag == qn("w:smartTag"):
                self.body(child, in_toc=in_toc, region=region)

    def paragraph(self, p: Any, *, in_toc: bool = False, region: str = "body") -> None:
        style_id = None
        ppr = p.find(qn("w:pPr"))
        if ppr is not None and (pstyle := ppr.find(qn("w:pStyle"))) is not None:
            style_id = pstyle.get(qn("w:val"))
        style = self.style(style_id)
        name = style.name if style is not None else "Normal"
        text = _text_of(p)
        level = _heading_level(name, ppr, style)
        is_toc = in_toc or name.lower().startswith("toc")
        # A contents list is set aside, and must not count in the headings' numbering either.
        label, is_bullet = ("", False) if is_toc else self.number_label(ppr, style)
        is_bold = _is_bold(p, style)
        indent = _indent(ppr, style)
        if label and text.strip():
            text = f"{label} {text}" if not is_bullet else f"• {text}"
        if is_toc:
            name = name if name.lower().startswith("toc") else "TOC"
        for box in _text_boxes(p):
            self.body(box, in_toc=in_toc, region=region)
        self.add(
            text,
            style=name,
            heading_level=level,
            is_bold=is_bold,
            is_list_item=bool(label),
            is_bullet=is_bullet,
            indent=indent,
            region=region,
        )

    def table(self, tbl: Any, *, region: str = "body") -> None:
        rows = tbl.findall(qn("w:tr"))
        grid = [self.row_cells(tr) for tr in rows]
        width = max((len(cells) for cells in grid), default=0)
        if width <= 1:
            # A box drawn round text, or a one-column list: its paragraphs are the document's.
            for tr in rows:
                for tc in tr.findall(qn("w:tc")):
                    self.body(tc, region=region)
            return
        self.tables += 1
        for cells in grid:
            texts = tuple(" ".join(_text_of_cell(tc).split()) for tc in cells)
            texts = texts + ("",) * (width - len(texts))
            if not any(texts):
                continue
            self.add(
                " ".join(text for text in texts if text),
                cells=texts,
                table=self.tables,
                region=region,
            )

    @staticmethod
    def row_cells(tr: Any) -> list[Any]:
        cells = []
        for tc in tr.findall(qn("w:tc")):
            tcpr = tc.find(qn("w:tcPr"))
            merge = tcpr.find(qn("w:vMerge")) if tcpr is not None else None
            if merge is not None and merge.get(qn("w:val"), "continue") == "continue":
                cells.append(tc.makeelement(qn("w:tc")))  # continues the cell above: empty here
                continue
            cells.append(tc)
        return cells

    # Styles and numbering -----------------------------------------------------------------------

    def style(self, style_id: str | None) -> Any:
        key = style_id or ""
        if key not in self.styles:
            styles = self.document.styles
            found = None
            if style_id:
                found = next((s for s in styles if s.style_id == style_id), None)
            if found is None:
                found = styles.default(1) if hasattr(styles, "default") else None
            self.styles[key] = found
        return self.styles[key]

    def number_label(self, ppr: Any, style: Any) -> tuple[str, bool]:
        num_id, level = None, 0
        level_from = None  # the paragraph's own level wins over its style's
        for source in (ppr, *_style_pprs(style)):
            if source is None:
                continue
            numpr = source.find(qn("w:numPr"))
            if numpr is None:
                continue
            if (ilvl := numpr.find(qn("w:ilvl"))) is not None and level_from is None:
                level, level_from = int(ilvl.get(qn("w:val"), "0")), source
            if num_id is None and (found := numpr.find(qn("w:numId"))) is not None:
                num_id = found.get(qn("w:val"))
            if num_id is not None:
                break
        if num_id is None or num_id == "0":
            return "", False
        found_label = self.numbering.label(num_id, level)
        return found_label if found_label else ("", False)


def _style_pprs(style: Any) -> Iterator[Any]:
    seen = 0
    while style is not None and seen < 10:
        yield style.element.find(qn("w:pPr"))
        style = style.base_style
        seen += 1


def _heading_level(name: str, ppr: Any, style: Any) -> int | None:
    lowered = name.lower()
    if lowered in ("title", "subtitle"):
        return 0
    if lowered.startswith("toc"):
        return None
    if match := _HEADING_STYLE.search(name):
        return int(match[1])
    for source in (ppr, *_style_pprs(style)):
        if source is not None and (outline := source.find(qn("w:outlineLvl"))) is not None:
            value = int(outline.get(qn("w:val"), "9"))
            return value + 1 if value < 9 else None
    return None


def _is_bold(p: Any, style: Any) -> bool:
    runs = [
        r for r in p.iter(qn("w:r")) if "".join(t.text or "" for t in r.iter(qn("w:t"))).strip()
    ]
    if not runs:
        return False

    def bold(rpr: Any) -> bool | None:
        if rpr is None or (b := rpr.find(qn("w:b"))) is None:
            return None
        return b.get(qn("w:val"), "true") not in ("0", "false")

    style_bold = False
    for ppr_style in _style_rprs(style):
        if (found := bold(ppr_style)) is not None:
            style_bold = found
            break
    return all(
        (run_bold if (run_bold := bold(r.find(qn("w:rPr")))) is not None else style_bold)
        for r in runs
    )


def _style_rprs(style: Any) -> Iterator[Any]:
    seen = 0
    while style is not None and seen < 10:
        yield style.element.find(qn("w:rPr"))
        style = style.base_style
        seen += 1


def _indent(ppr: Any, style: Any) -> float:
    for source in (ppr, *_style_pprs(style)):
        if source is not None and (ind := source.find(qn("w:ind"))) is not None:
            value = ind.get(qn("w:left")) or ind.get(qn("w:start")) or "0"
            try:
                return int(value) / 20  # twentieths of a point to points
            except ValueError:
                return 0.0
    return 0.0


def _is_skipped(element: Any, stop: Any) -> bool:
    parent = element.getparent()
    while parent is not None and parent is not stop:
        if parent.tag in _SKIP_ANCESTORS:
            return True
        parent = parent.getparent()
    return False


def _text_of(p: Any) -> str:
    """A paragraph's text as shown: runs, hyperlinks, fields' results, tracked insertions."""
    parts: list[str] = []
    for element in p.iter(*_TEXT_TAGS, qn("w:br"), qn("w:sym")):
        if _is_skipped(element, p):
            continue
        if element.tag == qn("w:t"):
            parts.append(element.text or "")
        elif element.tag == qn("w:br"):
            parts.append(" " if element.get(qn("w:type")) in ("page", "column") else "\n")
        elif element.tag == qn("w:sym"):
            char = element.get(qn("w:char"), "")
            try:
                parts.append(chr(int(char, 16)))
            except ValueError:
                continue
        else:
            parts.append(_TEXT_TAGS[element.tag] or "")
    return "".join(parts)


def _text_of_cell(tc: Any) -> str:
    """Every paragraph of a cell, nested tables' included, in order."""
    return " ".join(_text_of(p) for p in tc.iter(qn("w:p")) if not _is_skipped(p, tc))


def _text_boxes(p: Any) -> list[Any]:
    return [box for box in p.iter(qn("w:txbxContent")) if not _is_skipped(box, p)]


def read_docx(data: bytes, name: str = "policy.docx") -> Source:
    """Every paragraph and table row of a Word document, then its page headers and footers."""
    unreadable = (
        "That file could not be read as a Word document (.docx). Save it from Word as a .docx "
        "file and try again."
    )
    # The package meets untrusted bytes: whatever its parsers raise means it cannot be read.
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            total = sum(info.file_size for info in archive.infolist())
        if total > 50 * 1024 * 1024:
            raise PolicyImportError("That Word document is too large to read.")
        document = Document(io.BytesIO(data))
        reader = _Reader(document, _Numbering.of(document))
        reader.body(document.element.body)
    except PolicyImportError:
        raise
    except Exception as error:
        raise PolicyImportError(unreadable) from error
    try:
        _headers_and_footers(document, reader)
    except Exception as error:
        raise PolicyImportError(unreadable) from error
    return Source(name, "docx", tuple(reader.lines))


def _headers_and_footers(document: Any, reader: _Reader) -> None:
    seen: set[int] = set()
    for section in document.sections:
        for region, parts in (
            ("header", (section.first_page_header, section.header, section.even_page_header)),
            ("footer", (section.first_page_footer, section.footer, section.even_page_footer)),
        ):
            for part in parts:
                if part.is_linked_to_previous or id(part._element) in seen:
                    continue
                seen.add(id(part._element))
                reader.body(part._element, region=region)
