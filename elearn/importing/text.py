"""Plain text and Markdown documents read into `SourceLine`s.

Plain text carries no evidence but its spacing: each non-blank line is a source line, numbered as
in the file, and a blank line before it is noted. Markdown adds headings (``#``), list items and
pipe tables; its emphasis marks are taken off, since they are not the policy's words.
"""

from __future__ import annotations

import re

from elearn.importing.source import Source, SourceLine

_MD_HEADING = re.compile(r"(?P<marks>#{1,6})\s+(?P<text>.*?)\s*#*\s*$")
_MD_RULE = re.compile(r"\|?\s*:?-{3,}:?\s*(?:\|\s*:?-{3,}:?\s*)*\|?")
_MD_EMPHASIS = re.compile(
    r"(\*\*|__)(?=\S)(.+?)(?<=\S)\1|(?<![\w*])\*(?=\S)([^*]+?)(?<=\S)\*(?!\w)"
)
_MD_CODE = re.compile(r"`([^`]*)`")
_MD_LINK = re.compile(r"\[([^\]]+)\]\(([^)\s]+)\)")


def read_text(text: str, name: str = "policy.txt") -> Source:
    """Every non-blank line of a plain-text document, numbered as in the file."""
    lines: list[SourceLine] = []
    after_break = False
    for number, raw_line in enumerate(text.splitlines(), start=1):
        raw = raw_line.expandtabs(8).rstrip()
        collapsed = " ".join(raw.split())
        if not collapsed:
            after_break = True
            continue
        lines.append(SourceLine(number, collapsed, raw=raw, after_break=after_break))
        after_break = False
    return Source(name, "text", tuple(lines))


def _plain(text: str) -> str:
    text = _MD_LINK.sub(lambda match: f"{match[1]} ({match[2]})", text)
    text = _MD_CODE.sub(r"\1", text)
    previous = None
    while previous != text:
        previous = text
        text = _MD_EMPHASIS.sub(lambda match: match[2] or match[3] or "", text)
    return " ".join(text.replace("\\", "").split())


def read_markdown(text: str, name: str = "policy.md") -> Source:
    """A Markdown document: ``#`` headings give levels, ``|`` rows give tables."""
    raw_lines = text.splitlines()
    levels = sorted(
        {len(match["marks"]) for line in raw_lines if (match := _MD_HEADING.fullmatch(line))}
    )
    first_level = levels[0] if levels else 0
    top_headings = [line for line in raw_lines if _MD_HEADING.fullmatch(line)]
    # A single heading of the highest rank, first of all, is the document's title.
    has_title = (
        len(levels) > 1
        and sum(
            1
            for line in top_headings
            if len(_MD_HEADING.fullmatch(line)["marks"]) == first_level  # type: ignore[index]
        )
        == 1
        and len(_MD_HEADING.fullmatch(top_headings[0])["marks"]) == first_level  # type: ignore[index]
    )
    ranks = levels[1:] if has_title else levels
    lines: list[SourceLine] = []
    after_break = False
    table = 0
    in_table = False
    in_fence = False
    for number, raw_line in enumerate(raw_lines, start=1):
        stripped = raw_line.strip()
        if stripped.startswith("```"):
            in_fence = not in_fence
            lines.append(SourceLine(number, stripped, raw=stripped, style="fence"))
            continue
        if not stripped:
            after_break, in_table = True, False
            continue
        if stripped.startswith(">"):
            stripped = stripped.lstrip("> ").strip() or stripped
        if not in_fence and (heading := _MD_HEADING.fullmatch(stripped)):
            level = len(heading["marks"])
            rank = 0 if has_title and level == first_level else ranks.index(level) + 1
            lines.append(
                SourceLine(
                    number,
                    _plain(heading["text"]),
                    raw=stripped,
                    style=f"h{level}",
                    heading_level=min(rank, 3),
                    is_paragraph=True,
                    after_break=True,
                )
            )
            after_break, in_table = True, False
            continue
        if not in_fence and stripped.startswith("|") and stripped.count("|") >= 2:
            if _MD_RULE.fullmatch(stripped):
                lines.append(SourceLine(number, stripped, raw=stripped, style="table-rule"))
                continue
            if not in_table:
                table += 1
                in_table = True
            cells = tuple(_plain(cell) for cell in stripped.strip("|").split("|"))
            lines.append(
                SourceLine(
                    number,
                    " ".join(cell for cell in cells if cell),
                    raw=stripped,
                    cells=cells,
                    table=table,
                    is_paragraph=True,
                    after_break=after_break,
                )
            )
            after_break = False
            continue
        in_table = False
        indent = len(raw_line.expandtabs(4)) - len(raw_line.expandtabs(4).lstrip())
        lines.append(
            SourceLine(
                number,
                _plain(stripped),
                raw=raw_line.expandtabs(8).rstrip(),
                indent=float(indent),
                style="md",
                after_break=after_break,
            )
        )
        after_break = False
    return Source(name, "markdown", tuple(lines))
