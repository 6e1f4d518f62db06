"""PDF documents read into `SourceLine`s from the text and its layout on each page.

pdfplumber gives every word with its position, font and size. Words are gathered into lines by
their height on the page; each line keeps its page, its position (so running headers and footers
can be found by where they sit and how often they repeat), its indent, whether it is bold, and a
heading level where its type is larger than the body text's. Ruled tables are read as tables, row
by row, in their place. A line's `raw` text lays its words out by their horizontal position, so
that a table drawn with spaces keeps its columns.
"""

from __future__ import annotations

import contextlib
import io
import logging
import re
from collections import Counter
from statistics import median
from typing import Any

import pdfplumber

from elearn.importing.source import PolicyImportError, Source, SourceLine

MAX_PAGES = 300  # far beyond any policy; a bound against a crafted file
_UNMAPPED = re.compile(r"\(cid:\d+\)|[\uf000-\uf0ff]")
_BOLD = ("bold", "black", "heavy", "semibold", "demi")

logging.getLogger("pdfminer").setLevel(logging.ERROR)


def _is_bold(fontname: str) -> bool:
    lowered = fontname.lower()
    return any(mark in lowered for mark in _BOLD)


def _lines_of(words: list[dict[str, Any]]) -> list[list[dict[str, Any]]]:
    """Words grouped into lines: those whose middles sit within half a line of each other."""
    lines: list[list[dict[str, Any]]] = []
    for word in sorted(words, key=lambda w: (round(w["top"], 1), w["x0"])):
        middle = (word["top"] + word["bottom"]) / 2
        if lines:
            last = lines[-1]
            last_middle = sum((w["top"] + w["bottom"]) / 2 for w in last) / len(last)
            if abs(middle - last_middle) <= max(2.0, 0.4 * (word["bottom"] - word["top"])):
                last.append(word)
                continue
        lines.append([word])
    for line in lines:
        line.sort(key=lambda w: w["x0"])
    return lines


def _in_box(word: dict[str, Any], box: tuple[float, float, float, float]) -> bool:
    x0, top, x1, bottom = box
    middle_x = (word["x0"] + word["x1"]) / 2
    middle_y = (word["top"] + word["bottom"]) / 2
    return x0 <= middle_x <= x1 and top <= middle_y <= bottom


def read_pdf(data: bytes, name: str = "policy.pdf") -> Source:
    """Every text line of a PDF, page by page, with its position, font and size."""
    # The parser meets untrusted bytes: whatever it raises means the file cannot be read.
    try:
        pdf = pdfplumber.open(io.BytesIO(data))
    except Exception as error:
        raise PolicyImportError(
            "That file could not be read as a PDF. Save the policy as a PDF again, or as a Word "
            "document, and try again."
        ) from error
    try:
        return _read(pdf, name)
    except PolicyImportError:
        raise
    except Exception as error:
        raise PolicyImportError(
            "That PDF could not be read through. Save the policy as a PDF again, or as a Word "
            "document, and try again."
        ) from error
    finally:
        with contextlib.suppress(Exception):  # closing walks the pages again: it may fail too
            pdf.close()


def _read(pdf: Any, name: str) -> Source:
    if len(pdf.pages) > MAX_PAGES:
        raise PolicyImportError(f"That PDF has more than {MAX_PAGES} pages: it is not one policy.")
    pages: list[tuple[Any, list[Any]]] = []
    sizes: Counter[float] = Counter()
    for page in pdf.pages:
        words = page.extract_words(extra_attrs=["fontname", "size"], keep_blank_chars=False)
        tables = [
            table
            for table in page.find_tables()
            if len(table.rows) >= 1 and max(len(row.cells) for row in table.rows) >= 2
        ]
        pages.append((page, [words, tables]))
        for word in words:
            sizes[round(word["size"], 1)] += len(word["text"])
    if not sizes:
        raise PolicyImportError(
            "That PDF has no text to read: it may be a scan. Save the policy from Word as a PDF, "
            "or upload the Word document."
        )
    body_size = sizes.most_common(1)[0][0]
    heading_sizes = sorted((size for size in sizes if size >= body_size * 1.15), reverse=True)
    # The largest type, used on the first page alone, is the title's: the headings rank below it.
    title_size = None
    if len(heading_sizes) > 1 and {
        number
        for number, (_page, (words, _tables)) in enumerate(pages, start=1)
        if any(round(word["size"], 1) == heading_sizes[0] for word in words)
    } == {1}:
        title_size = heading_sizes.pop(0)
    lines: list[SourceLine] = []
    table_count = 0
    for page_number, (page, (words, tables)) in enumerate(pages, start=1):
        height = float(page.height) or 1.0
        boxes = [tuple(table.bbox) for table in tables]
        items: list[tuple[float, str, Any]] = []
        free = [word for word in words if not any(_in_box(word, box) for box in boxes)]
        for line_words in _lines_of(free):
            items.append((min(w["top"] for w in line_words), "line", line_words))
        for table in tables:
            items.append((table.bbox[1], "table", table))
        items.sort(key=lambda item: item[0])
        previous_bottom: float | None = None
        for top, kind, item in items:
            if kind == "table":
                table_count += 1
                for row in item.extract():
                    cells = tuple(" ".join((cell or "").split()) for cell in row)
                    if not any(cells):
                        continue
                    lines.append(
                        SourceLine(
                            len(lines) + 1,
                            " ".join(cell for cell in cells if cell),
                            raw=" ".join(cell for cell in cells if cell),
                            page=page_number,
                            top=top / height,
                            cells=cells,
                            table=table_count,
                            is_paragraph=True,
                            after_break=True,
                        )
                    )
                previous_bottom = item.bbox[3]
                continue
            line_words = item
            size = median(w["size"] for w in line_words)
            # A glyph with no text behind it at the start of a line is a list's bullet symbol.
            if _UNMAPPED.fullmatch(line_words[0]["text"]) and len(line_words) > 1:
                line_words[0] = {**line_words[0], "text": "•"}
            text = " ".join(w["text"] for w in line_words)
            char_width = max(size * 0.5, 1.0)
            raw = ""
            for word in line_words:
                column = int(word["x0"] / char_width)
                raw += " " * max(column - len(raw), 1 if raw else 0) + word["text"]
            bottom = max(w["bottom"] for w in line_words)
            gap = None if previous_bottom is None else top - previous_bottom
            after_break = gap is None or gap > size * 0.6
            level = None
            rounded = round(size, 1)
            if rounded in heading_sizes:
                level = heading_sizes.index(rounded) + 1
            elif rounded == title_size:
                level = 0
            lines.append(
                SourceLine(
                    len(lines) + 1,
                    " ".join(text.split()),
                    raw=raw,
                    page=page_number,
                    top=top / height,
                    indent=float(min(w["x0"] for w in line_words)),
                    heading_level=min(level, 3) if level is not None else None,
                    is_bold=sum(_is_bold(w["fontname"]) * len(w["text"]) for w in line_words) * 2
                    > sum(len(w["text"]) for w in line_words),
                    after_break=after_break,
                )
            )
            previous_bottom = bottom
    return Source(name, "pdf", tuple(lines), page_count=len(pages))
